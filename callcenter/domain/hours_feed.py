"""The coming call hours as public data: per team and local day, when the line is open,
which holiday or closure keeps it shut, special openings, the state now and the next opening.

Pure and clock-free (`now` is passed in). The open windows are read off `transitions`, the
same function that drives routing, so the published hours can never disagree with the PBX.
A closure appears with its public reason key only: its internal note is not carried here at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from callcenter.domain.schedule import (
    UNTIL_HORIZON_DAYS,
    Office,
    Reason,
    State,
    TeamSchedule,
    Transition,
    state_at,
    transitions,
    wall_to_instant,
)

DEFAULT_WEEKS = 8
MIN_WEEKS = 1
MAX_WEEKS = 26
_SEARCH_STEP = timedelta(days=7)


@dataclass(frozen=True)
class Span:
    """An interval of local (office-zone) instants; `end` may be the next day's midnight."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class PublicClosure:
    """A closure as the public may see it: when, for whom, and the public reason key."""

    id: int | None
    start: datetime
    end: datetime
    public_reason: str  # "" when the announcement gives no reason
    all_teams: bool


@dataclass(frozen=True)
class HoursDay:
    day: date
    windows: tuple[Span, ...]  # open, after holidays and closures
    holiday: str | None
    closures: tuple[PublicClosure, ...]  # closures overlapping the day
    special_openings: tuple[Span, ...]  # as planned (a closure may still cut them)


@dataclass(frozen=True)
class TeamHours:
    id: str
    name_de: str
    name_en: str
    state: State
    reason: Reason | None
    until: datetime | None  # next change of state or reason
    next_opening: datetime | None  # first opening strictly after `now`
    # The last change of state at or before `now` today (None: none since midnight).
    changed_at: datetime | None
    days: tuple[HoursDay, ...]


@dataclass(frozen=True)
class HoursFeed:
    first: date
    last: date
    weeks: int
    teams: tuple[TeamHours, ...]


def build_feed(
    office: Office, now: datetime, weeks: int = DEFAULT_WEEKS, team_ids: Sequence[str] = ()
) -> HoursFeed:
    """The call hours of `team_ids` (all teams if empty) from today for `weeks` weeks."""
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be {MIN_WEEKS}..{MAX_WEEKS}, not {weeks}")
    first = now.astimezone(office.tz).date()
    last = first + timedelta(days=7 * weeks - 1)
    teams = tuple(
        team_hours(office.schedule_for(team_id), now, first, last)
        for team_id in (team_ids or office.team_ids)
    )
    return HoursFeed(first, last, weeks, teams)


def team_hours(schedule: TeamSchedule, now: datetime, first: date, last: date) -> TeamHours:
    tz = schedule.tz
    begin = _midnight(first, schedule)
    end = _midnight(last + timedelta(days=1), schedule)
    changes = transitions(schedule, begin, end)
    opens = _open_spans(schedule, begin, end, changes)
    current = state_at(schedule, now)
    earlier = [c.at for c in changes if c.at <= now]
    team = schedule.team
    return TeamHours(
        id=team.id,
        name_de=team.name_de,
        name_en=team.name_en or team.name_de,
        state=current.state,
        reason=current.reason,
        until=current.until,
        next_opening=_next_opening(schedule, now),
        changed_at=earlier[-1].astimezone(tz) if earlier else None,
        days=tuple(_day(schedule, day, opens) for day in _dates(first, last)),
    )


def _midnight(day: date, schedule: TeamSchedule) -> datetime:
    return wall_to_instant(day, time(0), schedule.tz)


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _open_spans(
    schedule: TeamSchedule, begin: datetime, end: datetime, changes: Sequence[Transition]
) -> list[tuple[datetime, datetime]]:
    """The open intervals (UTC) in [begin, end), from the state before and every change."""
    spans: list[tuple[datetime, datetime]] = []
    opened = begin.astimezone(UTC) if state_at(schedule, begin).state is State.OPEN else None
    for change in changes:
        at = change.at.astimezone(UTC)
        if change.state is State.OPEN and opened is None:
            opened = at
        elif change.state is State.CLOSED and opened is not None:
            spans.append((opened, at))
            opened = None
    if opened is not None:
        spans.append((opened, end.astimezone(UTC)))
    return spans


def _day(schedule: TeamSchedule, day: date, opens: Sequence[tuple[datetime, datetime]]) -> HoursDay:
    tz = schedule.tz
    start = _midnight(day, schedule).astimezone(UTC)
    end = _midnight(day + timedelta(days=1), schedule).astimezone(UTC)
    windows = tuple(
        Span(max(a, start).astimezone(tz), min(b, end).astimezone(tz))
        for a, b in opens
        if a < end and b > start
    )
    closures = tuple(
        PublicClosure(
            id=c.id,
            start=c.start.astimezone(tz),
            end=c.end.astimezone(tz),
            public_reason=c.public_reason,
            all_teams=c.team is None,
        )
        for c in sorted(schedule.closures, key=lambda c: c.start.astimezone(UTC))
        if c.start.astimezone(UTC) < end and c.end.astimezone(UTC) > start
    )
    openings = tuple(
        Span(
            wall_to_instant(day, o.start, tz).astimezone(tz),
            wall_to_instant(day, o.end, tz).astimezone(tz),
        )
        for o in sorted(schedule.openings, key=lambda o: o.start)
        if o.day == day
    )
    return HoursDay(day, windows, schedule.holiday_on(day), closures, openings)


def _next_opening(schedule: TeamSchedule, now: datetime) -> datetime | None:
    """The first opening strictly after `now`, searched up to the schedule's horizon."""
    start = now
    limit = now + timedelta(days=UNTIL_HORIZON_DAYS)
    while start < limit:
        stop = min(start + _SEARCH_STEP, limit)
        for change in transitions(schedule, start, stop):
            # Closed-to-closed changes (a closure ending on a holiday) are not an opening.
            if change.state is State.OPEN and change.at > now:
                return change.at.astimezone(schedule.tz)
        # Overlap by a minute: a change exactly on a search boundary lies inside one search.
        start = stop - timedelta(minutes=1) if stop < limit else limit
    return None
