"""Instants survive the database unchanged and aware, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import StatementError

from callcenter.storage.audit import AuditRepository
from callcenter.storage.database import session_scope
from callcenter.storage.models import AuditRow

BERLIN = ZoneInfo("Europe/Berlin")

INSTANTS = [
    datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=BERLIN),  # just before the spring jump
    datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN),  # just after it
    datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0),  # repeated hour, first pass (CEST)
    datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1),  # repeated hour, second pass (CET)
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=ZoneInfo("Pacific/Kiritimati")),  # UTC+14
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    datetime(2099, 6, 30, 12, 0, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 0, tzinfo=UTC),
]


def test_instants_come_back_equal_and_utc_aware(engine: Engine) -> None:
    with session_scope(engine) as session:
        audit = AuditRepository(session)
        for index, at in enumerate(INSTANTS):
            audit.record(actor="t", at=at, action="probe", entity="probe", entity_id=str(index))
    with session_scope(engine) as session:
        stored = {
            row.entity_id: row.at
            for row in session.scalars(select(AuditRow).where(AuditRow.entity == "probe"))
        }
    for index, at in enumerate(INSTANTS):
        back = stored[str(index)]
        # Compared in UTC: Python never calls a datetime in the repeated hour (whose offset
        # depends on `fold`) equal to one in another zone, even for the same instant.
        assert back == at.astimezone(UTC), (index, at, back)
        assert back.timestamp() == at.timestamp()
        assert back.tzinfo is not None
        assert back.utcoffset() == timedelta(0)


def test_the_two_passes_of_the_repeated_hour_stay_an_hour_apart(engine: Engine) -> None:
    first, second = INSTANTS[2], INSTANTS[3]
    with session_scope(engine) as session:
        audit = AuditRepository(session)
        audit.record(actor="t", at=first, action="probe", entity="first")
        audit.record(actor="t", at=second, action="probe", entity="second")
    with session_scope(engine) as session:
        back = {row.entity: row.at for row in session.scalars(select(AuditRow))}
    assert back["second"] - back["first"] == timedelta(hours=1)


def test_naive_datetimes_are_refused_by_the_column(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(AuditRow(at=datetime(2026, 1, 1, 9), actor="t", action="a", entity="e"))
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
        session.rollback()
