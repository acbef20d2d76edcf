"""`SimClock`: the simulated wall clock shared by the simulator and the service under test."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class SimClock:
    """Simulated time that runs `speed` times faster than the event loop's clock.

    `start` is the simulated instant at the moment the clock was created (or `restart`ed);
    `speed=1` and no `start` give real time. Everything that waits in simulated seconds goes
    through `sleep`/`sleep_until`, so one knob accelerates the whole simulated PBX.
    """

    start: datetime | None = None
    speed: float = 1.0
    _epoch0: float = field(init=False, default=0.0)
    _mono0: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise ValueError("SimClock speed must be positive")
        if self.start is not None and (self.start.tzinfo is None or self.start.utcoffset() is None):
            raise ValueError("SimClock start must be timezone-aware")
        self.restart(self.start)

    def restart(self, start: datetime | None = None) -> None:
        """Pin simulated `start` (default: real now) to the current monotonic instant."""
        self._epoch0 = start.timestamp() if start is not None else time.time()
        self._mono0 = time.monotonic()

    def time(self) -> float:
        """Simulated Unix time in seconds (what Asterisk's `time()`/`Timestamp:` would say)."""
        return self._epoch0 + (time.monotonic() - self._mono0) * self.speed

    def now(self) -> datetime:
        """Simulated now, timezone-aware (UTC)."""
        return datetime.fromtimestamp(self.time(), UTC)

    def seconds_until(self, at: datetime) -> float:
        """Real seconds until the simulated clock shows `at` (the service's Clock protocol)."""
        return (at.timestamp() - self.time()) / self.speed

    def real_seconds(self, simulated: float) -> float:
        return max(0.0, simulated) / self.speed

    async def sleep(self, simulated: float) -> None:
        await asyncio.sleep(self.real_seconds(simulated))

    async def sleep_until(self, epoch: float) -> None:
        """Sleep until simulated Unix time `epoch` (no drift when called in a loop)."""
        await asyncio.sleep(self.real_seconds(epoch - self.time()))
