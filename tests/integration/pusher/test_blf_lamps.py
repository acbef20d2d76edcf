"""BLF lamps: the pusher sets every team's custom device state at every sync (025/025b)."""

from __future__ import annotations

from datetime import datetime

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from test_state_pusher import BERLIN, FakeAstDb, office

from callcenter.clock import AcceleratedClock
from callcenter.pbx.pusher import StatePusher


class FakeLamps:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail = fail

    async def set_device_state(self, device: str, state: str) -> None:
        if self.fail:
            raise ConnectionError("Variable not set")
        self.calls.append((device, state))


@pytest.fixture
async def scheduler():
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    yield scheduler
    scheduler.shutdown(wait=False)


async def test_open_is_not_inuse_closed_is_inuse_and_every_sync_sets_again(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, tzinfo=BERLIN), speed=1)
    lamps = FakeLamps()
    pusher = StatePusher(FakeAstDb(clock), office, clock, scheduler, lamps=lamps)
    assert await pusher.push_all()
    # A reconnect pushes everything again: the lamp is set again although unchanged,
    # because a restarted or reconnected PBX tells the service nothing (025b).
    assert await pusher.push_all()
    assert lamps.calls == [("Custom:callhours-team-a", "NOT_INUSE")] * 2
    assert await pusher.push_boundary(datetime(2026, 11, 23, 12, tzinfo=BERLIN))
    assert lamps.calls[-1] == ("Custom:callhours-team-a", "INUSE")


async def test_a_lamp_that_cannot_be_set_never_fails_the_routing_state(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, tzinfo=BERLIN), speed=1)
    astdb = FakeAstDb(clock)
    pusher = StatePusher(astdb, office, clock, scheduler, lamps=FakeLamps(fail=True))
    assert await pusher.push_all()
    assert astdb.values["team-a"] == "open"
    assert pusher.stats.failures == 1
