"""Login throttling in three layers, and the bounded pool that checks passwords.

* **Per user name:** after `free_failures` failures each further attempt waits, the wait
  doubling per failure (1 s, 2 s, 4 s …) up to `max_delay`. Never a lock: when the wait is
  over one attempt is allowed, so a stranger can slow a named user down but not shut them
  out; and a browser that signed in as that user before (its device cookie) skips this
  layer and the two below, keeping a count of its own failures instead.
* **Per client address:** `address_failures` failures within the window, then a pause.
* **Global:** `global_failures` failures within the window from anywhere, then a pause:
  the brake on a spray from many addresses.

An attempt counts as failed from the moment it is let through; a success takes it back. So
concurrent attempts cannot all slip past a limit while their passwords are being hashed.

In memory: the service is one process, and a restart forgetting the counts (and the known
browsers, which then wait like everyone else) is harmless. Uses a monotonic clock, not the
(possibly accelerated) office clock.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, ParamSpec, TypeVar

from callcenter.config import WebSettings

P = ParamSpec("P")
T = TypeVar("T")

# Bounds the memory an attacker can make us use by trying many names and addresses.
_MAX_KEYS = 10_000
_MAX_DEVICES = 10_000

Layer = Literal["account", "address", "global", "busy"]


@dataclass(frozen=True)
class Policy:
    free_failures: int = 5
    max_delay: float = 300.0
    window: float = 900.0
    address_failures: int = 30
    global_failures: int = 200
    hash_workers: int = 2
    hash_queue: int = 8

    @classmethod
    def from_settings(cls, web: WebSettings) -> Policy:
        return cls(
            free_failures=web.login_attempts,
            max_delay=float(web.login_max_delay_seconds),
            window=web.login_window_minutes * 60.0,
            address_failures=web.login_address_attempts,
            global_failures=web.login_global_attempts,
            hash_workers=web.login_hash_workers,
            hash_queue=web.login_hash_queue,
        )


@dataclass(frozen=True)
class Refusal:
    layer: Layer
    seconds: int  # for Retry-After: at least 1

    @classmethod
    def after(cls, layer: Layer, seconds: float) -> Refusal:
        return cls(layer, max(1, math.ceil(seconds)))


@dataclass(frozen=True)
class _Backoff:
    failures: int
    last: float


@dataclass(frozen=True)
class Attempt:
    """A login let through; its failure is already counted until `succeeded`."""

    username: str
    key: str  # the per-user-name key, or the known browser's
    address: str
    at: float
    before: _Backoff | None


class PoolBusy(Exception):
    """More logins are waiting for a password check than the pool is allowed to queue."""


class PasswordChecks:
    """argon2 runs here, never in the event loop's default executor: that one serves the
    database for every page, /healthz and the board, and a login flood must not fill it."""

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.limit = workers + queue
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def busy(self) -> bool:
        return self._pending >= self.limit

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`work` in the pool; PoolBusy at once when too many are waiting already."""
        with self._lock:
            if self._pending >= self.limit:
                raise PoolBusy
            self._pending += 1
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.workers, "password-check")
            executor = self._executor

        def counted() -> T:
            # Counted down in the thread: a cancelled request does not stop its hash.
            try:
                return work(*args, **kwargs)
            finally:
                with self._lock:
                    self._pending -= 1

        return await asyncio.get_running_loop().run_in_executor(executor, counted)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


class LoginLimiter:
    def __init__(
        self, policy: Policy | None = None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy = policy or Policy()
        self.checks = PasswordChecks(self.policy.hash_workers, self.policy.hash_queue)
        self._monotonic = monotonic
        self._backoff: dict[str, _Backoff] = {}
        self._by_address: dict[str, deque[float]] = {}
        self._global: deque[float] = deque()
        self._devices: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_settings(
        cls, web: WebSettings, monotonic: Callable[[], float] = time.monotonic
    ) -> LoginLimiter:
        return cls(Policy.from_settings(web), monotonic)

    # -- the three layers ------------------------------------------------------------------

    def begin(self, username: str, address: str, device: str | None = None) -> Attempt | Refusal:
        """Let an attempt through (its failure counted at once) or say how long to wait."""
        now = self._monotonic()
        name = username.casefold()
        known = self._known_device(device, name)
        key = f"device:{known}" if known else f"user:{name}"
        wait = self._backoff_wait(key, now)
        if wait > 0:
            return Refusal.after("account", wait)
        if known is None:
            wait = self._window_wait(self._by_address.get(address), self.policy.address_failures)
            if wait > 0:
                return Refusal.after("address", wait)
            wait = self._window_wait(self._global, self.policy.global_failures)
            if wait > 0:
                return Refusal.after("global", wait)
        before = self._backoff.get(key)
        self._count(key, address, now)
        return Attempt(name, key, address, now, before)

    def succeeded(self, attempt: Attempt) -> str:
        """The password was right: the attempt was no failure, the user name's count starts
        over. Returns a new device token for this browser (its cookie)."""
        self._uncount(attempt)
        self._backoff.pop(attempt.key, None)
        self._backoff.pop(f"user:{attempt.username}", None)
        token = secrets.token_urlsafe(32)
        self._devices[_digest(token)] = attempt.username
        while len(self._devices) > _MAX_DEVICES:
            self._devices.popitem(last=False)
        return token

    def release(self, attempt: Attempt) -> None:
        """The password was never checked (the pool was busy): not a failure."""
        self._uncount(attempt)
        if attempt.before is None:
            self._backoff.pop(attempt.key, None)
        else:
            self._backoff[attempt.key] = attempt.before

    def forget_device(self, device: str | None) -> None:
        if device:
            self._devices.pop(_digest(device), None)

    # -- internals -------------------------------------------------------------------------

    def _known_device(self, device: str | None, name: str) -> str | None:
        if not device or len(device) > 100:
            return None
        key = _digest(device)
        if self._devices.get(key) != name:
            return None
        self._devices.move_to_end(key)
        return key

    def _delay(self, failures: int) -> float:
        if failures < self.policy.free_failures:
            return 0.0
        exponent = min(failures - self.policy.free_failures, 32)
        return min(self.policy.max_delay, 2.0**exponent)

    def _backoff_wait(self, key: str, now: float) -> float:
        state = self._backoff.get(key)
        if state is None:
            return 0.0
        if now - state.last >= self.policy.window:
            del self._backoff[key]
            return 0.0
        return max(0.0, state.last + self._delay(state.failures) - now)

    def _window_wait(self, times: deque[float] | None, limit: int) -> float:
        if not times:
            return 0.0
        now = self._monotonic()
        cutoff = now - self.policy.window
        while times and times[0] <= cutoff:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return max(0.0, times[len(times) - limit] + self.policy.window - now)

    def _count(self, key: str, address: str, now: float) -> None:
        if len(self._backoff) >= _MAX_KEYS and key not in self._backoff:
            self._prune(now)
        if len(self._by_address) >= _MAX_KEYS and address not in self._by_address:
            self._prune(now)
        previous = self._backoff.get(key)
        self._backoff[key] = _Backoff((previous.failures if previous else 0) + 1, now)
        self._by_address.setdefault(address, deque()).append(now)
        self._global.append(now)

    def _uncount(self, attempt: Attempt) -> None:
        times = self._by_address.get(attempt.address)
        if times is not None and attempt.at in times:
            times.remove(attempt.at)
            if not times:
                del self._by_address[attempt.address]
        if attempt.at in self._global:
            self._global.remove(attempt.at)

    def _prune(self, now: float) -> None:
        cutoff = now - self.policy.window
        for key, state in list(self._backoff.items()):
            if state.last <= cutoff:
                del self._backoff[key]
        for address, times in list(self._by_address.items()):
            while times and times[0] <= cutoff:
                times.popleft()
            if not times:
                del self._by_address[address]
        # Still full of fresh entries: forget the oldest rather than grow forever. Each
        # address keeps counting in the global layer, so forgetting it helps no attacker.
        for table in (self._backoff, self._by_address):
            if len(table) >= _MAX_KEYS:
                for key in list(table)[: len(table) // 2]:
                    del table[key]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
