"""Calls that start while the AMI connection is down are adopted after the reconnect.

The service runs against the simulated Asterisk; its AMI server is stopped (every session
cut) while calls go on inside the simulated PBX, and started again on the same port. At
the reconnect the service lists the PBX's channels (`CoreShowChannels`) and resyncs its
tracker. Each call must be recorded exactly once, when it ends:

* A, A2: answered before the drop, talking across it: recorded complete;
* B: announcement the caller hangs up during the gap: recorded at the reconnect,
  incomplete, without an end (the hangup was not seen, so: announcement);
* C: direct line, started and answered in the gap: adopted talking; recorded when it
  ends, incomplete, outcome answered, no answer instant;
* D: team queue, started in the gap, still waiting at the reconnect (both members talk
  to A and A2), answered once A2 hangs up: adopted queued; its answer instant is seen;
* E: started and ended in the gap: nobody saw it, no record (a CDR import can add it).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from waiting import wait_for

from callcenter.bootstrap import Service
from callcenter.config import Settings, load_settings
from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.simulator import SimClock, Simulator, model_from_settings, schedule_fallback
from callcenter.simulator.model import PhoneBehaviour, fixed, fixed_seconds
from callcenter.simulator.server import AmiServer
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.models import CallRecordRow
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(60)

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 23 Nov 2026, 12:30: team A closed (hours until 12:00), team B and Einbürgerung open.
START = datetime(2026, 11, 23, 12, 30, tzinfo=BERLIN)
SPEED = 10.0  # simulated seconds per real second
SECRET = "demo"


def settings_for(data_dir: Path) -> Settings:
    base = load_settings(None, environ={}, data_dir=data_dir)
    return base.model_copy(
        update={
            "ami_secret": SecretStr(SECRET),
            # The queue must hold D until its member answers, well after the reconnect.
            "pbx": base.pbx.model_copy(update={"queue_timeout_seconds": 300}),
        }
    )


def simulator(settings: Settings, clock: SimClock) -> Simulator:
    store = open_store(settings)
    seed_from_settings(store, "test", clock.now())
    office = store.office()
    store.close()
    model = model_from_settings(settings)
    long_talk = PhoneBehaviour(fixed(2.0), fixed_seconds(30.0))
    model.phones["Local/201@agents"] = long_talk  # team B's queue: A, A2, then D
    model.phones["Local/202@agents"] = long_talk
    model.phones["phones"] = long_talk  # every direct line: C
    return Simulator(
        model,
        username=settings.ami.username,
        secret=SECRET,
        clock=clock,
        fallback=schedule_fallback(office),
        seed=3,
    )


def stored(settings: Settings) -> dict[str, CallRecord]:
    store = open_store(settings, migrate=False)
    try:
        with store.session() as session:
            repository = CallRecordRepository(session)
            ids = session.scalars(select(CallRecordRow.linked_id)).all()
            return {linked_id: repository.get(linked_id) for linked_id in ids}
    finally:
        store.close()


async def test_calls_started_during_a_disconnect_are_recorded_once(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    clock = SimClock(START, speed=SPEED)
    sim = simulator(settings, clock)
    await sim.start()
    settings = settings.model_copy(
        update={"ami": settings.ami.model_copy(update={"port": sim.port})}
    )
    service = Service(settings, clock=clock)
    logins: list[float] = []
    try:
        await service.start()
        assert service.ami is not None
        await wait_for(lambda: service.ami is not None and service.ami.connected, 10, "login")
        await wait_for(lambda: sim.pbx.db.get("callhours", "auslaender-b") == "open", 10, "push")
        a = sim.pbx.originate("06151200", "01701110001", "A", data="600")
        await wait_for(lambda: a.connected.is_set(), 5, "A answered")
        a2 = sim.pbx.originate("06151200", "01701110006", "A2", data="600")
        await wait_for(lambda: a2.connected.is_set(), 5, "A2 answered")
        b = sim.pbx.originate("06151100", "01701110002", "B", data="600", patience=4.0)
        tracker = service.tracker
        assert tracker is not None
        # Seen by the tracker (and with it everything sent before): the drop loses nothing older.
        await wait_for(
            lambda: b.linkedid in {call.linked_id for call in tracker.open_calls()}, 5, "B seen"
        )

        port = sim.port
        await sim.server.stop()  # every AMI session cut; the PBX goes on
        await wait_for(lambda: not service.ami.connected, 5, "the drop noticed")
        c = sim.pbx.originate("061512005", "01701110003", "C", data="600")
        d = sim.pbx.originate("06151200", "01701110004", "D", data="10")
        e = sim.pbx.originate("06151100", "01701110005", "E", data="600", patience=3.0)
        # C's member answers (direct lines do not use `connected`); B and E give up.
        await wait_for(
            lambda: c.outcome is not None and all(x.task and x.task.done() for x in (b, e)),
            5,
            "C answered, B and E over",
        )
        sim.server = AmiServer(sim.pbx, settings.ami.username, SECRET, port=port)
        await sim.server.start()
        await wait_for(lambda: service.ami.connected, 10, "the reconnect")
        logins.append(clock.time())
        await asyncio.sleep(0.2)  # D waits on; then A2 hangs up and frees a member for it
        assert not d.connected.is_set()
        assert sim.pbx.hangup(a2.one.name)

        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=20)
        await wait_for(lambda: service.records_emitted >= 5, 5, "five records")
        health = service.health()
    finally:
        await service.stop()
        await sim.stop()

    records = stored(settings)
    assert set(records) == {a.linkedid, a2.linkedid, b.linkedid, c.linkedid, d.linkedid}
    assert service.records_emitted == 5  # nothing emitted twice
    assert health.ami_reconnects == 1
    assert sum(health.records_by_outcome.values()) == 5

    rec_a = records[a.linkedid]
    assert (rec_a.team, rec_a.outcome, rec_a.complete) == ("auslaender-b", Outcome.ANSWERED, True)
    assert rec_a.wait_seconds == pytest.approx(2.5, abs=0.6)
    assert rec_a.talk_seconds == pytest.approx(30, abs=1.0)
    rec_a2 = records[a2.linkedid]
    assert (rec_a2.outcome, rec_a2.complete, rec_a2.ended is not None) == (
        Outcome.ANSWERED,
        True,
        True,
    )

    rec_b = records[b.linkedid]
    assert (rec_b.team, rec_b.outcome) == ("auslaender-a", Outcome.ANNOUNCEMENT)
    assert (rec_b.complete, rec_b.ended) == (False, None)

    rec_c = records[c.linkedid]
    assert (rec_c.team, rec_c.line_kind, rec_c.dialled) == (
        "auslaender-b",
        LineKind.DIRECT_LINE,
        "061512005",
    )
    assert (rec_c.outcome, rec_c.answered, rec_c.complete) == (Outcome.ANSWERED, None, False)
    assert (rec_c.state_at_arrival, rec_c.source) == (State.OPEN, None)
    assert rec_c.answered_by is not None
    assert rec_c.ended is not None
    true_start = datetime.fromtimestamp(c.one.created, rec_c.started.tzinfo)
    assert abs(rec_c.started - true_start) <= timedelta(seconds=1.5)
    assert (rec_c.wait_seconds, rec_c.talk_seconds) == (None, None)
    assert "0170" not in rec_c.caller

    rec_d = records[d.linkedid]
    assert (rec_d.team, rec_d.outcome, rec_d.complete) == ("auslaender-b", Outcome.ANSWERED, False)
    assert (rec_d.line_kind, rec_d.source) == (LineKind.TEAM_LINE, None)
    assert rec_d.answered is not None
    assert rec_d.answered.timestamp() > logins[0]  # answered after the reconnect, and seen

    assert e.linkedid not in records
    assert sim.report.started == sim.report.finished == 6
