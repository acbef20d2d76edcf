"""Deleting whole call records past `privacy.delete_calls_after_days` (storage/retention.py),
on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import session_scope
from callcenter.storage.models import CallRecordRow
from callcenter.storage.retention import purge

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def record(n: int, started: datetime, **changes: object) -> CallRecord:
    base = CallRecord(
        linked_id=f"amt-{n}",
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=f"pseudo-{n % 7}",
        started=started,
        outcome=Outcome.ANSWERED,
        state_at_arrival=State.OPEN,
        source=DecisionSource.LIVE,
        in_hours=True,
        answered=started + timedelta(seconds=10),
        ended=started + timedelta(minutes=2),
        wait_seconds=10.0,
        talk_seconds=110.0,
        answered_by="member-1",
        pilot=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# Three calls in each of January, February and March 2026 (UTC), mid-month and at the edges.
STARTS = [
    datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 1, 15, 9, tzinfo=UTC),
    datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 2, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 2, 10, 9, tzinfo=UTC),
    datetime(2026, 2, 20, 9, tzinfo=UTC),
    datetime(2026, 3, 2, 9, tzinfo=UTC),
    datetime(2026, 3, 10, 9, tzinfo=UTC),
    datetime(2026, 3, 19, 9, tzinfo=UTC),
]
RECORDS = [record(n, at) for n, at in enumerate(STARTS)]


def test_deleting_old_calls_takes_exactly_those_started_before_the_cutoff(engine: Engine) -> None:
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many(RECORDS)
    # 33 days before NOW: 15 February 12:00 UTC. January goes, of February the calls of
    # the 1st and the 10th; the 20th and March stay.
    now = NOW
    with session_scope(engine) as session:
        dry = purge(session, now, 90, dry_run=True, delete_calls_after_days=33)
    with session_scope(engine) as session:
        report = purge(session, now, 90, delete_calls_after_days=33)
    assert dry.calls_deleted == report.calls_deleted == 5
    with session_scope(engine) as session:
        left = sorted(session.scalars(select(CallRecordRow.linked_id)))
        assert session.scalar(select(func.min(CallRecordRow.started))) == STARTS[5]
    assert left == [f"amt-{n}" for n in range(5, 9)]
    # A deleted call's linked id may be stored again.
    with session_scope(engine) as session:
        assert CallRecordRepository(session).add(RECORDS[4])
