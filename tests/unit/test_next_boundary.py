"""`next_boundary`: the instant up to which the live states pushed now stay right.

It becomes `callhours/_valid_until`; a wrong value either lets the PBX trust an old state
past a closing time (too late) or hands calls to the fallback for no reason (too early).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.domain.boundaries import VALIDITY_HORIZON, next_boundary
from callcenter.domain.errors import NaiveDatetime
from callcenter.domain.schedule import (
    Closure,
    Office,
    SpecialOpening,
    Team,
    state_at,
    windows_from_spec,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)
SPRING = date(2026, 3, 29)  # Sunday: 02:00 CET -> 03:00 CEST at 01:00 UTC
AUTUMN = date(2026, 10, 25)  # Sunday: 03:00 CEST -> 02:00 CET at 01:00 UTC


def team(team_id: str, *specs: str, **kwargs: object) -> Team:
    windows = tuple(w for spec in specs for w in windows_from_spec(spec))
    return Team(team_id, team_id.upper(), windows=windows, **kwargs)  # type: ignore[arg-type]


def office(*teams: Team, holidays: dict[date, str] | None = None, **kwargs: object) -> Office:
    return Office(BERLIN, holidays or {}, teams, **kwargs)  # type: ignore[arg-type]


def at(day: date, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second, micro), tzinfo=BERLIN)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_the_next_window_edge_of_a_team() -> None:
    the_office = office(team("a", "Mo-Fr 09:00-12:00"))
    assert next_boundary(the_office, at(MONDAY, 10)) == at(MONDAY, 12)
    assert next_boundary(the_office, at(MONDAY, 12, 30)) == at(MONDAY + timedelta(days=1), 9)


def test_the_boundary_second_itself_belongs_to_the_new_state() -> None:
    the_office = office(team("a", "Mo-Fr 09:00-12:00"))
    just_before = at(MONDAY, 11, 59, 59, 999_999)
    assert next_boundary(the_office, just_before) == at(MONDAY, 12)
    # At 12:00:00 the pushed state is already "closed": valid until the next opening.
    assert next_boundary(the_office, at(MONDAY, 12)) == at(MONDAY + timedelta(days=1), 9)


def test_the_earliest_edge_of_any_team_counts() -> None:
    the_office = office(
        team("early", "Mo-Fr 08:00-16:00"),
        team("late", "Mo-Fr 10:00-12:00", "Mo-Fr 13:00-15:30"),
        team("none"),
    )
    assert next_boundary(the_office, at(MONDAY, 9)) == at(MONDAY, 10)
    assert next_boundary(the_office, at(MONDAY, 12, 1)) == at(MONDAY, 13)
    assert next_boundary(the_office, at(MONDAY, 15, 45)) == at(MONDAY, 16)


def test_edges_without_a_change_are_no_boundary() -> None:
    # Two back-to-back windows: open from 09:00 to 14:00 without a change at 12:00.
    the_office = office(team("a", "Mo 09:00-12:00", "Mo 12:00-14:00"))
    assert next_boundary(the_office, at(MONDAY, 10)) == at(MONDAY, 14)


def test_holiday_closure_and_special_opening_edges() -> None:
    tuesday = MONDAY + timedelta(days=1)
    closure = Closure("a", at(MONDAY, 10, 30), at(MONDAY, 11, 15))
    opening = SpecialOpening("a", MONDAY + timedelta(days=5), time(10), time(12))
    the_office = office(
        team("a", "Mo-Fr 09:00-12:00"),
        holidays={tuesday: "Testfeiertag"},
        closures=(closure,),
        openings=(opening,),
    )
    assert next_boundary(the_office, at(MONDAY, 10)) == at(MONDAY, 10, 30)
    assert next_boundary(the_office, at(MONDAY, 10, 30)) == at(MONDAY, 11, 15)
    # Closed for the hours until midnight, then closed for the holiday: the reason changes.
    assert next_boundary(the_office, at(MONDAY, 13)) == at(tuesday, 0)
    assert next_boundary(the_office, at(tuesday, 1)) == at(tuesday + timedelta(days=1), 0)
    saturday = MONDAY + timedelta(days=5)
    assert next_boundary(the_office, at(saturday, 0, 1)) == at(saturday, 10)


def test_no_boundary_within_the_horizon_gives_now_plus_horizon() -> None:
    the_office = office(team("a"), team("b", holidays_enabled=False))
    now = at(MONDAY, 10, 0, 7)
    assert next_boundary(the_office, now) == now + VALIDITY_HORIZON
    assert next_boundary(the_office, now, timedelta(hours=3)) == now + timedelta(hours=3)
    assert next_boundary(office(), now) == now + VALIDITY_HORIZON  # no teams at all


def test_the_result_is_where_the_state_changes() -> None:
    the_office = office(team("a", "Mo-Fr 09:00-12:00", "Do 14:00-17:30"))
    schedule = the_office.schedule_for("a")
    now = at(MONDAY, 7, 13)
    for _ in range(12):
        boundary = next_boundary(the_office, now)
        assert state_at(schedule, boundary).state != state_at(schedule, now).state
        assert state_at(schedule, boundary - timedelta(microseconds=1)) == state_at(schedule, now)
        now = boundary


def test_spring_forward_edge_in_the_skipped_hour_is_when_the_clock_jumps() -> None:
    # 02:30 does not exist on 29 March 2026: the window opens at 03:00 CEST (01:00 UTC), not
    # at 03:30 CEST as a naive datetime(..., 2, 30, tzinfo=BERLIN) would say.
    the_office = office(team("a", "So 02:30-05:00"))
    boundary = next_boundary(the_office, at(SPRING, 1, 50))
    assert boundary == utc(2026, 3, 29, 1, 0)
    assert boundary.utcoffset() == timedelta(hours=2)
    assert int(boundary.timestamp()) == int(utc(2026, 3, 29, 1).timestamp())
    naive_guess = datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN)
    assert boundary != naive_guess
    assert next_boundary(the_office, boundary) == utc(2026, 3, 29, 3, 0)  # 05:00 CEST


def test_autumn_edge_in_the_repeated_hour_is_its_first_occurrence() -> None:
    the_office = office(team("a", "So 01:00-02:30"))
    boundary = next_boundary(the_office, at(AUTUMN, 1, 10))
    # In UTC: Python never finds an ambiguous local time equal to an instant of another zone.
    assert boundary.astimezone(UTC) == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, first time
    assert boundary.utcoffset() == timedelta(hours=2)
    # An instant in the repeated hour (02:10 CET, fold=1) finds no edge that day any more.
    repeated = datetime(2026, 10, 25, 2, 10, tzinfo=BERLIN, fold=1)
    assert repeated.utcoffset() == timedelta(hours=1)
    assert next_boundary(the_office, repeated) == at(AUTUMN + timedelta(days=7), 1)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(NaiveDatetime, match=r"hat keine Zeitzone"):
        next_boundary(office(team("a", "Mo 09:00-12:00")), datetime(2026, 11, 23, 10))
