"""`callcenter demo` is healthy from its first minute to its last.

The demo runs the PBX simulator on an accelerated clock (×120). The heartbeat is judged on
the PBX's clock, so its interval must shrink with the speed: at a fixed five real seconds
the PBX saw a heartbeat 600 simulated seconds old and /healthz said "fehler" all along.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from support import CLI, fetch

DURATION = 60.0
WEB_URL = re.compile(r"web app: (http://[^\s/]+)")


async def test_the_demo_reports_ok_for_its_whole_run(tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    env = {**os.environ, "CALLCENTER_DATA_DIR": str(tmp_path / "data")}
    env.pop("CALLCENTER_CONFIG", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*CLI, "demo", "--duration", str(DURATION), "--web-port", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )
        try:
            url = None
            deadline = time.monotonic() + 120
            while url is None:
                assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, "demo printed no web address"
                found = WEB_URL.search(log.read_text(errors="replace"))
                url = found.group(1) if found else None
                await asyncio.sleep(0.5)

            answers: list[tuple[int, dict[str, Any]]] = []
            began = time.monotonic()
            # Until shortly before the demo ends by itself (it stops the service then).
            while time.monotonic() - began < DURATION - 5:
                status, body = await asyncio.to_thread(fetch, url + "/healthz")
                answers.append((status, json.loads(body)))
                await asyncio.sleep(1.0)
        finally:
            code = await asyncio.to_thread(proc.wait, DURATION + 60)
    bad = [(status, body) for status, body in answers if status != 200 or body["status"] != "ok"]
    assert len(answers) >= 40
    assert not bad, f"{len(bad)} of {len(answers)} answers not ok, first: {bad[0]}"
    ages = [body["checks"]["heartbeat"]["age_seconds"] for _, body in answers]
    assert max(ages) < 60  # simulated seconds, the PBX's staleness limit
    assert code == 0, log.read_text(errors="replace")[-3000:]
