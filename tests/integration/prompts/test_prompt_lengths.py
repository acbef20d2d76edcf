"""Every generated announcement is at most 20 s long at the default speaking rate (issue 20).

Rendered with the real espeak-ng and sox for the example office's team with the most
windows (auslaender-a: two spans on Thursday) on a Saturday, where the next opening and
the hours are both spoken; the length is read from the WAV header, independent of the
renderer's own measurement.
"""

from __future__ import annotations

import wave
from pathlib import Path

from callcenter.config import CallerSettings
from callcenter.domain.queue_wait import WAIT_BUCKETS
from callcenter.domain.schedule import Office, Reason
from callcenter.pbx.dialplan_callback import offer_context
from callcenter.pbx.dialplan_menu import menu_context
from callcenter.prompts.menu import render_menu
from callcenter.prompts.render import render_prompts
from callcenter.prompts.summary import render_summaries, render_wait_prompts
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.text import Contact

from .conftest import NOW, TEAM

LIMIT_SECONDS = 20.0


def _header_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


async def test_every_announcement_is_at_most_20_seconds(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    await render_prompts(office, templates, contact, NOW, tmp_path, team=TEAM)
    folder = tmp_path / "callhours" / TEAM
    lengths = {
        (str(reason), lang): _header_seconds(folder / f"closed-{reason}-{lang}.wav")
        for reason in Reason
        for lang in templates
    }
    assert len(lengths) == 3 * len(templates) >= 18
    too_long = {key: round(sec, 2) for key, sec in lengths.items() if sec > LIMIT_SECONDS}
    assert not too_long, too_long
    # Rendered speech, not an empty file that would pass any limit.
    assert min(lengths.values()) > 5.0, lengths


async def test_menu_then_the_chosen_language_ends_well_before_45_seconds(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    menu_languages = ("de", "en", "tr", "ar", "ru", "uk")
    files = await render_menu(menu_languages, tmp_path, templates, callback_key="1")
    assert len(files) == 3 * len(menu_languages)
    menu_seconds = sum(_header_seconds(p) for (kind, _), p in files.items() if kind == "menu")
    offer = max(_header_seconds(p) for (kind, _), p in files.items() if kind != "menu")
    assert offer < 5.0, offer  # each offer/confirmation is one short sentence
    await render_prompts(office, templates, contact, NOW, tmp_path, team=TEAM)
    folder = tmp_path / "callhours" / TEAM
    longest = max(
        _header_seconds(folder / f"closed-{reason}-{lang}.wav")
        for reason in Reason
        for lang in menu_languages
    )
    # A caller who presses a key at the end of the menu hears the menu and one announcement.
    assert menu_seconds + longest < 45.0, (menu_seconds, longest)
    assert menu_seconds > 6.0, menu_seconds  # six spoken sentences, not empty files


def _read_timeout_seconds() -> float:
    """The callback offer's Read() timeout, from the generated context (its 6th argument)."""
    (read,) = [line for line in offer_context("1", True).splitlines() if ",Read(" in line]
    return float(read.rsplit(",", 1)[1].rstrip(")"))


async def test_no_key_path_ends_before_45_seconds(
    office: Office, templates: dict[str, PromptTemplate], contact: Contact, tmp_path: Path
) -> None:
    """Menu (six languages) + WaitExten + what `t` plays (the summaries in German then
    English, then the callback offer and its Read() timeout) < 45 s, for every reason."""
    menu_languages = ("de", "en", "tr", "ar", "ru", "uk")
    defaults = ("de", "en")
    timeout = CallerSettings().menu_timeout_seconds
    t_path = [
        line for line in menu_context(menu_languages, defaults, timeout, True, True).splitlines()
    ]
    # What the no-key path plays is what this test sums: the summaries, then the offer.
    assert any("closed-${CALLHOURS_REASON}-short-de&" in line for line in t_path), t_path
    files = await render_menu(menu_languages, tmp_path, templates, callback_key="1")
    menu_seconds = sum(_header_seconds(p) for (kind, _), p in files.items() if kind == "menu")
    offer_seconds = _header_seconds(files[("callback-offer", defaults[0])])
    summaries = await render_summaries(office, templates, contact, NOW, tmp_path, defaults, TEAM)
    totals = {}
    for reason in Reason:
        spoken = sum(_header_seconds(summaries[(TEAM, reason, lang)]) for lang in defaults)
        totals[str(reason)] = round(
            menu_seconds + timeout + spoken + offer_seconds + _read_timeout_seconds(), 2
        )
    assert max(totals.values()) < 45.0, (menu_seconds, totals)
    # Real speech: six menu lines and two summaries with the next opening each.
    assert menu_seconds > 6.0, menu_seconds
    assert min(totals.values()) > menu_seconds + timeout + 8.0, totals


async def test_wait_sentences_are_short_and_differ_per_minute(
    templates: dict[str, PromptTemplate], tmp_path: Path
) -> None:
    files = await render_wait_prompts(tmp_path, ("de", "en"), templates)
    assert set(files) == {(m, lang) for m in WAIT_BUCKETS for lang in ("de", "en")}
    lengths = {key: _header_seconds(path) for key, path in files.items()}
    assert all(2.0 < sec < 6.0 for sec in lengths.values()), lengths
    assert files[(5, "de")].read_bytes() != files[(10, "de")].read_bytes()
