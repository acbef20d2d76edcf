"""1,000 calls over a simulated office day, many at once: one record per call, and the
records' outcomes are what the simulated PBX reports it did.

The service (AMI client, translator, tracker, durable writer on SQLite) runs against the
simulated Asterisk; the traffic generator injects 1,000 calls from Monday 07:00 on (team
lines, direct lines, switchboard transfers), at 1,500x speed. The simulator's report is
its own account, independent of the AMI stream; the test compares it, team by team and
outcome by outcome, with the rows in the database.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from callcenter.bootstrap import Service
from callcenter.config import Settings, load_settings
from callcenter.domain.calls import CallRecord, Outcome
from callcenter.simulator import (
    SimClock,
    Simulator,
    TrafficGenerator,
    model_from_settings,
    profile_from_settings,
    schedule_fallback,
)
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.models import CallRecordRow
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(90)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 23, 7, 0, tzinfo=BERLIN)  # a Monday
CALLS = 1000
SPEED = 1500.0
SECRET = "demo"
# The simulator's outcomes in the call records' vocabulary. Calls that never reached a
# team (team "-": the switchboard's own, unroutable numbers) have no record.
OUTCOMES = {
    "answered": Outcome.ANSWERED,
    "direct_answered": Outcome.ANSWERED,
    "abandoned": Outcome.ABANDONED,
    "direct_abandoned": Outcome.ABANDONED,
    "timeout": Outcome.TIMEOUT,
    "announcement": Outcome.ANNOUNCEMENT,
    "announcement_hungup": Outcome.ANNOUNCEMENT_HANGUP,
    "direct_unanswered": Outcome.NO_ANSWER,
    "queue_empty": Outcome.FAILED,
}


def settings_for(data_dir: Path, sounds_dir: Path) -> Settings:
    base = load_settings(None, environ={}, data_dir=data_dir)
    return base.model_copy(
        update={
            "ami_secret": SecretStr(SECRET),
            "prompts": base.prompts.model_copy(update={"sounds_dir": sounds_dir}),
        }
    )


def stored_records(settings: Settings) -> list[CallRecord]:
    store = open_store(settings, migrate=False)
    try:
        with store.session() as session:
            repository = CallRecordRepository(session)
            ids = session.scalars(select(CallRecordRow.linked_id)).all()
            return [repository.get(linked_id) for linked_id in ids]
    finally:
        store.close()


def most_at_once(records: list[CallRecord]) -> int:
    """The largest number of recorded calls that were up at the same instant."""
    edges = sorted(
        [(r.started, 1) for r in records] + [(r.ended or r.started, -1) for r in records],
        key=lambda edge: (edge[0], edge[1]),
    )
    up = top = 0
    for _at, step in edges:
        up += step
        top = max(top, up)
    return top


async def test_a_thousand_calls_give_one_record_each_with_the_simulators_outcomes(
    tmp_path: Path, sounds_dir: Path
) -> None:
    settings = settings_for(tmp_path, sounds_dir)
    clock = SimClock(START, speed=SPEED)
    store = open_store(settings)
    seed_from_settings(store, "test", clock.now())
    office = store.office()
    store.close()
    profile = replace(
        profile_from_settings(settings, office, calls_per_hour=45.0),
        talk_mean=120.0,
        patience_mean=60.0,
        answer_delay_mean=8.0,
    )
    sim = Simulator(
        model_from_settings(settings, profile.phone(), members_per_team=3),
        username=settings.ami.username,
        secret=SECRET,
        clock=clock,
        fallback=schedule_fallback(office),
        seed=7,
    )
    await sim.start()
    settings = settings.model_copy(
        update={"ami": settings.ami.model_copy(update={"port": sim.port})}
    )
    service = Service(settings, clock=clock)
    traffic = TrafficGenerator(sim.pbx, profile, seed=7, max_calls=CALLS, start_at=clock.time())
    began = time.monotonic()
    try:
        await service.start()
        assert service.ami is not None
        await service.ami.wait_connected(10)
        await asyncio.wait_for(traffic.run(), timeout=60)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=20)
        expected: Counter[tuple[str, Outcome]] = Counter()
        for (team, outcome), count in sim.report.by_team.items():
            if team != "-":
                expected[(team, OUTCOMES[outcome])] += count
        deadline = time.monotonic() + 10
        while service.records_emitted < expected.total() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        open_calls = service.health().open_calls
    finally:
        await service.stop()  # flushes the writer
        await sim.stop()
    took = time.monotonic() - began

    assert sim.report.started == sim.report.finished == traffic.injected == CALLS
    assert open_calls == 0
    records = stored_records(settings)
    got = Counter((record.team, record.outcome) for record in records)
    assert got == expected
    assert len(records) == expected.total() == service.records_emitted
    assert len({record.linked_id for record in records}) == len(records)
    assert service.writer is not None
    stats = service.writer.stats()
    assert (stats.duplicates, stats.rejected, stats.spooled) == (0, 0, 0)
    assert all(record.complete for record in records)
    assert all(record.ended is not None and record.ended >= record.started for record in records)
    callers = {caller for _kind, _number, caller in traffic.log}
    assert not callers & {record.caller for record in records}
    overlap = most_at_once(records)
    assert overlap >= 8, f"only {overlap} calls at once: not a concurrency test"
    last = max(record.started for record in records).astimezone(BERLIN)
    outcomes = dict(Counter(record.outcome.value for record in records))
    print(  # noqa: T201 - the figures of the run, shown with -s
        f"\n{CALLS} calls, {len(records)} records {outcomes}, up to {overlap} at once, "
        f"simulated 07:00-{last:%H:%M}, {took:.1f} s real"
    )
