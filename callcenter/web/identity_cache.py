"""Signed-in identities kept between requests, so a page view needs no database lookup of
its session or token.

An entry holds while no account, token or session was changed by this process
(Store.auth_writes: a logout, a locked account, a revoked token,
a role change count at the very next request), for at most `ttl` seconds (a change made by
another process, e.g. `callcenter users disable`, counts after that), and never past the
session's or token's own expiry. Only found identities are kept: an unknown cookie or token
is looked up every time and fills nothing.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

V = TypeVar("V")

DEFAULT_TTL_SECONDS = 2.0
DEFAULT_SIZE = 1024


@dataclass(frozen=True)
class _Entry(Generic[V]):
    identity: V
    writes: int
    stored_at: float
    expires_at: datetime | None


class IdentityCache(Generic[V]):
    """What a session or token stands for (the web's Identity), by cookie or secret."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        size: int = DEFAULT_SIZE,
        *,
        writes: Callable[[], int],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`writes`: this process's count of committed changes to accounts, tokens and
        sessions (Store.auth_writes)."""
        self._ttl = ttl
        self._size = size
        self._monotonic = monotonic
        self._writes = writes
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], _Entry[V]] = OrderedDict()

    def version(self) -> int:
        """Read before a lookup and given to `put`: a change during the lookup voids it."""
        return self._writes()

    def get(self, key: tuple[str, str], now: datetime) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if (
                entry.writes != self._writes()
                or self._monotonic() - entry.stored_at >= self._ttl
                or (entry.expires_at is not None and now >= entry.expires_at)
            ):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry.identity

    def put(
        self,
        key: tuple[str, str],
        identity: V,
        writes: int,
        expires_at: datetime | None,
    ) -> None:
        with self._lock:
            self._entries[key] = _Entry(identity, writes, self._monotonic(), expires_at)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
