"""The data version as the pages read it, without a database round trip per request.

Every overview, board or API request asks whether the schedule or the day's calls changed
(callcenter.storage.data_version). Reading that from the database costs a worker thread and
a transaction per request; here it is read at most once per `ttl` seconds while this
process wrote nothing. A write of this process (the live writer, a form, the API) changes
the local count and is seen at the very next request; a change by another process (a CLI
import or edit) within `ttl`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Version = tuple[int, ...]
DEFAULT_TTL_SECONDS = 1.0


class VersionProbe:
    def __init__(
        self,
        read: Callable[[], Version],
        ttl: float = DEFAULT_TTL_SECONDS,
        *,
        writes: Callable[[], int],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`read` gives the version from the database, `writes` this process's count of
        committed writes to the same data (Store.data_version, Store.local_writes)."""
        self._read = read
        self._ttl = ttl
        self._monotonic = monotonic
        self._writes = writes
        self._lock = threading.Lock()
        self._reading = threading.Lock()
        self._known: tuple[int, float, Version] | None = None  # (local writes, read at, version)

    def cached(self) -> Version | None:
        """The version if it is known to be current; None: read it (`current`) off the loop."""
        with self._lock:
            known = self._known
        if known is None:
            return None
        writes, read_at, version = known
        if writes != self._writes() or self._monotonic() - read_at >= self._ttl:
            return None
        return version

    def current(self) -> Version:
        """Blocking: the version, read from the database if the one known may be stale."""
        known = self.cached()
        if known is not None:
            return known
        # One read at a time: when the version expires under load, every request in flight
        # asks at once; those that waited find the version just read.
        with self._reading:
            known = self.cached()
            if known is not None:
                return known
            writes, read_at = self._writes(), self._monotonic()
            version = self._read()
            with self._lock:
                self._known = (writes, read_at, version)
            return version
