"""Processes of the web benchmark (bench_web.py): the app's server, a bare aiohttp server
served the same way, and the load generator, each in its own interpreter so that no two of
them share an event loop or a core's GIL.

    python web_load.py app DATA_DIR PORT
    python web_load.py bare PORT
    python web_load.py load BASE_URL PATH CONCURRENCY SECONDS [USER PASSWORD]
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, CookieJar, TCPConnector, web

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def serve_app(data_dir: str, port: int) -> None:
    import os

    from callcenter.clock import SystemClock
    from callcenter.config import load_settings
    from callcenter.storage.store import open_store
    from callcenter.web.app import create_app

    settings = load_settings(None, environ=dict(os.environ), data_dir=Path(data_dir))
    store = open_store(settings)
    app = create_app(store, settings, SystemClock())
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def serve_bare(port: int) -> None:
    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", hello)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def _login(session: ClientSession, base: str, user: str, password: str) -> None:
    async with session.get(f"{base}/anmelden") as page:
        found = CSRF.search(await page.text())
    assert found is not None, "no login form"
    form = {"username": user, "password": password, "csrf_token": found.group(1)}
    async with session.post(f"{base}/anmelden", data=form, allow_redirects=False) as done:
        assert done.status in (302, 303), done.status


async def load(base: str, path: str, concurrency: int, seconds: float, login: list[str]) -> dict:
    latencies: list[float] = []
    failures = 0
    connector = TCPConnector(limit=concurrency)
    jar = CookieJar(unsafe=True)  # cookies of 127.0.0.1 (an IP address) too
    timeout = ClientTimeout(total=60)
    async with ClientSession(connector=connector, timeout=timeout, cookie_jar=jar) as session:
        if login:
            await _login(session, base, login[0], login[1])
        first = time.perf_counter()
        async with session.get(base + path) as warm:  # first compute / template load
            await warm.read()
        first = time.perf_counter() - first
        deadline = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal failures
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.get(base + path, allow_redirects=False) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf"),
        "failures": failures,
        "first": first,
    }


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "app":
        serve_app(args[0], int(args[1]))
    elif mode == "bare":
        serve_bare(int(args[0]))
    else:
        base, path, concurrency, seconds, *login = args
        print(json.dumps(asyncio.run(load(base, path, int(concurrency), float(seconds), login))))
