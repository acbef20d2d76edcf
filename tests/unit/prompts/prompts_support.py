"""Shared data for the announcement text tests: Europe/Berlin, real Hessen holidays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays

from callcenter.domain.schedule import (
    Closure,
    SpecialOpening,
    Team,
    TeamSchedule,
    windows_from_spec,
)

TZ = ZoneInfo("Europe/Berlin")
HESSEN = holidays.Germany(subdiv="HE", language="de")
# The example team: Monday to Thursday mornings, Thursday afternoon as well.
EXAMPLE = ("Mo-Do 09:00-12:00", "Do 14:00-17:30")


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def team(*specs: str, name_de: str = "Team Aufenthalt", name_en: str = "Residence Team") -> Team:
    windows = tuple(window for spec in specs for window in windows_from_spec(spec))
    return Team("aufenthalt", name_de, name_en, windows)


def schedule(
    *specs: str,
    closures: tuple[Closure, ...] = (),
    openings: tuple[SpecialOpening, ...] = (),
    name_en: str = "Residence Team",
) -> TeamSchedule:
    return TeamSchedule(team(*specs, name_en=name_en), TZ, HESSEN, closures, openings)


def closure(first: date, last: date, note: str = "", public_reason: str = "") -> Closure:
    return Closure.whole_days("aufenthalt", first, last, TZ, note, public_reason=public_reason)
