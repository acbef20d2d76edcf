"""Words for the codes that call records carry (reason, menu language, overflow destination,
outcome), so that a team lead reads "Feiertag: Türkisch", not "holiday: tr".

An unknown code is shown as it is: a new code must never hide a row of the evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from callcenter.reporting.i18n import Lang

_REASONS: Mapping[str, tuple[str, str]] = {
    "hours": ("außerhalb der Sprechzeiten", "outside the call hours"),
    "holiday": ("Feiertag", "public holiday"),
    "closure": ("Schließtag (Bandansage)", "closure day (announcement)"),
    "open": ("in der Sprechzeit", "during the call hours"),
}
_LANGUAGES: Mapping[str, tuple[str, str]] = {
    "de": ("Deutsch", "German"),
    "en": ("Englisch", "English"),
    "tr": ("Türkisch", "Turkish"),
    "ar": ("Arabisch", "Arabic"),
    "ru": ("Russisch", "Russian"),
    "uk": ("Ukrainisch", "Ukrainian"),
    "fr": ("Französisch", "French"),
    "fa": ("Persisch", "Persian"),
    "pl": ("Polnisch", "Polish"),
}
_DESTINATIONS: Mapping[str, tuple[str, str]] = {
    "zentrale": ("Zentrale", "switchboard"),
    "callback": ("Rückrufangebot", "callback offer"),
    "announcement": ("Ansage", "announcement"),
}
_OUTCOMES: Mapping[str, tuple[str, str]] = {
    "answered": ("angenommen", "answered"),
    "abandoned": ("in der Warteschlange aufgelegt", "hung up while waiting"),
    "timeout": ("Warteschlange abgelaufen", "queue timed out"),
    "announcement": ("Ansage zu Ende gehört", "heard the announcement"),
    "announcement_hangup": ("während der Ansage aufgelegt", "hung up during the announcement"),
    "no_answer": ("nicht angenommen", "not answered"),
    "busy": ("besetzt", "busy"),
    "transferred": ("weiterverbunden", "transferred"),
    "failed": ("fehlgeschlagen", "failed"),
}


def _pick(table: Mapping[str, tuple[str, str]], code: str, lang: Lang) -> str:
    words = table.get(code)
    if words is None:
        return code
    return words[0] if lang == "de" else words[1]


def reason_label(code: str, lang: Lang) -> str:
    return _pick(_REASONS, code, lang)


def language_label(code: str, lang: Lang) -> str:
    return _pick(_LANGUAGES, code, lang)


def outcome_label(code: str, lang: Lang) -> str:
    return _pick(_OUTCOMES, code, lang)


def destination_label(code: str, lang: Lang, team_name: Callable[[str], str]) -> str:
    """`team:<id>` names the other team; the others are fixed words."""
    if code.startswith("team:"):
        return team_name(code.removeprefix("team:"))
    return _pick(_DESTINATIONS, code, lang)
