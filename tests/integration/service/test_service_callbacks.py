"""The running service's callback parts against the simulated Asterisk: "Anrufen" sends an
Originate (the simulator answers as recording 022's staff-first callback), the outcome is
stored even when the database is busy at first, and the daily purge closes requests past
their days."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from waiting import wait_for

from callcenter.bootstrap import PURGE_JOB, Service
from callcenter.config import CallbackSettings, load_settings
from callcenter.domain.access import Actor, Role
from callcenter.domain.callbacks import AttemptOutcome, CallbackStatus
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import WITHHELD, Pseudonymizer
from callcenter.privacy import load_or_create_key
from callcenter.simulator import SimClock, Simulator, recorded_model
from callcenter.storage.models import CallbackRequestRow
from callcenter.storage.store import Store, open_store
from callcenter.usecases import callbacks
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(60)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
SECRET = "demo"
LEAD = Actor("web:tina", Role.TEAMLEAD, "auslaender-a")


@dataclasses.dataclass
class Running:
    service: Service
    store: Store
    clock: SimClock


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    clock = SimClock(NOW, speed=1.0)
    base = load_settings(None, environ={}, data_dir=tmp_path)
    store = open_store(base)
    seed_from_settings(store, "test", clock.now())
    sim = Simulator(recorded_model(), username=base.ami.username, secret=SECRET, clock=clock)
    await sim.start()
    settings = base.model_copy(
        update={
            "ami": base.ami.model_copy(update={"port": sim.port}),
            "ami_secret": SecretStr(SECRET),
            "callbacks": CallbackSettings(retention_days=2),
            "database": base.database.model_copy(
                update={"retry_seconds": 0.05, "retry_max_seconds": 0.1}
            ),
        }
    )
    service = Service(settings, clock=clock)
    await service.start()
    try:
        yield Running(service, store, clock)
    finally:
        await service.stop()
        await sim.stop()
        store.close()


def _request(running: Running, at: datetime) -> int:
    key = load_or_create_key(running.service.settings.key_file)
    event = CallbackAsked("cb.1", "cb.2", at, "auslaender-a", "06151100", "01705000001")
    stored = callbacks.record_request(
        running.store.session, event, Pseudonymizer(key), running.service.seal, 2
    )
    assert stored is not None
    return stored.id


async def test_call_back_originates_and_records_the_outcome(running: Running) -> None:
    await running.service.ami.wait_connected(10)
    request_id = _request(running, running.clock.now() - timedelta(hours=1))
    started = await running.service.call_back(LEAD, request_id, "101")
    assert started.attempt == 1

    def outcome() -> AttemptOutcome | None:
        (request,) = callbacks.requests_between(
            running.store.session, NOW - timedelta(days=1), NOW + timedelta(days=1)
        )
        return request.attempts[0].outcome

    await wait_for(lambda: outcome() is not None, 10, "the attempt's outcome")
    # The simulator models the staff-first callback of recording 022: extension 101 in
    # `agents` answers, then the customer (answering by default) is dialled.
    assert outcome() is AttemptOutcome.REACHED


async def test_an_outcome_waits_out_a_locked_database(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PBX tells an outcome once: "database is locked" twice must not lose it."""
    real = callbacks.finish_attempt
    refusals: list[int] = []

    def locked_twice(*args: object, **kwargs: object) -> object:
        if len(refusals) < 2:
            refusals.append(1)
            raise OperationalError(
                "UPDATE callback_attempts", {}, sqlite3.OperationalError("database is locked")
            )
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(callbacks, "finish_attempt", locked_twice)
    await running.service.ami.wait_connected(10)
    request_id = _request(running, running.clock.now() - timedelta(hours=1))
    await running.service.call_back(LEAD, request_id, "101")

    def outcome() -> AttemptOutcome | None:
        (request,) = callbacks.requests_between(
            running.store.session, NOW - timedelta(days=1), NOW + timedelta(days=1)
        )
        return request.attempts[0].outcome

    await wait_for(lambda: outcome() is not None, 10, "the attempt's outcome")
    assert len(refusals) == 2
    assert outcome() is AttemptOutcome.REACHED


async def test_the_daily_purge_expires_callback_requests(running: Running) -> None:
    _request(running, running.clock.now() - timedelta(days=3))
    scheduler = running.service.scheduler
    assert scheduler is not None
    await scheduler.get_job(PURGE_JOB).func()
    with running.store.session() as session:
        row = session.scalars(select(CallbackRequestRow)).one()
        assert (row.status, row.number_sealed) == (CallbackStatus.EXPIRED.value, None)
        assert row.caller != WITHHELD  # within privacy.retention_days: kept for evaluation


async def test_the_retention_purge_clears_old_requesters_pseudonyms(running: Running) -> None:
    days = running.service.settings.privacy.retention_days
    _request(running, running.clock.now() - timedelta(days=days + 1))
    scheduler = running.service.scheduler
    assert scheduler is not None
    await scheduler.get_job(PURGE_JOB).func()
    with running.store.session() as session:
        assert session.scalars(select(CallbackRequestRow.caller)).one() == WITHHELD
