"""Three `serve` instances, three offices with their own PBX, writing one PostgreSQL database
at the same time: a known number of calls per PBX, every one recorded exactly once.

Each PBX (a simulator with Asterisk's `systemname` prefix on its ids, as a state's offices
would configure it) takes the calls of its own teams; each `serve` has its own data
directory (spool, pseudonym key). All three start at the same moment on an empty database,
so migrations and seeding race too, and then write their records concurrently. The test
counts the calls each simulator ended with a team decision (its own ledger of the events it
sent, independent of the services) and holds the database to exactly those linked ids, each
once, in the right team, complete — and the services' logs to no refused write, no spooling
(a deadlock or a serialization failure would have sent a batch to the spool) and no traceback.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path

import pytest
from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    PgCluster,
    ServeProcess,
    example_office,
    example_settings,
    fast_profile,
    ledger_of,
    make_simulator,
    stored_records,
    use_system_name,
    wait_for,
    write_config,
)

from callcenter.simulator import SimClock, TrafficGenerator, schedule_fallback

pytestmark = pytest.mark.timeout(90)

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open
SPEED = 120.0
CALLS_PER_PBX = 300
# Dense enough that the three PBXs' calls overlap: a few hundred calls in a few seconds.
CALLS_PER_HOUR = 4000.0
OFFICES = {
    "amt-nord": ("auslaender-a", "auslaender-b"),
    "amt-mitte": ("einbuergerung",),
    "amt-sued": ("aufenthalt-eu",),
}
# What the writer logs when it could not write a batch and fell back to its spool.
SPOOLING = ("Database unavailable", "spooling call records", "refused by the database")


async def test_three_instances_record_every_call_once(
    tmp_path: Path, sounds_dir: Path, pg: PgCluster
) -> None:
    url = pg.create_database("callcenter")
    clock = SimClock(START, speed=SPEED)
    base = example_settings(tmp_path)
    office = example_office(base)
    sims, ledgers, profiles, serves = [], [], [], []
    for index, (name, teams) in enumerate(OFFICES.items()):
        profile = fast_profile(
            base, office, CALLS_PER_HOUR, teams=teams, talk_mean=20.0, patience_mean=20.0
        )
        sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=60 + index)
        use_system_name(sim, name)
        ledgers.append(ledger_of(sim))
        await sim.start()
        config = write_config(
            tmp_path / f"{name}.toml", tmp_path / name, sim.port, database_url=url,
            sounds_dir=sounds_dir,
        )  # fmt: skip
        sims.append(sim)
        profiles.append(profile)
        serves.append(ServeProcess(config, tmp_path / f"{name}.log", clock))
    traffic = [
        TrafficGenerator(sim.pbx, profile, seed=60 + index, max_calls=CALLS_PER_PBX)
        for index, (sim, profile) in enumerate(zip(sims, profiles, strict=True))
    ]
    generators: list[asyncio.Task[None]] = []
    try:
        for serve in serves:  # at the same moment: migrations and seeding race
            serve.start()
        for serve, sim in zip(serves, sims, strict=True):
            await wait_for(
                lambda serve=serve, sim=sim: (
                    serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None
                ),
                60,
                "all three instances pushing",
            )
        began = time.monotonic()
        generators = [asyncio.create_task(t.run()) for t in traffic]
        await asyncio.wait_for(asyncio.gather(*generators), timeout=40)
        for sim in sims:
            await asyncio.wait_for(sim.pbx.wait_idle(), timeout=30)
        injected = time.monotonic() - began
        expected = sum(len(ledger.team_calls()) for ledger in ledgers)
        await wait_for(
            lambda: len(stored_records(url)) >= expected, 20, "every call in the database"
        )
        stored_after = time.monotonic() - began
        ended = await asyncio.gather(*(serve.terminate() for serve in serves))
        for serve, (code, _took) in zip(serves, ended, strict=True):
            assert code == 0, serve.log_text()[-3000:]
    finally:
        for task in generators:
            task.cancel()
        await asyncio.gather(*generators, return_exceptions=True)
        for serve in serves:
            serve.close()
        for sim in sims:
            await sim.stop()
    records = stored_records(url)  # also fails if a linked id is stored twice

    for serve in serves:
        log = serve.log_text()
        assert "Traceback" not in log, log[-3000:]
        for line in SPOOLING:
            assert line not in log, log[-3000:]
    assert all(t.injected == CALLS_PER_PBX for t in traffic)
    calls_by_pbx = [ledger.team_calls() for ledger in ledgers]
    # Switchboard calls to unroutable numbers get no team decision and no record.
    assert all(len(calls) >= CALLS_PER_PBX * 0.8 for calls in calls_by_pbx)
    every_call = {lid: call for calls in calls_by_pbx for lid, call in calls.items()}
    assert len(every_call) == sum(len(calls) for calls in calls_by_pbx)
    assert set(records) == set(every_call)
    for (name, teams), calls in zip(OFFICES.items(), calls_by_pbx, strict=True):
        for lid, call in calls.items():
            assert lid.startswith(f"{name}-")
            assert records[lid].team == call.team
            assert records[lid].team in teams
            assert records[lid].complete
    print(  # noqa: T201 - the figures of the run, shown with -s
        f"\n3 PBXs × {CALLS_PER_PBX} calls: {len(records)} records, traffic "
        f"{injected:.1f} s real, all stored {stored_after:.1f} s after the first call"
    )
