"""`callcenter serve` with its control socket, against the simulated PBX: the CLI's fast
commands run inside the service and print what the direct path prints; a closure added
that way is audited as the caller and reaches the PBX's AstDB; a refused one writes nothing.

One service and one simulator for the module: the simulator runs on an event loop of its own
thread, so the tests can start CLI processes and wait for them plainly.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from support import (
    BERLIN,
    FAMILY,
    ServeProcess,
    example_office,
    example_settings,
    fast_profile,
    make_simulator,
    write_config,
)

from callcenter.simulator import SimClock, Simulator, schedule_fallback

T = TypeVar("T")
# Monday 7 Jan 2030, 10:00: team A open (Mo–Do 09:00–12:00). The CLI runs on the real clock,
# so a closure of that day lies in its future, and the service (on this clock) sees it now.
START = datetime(2030, 1, 7, 10, 0, tzinfo=BERLIN)
PROBE = (
    "import json, os, sys\n"
    "from callcenter.launcher import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "finally:\n"
    "    with open(os.environ['PROBE_MODULES'], 'w') as out:\n"
    "        json.dump(sorted({m.split('.')[0] for m in sys.modules}), out)\n"
)
NOT_ON_THE_FAST_PATH = {"sqlalchemy", "pydantic", "click", "aiohttp"}


class LoopThread:
    """An event loop in a thread of its own, for the simulator."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


def poll(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


@dataclass
class Office:
    root: Path
    config: Path
    data_dir: Path
    sim: Simulator
    serve: ServeProcess

    def cli(
        self, *argv: str, direct: bool = False, config: Path | None = None
    ) -> tuple[int, str, str, set[str]]:
        """`callcenter --config … ARGV` as an admin runs it (on the service's configuration
        unless told another); also the packages it loaded."""
        modules = self.root / "modules.json"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
        environ["PROBE_MODULES"] = str(modules)
        if direct:
            environ["CALLCENTER_NO_CONTROL"] = "1"
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "--config", str(config or self.config), *argv],
            capture_output=True,
            text=True,
            timeout=90,
            env=environ,
        )
        loaded = set(json.loads(modules.read_text("utf-8")))
        return done.returncode, done.stdout, done.stderr, loaded

    def audit(self) -> list[tuple[str, str]]:
        with sqlite3.connect(self.data_dir / "callcenter.sqlite3") as db:
            return list(db.execute("SELECT actor, action FROM audit_log ORDER BY id"))

    @property
    def socket(self) -> Path:
        return self.data_dir / "control.sock"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, sounds_dir: Path) -> Iterator[Office]:
    root = tmp_path_factory.mktemp("control")
    data_dir = root / "data"
    # A copy: the closure re-renders announcements, the session's folder stays as it was.
    sounds = root / "sounds"
    shutil.copytree(sounds_dir, sounds)
    base = example_settings(data_dir)
    seeded = example_office(base)
    clock = SimClock(START, speed=1.0)
    thread = LoopThread()

    async def start_simulator() -> Simulator:
        profile = fast_profile(base, seeded, 0.0)
        sim = make_simulator(base, profile, clock, schedule_fallback(seeded))
        await sim.start()
        return sim

    sim = thread.run(start_simulator())
    config = write_config(root / "office.toml", data_dir, sim.port, sounds_dir=sounds)
    serve = ServeProcess(config, root / "serve.log", clock)
    try:
        serve.start()
        ready = Office(root, config, data_dir, sim, serve)
        poll(
            lambda: (
                serve.check()
                and ready.socket.exists()
                and sim.pbx.db.get(FAMILY, "auslaender-a") == "open"
            ),
            90,
            "the service's control socket and team A open",
        )
        yield ready
    finally:
        serve.close()
        thread.run(sim.stop())
        thread.close()


def test_the_socket_is_the_service_users_alone(office: Office) -> None:
    mode = office.socket.stat().st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600
    assert f"control socket: {office.socket}" in office.serve.log_text()  # serve names it


def test_state_and_closures_via_the_service_print_what_the_direct_path_prints(
    office: Office,
) -> None:
    for argv in (
        ["state", "--at", "2030-01-08T10:00:00+01:00"],
        ["state", "--team", "einbuergerung", "--at", "2030-01-08T15:00"],
        ["closure", "list"],
    ):
        served = office.cli(*argv)
        direct = office.cli(*argv, direct=True)
        assert served[:3] == direct[:3], argv
        assert served[0] == 0, served[2]
        # The fast path talked to the service: it never loaded the database or the config.
        assert served[3].isdisjoint(NOT_ON_THE_FAST_PATH), argv
        assert "sqlalchemy" in direct[3]


def test_a_closure_via_the_service_is_audited_as_the_caller_and_reaches_the_pbx(
    office: Office,
) -> None:
    db = office.sim.pbx.db
    assert db.get(FAMILY, "auslaender-a") == "open"
    before = office.audit()
    code, out, err, loaded = office.cli(
        "closure", "add", "--team", "auslaender-a", "--from", "2030-01-07", "--note", "Engpass"
    )
    assert code == 0, err
    assert out.startswith("Schließung #")
    assert "für auslaender-a: Mo 07.01.2030 00:00 bis Di 08.01.2030 00:00 – Engpass" in out
    assert loaded.isdisjoint(NOT_ON_THE_FAST_PATH)
    assert office.audit()[len(before) :] == [(f"cli:{getpass.getuser()}", "add_closure")]
    poll(
        lambda: db.get(FAMILY, "auslaender-a") == "closed:closure",
        10,
        "the closure in the PBX's AstDB",
    )


def test_a_cli_on_another_configuration_file_runs_directly(office: Office) -> None:
    # The same data directory (so the same socket), but another file: it could name another
    # database, so the service declines and the CLI runs on its own configuration.
    other = office.root / "other.toml"
    other.write_text(office.config.read_text("utf-8"), "utf-8")
    argv = ("state", "--at", "2030-01-08T10:00:00+01:00")
    code, out, err, loaded = office.cli(*argv, config=other)
    assert (code, out, err) == office.cli(*argv, direct=True)[:3]
    assert code == 0, err
    assert "sqlalchemy" in loaded  # the direct path
    assert "anderen Konfigurationsdatei" not in err
    served = office.cli(*argv)
    assert served[:3] == (code, out, err)
    assert served[3].isdisjoint(NOT_ON_THE_FAST_PATH)  # the service's own file: served


@pytest.mark.parametrize(
    "argv",
    [
        ["closure", "add", "--team", "auslaender-b", "--from", "2020-01-06"],  # in the past
        ["closure", "add", "--team", "auslaender-b"],  # neither --from nor --today
        ["--lang", "en", "opening", "add", "nobody", "2030-01-12", "09:00-12:00"],
    ],
)
def test_a_refused_request_reads_as_on_the_direct_path_and_writes_nothing(
    office: Office, argv: list[str]
) -> None:
    before = office.audit()
    served = office.cli(*argv)
    direct = office.cli(*argv, direct=True)
    assert served[0] in (1, 2)
    assert served[:3] == direct[:3]
    assert served[3].isdisjoint(NOT_ON_THE_FAST_PATH)
    assert office.audit() == before
