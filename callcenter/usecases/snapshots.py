"""Domain objects as plain JSON values, for the audit log's before/after columns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any

from callcenter.domain.schedule import (
    Closure,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    WeekVariant,
    Window,
)
from callcenter.domain.timeparse import END_OF_DAY

JsonObject = dict[str, Any]


def wall_time(value: time) -> str:
    """'09:00', or with seconds only when there are some (windows are normally HH:MM);
    the end of the day as '24:00'."""
    if value == END_OF_DAY:
        return "24:00"
    if value.second or value.microsecond:
        return value.isoformat()
    return value.strftime("%H:%M")


def instant(value: datetime) -> str:
    """An instant in UTC, so that audit entries compare and sort the same everywhere."""
    return value.astimezone(UTC).isoformat()


def window(value: Window) -> JsonObject:
    return {"weekday": value.weekday, "start": wall_time(value.start), "end": wall_time(value.end)}


def windows(values: Iterable[Window]) -> list[JsonObject]:
    return [window(value) for value in sorted(values)]


def team_holidays(value: Team) -> JsonObject:
    return {
        "holidays_enabled": value.holidays_enabled,
        "ignored_holidays": sorted(value.ignored_holidays),
    }


def team(value: Team) -> JsonObject:
    return {
        "id": value.id,
        "name_de": value.name_de,
        "name_en": value.name_en,
        "queue": value.queue,
        "team_lines": list(value.team_lines),
        "direct_lines": list(value.direct_lines),
        **team_holidays(value),
        "windows": windows(value.windows),
    }


def variant(team_id: str, value: WeekVariant) -> JsonObject:
    return {
        "id": value.id,
        "team": team_id,
        "name": value.name,
        "first": value.first.isoformat(),
        "last": value.last.isoformat(),
        "windows": windows(value.windows),
    }


def closure(value: Closure, ended_by: str | None = None) -> JsonObject:
    snapshot: JsonObject = {
        "id": value.id,
        "team": value.team,
        "start": instant(value.start),
        "end": instant(value.end),
        "note": value.note,
        "public_reason": value.public_reason,
        "note_on_board": value.note_on_board,
        "created_by": value.created_by,
    }
    if ended_by is not None:
        snapshot["ended_by"] = ended_by
    return snapshot


def opening(value: SpecialOpening) -> JsonObject:
    return {
        "id": value.id,
        "team": value.team,
        "day": value.day.isoformat(),
        "start": wall_time(value.start),
        "end": wall_time(value.end),
        "note": value.note,
    }


def pilot(value: Pilot) -> JsonObject:
    return {
        "id": value.id,
        "team": value.team,
        "start": value.start.isoformat(),
        "end": value.end.isoformat() if value.end else None,
        "note": value.note,
    }


def office(value: Office, holiday_state: str) -> JsonObject:
    return {
        "holiday_state": holiday_state,
        "teams": [team(t) for t in value.teams],
        "variants": [variant(t.id, v) for t in value.teams for v in t.variants],
        "closures": [closure(c) for c in value.closures],
        "openings": [opening(o) for o in value.openings],
        "pilots": [pilot(p) for p in value.pilots],
    }
