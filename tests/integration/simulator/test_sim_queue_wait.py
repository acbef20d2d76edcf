"""A call into a team that announces the estimated wait: the simulated PBX runs the loaded
file's `[callhours-wait]`, reading `callhours/<team>/wait_minutes` from AstDB (issue 20)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.config import load_settings
from callcenter.holiday_calendar import german_holidays
from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.simulator.clock import SimClock
from callcenter.simulator.file_fallback import file_or_schedule_fallback
from callcenter.simulator.from_settings import model_from_settings
from callcenter.simulator.simulator import Simulator

pytestmark = pytest.mark.timeout(30)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # team A is open
TEAM = "auslaender-a"  # announce_position = true in the example configuration
SECRET = "demo"


async def test_a_team_line_call_says_the_wait_the_service_wrote(tmp_path: Path) -> None:
    settings = load_settings(None, environ={})
    assert next(t for t in settings.teams if t.id == TEAM).announce_position
    office = settings.office_seed(german_holidays(settings.office.holiday_state))
    dialplan = tmp_path / "extensions_callhours.conf"
    dialplan.write_text(
        generate_dialplan(office, options_from_settings(settings), MONDAY), encoding="utf-8"
    )
    sim = Simulator(
        model_from_settings(settings),
        username=settings.ami.username,
        secret=SECRET,
        clock=SimClock(MONDAY.astimezone(UTC), 50.0),
        fallback=file_or_schedule_fallback(dialplan, office),
        seed=3,
    )
    async with sim:
        db = sim.pbx.db

        async def call(number: str) -> None:
            db.put("callhours", "_heartbeat", str(int(sim.clock.time())))
            sim.pbx.originate(number, "01701234500", "Test", patience=3.0)
            await asyncio.wait_for(sim.pbx.wait_idle(), 10)

        for team in ("auslaender-a", "auslaender-b"):
            db.put("callhours", team, "open")
        said = sim.pbx.rt.wait_announcements
        await call("06151100")
        assert said == []  # no estimate written yet
        db.put("callhours", f"{TEAM}/wait_minutes", "5")
        await call("06151100")
        assert said == [(TEAM, "callhours/wait-5-de&callhours/wait-5-en,noanswer")]
        db.put("callhours", "auslaender-b/wait_minutes", "5")
        await call("06151200")  # team B does not announce: its line has no Gosub
        db.put("callhours", f"{TEAM}/wait_minutes", "0")
        await call("06151100")
        assert len(said) == 1
