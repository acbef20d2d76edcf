"""Every generated announcement is at most 20 s long at the default speaking rate (issue 20).

Rendered with the real espeak-ng and sox for the example office's team with the most
windows (auslaender-a: two spans on Thursday) on a Saturday, where the next opening and
the hours are both spoken; the length is read from the WAV header, independent of the
renderer's own measurement.
"""

from __future__ import annotations

import wave
from pathlib import Path

from callcenter.domain.schedule import Office, Reason
from callcenter.prompts.menu import render_menu
from callcenter.prompts.render import render_prompts
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
