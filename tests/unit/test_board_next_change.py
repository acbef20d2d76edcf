"""The board's and overview's 'Nächste Änderung': only where open/closed changes, and the
reason each tile shows (pure read models, Europe/Berlin with Hessen's real holidays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from schedule_support import TZ, as_utc, local, schedule, team

from callcenter.domain.schedule import (
    Closure,
    Office,
    Reason,
    SpecialOpening,
    State,
    TeamSchedule,
    state_at,
)
from callcenter.web.readmodels import next_state_change, status_kind, team_status

WEEKDAYS = "Mo-Fr 09:00-12:00"


def test_a_closed_weekend_after_a_closure_is_no_change_until_monday_opens() -> None:
    # Closed Friday to Sunday (a closure): at Mo 00:00 only the reason changes.
    closure = Closure("t", local(2026, 11, 27), local(2026, 11, 30), "Umzug")
    plan = schedule(team("t", WEEKDAYS), closures=(closure,))
    now = local(2026, 11, 27, 14)
    assert as_utc(state_at(plan, now).until) == as_utc(local(2026, 11, 30))  # reason change
    assert as_utc(next_state_change(plan, now)) == as_utc(local(2026, 11, 30, 9))


def test_a_plain_weekend_and_an_open_team() -> None:
    plan = schedule(team("t", WEEKDAYS))
    assert as_utc(next_state_change(plan, local(2026, 11, 28, 10))) == as_utc(
        local(2026, 11, 30, 9)
    )
    # Open: the next change is the close, the same as the schedule's next change.
    assert as_utc(next_state_change(plan, local(2026, 11, 30, 10))) == as_utc(
        local(2026, 11, 30, 12)
    )


def test_christmas_holidays_then_the_weekend_are_one_closed_stretch() -> None:
    plan = schedule(team("t", WEEKDAYS))
    now = local(2026, 12, 24, 13)  # Thursday after hours; Fri 25 and Sat 26 are holidays
    assert as_utc(state_at(plan, now).until) == as_utc(local(2026, 12, 25))
    assert as_utc(next_state_change(plan, now)) == as_utc(local(2026, 12, 28, 9))
    assert status_kind(plan, *_state(plan, local(2026, 12, 25, 10))) == "holiday"


def test_across_the_autumn_changeover_the_opening_is_at_nine_on_the_new_clock() -> None:
    plan = schedule(team("t", WEEKDAYS))
    # Friday 23 Oct 2026 (CEST) -> Monday 26 Oct 2026 09:00 CET = 08:00 UTC.
    opens = next_state_change(plan, local(2026, 10, 23, 13))
    assert opens is not None
    assert opens.astimezone(UTC).time() == time(8)
    assert opens.astimezone(TZ).date() == date(2026, 10, 26)
    # Spring: Friday 26 Mar 2027 (CET) -> Monday 29 Mar 09:00 CEST = 07:00 UTC.
    spring = next_state_change(plan, local(2027, 3, 26, 13))
    assert spring is not None
    assert spring.astimezone(UTC).time() == time(7)


def test_the_kind_names_each_reason() -> None:
    opening = SpecialOpening("t", date(2026, 11, 28), time(10), time(13), "Samstagsdienst")
    closure = Closure("t", local(2026, 12, 1, 8), local(2026, 12, 1, 18), "krank")
    plan = schedule(team("t", WEEKDAYS), closures=(closure,), openings=(opening,))
    assert status_kind(plan, *_state(plan, local(2026, 11, 30, 10))) == "open"
    assert status_kind(plan, *_state(plan, local(2026, 11, 28, 11))) == "special_opening"
    assert status_kind(plan, *_state(plan, local(2026, 11, 30, 13))) == "hours"
    assert status_kind(plan, *_state(plan, local(2026, 12, 1, 10))) == "closure"


def test_team_status_carries_kind_next_change_and_transfer_number() -> None:
    the_team = team("t", WEEKDAYS, team_lines=("06151100",))
    office = Office(tz=TZ, holidays={}, teams=(the_team,))
    friday_evening = local(2026, 11, 27, 18)
    status = team_status(office, "t", friday_evening)
    assert status.kind == "hours"
    assert status.icon
    assert status.transfer_number == "06151100"
    assert as_utc(status.next_state_change) == as_utc(friday_evening + timedelta(days=2, hours=15))


def _state(plan: TeamSchedule, at: datetime) -> tuple[State, Reason | None, datetime]:
    current = state_at(plan, at)
    return current.state, current.reason, at
