"""State pusher against an in-memory AstDB fake, with a real APScheduler and accelerated clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from waiting import wait_for

from callcenter.clock import AcceleratedClock
from callcenter.domain.schedule import Office, Team, windows_from_spec
from callcenter.pbx.pusher import StatePusher

BERLIN = ZoneInfo("Europe/Berlin")


class FakeAstDb:
    """Records every DBPut with the simulated instant it arrived; can be made to fail."""

    def __init__(self, clock: AcceleratedClock) -> None:
        self.clock = clock
        self.values: dict[str, str] = {}
        self.log: list[tuple[datetime, str, str]] = []
        self.failures_left = 0

    async def db_put(self, family: str, key: str, value: str) -> None:
        assert family == "callhours"
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("PBX gone")
        self.values[key] = value
        self.log.append((self.clock.now(), key, value))


def office(spec: str = "Mo-Fr 09:00-12:00") -> Office:
    team = Team("team-a", "Team A", windows=windows_from_spec(spec))
    return Office(BERLIN, {}, (team,))


@pytest.fixture
async def scheduler():
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    yield scheduler
    scheduler.shutdown(wait=False)


async def test_push_all_writes_every_team_and_the_heartbeat(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, tzinfo=BERLIN), speed=1)
    astdb = FakeAstDb(clock)
    pusher = StatePusher(astdb, office, clock, scheduler)
    assert await pusher.push_all()
    assert astdb.values["team-a"] == "open"
    assert abs(int(astdb.values["_heartbeat"]) - clock.now().timestamp()) < 2


async def test_window_boundary_reaches_astdb_within_one_simulated_second(scheduler) -> None:
    # 20 simulated seconds before the 12:00 close; at 60x that is a third of a real second.
    start = datetime(2026, 11, 23, 11, 59, 40, tzinfo=BERLIN)
    clock = AcceleratedClock(start, speed=60)
    astdb = FakeAstDb(clock)
    pusher = StatePusher(astdb, office, clock, scheduler, heartbeat_seconds=60)
    await pusher.push_all()
    pusher.start()
    boundary = datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN)
    await wait_for(
        lambda: astdb.values.get("team-a") == "closed:hours", 2, "team A closed at 12:00"
    )
    arrived = [at for at, key, value in astdb.log if value == "closed:hours"]
    assert arrived, astdb.log
    assert timedelta(0) <= arrived[0] - boundary < timedelta(seconds=1)


async def test_heartbeat_job_runs_every_interval(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, tzinfo=BERLIN), speed=1)
    astdb = FakeAstDb(clock)
    pusher = StatePusher(astdb, office, clock, scheduler, heartbeat_seconds=0.1)
    pusher.start()
    await asyncio.sleep(0.45)
    beats = [key for _, key, _ in astdb.log if key == "_heartbeat"]
    assert 3 <= len(beats) <= 6


async def test_failed_push_is_retried_and_never_raises(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, tzinfo=BERLIN), speed=1)
    astdb = FakeAstDb(clock)
    pusher = StatePusher(astdb, office, clock, scheduler, retry_delay=0.01)
    astdb.failures_left = 2
    assert await pusher.push_all()
    assert astdb.values["team-a"] == "open"
    assert pusher.stats.failures == 2
    astdb.failures_left = 100
    assert not await pusher.push_all()
    assert pusher.stats.failures > 2


async def test_schedule_change_reloads_and_pushes(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, tzinfo=BERLIN), speed=1)
    astdb = FakeAstDb(clock)
    current = {"spec": "Mo-Fr 09:00-12:00"}
    pusher = StatePusher(astdb, lambda: office(current["spec"]), clock, scheduler)
    await pusher.push_all()
    assert astdb.values["team-a"] == "open"
    current["spec"] = "Mo-Fr 13:00-15:00"
    await pusher.schedule_changed()
    assert astdb.values["team-a"] == "closed:hours"
    boundary_jobs = [job for job in scheduler.get_jobs() if job.id.startswith("callhours-boundary")]
    assert len(boundary_jobs) == 4  # opens 13:00 and closes 15:00 today and tomorrow
