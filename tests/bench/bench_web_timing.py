"""The PBX side keeps its timing while the web is under load (issue 19, point 2): `callcenter
serve` runs against the simulator with a 1 s heartbeat, its web app serves the overview to
50 clients (tests/bench/web_load.py, another interpreter), and the simulated AstDB notes
when each heartbeat and each team state arrives.

Printed, idle and under load (min/median/max over three runs each): the largest gap between
two heartbeats (the PBX falls back to its compiled dialplan only after 60 s), and the state
push latency: from an API request that closes a team for the day until the PBX holds the
new state. Only that the service keeps working is asserted; timings never decide.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from ratios import MIN_RUNS, print_ratio

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "tests"))
import support  # noqa: E402

from callcenter.simulator import SimClock, schedule_fallback  # noqa: E402
from callcenter.usecases.prompts import render_announcements  # noqa: E402

LOAD = str(Path(__file__).with_name("web_load.py"))
USER, PASSWORD = "bench", "bench-passwort-lang-genug"
TEAM = "auslaender-b"
SECONDS = 6.0
# Monday 12:30: team B (the one closed by the API here) is open.
START = datetime(2026, 11, 23, 12, 30, tzinfo=support.BERLIN)


def _cli(config: Path, *args: str, stdin: str = "") -> str:
    env = {**os.environ, "CALLCENTER_AMI_SECRET": support.SECRET}
    done = subprocess.run(
        [*support.CLI, "--config", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return done.stdout


def _heartbeats(db: support.RecordingAstDb, since: float) -> list[float]:
    return [at for at, family, key, _ in db.writes if key == support.HEARTBEAT and at >= since]


def _largest_gap(times: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(times)), default=float("inf"))


def _post(url: str, token: str, body: dict[str, object]) -> dict[str, object]:
    request = Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urlopen(request, timeout=30) as response:
        answer: dict[str, object] = json.loads(response.read())
    return answer


async def _close_team(url: str, token: str, db: support.RecordingAstDb) -> tuple[float, object]:
    """Seconds from the API request closing TEAM until the PBX holds the closed state."""
    body = {"team": TEAM, "today": True, "note": "bench"}
    began = time.monotonic()
    closure = await asyncio.to_thread(_post, f"{url}/api/v1/closures", token, body)
    while True:
        for at, _family, key, value in db.writes:
            if at >= began and key == TEAM and value.startswith("closed"):
                return at - began, closure["id"]
        if time.monotonic() - began > 30:
            raise AssertionError("the closed state never reached the PBX")
        await asyncio.sleep(0.005)


async def _phase(
    url: str, token: str, db: support.RecordingAstDb, load: bool
) -> tuple[float, float]:
    began = time.monotonic()
    process = None
    if load:
        process = await asyncio.create_subprocess_exec(
            sys.executable, LOAD, "load", url, "/", "50", str(SECONDS), USER, PASSWORD,
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await asyncio.sleep(1.5)  # the clients are signed in and busy
    latency, closure_id = await _close_team(url, token, db)
    await asyncio.sleep(max(0.0, SECONDS - (time.monotonic() - began)))
    if process is not None:
        out, _ = await process.communicate()
        result = json.loads(out)
        assert result["failures"] == 0, result
    gap = _largest_gap(_heartbeats(db, began))
    await asyncio.to_thread(_post, f"{url}/api/v1/closures/{closure_id}/end", token, {})
    await asyncio.sleep(1.5)  # open again at the PBX before the next phase
    return gap, latency


@pytest.fixture(scope="module")
def sounds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sounds")
    settings = support.example_settings(root)
    settings = settings.model_copy(
        update={"prompts": settings.prompts.model_copy(update={"sounds_dir": root / "sounds"})}
    )
    asyncio.run(render_announcements(settings, support.example_office(settings), START))
    return root / "sounds"


def _serve(tmp_path: Path, port: int, sounds: Path) -> Iterator[tuple[Path, support.ServeProcess]]:
    config = support.write_config(
        tmp_path / "office.toml", tmp_path / "data", port, sounds_dir=sounds, heartbeat=1.0
    )
    serve = support.ServeProcess(config, tmp_path / "serve.log", SimClock(START, speed=1.0))
    try:
        yield config, serve
    finally:
        serve.close()


async def test_heartbeat_and_state_push_while_the_web_is_under_load(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=1.0)
    base = support.example_settings(tmp_path / "data")
    office = support.example_office(base)
    profile = support.fast_profile(base, office, 30.0)
    sim = support.make_simulator(base, profile, clock, schedule_fallback(office), seed=3)
    db = support.record_astdb(sim)
    await sim.start()
    serving = _serve(tmp_path, sim.port, sounds_dir)
    config, serve = next(serving)
    try:
        _cli(config, "state")  # migrates and seeds before the service starts
        _cli(config, "users", "add", USER, "--role", "admin", "--password-stdin",
             stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
        token = _cli(config, "users", "token", "bench", "--user", USER, "--scope", "closures")
        token = token.strip().splitlines()[-1].split()[-1]
        serve.start()
        await support.wait_for(lambda: serve.check() and _heartbeats(db, 0), 60, "heartbeat")
        await support.wait_for(lambda: serve.web_url() is not None, 30, "web app address")
        url = (serve.web_url() or "").rstrip("/")
        idle = [await _phase(url, token, db, False) for _ in range(MIN_RUNS)]
        loaded = [await _phase(url, token, db, True) for _ in range(MIN_RUNS)]
        serve.check()
    finally:
        next(serving, None)
        await sim.stop()
    print(f"\n(load average {os.getloadavg()[0]:.2f}; heartbeat every 1.0 s)")
    print_ratio(
        "largest heartbeat gap, overview at 50 clients",
        [gap for gap, _ in loaded],
        "idle web",
        [gap for gap, _ in idle],
        target="stays near 1 s; fallback after 60 s",
    )
    print_ratio(
        "state push latency (API closure → PBX), overview at 50 clients",
        [latency for _, latency in loaded],
        "idle web",
        [latency for _, latency in idle],
    )
