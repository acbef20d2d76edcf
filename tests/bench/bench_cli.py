"""CLI start-up (issue 19, point 3): `--help`, `state` and `closure add` against `python -c
pass` in the same run; each command runs in a new interpreter as an admin would start it.

Two paths: direct (the command opens the database itself; no service, or
CALLCENTER_NO_CONTROL=1) and through the running service's control socket (the command only
sends its arguments; the service runs it). End to end: from starting `closure add` until the
simulated PBX's AstDB holds the new state, with `callcenter serve` (its own process, default
change polling, control socket on) running against the built-in simulator, both paths side by
side."""

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

from ratios import print_ratio, timed_runs

from callcenter.bootstrap import ServiceOptions
from callcenter.simulator import SimClock, schedule_fallback
from callcenter.usecases.prompts import render_announcements

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
import support  # noqa: E402

RUNS = 5


# As an installed package has it: compiled bytecode written once and read on every start.
ENV = {
    k: v
    for k, v in os.environ.items()
    if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith("CALLCENTER_")
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


async def _wait_for(check: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the simulated PBX never showed the change")
        await asyncio.sleep(0.002)


async def _cli(config: Path, *args: str, direct: bool = False) -> str:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "callcenter",
        "--config",
        str(config),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=DIRECT_ENV if direct else ENV,
    )
    out, err = await process.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def _timed_async(action: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        seconds.append(time.perf_counter() - started)
    return seconds


async def _bare_run() -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await process.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


async def test_admin_closure_reaches_the_simulated_pbx(tmp_path: Path) -> None:
    """`callcenter serve` as its own process (as in an office), the simulated PBX here."""
    clock = SimClock(OPEN_MONDAY, speed=1)
    data_dir = tmp_path / "data"
    base = support.example_settings(data_dir)
    office = support.example_office(base)
    sounds = tmp_path / "sounds"
    sound_settings = base.model_copy(
        update={"prompts": base.prompts.model_copy(update={"sounds_dir": sounds})}
    )
    # Rendered before the service starts, so that its start-up rendering is not measured.
    await render_announcements(sound_settings, office, OPEN_MONDAY)
    profile = support.fast_profile(base, office, 0.0)
    sim = support.make_simulator(base, profile, clock, schedule_fallback(office))
    await sim.start()
    config = support.write_config(tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds)
    serve = support.ServeProcess(config, tmp_path / "serve.log", clock)
    db = sim.pbx.db
    try:
        serve.start()
        await support.wait_for(
            lambda: (
                serve.check()
                and (data_dir / "control.sock").exists()
                and db.get("callhours", "auslaender-a") == "open"
            ),
            90,
            "serve's control socket and team A open",
        )
        await asyncio.sleep(3.0)  # start-up work (dialplan, announcements checked) settles
        cpu_seconds.clear()
        bare = await _timed_async(_bare_run, E2E_RUNS)
        bare_cpu = list(cpu_seconds)
        cpu_seconds.clear()
        state = await _timed_async(lambda: _cli(config, "state"), E2E_RUNS)
        state_cpu = list(cpu_seconds)
        print_ratio(
            "callcenter state, via the control socket (serve running)",
            state,
            "python -c pass",
            bare,
            target="≤ 0.3 s absolute",
        )
        print_ratio(
            "callcenter state, via the control socket, CPU time of the command",
            state_cpu,
            "python -c pass, CPU time",
            bare_cpu,
        )
        for label, direct in (("via the control socket", False), ("direct", True)):
            to_pbx, command_ends = [], []
            cpu_seconds.clear()
            for _ in range(E2E_RUNS):
                started = time.perf_counter()
                command = asyncio.ensure_future(
                    _cli(
                        config,
                        "closure",
                        "add",
                        "--team",
                        "auslaender-a",
                        "--from",
                        "2030-01-07",
                        direct=direct,
                    )
                )
                # The PBX may see the change before the command ends (the direct path
                # re-renders the announcements after its commit): this figure ends when the
                # AstDB shows it.
                await _wait_for(lambda: db.get("callhours", "auslaender-a") != "open")
                to_pbx.append(time.perf_counter() - started)
                out = await command
                command_ends.append(time.perf_counter() - started)
                # Undone outside the figure, so that every run starts from an open team.
                found = re.search(r"#(\d+)", out)
                assert found, out
                await _cli(config, "closure", "delete", found.group(1))
                await _wait_for(lambda: db.get("callhours", "auslaender-a") == "open")
            add_cpu = cpu_seconds[::2]  # each add's own CPU, not the deletes'
            if not direct:
                print_ratio(
                    f"callcenter closure add, {label} (serve running)",
                    command_ends,
                    "python -c pass",
                    bare,
                    target="≤ 0.3 s absolute",
                )
                print_ratio(
                    f"callcenter closure add, {label}, CPU time of the command",
                    add_cpu,
                    "python -c pass, CPU time",
                    bare_cpu,
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
        serve.close()
        await sim.stop()
