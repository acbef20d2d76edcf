"""The schedule use cases against in-memory repositories: permissions, the rules that keep
the past read-only (issue 15), and the audit entries with before/after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from usecase_fakes import BERLIN, FakeUnitOfWork

from callcenter.domain.access import Actor, Role
from callcenter.domain.errors import (
    ClosureAlreadyOver,
    ClosureNotStarted,
    ConfirmationRequired,
    InvalidClosure,
    PastIsReadOnly,
    PermissionDenied,
    UnknownTeam,
)
from callcenter.domain.schedule import Closure, SpecialOpening, Window, state_at
from callcenter.usecases import schedule

# Friday afternoon, half a minute into 16:28.
NOW = datetime(2026, 12, 4, 16, 28, 30, tzinfo=BERLIN)
MINUTE = datetime(2026, 12, 4, 16, 28, tzinfo=BERLIN)
MIDNIGHT = datetime(2026, 12, 5, 0, 0, tzinfo=BERLIN)
ADMIN = Actor.admin("web:anna")
LEAD_A = Actor("web:tl-a", Role.TEAMLEAD, "auslaender-a")
SWITCHBOARD = Actor("web:zentrale", Role.SWITCHBOARD)
TEAM = "auslaender-a"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def _future(uow: FakeUnitOfWork, days: int = 10, length: int = 2) -> Closure:
    first = NOW.date() + timedelta(days=days)
    return schedule.add_closure_days(
        uow, ADMIN, TEAM, first, first + timedelta(days=length - 1), "Schulung", now=NOW, tz=BERLIN
    )


# -- the hostile cases of issue 15 ---------------------------------------------------------


def test_a_team_lead_cannot_close_their_team_from_2026_to_2099(uow: FakeUnitOfWork) -> None:
    with pytest.raises(PastIsReadOnly) as refused:
        schedule.add_closure_days(
            uow, LEAD_A, TEAM, date(2026, 1, 1), date(2099, 12, 31), "Umbau", now=NOW, tz=BERLIN
        )
    assert "01.01.2026 00:00 liegt vor jetzt (04.12.2026 16:28)" in refused.value.de
    assert "the past cannot be changed" in refused.value.en
    assert uow.schedules.office.closures == ()
    assert uow.audit.entries == []


def test_from_today_to_2099_still_needs_a_confirmation(uow: FakeUnitOfWork) -> None:
    with pytest.raises(ConfirmationRequired) as refused:
        schedule.add_closure_days(
            uow, LEAD_A, TEAM, NOW.date(), date(2099, 12, 31), "Umbau", now=NOW, tz=BERLIN
        )
    assert "länger als 31 Tage" in refused.value.de
    assert "--confirm-long" in refused.value.de
    assert uow.schedules.office.closures == ()
    confirmed = schedule.add_closure_days(
        uow,
        LEAD_A,
        TEAM,
        NOW.date(),
        date(2099, 12, 31),
        "Umbau",
        now=NOW,
        tz=BERLIN,
        confirm_long=True,
    )
    assert confirmed.start == MINUTE


def test_bandansage_heute_at_16_28_starts_at_16_28_not_at_midnight(uow: FakeUnitOfWork) -> None:
    closure = schedule.announcement_today(uow, LEAD_A, TEAM, "Krank", now=NOW, tz=BERLIN)
    assert (closure.start, closure.end) == (MINUTE, MIDNIGHT)
    [entry] = uow.audit.entries
    assert (entry.actor, entry.action, entry.before) == ("web:tl-a", "add_closure", None)
    assert entry.after["start"] == "2026-12-04T15:28:00+00:00"
    # The afternoon before 16:28 stays as the callers met it: closed by the hours (a
    # Friday), not by this closure.
    office = uow.schedules.load_office(BERLIN, lambda state: {})
    team_schedule = office.schedule_for(TEAM)
    assert state_at(team_schedule, MINUTE - timedelta(seconds=1)).reason == "hours"
    assert state_at(team_schedule, MINUTE).reason == "closure"


def test_bandansage_heute_until_a_chosen_time(uow: FakeUnitOfWork) -> None:
    closure = schedule.announcement_today(
        uow, ADMIN, None, "Betriebsversammlung", now=NOW, tz=BERLIN, until=time(18, 0)
    )
    assert (closure.start, closure.end) == (MINUTE, datetime(2026, 12, 4, 18, tzinfo=BERLIN))
    with pytest.raises(PastIsReadOnly, match="16:00"):
        schedule.announcement_today(
            uow, ADMIN, None, "zu spät", now=NOW, tz=BERLIN, until=time(16, 0)
        )


def test_a_closure_from_earlier_today_is_refused_an_instant_one_minute_ago_too(
    uow: FakeUnitOfWork,
) -> None:
    with pytest.raises(PastIsReadOnly):
        schedule.add_closure(
            uow,
            ADMIN,
            Closure(TEAM, MINUTE - timedelta(minutes=1), MIDNIGHT, "x"),
            now=NOW,
        )
    # This very minute is "now": allowed.
    stored = schedule.add_closure(uow, ADMIN, Closure(TEAM, MINUTE, MIDNIGHT, "x"), now=NOW)
    assert stored.id is not None


def test_a_range_beginning_today_begins_now(uow: FakeUnitOfWork) -> None:
    closure = schedule.add_closure_days(
        uow, ADMIN, TEAM, NOW.date(), NOW.date() + timedelta(days=1), "Umzug", now=NOW, tz=BERLIN
    )
    assert closure.start == MINUTE
    assert closure.end == datetime(2026, 12, 6, tzinfo=BERLIN)


def test_long_future_closures_need_a_confirmation(uow: FakeUnitOfWork) -> None:
    with pytest.raises(ConfirmationRequired):
        _future(uow, days=3, length=32)
    fine = _future(uow, days=3, length=31)
    assert fine.end - fine.start == timedelta(days=31)


# -- future closures: change and delete; running ones: end now ---------------------------


def test_a_future_closure_can_be_changed_and_is_audited_with_before_and_after(
    uow: FakeUnitOfWork,
) -> None:
    closure = _future(uow)
    assert closure.id is not None
    new_end = closure.end + timedelta(days=1)
    changed = schedule.change_closure(
        uow, LEAD_A, closure.id, now=NOW, end=new_end, note="Schulung (3 Tage)"
    )
    assert (changed.start, changed.end, changed.note) == (
        closure.start,
        new_end,
        "Schulung (3 Tage)",
    )
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.entity, entry.entity_id) == (
        "change_closure",
        "closure",
        str(closure.id),
    )
    assert entry.before["note"] == "Schulung"
    assert entry.after["note"] == "Schulung (3 Tage)"
    assert entry.after["end"] == new_end.astimezone(UTC).isoformat()


def test_a_future_closure_cannot_be_moved_into_the_past(uow: FakeUnitOfWork) -> None:
    closure = _future(uow)
    assert closure.id is not None
    with pytest.raises(PastIsReadOnly):
        schedule.change_closure(uow, ADMIN, closure.id, now=NOW, start=NOW - timedelta(days=1))


def test_a_future_closure_can_be_deleted(uow: FakeUnitOfWork) -> None:
    closure = _future(uow)
    assert closure.id is not None
    schedule.delete_closure(uow, LEAD_A, closure.id, now=NOW)
    assert uow.schedules.office.closures == ()
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.after) == ("delete_closure", None)
    assert entry.before["note"] == "Schulung"


def test_ending_now_a_closure_that_has_not_begun_says_so_in_german(uow: FakeUnitOfWork) -> None:
    closure = _future(uow)
    assert closure.id is not None
    with pytest.raises(ClosureNotStarted) as refused:
        schedule.end_closure(uow, ADMIN, closure.id, now=NOW)
    assert "hat noch nicht begonnen (Beginn 14.12.2026 00:00)" in refused.value.de
    assert "zum Absagen löschen" in refused.value.de
    assert "has not started yet" in refused.value.en
    assert uow.schedules.get_closure(closure.id) == closure


def test_a_running_closure_ends_now_but_keeps_its_start(uow: FakeUnitOfWork) -> None:
    running = schedule.announcement_today(uow, ADMIN, TEAM, "Krank", now=NOW, tz=BERLIN)
    assert running.id is not None
    later = NOW + timedelta(minutes=40)
    with pytest.raises(PastIsReadOnly, match="läuft schon seit"):
        schedule.change_closure(uow, ADMIN, running.id, now=later, start=later)
    with pytest.raises(PastIsReadOnly, match="löschen würde die Vergangenheit ändern"):
        schedule.delete_closure(uow, ADMIN, running.id, now=later)
    with pytest.raises(PastIsReadOnly):
        schedule.end_closure(uow, ADMIN, running.id, now=later, at=NOW + timedelta(minutes=5))
    ended = schedule.end_closure(uow, ADMIN, running.id, now=later)
    assert (ended.start, ended.end) == (MINUTE, later)
    entry = uow.audit.entries[-1]
    assert entry.action == "end_closure"
    assert entry.after["ended_by"] == "web:anna"
    assert entry.before["end"] == "2026-12-04T23:00:00+00:00"
    with pytest.raises(ClosureAlreadyOver):
        schedule.end_closure(uow, ADMIN, running.id, now=later + timedelta(minutes=1))
    with pytest.raises(ClosureAlreadyOver):
        schedule.change_closure(
            uow, ADMIN, running.id, now=later + timedelta(minutes=1), end=MIDNIGHT
        )


def test_a_running_closure_can_be_extended(uow: FakeUnitOfWork) -> None:
    running = schedule.announcement_today(uow, ADMIN, TEAM, "Krank", now=NOW, tz=BERLIN)
    assert running.id is not None
    longer = schedule.change_closure(
        uow, ADMIN, running.id, now=NOW, end=MIDNIGHT + timedelta(days=1)
    )
    assert (longer.start, longer.end) == (MINUTE, MIDNIGHT + timedelta(days=1))


def test_an_explicit_end_before_the_start_is_the_domains_error(uow: FakeUnitOfWork) -> None:
    closure = _future(uow)
    assert closure.id is not None
    with pytest.raises(InvalidClosure):
        schedule.end_closure(uow, ADMIN, closure.id, now=NOW, at=closure.start)


# -- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "team"),
    [(LEAD_A, "auslaender-b"), (LEAD_A, None), (SWITCHBOARD, TEAM)],
    ids=["other team", "all teams", "switchboard"],
)
def test_who_may_not_close(uow: FakeUnitOfWork, actor: Actor, team: str | None) -> None:
    with pytest.raises(PermissionDenied) as refused:
        schedule.announcement_today(uow, actor, team, "x", now=NOW, tz=BERLIN)
    assert refused.value.de == "Dafür fehlt Ihnen die Berechtigung."
    assert uow.audit.entries == []


def test_a_team_lead_may_not_change_or_end_an_all_teams_closure(uow: FakeUnitOfWork) -> None:
    closure = schedule.announcement_today(uow, ADMIN, None, "Versammlung", now=NOW, tz=BERLIN)
    assert closure.id is not None
    for attempt in (
        lambda: schedule.end_closure(uow, LEAD_A, closure.id or 0, now=NOW),
        lambda: schedule.delete_closure(uow, LEAD_A, closure.id or 0, now=NOW),
        lambda: schedule.change_closure(uow, LEAD_A, closure.id or 0, now=NOW, note="x"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert len(uow.audit.entries) == 1


def test_hours_holidays_and_openings_are_for_admins(uow: FakeUnitOfWork) -> None:
    windows = [Window(0, time(8), time(11))]
    with pytest.raises(PermissionDenied):
        schedule.set_windows(uow, LEAD_A, TEAM, windows, now=NOW)
    with pytest.raises(PermissionDenied):
        schedule.set_holiday_state(uow, LEAD_A, "BY", now=NOW)
    team = schedule.set_windows(uow, ADMIN, TEAM, windows, now=NOW)
    assert team.windows == tuple(windows)
    [entry] = uow.audit.entries
    assert entry.before[0] == {"weekday": 0, "start": "09:00", "end": "12:00"}
    assert entry.after == [{"weekday": 0, "start": "08:00", "end": "11:00"}]


def test_unknown_teams_are_named(uow: FakeUnitOfWork) -> None:
    with pytest.raises(UnknownTeam, match="nope"):
        schedule.announcement_today(uow, ADMIN, "nope", "x", now=NOW, tz=BERLIN)


# -- openings ------------------------------------------------------------------------------


def test_openings_cannot_start_before_now(uow: FakeUnitOfWork) -> None:
    with pytest.raises(PastIsReadOnly, match="Sonderöffnung"):
        schedule.add_opening(
            uow, ADMIN, SpecialOpening(TEAM, date(2026, 12, 4), time(9), time(12)), now=NOW
        )
    later = schedule.add_opening(
        uow, ADMIN, SpecialOpening(TEAM, date(2026, 12, 4), time(17), time(19)), now=NOW
    )
    assert later.id is not None
    assert uow.audit.entries[-1].action == "add_opening"
