"""An idle `callcenter serve` is quiet: INFO carries what an operator reads, not wake-ups.

Before the log levels were set, the change poll and the heartbeat wrote about 290 INFO lines a
minute (APScheduler's "Running job" / "executed successfully"). After start-up (login, the
states pushed, announcements rendered) an idle service must write no routine INFO lines at all;
a monitor polling /healthz must not add any either.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    ServeProcess,
    example_office,
    example_settings,
    fast_profile,
    make_simulator,
    wait_for,
    write_config,
)

from callcenter.simulator import SimClock, schedule_fallback

START = datetime(2026, 11, 23, 12, 30, tzinfo=BERLIN)  # Monday: team A closed, B open
INFO_LINE = re.compile(r"^\S+ \S+ INFO (\S+): (.*)$", re.MULTILINE)
IDLE_SECONDS = 20.0


def info_lines(text: str) -> list[tuple[str, str]]:
    return INFO_LINE.findall(text)


async def test_an_idle_service_writes_no_routine_info_lines(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=1.0)  # real time: the poll and heartbeat run as in an office
    data_dir = tmp_path / "data"
    base = example_settings(data_dir)
    office = example_office(base)
    profile = fast_profile(base, office, 0.0)
    sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=3)
    await sim.start()
    config = write_config(tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds_dir)
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 60, "heartbeat"
        )
        await wait_for(lambda: serve.web_url() is not None, 30, "web app address")
        start_up = info_lines(serve.log_text())
        pushed = [message for name, message in start_up if name == "callcenter.pbx.pusher"]
        assert any("state pushed: callhours/auslaender-a" in line for line in pushed), start_up
        await asyncio.sleep(2.0)  # let start-up work (announcements) finish
        settled = len(info_lines(serve.log_text()))

        url = (serve.web_url() or "").rstrip("/") + "/healthz"
        began = time.monotonic()
        while time.monotonic() - began < IDLE_SECONDS:
            serve.check()
            await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).read())
            await asyncio.sleep(1.0)

        idle = info_lines(serve.log_text())[settled:]
        # About 40 heartbeat/poll wake-ups per 20 s ran meanwhile; none may reach INFO.
        assert idle == [], f"{len(idle)} INFO lines while idle: {idle[:5]}"
        assert "apscheduler" not in serve.log_text()
    finally:
        serve.close()
        await sim.stop()
