"""Office-local days and hours: UTC hour buckets, closure days, regular working days.

Aggregation groups calls by UTC hour because SQLite and PostgreSQL share no time-zone
function; the few thousand buckets are then placed on the office's calendar here. That is
exact for zones whose offsets are whole hours (Europe/Berlin: +1/+2): every UTC hour lies
inside exactly one local hour. On the spring changeover the local day has 23 hours (no
02:00); on the autumn one the two UTC hours that both read 02:00 locally are summed into
the one local hour 2, so the day has 24 cells holding 25 hours of calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from callcenter.domain.schedule import Office, TeamSchedule, wall_to_instant


def local_day_hour(utc_hour: datetime, tz: tzinfo) -> tuple[date, int]:
    """The office-local (day, hour) of a UTC hour bucket's start."""
    local = utc_hour.astimezone(tz)
    return local.date(), local.hour


def parse_utc_hour(text: str) -> datetime:
    """'2026-08-17 07' (as both dialects format the bucket) -> aware UTC datetime."""
    # fromisoformat parses in C: an eighth of the time of slicing out four ints, for each
    # of a report's thousands of UTC hours.
    return datetime.fromisoformat(f"{text[:13]}+00:00")


def day_bounds_utc(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[local midnight of `first`, local midnight after `last`) as UTC instants."""
    begin = wall_to_instant(first, time(0), tz).astimezone(UTC)
    end = wall_to_instant(last + timedelta(days=1), time(0), tz).astimezone(UTC)
    return begin, end


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def closure_days(
    closures: Iterable[tuple[str | None, datetime, datetime]],
    teams: Iterable[str],
    tz: tzinfo,
    first: date,
    last: date,
) -> tuple[tuple[str, date], ...]:
    """(team, day) for every office-local day in [first, last] a closure overlaps.

    A closure of team None applies to every team. A closure that ends exactly at local
    midnight does not touch the next day.
    """
    team_list = tuple(teams)
    found: set[tuple[str, date]] = set()
    for team, starts, ends in closures:
        affected = team_list if team is None else tuple(t for t in team_list if t == team)
        if not affected:
            continue
        day = max(starts.astimezone(tz).date(), first)
        stop = min((ends - timedelta(microseconds=1)).astimezone(tz).date(), last)
        while day <= stop:
            found.update((t, day) for t in affected)
            day += timedelta(days=1)
    return tuple(sorted(found))


def regular_day(office: Office, team: str, day: date, closed: frozenset[tuple[str, date]]) -> bool:
    """Monday–Friday, no public holiday the team observes, no closure of the team that day."""
    return _regular(office.schedule_for(team), team, day, closed)


def regular_days(
    office: Office, team: str, first: date, last: date, closed: frozenset[tuple[str, date]]
) -> list[bool]:
    """`regular_day` for each day of [first, last]. The team's schedule is looked up once:
    per day it cost a scan of the office's teams and closures, and a state's pilots ask
    for some 90 teams × 180 days each."""
    schedule = office.schedule_for(team)
    return [_regular(schedule, team, day, closed) for day in days(first, last)]


def _regular(
    schedule: TeamSchedule, team: str, day: date, closed: frozenset[tuple[str, date]]
) -> bool:
    if day.weekday() >= 5 or (team, day) in closed:
        return False
    return schedule.holiday_on(day) is None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
