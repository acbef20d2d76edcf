"""pydantic's validation errors in German and English for the API's error body.

pydantic speaks English only; the API promises `message_de` in German. Our own validators
raise "deutsch / english" texts, which are split here; pydantic's error types get a German
sentence, and a type not listed a German fallback naming it (never English in message_de).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_GERMAN: dict[str, str] = {
    "missing": "Pflichtangabe fehlt",
    "extra_forbidden": "unbekanntes Feld",
    "string_type": "muss Text sein",
    "string_too_short": "zu kurz: mindestens {min_length} Zeichen",
    "string_too_long": "zu lang: höchstens {max_length} Zeichen",
    "string_pattern_mismatch": "hat nicht die erwartete Form ({pattern})",
    "int_type": "muss eine ganze Zahl sein",
    "int_parsing": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein",
    "float_type": "muss eine Zahl sein",
    "float_parsing": "muss eine Zahl sein",
    "bool_type": "muss true oder false sein",
    "bool_parsing": "muss true oder false sein",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than": "muss kleiner als {lt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "too_short": "zu wenige Einträge: mindestens {min_length}",
    "too_long": "zu viele Einträge: höchstens {max_length}",
    "literal_error": "erlaubt ist nur: {expected}",
    "enum": "erlaubt ist nur: {expected}",
    "list_type": "muss eine Liste sein",
    "dict_type": "muss ein Objekt sein",
    "model_type": "muss ein Objekt sein",
    "model_attributes_type": "muss ein Objekt sein",
    "date_type": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_parsing": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_from_datetime_parsing": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_from_datetime_inexact": "muss ein Datum ohne Uhrzeit sein (JJJJ-MM-TT)",
    "datetime_type": "muss ein Zeitpunkt sein (ISO 8601 mit Zeitzone)",
    "datetime_parsing": "muss ein Zeitpunkt sein (ISO 8601 mit Zeitzone)",
    "datetime_from_date_parsing": "muss ein Zeitpunkt sein (ISO 8601 mit Zeitzone)",
    "timezone_aware": "braucht eine Zeitzone (z. B. +01:00)",
    "time_type": "muss eine Uhrzeit sein (HH:MM)",
    "time_parsing": "muss eine Uhrzeit sein (HH:MM)",
    "json_invalid": "kein gültiges JSON",
    "json_type": "kein gültiges JSON",
    "none_required": "muss null sein",
    "union_tag_invalid": "unbekannte Art",
}


def messages(error: Mapping[str, Any]) -> tuple[str, str]:
    """(German, English) for one entry of `ValidationError.errors()`."""
    english = str(error.get("msg", ""))
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        return _own(english.removeprefix("Value error, ").removeprefix("Assertion failed, "))
    template = _GERMAN.get(kind)
    if template is None:
        return f"ungültiger Wert ({kind})", english
    context = {key: _german_value(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return template.format(**context), english
    except (KeyError, IndexError):
        return template.split(":")[0].split(" (")[0], english


def _own(text: str) -> tuple[str, str]:
    """Our validators write "deutsch / english"; a text without the split is used for both."""
    german, separator, english = text.partition(" / ")
    return (german, english) if separator else (text, text)


def _german_value(value: object) -> str:
    return str(value).replace(" or ", " oder ")
