"""Monthly partitions of call_records on PostgreSQL (migration 0013), and deleting old calls.

On PostgreSQL: the migration moves the rows into month partitions and back on downgrade,
ids and sequence included; a linked id stays unique across months and across a writer's
restart (the key table); a month without its partition waits in the default partition
until the daily maintenance makes it; deleting calls past `delete_calls_after_days` drops
whole months and deletes the rest row by row. The deletion is checked on SQLite too, where
the same purge deletes row by row with the same result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.storage.bulk_calls import call_row, insert_call_columns
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.models import CallRecordRow
from callcenter.storage.partitions import (
    create_months,
    existing_months,
    is_partitioned,
    maintain,
)
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


@pytest.fixture
def pg_url(postgres_database: str) -> str:
    return postgres_database


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        yield engine
    finally:
        engine.dispose()


def partition_of(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT linked_id, tableoid::regclass::text FROM call_records")
        ).all()
    return {linked_id: where for linked_id, where in rows}


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)


@pytest.mark.postgres
def test_migration_moves_rows_into_months_and_back(pg_url: str) -> None:
    upgrade(pg_url, "0012")
    engine = make_engine(pg_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(CallRecordRow), [call_row(r) for r in RECORDS])
            ids = dict(connection.execute(select(CallRecordRow.linked_id, CallRecordRow.id)).all())
        upgrade(pg_url, "0013")
        with engine.connect() as connection:
            assert is_partitioned(connection)
            months = existing_months(connection)
        assert {date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)} <= months
        where = partition_of(engine)
        assert where["amt-0"] == where["amt-2"] == "call_records_2026_01"
        assert where["amt-3"] == "call_records_2026_02"
        assert where["amt-8"] == "call_records_2026_03"
        assert count(engine, "call_keys") == len(RECORDS)
        with session_scope(engine) as session:
            repository = CallRecordRepository(session)
            assert [repository.get(r.linked_id) for r in RECORDS] == RECORDS
            assert repository.add(record(99, datetime(2026, 2, 5, tzinfo=UTC)))
            assert not repository.add(RECORDS[4])  # known: still stored once
            new_id = session.scalar(
                select(CallRecordRow.id).where(CallRecordRow.linked_id == "amt-99")
            )
        assert new_id is not None
        assert new_id > max(ids.values())  # the id sequence came along

        with engine.begin() as connection:
            from alembic import command

            from callcenter.storage.database import alembic_config

            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0012")
        with engine.connect() as connection:
            assert not is_partitioned(connection)
            assert connection.execute(text("SELECT to_regclass('call_keys')")).scalar() is None
            back = dict(connection.execute(select(CallRecordRow.linked_id, CallRecordRow.id)).all())
        assert back == {**ids, "amt-99": new_id}
        with pytest.raises(Exception, match="uq_call_records_linked_id"), engine.begin() as c:
            c.execute(insert(CallRecordRow), [call_row(RECORDS[0])])
    finally:
        engine.dispose()


@pytest.mark.postgres
async def test_a_call_stays_one_row_across_a_restart_and_a_change_of_month(
    pg_engine: Engine, tmp_path: Path
) -> None:
    # The first part: seen from 00:00:05 on 1 March (a restart lost its start); the second,
    # after the restart, knows it began on 28 February: the merged row moves to February.
    late = record(
        1,
        datetime(2026, 3, 1, 0, 0, 5, tzinfo=UTC),
        complete=False,
        answered=None,
        ended=None,
        wait_seconds=None,
        talk_seconds=None,
        answered_by=None,
        outcome=Outcome.ABANDONED,
    )
    early = replace(late, started=datetime(2026, 2, 28, 23, 59, 50, tzinfo=UTC))
    with pg_engine.begin() as connection:
        create_months(connection, [date(2026, 2, 1), date(2026, 3, 1)])
    spool = tmp_path / "spool.jsonl"
    for part in (late, early, late):  # the last: the first part sent once more
        async with CallRecordWriter(pg_engine, spool, max_delay=0.01) as writer:
            await writer.submit(part)
        assert writer.stats().spooled == writer.stats().rejected == 0
    assert partition_of(pg_engine) == {"amt-1": "call_records_2026_02"}
    assert count(pg_engine, "call_keys") == 1
    with session_scope(pg_engine) as session:
        assert CallRecordRepository(session).get("amt-1").started == early.started


@pytest.mark.postgres
def test_a_month_without_partition_waits_in_the_default_one(pg_engine: Engine) -> None:
    old = record(7, datetime(2020, 5, 4, 9, tzinfo=UTC))
    with session_scope(pg_engine) as session:
        assert CallRecordRepository(session).add(old)
    assert partition_of(pg_engine) == {"amt-7": "call_records_default"}
    with pg_engine.begin() as connection:
        created = maintain(connection, NOW)
    assert date(2020, 5, 1) in created
    assert date(2026, 5, 1) in created  # two months ahead of March
    assert partition_of(pg_engine) == {"amt-7": "call_records_2020_05"}
    # A bulk load makes its months' partitions before it copies.
    micros = int(
        (datetime(2019, 7, 1, 8, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC))
        / timedelta(microseconds=1)
    )
    row = call_row(record(8, datetime(2019, 7, 1, 8, tzinfo=UTC)))
    columns = {name: [value] for name, value in row.items()}
    for name in ("started", "answered", "ended"):
        columns[name] = [micros + (0 if name == "started" else 10_000_000)]
    with pg_engine.begin() as connection:
        insert_call_columns(connection, columns)
        insert_call_columns(connection, columns)  # again: skipped
    assert partition_of(pg_engine)["amt-8"] == "call_records_2019_07"
    assert count(pg_engine, "call_records_default") == 0
    assert count(pg_engine, "call_keys") == 2


def test_deleting_old_calls_drops_whole_months_and_the_rest_row_by_row(engine: Engine) -> None:
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many(RECORDS)
    # 33 days before NOW: 15 February 12:00 UTC. January goes whole; of February the
    # calls of the 1st and the 10th; the 20th and March stay.
    now = NOW
    with session_scope(engine) as session:
        dry = purge(session, now, 90, dry_run=True, delete_calls_after_days=33)
    with session_scope(engine) as session:
        report = purge(session, now, 90, delete_calls_after_days=33)
    assert dry.calls_deleted == report.calls_deleted == 5
    postgres = engine.dialect.name == "postgresql"
    assert report.months_dropped == (1 if postgres else 0)
    with session_scope(engine) as session:
        left = sorted(session.scalars(select(CallRecordRow.linked_id)))
        assert session.scalar(select(func.min(CallRecordRow.started))) == STARTS[5]
    assert left == [f"amt-{n}" for n in range(5, 9)]
    if postgres:
        with engine.connect() as connection:
            assert date(2026, 1, 1) not in existing_months(connection)
            assert date(2026, 5, 1) in existing_months(connection)
        assert count(engine, "call_keys") == 4
        # A deleted call's linked id may be stored again (its key went with it).
        with session_scope(engine) as session:
            assert CallRecordRepository(session).add(RECORDS[4])
