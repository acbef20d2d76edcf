"""Routing by the AstDB state the simulator holds, and the schedule fallback when it is stale."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sim_replay import make_simulator

from callcenter.config import load_settings
from callcenter.holiday_calendar import german_holidays
from callcenter.simulator.clock import SimClock
from callcenter.simulator.from_settings import model_from_settings
from callcenter.simulator.routing import schedule_fallback
from callcenter.simulator.simulator import Simulator
from callcenter.simulator.wire import SimEvent

pytestmark = pytest.mark.timeout(10)

BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY = datetime(2026, 11, 21, 9, 47, tzinfo=BERLIN)  # as in traces 010/011
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


async def decision(sim: Simulator, number: str = "06151100") -> tuple[str, str, list[str]]:
    """Inject one call; its CallHours (State, Source) and the event names that followed."""
    seen: list[SimEvent] = []
    sim.pbx.subscribe(seen.append)
    call = sim.pbx.originate(number, "01701234500", "Test", patience=3.0)
    await asyncio.wait_for(sim.pbx.wait_idle(), 5)
    events = [e for e in seen if e.get("Linkedid", e.get("LinkedID")) == call.linkedid]
    user = next(e for e in events if e.name == "UserEvent")
    return user.get("State") or "", user.get("Source") or "", [e.name for e in events]


@pytest.mark.parametrize(
    ("state", "heartbeat_age", "expected"),
    [
        ("open", 0, ("open", "live")),
        ("closed:holiday", 5, ("closed:holiday", "live")),
        ("open", 115, ("open", "live")),  # stale only when older than CALLHOURS_STALE=120
        ("open", 121, ("closed:hours", "fallback")),  # 010: Saturday → fallback closed
        ("open", 3600, ("closed:hours", "fallback")),
        ("open", None, ("closed:hours", "fallback")),  # 011: heartbeat deleted
        (None, 0, ("closed:hours", "fallback")),  # no state for the team
    ],
)
async def test_live_state_or_schedule_fallback(
    state: str | None, heartbeat_age: int | None, expected: tuple[str, str]
) -> None:
    async with make_simulator(SATURDAY, speed=50.0) as sim:
        now = int(sim.clock.time())
        if state is not None:
            sim.pbx.db.put("callhours", "auslaender-a", state)
        if heartbeat_age is not None:
            sim.pbx.db.put("callhours", "_heartbeat", str(now - heartbeat_age))
        got_state, got_source, names = await decision(sim)
    assert (got_state, got_source) == expected
    assert ("QueueCallerJoin" in names) == (got_state == "open")


async def test_stale_heartbeat_falls_back_to_open_inside_the_hours() -> None:
    async with make_simulator(MONDAY, speed=50.0) as sim:
        sim.pbx.db.put("callhours", "auslaender-a", "closed:closure")
        sim.pbx.db.put("callhours", "_heartbeat", str(int(sim.clock.time()) - 3600))
        state, source, names = await decision(sim)
        assert (state, source) == ("open", "fallback")
        assert "QueueCallerJoin" in names
        # The live state wins again as soon as the heartbeat is fresh.
        sim.pbx.db.put("callhours", "_heartbeat", str(int(sim.clock.time())))
        assert (await decision(sim))[:2] == ("closed:closure", "live")


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN), "open"),
        (datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN), "open"),  # special Saturday opening
        (datetime(2026, 11, 26, 13, 0, tzinfo=BERLIN), "closed:hours"),
        (datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN), "closed:closure"),
        (datetime(2026, 12, 25, 10, 0, tzinfo=BERLIN), "closed:holiday"),
    ],
)
async def test_fallback_follows_the_configured_schedule(at: datetime, expected: str) -> None:
    settings = load_settings(None, environ={})
    office = settings.office_seed(german_holidays(settings.office.holiday_state))
    sim = Simulator(
        model_from_settings(settings),
        username="callcenter",
        secret="demo",
        clock=SimClock(at.astimezone(UTC), 50.0),
        fallback=schedule_fallback(office),
        seed=7,
    )
    async with sim:
        assert (await decision(sim, "06151100"))[:2] == (expected, "fallback")


def test_sim_clock_runs_at_its_speed() -> None:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    clock = SimClock(start, speed=1000.0)
    assert abs((clock.now() - start).total_seconds()) < 5
    assert clock.real_seconds(3600) == pytest.approx(3.6)
    real = SimClock()
    assert abs(real.time() - datetime.now(UTC).timestamp()) < 1
    assert real.now() - datetime.now(UTC) < timedelta(seconds=1)
