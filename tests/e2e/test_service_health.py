"""`callcenter serve` as one process: web app beside the PBX side, /healthz and /metrics.

The service runs as a subprocess against the simulator. /healthz must say 200 while the
PBX is connected and the heartbeat fresh, and 503 naming the AMI check once the PBX is
gone; /metrics must count the calls the service recorded, by outcome, in Prometheus
text format.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    ServeProcess,
    example_office,
    example_settings,
    fast_profile,
    fetch,
    make_simulator,
    stored_records,
    wait_for,
    write_config,
)

from callcenter.simulator import SimClock, schedule_fallback

START = datetime(2026, 11, 23, 12, 30, tzinfo=BERLIN)  # Monday: team A closed, B open


def recorded_by_outcome(metrics_text: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        if family.name == "callcenter_calls_recorded":
            for sample in family.samples:
                if sample.name == "callcenter_calls_recorded_total":
                    counts[sample.labels["outcome"]] = sample.value
    return counts


async def test_healthz_and_metrics_follow_the_pbx_and_the_calls(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=5.0)
    data_dir = tmp_path / "data"
    base = example_settings(data_dir)
    office = example_office(base)
    profile = fast_profile(base, office, 60.0, talk_mean=5.0, patience_mean=10.0)
    sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=5)
    await sim.start()
    config = write_config(tmp_path / "office.toml", data_dir, sim.port, sounds_dir=sounds_dir)
    serve = ServeProcess(config, tmp_path / "serve.log", clock)
    sim_running = True
    try:
        serve.start()
        await wait_for(
            lambda: serve.check() and sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 60, "heartbeat"
        )
        await wait_for(lambda: serve.web_url() is not None, 30, "web app address")
        address = serve.web_url()
        assert address is not None
        url = address.rstrip("/")

        status, body = await asyncio.to_thread(fetch, url + "/healthz")
        health = json.loads(body)
        assert status == 200, body
        assert health["status"] == "ok"
        assert health["checks"]["ami"]["ok"] is True
        assert health["checks"]["database"]["ok"] is True
        assert health["checks"]["heartbeat"]["age_seconds"] < 60

        # Two calls to team A's closed line: both hear the announcement to the end.
        for caller in ("01701111111", "01702222222"):
            sim.pbx.originate("06151100", caller, "Test")
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=20)
        await wait_for(lambda: len(stored_records(base.database_url)) == 2, 20, "2 records")
        _, metrics_text = await asyncio.to_thread(fetch, url + "/metrics")
        assert recorded_by_outcome(metrics_text)["announcement"] == 2
        assert "callcenter_ami_connected 1.0" in metrics_text
        assert "01701111111" not in metrics_text

        await sim.stop()  # the PBX goes away: the service notices, /healthz says which check
        sim_running = False

        async def ami_reported_down() -> bool:
            code, text = await asyncio.to_thread(fetch, url + "/healthz")
            return code == 503 and json.loads(text)["checks"]["ami"]["ok"] is False

        await wait_for(ami_reported_down, 10, "/healthz to report the lost PBX", step=0.1)
        _, metrics_text = await asyncio.to_thread(fetch, url + "/metrics")
        assert "callcenter_ami_connected 0.0" in metrics_text
    finally:
        serve.close()
        if sim_running:
            await sim.stop()
