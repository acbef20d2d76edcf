"""Notices committed changes and reloads the current schedule once per burst.

Three ways in, one reaction: a commit in this process pokes at once (the storage commit
hook), a PostgreSQL NOTIFY pokes at once (CLI, another instance), and a cheap poll of the
audit log's newest id covers SQLite and any gap in the listener. A poke only wakes the
watch; the version decides whether anything changed, so repeated pokes cost one query.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class ChangeWatch:
    def __init__(
        self,
        latest: Callable[[], tuple[int, str]],
        on_change: Callable[[], Awaitable[object]],
        poll_seconds: float,
    ) -> None:
        self._latest = latest
        self._on_change = on_change
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self.seen = 0

    async def start(self) -> None:
        """Remember the current version; changes after it are reacted to."""
        self._loop = asyncio.get_running_loop()
        self.seen, _ = await asyncio.to_thread(self._latest)
        self._task = asyncio.create_task(self._run(), name="change-watch")

    def poke(self) -> None:
        """Something may have changed; safe to call from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._wake.set)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
            self._wake.clear()
            try:
                version, what = await asyncio.to_thread(self._latest)
                if version != self.seen:
                    self.seen = version
                    logger.info("change #%d applied (%s): reloading the schedule", version, what)
                    await self._on_change()
            except Exception:  # the database may be away; the next poke or poll retries
                logger.exception("reloading after a change failed")
