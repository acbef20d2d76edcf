"""Run the simulator for a configured office until cancelled (CLI and demo)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from callcenter.config import Settings
from callcenter.domain.schedule import Office
from callcenter.simulator.clock import SimClock
from callcenter.simulator.file_fallback import Fallback
from callcenter.simulator.from_settings import model_from_settings, profile_from_settings
from callcenter.simulator.simulator import Simulator
from callcenter.simulator.traffic import TrafficGenerator

logger = logging.getLogger(__name__)

DEMO_SECRET = "demo"


@dataclass(frozen=True)
class SimulateOptions:
    host: str = "127.0.0.1"
    port: int = 5038
    speed: float = 60.0
    seed: int | None = None
    calls_per_hour: float = 6.0
    start: datetime | None = None
    report_every: float = 10.0  # real seconds between progress lines


def credentials(settings: Settings) -> tuple[str, str]:
    """The login the simulator accepts: the configured AMI user and secret (or `demo`)."""
    secret = settings.ami_secret.get_secret_value() if settings.ami_secret else DEMO_SECRET
    return settings.ami.username, secret


async def simulate(
    settings: Settings,
    office: Office,
    options: SimulateOptions,
    on_ready: Callable[[Simulator], None],
    on_progress: Callable[[Simulator], None],
    fallback: Fallback,
) -> None:
    """Serve AMI and generate traffic until cancelled; `fallback` routes stale calls."""
    clock = SimClock(options.start, options.speed)
    profile = profile_from_settings(settings, office, options.calls_per_hour)
    username, secret = credentials(settings)
    sim = Simulator(
        model_from_settings(settings, profile.phone()),
        username=username,
        secret=secret,
        clock=clock,
        fallback=fallback,
        seed=options.seed,
        host=options.host,
        port=options.port,
    )
    async with sim:
        on_ready(sim)
        traffic = TrafficGenerator(sim.pbx, profile, seed=options.seed)
        task = asyncio.create_task(traffic.run(), name="sim-traffic")
        try:
            while True:
                await asyncio.sleep(options.report_every)
                on_progress(sim)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
