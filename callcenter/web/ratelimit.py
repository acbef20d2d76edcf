"""Login rate limiting: after N failures per user name and address, a pause.

In memory: the service is one process, and a restart forgetting the counts is harmless.
Uses a monotonic clock, not the (possibly accelerated) office clock.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

# Bounds the memory an attacker can make us use by trying many names.
_MAX_KEYS = 10_000


class LoginLimiter:
    def __init__(
        self,
        attempts: int,
        window_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self._monotonic = monotonic
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        cutoff = self._monotonic() - self.window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def retry_after(self, username: str, address: str) -> float:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        failures = self._recent((username.casefold(), address))
        if len(failures) < self.attempts:
            return 0.0
        return max(0.0, failures[0] + self.window - self._monotonic())

    def retry_after_minutes(self, username: str, address: str) -> int:
        return max(1, math.ceil(self.retry_after(username, address) / 60))

    def failed(self, username: str, address: str) -> None:
        key = (username.casefold(), address)
        if key not in self._failures and len(self._failures) >= _MAX_KEYS:
            self._prune()
        self._failures.setdefault(key, deque()).append(self._monotonic())

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop((username.casefold(), address), None)

    def _prune(self) -> None:
        for key in list(self._failures):
            self._recent(key)
        if len(self._failures) >= _MAX_KEYS:
            # Still full of fresh failures: forget the oldest keys rather than grow forever.
            oldest = sorted(self._failures, key=lambda k: self._failures[k][-1])
            for key in oldest[: len(oldest) // 2]:
                del self._failures[key]
