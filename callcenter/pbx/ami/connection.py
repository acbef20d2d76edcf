"""One AMI TCP session: read loop, banner, ActionID correlation, EventList collection.

It knows nothing about logins or reconnects (that is `client.py`); when the socket
ends, every action still waiting fails with `ConnectionLost` and nothing is re-sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from callcenter.pbx.ami.errors import ActionTimeout, AmiError, ConnectionLost, NotConnected
from callcenter.pbx.ami.messages import ActionResult, AmiBanner, AmiEvent, AmiResponse
from callcenter.pbx.ami.protocol import FieldValue, FrameParser, ParserStats, encode_action

logger = logging.getLogger(__name__)

_READ_SIZE = 1 << 18
_EXPIRED_MEMORY = 256  # how many timed-out ActionIDs we remember, to drop their late answers
_CLOSE_TIMEOUT = 1.0

# Called once per read with that read's events (batching keeps ~200k events/s cheap).
EventSink = Callable[[list[AmiEvent]], None]


@dataclass(slots=True)
class _Pending:
    action: str
    future: asyncio.Future[ActionResult]
    response: AmiResponse | None = None  # set once `EventList: start` arrived
    events: list[AmiEvent] = field(default_factory=list)


class AmiConnection:
    """A connected socket speaking AMI. Create with `await AmiConnection.open(...)`."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        parser: FrameParser,
        event_sink: EventSink,
        *,
        action_id_prefix: str = "cc-",
        max_list_items: int = 100_000,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._parser = parser
        self._sink = event_sink
        self._prefix = action_id_prefix
        self._ids = itertools.count(1)
        self._max_list_items = max_list_items
        self._pending: dict[str, _Pending] = {}
        self._expired: OrderedDict[str, bool] = OrderedDict()  # id -> still draining a list
        loop = asyncio.get_running_loop()
        self._banner: asyncio.Future[AmiBanner] = loop.create_future()
        self._lost: asyncio.Future[str] = loop.create_future()
        self._abort_reason: str | None = None
        self._reader_task = loop.create_task(self._read_loop(), name="ami-reader")

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        event_sink: EventSink,
        *,
        timeout: float,
        max_frame_size: int,
        max_line_size: int,
        action_id_prefix: str = "cc-",
        max_list_items: int = 100_000,
    ) -> AmiConnection:
        """Connect and wait for the banner (the caller checks that it is Asterisk)."""
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, limit=_READ_SIZE), timeout
        )
        parser = FrameParser(max_frame_size=max_frame_size, max_line_size=max_line_size)
        conn = cls(
            reader,
            writer,
            parser,
            event_sink,
            action_id_prefix=action_id_prefix,
            max_list_items=max_list_items,
        )
        try:
            async with asyncio.timeout(timeout):
                await asyncio.wait((conn._banner, conn._lost), return_when=asyncio.FIRST_COMPLETED)
            if not conn._banner.done():
                raise ConnectionLost(f"connection closed before the banner ({conn._lost.result()})")
        except BaseException:
            await conn.close()
            raise
        return conn

    @property
    def banner(self) -> AmiBanner:
        return self._banner.result()

    @property
    def closed(self) -> bool:
        return self._lost.done()

    @property
    def parser_stats(self) -> ParserStats:
        return self._parser.stats

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    async def wait_lost(self) -> str:
        """Wait until the socket ends; return why."""
        return await asyncio.shield(self._lost)

    async def send(
        self, action: str, fields: Mapping[str, FieldValue] | None, *, timeout: float
    ) -> ActionResult:
        """Send one action, wait for its response (and list events); never re-sent."""
        if self._lost.done():
            raise NotConnected(f"AMI connection closed ({self._lost.result()})")
        action_id = f"{self._prefix}{next(self._ids)}"
        data = encode_action(action, action_id, fields)
        future: asyncio.Future[ActionResult] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = _Pending(action, future)
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(data)
                await self._writer.drain()
                return await future
        except TimeoutError:
            self._remember_expired(action_id)
            raise ActionTimeout(action, action_id, timeout) from None
        except (ConnectionError, OSError) as exc:
            # The bytes may or may not have left: the outcome is unknown, as with a drop.
            raise ConnectionLost(f"{action} ({action_id}): write failed: {exc}") from exc
        finally:
            self._pending.pop(action_id, None)

    def abort(self, reason: str) -> None:
        """Drop the connection now (e.g. the watchdog saw no Pong)."""
        if self._abort_reason is None:
            self._abort_reason = reason
        self._writer.transport.abort()

    async def close(self) -> None:
        """Stop reading, close the socket and fail what is still waiting. Idempotent."""
        if self._abort_reason is None:
            self._abort_reason = "closed by us"
        if not self._reader_task.done():
            self._reader_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader_task
        self._finish(self._abort_reason)
        writer = self._writer
        if not writer.is_closing():
            writer.close()
        try:
            async with asyncio.timeout(_CLOSE_TIMEOUT):
                await writer.wait_closed()
        except TimeoutError:
            writer.transport.abort()  # a hung peer must not hold our shutdown
        except (ConnectionError, OSError):
            pass

    # -- reading ------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        reason = "closed by the PBX"
        try:
            read = self._reader.read
            feed = self._parser.feed
            sink = self._sink
            pending = self._pending
            while True:
                data = await read(_READ_SIZE)
                if not data:
                    break
                events: list[AmiEvent] = []
                for message in feed(data):
                    if type(message) is AmiEvent:
                        action_id = message.headers.get("ActionID")
                        if (
                            action_id is not None
                            and (action_id in pending or action_id in self._expired)
                            and self._on_list_event(action_id, message)
                        ):
                            continue
                        events.append(message)
                    elif type(message) is AmiResponse:
                        self._on_response(message)
                    elif type(message) is AmiBanner and not self._banner.done():
                        self._banner.set_result(message)
                if events:
                    sink(events)
        except (ConnectionError, OSError) as exc:
            reason = f"read failed: {exc}"
        finally:
            self._finish(self._abort_reason or reason)

    def _on_response(self, response: AmiResponse) -> None:
        action_id = response.action_id
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None or pending.future.done():
            if action_id is not None and action_id in self._expired:
                self._expired[action_id] = response.starts_list
            logger.debug("AMI response to no waiting action (%s): %s", action_id, response.status)
            return
        if response.starts_list and pending.response is None:
            pending.response = response
            return
        pending.future.set_result(ActionResult(response))

    def _on_list_event(self, action_id: str, event: AmiEvent) -> bool:
        """Route a list item to its action; False when it is an ordinary event."""
        pending = self._pending.get(action_id)
        if pending is None:
            draining = self._expired.get(action_id, False)
            if draining and event.is_list_complete:
                self._expired[action_id] = False
            return draining
        if pending.response is None or pending.future.done():
            # e.g. OriginateResponse: carries the ActionID but is an async event.
            return False
        if event.is_list_complete:
            result = ActionResult(pending.response, tuple(pending.events), event)
            pending.future.set_result(result)
        elif len(pending.events) >= self._max_list_items:
            pending.future.set_exception(
                AmiError(f"{pending.action} returned more than {self._max_list_items} items")
            )
            self._remember_expired(action_id, draining=True)
        else:
            pending.events.append(event)
        return True

    def _remember_expired(self, action_id: str, *, draining: bool = False) -> None:
        pending = self._pending.get(action_id)
        collecting = pending is not None and pending.response is not None
        self._expired[action_id] = draining or collecting
        while len(self._expired) > _EXPIRED_MEMORY:
            self._expired.popitem(last=False)

    def _finish(self, reason: str) -> None:
        if self._lost.done():
            return
        self._lost.set_result(reason)
        for action_id, pending in list(self._pending.items()):
            if not pending.future.done():
                pending.future.set_exception(
                    ConnectionLost(
                        f"{pending.action} ({action_id}) was in flight when the AMI connection "
                        f"dropped ({reason}); it is not re-sent"
                    )
                )
        if not self._writer.is_closing():
            self._writer.close()
