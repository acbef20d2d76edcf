"""Database outage of 30 real seconds under traffic: nothing lost, nothing twice.

The service records calls into a throwaway PostgreSQL server; in the middle of the traffic
the server is stopped (`pg_ctl stop -m fast`: every connection is cut, new ones are
refused) and started again on the same port 30 real seconds later. The clock runs at
real speed, and the calls are short and dense (about two a second), so dozens of calls
end while the database is down; their records go to the spool and are replayed once it
is back. Afterwards the database must hold exactly one record per call the simulated PBX
routed: none lost, none twice.

The record writer is the service's own class on the service's spool path, handed in as
its writer so that its retries are capped at 2 s: with the default cap (30 s) the replay
may start up to half a minute after the database is back, which only makes the test
longer, not different.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    CallLedger,
    PgCluster,
    collect,
    drain,
    example_settings,
    fast_profile,
    ledger_of,
    make_simulator,
    settings_for,
    stored_records,
    wait_for,
)

from callcenter.bootstrap import Service
from callcenter.simulator import SimClock, TrafficGenerator, schedule_fallback
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.database import make_engine
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open
SPEED = 1.0  # the outage lasts 30 seconds of real time
CALLS_PER_HOUR = 1800.0  # per team at the morning peak: about two calls a second in all
OUTAGE = 30.0  # real seconds
BEFORE, AFTER = 2.0, 1.0  # real seconds of traffic around the outage (at least)
MIN_ENDED_IN_OUTAGE = 24


async def test_database_outage_under_traffic_loses_and_doubles_nothing(
    tmp_path: Path, sounds_dir: Path, pg: PgCluster
) -> None:
    clock = SimClock(START, speed=SPEED)
    url = pg.create_database("callcenter")
    settings_seed = example_settings(tmp_path)
    base = settings_seed.model_copy(
        update={"database": settings_seed.database.model_copy(update={"url": url})}
    )
    store = open_store(base)
    seed_from_settings(store, "test", clock.now())
    office = store.office()
    store.close()
    # Short calls: the ones in flight when the traffic stops end within seconds.
    profile = fast_profile(
        base, office, CALLS_PER_HOUR, talk_mean=3.0, patience_mean=4.0, answer_delay_mean=1.5
    )
    sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=3)
    truth = ledger_of(sim)
    await sim.start()
    settings = settings_for(tmp_path, sim.port, database_url=url, sounds_dir=sounds_dir)
    engine = make_engine(url)
    writer = CallRecordWriter(
        engine, settings.data_dir / "spool" / "calls.jsonl", max_retry_seconds=2.0
    )
    await writer.start()
    service = Service(settings, clock=clock, sink=writer)
    service.writer = writer  # health, metrics and stop() treat it as the service's own
    seen = CallLedger()
    tasks: list[asyncio.Task[None]] = []
    spool_peak = 0
    loop = asyncio.get_running_loop()
    try:
        await service.start()
        assert service.ami is not None
        assert service.writer is writer
        tasks.append(asyncio.create_task(collect(service.ami.subscribe(["UserEvent"]), seen)))
        await wait_for(lambda: sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 10, "heartbeat")
        generator = asyncio.create_task(TrafficGenerator(sim.pbx, profile, seed=3).run())
        tasks.append(generator)
        await asyncio.sleep(BEFORE)
        # At real speed the first calls take a few seconds to end and be written.
        await wait_for(lambda: writer.stats().written >= 3, 20, "records before the outage")
        stored_before = writer.stats().written
        assert stored_before > 0

        await asyncio.to_thread(pg.stop, "fast")
        down_at = clock.time()
        stopped = loop.time()
        while loop.time() - stopped < OUTAGE:
            spool_peak = max(spool_peak, writer.stats().spooled)
            await asyncio.sleep(0.05)
        assert not writer.stats().database_available
        await asyncio.to_thread(pg.start)
        up_at = clock.time()
        assert up_at - down_at >= OUTAGE

        await asyncio.sleep(AFTER)
        generator.cancel()
        await asyncio.gather(generator, return_exceptions=True)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=20)
        await drain(sim, seen)

        def settled() -> bool:
            stats = writer.stats()
            return stats.spooled == 0 and stats.queued == 0 and stats.database_available

        await wait_for(settled, 15, "the spool replayed into the database")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()
        await writer.close(timeout=5.0)
        engine.dispose()
        await sim.stop()
    records = stored_records(url)

    team_calls = truth.team_calls()
    ended_in_outage = [
        lid for lid, call in team_calls.items() if down_at <= (call.ended_at or 0) <= up_at
    ]
    assert spool_peak > 0, "nothing was spooled: the outage did not hit a write"
    assert set(records) == set(team_calls), (
        f"lost: {sorted(set(team_calls) - set(records))[:5]}, "
        f"unknown: {sorted(set(records) - set(team_calls))[:5]}"
    )
    assert all(record.complete for record in records.values())
    assert len(ended_in_outage) >= MIN_ENDED_IN_OUTAGE, (
        f"only {len(ended_in_outage)} calls ended while the database was down"
    )
    # Their records had nowhere else to go: all but the last half second's were spooled.
    assert spool_peak >= len(ended_in_outage) - 5, (spool_peak, len(ended_in_outage))
    assert writer.stats().rejected == 0
    assert service.records_emitted == len(records)
