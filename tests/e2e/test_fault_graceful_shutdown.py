"""Graceful shutdown under traffic: SIGTERM to `callcenter serve` while calls are up.

`serve` runs as a subprocess on the simulator's clock. SIGTERM in the middle of traffic must
end it with exit code 0 within a few seconds, every call that was over by then recorded as
complete and every call still up recorded once as incomplete. A restarted `serve` then adds
the new calls, leaves every complete record as it was, completes the incomplete records of
calls it sees end (issue 15), and stores none twice.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
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
    write_config,
)

from callcenter.domain.calls import Outcome
from callcenter.simulator import SimClock, TrafficGenerator, schedule_fallback

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open
SPEED = 20.0
CALLS_PER_HOUR = 600.0
MARGIN = 1.0  # real seconds around the signal in which an event may or may not be read
ANSWERED_OUTCOMES = (Outcome.ANSWERED, Outcome.TRANSFERRED)


async def test_sigterm_under_traffic_exits_0_and_loses_nothing(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=SPEED)
    data_dir = tmp_path / "data"
    base = example_settings(data_dir)
    office = example_office(base)
    profile = fast_profile(base, office, CALLS_PER_HOUR, talk_mean=20.0, patience_mean=15.0)
    sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=21)
    truth = ledger_of(sim)
    logins = LoginWatch(sim)
    await sim.start()
    config = write_config(tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds_dir)
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    generator: asyncio.Task[None] | None = None
    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 60, "heartbeat"
        )
        generator = asyncio.create_task(TrafficGenerator(sim.pbx, profile, seed=21).run())
        await asyncio.sleep(3.0)
        assert sim.pbx.active_calls > 0

        term_at = clock.time()
        code, took = await serve.terminate()
        exit_at = clock.time()
        assert code == 0, serve.log_text()[-3000:]
        assert took < 5.0, f"serve needed {took:.2f} s to stop"
        assert "Traceback" not in serve.log_text()
        before = stored_records(base.database_url)
        in_flight = [
            lid
            for lid, call in truth.team_calls().items()
            if (call.ended_at is None or call.ended_at > exit_at)
            and (call.decided_at or 0) < term_at - MARGIN * SPEED
        ]
        assert in_flight, "no call was up at the shutdown: the test proved nothing"

        await asyncio.sleep(1.0)
        serve.start()
        await wait_for(
            lambda: serve.check() and len(logins.times) >= 2, 60, "the restarted service's login"
        )
        restart_at = logins.simulated[-1]
        await asyncio.sleep(2.0)
        generator.cancel()
        await asyncio.gather(generator, return_exceptions=True)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=60)
        await asyncio.sleep(MARGIN)
        code, _took = await serve.terminate()
        assert code == 0, serve.log_text()[-3000:]
    finally:
        if generator is not None:
            generator.cancel()
            await asyncio.gather(generator, return_exceptions=True)
        serve.close()
        await sim.stop()
    after = stored_records(base.database_url)

    team_calls = truth.team_calls()
    # Before the restart: every call decided before the signal is stored, complete if it
    # was over before the signal, incomplete if it was still up when the process ended.
    for lid, call in team_calls.items():
        assert call.decided_at is not None
        if call.decided_at >= term_at - MARGIN * SPEED:
            continue
        assert lid in before, f"call {lid} decided before SIGTERM is not stored"
        assert call.ended_at is not None
        if call.ended_at < term_at - MARGIN * SPEED:
            assert before[lid].complete, f"call {lid} ended before SIGTERM but is incomplete"
        elif call.ended_at > exit_at:
            assert not before[lid].complete, f"call {lid} was up at the exit yet complete"
    assert set(before) <= set(team_calls)
    # After the restart: complete records stay as they were. A call up across the restart
    # that the restarted service found in the PBX's list and saw end is completed in its
    # one record (issue 15): the first run's start and decision, the second run's end.
    # One that ended while no service ran stays as the first run left it. New calls are
    # added.
    for lid, record in before.items():
        if record.complete:
            assert after[lid] == record, lid
        else:
            assert (after[lid].started, after[lid].source) == (record.started, record.source)
    for lid in in_flight:
        call = team_calls[lid]
        assert call.ended_at is not None
        if call.ended_at > restart_at + MARGIN * SPEED:
            assert after[lid].ended is not None, f"call {lid}: its end was seen, not stored"
            # Complete, unless it was answered while no service ran (the split is unknown).
            assert after[lid].complete or after[lid].outcome in ANSWERED_OUTCOMES, lid
        elif call.ended_at < restart_at - MARGIN * SPEED:
            assert after[lid] == before[lid], lid
    # Every call routed after the restart is stored with the decision and the end the
    # restarted service saw.
    routed_after_restart = [
        lid
        for lid, call in team_calls.items()
        if (call.decided_at or 0) > restart_at + MARGIN * SPEED
    ]
    for lid in routed_after_restart:
        call = team_calls[lid]
        assert after[lid].ended is not None, f"call {lid}: its end was seen, not stored"
        assert (after[lid].team, after[lid].source) == (call.team, call.source), lid
    # Complete are the new calls, begun after the restart: the service saw all of each. A
    # late decision alone does not make a call new: a switchboard call is decided only at
    # the operator's transfer, many seconds after its start, which may fall while no
    # service ran. The restarted service then found it in the PBX's list, its start unseen.
    new_calls = [
        lid
        for lid in routed_after_restart
        if team_calls[lid].first_seen > restart_at + MARGIN * SPEED
    ]
    assert new_calls
    for lid in new_calls:
        assert after[lid].complete, f"call {lid} after the restart is incomplete"
    assert set(after) <= set(team_calls)
    log = serve.log_text()
    assert log.count("Dienst beendet / service stopped.") == 2
    assert "Traceback" not in log
