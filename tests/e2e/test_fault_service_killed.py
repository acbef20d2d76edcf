"""The service killed with SIGKILL 20 s before a closing time; the clock then crosses it.

`callcenter serve` runs as a subprocess on the simulator's clock and writes the generated
dialplan include into its data directory; the simulated PBX loads that file (at `dialplan
reload`) and runs its `[callhours-route]` and compiled GotoIfTime fallback, as Asterisk
would. Monday 23 Nov 2026: teams auslaender-b and einbuergerung are open until 16:00.

The service is killed at 15:59:40, well inside the heartbeat's stale limit (60 s): the PBX
still holds a fresh heartbeat and "open" for both teams when 16:00 comes. The service had
also written `callhours/_valid_until` = 16:00 (the next boundary of any team), so from
16:00:00 on the dialplan no longer trusts the live state and the fallback routes every
call: not one call is decided open or joins a team queue from the closing time on, also
in the 25 s or so in which the heartbeat alone would still have vouched for "open".
Probe calls just before and just after 16:00 show both sides of the boundary. A
restarted service pushes the live state again and the decisions say `Source: live`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
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

from callcenter.simulator import SimClock, TrafficGenerator
from callcenter.simulator.engine import closed_fallback
from callcenter.simulator.file_fallback import DialplanFileFallback

START = datetime(2026, 11, 23, 15, 47, tzinfo=BERLIN)
CLOSING = datetime(2026, 11, 23, 16, 0, tzinfo=BERLIN)
KILL_AT = CLOSING - timedelta(seconds=20)
SPEED = 60.0
CALLS_PER_HOUR = 600.0
CLOSING_TEAMS = ("auslaender-b", "einbuergerung")
VALID_UNTIL = "_valid_until"
# Team line and one direct line of each closing team.
PROBE_NUMBERS = ("06151200", "061512007", "06151300", "061513007")
PROBE_BEFORE = timedelta(seconds=-8)
PROBES_AFTER = (timedelta(seconds=1), timedelta(seconds=6), timedelta(seconds=12))


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
    # The file the service writes, loaded at `dialplan reload`; nothing routes open before.
    fallback = DialplanFileFallback(base.dialplan_file, before_load=closed_fallback)
    sim = make_simulator(base, profile, clock, fallback, seed=8)
    truth = ledger_of(sim)
    logins = LoginWatch(sim)
    await sim.start()
    # Heartbeat every 0.25 real s = 15 simulated s: well inside the 60 s stale limit.
    config = write_config(
        tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds_dir, heartbeat=0.25
    )
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    generator: asyncio.Task[None] | None = None
    closing = CLOSING.timestamp()
    probes: dict[str, timedelta] = {}

    def probe(offset: timedelta) -> None:
        for n, number in enumerate(PROBE_NUMBERS):
            call = sim.pbx.originate(number, f"0170555{n:04d}", "Probe", patience=20.0)
            probes[call.linkedid] = offset

    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 60, "heartbeat"
        )
        await wait_for(lambda: fallback.loads >= 1, 30, "the generated dialplan loaded")
        for team in CLOSING_TEAMS:
            assert sim.pbx.db.get(FAMILY, team) == "open"
        # 16:00 is the next boundary of any team (aufenthalt-eu closed at 15:30 already).
        assert sim.pbx.db.get(FAMILY, VALID_UNTIL) == str(int(closing))
        generator = asyncio.create_task(TrafficGenerator(sim.pbx, profile, seed=8).run())

        assert clock.now() < KILL_AT, "the service started too slowly for this scenario"
        await wait_until_simulated(clock, KILL_AT)
        serve.kill()
        killed_at = clock.time()
        last_heartbeat = float(sim.pbx.db.get(FAMILY, HEARTBEAT) or 0)
        fresh_until = last_heartbeat + stale_after  # the heartbeat alone trusts until then
        assert killed_at < closing - 10, "killed too late: the scenario needs time before 16:00"
        assert fresh_until > closing + 20, (
            f"the heartbeat ({datetime.fromtimestamp(last_heartbeat, BERLIN):%H:%M:%S}) would "
            "go stale too soon after 16:00 to show anything"
        )
        assert sim.pbx.db.get(FAMILY, VALID_UNTIL) == str(int(closing))

        await wait_until_simulated(clock, CLOSING + PROBE_BEFORE)
        probe(PROBE_BEFORE)
        for offset in PROBES_AFTER:
            await wait_until_simulated(clock, CLOSING + offset)
            probe(offset)
        # The PBX still holds "open" and a fresh heartbeat: only `_valid_until` stops it.
        assert clock.time() < fresh_until
        for team in CLOSING_TEAMS:
            assert sim.pbx.db.get(FAMILY, team) == "open"
        await wait_until_simulated(clock, CLOSING + timedelta(seconds=240))

        serve.start()
        await wait_for(
            lambda: serve.check() and len(logins.times) >= 2, 60, "the restarted service's login"
        )
        restarted_at = logins.simulated[-1]
        await wait_for(
            lambda: (
                sum(
                    (call.decided_at or 0) > restarted_at + SPEED
                    for call in truth.team_calls().values()
                )
                >= 3
            ),
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

    calls = truth.team_calls()
    # The probes: open by the live state 8 s before 16:00, by the fallback closed after.
    assert set(probes) <= set(calls), "a probe call was never decided"
    for linked_id, offset in probes.items():
        call = calls[linked_id]
        assert call.team in CLOSING_TEAMS
        expected = ("open", "live") if offset < timedelta(0) else ("closed:hours", "fallback")
        assert (call.state, call.source) == expected, (offset, call)
    # Between the kill and 16:00 the live state still routes (fresh, before its limit).
    before_closing = [c for c in calls.values() if killed_at <= (c.decided_at or 0) < closing]
    assert all(c.source == "live" for c in before_closing)
    # From 16:00 until the restart: the fallback routes every call ...
    after_closing = [c for c in calls.values() if closing <= (c.decided_at or 0) < restarted_at]
    assert all(c.source == "fallback" for c in after_closing)
    # ... also while the heartbeat alone would have kept "open" ...
    while_fresh = [c for c in after_closing if (c.decided_at or 0) < fresh_until]
    assert len(while_fresh) >= len(PROBE_NUMBERS) * len(PROBES_AFTER)
    # ... and not one call is decided open or joins a team queue.
    assert len(after_closing) >= 5, "too few calls after 16:00 to show anything"
    assert [c.linked_id for c in after_closing if c.state != "closed:hours"] == []
    assert [
        (c.linked_id, queue)
        for c in after_closing
        for queue, _at in c.queues
        if queue != switchboard_queue
    ] == []
    # After the restart the live state routes again.
    live = [c for c in calls.values() if (c.decided_at or 0) > restarted_at + SPEED]
    assert len(live) >= 3
    assert all(c.source == "live" and c.state == "closed:hours" for c in live)
    records = stored_records(base.database_url)
    assert set(records) <= set(calls)
