"""Reconnect delays: exponential growth, capped, with jitter.

Jitter matters when several services (or a restarted Asterisk's many clients) lose the
PBX at once: without it they all hammer it again in the same instant.
"""

from __future__ import annotations

import random


class Backoff:
    """`next_delay()` grows `initial * factor**n` up to `maximum`, each spread by ±`jitter`."""

    def __init__(
        self,
        initial: float,
        maximum: float,
        *,
        factor: float = 2.0,
        jitter: float = 0.25,
        rng: random.Random | None = None,
    ) -> None:
        if initial <= 0 or maximum < initial or factor < 1 or not 0 <= jitter < 1:
            raise ValueError("backoff needs 0 < initial <= maximum, factor >= 1, 0 <= jitter < 1")
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self._rng = rng or random.Random()
        self._base = initial

    def next_delay(self) -> float:
        base = self._base
        self._base = min(self.maximum, base * self.factor)
        spread = base * self.jitter
        return min(self.maximum, base + self._rng.uniform(-spread, spread))

    def reset(self) -> None:
        """Call after a successful login: the next outage starts again from `initial`."""
        self._base = self.initial
