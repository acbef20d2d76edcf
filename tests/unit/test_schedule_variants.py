"""Date-range variants of the week ("Sommerzeiten", issue 18): on the dates of a variant its
windows replace the base week; holidays, closures and special openings apply on top; a
window may end at 24:00. Hessen 2027: Good Friday 26 March, Easter Monday 29 March, and the
clock jumps from 02:00 to 03:00 on Sunday 28 March."""

from __future__ import annotations

from datetime import date, time

import pytest
from schedule_support import HESSEN, as_utc, local, schedule, status, team

from callcenter.domain.errors import (
    InvalidTime,
    InvalidVariant,
    InvalidWindow,
    OverlappingVariants,
    OverlappingWindows,
)
from callcenter.domain.hours_feed import team_hours
from callcenter.domain.schedule import (
    Team,
    WeekVariant,
    Window,
    state_at,
    transitions,
    windows_from_spec,
)
from callcenter.domain.timeparse import END_OF_DAY, format_time, parse_time, parse_time_range
from callcenter.prompts.opening import next_opening

OPEN = ("open", None)
HOURS = ("closed", "hours")
HOLIDAY = ("closed", "holiday")


def _variant(name: str, first: date, last: date, *specs: str) -> WeekVariant:
    windows = tuple(w for spec in specs for w in windows_from_spec(spec))
    return WeekVariant(name, first, last, windows)


SUMMER = _variant("Sommerzeiten", date(2027, 7, 1), date(2027, 8, 31), "Mo-Fr 08:00-12:00")
EASTER = _variant(
    "Osterferien", date(2027, 3, 22), date(2027, 4, 9), "Mo-Fr 10:00-12:00", "So 02:30-04:00"
)


def _team(*variants: WeekVariant) -> Team:
    return team("t", "Mo-Fr 09:00-15:00", variants=variants)


def test_a_variant_replaces_the_base_week_on_its_dates_only() -> None:
    the_team = _team(SUMMER)
    assert the_team.variant_on(date(2027, 6, 30)) is None
    assert the_team.variant_on(date(2027, 7, 1)) == SUMMER
    assert the_team.variant_on(date(2027, 8, 31)) == SUMMER
    assert the_team.variant_on(date(2027, 9, 1)) is None
    base = schedule(the_team)
    # Wednesday 30 June: base week; Thursday 1 July: Sommerzeiten; Wednesday 1 September: base.
    assert base.open_intervals(date(2027, 6, 30)) == [
        (as_utc(local(2027, 6, 30, 9)), as_utc(local(2027, 6, 30, 15)))
    ]
    assert base.open_intervals(date(2027, 7, 1)) == [
        (as_utc(local(2027, 7, 1, 8)), as_utc(local(2027, 7, 1, 12)))
    ]
    assert base.open_intervals(date(2027, 8, 31)) == [
        (as_utc(local(2027, 8, 31, 8)), as_utc(local(2027, 8, 31, 12)))
    ]
    assert base.open_intervals(date(2027, 9, 1)) == [
        (as_utc(local(2027, 9, 1, 9)), as_utc(local(2027, 9, 1, 15)))
    ]


def test_routing_state_follows_the_variant() -> None:
    the_schedule = schedule(_team(SUMMER))
    # 08:30 is closed in the base week and open in the summer.
    assert status(state_at(the_schedule, local(2027, 6, 30, 8, 30))) == HOURS
    summer = state_at(the_schedule, local(2027, 7, 1, 8, 30))
    assert status(summer) == OPEN
    assert as_utc(summer.until) == as_utc(local(2027, 7, 1, 12))
    # 13:00 on the last summer day is closed; the next opening is the base week's 09:00.
    last = state_at(the_schedule, local(2027, 8, 31, 13))
    assert status(last) == HOURS
    assert as_utc(last.until) == as_utc(local(2027, 9, 1, 9))


def test_a_public_holiday_inside_a_variant_still_closes_the_team() -> None:
    the_schedule = schedule(_team(EASTER))
    assert HESSEN.get(date(2027, 3, 26)) == "Karfreitag"
    assert status(state_at(the_schedule, local(2027, 3, 25, 10, 30))) == OPEN
    assert status(state_at(the_schedule, local(2027, 3, 26, 10, 30))) == HOLIDAY
    assert status(state_at(the_schedule, local(2027, 3, 29, 10, 30))) == HOLIDAY  # Ostermontag
    # The announcement's next opening on Easter Monday: Tuesday at the variant's 10:00, not
    # the base week's 09:00.
    opens = next_opening(the_schedule, local(2027, 3, 29, 20))
    assert as_utc(opens) == as_utc(local(2027, 3, 30, 10))


def test_a_variant_window_on_the_spring_changeover_opens_when_the_clock_jumps() -> None:
    # Easter Sunday 28 March 2027 is no holiday in Hessen's calendar, and the clock jumps
    # from 02:00 CET to 03:00 CEST: the 02:30 start does not exist and takes effect at 03:00.
    assert HESSEN.get(date(2027, 3, 28)) is None
    the_schedule = schedule(_team(EASTER))
    day = transitions(the_schedule, local(2027, 3, 28), local(2027, 3, 29))
    assert [(as_utc(t.at), status(t)) for t in day] == [
        (as_utc(local(2027, 3, 28, 3)), OPEN),
        (as_utc(local(2027, 3, 28, 4)), HOURS),
    ]
    # A Sunday outside the variant: the base week has no Sunday hours.
    assert transitions(the_schedule, local(2027, 4, 11), local(2027, 4, 12)) == []


def test_a_window_may_end_at_24_00_and_runs_into_the_next_day_without_a_gap() -> None:
    start, end = parse_time_range("20:00-24:00")
    assert (start, end) == (time(20), END_OF_DAY)
    assert format_time(end) == "24:00"
    night = team("n", "Mo 20:00-24:00", "Di 00:00-02:00")
    assert night.windows[0].label == "20:00–24:00"
    changes = transitions(schedule(night), local(2027, 7, 5), local(2027, 7, 7))
    assert [(as_utc(t.at), status(t)) for t in changes] == [
        (as_utc(local(2027, 7, 5, 20)), OPEN),
        (as_utc(local(2027, 7, 6, 2)), HOURS),
    ]


def test_24_00_is_an_end_only() -> None:
    with pytest.raises(InvalidTime):
        parse_time("24:00")
    with pytest.raises(InvalidTime):
        parse_time_range("24:00-24:00")
    with pytest.raises(InvalidTime):
        parse_time_range("09:00-24:30")


def test_variants_of_one_team_must_not_overlap() -> None:
    late_summer = _variant("Spätsommer", date(2027, 8, 31), date(2027, 9, 15), "Mo 09:00-10:00")
    with pytest.raises(OverlappingVariants) as refused:
        _team(SUMMER, late_summer)
    assert "„Spätsommer“ (31.08.2027–15.09.2027)" in refused.value.de
    assert "overlaps 'Sommerzeiten'" in refused.value.en
    # Adjacent ranges are fine.
    autumn = _variant("Herbst", date(2027, 9, 1), date(2027, 9, 15), "Mo 09:00-10:00")
    assert _team(autumn, SUMMER).variants == (SUMMER, autumn)


def test_a_variant_needs_a_name_an_order_and_valid_windows() -> None:
    with pytest.raises(InvalidVariant) as unnamed:
        WeekVariant("  ", date(2027, 7, 1), date(2027, 7, 2))
    assert unnamed.value.where == "name"
    with pytest.raises(InvalidVariant) as backwards:
        WeekVariant("Sommer", date(2027, 7, 2), date(2027, 7, 1))
    assert "02.07.2027" in backwards.value.de
    assert backwards.value.where == "last"
    with pytest.raises(OverlappingWindows) as overlapping:
        _variant("Sommer", date(2027, 7, 1), date(2027, 7, 2), "Mo 09:00-12:00", "Mo 11:00-13:00")
    assert "Zeitraum „Sommer“, Montag" in overlapping.value.de
    with pytest.raises(InvalidWindow):
        Window(0, time(12), time(9))
    # A variant without windows: closed all week in its range (e.g. a summer break).
    closed = schedule(_team(WeekVariant("Pause", date(2027, 7, 1), date(2027, 7, 31))))
    assert closed.open_intervals(date(2027, 7, 5)) == []


def test_the_public_feed_publishes_the_variants_hours_and_a_24_00_end() -> None:
    late = _variant("Spät", date(2027, 7, 1), date(2027, 7, 31), "Do 18:00-24:00")
    hours = team_hours(
        schedule(_team(late)), local(2027, 6, 30, 8), date(2027, 6, 30), date(2027, 7, 1)
    )
    wednesday, thursday = hours.days
    assert [(s.start.hour, s.end.hour) for s in wednesday.windows] == [(9, 15)]
    (evening,) = thursday.windows
    assert evening.start == local(2027, 7, 1, 18)
    assert as_utc(evening.end) == as_utc(local(2027, 7, 2))
