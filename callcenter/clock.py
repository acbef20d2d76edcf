"""Clocks for the service: the real one, and an accelerated one for the demo and tests.

Only entry points and adapters hold a clock; the domain is always handed `now`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current (possibly simulated) instant, timezone-aware."""
        ...

    def seconds_until(self, at: datetime) -> float:
        """Real seconds to wait until the clock shows `at` (negative if past)."""
        ...

    def real_seconds(self, simulated: float) -> float:
        """Real seconds that pass while this clock advances by `simulated` seconds."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def seconds_until(self, at: datetime) -> float:
        return (at - self.now()).total_seconds()

    def real_seconds(self, simulated: float) -> float:
        return max(0.0, simulated)


class AcceleratedClock:
    """Starts at `start` and runs `speed` times faster than real time (monotonic-based)."""

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = start.astimezone(UTC)
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin) * self.speed
        return self.start + timedelta(seconds=elapsed)

    def seconds_until(self, at: datetime) -> float:
        return (at - self.now()).total_seconds() / self.speed

    def real_seconds(self, simulated: float) -> float:
        return max(0.0, simulated) / self.speed
