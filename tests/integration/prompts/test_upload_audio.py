"""Uploaded recordings with the real sox: converted, preferred over the text, or rejected."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from callcenter.domain.schedule import Closure, Office, Reason
from callcenter.prompts.audio_errors import Problem, RecordingRejected, UnknownPromptSlot
from callcenter.prompts.audio_files import TeamSounds
from callcenter.prompts.audio_manifest import active_sources
from callcenter.prompts.render import render_prompts
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.text import Contact
from callcenter.prompts.upload import install_recording, remove_recording

from .audio_support import make_audio, make_speech, measure, snapshot
from .conftest import NOW, TEAM, TZ


@pytest.fixture
async def sounds_dir(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> Path:
    """A sounds directory with team A's German and English texts rendered."""
    sounds = tmp_path / "sounds"
    await render_prompts(office, templates, contact, NOW, sounds, team=TEAM, languages=("de", "en"))
    return sounds


def folder(sounds_dir: Path) -> Path:
    return sounds_dir / "callhours" / TEAM


def manifest(sounds_dir: Path) -> dict[str, dict[str, object]]:
    slots: dict[str, dict[str, object]] = json.loads(
        (folder(sounds_dir) / "manifest.json").read_text("utf-8")
    )["slots"]
    return slots


@pytest.mark.parametrize(
    ("name", "rate", "channels"),
    [
        ("ansage.wav", 44100, 2),  # a desktop recorder's default
        ("ansage.mp3", 44100, 2),
        ("ansage.ogg", 48000, 1),
        ("ansage.flac", 22050, 1),
    ],
)
async def test_a_recording_is_converted_and_plays_instead_of_the_text(
    sounds_dir: Path, tmp_path: Path, name: str, rate: int, channels: int
) -> None:
    upload = make_speech(
        tmp_path / name, "Guten Tag. Unser Telefon ist heute nicht besetzt.", rate, channels
    )
    source = measure(upload)
    assert (source.rate, source.channels) == (rate, channels)

    installed = await install_recording(
        upload, TEAM, "hours", "de", sounds_dir, uploaded_by="admin"
    )

    active = folder(sounds_dir) / "closed-hours-de.wav"
    assert installed.path == active
    played = measure(active)
    assert (played.rate, played.channels, played.bits) == (8000, 1, 16)
    assert played.encoding == "Signed Integer PCM"
    # The upload plus the 0.3 s lead-in (MP3 decoders add a few ms of padding).
    assert played.seconds == pytest.approx(source.seconds + 0.3, abs=0.1)
    assert played.peak == pytest.approx(10 ** (-3 / 20), abs=0.02)
    assert (
        active.read_bytes() == (folder(sounds_dir) / "recordings/closed-hours-de.wav").read_bytes()
    )
    assert active.read_bytes() != (folder(sounds_dir) / "tts/closed-hours-de.wav").read_bytes()
    assert installed.original.read_bytes() == upload.read_bytes()
    assert installed.original.name == f"closed-hours-de.original.{name.split('.')[-1]}"
    slot = manifest(sounds_dir)["closed-hours-de"]
    assert slot["active"] == "recording"
    assert slot["recording"]["source_name"] == name  # type: ignore[index]
    assert active_sources(TeamSounds(sounds_dir, TEAM))["closed-hours-en"] == "tts"


async def test_rendering_keeps_the_recording_in_place(
    office: Office,
    templates: dict[str, PromptTemplate],
    contact: Contact,
    sounds_dir: Path,
    tmp_path: Path,
) -> None:
    upload = make_speech(tmp_path / "schliessung.mp3", "Heute geschlossen. Bitte morgen wieder.")
    await install_recording(upload, TEAM, Reason.CLOSURE, "de", sounds_dir)
    active = folder(sounds_dir) / "closed-closure-de.wav"
    recorded = active.read_bytes()
    recorded_mtime = active.stat().st_mtime_ns
    tts_before = (folder(sounds_dir) / "tts/closed-closure-de.wav").read_bytes()
    # A change to the closure text: the text is rendered, but the recording still plays.
    closure = Closure.whole_days(
        TEAM, date(2026, 3, 14), date(2026, 3, 14), TZ, "Umzug", public_reason="technical"
    )
    changed = dataclasses.replace(office, closures=(closure,))

    report = await render_prompts(
        changed, templates, contact, NOW, sounds_dir, team=TEAM, languages=("de", "en")
    )

    assert {
        (e.reason, e.lang, e.action, e.active) for e in report.entries if e.action == "rendered"
    } == {
        (Reason.CLOSURE, "de", "rendered", "recording"),
        (Reason.CLOSURE, "en", "rendered", "tts"),
    }
    assert [(e.reason, e.lang) for e in report.recording] == [(Reason.CLOSURE, "de")]
    assert active.read_bytes() == recorded
    assert active.stat().st_mtime_ns == recorded_mtime
    assert (folder(sounds_dir) / "tts/closed-closure-de.wav").read_bytes() != tts_before
    assert manifest(sounds_dir)["closed-closure-de"]["active"] == "recording"

    # Going back to the text plays the current (just rendered) text at once.
    assert await remove_recording(TEAM, "closure", "de", sounds_dir) == "tts"
    assert active.read_bytes() == (folder(sounds_dir) / "tts/closed-closure-de.wav").read_bytes()
    assert not list((folder(sounds_dir) / "recordings").iterdir())
    assert manifest(sounds_dir)["closed-closure-de"]["active"] == "tts"
    assert "recording" not in [e.active for e in (await render_prompts(
        changed, templates, contact, NOW, sounds_dir, team=TEAM, languages=("de",)
    )).entries]  # fmt: skip


async def test_a_new_upload_replaces_the_previous_one(sounds_dir: Path, tmp_path: Path) -> None:
    first = make_audio(tmp_path / "erste.mp3", 3)
    second = make_audio(tmp_path / "zweite.flac", 4)
    await install_recording(first, TEAM, "holiday", "en", sounds_dir)
    await install_recording(second, TEAM, "holiday", "en", sounds_dir)

    recordings = folder(sounds_dir) / "recordings"
    assert sorted(path.name for path in recordings.iterdir()) == [
        "closed-holiday-en.original.flac",
        "closed-holiday-en.wav",
    ]
    assert measure(folder(sounds_dir) / "closed-holiday-en.wav").seconds == pytest.approx(
        4.3, abs=0.05
    )


def _text_as_wav(path: Path) -> Path:
    path.write_text("Dies ist keine Audiodatei, nur umbenannt.\n", encoding="utf-8")
    return path


REJECTED = [
    pytest.param(
        lambda d: _text_as_wav(d / "ansage.wav"),
        Problem.NOT_AUDIO,
        "„ansage.wav“ ist keine lesbare WAV-Audiodatei",
        "'ansage.wav' is not a readable WAV audio file",
        id="text-renamed-wav",
    ),
    pytest.param(
        lambda d: _text_as_wav(d / "ansage.mp3"),
        Problem.NOT_AUDIO,
        "„ansage.mp3“ ist keine lesbare MP3-Audiodatei",
        "'ansage.mp3' is not a readable MP3 audio file",
        id="text-renamed-mp3",
    ),
    pytest.param(
        lambda d: _text_as_wav(d / "ansage.txt"),
        Problem.UNSUPPORTED_TYPE,
        "„ansage.txt“: Dateityp „.txt“ wird nicht angenommen",
        "file type '.txt' is not accepted",
        id="wrong-type",
    ),
    pytest.param(
        lambda d: make_audio(d / "kurz.wav", 0.2),
        Problem.TOO_SHORT,
        "„kurz.wav“ ist mit 0,2 s zu kurz (mindestens 1 s)",
        "'kurz.wav' is too short at 0.2 s (at least 1 s)",
        id="0.2s",
    ),
    pytest.param(
        lambda d: make_audio(d / "kurz.ogg", 0.5),
        Problem.TOO_SHORT,
        "„kurz.ogg“ ist mit 0,5 s zu kurz",
        "too short at 0.5 s",
        id="0.5s",
    ),
    pytest.param(
        lambda d: make_audio(d / "lang.flac", 130, 8000),
        Problem.TOO_LONG,
        "„lang.flac“ ist mit 130 s zu lang (höchstens 120 s)",
        "'lang.flac' is too long at 130 s (at most 120 s)",
        id="130s",
    ),
    pytest.param(
        lambda d: make_audio(d / "lang.mp3", 600, 8000),
        Problem.TOO_LONG,
        "„lang.mp3“ ist mit 600 s zu lang",
        "too long at 600 s",
        id="10min",
    ),
    pytest.param(
        lambda d: make_audio(d / "still.wav", 5, 44100, 2, "sine", "440", "vol", "0"),
        Problem.SILENT,
        "„still.wav“ ist still oder fast still",
        "'still.wav' is silent or nearly silent",
        id="silence",
    ),
    pytest.param(
        lambda d: make_audio(d / "leise.flac", 5, 44100, 1, "whitenoise", "vol", "-70dB"),
        Problem.SILENT,
        "„leise.flac“ ist still oder fast still",
        "silent or nearly silent",
        id="noise-floor-only",
    ),
]


@pytest.mark.parametrize(("make", "problem", "german", "english"), REJECTED)
async def test_a_bad_upload_is_rejected_and_changes_nothing(
    sounds_dir: Path,
    tmp_path: Path,
    make: Callable[[Path], Path],
    problem: Problem,
    german: str,
    english: str,
) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    upload = make(uploads)
    before = snapshot(sounds_dir)

    with pytest.raises(RecordingRejected) as caught:
        await install_recording(upload, TEAM, "hours", "de", sounds_dir)

    assert caught.value.problem is problem
    assert german in str(caught.value)
    assert english in caught.value.message("en")
    assert snapshot(sounds_dir) == before


async def test_a_rejected_first_upload_creates_no_folders(tmp_path: Path) -> None:
    upload = make_audio(tmp_path / "kurz.wav", 0.2)
    with pytest.raises(RecordingRejected):
        await install_recording(upload, TEAM, "hours", "de", tmp_path / "sounds")
    assert not (tmp_path / "sounds").exists()


@pytest.mark.parametrize(
    ("team", "reason", "lang"),
    [("../etc", "hours", "de"), (TEAM, "lunch", "de"), (TEAM, "hours", "../../x")],
)
async def test_names_that_could_leave_the_team_folder_are_refused(
    tmp_path: Path, team: str, reason: str, lang: str
) -> None:
    upload = make_audio(tmp_path / "ok.wav", 2)
    with pytest.raises(UnknownPromptSlot):
        await install_recording(upload, team, reason, lang, tmp_path / "sounds")
    assert not (tmp_path / "sounds").exists()
