"""Results computed once per data version: kept until the data they came from change.

A caller names its data version (callcenter.storage.data_version) and a key (team, period,
settings, language …). A result is kept under the version read before computing it, and
only if the data did not change meanwhile, or (with a `past` projection) changed only by
calls that arrived: a change of the past committed meanwhile may or may not be in it, and
it must not outlive that change.

With a `past` projection a cache can also hand out a result of an older version whose past
is the current one (`recent`): right about everything up to when it was computed, shown as
of then while it is computed anew. On a live system calls arrive every few seconds, far
more often than a big evaluation can be computed; without this it would never be served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_SIZE = 64


@dataclass(frozen=True)
class Kept(Generic[T]):
    version: Hashable
    result: T
    as_of: datetime | None  # when its computation began (None: not told)


class ResultCache(Generic[T]):
    """At most `size` results, each under the version it was computed for."""

    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        *,
        past: Callable[[Hashable], Hashable] | None = None,
    ) -> None:
        self._size = size
        self._past = past
        self._entries: OrderedDict[Hashable, Kept[T]] = OrderedDict()
        self._refreshing: set[Hashable] = set()
        self._lock = threading.Lock()
        self.computed = 0  # how often a result was computed (not served from here)
        self.served = 0

    def peek(self, version: Hashable, key: Hashable) -> tuple[bool, T | None]:
        """(True, result) if a result of `version` is kept under `key`; never computes, so
        an event loop may ask before sending the work to a thread."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept.version == version:
                self._entries.move_to_end(key)
                self.served += 1
                return True, kept.result
        return False, None

    def recent(self, version: Hashable, key: Hashable) -> Kept[T] | None:
        """A result of an older version with the same past as `version` (only calls came
        since), or None. The caller shows it as of `as_of` and has it computed anew."""
        if self._past is None:
            return None
        with self._lock:
            kept = self._entries.get(key)
            if kept is None or kept.version == version:
                return None
            if self._past(kept.version) != self._past(version):
                return None
            self._entries.move_to_end(key)
            self.served += 1
            return kept

    def get_or_compute(
        self,
        version: Callable[[], Hashable],
        key: Hashable,
        compute: Callable[[], T],
        *,
        at: datetime | None = None,
    ) -> T:
        before = version()
        found, result = self.peek(before, key)
        if found:
            return result  # type: ignore[return-value]
        computed = compute()
        self._keep(before, version(), key, computed, at)
        return computed

    def refresh(
        self,
        version: Callable[[], Hashable],
        key: Hashable,
        compute: Callable[[], T],
        *,
        at: datetime | None = None,
    ) -> bool:
        """Compute `key` anew unless that is already under way (one at a time per key, so
        ten readers of a page that is being renewed start one computation); True if it ran."""
        with self._lock:
            if key in self._refreshing:
                return False
            self._refreshing.add(key)
        try:
            before = version()
            computed = compute()
            self._keep(before, version(), key, computed, at)
            return True
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _keep(
        self, before: Hashable, after: Hashable, key: Hashable, result: T, at: datetime | None
    ) -> None:
        with self._lock:
            self.computed += 1
            same = before == after or (
                self._past is not None and self._past(before) == self._past(after)
            )
            if not same:
                return
            if self._past is not None:
                past = self._past(before)
                for old in [k for k, v in self._entries.items() if self._past(v.version) != past]:
                    del self._entries[old]
            else:
                for old in [k for k, v in self._entries.items() if v.version != before]:
                    del self._entries[old]
            self._entries[key] = Kept(before, result, at)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
