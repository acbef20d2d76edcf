"""The running service writes a team's estimated queue wait to AstDB after answered calls
(issue 20, point 4), against the simulated Asterisk, and again after a reconnect."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from waiting import wait_for

from callcenter.bootstrap import Service
from callcenter.config import load_settings
from callcenter.domain.calls import Outcome
from callcenter.domain.queue_wait import bucket_minutes
from callcenter.pbx.wait_publisher import TeamWaits, wait_key
from callcenter.simulator import SimClock, Simulator, recorded_model
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(60)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # Monday: team A is open
TEAM = "auslaender-a"
SECRET = "demo"


async def test_answered_calls_set_the_wait_key_and_a_login_writes_it_again(
    tmp_path: Path,
) -> None:
    clock = SimClock(NOW, speed=10.0)
    base = load_settings(None, environ={}, data_dir=tmp_path)
    store = open_store(base)
    seed_from_settings(store, "test", clock.now())
    sim = Simulator(recorded_model(), username=base.ami.username, secret=SECRET, clock=clock)
    await sim.start()
    teams = tuple(
        t.model_copy(update={"announce_position": True, "announce_frequency_seconds": 15})
        if t.id == TEAM
        else t
        for t in base.teams
    )
    settings = base.model_copy(
        update={
            "ami": base.ami.model_copy(update={"port": sim.port}),
            "ami_secret": SecretStr(SECRET),
            "teams": teams,
        }
    )
    service = Service(settings, clock=clock)
    await service.start()
    db = sim.pbx.db
    try:
        await service.ami.wait_connected(10)
        # Written at login already: no answered call yet, nothing to say.
        await wait_for(lambda: db.get("callhours", wait_key(TEAM)) == "0", 5, "the login push")
        assert db.get("callhours", wait_key("auslaender-b")) is None  # does not announce
        linked = [
            sim.pbx.originate("06151100", caller, "Test").linkedid
            for caller in ("01701234567", "01707654321", "01705550001", "01705550002")
        ]
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=20)
        await wait_for(lambda: service.pump.records_emitted >= 4, 10, "four call records")
        await service.writer.close(timeout=5)
        with store.session() as session:
            records = [CallRecordRepository(session).get(id_) for id_ in linked]
        # The recorded model: one agent, 5.5 s talks, 30 s queue timeout: two wait long.
        assert sum(r.outcome == Outcome.ANSWERED for r in records) >= 1
        assert sum((r.wait_seconds or 0) >= 15 for r in records) >= 2
        expected = TeamWaits()
        for record in records:
            expected.observe(record)
        value = str(bucket_minutes(expected.estimate_seconds(clock.now())))
        assert value != "0"
        # The service's own job (every 15 simulated seconds for this team) writes it.
        await wait_for(lambda: db.get("callhours", wait_key(TEAM)) == value, 10, "the estimate")
        # A PBX restart empties AstDB; the next login writes the estimate again.
        db.delete("callhours", wait_key(TEAM))
        session_info = service.ami.session
        assert session_info is not None
        await service.pump.on_login(session_info)
        assert db.get("callhours", wait_key(TEAM)) == value
    finally:
        await service.stop()
        await sim.stop()
        store.close()
