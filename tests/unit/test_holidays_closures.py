"""Real Hessen holidays, closures and special openings."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from schedule_support import (
    HESSEN,
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

from callcenter.domain.schedule import (
    Closure,
    Office,
    Pilot,
    SpecialOpening,
    active_closure,
    state_at,
    transitions,
)

OPEN = ("open", None)
HOURS = ("closed", "hours")
HOLIDAY = ("closed", "holiday")
CLOSURE = ("closed", "closure")

EASTER_MONDAY = date(2026, 4, 6)
FRONLEICHNAM = date(2026, 6, 4)  # a Thursday
WEEKDAYS = team("t", "Mo-Fr 09:00-12:00", "Do 14:00-17:30")


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(EASTER_MONDAY, "Ostermontag", id="easter-monday"),
        pytest.param(FRONLEICHNAM, "Fronleichnam", id="fronleichnam"),
        pytest.param(date(2026, 4, 3), "Karfreitag", id="good-friday"),
    ],
)
def test_calendar_knows_the_hessen_holidays(day: date, name: str) -> None:
    assert HESSEN.get(day) == name


HOLIDAY_STATES = [
    # Easter Monday 2026-04-06: Sunday before closed for hours, the holiday midnight to midnight
    ("So 05.04. 23:59:59.999999", local(2026, 4, 5, 23, 59, 59, 999999), HOURS, local(2026, 4, 6)),
    ("Ostermontag 00:00", local(2026, 4, 6), HOLIDAY, local(2026, 4, 7)),
    ("Ostermontag 08:59:59", local(2026, 4, 6, 8, 59, 59), HOLIDAY, local(2026, 4, 7)),
    ("Ostermontag 09:00", local(2026, 4, 6, 9), HOLIDAY, local(2026, 4, 7)),
    ("Ostermontag 10:00", local(2026, 4, 6, 10), HOLIDAY, local(2026, 4, 7)),
    (
        "Ostermontag 23:59:59.999999",
        local(2026, 4, 6, 23, 59, 59, 999999),
        HOLIDAY,
        local(2026, 4, 7),
    ),
    ("Di 07.04. 00:00", local(2026, 4, 7), HOURS, local(2026, 4, 7, 9)),
    ("Di 07.04. 09:00", local(2026, 4, 7, 9), OPEN, local(2026, 4, 7, 12)),
    ("Ostermontag 10:00 in UTC", utc(2026, 4, 6, 8), HOLIDAY, utc(2026, 4, 6, 22)),
    # Fronleichnam 2026-06-04 (Thursday, both windows fall away)
    ("Mi 03.06. 12:00", local(2026, 6, 3, 12), HOURS, local(2026, 6, 4)),
    ("Fronleichnam 00:00", local(2026, 6, 4), HOLIDAY, local(2026, 6, 5)),
    ("Fronleichnam 10:00", local(2026, 6, 4, 10), HOLIDAY, local(2026, 6, 5)),
    ("Fronleichnam 15:00", local(2026, 6, 4, 15), HOLIDAY, local(2026, 6, 5)),
    ("Fr 05.06. 00:00", local(2026, 6, 5), HOURS, local(2026, 6, 5, 9)),
    # Karfreitag (Friday 3 April) followed by a weekend and Easter Monday
    ("Karfreitag 10:00", local(2026, 4, 3, 10), HOLIDAY, local(2026, 4, 4)),
    ("Sa 04.04. 10:00", local(2026, 4, 4, 10), HOURS, local(2026, 4, 6)),
]


@pytest.mark.parametrize(
    ("at", "expected", "until"),
    [pytest.param(at, exp, until, id=name) for name, at, exp, until in HOLIDAY_STATES],
)
def test_state_on_and_around_holidays(
    at: datetime, expected: tuple[str, str | None], until: datetime
) -> None:
    result = state_at(schedule(WEEKDAYS), at)
    assert status(result) == expected
    assert as_utc(result.until) == as_utc(until)


def test_transitions_around_easter_monday() -> None:
    found = transitions(schedule(WEEKDAYS), local(2026, 4, 2), local(2026, 4, 8))
    assert changes(found) == [
        (as_utc(local(2026, 4, 2, 9)), *OPEN),
        (as_utc(local(2026, 4, 2, 12)), *HOURS),
        (as_utc(local(2026, 4, 2, 14)), *OPEN),
        (as_utc(local(2026, 4, 2, 17, 30)), *HOURS),
        (as_utc(local(2026, 4, 3)), *HOLIDAY),  # Karfreitag
        (as_utc(local(2026, 4, 4)), *HOURS),
        (as_utc(local(2026, 4, 6)), *HOLIDAY),  # Ostermontag
        (as_utc(local(2026, 4, 7)), *HOURS),
        (as_utc(local(2026, 4, 7, 9)), *OPEN),
        (as_utc(local(2026, 4, 7, 12)), *HOURS),
    ]


@pytest.mark.parametrize(
    "at",
    [
        pytest.param(local(2026, 4, 6, 10), id="easter-monday"),
        pytest.param(local(2026, 6, 4, 10), id="fronleichnam-morning"),
        pytest.param(local(2026, 6, 4, 15), id="fronleichnam-afternoon"),
    ],
)
def test_team_with_holidays_disabled_is_open(at: datetime) -> None:
    no_holidays = team("t", "Mo-Fr 09:00-12:00", "Do 14:00-17:30", holidays_enabled=False)
    result = state_at(schedule(no_holidays), at)
    assert status(result) == OPEN
    assert schedule(no_holidays).holiday_on(at.date()) is None


def test_ignored_holiday_name_keeps_the_team_open_only_that_day() -> None:
    works_fronleichnam = team(
        "t", "Mo-Fr 09:00-12:00", "Do 14:00-17:30", ignored_holidays=frozenset({"Fronleichnam"})
    )
    sched = schedule(works_fronleichnam)
    assert status(state_at(sched, local(2026, 6, 4, 10))) == OPEN
    assert status(state_at(sched, local(2026, 6, 4, 15))) == OPEN
    assert status(state_at(sched, local(2026, 6, 4, 13))) == HOURS
    assert status(state_at(sched, local(2026, 4, 6, 10))) == HOLIDAY


@pytest.mark.parametrize(
    ("at", "expected", "until"),
    [
        pytest.param(local(2026, 12, 24, 10), OPEN, local(2026, 12, 24, 12), id="heiligabend-10"),
        pytest.param(
            datetime.fromisoformat("2026-12-24T10:00:00+01:00"),
            OPEN,
            local(2026, 12, 24, 12),
            id="heiligabend-10-iso",
        ),
        pytest.param(
            local(2026, 12, 24, 15), OPEN, local(2026, 12, 24, 17, 30), id="heiligabend-15"
        ),
        pytest.param(local(2026, 12, 24, 17, 30), HOURS, local(2026, 12, 25), id="heiligabend-end"),
        # 25th and 26th are both holidays: the same state, so no change at midnight in between.
        pytest.param(local(2026, 12, 25, 10), HOLIDAY, local(2026, 12, 27), id="erster-feiertag"),
        pytest.param(local(2026, 12, 26, 10), HOLIDAY, local(2026, 12, 27), id="zweiter-feiertag"),
    ],
)
def test_christmas_eve_is_no_holiday_in_hessen(
    at: datetime, expected: tuple[str, str | None], until: datetime
) -> None:
    assert HESSEN.get(date(2026, 12, 24)) is None
    result = state_at(schedule(STANDARD), at)
    assert status(result) == expected
    assert as_utc(result.until) == as_utc(until)


# Closures: Tuesday 10 March 2026 is an ordinary working day.
TUESDAY = date(2026, 3, 10)


def test_whole_day_closure_on_a_weekday() -> None:
    closure = Closure.whole_days("t", TUESDAY, TUESDAY, TZ, note="Personalengpass")
    sched = schedule(WEEKDAYS, closures=(closure,))
    before = state_at(sched, local(2026, 3, 9, 23, 59, 59, 999999))
    assert status(before) == HOURS
    assert as_utc(before.until) == as_utc(local(2026, 3, 10))
    during = state_at(sched, local(2026, 3, 10, 10))
    assert status(during) == CLOSURE
    # The closure ends at midnight; the team is then closed for hours until Wednesday 09:00.
    assert as_utc(during.until) == as_utc(local(2026, 3, 11))
    assert status(state_at(sched, local(2026, 3, 11))) == HOURS
    assert as_utc(state_at(sched, local(2026, 3, 11)).until) == as_utc(local(2026, 3, 11, 9))
    assert active_closure(sched, local(2026, 3, 10, 10)) == closure
    assert active_closure(sched, local(2026, 3, 10, 10)).note == "Personalengpass"
    assert active_closure(sched, local(2026, 3, 11, 10)) is None


def test_closure_ending_inside_a_window_reopens_the_team() -> None:
    closure = Closure("t", local(2026, 3, 10, 8), local(2026, 3, 10, 10, 30), "Betriebsversammlung")
    sched = schedule(WEEKDAYS, closures=(closure,))
    during = state_at(sched, local(2026, 3, 10, 10))
    assert status(during) == CLOSURE
    assert as_utc(during.until) == as_utc(local(2026, 3, 10, 10, 30))
    after = state_at(sched, local(2026, 3, 10, 10, 30))
    assert status(after) == OPEN
    assert as_utc(after.until) == as_utc(local(2026, 3, 10, 12))
    assert changes(transitions(sched, local(2026, 3, 10), local(2026, 3, 11))) == [
        (as_utc(local(2026, 3, 10, 8)), *CLOSURE),
        (as_utc(local(2026, 3, 10, 10, 30)), *OPEN),
        (as_utc(local(2026, 3, 10, 12)), *HOURS),
    ]


@pytest.mark.parametrize(
    ("at", "until"),
    [
        pytest.param(
            local(2026, 3, 10, 10, 29, 59), local(2026, 3, 10, 10, 30), id="1s-before-end"
        ),
        pytest.param(
            local(2026, 3, 10, 10, 29, 59, 999999), local(2026, 3, 10, 10, 30), id="1us-before-end"
        ),
    ],
)
def test_until_just_before_a_closure_ends(at: datetime, until: datetime) -> None:
    closure = Closure("t", local(2026, 3, 10, 8), local(2026, 3, 10, 10, 30))
    result = state_at(schedule(WEEKDAYS, closures=(closure,)), at)
    assert status(result) == CLOSURE
    assert as_utc(result.until) == as_utc(until)


def test_transitions_starting_exactly_at_a_closure_end_include_the_reopening() -> None:
    closure = Closure("t", local(2026, 3, 10, 8), local(2026, 3, 10, 10, 30))
    sched = schedule(WEEKDAYS, closures=(closure,))
    found = transitions(sched, local(2026, 3, 10, 10, 30), local(2026, 3, 10, 13))
    assert changes(found) == [
        (as_utc(local(2026, 3, 10, 10, 30)), *OPEN),
        (as_utc(local(2026, 3, 10, 12)), *HOURS),
    ]


def test_transitions_ending_exactly_at_a_closure_start_exclude_it() -> None:
    closure = Closure("t", local(2026, 3, 10, 10), local(2026, 3, 10, 11))
    sched = schedule(WEEKDAYS, closures=(closure,))
    found = transitions(sched, local(2026, 3, 10, 9), local(2026, 3, 10, 10))
    assert changes(found) == [(as_utc(local(2026, 3, 10, 9)), *OPEN)]


def test_closure_beats_windows_and_special_openings() -> None:
    closure = Closure.whole_days("t", TUESDAY, TUESDAY, TZ)
    extra = SpecialOpening("t", TUESDAY, time(14), time(16), "Sprechstunde")
    sched = schedule(WEEKDAYS, closures=(closure,), openings=(extra,))
    for hour in (9, 10, 14, 15):
        assert status(state_at(sched, local(2026, 3, 10, hour))) == CLOSURE
    assert changes(transitions(sched, local(2026, 3, 10), local(2026, 3, 11))) == [
        (as_utc(local(2026, 3, 10)), *CLOSURE),
    ]


def test_closure_beats_a_holiday() -> None:
    closure = Closure.whole_days(None, EASTER_MONDAY, EASTER_MONDAY, TZ)
    sched = schedule(WEEKDAYS, closures=(closure,))
    assert status(state_at(sched, local(2026, 4, 6, 10))) == CLOSURE


def test_closure_for_all_teams_affects_every_team() -> None:
    a = team("a", "Mo-Fr 09:00-12:00")
    b = team("b", "Di 08:00-16:00")
    c = team("c", "Mo-Fr 13:00-15:00")
    everyone = Closure.whole_days(None, TUESDAY, TUESDAY, TZ, note="Betriebsausflug")
    office = Office(TZ, HESSEN, (a, b, c), closures=(everyone,))
    for team_id in office.team_ids:
        sched = office.schedule_for(team_id)
        result = state_at(sched, local(2026, 3, 10, 10))
        assert status(result) == CLOSURE, team_id
        assert as_utc(result.until) == as_utc(local(2026, 3, 11)), team_id
        assert active_closure(sched, local(2026, 3, 10, 14)) == everyone


def test_closure_for_one_team_leaves_the_others_alone() -> None:
    a = team("a", "Mo-Fr 09:00-12:00")
    b = team("b", "Mo-Fr 09:00-12:00")
    only_a = Closure.whole_days("a", TUESDAY, TUESDAY, TZ)
    office = Office(TZ, HESSEN, (a, b), closures=(only_a,))
    assert status(state_at(office.schedule_for("a"), local(2026, 3, 10, 10))) == CLOSURE
    assert status(state_at(office.schedule_for("b"), local(2026, 3, 10, 10))) == OPEN
    assert office.schedule_for("b").closures == ()


def test_multi_day_closure_until_is_its_end() -> None:
    closure = Closure.whole_days("t", date(2026, 3, 10), date(2026, 3, 13), TZ)
    sched = schedule(WEEKDAYS, closures=(closure,))
    result = state_at(sched, local(2026, 3, 11, 10))
    assert status(result) == CLOSURE
    # Ends Saturday 00:00, then closed for hours until Monday 09:00.
    assert as_utc(result.until) == as_utc(local(2026, 3, 14))
    assert as_utc(state_at(sched, local(2026, 3, 14)).until) == as_utc(local(2026, 3, 16, 9))


def test_closure_ending_on_a_window_start_reports_the_opening() -> None:
    closure = Closure("t", local(2026, 3, 9, 12), local(2026, 3, 10, 9))
    sched = schedule(WEEKDAYS, closures=(closure,))
    result = state_at(sched, local(2026, 3, 9, 18))
    assert status(result) == CLOSURE
    assert as_utc(result.until) == as_utc(local(2026, 3, 10, 9))
    assert status(state_at(sched, local(2026, 3, 10, 9))) == OPEN


# Special openings
SATURDAY = date(2026, 3, 14)


@pytest.mark.parametrize(
    ("at", "expected", "until"),
    [
        pytest.param(
            local(2026, 3, 14, 9, 59, 59, 999999), HOURS, local(2026, 3, 14, 10), id="before"
        ),
        pytest.param(local(2026, 3, 14, 10), OPEN, local(2026, 3, 14, 13), id="at-start"),
        pytest.param(
            local(2026, 3, 14, 12, 59, 59, 999999), OPEN, local(2026, 3, 14, 13), id="last-us"
        ),
        pytest.param(local(2026, 3, 14, 13), HOURS, local(2026, 3, 16, 9), id="at-end"),
        pytest.param(local(2026, 3, 21, 10), HOURS, local(2026, 3, 23, 9), id="next-saturday"),
    ],
)
def test_special_opening_on_a_saturday(
    at: datetime, expected: tuple[str, str | None], until: datetime
) -> None:
    service_day = SpecialOpening("t", SATURDAY, time(10), time(13), "Servicesamstag")
    result = state_at(schedule(WEEKDAYS, openings=(service_day,)), at)
    assert status(result) == expected
    assert as_utc(result.until) == as_utc(until)


@pytest.mark.parametrize(
    ("at", "expected", "until"),
    [
        pytest.param(local(2026, 4, 6, 9), HOLIDAY, local(2026, 4, 6, 10), id="before"),
        pytest.param(local(2026, 4, 6, 10), OPEN, local(2026, 4, 6, 12), id="at-start"),
        pytest.param(local(2026, 4, 6, 11), OPEN, local(2026, 4, 6, 12), id="inside"),
        pytest.param(local(2026, 4, 6, 12), HOLIDAY, local(2026, 4, 7), id="at-end"),
    ],
)
def test_special_opening_on_a_holiday(
    at: datetime, expected: tuple[str, str | None], until: datetime
) -> None:
    extra = SpecialOpening("t", EASTER_MONDAY, time(10), time(12))
    result = state_at(schedule(WEEKDAYS, openings=(extra,)), at)
    assert status(result) == expected
    assert as_utc(result.until) == as_utc(until)


def test_special_opening_extends_an_ordinary_day() -> None:
    extra = SpecialOpening("t", TUESDAY, time(12), time(15))
    sched = schedule(WEEKDAYS, openings=(extra,))
    assert changes(transitions(sched, local(2026, 3, 10), local(2026, 3, 11))) == [
        (as_utc(local(2026, 3, 10, 9)), *OPEN),
        (as_utc(local(2026, 3, 10, 15)), *HOURS),
    ]


def test_office_routes_openings_to_their_team() -> None:
    a = team("a", "Mo-Fr 09:00-12:00")
    b = team("b", "Mo-Fr 09:00-12:00")
    office = Office(
        TZ, HESSEN, (a, b), openings=(SpecialOpening("a", SATURDAY, time(10), time(13)),)
    )
    assert status(state_at(office.schedule_for("a"), local(2026, 3, 14, 11))) == OPEN
    assert status(state_at(office.schedule_for("b"), local(2026, 3, 14, 11))) == HOURS


def test_pilot_at_uses_the_local_date() -> None:
    a = team("a", "Mo-Fr 09:00-12:00")
    pilot = Pilot("a", date(2026, 3, 10), date(2026, 3, 20))
    office = Office(TZ, HESSEN, (a,), pilots=(pilot,))
    # 2026-03-09 23:30 UTC is already 10 March in Berlin.
    assert office.pilot_at("a", utc(2026, 3, 9, 23, 30)) == pilot
    assert office.pilot_at("a", utc(2026, 3, 9, 22, 59)) is None
    assert office.pilot_at("a", local(2026, 3, 20, 23, 59)) == pilot
    assert office.pilot_at("a", local(2026, 3, 21)) is None
    open_ended = Office(TZ, HESSEN, (a,), pilots=(Pilot("a", date(2026, 3, 10)),))
    assert open_ended.pilot_at("a", local(2030, 1, 1)) is not None


def test_holiday_calendar_can_be_a_plain_mapping() -> None:
    sched = schedule(WEEKDAYS)
    fake = type(sched)(sched.team, TZ, {date(2026, 3, 10): "Betriebsfeiertag"})
    assert status(state_at(fake, local(2026, 3, 10, 10))) == HOLIDAY
    assert status(state_at(fake, local(2026, 4, 6, 10))) == OPEN
