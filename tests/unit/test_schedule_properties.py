"""Property: state_at is constant between consecutive transitions and changes across each one.

Random valid schedules (windows per weekday, closures, special openings, real Hessen holidays)
over ranges of up to three weeks, biased towards the daylight-saving changeover days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schedule_support import HESSEN, MICRO, TZ, as_utc, status

from callcenter.domain.schedule import (
    Closure,
    SpecialOpening,
    Team,
    TeamSchedule,
    Window,
    state_at,
    transitions,
)

DST_DAYS = [
    date(2025, 3, 30),
    date(2025, 10, 26),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2027, 3, 28),
    date(2027, 10, 31),
]
HOLIDAY_NAMES = sorted(set(HESSEN.get(d) or "" for d in (date(2026, 4, 6), date(2026, 6, 4))))

# Minutes of the day, often near the skipped / repeated hour and on round hours.
minute_of_day = st.one_of(
    st.integers(0, 24 * 60 - 1),
    st.integers(100, 200),
    st.sampled_from([0, 60, 120, 150, 180, 540, 720, 1050, 1439]),
)


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def day_windows(draw: st.DrawFn) -> list[tuple[time, time]]:
    """Non-overlapping windows for one day; some touch their predecessor."""
    count = draw(st.integers(0, 3))
    points = sorted(draw(st.sets(minute_of_day, min_size=2 * count, max_size=2 * count)))
    spans: list[tuple[int, int]] = []
    for index in range(count):
        start, end = points[2 * index], points[2 * index + 1]
        if spans and draw(st.booleans()):
            start = min(start, spans[-1][1])  # touch the previous window
        spans.append((start, end))
    return [(_time(s), _time(e)) for s, e in spans]


@st.composite
def teams(draw: st.DrawFn) -> Team:
    windows = tuple(
        Window(weekday, start, end) for weekday in range(7) for start, end in draw(day_windows())
    )
    ignored = draw(st.frozensets(st.sampled_from(HOLIDAY_NAMES)))
    return Team(
        "t", "Team", windows=windows, holidays_enabled=draw(st.booleans()), ignored_holidays=ignored
    )


@st.composite
def ranges(draw: st.DrawFn) -> tuple[datetime, datetime]:
    if draw(st.booleans()):
        anchor = draw(st.sampled_from(DST_DAYS)) - timedelta(days=draw(st.integers(0, 14)))
    else:
        anchor = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    start = datetime.combine(anchor, time(0), TZ).astimezone(UTC) + timedelta(
        minutes=draw(st.integers(0, 24 * 60 - 1))
    )
    length = timedelta(minutes=draw(st.integers(1, 21 * 24 * 60)))
    return start, start + length


@st.composite
def closures(draw: st.DrawFn, start: datetime) -> tuple[Closure, ...]:
    found = []
    for _ in range(draw(st.integers(0, 3))):
        who = draw(st.sampled_from([None, "t"]))
        if draw(st.booleans()):
            first = start.astimezone(TZ).date() + timedelta(days=draw(st.integers(-2, 21)))
            last = first + timedelta(days=draw(st.integers(0, 3)))
            found.append(Closure.whole_days(who, first, last, TZ, "ganztägig"))
        else:
            begins = start + timedelta(minutes=15 * draw(st.integers(-8 * 96, 22 * 96)))
            ends = begins + timedelta(minutes=15 * draw(st.integers(1, 3 * 96)))
            found.append(Closure(who, begins, ends, "stundenweise"))
    return tuple(found)


@st.composite
def openings(draw: st.DrawFn, start: datetime) -> tuple[SpecialOpening, ...]:
    found = []
    for _ in range(draw(st.integers(0, 3))):
        day = start.astimezone(TZ).date() + timedelta(days=draw(st.integers(-1, 22)))
        a, b = sorted(draw(st.sets(minute_of_day, min_size=2, max_size=2)))
        found.append(SpecialOpening("t", day, _time(a), _time(b)))
    return tuple(found)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[TeamSchedule, datetime, datetime]:
    start, end = draw(ranges())
    sched = TeamSchedule(draw(teams()), TZ, HESSEN, draw(closures(start)), draw(openings(start)))
    return sched, start, end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), fraction=st.floats(0.01, 0.99))
def test_state_is_constant_between_transitions_and_changes_across_them(
    scenario: tuple[TeamSchedule, datetime, datetime], fraction: float
) -> None:
    sched, start, end = scenario
    found = transitions(sched, start, end)
    instants = [as_utc(t.at) for t in found]
    assert all(start <= at < end for at in instants)
    assert instants == sorted(instants)
    assert len(set(instants)) == len(instants)

    # Segments [a, b): from start (or a transition) to the next transition (or end).
    bounds: list[datetime] = [start, *instants, end]
    if instants and instants[0] == start:
        bounds = bounds[1:]
    segment_status = [status(state_at(sched, start))]
    segment_status += [status(t) for t in found if as_utc(t.at) != start]
    if found and as_utc(found[0].at) == start:
        segment_status = segment_status[1:]
        segment_status.insert(0, status(found[0]))
    for index, (a, b) in enumerate(pairwise(bounds)):
        expected = segment_status[index]
        next_change = b if b != end else None
        samples = {a, a + (b - a) * fraction, b - MICRO}
        for at in sorted(s for s in samples if a <= s < b):
            result = state_at(sched, at)
            assert status(result) == expected, (at, a, b)
            if next_change is not None:
                assert as_utc(result.until) == next_change, (at, a, b)
            else:
                # The next change lies at or after `end`, and it is a real change.
                assert result.until is None or as_utc(result.until) >= end
                if result.until is not None:
                    assert status(state_at(sched, result.until)) != expected

    # Across each transition the state differs (just before vs at).
    for change in found:
        at = as_utc(change.at)
        assert status(state_at(sched, at)) == status(change)
        assert status(state_at(sched, at - MICRO)) != status(change)
