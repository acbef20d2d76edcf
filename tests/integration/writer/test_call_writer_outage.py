"""Database outage: PostgreSQL stopped, or the SQLite file locked, while calls keep coming.

Must show (issue 5): stop the database for a stretch of calls, restart it, and every
record is present exactly once; the spool is empty afterwards.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import Engine
from waiting import wait_for

from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.database import make_engine, upgrade

from .conftest import (
    Outage,
    SqliteOutage,
    make_record,
    row_count,
    shorten_sqlite_busy_timeout,
    stored_records,
)

OUTAGE_SECONDS = 2.5
BLOCKED_WRITE_MS = 1500  # one write attempt against a locked SQLite file blocks this long


def _writer(engine: Engine, spool_path: Path) -> CallRecordWriter:
    return CallRecordWriter(
        engine,
        spool_path,
        batch_size=20,
        max_delay=0.05,
        retry_seconds=0.2,
        max_retry_seconds=0.5,
    )


async def test_records_of_an_outage_are_spooled_and_land_once_when_it_ends(
    outage: Outage, outage_engine: Engine, spool_path: Path
) -> None:
    records = [make_record(n) for n in range(300)]
    before, during, after = records[:60], records[60:260], records[260:]
    loop = asyncio.get_running_loop()

    async with _writer(outage_engine, spool_path) as writer:
        for record in before:
            await writer.submit(record)
        await wait_for(lambda: writer.stats().written == 60, 10, "records before the outage")

        await asyncio.to_thread(outage.begin)
        began = loop.time()
        # A steady trickle of calls over the whole outage, as a PBX would produce them.
        for index, record in enumerate(during):
            await writer.submit(record)
            if index % 10 == 9:
                await asyncio.sleep(OUTAGE_SECONDS / (len(during) / 10))
        await wait_for(lambda: writer.stats().queued == 0, 10, "the outage's batches spooled")
        stats = writer.stats()
        assert not stats.database_available
        assert stats.last_error is not None
        assert stats.written == 60
        assert stats.spooled == len(during)
        assert loop.time() - began >= OUTAGE_SECONDS - 0.1

        await asyncio.to_thread(outage.end)
        for record in after:
            await writer.submit(record)
        await wait_for(
            lambda: writer.stats().written == 300 and writer.stats().spooled == 0,
            10,
            "spool replayed after the outage",
        )
        assert writer.stats().database_available
        assert writer.stats().rejected == 0

    assert row_count(outage_engine) == 300
    assert stored_records(outage_engine) == sorted(records, key=lambda r: r.linked_id)
    assert spool_path.read_bytes() == b""
    assert not writer.rejected.path.exists()


async def test_close_during_an_outage_spools_and_the_next_start_replays(
    outage: Outage, outage_engine: Engine, spool_path: Path
) -> None:
    records = [make_record(n) for n in range(50)]
    writer = _writer(outage_engine, spool_path)
    await writer.start()
    await asyncio.to_thread(outage.begin)
    try:
        for record in records:
            await writer.submit(record)
        await writer.close(timeout=10)  # SIGTERM while the database is away
    finally:
        await asyncio.to_thread(outage.end)
    assert writer.stats().spooled == 50
    assert writer.stats().written == 0

    async with _writer(outage_engine, spool_path) as next_run:
        await wait_for(lambda: next_run.stats().spooled == 0, 10, "left-over spool replayed")
        assert next_run.stats().written == 50

    assert stored_records(outage_engine) == sorted(records, key=lambda r: r.linked_id)
    assert spool_path.read_bytes() == b""


async def test_a_writer_cancelled_mid_write_spools_what_it_held(tmp_path: Path) -> None:
    # SQLite waits out a lock inside one write (busy timeout); close() gives up sooner and
    # cancels the task while that write is still blocked in its thread.
    path = tmp_path / "callcenter.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    shorten_sqlite_busy_timeout(engine, BLOCKED_WRITE_MS)
    lock = SqliteOutage(path, url)
    spool_path = tmp_path / "spool.jsonl"
    records = [make_record(n) for n in range(40)]
    try:
        lock.begin()
        writer = CallRecordWriter(engine, spool_path, batch_size=10, max_delay=0.01)
        await writer.start()
        for record in records:
            await writer.submit(record)
        await wait_for(lambda: writer.stats().queued == 40 and writer._in_hand != [], 10, "busy")
        await writer.close(timeout=0.3)
        # Its batch in hand and the 30 still queued went to the spool, synchronously.
        assert writer.stats().spooled == 40
        assert writer.stats().queued == 0
        await asyncio.sleep(BLOCKED_WRITE_MS / 1000 + 0.5)  # the orphaned try ends
    finally:
        lock.end()

    async with CallRecordWriter(engine, spool_path, max_delay=0.01) as next_run:
        await wait_for(lambda: next_run.stats().spooled == 0, 10, "spool replayed")
    assert stored_records(engine) == sorted(records, key=lambda r: r.linked_id)
    engine.dispose()
