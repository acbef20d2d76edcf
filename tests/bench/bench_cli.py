"""CLI start-up (issue 19, point 3): `--help`, `state` and `closure add` against `python -c
pass` in the same run; each command runs in a new interpreter as an admin would start it.

Two paths: direct (the command opens the database itself; no service, or
CALLCENTER_NO_CONTROL=1) and through the running service's control socket (the command only
sends its arguments; the service runs it). End to end: from starting `closure add` until the
simulated PBX's AstDB holds the new state, with the service (default change polling, control
socket on) running against the built-in simulator, both paths side by side."""

from __future__ import annotations

import asyncio
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from ratios import print_ratio, timed_runs

from callcenter.bootstrap import Service, ServiceOptions
from callcenter.cli.served import control_handler
from callcenter.config import load_settings
from callcenter.simulator import SimClock, Simulator, recorded_model, schedule_fallback
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

RUNS = 5


# As an installed package has it: compiled bytecode written once and read on every start.
ENV = {
    k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CALLCENTER_CONFIG")
}
DIRECT_ENV = {**ENV, "CALLCENTER_NO_CONTROL": "1"}
# CPU seconds (user + system) of each child, beside the wall clock: on a machine shared with
# other work the wall clock swings with the load, the CPU a command needs much less.
cpu_seconds: list[float] = []


def _run(args: list[str]) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, capture_output=True, timeout=60, env=DIRECT_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def _timed(action: Callable[[], None]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of RUNS calls of `action`."""
    cpu_seconds.clear()
    wall = timed_runs(action, RUNS)
    return wall, list(cpu_seconds)


def test_cli_start_up_against_a_bare_interpreter(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "callcenter", "--data-dir", str(tmp_path / "data")]
    _run([*cli, "state"])  # seeds the database: not part of a figure
    bare, bare_cpu = _timed(lambda: _run([sys.executable, "-c", "pass"]))
    days = iter(range(1, 100))

    def closure_add() -> None:
        day = f"2030-01-{next(days):02d}"
        _run([*cli, "closure", "add", "--team", "auslaender-a", "--from", day, "--note", "bench"])

    for figure, action in (
        ("callcenter --help", lambda: _run([*cli, "--help"])),
        ("callcenter state, direct", lambda: _run([*cli, "state"])),
        ("callcenter closure add, direct (stored and prompts re-rendered)", closure_add),
    ):
        wall, cpu = _timed(action)
        print_ratio(figure, wall, "python -c pass", bare, target="≤ 0.3 s absolute")
        print_ratio(f"{figure}, CPU time", cpu, "python -c pass, CPU time", bare_cpu)


# A Monday inside auslaender-a's hours (Mo–Do 09:00–12:00), no holiday: a closure of that
# day turns the team from open to closed at once.
OPEN_MONDAY = datetime(2030, 1, 7, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
E2E_RUNS = 5


async def _wait_for(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the simulated PBX never showed the change")
        await asyncio.sleep(0.002)


async def _cli(data_dir: Path, *args: str, direct: bool = False) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "callcenter",
        "--data-dir",
        str(data_dir),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=DIRECT_ENV if direct else ENV,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def _timed_async(action: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        seconds.append(time.perf_counter() - started)
    return seconds


async def test_admin_closure_reaches_the_simulated_pbx(tmp_path: Path) -> None:
    clock = SimClock(OPEN_MONDAY, speed=1)
    seed_settings = load_settings(None, environ={}, data_dir=tmp_path)
    store = open_store(seed_settings)
    seed_from_settings(store, "bench", clock.now())
    sim = Simulator(
        recorded_model(),
        username=seed_settings.ami.username,
        secret="demo",
        clock=clock,
        fallback=schedule_fallback(store.office()),
    )
    await sim.start()
    base = load_settings(None, environ={}, data_dir=tmp_path)
    settings = base.model_copy(
        update={
            "ami": base.ami.model_copy(update={"port": sim.port}),
            "ami_secret": SecretStr("demo"),
        }
    )
    options = ServiceOptions(web=False, control=control_handler)
    service = Service(settings, clock=clock, options=options)
    await service.start()
    assert service.control is not None, "the control socket did not start"
    db = sim.pbx.db
    try:
        await _wait_for(lambda: db.get("callhours", "auslaender-a") == "open")

        async def bare_run() -> None:
            process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
            await process.wait()

        bare = await _timed_async(bare_run, E2E_RUNS)
        state = await _timed_async(lambda: _cli(tmp_path, "state"), E2E_RUNS)
        print_ratio(
            "callcenter state, via the control socket (serve running)",
            state,
            "python -c pass",
            bare,
            target="≤ 0.3 s absolute",
        )
        for label, direct in (("via the control socket", False), ("direct", True)):
            to_pbx, command_ends = [], []
            for _ in range(E2E_RUNS):
                started = time.perf_counter()
                command = asyncio.ensure_future(
                    _cli(
                        tmp_path,
                        "closure",
                        "add",
                        "--team",
                        "auslaender-a",
                        "--from",
                        "2030-01-07",
                        direct=direct,
                    )
                )
                # The PBX sees the change before the command ends (it re-renders the
                # announcements after its commit): the figure ends when the AstDB shows it.
                await _wait_for(lambda: db.get("callhours", "auslaender-a") != "open")
                to_pbx.append(time.perf_counter() - started)
                out = await command
                command_ends.append(time.perf_counter() - started)
                # Undone outside the figure, so that every run starts from an open team.
                found = re.search(r"#(\d+)", out)
                assert found, out
                await _cli(tmp_path, "closure", "delete", found.group(1))
                await _wait_for(lambda: db.get("callhours", "auslaender-a") == "open")
            if not direct:
                print_ratio(
                    f"callcenter closure add, {label} (serve running; stored and prompts "
                    "re-rendered)",
                    command_ends,
                    "python -c pass",
                    bare,
                    target="≤ 0.3 s absolute",
                )
            print_ratio(
                f"closure add {label} → AstDB of the simulated PBX (serve running, SQLite, "
                f"poll {ServiceOptions().change_poll_seconds} s)",
                to_pbx,
                "python -c pass",
                bare,
                target="≤ 0.5 s absolute",
            )
    finally:
        await service.stop()
        await sim.stop()
        store.close()
