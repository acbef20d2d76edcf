"""A password spray against the login, on loopback: attempts per minute and /healthz latency.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_login_spray.py -s`.
The web app runs in a child process with the production argon2 cost (as `callcenter serve`
would), on 127.0.0.1 with a fresh SQLite database; this process is the attacker:

* **one address:** SPRAY_WORKERS concurrent connections guess one password for many user names;
* **many addresses:** the same, each request claiming another client address in
  X-Forwarded-For, as if it came through the office's reverse proxy (127.0.0.1 is configured as
  a trusted proxy where the code under test knows `[web] trusted_proxies`).

Beside the spray, one probe asks /healthz every PROBE_INTERVAL seconds and records how long the
answer took. Each scenario is bounded by SPRAY_ATTEMPTS requests and SPRAY_SECONDS seconds.

Printed per scenario: requests answered per minute, passwords actually checked per minute
(401 = a hash was computed), refusals per minute (429, with or without Retry-After), and the
/healthz latency p50/p95/max. To measure older code, put its source first on PYTHONPATH
(`PYTHONPATH=/path/to/old/tree`); the bench only uses what both versions have.
Only correctness of the set-up is asserted; timings never decide pass or fail.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

SPRAY_WORKERS = 32
SPRAY_ATTEMPTS = 20_000
SPRAY_SECONDS = 30.0
PROBE_INTERVAL = 0.1
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')

SERVER = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
import callcenter
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings
from callcenter.clock import SystemClock
from callcenter.config import load_settings
from callcenter.storage.web_repository import AccountRepository
from callcenter.web.app import create_app
from callcenter.web.server import start_web

async def main() -> None:
    settings = load_settings(None, environ={}, data_dir=Path(sys.argv[1]))
    trusted = "trusted_proxies" in type(settings.web).model_fields
    if trusted:
        web = settings.web.model_copy(update={"trusted_proxies": ("127.0.0.1",)})
        settings = settings.model_copy(update={"web": web})
    store = open_store(settings)
    now = datetime.now(ZoneInfo("Europe/Berlin"))
    seed_from_settings(store, "bench", now)
    with store.session() as session:
        AccountRepository(session).add_user(
            "alice", "admin", "korrekt-pferd-batterie", None, "bench", now
        )
    server = await start_web(create_app(store, settings, SystemClock()), "127.0.0.1", 0)
    print(server.url, Path(callcenter.__file__).parent, trusted, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


@dataclass
class Scenario:
    name: str
    statuses: Counter[int] = field(default_factory=Counter)
    missing_retry_after: int = 0
    health_ms: list[float] = field(default_factory=list)
    # /healthz gives its database probe 3 s; a probe that timed out is counted here.
    health_db_failed: int = 0
    seconds: float = 0.0

    def per_minute(self, count: int) -> float:
        return count * 60.0 / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        answered = sum(self.statuses.values())
        checked = self.statuses[401] + self.statuses[303]
        refused = self.statuses[429] + self.statuses[503]
        ordered = sorted(self.health_ms)
        p50 = statistics.median(ordered) if ordered else float("nan")
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
        worst = ordered[-1] if ordered else float("nan")
        return (
            f"{self.name:<16} {answered:>5} answered in {self.seconds:5.1f} s: "
            f"{self.per_minute(answered):7.0f}/min answered, "
            f"{self.per_minute(checked):6.0f}/min passwords checked, "
            f"{self.per_minute(refused):7.0f}/min refused "
            f"({self.missing_retry_after} without Retry-After); "
            f"/healthz p50 {p50:6.1f} ms, p95 {p95:6.1f} ms, max {worst:6.1f} ms "
            f"({len(ordered)} probes, {self.health_db_failed} with the database check timed "
            f"out); statuses {dict(sorted(self.statuses.items()))}"
        )


async def _login_token(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(f"{url}/anmelden") as page:
        found = CSRF_FIELD.search(await page.text())
    assert found is not None, "no login form"
    return found.group(1)


async def _spray(url: str, scenario: Scenario, many_addresses: bool) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    connector = aiohttp.TCPConnector(limit=SPRAY_WORKERS + 1)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(cookie_jar=jar, connector=connector, timeout=timeout) as s:
        token = await _login_token(s, url)
        counter = iter(range(SPRAY_ATTEMPTS))
        deadline = time.monotonic() + SPRAY_SECONDS
        stop = asyncio.Event()

        async def attacker() -> None:
            for n in counter:
                if time.monotonic() >= deadline:
                    return
                headers = {}
                if many_addresses:
                    headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
                data = {
                    "username": f"user{n:04d}",
                    "password": "Sommer2026!",
                    "csrf_token": token,
                }
                async with s.post(
                    f"{url}/anmelden", data=data, headers=headers, allow_redirects=False
                ) as response:
                    await response.read()
                    scenario.statuses[response.status] += 1
                    if response.status == 429 and "Retry-After" not in response.headers:
                        scenario.missing_retry_after += 1

        async def probe() -> None:
            async with aiohttp.ClientSession(timeout=timeout) as health:
                while not stop.is_set():
                    started = time.perf_counter()
                    async with health.get(f"{url}/healthz") as response:
                        body = await response.json()
                    scenario.health_ms.append((time.perf_counter() - started) * 1000)
                    if not body["checks"]["database"]["ok"]:
                        scenario.health_db_failed += 1
                    await asyncio.sleep(PROBE_INTERVAL)

        prober = asyncio.create_task(probe())
        started = time.monotonic()
        await asyncio.gather(*(attacker() for _ in range(SPRAY_WORKERS)))
        scenario.seconds = time.monotonic() - started
        stop.set()
        await prober


async def _quiet_health(url: str, count: int = 20) -> list[float]:
    times = []
    async with aiohttp.ClientSession() as session:
        for _ in range(count):
            started = time.perf_counter()
            async with session.get(f"{url}/healthz") as response:
                await response.read()
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(PROBE_INTERVAL)
    return times


def _start_server(folder: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """The app in a child process (its own event loop and GIL, as in production); run in
    `folder` so that PYTHONPATH, not the current directory, decides which code is tested."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        cwd=folder,
    )
    assert process.stdout is not None
    started = process.stdout.readline().split()
    assert started, "server did not start"
    assert started[0].startswith("http://127.0.0.1:"), started
    return process, started


@pytest.mark.timeout(600)
def test_login_spray(tmp_path: Path) -> None:
    scenarios = []
    started: list[str] = []
    for name, many in (("one address", False), ("many addresses", True)):
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        process, started = _start_server(folder)
        try:
            quiet = asyncio.run(_quiet_health(started[0]))
            scenario = Scenario(name)
            asyncio.run(_spray(started[0], scenario, many))
            scenarios.append((scenario, quiet))
        finally:
            process.terminate()
            process.wait(timeout=30)
            if process.stdout is not None:
                process.stdout.close()
    print(f"\ncode under test: {started[1]}")
    print(
        f"spray: {SPRAY_WORKERS} connections, at most {SPRAY_ATTEMPTS} attempts or "
        f"{SPRAY_SECONDS:g} s per scenario, production argon2 cost; trusted proxy configured: "
        f"{started[2]}"
    )
    for scenario, quiet in scenarios:
        print(f"quiet /healthz before the spray: p50 {statistics.median(quiet):.1f} ms")
        print(scenario.line())
        assert sum(scenario.statuses.values()) > 0
        assert set(scenario.statuses) <= {401, 429, 503}, scenario.statuses
