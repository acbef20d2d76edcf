"""A stale heartbeat routes by the generated dialplan file the simulated PBX loaded.

Each test writes a dialplan whose fallback disagrees with the schedule the simulator also
knows, so the outcome shows which one decided; the file is re-read only on `dialplan
reload`, sent over AMI as the service does.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.cli import main
from callcenter.config import Settings, load_settings
from callcenter.domain.schedule import Closure, Office, windows_from_spec
from callcenter.holiday_calendar import german_holidays
from callcenter.pbx.ami import AmiClient, AmiSettings
from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_eval import DialplanReadError
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.simulator.clock import SimClock
from callcenter.simulator.file_fallback import DialplanFileFallback, file_or_schedule_fallback
from callcenter.simulator.from_settings import model_from_settings
from callcenter.simulator.simulator import Simulator
from callcenter.simulator.wire import SimEvent

pytestmark = pytest.mark.timeout(20)

BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY = datetime(2026, 11, 21, 9, 47, tzinfo=BERLIN)  # the schedule says closed:hours
TEAM = "auslaender-a"
TEAM_LINE = "06151100"
SECRET = "demo"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(None, environ={})


@pytest.fixture(scope="module")
def office(settings: Settings) -> Office:
    return settings.office_seed(german_holidays(settings.office.holiday_state))


def with_team_hours(office: Office, spec: str) -> Office:
    teams = tuple(
        replace(team, windows=windows_from_spec(spec)) if team.id == TEAM else team
        for team in office.teams
    )
    return replace(office, teams=teams)


def write_dialplan(path: Path, office: Office, settings: Settings, stale: int = 60) -> None:
    """Atomically, as the service writes it (temporary file + rename)."""
    options = replace(options_from_settings(settings), stale_after_seconds=stale)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(generate_dialplan(office, options, SATURDAY), encoding="utf-8")
    os.replace(temporary, path)


def simulator(settings: Settings, office: Office, dialplan: Path) -> Simulator:
    return Simulator(
        model_from_settings(settings),
        username=settings.ami.username,
        secret=SECRET,
        clock=SimClock(SATURDAY.astimezone(UTC), 50.0),
        fallback=file_or_schedule_fallback(dialplan, office),
        seed=3,
    )


async def decision(sim: Simulator, heartbeat_age: int = 3600) -> tuple[str, str, str]:
    """State, Reason and Source of the CallHours event of one injected team-line call."""
    sim.pbx.db.put("callhours", TEAM, "closed:holiday")  # the live state, if it were fresh
    sim.pbx.db.put("callhours", "_heartbeat", str(int(sim.clock.time()) - heartbeat_age))
    seen: list[SimEvent] = []
    unsubscribe = sim.pbx.subscribe(seen.append)
    try:
        call = sim.pbx.originate(TEAM_LINE, "01701234500", "Test", patience=3.0)
        await asyncio.wait_for(sim.pbx.wait_idle(), 10)
    finally:
        unsubscribe()
    user = next(e for e in seen if e.name == "UserEvent" and e.get("Linkedid") == call.linkedid)
    return user.get("State") or "", user.get("Reason") or "", user.get("Source") or ""


async def reload_over_ami(sim: Simulator, settings: Settings) -> tuple[str, ...]:
    ami = AmiSettings(port=sim.port, username=settings.ami.username, secret=SECRET)
    async with AmiClient(ami) as client:
        return await client.command("dialplan reload")


async def test_stale_heartbeat_routes_by_the_file_and_a_reload_takes_the_new_rules(
    tmp_path: Path, settings: Settings, office: Office
) -> None:
    dialplan = tmp_path / "extensions_callhours.conf"
    # The file opens the team on Saturday mornings; the schedule keeps it closed then.
    write_dialplan(dialplan, with_team_hours(office, "Sa 09:00-12:00"), settings)
    async with simulator(settings, office, dialplan) as sim:
        assert await decision(sim) == ("open", "", "fallback")

        closed_today = replace(
            office,
            closures=(
                Closure(TEAM, SATURDAY.replace(hour=0, minute=0), SATURDAY + timedelta(days=1)),
            ),
        )
        write_dialplan(dialplan, closed_today, settings)
        # Asterisk routes by the dialplan it loaded until it is told to reload.
        assert await decision(sim) == ("open", "", "fallback")
        assert await reload_over_ami(sim, settings) == ("Dialplan reloaded.",)
        assert await decision(sim) == ("closed:closure", "closure", "fallback")
        # A fresh heartbeat: the live state decides again, whatever the file says.
        assert await decision(sim, heartbeat_age=0) == ("closed:holiday", "holiday", "live")


async def test_the_stale_limit_is_the_one_compiled_into_the_file(
    tmp_path: Path, settings: Settings, office: Office
) -> None:
    dialplan = tmp_path / "extensions_callhours.conf"
    assert settings.ami.stale_after_seconds == 60
    write_dialplan(dialplan, with_team_hours(office, "Sa 09:00-12:00"), settings, stale=300)
    async with simulator(settings, office, dialplan) as sim:
        assert await decision(sim, heartbeat_age=200) == ("closed:holiday", "holiday", "live")
        assert await decision(sim, heartbeat_age=301) == ("open", "", "fallback")


async def test_valid_until_in_the_file_ends_a_fresh_live_state(
    tmp_path: Path, settings: Settings, office: Office
) -> None:
    dialplan = tmp_path / "extensions_callhours.conf"
    write_dialplan(dialplan, with_team_hours(office, "Sa 09:00-12:00"), settings)
    async with simulator(settings, office, dialplan) as sim:
        now = int(sim.clock.time())
        sim.pbx.db.put("callhours", "_valid_until", str(now + 3600))
        assert await decision(sim, heartbeat_age=0) == ("closed:holiday", "holiday", "live")
        sim.pbx.db.put("callhours", "_valid_until", str(now - 1))
        assert await decision(sim, heartbeat_age=0) == ("open", "", "fallback")
        # An include of the previous version has no such check: Asterisk ignores the key.
        old = dialplan.read_text(encoding="utf-8").replace(
            ' same => n,GotoIf($["${until}" != "" & ${EPOCH} >= 0${until}]?fallback)\n', ""
        )
        dialplan.write_text(old, encoding="utf-8")
        await reload_over_ami(sim, settings)
        assert await decision(sim, heartbeat_age=0) == ("closed:holiday", "holiday", "live")


async def test_missing_file_means_the_schedule_until_a_reload_finds_it(
    tmp_path: Path, settings: Settings, office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    dialplan = tmp_path / "extensions_callhours.conf"
    with caplog.at_level(logging.WARNING):
        sim = simulator(settings, office, dialplan)
    assert "does not exist" in caplog.text
    assert str(dialplan) in caplog.text
    async with sim:
        assert await decision(sim) == ("closed:hours", "hours", "fallback")  # the schedule
        write_dialplan(dialplan, with_team_hours(office, "Sa 09:00-12:00"), settings)
        await reload_over_ami(sim, settings)
        assert await decision(sim) == ("open", "", "fallback")


async def test_a_reload_of_a_broken_file_keeps_the_loaded_rules(
    tmp_path: Path, settings: Settings, office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    dialplan = tmp_path / "extensions_callhours.conf"
    write_dialplan(dialplan, with_team_hours(office, "Sa 09:00-12:00"), settings)
    async with simulator(settings, office, dialplan) as sim:
        fallback = sim.pbx.rt.fallback
        assert isinstance(fallback, DialplanFileFallback)
        await reload_over_ami(sim, settings)
        assert fallback.loads == 1  # unchanged file: not parsed again
        dialplan.write_text("[callhours-route]\nthis is not a dialplan\n", encoding="utf-8")
        with caplog.at_level(logging.WARNING):
            await reload_over_ami(sim, settings)
        assert "this is not a dialplan" in caplog.text
        assert "keeping the rules loaded before" in caplog.text
        assert await decision(sim) == ("open", "", "fallback")


def test_an_unreadable_file_is_refused_at_start(
    tmp_path: Path, settings: Settings, office: Office
) -> None:
    dialplan = tmp_path / "extensions_callhours.conf"
    dialplan.write_text("[callhours-route]\nexten => s,1,Set(\n", encoding="utf-8")
    with pytest.raises(DialplanReadError, match=str(dialplan)):
        file_or_schedule_fallback(dialplan, office)


def test_cli_simulate_refuses_a_dialplan_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))
    broken = tmp_path / "broken.conf"
    broken.write_text("[callhours-route]\nnot a dialplan line\n", encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main(["pbx", "simulate", "--port", "0", "--dialplan", str(broken)])
    err = capsys.readouterr().err
    assert ended.value.code == 1
    assert "dialplan file unreadable" in err
    assert f"{broken}: cannot read dialplan line 'not a dialplan line'" in err
    assert "Traceback" not in err


def test_cli_simulate_says_which_fallback_it_runs(
    tmp_path: Path, settings: Settings, office: Office
) -> None:
    env = {**os.environ, "CALLCENTER_DATA_DIR": str(tmp_path / "data")}
    env.pop("CALLCENTER_CONFIG", None)
    dialplan = tmp_path / "extensions_callhours.conf"
    write_dialplan(dialplan, with_team_hours(office, "Sa 09:00-12:00"), settings)
    command = [sys.executable, "-m", "callcenter", "pbx", "simulate", "--port", "0"]
    with subprocess.Popen(
        [*command, "--dialplan", str(dialplan), "--calls-per-hour", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdout is not None
        try:
            lines = []
            for line in process.stdout:
                lines.append(line)
                if "fallback when stale" in line:
                    break
            assert f"fallback when stale: {dialplan}" in lines[-1], lines
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
