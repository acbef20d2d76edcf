"""Daylight-saving changeover Sundays 2026 (29 March, 25 October) in Europe/Berlin.

The rule under test (schedule.py's docstring): an edge in the skipped hour takes effect when the
clock jumps (03:00 CEST = 01:00 UTC); an edge in the repeated hour takes effect at its first
occurrence (CEST); a window wholly inside the skipped hour does not take place; the repetition
never reopens or recloses a window.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from schedule_support import (
    TZ,
    as_utc,
    changes,
    local,
    schedule,
    status,
    team,
    utc,
)

from callcenter.domain.schedule import Closure, state_at, transitions, wall_to_instant

OPEN = ("open", None)
HOURS = ("closed", "hours")

SPRING = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST, at 01:00 UTC
AUTUMN = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET, at 01:00 UTC
SPRING_DAY = (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))  # local midnight to midnight: 23 h
AUTUMN_DAY = (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))  # 25 h


def test_the_changeover_days_are_the_last_sundays_and_have_23_and_25_hours() -> None:
    assert SPRING.weekday() == 6
    assert (SPRING + timedelta(days=7)).month == 4
    assert AUTUMN.weekday() == 6
    assert (AUTUMN + timedelta(days=7)).month == 11
    assert as_utc(local(2026, 3, 29)) == SPRING_DAY[0]
    assert as_utc(local(2026, 3, 30)) == SPRING_DAY[1]
    assert as_utc(local(2026, 10, 25)) == AUTUMN_DAY[0]
    assert as_utc(local(2026, 10, 26)) == AUTUMN_DAY[1]


# (id, window spec on Sunday, changeover-day range, [(open UTC, close UTC)] expected on that day)
DST_WINDOWS = [
    # spring: the skipped hour is 02:00–02:59 local
    (
        "spring 01:30-02:30 closes at the jump",
        "So 01:30-02:30",
        SPRING_DAY,
        [(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1))],
    ),
    (
        "spring 02:30-04:00 opens at the jump",
        "So 02:30-04:00",
        SPRING_DAY,
        [(utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))],
    ),
    ("spring 02:15-02:45 does not take place", "So 02:15-02:45", SPRING_DAY, []),
    ("spring 02:00-03:00 does not take place", "So 02:00-03:00", SPRING_DAY, []),
    (
        "spring 01:00-02:00 ends at the jump",
        "So 01:00-02:00",
        SPRING_DAY,
        [(utc(2026, 3, 29, 0), utc(2026, 3, 29, 1))],
    ),
    (
        "spring 03:00-04:00 ordinary after the jump",
        "So 03:00-04:00",
        SPRING_DAY,
        [(utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))],
    ),
    (
        "spring 09:00-12:00 ordinary (CEST)",
        "So 09:00-12:00",
        SPRING_DAY,
        [(utc(2026, 3, 29, 7), utc(2026, 3, 29, 10))],
    ),
    (
        "spring 00:00-23:59 whole day",
        "So 00:00-23:59",
        SPRING_DAY,
        [(utc(2026, 3, 28, 23), utc(2026, 3, 29, 21, 59))],
    ),
    # autumn: 02:00–02:59 local happens twice (CEST 00:00–00:59Z, then CET 01:00–01:59Z)
    (
        "autumn 01:30-02:30 closes at first 02:30",
        "So 01:30-02:30",
        AUTUMN_DAY,
        [(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 30))],
    ),
    (
        "autumn 02:30-04:00 opens at first 02:30",
        "So 02:30-04:00",
        AUTUMN_DAY,
        [(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3))],
    ),
    (
        "autumn 02:15-02:45 only the first time",
        "So 02:15-02:45",
        AUTUMN_DAY,
        [(utc(2026, 10, 25, 0, 15), utc(2026, 10, 25, 0, 45))],
    ),
    (
        "autumn 02:00-03:00 spans both 02:xx hours",
        "So 02:00-03:00",
        AUTUMN_DAY,
        [(utc(2026, 10, 25, 0), utc(2026, 10, 25, 2))],
    ),
    (
        "autumn 09:00-12:00 ordinary (CET)",
        "So 09:00-12:00",
        AUTUMN_DAY,
        [(utc(2026, 10, 25, 8), utc(2026, 10, 25, 11))],
    ),
    (
        "autumn 00:00-23:59 whole day",
        "So 00:00-23:59",
        AUTUMN_DAY,
        [(utc(2026, 10, 24, 22), utc(2026, 10, 25, 22, 59))],
    ),
]


@pytest.mark.parametrize(
    ("spec", "day", "expected"),
    [pytest.param(spec, day, exp, id=name) for name, spec, day, exp in DST_WINDOWS],
)
def test_window_on_changeover_day(
    spec: str, day: tuple[datetime, datetime], expected: list[tuple[datetime, datetime]]
) -> None:
    found = transitions(schedule(team("t", spec, holidays_enabled=False)), *day)
    flat = [change for opens, closes in expected for change in ((opens, *OPEN), (closes, *HOURS))]
    assert changes(found) == flat


@pytest.mark.parametrize(
    ("spec", "day", "duration"),
    [
        pytest.param("So 01:30-02:30", SPRING_DAY, timedelta(minutes=30), id="spring-01:30-02:30"),
        pytest.param("So 02:30-04:00", SPRING_DAY, timedelta(hours=1), id="spring-02:30-04:00"),
        pytest.param("So 02:15-02:45", SPRING_DAY, timedelta(0), id="spring-02:15-02:45"),
        pytest.param("So 09:00-12:00", SPRING_DAY, timedelta(hours=3), id="spring-09:00-12:00"),
        pytest.param("So 01:30-02:30", AUTUMN_DAY, timedelta(hours=1), id="autumn-01:30-02:30"),
        pytest.param(
            "So 02:30-04:00", AUTUMN_DAY, timedelta(hours=2, minutes=30), id="autumn-02:30-04:00"
        ),
        pytest.param("So 02:15-02:45", AUTUMN_DAY, timedelta(minutes=30), id="autumn-02:15-02:45"),
        pytest.param("So 09:00-12:00", AUTUMN_DAY, timedelta(hours=3), id="autumn-09:00-12:00"),
    ],
)
def test_open_duration_on_changeover_day(
    spec: str, day: tuple[datetime, datetime], duration: timedelta
) -> None:
    found = transitions(schedule(team("t", spec, holidays_enabled=False)), *day)
    total = timedelta(0)
    opened: datetime | None = None
    for change in found:
        if status(change) == OPEN:
            opened = as_utc(change.at)
        else:
            assert opened is not None
            total += as_utc(change.at) - opened
            opened = None
    assert opened is None
    assert total == duration


def test_two_windows_on_spring_day_with_ordinary_window() -> None:
    both = team("t", "So 01:30-02:30", "So 09:00-12:00", holidays_enabled=False)
    found = transitions(schedule(both), *SPRING_DAY)
    assert changes(found) == [
        (utc(2026, 3, 29, 0, 30), *OPEN),
        (utc(2026, 3, 29, 1), *HOURS),
        (utc(2026, 3, 29, 7), *OPEN),
        (utc(2026, 3, 29, 10), *HOURS),
    ]


def test_touching_windows_across_the_jump_stay_open() -> None:
    touching = team("t", "So 01:00-02:30", "So 02:30-04:00", holidays_enabled=False)
    found = transitions(schedule(touching), *SPRING_DAY)
    assert changes(found) == [(utc(2026, 3, 29, 0), *OPEN), (utc(2026, 3, 29, 2), *HOURS)]


# (id, window spec, instant, expected status, expected until in UTC)
DST_STATES = [
    (
        "spring 01:29:59 CET before open",
        "So 01:30-02:30",
        utc(2026, 3, 29, 0, 29, 59),
        HOURS,
        utc(2026, 3, 29, 0, 30),
    ),
    ("spring 01:30 CET open", "So 01:30-02:30", utc(2026, 3, 29, 0, 30), OPEN, utc(2026, 3, 29, 1)),
    (
        "spring 01:59:59.999999 CET still open",
        "So 01:30-02:30",
        utc(2026, 3, 29, 0, 59, 59, 999999),
        OPEN,
        utc(2026, 3, 29, 1),
    ),
    (
        "spring 03:00 CEST closed",
        "So 01:30-02:30",
        utc(2026, 3, 29, 1),
        HOURS,
        utc(2026, 4, 4, 23, 30),
    ),
    (
        "spring 01:59:59.999999 CET before late window",
        "So 02:30-04:00",
        utc(2026, 3, 29, 0, 59, 59, 999999),
        HOURS,
        utc(2026, 3, 29, 1),
    ),
    (
        "spring 03:00 CEST late window open",
        "So 02:30-04:00",
        utc(2026, 3, 29, 1),
        OPEN,
        utc(2026, 3, 29, 2),
    ),
    (
        "spring 03:20 CEST inside window not held",
        "So 02:15-02:45",
        utc(2026, 3, 29, 1, 20),
        HOURS,
        utc(2026, 4, 5, 0, 15),
    ),
    (
        "autumn 02:15 CEST open",
        "So 02:15-02:45",
        utc(2026, 10, 25, 0, 15),
        OPEN,
        utc(2026, 10, 25, 0, 45),
    ),
    (
        "autumn 02:44:59.999999 CEST open",
        "So 02:15-02:45",
        utc(2026, 10, 25, 0, 44, 59, 999999),
        OPEN,
        utc(2026, 10, 25, 0, 45),
    ),
    (
        "autumn 02:45 CEST closed",
        "So 02:15-02:45",
        utc(2026, 10, 25, 0, 45),
        HOURS,
        utc(2026, 11, 1, 1, 15),
    ),
    (
        "autumn 02:20 CET repeated hour stays closed",
        "So 02:15-02:45",
        utc(2026, 10, 25, 1, 20),
        HOURS,
        utc(2026, 11, 1, 1, 15),
    ),
    (
        "autumn 02:15 CET repetition not an edge",
        "So 02:15-02:45",
        utc(2026, 10, 25, 1, 15),
        HOURS,
        utc(2026, 11, 1, 1, 15),
    ),
    (
        "autumn 02:30 CET repeated hour stays open",
        "So 01:30-02:30",
        utc(2026, 10, 25, 1, 30),
        HOURS,
        utc(2026, 11, 1, 0, 30),
    ),
    (
        "autumn 02:59 CET long window still open",
        "So 02:30-04:00",
        utc(2026, 10, 25, 1, 59),
        OPEN,
        utc(2026, 10, 25, 3),
    ),
    (
        "autumn 02:20 CET before 02:30 window already open",
        "So 02:30-04:00",
        utc(2026, 10, 25, 1, 20),
        OPEN,
        utc(2026, 10, 25, 3),
    ),
    (
        "autumn 09:00 CET ordinary",
        "So 09:00-12:00",
        utc(2026, 10, 25, 8),
        OPEN,
        utc(2026, 10, 25, 11),
    ),
    (
        "autumn 08:59:59.999999 CET ordinary",
        "So 09:00-12:00",
        utc(2026, 10, 25, 7, 59, 59, 999999),
        HOURS,
        utc(2026, 10, 25, 8),
    ),
]


@pytest.mark.parametrize(
    ("spec", "at", "expected", "until"),
    [pytest.param(spec, at, exp, until, id=name) for name, spec, at, exp, until in DST_STATES],
)
def test_state_on_changeover_day(
    spec: str, at: datetime, expected: tuple[str, str | None], until: datetime
) -> None:
    result = state_at(schedule(team("t", spec, holidays_enabled=False)), at)
    assert status(result) == expected
    assert as_utc(result.until) == until


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(datetime(2026, 10, 25, 2, 20, tzinfo=TZ, fold=0), OPEN, id="02:20-fold0-CEST"),
        pytest.param(datetime(2026, 10, 25, 2, 20, tzinfo=TZ, fold=1), HOURS, id="02:20-fold1-CET"),
        pytest.param(datetime(2026, 10, 25, 2, 50, tzinfo=TZ, fold=1), HOURS, id="02:50-fold1-CET"),
    ],
)
def test_local_instants_in_the_repeated_hour_are_instants(
    at: datetime, expected: tuple[str, str | None]
) -> None:
    # 02:20 with fold=1 is 01:20 UTC, 35 minutes after the window closed (00:45 UTC): the
    # answer must not depend on whether the caller spelled the instant in local time or UTC.
    window = schedule(team("t", "So 02:15-02:45", holidays_enabled=False))
    local_answer = state_at(window, at)
    utc_answer = state_at(window, as_utc(at))
    assert status(local_answer) == expected
    assert status(local_answer) == status(utc_answer)
    assert as_utc(local_answer.until) == as_utc(utc_answer.until)
    assert local_answer.until is not None
    assert as_utc(local_answer.until) > as_utc(at)


@pytest.mark.parametrize(
    ("day", "wall", "expected"),
    [
        pytest.param(SPRING, time(1, 59), utc(2026, 3, 29, 0, 59), id="spring-01:59"),
        pytest.param(SPRING, time(2, 0), utc(2026, 3, 29, 1), id="spring-02:00-skipped"),
        pytest.param(SPRING, time(2, 30), utc(2026, 3, 29, 1), id="spring-02:30-skipped"),
        pytest.param(SPRING, time(2, 59), utc(2026, 3, 29, 1), id="spring-02:59-skipped"),
        pytest.param(SPRING, time(3, 0), utc(2026, 3, 29, 1), id="spring-03:00"),
        pytest.param(SPRING, time(3, 1), utc(2026, 3, 29, 1, 1), id="spring-03:01"),
        pytest.param(AUTUMN, time(1, 59), utc(2026, 10, 24, 23, 59), id="autumn-01:59"),
        pytest.param(AUTUMN, time(2, 0), utc(2026, 10, 25, 0), id="autumn-02:00-first"),
        pytest.param(AUTUMN, time(2, 30), utc(2026, 10, 25, 0, 30), id="autumn-02:30-first"),
        pytest.param(AUTUMN, time(3, 0), utc(2026, 10, 25, 2), id="autumn-03:00"),
        pytest.param(date(2026, 3, 30), time(2, 30), utc(2026, 3, 30, 0, 30), id="day-after"),
    ],
)
def test_wall_to_instant(day: date, wall: time, expected: datetime) -> None:
    assert as_utc(wall_to_instant(day, wall, TZ)) == expected


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        pytest.param(SPRING, 23, id="spring"),
        pytest.param(AUTUMN, 25, id="autumn"),
        pytest.param(date(2026, 3, 30), 24, id="ordinary"),
    ],
)
def test_whole_day_closure_on_changeover_day(day: date, hours: int) -> None:
    closure = Closure.whole_days("t", day, day, TZ)
    # Subtract in UTC: Python subtracts two datetimes of the same tzinfo as wall-clock times.
    assert as_utc(closure.end) - as_utc(closure.start) == timedelta(hours=hours)
    assert as_utc(closure.start) == as_utc(local(day.year, day.month, day.day))
    always = team("t", "So 00:00-23:59", "Mo 00:00-23:59", holidays_enabled=False)
    sched = schedule(always, closures=(closure,))
    # (1 µs before the end is covered in test_holidays_closures.py)
    inside = state_at(sched, as_utc(closure.end) - timedelta(seconds=1))
    assert status(inside) == ("closed", "closure")
    assert as_utc(inside.until) == as_utc(closure.end)
    after = state_at(sched, closure.end)
    assert status(after) == (OPEN if day.weekday() == 6 else HOURS)


def test_transitions_with_local_bounds_in_the_repeated_hour() -> None:
    # 02:20–02:50 CET (fold=1) is 01:20–01:50 UTC: the 02:15–02:45 window closed at 00:45 UTC,
    # so nothing changes in this range, however the caller spells its bounds.
    window = schedule(team("t", "So 02:15-02:45", holidays_enabled=False))
    start = datetime(2026, 10, 25, 2, 20, tzinfo=TZ, fold=1)
    end = datetime(2026, 10, 25, 2, 50, tzinfo=TZ, fold=1)
    assert transitions(window, as_utc(start), as_utc(end)) == []
    assert transitions(window, start, end) == []
