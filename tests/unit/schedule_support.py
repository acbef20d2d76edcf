"""Shared test data for the schedule tests: Europe/Berlin, real Hessen holidays, example teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload
from zoneinfo import ZoneInfo

import holidays

from callcenter.domain.schedule import (
    Closure,
    SpecialOpening,
    Team,
    TeamSchedule,
    TeamState,
    Transition,
    windows_from_spec,
)

TZ = ZoneInfo("Europe/Berlin")
HESSEN = holidays.Germany(subdiv="HE", language="de")  # type: ignore[attr-defined,unused-ignore]
MICRO = timedelta(microseconds=1)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """An office-clock time in Europe/Berlin (first occurrence if ambiguous)."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=TZ)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """Normalise for exact comparison: `==` between an aware datetime in the repeated hour and
    one in another zone is always False in Python (PEP 495), so compare in UTC."""
    return None if value is None else value.astimezone(UTC)


def team(team_id: str = "t", *specs: str, **kwargs: object) -> Team:
    windows = tuple(w for spec in specs for w in windows_from_spec(spec))
    return Team(team_id, f"Team {team_id}", windows=windows, **kwargs)  # type: ignore[arg-type,unused-ignore]


def schedule(
    the_team: Team,
    closures: tuple[Closure, ...] = (),
    openings: tuple[SpecialOpening, ...] = (),
) -> TeamSchedule:
    return TeamSchedule(the_team, TZ, HESSEN, closures, openings)


def status(value: TeamState | Transition) -> tuple[str, str | None]:
    reason = None if value.reason is None else str(value.reason)
    return str(value.state), reason


def changes(found: list[Transition]) -> list[tuple[datetime, str, str | None]]:
    """Transitions as comparable (UTC instant, state, reason) triples."""
    return [(as_utc(t.at), *status(t)) for t in found]


# The example of the issue: Mo–Do 09:00–12:00 and Do 14:00–17:30.
STANDARD = team("auslaender-a", "Mo-Do 09:00-12:00", "Do 14:00-17:30")
