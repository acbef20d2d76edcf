"""CallRecordWriter on SQLite and PostgreSQL: batches, idempotency, close, refusals."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine
from waiting import wait_for

from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.call_writer import CallRecordWriter, WriterClosed
from callcenter.storage.database import session_scope
from callcenter.storage.spool import RejectedFile, Spool

from .conftest import make_record, row_count, stored_records


async def test_records_land_in_batches_of_the_configured_size(
    engine: Engine, spool_path: Path
) -> None:
    records = [make_record(n) for n in range(450)]
    async with CallRecordWriter(engine, spool_path, batch_size=200, max_delay=0.05) as writer:
        # Queued before the task first runs, so it finds them all waiting.
        for record in records:
            writer.submit_nowait(record)
        assert writer.stats().queued == 450
        await wait_for(lambda: writer.stats().written == 450, 10, "450 written")
        stats = writer.stats()
        assert (stats.batches, stats.queued, stats.spooled, stats.rejected) == (3, 0, 0, 0)
        assert stats.database_available
        assert stats.last_error is None

    assert stored_records(engine) == sorted(records, key=lambda r: r.linked_id)
    assert not spool_path.exists()  # no outage, no spool


async def test_a_partial_batch_is_written_after_max_delay(engine: Engine, spool_path: Path) -> None:
    async with CallRecordWriter(engine, spool_path, batch_size=200, max_delay=0.2) as writer:
        await writer.submit(make_record(1))
        await asyncio.sleep(0.05)
        await writer.submit(make_record(2))  # joins the batch the first one is waiting in
        await wait_for(lambda: writer.stats().written == 2, 3, "2 written")
        assert writer.stats().batches == 1


async def test_resubmitted_records_are_stored_once(engine: Engine, spool_path: Path) -> None:
    first = [make_record(n) for n in range(30)]
    again = [*first[10:], *(make_record(n) for n in range(30, 40))]
    async with CallRecordWriter(engine, spool_path, batch_size=25, max_delay=0.02) as writer:
        for record in first:
            await writer.submit(record)
        await wait_for(lambda: writer.stats().written == 30, 10, "30 written")
        for record in again:
            await writer.submit(record)
        await wait_for(lambda: writer.stats().queued == 0, 10, "second round settled")
        assert (writer.stats().written, writer.stats().duplicates) == (40, 20)

    async with CallRecordWriter(engine, spool_path, max_delay=0.02) as second_run:
        for record in first:
            await second_run.submit(record)
    assert second_run.stats().duplicates == 30
    assert second_run.stats().written == 0
    assert row_count(engine) == 40


async def test_close_flushes_the_queue_without_waiting_for_max_delay(
    engine: Engine, spool_path: Path
) -> None:
    writer = CallRecordWriter(engine, spool_path, batch_size=1000, max_delay=60)
    await writer.start()
    for n in range(75):
        await writer.submit(make_record(n))
    loop = asyncio.get_running_loop()
    began = loop.time()
    await writer.close()
    assert loop.time() - began < 5
    assert row_count(engine) == 75
    assert writer.stats().queued == 0
    with pytest.raises(WriterClosed):
        await writer.submit(make_record(99))


async def test_a_full_queue_makes_submit_wait_and_nothing_is_dropped(
    engine: Engine, spool_path: Path
) -> None:
    writer = CallRecordWriter(engine, spool_path, batch_size=10, queue_size=5, max_delay=0.01)
    for n in range(5):
        writer.submit_nowait(make_record(n))
    with pytest.raises(asyncio.QueueFull):
        writer.submit_nowait(make_record(5))
    # Not started yet, so nothing drains the queue: the sixth submit must wait.
    waiting = asyncio.create_task(writer.submit(make_record(5)))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await writer.start()
    await asyncio.wait_for(waiting, timeout=5)
    await writer.close()
    assert row_count(engine) == 6


async def test_a_refused_record_goes_to_the_rejected_file_and_the_rest_land(
    engine: Engine, spool_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = make_record(7, wait_seconds=-3.0)  # violates the wait_seconds >= 0 check
    records = [make_record(n) for n in range(7)] + [bad] + [make_record(n) for n in range(8, 20)]
    with caplog.at_level(logging.WARNING, logger="callcenter.storage.call_writer"):
        async with CallRecordWriter(engine, spool_path, batch_size=20, max_delay=0.02) as writer:
            for record in records:
                await writer.submit(record)
            await wait_for(lambda: writer.stats().rejected == 1, 10, "1 rejected")
            # The queue is not blocked behind it.
            await writer.submit(make_record(20))
            await wait_for(lambda: writer.stats().written == 20, 10, "20 written")
            assert writer.stats().spooled == 0
            assert writer.stats().database_available

    assert {r.linked_id for r in stored_records(engine)} == {
        make_record(n).linked_id for n in range(21) if n != 7
    }
    lines = writer.rejected.path.read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["record"]["linked_id"] == bad.linked_id
    assert entry["record"]["wait_seconds"] == -3.0
    assert "wait_seconds" in entry["reason"]
    mentions = [r for r in caplog.records if bad.linked_id in r.getMessage()]
    assert len(mentions) == 1  # logged once, not once per bisection step or retry


async def test_a_spool_left_by_a_previous_run_is_replayed_on_start(
    engine: Engine, spool_path: Path
) -> None:
    earlier = [make_record(n) for n in range(60)]
    spool_path.parent.mkdir(parents=True)
    left_over = Spool(spool_path, RejectedFile(spool_path.with_suffix(".rejected")))
    left_over.append(earlier)
    # The previous run crashed mid-replay: the first 25 were committed, the spool not
    # yet shortened. They must not be stored twice.
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many(earlier[:25])
    # ... and it died in the middle of appending one more line.
    with spool_path.open("ab") as handle:
        handle.write(b'{"record": {"linked_id": "torn')

    async with CallRecordWriter(engine, spool_path, batch_size=20, max_delay=0.02) as writer:
        assert writer.stats().spooled == 60
        await wait_for(lambda: writer.stats().spooled == 0, 10, "spool replayed")
        await writer.submit(make_record(60))
        await wait_for(lambda: writer.stats().written == 36, 10, "new record written")
        assert writer.stats().duplicates == 25

    assert stored_records(engine) == sorted([*earlier, make_record(60)], key=lambda r: r.linked_id)
    assert spool_path.read_bytes() == b""
    torn = json.loads(writer.rejected.path.read_text())
    assert torn["line"] == '{"record": {"linked_id": "torn'
