"""Two `serve` instances, one per PBX, writing one PostgreSQL database at the same time.

Each instance has its own configuration (AMI port, data directory: spool, pseudonym key)
and its own simulated PBX; the PBXs take calls for different teams and, like Asterisks with
distinct `systemname`s in asterisk.conf, have disjoint linked-id spaces. Both instances start
at the same moment on an empty database, so their migrations and the seeding run
concurrently. Every call of either PBX must be recorded exactly once.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

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

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open
SPEED = 20.0
CALLS_PER_HOUR = 600.0
PBX_TEAMS = {
    "pbx-nord": ("auslaender-a", "auslaender-b"),
    "pbx-sued": ("einbuergerung", "aufenthalt-eu"),
}


async def test_two_instances_share_one_postgresql_database_without_clash(
    tmp_path: Path, sounds_dir: Path, pg: PgCluster
) -> None:
    url = pg.create_database("callcenter")
    clock = SimClock(START, speed=SPEED)
    base = example_settings(tmp_path)
    office = example_office(base)
    sims, ledgers, profiles, serves = [], [], [], []
    for index, (name, teams) in enumerate(PBX_TEAMS.items()):
        profile = fast_profile(base, office, CALLS_PER_HOUR, teams=teams, talk_mean=20.0)
        sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=40 + index)
        use_system_name(sim, name)
        ledgers.append(ledger_of(sim))
        await sim.start()
        data_dir = tmp_path / name
        config = write_config(
            tmp_path / f"{name}.toml", data_dir, sim.port, database_url=url, sounds_dir=sounds_dir
        )
        sims.append(sim)
        profiles.append(profile)
        serves.append(ServeProcess(config, tmp_path / f"{name}.log", clock))
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
                "both instances pushing",
            )
        for sim, profile, index in zip(sims, profiles, range(len(sims)), strict=True):
            traffic = TrafficGenerator(sim.pbx, profile, seed=40 + index)
            generators.append(asyncio.create_task(traffic.run()))
        await asyncio.sleep(3.0)
        for task in generators:
            task.cancel()
        await asyncio.gather(*generators, return_exceptions=True)
        for sim in sims:
            await asyncio.wait_for(sim.pbx.wait_idle(), timeout=60)
        await asyncio.sleep(1.0)  # the last events reach the services
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
    records = stored_records(url)

    for serve in serves:
        assert "Traceback" not in serve.log_text()
    calls_by_pbx = [ledger.team_calls() for ledger in ledgers]
    assert all(len(calls) >= 10 for calls in calls_by_pbx)
    every_call = {lid: call for calls in calls_by_pbx for lid, call in calls.items()}
    assert len(every_call) == sum(len(calls) for calls in calls_by_pbx)
    assert set(records) == set(every_call)
    for (name, teams), calls in zip(PBX_TEAMS.items(), calls_by_pbx, strict=True):
        for lid in calls:
            assert lid.startswith(f"{name}-")
            assert records[lid].team in teams
            assert records[lid].complete
