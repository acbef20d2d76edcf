"""The compiled fallback knows the date-range variants of the week (issue 18): on a date
inside a variant the dialplan routes by the variant's hours, and it agrees with the domain
at every quarter hour across the variant's edges, a holiday inside it and a 24:00 end."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dialplan_support import BERLIN, generate, lint, office, team, time_rules

from callcenter.domain.schedule import Office, WeekVariant, state_at, windows_from_spec
from callcenter.holiday_calendar import german_holidays
from callcenter.pbx.dialplan_eval import fallback_state, read_contexts

NOW = datetime(2027, 6, 20, 9, tzinfo=BERLIN)
SUMMER = WeekVariant(
    "Sommerzeiten",
    date(2027, 7, 28),
    date(2027, 8, 3),
    windows_from_spec("Mo-Fr 07:00-11:00") + windows_from_spec("Di 18:00-24:00"),
)


def _office() -> Office:
    return office([team(variants=(SUMMER,))], holidays=german_holidays("HE"))


def test_a_date_inside_the_variant_routes_by_the_variants_hours() -> None:
    text = generate(_office(), NOW)
    contexts = read_contexts(text)
    # Wednesday 28 July 2027: in the summer 07:00–11:00, in the base week 09:00–12:00.
    wednesday = date(2027, 7, 28)
    assert fallback_state(contexts, "t1", datetime.combine(wednesday, time(7, 30), BERLIN)) == (
        "open"
    )
    assert fallback_state(contexts, "t1", datetime.combine(wednesday, time(11, 30), BERLIN)) == (
        "closed:hours"
    )
    # The Wednesday before: the base week.
    before = date(2027, 7, 21)
    assert fallback_state(contexts, "t1", datetime.combine(before, time(7, 30), BERLIN)) == (
        "closed:hours"
    )
    assert fallback_state(contexts, "t1", datetime.combine(before, time(11, 30), BERLIN)) == "open"
    rules = time_rules(text, "callhours-fallback-t1")
    assert "GotoIfTime(07:00-10:59,mon-fri,28-31,jul,Europe/Berlin?isopen)" in rules
    assert "GotoIfTime(18:00-23:59,tue,1-3,aug,Europe/Berlin?isopen)" in rules
    assert "GotoIfTime(*,*,1-3,aug,Europe/Berlin?ishours)" in rules
    assert lint(text) == []


def test_the_fallback_agrees_with_the_domain_around_the_variant() -> None:
    the_office = _office()
    text = generate(the_office, NOW)
    contexts = read_contexts(text)
    schedule = the_office.schedule_for("t1")
    instant = datetime(2027, 7, 26, tzinfo=BERLIN)
    end = datetime(2027, 8, 6, tzinfo=BERLIN)
    checked = 0
    while instant < end:
        assert fallback_state(contexts, "t1", instant) == state_at(schedule, instant).astdb_value, (
            instant
        )
        instant += timedelta(minutes=15)
        checked += 1
    assert checked == 11 * 96


def test_a_team_without_variants_keeps_its_fallback_unchanged() -> None:
    text = generate(office([team()]), NOW)
    assert "ishours" not in text
