"""The audit log as people read it: German (or English) labels for each kind of change,
local times, the actor in words, and per entry the fields before and after with the
changed ones marked. Shared by the page and its CSV export.

Audit entries never hold caller numbers by design; free text typed by staff (a closure's
note) might, so any run of seven or more digits in a text is masked here as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from callcenter.domain.audit import AuditEntry
from callcenter.domain.timeparse import WEEKDAY_NAMES_DE, WEEKDAY_NAMES_EN
from callcenter.web.actor_names import actor_label
from callcenter.web.i18n import format_instant

ACTIONS: dict[str, tuple[str, str]] = {
    "seed": ("Erstbefüllung aus der Konfiguration", "Initial schedule from the configuration"),
    "set_windows": ("Sprechzeiten geändert", "Call hours changed"),
    "set_team_holidays": ("Feiertage des Teams geändert", "Team's holidays changed"),
    "set_holiday_state": ("Bundesland geändert", "German state changed"),
    "add_closure": ("Schließung angelegt", "Closure added"),
    "change_closure": ("Schließung geändert", "Closure changed"),
    "delete_closure": ("Schließung gelöscht", "Closure deleted"),
    "end_closure": ("Schließung beendet", "Closure ended"),
    "add_opening": ("Sonderöffnung angelegt", "Special opening added"),
    "add_pilot": ("Pilotphase angelegt", "Pilot period added"),
    "add_user": ("Benutzer angelegt", "User added"),
    "set_password": ("Passwort neu gesetzt", "Password reset"),
    "set_role": ("Rolle oder Team geändert", "Role or team changed"),
    "disable_user": ("Benutzer gesperrt", "User locked"),
    "enable_user": ("Benutzer entsperrt", "User unlocked"),
    "add_api_token": ("API-Token erstellt", "API token created"),
    "revoke_api_token": ("API-Token widerrufen", "API token revoked"),
    "set_walk_ins": ("Vorsprachen eingetragen", "Walk-ins entered"),
    "clear_walk_ins": ("Vorsprachen gelöscht", "Walk-ins cleared"),
    "import_tally": ("Strichliste importiert", "Tally sheet imported"),
    "replace_tally": ("Strichliste ersetzt", "Tally sheet replaced"),
    "purge": ("Alte Anrufdaten gelöscht (Löschfrist)", "Old call data purged (retention)"),
    "upload_recording": ("Aufnahme hochgeladen", "Recording uploaded"),
    "remove_recording": ("Aufnahme entfernt", "Recording removed"),
}
ENTITIES: dict[str, tuple[str, str]] = {
    "team": ("Sprechzeiten und Feiertage", "Call hours and holidays"),
    "closure": ("Schließungen", "Closures"),
    "opening": ("Sonderöffnungen", "Special openings"),
    "pilot": ("Pilotphasen", "Pilot periods"),
    "office": ("Amt", "Office"),
    "prompt": ("Ansagen", "Announcements"),
    "user": ("Benutzer", "Users"),
    "api_token": ("API-Tokens", "API tokens"),
    "walk_ins": ("Vorsprachen", "Walk-ins"),
    "import": ("Importe", "Imports"),
    "retention": ("Löschfristen", "Retention"),
}
FIELDS: dict[str, tuple[str, str]] = {
    "id": ("Nr.", "No."),
    "team": ("Team", "Team"),
    "start": ("Beginn", "Start"),
    "end": ("Ende", "End"),
    "day": ("Datum", "Date"),
    "note": ("Vermerk", "Note"),
    "public_reason": ("Öffentlicher Grund", "Public reason"),
    "note_on_board": ("Vermerk auf der Tafel", "Note on the board"),
    "created_by": ("Eingetragen von", "Entered by"),
    "ended_by": ("Beendet von", "Ended by"),
    "username": ("Benutzername", "User name"),
    "role": ("Rolle", "Role"),
    "disabled": ("gesperrt", "locked"),
    "password": ("Passwort", "Password"),
    "name": ("Name", "Name"),
    "user": ("Benutzer", "User"),
    "scopes": ("Bereiche", "Scopes"),
    "expires_at": ("Gültig bis", "Valid until"),
    "revoked": ("widerrufen", "revoked"),
    "holiday_state": ("Bundesland", "German state"),
    "holidays_enabled": ("Feiertage beachten", "Observe holidays"),
    "ignored_holidays": ("Trotzdem Sprechzeit an", "Call hours anyway on"),
    "walk_ins": ("Vorsprachen", "Walk-ins"),
}
_ACTOR_FIELDS = frozenset({"created_by", "ended_by"})
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Seven or more digits, possibly split by spaces or slashes (a phone number as typed);
# dates (dots, hyphens) and times (colons) are not runs of this kind.
_NUMBER = re.compile(r"(?<![\d.:-])\+?\d(?:[ /]?\d){6,}(?![\d.:])")
MASK = "[…]"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class EntryView:
    id: int
    at: str
    actor: str
    action: str
    entity: str
    subject: str
    fields: list[FieldChange]


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def action_label(action: str, lang: str) -> str:
    if action.startswith("import_") and action not in ACTIONS:
        kind = action.removeprefix("import_")
        return f"Import ({kind})"
    return _pick(ACTIONS, action, lang)


def entity_label(entity: str, lang: str) -> str:
    return _pick(ENTITIES, entity, lang)


def mask_numbers(value: str) -> str:
    return _NUMBER.sub(MASK, value)


def format_value(value: Any, tz: tzinfo, lang: str, key: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("ja" if value else "nein")
    if isinstance(value, str):
        if key in _ACTOR_FIELDS and value:
            return actor_label(value, lang)
        if _INSTANT.fullmatch(value):
            return format_instant(datetime.fromisoformat(value.replace("Z", "+00:00")), tz, lang)
        if _DAY.fullmatch(value):
            return f"{date.fromisoformat(value):%d.%m.%Y}"
        return mask_numbers(value)
    if isinstance(value, list):
        return ", ".join(format_value(item, tz, lang) for item in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v, tz, lang, k)}" for k, v in value.items())
    return str(value)


def _as_fields(value: Any, lang: str) -> dict[str, Any]:
    """A snapshot as field -> value; a list of windows becomes one field per weekday."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) and "weekday" in v for v in value):
        names = WEEKDAY_NAMES_EN if lang == "en" else WEEKDAY_NAMES_DE
        days: dict[str, Any] = {name: "–" for name in names}
        for window in value:
            name = names[int(window["weekday"])]
            span = f"{window['start']}–{window['end']}"
            days[name] = span if days[name] == "–" else f"{days[name]}, {span}"
        return days
    return {"": value}


def field_changes(entry: AuditEntry, tz: tzinfo, lang: str) -> list[FieldChange]:
    before, after = _as_fields(entry.before, lang), _as_fields(entry.after, lang)
    keys = list(dict.fromkeys([*before, *after]))
    if entry.action == "seed":  # the whole office: too big to list field by field
        keys = [k for k in keys if k in ("holiday_state",)]
    rows = []
    for key in keys:
        old = format_value(before.get(key), tz, lang, key) if entry.before is not None else "–"
        new = format_value(after.get(key), tz, lang, key) if entry.after is not None else "–"
        rows.append(FieldChange(_pick(FIELDS, key, lang), old, new, old != new))
    return rows


def view(entry: AuditEntry, tz: tzinfo, lang: str) -> EntryView:
    return EntryView(
        id=entry.id,
        at=format_instant(entry.at, tz, lang),
        actor=actor_label(entry.actor, lang),
        action=action_label(entry.action, lang),
        entity=entity_label(entry.entity, lang),
        subject=mask_numbers(entry.entity_id or ""),
        fields=field_changes(entry, tz, lang),
    )


def concerns_team(entry: AuditEntry, team: str) -> bool:
    """Whether an entry is about this team (its hours, closures, prompts, walk-ins …)."""
    if entry.entity == "team":
        return entry.entity_id == team
    if entry.entity == "prompt":
        return (entry.entity_id or "").startswith(f"{team}/")
    if entry.entity == "walk_ins":
        return (entry.entity_id or "").startswith(f"{team} ")
    return any(
        isinstance(side, dict) and side.get("team") == team for side in (entry.before, entry.after)
    )
