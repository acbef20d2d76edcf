"""One AMI TCP session: an asyncio Protocol with banner, ActionID correlation, EventLists.

It knows nothing about logins or reconnects (that is `client.py`); when the socket
ends, every action still waiting fails with `ConnectionLost` and nothing is re-sent.

The socket is read straight into the FrameParser by a `BufferedProtocol`, without a
StreamReader buffer and a reader task in between. The read buffer is small on purpose:
each read's events are handed on and consumed before the next read, so the objects of one
read stay in the CPU cache (32 KiB reads measured ~6% faster end to end than the
transport's usual 256 KiB; the README's design section has the figures). A Protocol
callback cannot wait for the consumer; `pause_reading` lets the client hold the socket
while its subscribers catch up (see `client.py`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

from callcenter.pbx.ami.errors import ActionTimeout, AmiError, ConnectionLost, NotConnected
from callcenter.pbx.ami.messages import ActionResult, AmiBanner, AmiEvent, AmiResponse
from callcenter.pbx.ami.protocol import FieldValue, FrameParser, ParserStats, encode_action

logger = logging.getLogger(__name__)

READ_SIZE = 32 * 1024  # see the module docstring; 16-64 KiB measure alike
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


class AmiConnection(asyncio.BufferedProtocol):
    """A connected socket speaking AMI. Create with `await AmiConnection.open(...)`."""

    def __init__(
        self,
        parser: FrameParser,
        event_sink: EventSink,
        *,
        action_id_prefix: str = "cc-",
        max_list_items: int = 100_000,
    ) -> None:
        self._parser = parser
        self._sink = event_sink
        self._prefix = action_id_prefix
        self._ids = itertools.count(1)
        self._max_list_items = max_list_items
        self._pending: dict[str, _Pending] = {}
        self._expired: OrderedDict[str, bool] = OrderedDict()  # id -> still draining a list
        loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._banner: asyncio.Future[AmiBanner] = loop.create_future()
        self._lost: asyncio.Future[str] = loop.create_future()  # why; set when we give up
        self._socket_closed: asyncio.Future[None] = loop.create_future()
        self._abort_reason: str | None = None
        self._write_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._read_paused = False
        self._read_buffer = memoryview(bytearray(READ_SIZE))

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
        parser = FrameParser(max_frame_size=max_frame_size, max_line_size=max_line_size)
        conn = cls(
            parser, event_sink, action_id_prefix=action_id_prefix, max_list_items=max_list_items
        )
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                await loop.create_connection(lambda: conn, host, port)
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

    @property
    def reading_paused(self) -> bool:
        return self._read_paused

    async def wait_lost(self) -> str:
        """Wait until the socket ends; return why."""
        return await asyncio.shield(self._lost)

    async def send(
        self,
        action: str,
        fields: Mapping[str, FieldValue] | None,
        *,
        timeout: float,
        action_id: str | None = None,
    ) -> ActionResult:
        """Send one action, wait for its response (and list events); never re-sent.

        `action_id`: the caller's own ActionID (an Originate's, which Asterisk repeats in
        the broadcast `OriginateResponse`); by default one of ours."""
        transport = self._transport
        if self._lost.done() or transport is None or transport.is_closing():
            reason = self._lost.result() if self._lost.done() else "closing"
            raise NotConnected(f"AMI connection closed ({reason})")
        if action_id is not None and action_id in self._pending:
            raise ValueError(f"ActionID {action_id} is already waiting for its answer")
        action_id = action_id or f"{self._prefix}{next(self._ids)}"
        data = encode_action(action, action_id, fields)
        future: asyncio.Future[ActionResult] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = _Pending(action, future)
        try:
            async with asyncio.timeout(timeout):
                # A failed write does not raise here: the transport reports it through
                # connection_lost, which fails `future` with ConnectionLost.
                transport.write(data)
                if self._write_paused:
                    await self._drain()
                return await future
        except TimeoutError:
            self._remember_expired(action_id)
            raise ActionTimeout(action, action_id, timeout) from None
        finally:
            self._pending.pop(action_id, None)

    def pause_reading(self) -> None:
        """Stop taking bytes off the socket (TCP pushes back to the PBX) until resumed."""
        transport = self._transport
        if not self._read_paused and transport is not None and not transport.is_closing():
            self._read_paused = True
            transport.pause_reading()

    def resume_reading(self) -> None:
        transport = self._transport
        if self._read_paused:
            self._read_paused = False
            if transport is not None and not transport.is_closing():
                transport.resume_reading()

    def abort(self, reason: str) -> None:
        """Drop the connection now (e.g. the watchdog saw no Pong)."""
        if self._abort_reason is None:
            self._abort_reason = reason
        if self._transport is not None:
            self._transport.abort()

    async def close(self) -> None:
        """Stop reading, close the socket and fail what is still waiting. Idempotent."""
        if self._abort_reason is None:
            self._abort_reason = "closed by us"
        self._finish(self._abort_reason)
        transport = self._transport
        if transport is None:
            return
        if not transport.is_closing():
            transport.close()
        try:
            async with asyncio.timeout(_CLOSE_TIMEOUT):
                await asyncio.shield(self._socket_closed)
        except TimeoutError:
            transport.abort()  # a hung peer must not hold our shutdown

    # -- asyncio.BufferedProtocol ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        self.data_received(self._read_buffer[:nbytes].tobytes())

    def data_received(self, data: bytes) -> None:
        """Parse one read's bytes and route them: responses, list items, events."""
        if self._lost.done():
            return  # closing: nobody is waiting for anything any more
        parser = self._parser
        messages = parser.feed(data)
        if parser.plain:
            # Only events no action waits for (the usual flood): no need to look at each.
            if messages:
                self._sink(cast(list[AmiEvent], messages))
            return
        events: list[AmiEvent] = []
        pending = self._pending
        expired = self._expired
        for message in messages:
            if type(message) is AmiEvent:
                action_id = message.headers.get("ActionID")
                if (
                    action_id is not None
                    and (action_id in pending or action_id in expired)
                    and self._on_list_event(action_id, message)
                ):
                    continue
                events.append(message)
            elif type(message) is AmiResponse:
                self._on_response(message)
            elif type(message) is AmiBanner and not self._banner.done():
                self._banner.set_result(message)
        if events:
            self._sink(events)

    def eof_received(self) -> bool:
        return False  # the PBX closed its side: close ours too (connection_lost follows)

    def connection_lost(self, exc: Exception | None) -> None:
        reason = "closed by the PBX" if exc is None else f"read failed: {exc}"
        self._finish(self._abort_reason or reason)
        self._wake_drain_waiters()
        if not self._socket_closed.done():
            self._socket_closed.set_result(None)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_drain_waiters()

    # -- internals ------------------------------------------------------------------------

    async def _drain(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drain_waiters.append(waiter)
        await waiter

    def _wake_drain_waiters(self) -> None:
        waiters, self._drain_waiters = self._drain_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

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
        if self._transport is not None and not self._transport.is_closing():
            self._transport.close()
