"""Shared helpers of the end-to-end fault tests.

* settings and TOML configs pointing the service at a simulator on loopback;
* the simulated PBX instrumented: a dialplan fallback read from the file the service wrote,
  Asterisk `systemname` linked ids, AstDB writes with their (monotonic) times;
* `CallLedger`: the calls of an AMI event stream (the simulator's, or what the service's
  client received), to compare with the call records in the database;
* `ServeProcess`: `python -m callcenter serve` as a subprocess on the simulator's clock;
* `PgServer`: a throwaway PostgreSQL cluster a test can stop (an outage) and start again.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol
from zoneinfo import ZoneInfo

from pg_cluster import PgCluster as PgCluster
from pydantic import SecretStr
from sqlalchemy import func, select
from waiting import wait_for as wait_for  # re-exported: the fault tests import it from here

from callcenter.config import Settings, example_config_text, load_settings
from callcenter.domain.calls import CallRecord
from callcenter.domain.schedule import Office
from callcenter.holiday_calendar import german_holidays
from callcenter.simulator import SimClock, Simulator
from callcenter.simulator.astdb import AstDb
from callcenter.simulator.channels import IdAllocator
from callcenter.simulator.engine import Fallback
from callcenter.simulator.from_settings import model_from_settings, profile_from_settings
from callcenter.simulator.traffic import DemandProfile
from callcenter.simulator.wire import SimEvent
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import make_engine, session_scope
from callcenter.storage.models import CallRecordRow

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "demo"
CLI = [sys.executable, "-m", "callcenter"]
FAMILY = "callhours"
HEARTBEAT = "_heartbeat"
# Announcement texts depend on the day ("ab morgen"); the tests run on Monday 23 Nov 2026.
PRERENDER_AT = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


# --- waiting -----------------------------------------------------------------------------


async def wait_until_simulated(clock: SimClock, at: datetime) -> None:
    """Sleep until the simulated clock shows `at`."""
    await asyncio.sleep(max(0.0, clock.seconds_until(at)))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- settings and configuration files ----------------------------------------------------


def example_settings(data_dir: Path) -> Settings:
    return load_settings(None, environ={}, data_dir=data_dir)


def example_office(settings: Settings) -> Office:
    """The schedule the example configuration seeds (no database needed)."""
    return settings.office_seed(german_holidays(settings.office.holiday_state))


def settings_for(
    data_dir: Path,
    ami_port: int,
    *,
    database_url: str = "",
    sounds_dir: Path | None = None,
    heartbeat: float = 1.0,
) -> Settings:
    """The example configuration, pointed at a simulator on `ami_port` (in-process service)."""
    base = example_settings(data_dir)
    update: dict[str, Any] = {
        "ami": base.ami.model_copy(
            update={"port": ami_port, "heartbeat_interval_seconds": heartbeat}
        ),
        "ami_secret": SecretStr(SECRET),
        "web": base.web.model_copy(update={"port": 0}),
    }
    if database_url:
        update["database"] = base.database.model_copy(update={"url": database_url})
    if sounds_dir is not None:
        update["prompts"] = base.prompts.model_copy(update={"sounds_dir": sounds_dir})
    return base.model_copy(update=update)


def write_config(
    path: Path,
    data_dir: Path,
    ami_port: int,
    *,
    database_url: str = "",
    sounds_dir: Path | None = None,
    heartbeat: float = 1.0,
) -> Path:
    """The example configuration as a TOML file for a `serve` subprocess."""
    data = tomllib.loads(example_config_text())
    data["office"]["data_dir"] = str(data_dir)
    data["ami"].update(port=ami_port, heartbeat_interval_seconds=heartbeat)
    data["database"]["url"] = database_url
    data.setdefault("web", {})["port"] = 0
    if sounds_dir is not None:
        data["prompts"]["sounds_dir"] = str(sounds_dir)
    path.write_text(to_toml(data), "utf-8")
    return path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list) and not any(isinstance(item, dict) for item in value):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict) and all(not isinstance(v, dict | list) for v in value.values()):
        # An inline table of scalars ([callbacks] extensions = { tina = "101" }).
        pairs = (f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"no TOML form for {value!r}")


def to_toml(data: dict[str, Any]) -> str:
    """Enough TOML for our configuration: scalars, tables, arrays of tables (no nesting)."""
    lines: list[str] = []

    def body(table: dict[str, Any]) -> None:
        for key, value in table.items():
            nested = isinstance(value, dict) and any(
                isinstance(v, dict | list) for v in value.values()
            )
            if nested or (isinstance(value, list) and value and isinstance(value[0], dict)):
                raise TypeError(f"nested table {key!r} is not supported")
            lines.append(f"{key} = {_toml_value(value)}")

    body({k: v for k, v in data.items() if not isinstance(v, dict | list)})
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"\n[{key}]")
            body(value)
        elif isinstance(value, list):
            for item in value:
                lines.append(f"\n[[{key}]]")
                body(item)
    return "\n".join(lines) + "\n"


# --- the simulated PBX ------------------------------------------------------------------


def fast_profile(
    settings: Settings,
    office: Office,
    calls_per_hour: float,
    *,
    teams: tuple[str, ...] | None = None,
    talk_mean: float = 40.0,
    patience_mean: float = 30.0,
    answer_delay_mean: float = 5.0,
) -> DemandProfile:
    """The example office's demand, denser and with shorter calls (tests must be quick)."""
    profile = profile_from_settings(settings, office, calls_per_hour)
    if teams is not None:
        profile = replace(profile, teams=tuple(t for t in profile.teams if t.team in teams))
    return replace(
        profile,
        talk_mean=talk_mean,
        patience_mean=patience_mean,
        answer_delay_mean=answer_delay_mean,
        operator_talk_mean=5.0,
    )


def make_simulator(
    settings: Settings,
    profile: DemandProfile,
    clock: SimClock,
    fallback: Fallback,
    *,
    seed: int = 1,
) -> Simulator:
    return Simulator(
        model_from_settings(settings, profile.phone()),
        username=settings.ami.username,
        secret=SECRET,
        clock=clock,
        fallback=fallback,
        seed=seed,
    )


@dataclass
class SystemNamedIds(IdAllocator):
    """Uniqueids as Asterisk writes them when asterisk.conf sets `systemname`:
    `<systemname>-<time>.<sequence>`; PBXs sharing one database need distinct names."""

    system_name: str = "pbx"

    def uniqueid(self) -> str:
        value = f"{self.system_name}-{int(self.time())}.{self.sequence}"
        self.sequence += 1
        return value


def use_system_name(sim: Simulator, name: str) -> None:
    """Before any call: the simulated PBX's ids get Asterisk's systemname prefix."""
    ids = sim.pbx.rt.ids
    if ids.channels:
        raise RuntimeError("use_system_name must be called before the first call")
    sim.pbx.rt.ids = SystemNamedIds(ids.time, system_name=name)


class RecordingAstDb(AstDb):
    """The simulated AstDB, remembering when (time.monotonic) each key was written."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[float, str, str, str]] = []

    def put(self, family: str, key: str, value: str) -> None:
        self.writes.append((time.monotonic(), family, key, value))
        super().put(family, key, value)

    def clear(self) -> None:
        """What a restarted simulator has: an empty AstDB."""
        for path, _value in self.tree():
            _, family, key = path.split("/", 2)
            self.delete(family, key)


def record_astdb(sim: Simulator) -> RecordingAstDb:
    db = RecordingAstDb()
    sim.pbx.db = db
    sim.pbx.rt.db = db
    return db


class LoginWatch:
    """The simulator's successful AMI logins (SuccessfulAuth events): monotonic real times
    and simulated Unix times."""

    def __init__(self, sim: Simulator) -> None:
        self.times: list[float] = []
        self.simulated: list[float] = []
        sim.pbx.subscribe(self._on_event)

    def _on_event(self, event: SimEvent) -> None:
        if event.name == "SuccessfulAuth":
            self.times.append(time.monotonic())
            self.simulated.append(event.timestamp)


# --- the calls of an event stream --------------------------------------------------------


class EventLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def timestamp(self) -> float | None: ...

    def get(self, key: str, default: str | None = None) -> str | None: ...


@dataclass
class LedgerCall:
    """One call (linked id) as an event stream showed it."""

    linked_id: str
    first_seen: float
    channels: set[str] = field(default_factory=set)
    team: str | None = None
    state: str | None = None
    source: str | None = None
    decided_at: float | None = None
    ended_at: float | None = None
    queues: list[tuple[str, float]] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


MARKER_EVENT = "E2EMarker"
_LEDGER_EVENTS = frozenset({"Newchannel", "Hangup", "UserEvent", "QueueCallerJoin"})


class CallLedger:
    """Calls by linked id: first channel, the CallHours decision, queue joins, last hangup.

    Fed with the simulator's events (everything the PBX did) or with the events the
    service's AMI client received (what the service saw). Same rule as the tracker: a call
    is over when its last channel has hung up.
    """

    def __init__(self) -> None:
        self.calls: dict[str, LedgerCall] = {}
        self.events = 0
        self.markers: set[str] = set()

    def observe(self, event: EventLike) -> None:
        name = event.name
        if name not in _LEDGER_EVENTS:
            return
        if name == "UserEvent" and event.get("UserEvent") == MARKER_EVENT:
            self.markers.add(event.get("Token") or "")
            return
        linked = event.get("Linkedid")
        unique = event.get("Uniqueid")
        if not linked or not unique:
            return
        self.events += 1
        at = event.timestamp or 0.0
        call = self.calls.get(linked)
        if name == "Newchannel":
            if call is None or call.ended:
                call = self.calls[linked] = LedgerCall(linked, at)
            call.channels.add(unique)
            return
        if call is None:
            return
        if name == "Hangup":
            call.channels.discard(unique)
            if not call.channels:
                call.ended_at = at
        elif name == "UserEvent":
            if event.get("UserEvent") == "CallHours" and call.team is None:
                call.team = event.get("Team")
                call.state = event.get("State")
                call.source = event.get("Source")
                call.decided_at = at
        else:
            call.queues.append((event.get("Queue") or "", at))

    def team_calls(self) -> dict[str, LedgerCall]:
        """Calls that passed a CallHours decision: the ones that get a record."""
        return {lid: call for lid, call in self.calls.items() if call.team is not None}


def ledger_of(sim: Simulator) -> CallLedger:
    ledger = CallLedger()
    sim.pbx.subscribe(ledger.observe)
    return ledger


async def collect(events: AsyncIterator[Any], ledger: CallLedger) -> None:
    """Feed a ledger from an AmiClient subscription (run it as a task)."""
    async for event in events:
        ledger.observe(event)


async def drain(sim: Simulator, ledger: CallLedger, timeout: float = 10.0) -> None:
    """Return once a client has received everything the simulator published so far.

    A marker UserEvent goes out last on the same connection; when the client's ledger
    has it, every earlier event was dispatched to all of that client's subscribers. The
    service's tracker empties its queue without yielding, so a short pause then suffices.
    """
    token = f"m{len(ledger.markers)}-{time.monotonic_ns()}"
    sim.pbx.bus.emit("UserEvent", "user,all", [("UserEvent", MARKER_EVENT), ("Token", token)])
    await wait_for(lambda: token in ledger.markers, timeout, "the marker event")
    await asyncio.sleep(0.1)


# --- the database ------------------------------------------------------------------------


def stored_records(database_url: str) -> dict[str, CallRecord]:
    """Every call record in the database by linked id; fails if a linked id is there twice."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.scalar(select(func.count()).select_from(CallRecordRow)) or 0
            ids = list(session.scalars(select(CallRecordRow.linked_id)))
            assert rows == len(ids) == len(set(ids)), f"{rows} rows for {len(set(ids))} calls"
            repository = CallRecordRepository(session)
            return {linked: repository.get(linked) for linked in ids}
    finally:
        engine.dispose()


# --- the service as a subprocess ----------------------------------------------------------


WEB_URL = re.compile(r"web app: (http://\S+)")


def fetch(url: str) -> tuple[int, str]:
    """GET `url`: status and body, also for error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class ServeProcess:
    """`python -m callcenter --config FILE serve` on the simulator's clock; output to a log."""

    def __init__(
        self, config: Path, log: Path, clock: SimClock | None = None, web_port: int = 0
    ) -> None:
        self.config = config
        self.log = log
        self.clock = clock
        self.web_port = web_port  # the whole service, web app included; 0: any free port
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    def start(self) -> None:
        args = [*CLI, "--config", str(self.config), "serve", "--web-port", str(self.web_port)]
        if self.clock is not None:
            anchor = time.time()
            shown = self.clock.now()
            args += [
                "--clock-start",
                shown.isoformat(),
                "--clock-speed",
                repr(self.clock.speed),
                "--clock-anchor",
                repr(anchor),
            ]
        if self._log_file is None:
            self._log_file = self.log.open("ab")
        env = {**os.environ, "CALLCENTER_AMI_SECRET": SECRET}
        self.proc = subprocess.Popen(
            args, stdout=self._log_file, stderr=subprocess.STDOUT, env=env, cwd=self.log.parent
        )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check(self) -> bool:
        """True while running; a process that ended unasked fails the test with its log."""
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(
                f"serve ended with {self.proc.returncode}:\n{self.log_text()[-4000:]}"
            )
        return True

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    async def terminate(self, timeout: float = 15.0) -> tuple[int, float]:
        """SIGTERM; returns the exit code and the real seconds until the process was gone."""
        assert self.proc is not None
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(self.proc.wait, timeout)
        return code, time.monotonic() - began

    def web_url(self) -> str | None:
        """The address `serve` printed for its web app (the last one, after restarts)."""
        urls = WEB_URL.findall(self.log_text())
        return urls[-1] if urls else None

    def log_text(self) -> str:
        if self._log_file is not None:
            self._log_file.flush()
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
