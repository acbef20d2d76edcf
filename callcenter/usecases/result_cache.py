"""Results computed once per data version: kept until the data they came from change.

A caller names its data version (callcenter.storage.data_version) and a key (team, period,
settings, language …). A result is stored only if the version was the same before and after
computing it: a change committed meanwhile may or may not be in it, and it must not outlive
that change under the older key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_SIZE = 64


class ResultCache(Generic[T]):
    """At most `size` results of the current data version; a new version empties it."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._version: Hashable = None
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # how often a result was computed (not served from here)
        self.served = 0

    def peek(self, version: Hashable, key: Hashable) -> tuple[bool, T | None]:
        """(True, result) if a result of `version` is kept under `key`; never computes, so
        an event loop may ask before sending the work to a thread."""
        with self._lock:
            if version == self._version and key in self._entries:
                self._entries.move_to_end(key)
                self.served += 1
                return True, self._entries[key]
        return False, None

    def get_or_compute(
        self, version: Callable[[], Hashable], key: Hashable, compute: Callable[[], T]
    ) -> T:
        before = version()
        with self._lock:
            if before == self._version and key in self._entries:
                self._entries.move_to_end(key)
                self.served += 1
                return self._entries[key]
        result = compute()
        after = version()
        with self._lock:
            self.computed += 1
            if before == after:
                if after != self._version:
                    self._version = after
                    self._entries.clear()
                self._entries[key] = result
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return result
