"""On PostgreSQL, an edit from another process reaches a running `serve` by LISTEN/NOTIFY.

The service polls the audit log only every few seconds there; the CLI's commit notifies
it at once, so the PBX has the new state well within a second of the command's end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import datetime
from pathlib import Path

from support import (
    BERLIN,
    CLI,
    FAMILY,
    SECRET,
    PgCluster,
    ServeProcess,
    example_office,
    example_settings,
    fast_profile,
    make_simulator,
    wait_for,
    write_config,
)

from callcenter.bootstrap import POSTGRES_POLL_SECONDS
from callcenter.simulator import SimClock, schedule_fallback

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open


async def test_a_cli_edit_reaches_the_pbx_by_notify(
    tmp_path: Path, sounds_dir: Path, pg: PgCluster
) -> None:
    assert POSTGRES_POLL_SECONDS >= 5  # so an arrival within a second is the NOTIFY's
    url = pg.create_database("callcenter")
    clock = SimClock(START, speed=1.0)
    base = example_settings(tmp_path)
    office = example_office(base)
    sim = make_simulator(base, fast_profile(base, office, 0.0), clock, schedule_fallback(office))
    await sim.start()
    config = write_config(
        tmp_path / "office.toml", tmp_path / "data", sim.port, database_url=url,
        sounds_dir=sounds_dir,
    )  # fmt: skip
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, "einbuergerung") == "open",
            60,
            "Einbürgerung open",
        )
        await wait_for(lambda: "service started" in serve.log_text(), 30, "service started")
        env = {**os.environ, "CALLCENTER_AMI_SECRET": SECRET}
        # Issue 15: the CLI runs on the real clock and may not start a closure before its
        # now, which is after the simulated day; new call hours take effect at once.
        await asyncio.to_thread(
            subprocess.run,
            [*CLI, "--config", str(config), "hours", "set", "einbuergerung", "--none", "--force"],
            check=True, env=env, capture_output=True, timeout=60,
        )  # fmt: skip
        took = await wait_for(
            lambda: sim.pbx.db.get(FAMILY, "einbuergerung") == "closed:hours",
            POSTGRES_POLL_SECONDS,
            "the new call hours pushed",
            step=0.005,
        )
        assert took < 1.0, serve.log_text()[-2000:]
        assert "applied (cli:" in serve.log_text()
    finally:
        serve.close()
        await sim.stop()
