"""Database outage under traffic: PostgreSQL is stopped for 30 simulated seconds.

The service records calls into a throwaway PostgreSQL server; in the middle of the traffic
the server is stopped (`pg_ctl stop -m fast`: every connection is cut, new ones are
refused) and started again on the same port 30 simulated seconds (6 real seconds, so the
writer's retries back off a few times) later. Calls keep finishing meanwhile; their records
go to the spool and are replayed. Afterwards the database must hold exactly one record per
call the simulated PBX routed: none lost, none twice.
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
    PgServer,
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

from callcenter.app import open_store
from callcenter.pbx.simulator import SimClock, TrafficGenerator, schedule_fallback
from callcenter.service import Service

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open
SPEED = 5.0
CALLS_PER_HOUR = 1500.0
OUTAGE = 30.0  # simulated seconds
BEFORE, AFTER = 2.0, 2.0  # real seconds of traffic around the outage


async def test_database_outage_under_traffic_loses_and_doubles_nothing(
    tmp_path: Path, sounds_dir: Path, pg: PgServer
) -> None:
    clock = SimClock(START, speed=SPEED)
    url = pg.create_database("callcenter")
    settings_seed = example_settings(tmp_path)
    base = settings_seed.model_copy(
        update={"database": settings_seed.database.model_copy(update={"url": url})}
    )
    store = open_store(base)
    store.seed("test", clock.now())
    office = store.office()
    store.close()
    profile = fast_profile(base, office, CALLS_PER_HOUR, talk_mean=20.0, patience_mean=15.0)
    sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=3)
    truth = ledger_of(sim)
    await sim.start()
    settings = settings_for(tmp_path, sim.port, database_url=url, sounds_dir=sounds_dir)
    service = Service(settings, clock=clock)
    seen = CallLedger()
    tasks: list[asyncio.Task[None]] = []
    spool_peak = 0
    try:
        await service.start()
        assert service.ami is not None
        assert service.writer is not None
        writer = service.writer
        tasks.append(asyncio.create_task(collect(service.ami.subscribe(["UserEvent"]), seen)))
        await wait_for(lambda: sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 10, "heartbeat")
        generator = asyncio.create_task(TrafficGenerator(sim.pbx, profile, seed=3).run())
        tasks.append(generator)
        await asyncio.sleep(BEFORE)
        stored_before = writer.stats().written
        assert stored_before > 0

        await asyncio.to_thread(pg.stop, "fast")
        down_at = clock.time()
        outage_ends = asyncio.get_running_loop().time() + clock.real_seconds(OUTAGE)
        while asyncio.get_running_loop().time() < outage_ends:
            spool_peak = max(spool_peak, writer.stats().spooled)
            await asyncio.sleep(0.05)
        assert not writer.stats().database_available
        await asyncio.to_thread(pg.start)
        up_at = clock.time()

        await asyncio.sleep(AFTER)
        generator.cancel()
        await asyncio.gather(generator, return_exceptions=True)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=30)
        await drain(sim, seen)

        def settled() -> bool:
            stats = writer.stats()
            return stats.spooled == 0 and stats.queued == 0 and stats.database_available

        await wait_for(settled, 30, "the spool replayed into the database")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()
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
    assert len(ended_in_outage) >= 5, "too few calls ended while the database was down"
    assert writer.stats().rejected == 0
    assert service.records_emitted == len(records)
