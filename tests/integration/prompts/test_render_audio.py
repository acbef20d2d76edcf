"""Rendering announcements with the real espeak-ng and sox: format, levels, and the content hash."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from callcenter.domain.schedule import Closure, Office, Reason, windows_from_spec
from callcenter.prompts.audio_errors import AudioToolError
from callcenter.prompts.audio_tools import AudioTools
from callcenter.prompts.render import render_prompts
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.text import Contact

from .audio_support import measure, mtimes, snapshot, sox_stat
from .conftest import NOW, TEAM, TZ

ALL_LANGUAGES = ("de", "en", "tr", "ar", "ru", "uk")
TARGET_PEAK = 10 ** (-3 / 20)  # norm -3 dBFS


async def test_every_reason_and_language_is_pbx_ready(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    report = await render_prompts(office, templates, contact, NOW, tmp_path, team=TEAM)

    folder = tmp_path / "callhours" / TEAM
    expected = {f"closed-{reason}-{lang}.wav" for reason in Reason for lang in ALL_LANGUAGES}
    assert {path.name for path in folder.glob("*.wav")} == expected
    assert len(report.rendered) == 18
    assert not report.skipped
    assert not report.recording
    for name in sorted(expected):
        audio = measure(folder / name)
        assert (audio.rate, audio.channels, audio.bits) == (8000, 1, 16), name
        assert audio.encoding == "Signed Integer PCM", name
        assert 2.0 <= audio.seconds <= 60.0, (name, audio.seconds)
        assert audio.rms > 0.02, (name, audio.rms)  # speech, not silence
        assert audio.peak == pytest.approx(TARGET_PEAK, abs=0.02), name  # normalised
        lead_in = sox_stat(folder / name, "trim", "0", "0.25")
        assert lead_in["Maximum amplitude"] < 0.01, name  # the pause before the first word
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert {slot["active"] for slot in manifest["slots"].values()} == {"tts"}
    assert (
        "Montag bis Donnerstag von 9 bis 12 Uhr"
        in manifest["slots"]["closed-hours-de"]["tts"]["text"]
    )


async def test_unchanged_texts_are_not_rendered_again(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    first = await render_prompts(
        office, templates, contact, NOW, tmp_path, team=TEAM, languages=("de", "en")
    )
    before = snapshot(tmp_path)

    # An hour later on the same Saturday every text (next opening: Monday, 9 am) is the same.
    again = await render_prompts(
        office,
        templates,
        contact,
        NOW.replace(hour=11),
        tmp_path,
        team=TEAM,
        languages=("de", "en"),
    )

    assert len(first.rendered) == 6
    assert len(again.skipped) == 6
    assert not again.rendered
    assert snapshot(tmp_path) == before  # not a byte, not an mtime, not the manifest


async def test_a_closure_reason_re_renders_exactly_the_closure_texts(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    await render_prompts(
        office, templates, contact, NOW, tmp_path, team=TEAM, languages=("de", "en")
    )
    folder = tmp_path / "callhours" / TEAM
    before = mtimes(folder)
    old_closure_de = (folder / "closed-closure-de.wav").read_bytes()
    # A closure today (a Saturday) changes the closure text only: the next opening stays Monday.
    closure = Closure.whole_days(
        TEAM, date(2026, 3, 14), date(2026, 3, 14), TZ, "Betriebsausflug", public_reason="training"
    )
    changed = dataclasses.replace(office, closures=(*office.closures, closure))

    report = await render_prompts(
        changed, templates, contact, NOW, tmp_path, team=TEAM, languages=("de", "en")
    )

    assert {(e.reason, e.lang) for e in report.rendered} == {
        (Reason.CLOSURE, "de"),
        (Reason.CLOSURE, "en"),
    }
    after = mtimes(folder)
    assert {name for name in after if after[name] != before[name]} == {
        "closed-closure-de.wav",
        "closed-closure-en.wav",
    }
    assert (folder / "closed-closure-de.wav").read_bytes() != old_closure_de
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    spoken = manifest["slots"]["closed-closure-de"]["tts"]["text"]
    assert "Unser Team ist heute bei einer Fortbildung." in spoken
    assert "Betriebsausflug" not in spoken  # the internal note is never spoken


async def test_changed_hours_re_render_only_that_team(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    teams = ("auslaender-a", "auslaender-b")
    small = dataclasses.replace(office, teams=tuple(t for t in office.teams if t.id in teams))
    await render_prompts(small, templates, contact, NOW, tmp_path, languages=("de",))
    before_a = mtimes(tmp_path / "callhours" / "auslaender-a")
    team_b = small.team("auslaender-b")
    longer = dataclasses.replace(team_b, windows=windows_from_spec("Mo-Fr 08:00-18:00"))
    changed = dataclasses.replace(small, teams=(small.team("auslaender-a"), longer))

    report = await render_prompts(changed, templates, contact, NOW, tmp_path, languages=("de",))

    assert {(e.team, e.action) for e in report.entries} == {
        ("auslaender-a", "skipped"),
        ("auslaender-b", "rendered"),
    }
    assert len(report.rendered) == 3
    assert mtimes(tmp_path / "callhours" / "auslaender-a") == before_a
    manifest = json.loads((tmp_path / "callhours/auslaender-b/manifest.json").read_text("utf-8"))
    assert "von 8 bis 18 Uhr" in manifest["slots"]["closed-hours-de"]["tts"]["text"]


async def test_progress_is_reported_per_file(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    seen: list[str] = []
    await render_prompts(
        office, templates, contact, NOW, tmp_path, team=TEAM, languages=("en",),
        on_progress=lambda entry: seen.append(f"{entry.reason}-{entry.lang}:{entry.action}"),
    )  # fmt: skip
    assert sorted(seen) == ["closure-en:rendered", "holiday-en:rendered", "hours-en:rendered"]


async def test_a_missing_tool_is_named(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    tools = AudioTools(espeak="espeak-ng-not-installed")
    with pytest.raises(AudioToolError) as caught:
        await render_prompts(
            office, templates, contact, NOW, tmp_path, team=TEAM, languages=("de",), tools=tools
        )
    assert caught.value.tool == "espeak-ng-not-installed"
    assert "espeak-ng-not-installed ist nicht installiert" in str(caught.value)
    assert "not installed" in caught.value.message("en")
    assert not list((tmp_path / "callhours" / TEAM).glob("*.wav"))


async def test_a_slow_tool_is_stopped(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    tools = AudioTools(timeout_seconds=0.001)
    with pytest.raises(AudioToolError, match="nicht geantwortet") as caught:
        await render_prompts(
            office, templates, contact, NOW, tmp_path, team=TEAM, languages=("de",), tools=tools
        )
    assert caught.value.tool == "espeak-ng"
    assert "did not finish within 0.001 s" in caught.value.message("en")


async def test_a_failing_voice_names_the_tool_and_keeps_the_other_languages(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    broken = {"de": templates["de"], "en": dataclasses.replace(templates["en"], voice="xx-nope")}
    with pytest.raises(AudioToolError) as caught:
        await render_prompts(office, broken, contact, NOW, tmp_path, team=TEAM)
    assert caught.value.tool == "espeak-ng"
    assert "voice does not exist" in caught.value.stderr
    assert "espeak-ng ist fehlgeschlagen" in str(caught.value)

    folder = tmp_path / "callhours" / TEAM
    assert {path.name for path in folder.glob("*.wav")} == {
        f"closed-{reason}-de.wav" for reason in Reason
    }
    assert not [path for path in folder.rglob("*") if ".tmp-" in path.name]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert sorted(manifest["slots"]) == [f"closed-{reason}-de" for reason in sorted(Reason)]
    # The German files are not rendered again once the English voice is fixed.
    report = await render_prompts(
        office, templates, contact, NOW, tmp_path, team=TEAM, languages=("de", "en")
    )
    assert {e.lang for e in report.rendered} == {"en"}
    assert {e.lang for e in report.skipped} == {"de"}
