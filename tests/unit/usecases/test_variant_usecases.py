"""The use cases of date-range variants (issue 18): admins only, validated by the domain,
the days before today read-only, every change audited with before/after."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from usecase_fakes import BERLIN, FakeUnitOfWork

from callcenter.domain.access import Actor, Role
from callcenter.domain.errors import (
    OverlappingVariants,
    OverlappingWindows,
    PastIsReadOnly,
    PermissionDenied,
)
from callcenter.domain.schedule import WeekVariant, Window, state_at, windows_from_spec
from callcenter.domain.timeparse import END_OF_DAY
from callcenter.storage.errors import NotFound
from callcenter.usecases import schedule

NOW = datetime(2026, 12, 4, 16, 28, 30, tzinfo=BERLIN)  # a Friday
ADMIN = Actor.admin("web:anna")
LEAD_A = Actor("web:tl-a", Role.TEAMLEAD, "auslaender-a")
TEAM = "auslaender-a"
SUMMER = WeekVariant(
    "Sommerzeiten", date(2027, 7, 1), date(2027, 8, 31), windows_from_spec("Mo-Fr 08:00-12:00")
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def _add(uow: FakeUnitOfWork, variant: WeekVariant = SUMMER) -> WeekVariant:
    return schedule.add_variant(uow, ADMIN, TEAM, variant, now=NOW, tz=BERLIN)


def test_an_admin_adds_a_variant_the_schedule_uses_and_the_audit_records(
    uow: FakeUnitOfWork,
) -> None:
    stored = _add(uow)
    assert stored.id is not None
    assert schedule.variants(uow, TEAM) == [stored]
    office = uow.schedules.load_office(BERLIN, lambda _state: {})
    at = datetime(2027, 7, 2, 8, 30, tzinfo=BERLIN)  # a Friday: closed in the base week
    assert state_at(office.schedule_for(TEAM), at).state == "open"
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.entity, entry.entity_id) == (
        "add_variant",
        "variant",
        str(stored.id),
    )
    assert entry.before is None
    assert entry.after["name"] == "Sommerzeiten"
    assert entry.after["first"] == "2027-07-01"
    assert entry.after["windows"][0] == {"weekday": 0, "start": "08:00", "end": "12:00"}


def test_a_team_lead_may_not_add_one(uow: FakeUnitOfWork) -> None:
    with pytest.raises(PermissionDenied):
        schedule.add_variant(uow, LEAD_A, TEAM, SUMMER, now=NOW, tz=BERLIN)
    assert uow.audit.entries == []


def test_overlapping_variants_and_windows_are_refused_before_anything_is_stored(
    uow: FakeUnitOfWork,
) -> None:
    _add(uow)
    audited = len(uow.audit.entries)
    overlapping = WeekVariant("August", date(2027, 8, 1), date(2027, 9, 30))
    with pytest.raises(OverlappingVariants):
        _add(uow, overlapping)
    with pytest.raises(OverlappingWindows):
        schedule.change_variant(
            uow,
            ADMIN,
            schedule.variants(uow, TEAM)[0].id or 0,
            now=NOW,
            tz=BERLIN,
            windows=(Window(0, time(8), time(12)), Window(0, time(11), time(13))),
        )
    assert len(schedule.variants(uow, TEAM)) == 1
    assert len(uow.audit.entries) == audited


def test_a_new_variant_starts_today_at_the_earliest(uow: FakeUnitOfWork) -> None:
    yesterday = WeekVariant("Winter", date(2026, 12, 3), date(2026, 12, 20))
    with pytest.raises(PastIsReadOnly) as refused:
        _add(uow, yesterday)
    assert "03.12.2026 liegt vor heute (04.12.2026)" in refused.value.de
    assert refused.value.where == "first"
    today = WeekVariant("Winter", date(2026, 12, 4), date(2026, 12, 20))
    assert _add(uow, today).first == date(2026, 12, 4)


def test_a_running_variant_keeps_its_first_day_and_is_shortened_not_deleted(
    uow: FakeUnitOfWork,
) -> None:
    running = _add(uow, WeekVariant("Advent", date(2026, 12, 4), date(2026, 12, 24)))
    later = datetime(2026, 12, 10, 9, tzinfo=BERLIN)
    vid = running.id or 0
    with pytest.raises(PastIsReadOnly):
        schedule.delete_variant(uow, ADMIN, vid, now=later, tz=BERLIN)
    with pytest.raises(PastIsReadOnly):
        schedule.change_variant(uow, ADMIN, vid, now=later, tz=BERLIN, first=date(2026, 12, 11))
    with pytest.raises(PastIsReadOnly):
        schedule.change_variant(uow, ADMIN, vid, now=later, tz=BERLIN, last=date(2026, 12, 9))
    # Windows (to 24:00) and the last day may change, from today on.
    changed = schedule.change_variant(
        uow,
        ADMIN,
        vid,
        now=later,
        tz=BERLIN,
        last=date(2026, 12, 10),
        windows=(Window(3, time(18), END_OF_DAY),),
    )
    assert changed.last == date(2026, 12, 10)
    entry = uow.audit.entries[-1]
    assert entry.action == "change_variant"
    assert entry.before["last"] == "2026-12-24"
    assert entry.after["last"] == "2026-12-10"
    assert entry.after["windows"] == [{"weekday": 3, "start": "18:00", "end": "24:00"}]
    # Once over, it stays as it was.
    with pytest.raises(PastIsReadOnly):
        schedule.change_variant(
            uow, ADMIN, vid, now=datetime(2026, 12, 11, 9, tzinfo=BERLIN), tz=BERLIN, name="X"
        )


def test_a_future_variant_is_deleted_with_an_audit_entry(uow: FakeUnitOfWork) -> None:
    stored = _add(uow)
    before = schedule.delete_variant(uow, ADMIN, stored.id or 0, now=NOW, tz=BERLIN)
    assert before == stored
    assert schedule.variants(uow, TEAM) == []
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.after) == ("delete_variant", None)
    assert entry.before["name"] == "Sommerzeiten"
    with pytest.raises(NotFound):
        schedule.delete_variant(uow, ADMIN, stored.id or 0, now=NOW, tz=BERLIN)
