"""A subscriber's bounded event queue, consumed with `async for`.

The reader never waits for a subscriber for long: a slow consumer must not stall pings
and action responses (the watchdog would then drop a healthy connection). So the queue is
bounded and, when full, the oldest event is dropped and counted. Before it comes to that,
a queue half full reports back-pressure (`on_backlog(self, True)`), and the client pauses
reading the socket until the queue is down to a quarter (`on_backlog(self, False)`) or a
short time limit passes; then `release()` lets this subscriber drop instead of holding the
connection, until it has caught up once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from types import TracebackType

from callcenter.pbx.ami.messages import AmiEvent

logger = logging.getLogger(__name__)


class EventSubscription:
    """Events for one consumer, optionally only some event names. Ends when closed."""

    def __init__(
        self,
        names: frozenset[str] | None,
        maxsize: int,
        on_close: Callable[[EventSubscription], None] | None = None,
        on_backlog: Callable[[EventSubscription, bool], None] | None = None,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.names = names
        self.maxsize = maxsize
        self.dropped = 0
        self._queue: deque[AmiEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._on_close = on_close
        self._on_backlog = on_backlog
        self._high_water = max(1, maxsize // 2)
        self._low_water = maxsize // 4
        self._backlogged = False  # reported on_backlog(True), not yet (False)
        self._released = False  # told to drop rather than hold the socket, until drained

    def offer(self, event: AmiEvent) -> None:
        """Queue an event if it matches; never blocks."""
        self.offer_many([event])

    def offer_many(self, events: list[AmiEvent]) -> None:
        """Queue the matching events of one read, in order; never blocks."""
        if self._closed:
            return
        if self.names is not None:
            names = self.names
            events = [event for event in events if event.name in names]
            if not events:
                return
        queue = self._queue
        overflow = len(queue) + len(events) - self.maxsize
        if overflow > 0:
            self._drop_oldest(overflow, events)
            events = events[max(0, len(events) - self.maxsize) :]
        queue.extend(events)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if (
            len(queue) >= self._high_water
            and not (self._backlogged or self._released)
            and self._on_backlog is not None
        ):
            self._backlogged = True
            self._on_backlog(self, True)

    def release(self) -> None:
        """Stop holding back the reader (it waited long enough); drop when full instead."""
        self._backlogged = False
        self._released = True

    @property
    def backlogged(self) -> bool:
        return self._backlogged

    def _drained(self) -> None:
        self._released = False
        if self._backlogged:
            self._backlogged = False
            if self._on_backlog is not None:
                self._on_backlog(self, False)

    def _drop_oldest(self, count: int, incoming: list[AmiEvent]) -> None:
        queue = self._queue
        if count >= len(queue):
            queue.clear()
        else:
            for _ in range(count):
                queue.popleft()
        before = self.dropped
        self.dropped += count
        if before == 0 or before // 1000 != self.dropped // 1000:
            logger.warning(
                "AMI subscriber too slow: %d events dropped (queue limit %d)",
                self.dropped,
                self.maxsize,
            )

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def closed(self) -> bool:
        return self._closed

    def __aiter__(self) -> EventSubscription:
        return self

    async def __anext__(self) -> AmiEvent:
        queue = self._queue
        while not queue:
            if self._closed:
                raise StopAsyncIteration
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        if (self._backlogged or self._released) and len(queue) <= self._low_water:
            self._drained()
        return queue.popleft()

    async def get(self, timeout: float | None = None) -> AmiEvent:
        """Next event; raises TimeoutError, or StopAsyncIteration once closed and drained."""
        async with asyncio.timeout(timeout):
            return await self.__anext__()

    def close(self) -> None:
        """Stop receiving; queued events can still be read, then iteration ends."""
        if self._closed:
            return
        self._closed = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._drained()  # a closed queue holds nobody back
        if self._on_close is not None:
            self._on_close(self)

    def __enter__(self) -> EventSubscription:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
