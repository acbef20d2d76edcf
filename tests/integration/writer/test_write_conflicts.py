"""Writers sharing one PostgreSQL database: a lost lock race is retried, not an outage.

Several `serve` instances (one per office's PBX) write into one database. When PostgreSQL
ends one of two colliding transactions with deadlock_detected or serialization_failure, the
batch is simply tried again at once: it neither goes to the spool nor marks the database
unavailable. A trigger raises the real PostgreSQL errors here, so the whole driver and
SQLAlchemy path is exercised without depending on the timing of a real collision.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from waiting import wait_for

from callcenter.storage.call_writer import CONFLICT_RETRIES, CallRecordWriter
from callcenter.storage.database import make_engine, upgrade

from .conftest import make_record, stored_records

pytestmark = pytest.mark.postgres

# Fails the first `failures` inserts into call_records with the given SQLSTATE; a sequence,
# not a table, counts them: nextval is not rolled back with the failed transaction.
_TRIGGER = """
CREATE SEQUENCE conflict_count;
CREATE FUNCTION lose_race() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('conflict_count') <= {failures} THEN
        RAISE EXCEPTION 'simulated lost race' USING ERRCODE = '{state}';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER lose_race BEFORE INSERT ON call_records
    FOR EACH STATEMENT EXECUTE FUNCTION lose_race();
"""


@pytest.fixture
def pg_engine(postgres_database: str) -> Iterator[Engine]:
    upgrade(postgres_database)
    engine = make_engine(postgres_database)
    try:
        yield engine
    finally:
        engine.dispose()


def lose_races(url: str, state: str, failures: int) -> None:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(_TRIGGER.format(state=state, failures=failures))  # type: ignore[arg-type]


@pytest.mark.parametrize("state", ["40P01", "40001"], ids=["deadlock", "serialization"])
async def test_a_lost_lock_race_is_retried_at_once(
    pg_engine: Engine, postgres_database: str, spool_path: Path, state: str
) -> None:
    lose_races(postgres_database, state, failures=2)
    records = [make_record(n) for n in range(20)]
    async with CallRecordWriter(pg_engine, spool_path, batch_size=50, max_delay=0.02) as writer:
        for record in records:
            await writer.submit(record)
        await wait_for(lambda: writer.stats().written == 20, 10, "20 written")
        stats = writer.stats()
        assert (stats.spooled, stats.rejected, stats.batches) == (0, 0, 1)
        assert stats.database_available
        assert stats.last_error is None
    assert stored_records(pg_engine) == sorted(records, key=lambda r: r.linked_id)
    assert not spool_path.exists()


async def test_a_race_lost_again_and_again_falls_back_to_the_spool(
    pg_engine: Engine, postgres_database: str, spool_path: Path
) -> None:
    # One more failure than the retries allow: the batch is spooled, and the spool's
    # replay (the next attempt) lands it.
    lose_races(postgres_database, "40P01", failures=CONFLICT_RETRIES + 1)
    records = [make_record(n) for n in range(5)]
    async with CallRecordWriter(
        pg_engine, spool_path, batch_size=50, max_delay=0.02, retry_seconds=0.05
    ) as writer:
        for record in records:
            await writer.submit(record)
        await wait_for(lambda: writer.stats().written == 5, 10, "5 written after the spool")
        assert writer.stats().spooled == 0
    assert stored_records(pg_engine) == sorted(records, key=lambda r: r.linked_id)
