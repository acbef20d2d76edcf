"""Just before, at and just after every window edge; transitions() semantics; astdb values."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest
from schedule_support import (
    STANDARD,
    TZ,
    as_utc,
    changes,
    local,
    schedule,
    status,
    team,
    utc,
)

from callcenter.domain.errors import NaiveDatetime
from callcenter.domain.schedule import (
    Reason,
    State,
    TeamState,
    state_at,
    transitions,
)

OPEN = ("open", None)
HOURS = ("closed", "hours")

# Week of Monday 9 March 2026 (no holidays in Hessen), winter time (UTC+1).
MON, TUE, WED, THU, FRI, SAT, SUN = (9, 10, 11, 12, 13, 14, 15)
NEXT_MON = 16


def _m(day: int, h: int, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return local(2026, 3, day, h, mi, s, us)


EDGE_CASES = [
    # Monday 09:00–12:00
    ("Mo 00:00 midnight", _m(MON, 0), HOURS, _m(MON, 9)),
    ("Mo 08:59:59.999999", _m(MON, 8, 59, 59, 999999), HOURS, _m(MON, 9)),
    ("Mo 09:00", _m(MON, 9), OPEN, _m(MON, 12)),
    ("Mo 09:00:00.000001", _m(MON, 9, 0, 0, 1), OPEN, _m(MON, 12)),
    ("Mo 11:59:59.999999", _m(MON, 11, 59, 59, 999999), OPEN, _m(MON, 12)),
    ("Mo 12:00", _m(MON, 12), HOURS, _m(TUE, 9)),
    ("Mo 12:00:00.000001", _m(MON, 12, 0, 0, 1), HOURS, _m(TUE, 9)),
    # Tuesday / Wednesday
    ("Di 08:59:59.999999", _m(TUE, 8, 59, 59, 999999), HOURS, _m(TUE, 9)),
    ("Di 09:00", _m(TUE, 9), OPEN, _m(TUE, 12)),
    ("Di 12:00", _m(TUE, 12), HOURS, _m(WED, 9)),
    ("Mi 11:59:59.999999", _m(WED, 11, 59, 59, 999999), OPEN, _m(WED, 12)),
    ("Mi 12:00", _m(WED, 12), HOURS, _m(THU, 9)),
    ("Mi 12:00:00.000001", _m(WED, 12, 0, 0, 1), HOURS, _m(THU, 9)),
    # Thursday 09:00–12:00 and 14:00–17:30
    ("Do 08:59:59.999999", _m(THU, 8, 59, 59, 999999), HOURS, _m(THU, 9)),
    ("Do 09:00", _m(THU, 9), OPEN, _m(THU, 12)),
    ("Do 09:00:00.000001", _m(THU, 9, 0, 0, 1), OPEN, _m(THU, 12)),
    ("Do 11:59:59.999999", _m(THU, 11, 59, 59, 999999), OPEN, _m(THU, 12)),
    ("Do 12:00", _m(THU, 12), HOURS, _m(THU, 14)),
    ("Do 12:00:00.000001", _m(THU, 12, 0, 0, 1), HOURS, _m(THU, 14)),
    ("Do 13:59:59.999999", _m(THU, 13, 59, 59, 999999), HOURS, _m(THU, 14)),
    ("Do 14:00", _m(THU, 14), OPEN, _m(THU, 17, 30)),
    ("Do 14:00:00.000001", _m(THU, 14, 0, 0, 1), OPEN, _m(THU, 17, 30)),
    ("Do 17:29:59.999999", _m(THU, 17, 29, 59, 999999), OPEN, _m(THU, 17, 30)),
    ("Do 17:30", _m(THU, 17, 30), HOURS, _m(NEXT_MON, 9)),
    ("Do 17:30:00.000001", _m(THU, 17, 30, 0, 1), HOURS, _m(NEXT_MON, 9)),
    # Friday to Sunday: no windows, the next change is Monday 09:00
    ("Fr 10:00 (no window)", _m(FRI, 10), HOURS, _m(NEXT_MON, 9)),
    ("Sa 10:00", _m(SAT, 10), HOURS, _m(NEXT_MON, 9)),
    ("So 23:59:59.999999", _m(SUN, 23, 59, 59, 999999), HOURS, _m(NEXT_MON, 9)),
    ("next Mo 09:00", _m(NEXT_MON, 9), OPEN, _m(NEXT_MON, 12)),
    # The same edges given in UTC (winter: local = UTC + 1h)
    ("UTC Do 07:59:59.999999", utc(2026, 3, 12, 7, 59, 59, 999999), HOURS, _m(THU, 9)),
    ("UTC Do 08:00", utc(2026, 3, 12, 8), OPEN, _m(THU, 12)),
    ("UTC Do 16:30", utc(2026, 3, 12, 16, 30), HOURS, _m(NEXT_MON, 9)),
    # Summer time (UTC+2): Thursday 11 June 2026 is no holiday in Hessen
    ("summer Do 06:59:59.999999Z", utc(2026, 6, 11, 6, 59, 59, 999999), HOURS, utc(2026, 6, 11, 7)),
    ("summer Do 07:00Z = 09:00", utc(2026, 6, 11, 7), OPEN, utc(2026, 6, 11, 10)),
    ("summer Do 15:30Z = 17:30", utc(2026, 6, 11, 15, 30), HOURS, utc(2026, 6, 15, 7)),
]


@pytest.mark.parametrize(
    ("at", "expected", "until"),
    [pytest.param(at, exp, until, id=name) for name, at, exp, until in EDGE_CASES],
)
def test_state_around_every_window_edge(
    at: datetime, expected: tuple[str, str | None], until: datetime
) -> None:
    result = state_at(schedule(STANDARD), at)
    assert status(result) == expected
    assert as_utc(result.until) == as_utc(until)


def test_week_of_transitions_for_the_standard_team() -> None:
    found = transitions(schedule(STANDARD), _m(MON, 0), _m(NEXT_MON, 0))
    expected = []
    for day in (MON, TUE, WED):
        expected += [(_m(day, 9), *OPEN), (_m(day, 12), *HOURS)]
    expected += [
        (_m(THU, 9), *OPEN),
        (_m(THU, 12), *HOURS),
        (_m(THU, 14), *OPEN),
        (_m(THU, 17, 30), *HOURS),
    ]
    assert changes(found) == [(as_utc(at), s, r) for at, s, r in expected]


def test_transitions_are_strictly_ordered_and_typed() -> None:
    found = transitions(schedule(STANDARD), _m(MON, 0), local(2026, 4, 30))
    instants = [as_utc(t.at) for t in found]
    assert instants == sorted(instants)
    assert len(set(instants)) == len(instants)
    for t in found:
        assert isinstance(t.state, State)
        assert t.reason is None if t.state is State.OPEN else isinstance(t.reason, Reason)


def test_touching_windows_make_no_change_where_they_meet() -> None:
    touching = team("t", "Mo 09:00-12:00", "Mo 12:00-14:00")
    found = transitions(schedule(touching), _m(MON, 0), _m(TUE, 0))
    assert changes(found) == [(as_utc(_m(MON, 9)), *OPEN), (as_utc(_m(MON, 14)), *HOURS)]
    noon = state_at(schedule(touching), _m(MON, 12))
    assert status(noon) == OPEN
    assert as_utc(noon.until) == as_utc(_m(MON, 14))
    assert status(state_at(schedule(touching), _m(MON, 11, 59, 59, 999999))) == OPEN


def test_every_consecutive_transition_is_a_real_change() -> None:
    found = transitions(schedule(STANDARD), local(2026, 3, 1), local(2026, 7, 1))
    for earlier, later in pairwise(found):
        assert status(earlier) != status(later)


def test_midnight_between_two_closed_days_is_no_transition() -> None:
    found = transitions(schedule(STANDARD), _m(FRI, 0), _m(NEXT_MON, 0))
    assert found == []


def test_change_exactly_at_start_is_included() -> None:
    found = transitions(schedule(STANDARD), _m(MON, 9), _m(MON, 13))
    assert changes(found) == [(as_utc(_m(MON, 9)), *OPEN), (as_utc(_m(MON, 12)), *HOURS)]


def test_change_exactly_at_end_is_excluded() -> None:
    found = transitions(schedule(STANDARD), _m(MON, 8), _m(MON, 12))
    assert changes(found) == [(as_utc(_m(MON, 9)), *OPEN)]


def test_start_just_after_a_change_excludes_it() -> None:
    found = transitions(schedule(STANDARD), _m(MON, 9, 0, 0, 1), _m(MON, 12, 0, 0, 1))
    assert changes(found) == [(as_utc(_m(MON, 12)), *HOURS)]


def test_start_and_end_in_other_zone_are_instants() -> None:
    # 08:00Z is 09:00 local (included), 11:00Z is 12:00 local (excluded as the end).
    found = transitions(schedule(STANDARD), utc(2026, 3, 9, 8), utc(2026, 3, 9, 11))
    assert changes(found) == [(as_utc(_m(MON, 9)), *OPEN)]
    found = transitions(schedule(STANDARD), utc(2026, 3, 9, 8), utc(2026, 3, 9, 11, 0, 0, 1))
    assert changes(found) == [(as_utc(_m(MON, 9)), *OPEN), (as_utc(_m(MON, 12)), *HOURS)]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(_m(MON, 12), _m(MON, 9), id="end-before-start"),
        pytest.param(_m(MON, 9), _m(MON, 9), id="empty-range"),
    ],
)
def test_empty_or_reversed_range_has_no_transitions(start: datetime, end: datetime) -> None:
    assert transitions(schedule(STANDARD), start, end) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(datetime(2026, 3, 9, 8), _m(MON, 13), id="naive-start"),
        pytest.param(_m(MON, 8), datetime(2026, 3, 9, 13), id="naive-end"),
    ],
)
def test_transitions_reject_naive_datetimes(start: datetime, end: datetime) -> None:
    with pytest.raises(NaiveDatetime) as caught:
        transitions(schedule(STANDARD), start, end)
    assert "2026-03-09T" in caught.value.de
    assert "keine Zeitzone" in caught.value.de
    assert "no time zone" in caught.value.en


def test_state_at_rejects_naive_datetime() -> None:
    with pytest.raises(NaiveDatetime, match=r"Zeitpunkt 2026-03-09T10:00:00 hat keine Zeitzone"):
        state_at(schedule(STANDARD), datetime(2026, 3, 9, 10))


def test_naive_error_is_raised_even_for_empty_range() -> None:
    with pytest.raises(NaiveDatetime):
        transitions(schedule(STANDARD), datetime(2026, 3, 9, 10), datetime(2026, 3, 9, 9))


def test_team_without_windows_is_closed_for_hours() -> None:
    nobody = team("leer", holidays_enabled=False)
    result = state_at(schedule(nobody), _m(MON, 10))
    assert status(result) == HOURS
    assert result.until is None


def test_until_is_an_aware_instant() -> None:
    result = state_at(schedule(STANDARD), _m(MON, 10))
    assert result.until is not None
    assert result.until.utcoffset() is not None
    assert result.until.astimezone(TZ) == _m(MON, 12)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(TeamState(State.OPEN, None, None), "open", id="open"),
        pytest.param(TeamState(State.CLOSED, Reason.HOURS, None), "closed:hours", id="hours"),
        pytest.param(TeamState(State.CLOSED, Reason.HOLIDAY, None), "closed:holiday", id="holiday"),
        pytest.param(TeamState(State.CLOSED, Reason.CLOSURE, None), "closed:closure", id="closure"),
    ],
)
def test_astdb_value(value: TeamState, expected: str) -> None:
    assert value.astdb_value == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(_m(MON, 10), "open", id="in-window"),
        pytest.param(_m(MON, 13), "closed:hours", id="after-window"),
        pytest.param(local(2026, 4, 6, 10), "closed:holiday", id="easter-monday"),
    ],
)
def test_astdb_value_from_state_at(at: datetime, expected: str) -> None:
    assert state_at(schedule(STANDARD), at).astdb_value == expected
