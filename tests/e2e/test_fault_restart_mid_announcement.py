"""A restart in the middle of an announcement leaves one complete record (issue 15, 019/019b).

`serve` runs as a subprocess against the simulator. One caller reaches a closed team and
hears the announcement; SIGTERM arrives while it plays, so the stopping service stores
what it knows (start, decision, wait so far) as incomplete. The restarted service finds
the call in the PBX's channel list (`CoreShowChannels`, as in recording 019b), sees its
real end, and the two parts become one complete record: the start and decision of the
first run, the end of the second, the whole call as wait. Before issue 15 the second part
was dropped (the linked id existed) and the record kept a wait of milliseconds, no end.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    SECRET,
    LoginWatch,
    ServeProcess,
    example_office,
    example_settings,
    ledger_of,
    stored_records,
    wait_for,
    write_config,
)

from callcenter.domain.calls import Outcome
from callcenter.domain.schedule import Reason, State
from callcenter.simulator import SimClock, Simulator, model_from_settings, schedule_fallback

# Monday 23 Nov 2026, 12:30: auslaender-a is closed (its hours end at 12:00).
START = datetime(2026, 11, 23, 12, 30, tzinfo=BERLIN)
SPEED = 5.0
# Each language's prompt plays this long (simulated s): the announcement outlasts a stop
# and a start of the service (a few real seconds each) with room to spare.
PROMPT_SECONDS = 75.0
TEAM_LINE = "06151100"


async def test_sigterm_mid_announcement_then_restart_gives_one_complete_record(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=SPEED)
    data_dir = tmp_path / "data"
    base = example_settings(data_dir)
    office = example_office(base)
    model = model_from_settings(base)
    long_prompts = {(str(r), lang): PROMPT_SECONDS for r in Reason for lang in model.languages}
    model = replace(model, prompt_seconds=long_prompts)
    sim = Simulator(
        model,
        username=base.ami.username,
        secret=SECRET,
        clock=clock,
        fallback=schedule_fallback(office),
        seed=5,
    )
    truth = ledger_of(sim)
    logins = LoginWatch(sim)
    await sim.start()
    config = write_config(tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds_dir)
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 60, "heartbeat"
        )
        await wait_for(lambda: sim.pbx.db.get(FAMILY, "auslaender-a") is not None, 30, "push")
        call = sim.pbx.originate(TEAM_LINE, "01701115019", "Restart", data="600")
        await wait_for(
            lambda: (
                truth.calls.get(call.linkedid) is not None
                and truth.calls[call.linkedid].decided_at is not None
            ),
            10,
            "the routing decision",
        )
        await asyncio.sleep(1.0)  # into the announcement, as seen by the service
        code, _took = await serve.terminate()
        assert code == 0, serve.log_text()[-3000:]
        stopped_at = clock.time()
        before = stored_records(base.database_url)
        assert set(before) == {call.linkedid}
        part = before[call.linkedid]
        assert (part.complete, part.ended) == (False, None)
        assert part.observed_until is not None
        # Counted up to the stop (the stream was intact), not to the call's last event:
        # the caller had listened for a real second (5 simulated s) when SIGTERM came.
        assert part.wait_seconds is not None
        assert part.wait_seconds > 4.0

        serve.start()
        await wait_for(
            lambda: serve.check() and len(logins.times) >= 2, 60, "the restarted service's login"
        )
        assert truth.calls[call.linkedid].ended_at is None, "the call ended before the restart"
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=120)
        await asyncio.sleep(1.0)  # the writer's batch delay
        code, _took = await serve.terminate()
        assert code == 0, serve.log_text()[-3000:]
    finally:
        serve.close()
        await sim.stop()

    after = stored_records(base.database_url)
    assert set(after) == {call.linkedid}, "one record for the one call"
    record = after[call.linkedid]
    seen = truth.calls[call.linkedid]
    assert seen.ended_at is not None
    assert seen.ended_at > stopped_at
    # The first run's observations stay: start, decision, caller.
    assert record.started == part.started
    assert (record.team, record.state_at_arrival, record.reason_at_arrival) == (
        "auslaender-a",
        State.CLOSED,
        Reason.HOURS,
    )
    assert record.source == part.source
    assert record.caller == part.caller
    # The second run's: the real end, and with it the outcome and the whole wait.
    assert record.complete is True
    assert record.outcome is Outcome.ANNOUNCEMENT
    assert record.ended is not None
    assert abs(record.ended.timestamp() - seen.ended_at) < 0.05
    assert record.wait_seconds is not None
    assert abs(record.wait_seconds - (seen.ended_at - seen.first_seen)) < 0.1
    assert record.wait_seconds > 2 * PROMPT_SECONDS - 5
    assert record.talk_seconds == 0.0
    assert record.observed_until is None
    log = serve.log_text()
    assert log.count("Dienst beendet / service stopped.") == 2
    assert "Traceback" not in log
