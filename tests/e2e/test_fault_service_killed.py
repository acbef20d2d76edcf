"""The service killed with SIGKILL during open hours; the clock then crosses into closed hours.

`callcenter serve` runs as a subprocess on the simulator's clock and writes the generated
dialplan include into its data directory; the simulated PBX loads that file (at `dialplan
reload`) and, once the heartbeat is stale, routes by its compiled GotoIfTime fallback, as
Asterisk would. Monday 23 Nov 2026: teams auslaender-b and einbuergerung are open until
16:00. The service is killed at about 15:5x; after the heartbeat has gone stale every call is
routed by the fallback, and from 16:00 on every new call gets the announcement: not one call
is decided open or joins a team queue while the teams are closed. A restarted service
pushes the live state again and the decisions say `Source: live`.

The live state stays trusted for `ami.stale_after_seconds` after the last heartbeat, so the
kill has to come at least that long before the boundary (asserted below): a service dying
within the last minute before a closing time leaves the PBX routing by the old live state
until the heartbeat is stale.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    DialplanFileFallback,
    LoginWatch,
    ServeProcess,
    example_office,
    example_settings,
    fast_profile,
    ledger_of,
    make_simulator,
    stored_records,
    wait_for,
    wait_until_simulated,
    write_config,
)

from callcenter.pbx.simulator import SimClock, TrafficGenerator

START = datetime(2026, 11, 23, 15, 47, tzinfo=BERLIN)
CLOSING = datetime(2026, 11, 23, 16, 0, tzinfo=BERLIN)
SPEED = 60.0
CALLS_PER_HOUR = 600.0
CLOSING_TEAMS = ("auslaender-b", "einbuergerung")


async def test_killed_service_fallback_routes_closed_hours_to_the_announcement(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=SPEED)
    data_dir = tmp_path / "data"
    base = example_settings(data_dir)
    office = example_office(base)
    stale_after = base.ami.stale_after_seconds
    switchboard_queue = base.switchboard.queue
    profile = fast_profile(base, office, CALLS_PER_HOUR, talk_mean=30.0, patience_mean=20.0)
    fallback = DialplanFileFallback(base.dialplan_file)
    sim = make_simulator(base, profile, clock, fallback, seed=8)
    fallback.attach(sim)
    truth = ledger_of(sim)
    logins = LoginWatch(sim)
    await sim.start()
    # Heartbeat every 0.25 real s = 15 simulated s: well inside the 60 s stale limit.
    config = write_config(
        tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds_dir, heartbeat=0.25
    )
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    generator: asyncio.Task[None] | None = None
    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 60, "heartbeat"
        )
        await wait_for(lambda: fallback.loads >= 1, 30, "the generated dialplan loaded")
        for team in CLOSING_TEAMS:
            assert sim.pbx.db.get(FAMILY, team) == "open"
        generator = asyncio.create_task(TrafficGenerator(sim.pbx, profile, seed=8).run())
        await asyncio.sleep(1.0)

        serve.kill()
        killed_at = clock.time()
        last_heartbeat = float(sim.pbx.db.get(FAMILY, HEARTBEAT) or 0)
        stale_from = last_heartbeat + stale_after + 1
        assert stale_from < CLOSING.timestamp(), (
            f"the service was killed at {datetime.fromtimestamp(killed_at, BERLIN):%H:%M:%S}, "
            "too close to 16:00 for this scenario (it started too slowly)"
        )
        await wait_until_simulated(clock, datetime.fromtimestamp(CLOSING.timestamp() + 240, BERLIN))

        serve.start()
        await wait_for(
            lambda: serve.check() and len(logins.times) >= 2, 60, "the restarted service's login"
        )
        restarted_at = logins.simulated[-1]
        await wait_for(
            lambda: sum(
                (call.decided_at or 0) > restarted_at + SPEED
                for call in truth.team_calls().values()
            )
            >= 3,
            30,
            "calls after the restart",
        )
        generator.cancel()
        await asyncio.gather(generator, return_exceptions=True)
        code, _took = await serve.terminate()
        assert code == 0, serve.log_text()[-3000:]
    finally:
        if generator is not None:
            generator.cancel()
            await asyncio.gather(generator, return_exceptions=True)
        serve.close()
        await sim.stop()

    calls = truth.team_calls().values()
    stale = [c for c in calls if stale_from <= (c.decided_at or 0) < restarted_at]
    before_closing = [c for c in stale if (c.decided_at or 0) < CLOSING.timestamp()]
    after_closing = [c for c in stale if (c.decided_at or 0) >= CLOSING.timestamp()]
    # With the heartbeat stale, the file's fallback routes every call.
    assert all(c.source == "fallback" for c in stale)
    assert any(c.state == "open" for c in before_closing if c.team in CLOSING_TEAMS)
    # From 16:00: not one call decided open, not one in a team queue.
    assert len(after_closing) >= 5, "too few calls after 16:00 to show anything"
    assert [c.linked_id for c in after_closing if c.state != "closed:hours"] == []
    assert [
        (c.linked_id, queue)
        for c in after_closing
        for queue, _at in c.queues
        if queue != switchboard_queue
    ] == []
    # After the restart the live state routes again.
    live = [c for c in calls if (c.decided_at or 0) > restarted_at + SPEED]
    assert len(live) >= 3
    assert all(c.source == "live" and c.state == "closed:hours" for c in live)
    records = stored_records(base.database_url)
    assert set(records) <= {c.linked_id for c in calls}
