"""Accelerated, seeded traffic: the report's counts agree with the events on the wire."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.config import load_settings
from callcenter.holiday_calendar import german_holidays
from callcenter.pbx.ami import AmiClient, AmiEvent, AmiSettings
from callcenter.simulator.clock import SimClock
from callcenter.simulator.from_settings import model_from_settings, profile_from_settings
from callcenter.simulator.routing import schedule_fallback
from callcenter.simulator.simulator import Simulator
from callcenter.simulator.traffic import TrafficGenerator

pytestmark = pytest.mark.timeout(15)

MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
CALLS = 150


def build(seed: int) -> tuple[Simulator, TrafficGenerator]:
    settings = load_settings(None, environ={})
    office = settings.office_seed(german_holidays(settings.office.holiday_state))
    profile = profile_from_settings(settings, office, calls_per_hour=60.0)
    sim = Simulator(
        model_from_settings(settings, profile.phone()),
        username="callcenter",
        secret="demo",
        clock=SimClock(MONDAY_8, speed=4000.0),
        fallback=schedule_fallback(office),
        seed=seed,
    )
    return sim, TrafficGenerator(
        sim.pbx, profile, seed=seed, max_calls=CALLS, start_at=MONDAY_8.timestamp()
    )


async def run_traffic(seed: int) -> tuple[Simulator, TrafficGenerator, list[AmiEvent]]:
    sim, traffic = build(seed)
    async with sim:
        client = AmiClient(
            AmiSettings(
                port=sim.port, username="callcenter", secret="demo", event_queue_size=200_000
            )
        )
        try:
            await client.connect(timeout=2)
            stream = client.subscribe()
            # Half the teams are live, half run on the compiled fallback (no heartbeat).
            await client.db_put("callhours", "auslaender-a", "closed:closure")
            await client.db_put("callhours", "_heartbeat", str(int(sim.clock.time()) + 10**6))
            await asyncio.wait_for(traffic.run(), 8)
            await asyncio.wait_for(sim.pbx.wait_idle(), 4)
            await client.ping()  # every event sent before this answer has been read
            events = []
            while len(stream):
                events.append(await stream.get())
        finally:
            await client.close()
    return sim, traffic, events


async def test_report_counts_match_the_events_on_the_wire() -> None:
    sim, traffic, events = await run_traffic(seed=11)
    report = sim.report
    outcomes = report.outcomes
    names = Counter(e.name for e in events)

    assert report.started == report.finished == traffic.injected == CALLS
    assert sum(outcomes.values()) == CALLS
    assert sum(traffic.kinds.values()) == CALLS
    # What the client received is what the simulator says it published.
    for name in ("Newchannel", "Hangup", "UserEvent", "AgentConnect", "Cdr"):
        assert names[name] == report.events[name], name
    assert names["Newchannel"] == names["Hangup"]  # every channel ended

    closed = [e for e in events if e.name == "UserEvent" and e["State"] != "open"]
    timeouts = [e for e in events if e.name == "VarSet" and e.get("Value") == "TIMEOUT"]
    team_connects = [e for e in events if e.name == "AgentConnect" and e["Queue"] != "zentrale"]
    abandons = [e for e in events if e.name == "QueueCallerAbandon"]
    transfers = [e for e in events if e.name == "BlindTransfer"]
    assert len(closed) == outcomes["announcement"] + outcomes["announcement_hungup"]
    assert len(timeouts) == outcomes["timeout"]
    assert len(team_connects) == outcomes["answered"]
    assert len(abandons) == outcomes["abandoned"] + outcomes["timeout"]
    assert len(transfers) == report.transferred <= traffic.kinds["switchboard"]
    # One routing decision per team/direct call and per call the switchboard transferred.
    assert names["UserEvent"] == CALLS - traffic.kinds["switchboard"] + report.transferred
    # The closure in AstDB is live for team A; the others follow the fallback (Monday 08:xx).
    sources = Counter((e["Team"], e["Source"]) for e in events if e.name == "UserEvent")
    assert {source for (team, source) in sources if team == "auslaender-a"} == {"live"}
    assert all(
        e["State"] == "closed:closure"
        for e in events
        if e.name == "UserEvent" and e["Team"] == "auslaender-a"
    )
    assert {source for (team, source) in sources if team != "auslaender-a"} == {"fallback"}
    # A busy morning: every kind of outcome shows up.
    for outcome in ("answered", "abandoned", "announcement", "direct_answered"):
        assert outcomes[outcome] > 0, outcomes
    assert len(transfers) > 0


async def test_same_seed_same_calls() -> None:
    logs = []
    for _ in range(2):
        sim, traffic = build(5)
        traffic.max_calls = 40
        async with sim:
            await asyncio.wait_for(traffic.run(), 5)
            await asyncio.wait_for(sim.pbx.wait_idle(), 4)
        logs.append(traffic.log)
    assert len(logs[0]) == 40
    assert logs[0] == logs[1]
