"""Phrases per language: the weekly hours and a moment in words, looked up by language code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from callcenter.domain.schedule import Window
from callcenter.prompts.errors import UnsupportedLanguage
from callcenter.prompts.grouping import group_windows
from callcenter.prompts.phrases_ar import Arabic
from callcenter.prompts.phrases_de import German
from callcenter.prompts.phrases_en import English
from callcenter.prompts.phrases_ru import Russian
from callcenter.prompts.phrases_tr import Turkish
from callcenter.prompts.phrases_uk import Ukrainian
from callcenter.prompts.phrasing import Phrasing

_PHRASINGS: dict[str, Phrasing] = {
    "de": German(),
    "en": English(),
    "tr": Turkish(),
    "ar": Arabic(),
    "ru": Russian(),
    "uk": Ukrainian(),
}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(_PHRASINGS)


def phrasing(lang: str) -> Phrasing:
    try:
        return _PHRASINGS[lang]
    except KeyError:
        known = ", ".join(SUPPORTED_LANGUAGES)
        raise UnsupportedLanguage(
            f"Für die Sprache „{lang}“ gibt es keine Satzbausteine (vorhanden: {known})",
            f"no phrase rules for language '{lang}' (available: {known})",
        ) from None


def hours_phrase(windows: Iterable[Window], lang: str) -> str:
    """The weekly call hours in words; empty if there are no windows."""
    groups = group_windows(windows)
    return phrasing(lang).hours(groups) if groups else ""


def moment_phrase(at: datetime, now: datetime, tz: tzinfo, lang: str) -> str:
    """`at` in words as seen on the office clock at `now`: today, tomorrow, a weekday, a date."""
    local_at = at.astimezone(tz)
    days_ahead = (local_at.date() - now.astimezone(tz).date()).days
    return phrasing(lang).moment(local_at, days_ahead)
