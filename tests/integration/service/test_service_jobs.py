"""The service's own jobs and state: the daily retention purge, health(), a quiet stop.

The service runs against the simulated Asterisk on loopback with an injected clock (the
purge cutoff is computed from it), and a SQLite database in the test's directory.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from pydantic import SecretStr
from sqlalchemy import text
from waiting import wait_for

from callcenter.bootstrap import PURGE_ACTOR, PURGE_AT, PURGE_JOB, Service
from callcenter.config import Settings, load_settings
from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.simulator import SimClock, Simulator, recorded_model
from callcenter.storage.audit import AuditRepository
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.store import Store, open_store
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(60)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # the injected clock's start
SECRET = "demo"


@dataclasses.dataclass
class Running:
    service: Service
    store: Store
    settings: Settings
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
            "privacy": base.privacy.model_copy(update={"retention_days": 90}),
        }
    )
    service = Service(settings, clock=clock)
    await service.start()
    try:
        yield Running(service, store, settings, clock)
    finally:
        await service.stop()
        await sim.stop()
        store.close()


def call(linked_id: str, started: datetime) -> CallRecord:
    return CallRecord(
        linked_id=linked_id,
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller="c-pseudonym-" + linked_id,
        started=started,
        outcome=Outcome.ANSWERED,
        answered=started + timedelta(seconds=5),
        ended=started + timedelta(seconds=65),
        wait_seconds=5.0,
        talk_seconds=60.0,
        answered_by="m-pseudonym",
    )


async def test_the_purge_job_runs_daily_at_03_40_office_time(running: Running) -> None:
    scheduler = running.service.scheduler
    assert scheduler is not None
    job = scheduler.get_job(PURGE_JOB)
    assert job is not None
    assert isinstance(job.trigger, CronTrigger)
    assert job.trigger.timezone == BERLIN
    first = job.next_run_time.astimezone(BERLIN)
    assert (first.hour, first.minute) == PURGE_AT
    assert first - datetime.now(BERLIN) <= timedelta(days=1)


async def test_running_the_purge_job_clears_identifiers_past_the_retention(
    running: Running,
) -> None:
    now = running.clock.now()
    with running.store.session() as session:
        CallRecordRepository(session).add_many(
            [call("old", now - timedelta(days=91)), call("recent", now - timedelta(days=89))]
        )
    scheduler = running.service.scheduler
    assert scheduler is not None
    job = scheduler.get_job(PURGE_JOB)
    await job.func()  # what the scheduler runs at 03:40
    with running.store.session() as session:
        repository = CallRecordRepository(session)
        old, recent = repository.get("old"), repository.get("recent")
        audit = AuditRepository(session).list(entity="retention")
    assert (old.caller, old.answered_by) == (WITHHELD, None)
    assert (old.talk_seconds, old.outcome) == (60.0, Outcome.ANSWERED)  # metrics stay
    assert (recent.caller, recent.answered_by) == ("c-pseudonym-recent", "m-pseudonym")
    assert [(entry.actor, entry.after["calls"]) for entry in audit] == [(PURGE_ACTOR, 1)]

    await job.func()  # nothing left to clear: no second audit entry
    with running.store.session() as session:
        assert len(AuditRepository(session).list(entity="retention")) == 1


async def test_a_failing_purge_is_logged_and_the_service_goes_on(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with running.store.session() as session:
        session.execute(text("DROP TABLE tally_entries"))
    assert await running.service.purge_expired() is None
    failures = [r for r in caplog.records if "retention purge" in r.getMessage()]
    assert failures
    assert failures[0].levelno == logging.ERROR
    assert running.service.health().scheduler_running


async def test_health_is_a_frozen_snapshot(running: Running) -> None:
    service = running.service
    await wait_for(lambda: service.health().last_heartbeat is not None, 10, "a heartbeat")
    health = service.health()
    assert health.ami_connected is True
    assert health.ami_reconnects == 0
    assert health.database_reachable is True
    assert health.spool_depth == 0
    assert health.scheduler_running is True
    assert health.open_calls == 0
    assert dict(health.records_by_outcome) == {outcome.value: 0 for outcome in Outcome}
    with pytest.raises(dataclasses.FrozenInstanceError):
        health.ami_connected = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        health.records_by_outcome["answered"] = 1  # type: ignore[index]


async def test_stop_with_jobs_running_logs_no_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # The job runs are visible at INFO only in APScheduler's own logger; a CLI run earlier in
    # this process quiets that logger (callcenter.cli.logs), so ask for it explicitly.
    caplog.set_level(logging.INFO, logger="apscheduler.executors.default")
    clock = SimClock(NOW, speed=1.0)
    base = load_settings(None, environ={}, data_dir=tmp_path)
    store = open_store(base)
    seed_from_settings(store, "test", clock.now())
    store.close()
    sim = Simulator(recorded_model(), username=base.ami.username, secret=SECRET, clock=clock)
    await sim.start()
    settings = base.model_copy(
        update={
            "ami": base.ami.model_copy(update={"port": sim.port}),
            "ami_secret": SecretStr(SECRET),
        }
    )
    service = Service(settings, clock=clock)
    try:
        await service.start()
        # The first announcement rendering (espeak-ng, sox) starts with the service and
        # takes seconds: stop while it runs.
        await wait_for(
            lambda: any(
                r.getMessage().startswith("Running job") and "refresh_prompts" in r.getMessage()
                for r in caplog.records
            ),
            10,
            "the prompts job running",
        )
        assert not any("refresh_prompts" in r.getMessage() and "executed" in r.getMessage()
                       for r in caplog.records)  # fmt: skip
    finally:
        await service.stop()
        await sim.stop()
    await asyncio.sleep(0.2)  # a task cancelled but not awaited would report only now
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert not service.health().scheduler_running
