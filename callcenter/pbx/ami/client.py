"""`AmiClient`: a logged-in AMI connection that keeps itself alive.

Start it once; it connects, checks the banner, logs in, pings, and after any loss
reconnects with exponential backoff and jitter, logs in again and calls `on_reconnect`.
Two failures stop it instead: a refused login and a peer that is not Asterisk, because
retrying either only fills the PBX's security log.

Actions in flight when a connection drops fail with `ConnectionLost` and are never
re-sent: whether Asterisk ran them is unknown, and a repeated Originate rings twice.

Back-pressure: while a subscriber's queue is more than half full, the client stops
reading the socket (TCP holds the PBX's events back) so that the consumer catches up
instead of losing events; but never longer than `max_read_pause` at a time, because
pings and action responses wait behind those events, and Asterisk itself drops a
session whose socket stays full. A subscriber that does not catch up within that time
loses its oldest events instead (see `subscription.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import secrets
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from types import TracebackType
from typing import Any

from callcenter.pbx.ami.backoff import Backoff
from callcenter.pbx.ami.connection import AmiConnection
from callcenter.pbx.ami.errors import (
    ActionFailed,
    AmiConnectionError,
    AmiError,
    LoginRefused,
    NotAsterisk,
    NotConnected,
)
from callcenter.pbx.ami.messages import ActionResult, AmiEvent, SessionInfo
from callcenter.pbx.ami.protocol import FieldValue, ParserStats
from callcenter.pbx.ami.settings import AmiSettings
from callcenter.pbx.ami.subscription import EventSubscription

logger = logging.getLogger(__name__)

ReconnectCallback = Callable[[SessionInfo], Awaitable[None]]

_NOT_FOUND = "Database entry not found"  # DBGet/DBDel error text (main/db.c, trace 015)
_LOGOFF_TIMEOUT = 1.0


class AmiClient:
    """Asterisk Manager Interface client on asyncio streams.

    `on_reconnect(session)` runs after every successful login, the first one included
    (`session.number == 1`), in its own task, so it may send actions; it is cancelled if
    that connection drops before it finishes.
    """

    def __init__(
        self,
        settings: AmiSettings,
        *,
        on_reconnect: ReconnectCallback | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self._on_reconnect = on_reconnect
        self._backoff = Backoff(
            settings.reconnect_initial,
            max(settings.reconnect_initial, settings.reconnect_max),
            factor=settings.reconnect_factor,
            jitter=settings.reconnect_jitter,
            rng=rng,
        )
        # Distinct per client so that ActionIDs in a shared PBX log can be told apart.
        self._id_prefix = f"cc-{secrets.token_hex(3)}-"
        self._conn: AmiConnection | None = None
        self._session: SessionInfo | None = None
        self._sessions = 0
        self._failure: AmiError | None = None
        self._closing = False
        self._supervisor: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._state_waiters: list[asyncio.Future[None]] = []
        self._subscriptions: tuple[EventSubscription, ...] = ()
        self._last_stats: ParserStats | None = None
        self._backlogged: set[EventSubscription] = set()
        self._pause_timer: asyncio.TimerHandle | None = None
        self._pause_allowed_at = 0.0

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting in the background (idempotent); see `wait_connected`."""
        if self._closing:
            raise NotConnected("AMI client is closed")
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(
                self._supervise(), name="ami-supervisor"
            )

    async def wait_connected(self, timeout: float | None = None) -> SessionInfo:
        """Wait for a logged-in connection; raises `LoginRefused`/`NotAsterisk` if it failed."""
        async with asyncio.timeout(timeout):
            while True:
                if self._failure is not None:
                    raise self._failure
                if self._closing:
                    raise NotConnected("AMI client is closed")
                if self.connected and self._session is not None:
                    return self._session
                waiter = asyncio.get_running_loop().create_future()
                self._state_waiters.append(waiter)
                try:
                    await waiter
                finally:
                    with contextlib.suppress(ValueError):
                        self._state_waiters.remove(waiter)

    async def connect(self, timeout: float | None = None) -> SessionInfo:
        """`start()` and wait for the first login."""
        await self.start()
        return await self.wait_connected(timeout)

    async def close(self) -> None:
        """Log off if connected, then cancel and await every task this client started."""
        if self._closing:
            return
        self._closing = True
        conn = self._conn
        if conn is not None and not conn.closed:
            with contextlib.suppress(AmiError, TimeoutError):
                await conn.send("Logoff", None, timeout=_LOGOFF_TIMEOUT)
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        await _cancel_all(self._tasks)
        for subscription in self._subscriptions:
            subscription.close()
        self._subscriptions = ()
        self._notify_state()

    async def __aenter__(self) -> AmiClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    @property
    def session(self) -> SessionInfo | None:
        """The current login, or None while disconnected."""
        return self._session if self.connected else None

    @property
    def failure(self) -> AmiError | None:
        """Why the client stopped for good (refused login, not Asterisk), else None."""
        return self._failure

    @property
    def parser_stats(self) -> ParserStats | None:
        """Frame counters of the current (or last) connection."""
        return self._conn.parser_stats if self._conn is not None else self._last_stats

    # -- events -------------------------------------------------------------------------

    def subscribe(
        self, names: Iterable[str] | None = None, *, maxsize: int | None = None
    ) -> EventSubscription:
        """A bounded queue of events (all, or only `names`), for `async for`.

        List items that answer our own actions (DBGetResponse, CoreShowChannel, ...) go to
        the action, not here.
        """
        if self._closing:
            raise NotConnected("AMI client is closed")
        subscription = EventSubscription(
            frozenset(names) if names is not None else None,
            maxsize or self.settings.event_queue_size,
            on_close=self._unsubscribe,
            on_backlog=self._on_backlog,
        )
        self._subscriptions = (*self._subscriptions, subscription)
        return subscription

    def _unsubscribe(self, subscription: EventSubscription) -> None:
        self._subscriptions = tuple(s for s in self._subscriptions if s is not subscription)

    def _dispatch(self, events: list[AmiEvent]) -> None:
        for subscription in self._subscriptions:
            subscription.offer_many(events)

    def _on_backlog(self, subscription: EventSubscription, backlogged: bool) -> None:
        if backlogged:
            self._backlogged.add(subscription)
        else:
            self._backlogged.discard(subscription)
        conn = self._conn
        if conn is None or conn.closed:
            return
        if self._backlogged and not conn.reading_paused:
            loop = asyncio.get_running_loop()
            if loop.time() < self._pause_allowed_at:
                self._release_backlogged()  # just gave up holding: do not pause again yet
                return
            conn.pause_reading()
            self._pause_timer = loop.call_later(self._max_read_pause(), self._pause_expired, conn)
        elif not self._backlogged and conn.reading_paused:
            self._resume(conn)

    def _max_read_pause(self) -> float:
        settings = self.settings
        return min(settings.max_read_pause, settings.ping_timeout / 2, settings.action_timeout / 2)

    def _pause_expired(self, conn: AmiConnection) -> None:
        self._pause_timer = None
        pause = self._max_read_pause()
        logger.warning(
            "AMI subscriber too slow: %d event(s) queued after %.2f s of paused reading; "
            "reading again, the oldest events may be dropped",
            max((len(s) for s in self._backlogged), default=0),
            pause,
        )
        self._pause_allowed_at = asyncio.get_running_loop().time() + pause
        self._release_backlogged()
        self._resume(conn)

    def _release_backlogged(self) -> None:
        for subscription in self._backlogged:
            subscription.release()
        self._backlogged.clear()

    def _resume(self, conn: AmiConnection) -> None:
        if self._pause_timer is not None:
            self._pause_timer.cancel()
            self._pause_timer = None
        conn.resume_reading()

    # -- actions ------------------------------------------------------------------------

    async def action(
        self,
        name: str,
        fields: Mapping[str, FieldValue] | None = None,
        *,
        timeout: float | None = None,
        action_id: str | None = None,
    ) -> ActionResult:
        """Send an action, return its response (plus list events for EventList actions).

        Does not raise on `Response: Error` (look at `result.ok`); raises `NotConnected`,
        `ConnectionLost`, `ActionTimeout`, or ValueError for CR/LF in a value. `action_id`:
        the caller's own ActionID (default: one of ours), e.g. to find an Originate's
        broadcast `OriginateResponse`.
        """
        conn = self._conn
        if conn is None or conn.closed:
            raise NotConnected("no logged-in AMI connection") from self._failure
        return await conn.send(
            name, fields, timeout=timeout or self.settings.action_timeout, action_id=action_id
        )

    async def ping(self, *, timeout: float | None = None) -> float:
        """Round trip of a Ping, in seconds."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        await self._checked("Ping", None, timeout)
        return loop.time() - started

    async def db_put(self, family: str, key: str, value: str) -> None:
        await self._checked("DBPut", {"Family": family, "Key": key, "Val": value})

    async def set_device_state(self, device: str, state: str) -> None:
        """`Setvar DEVICE_STATE(<device>)` (a `Custom:` device, recording 025); raises
        ActionFailed on `Variable not set` (a bad value or a non-custom device)."""
        await self._checked("Setvar", {"Variable": f"DEVICE_STATE({device})", "Value": state})

    async def db_get(self, family: str, key: str) -> str | None:
        """The AstDB value, or None if the key does not exist."""
        result = await self.action("DBGet", {"Family": family, "Key": key})
        if not result.ok:
            if result.message == _NOT_FOUND:
                return None
            raise ActionFailed("DBGet", result.response)
        return result.events[0].get("Val", "") if result.events else None

    async def db_del(self, family: str, key: str) -> bool:
        """Delete a key; False if it did not exist."""
        result = await self.action("DBDel", {"Family": family, "Key": key})
        if not result.ok:
            if result.message == _NOT_FOUND:
                return False
            raise ActionFailed("DBDel", result.response)
        return True

    async def db_get_tree(self, family: str) -> dict[str, str]:
        """Every key under a family, keyed by the full path Asterisk reports (`/fam/key`)."""
        result = await self.action("DBGetTree", {"Family": family})
        if not result.ok:
            if result.message == _NOT_FOUND:
                return {}
            raise ActionFailed("DBGetTree", result.response)
        return {ev.headers.get("Key", ""): ev.headers.get("Val", "") for ev in result.events}

    async def command(self, command: str, *, timeout: float | None = None) -> tuple[str, ...]:
        """Run a CLI command; its output lines (Asterisk ≥ 14: one `Output:` header each)."""
        result = await self._checked("Command", {"Command": command}, timeout)
        return result.response.output

    async def core_show_channels(self) -> tuple[AmiEvent, ...]:
        """One `CoreShowChannel` event per active channel."""
        result = await self._checked("CoreShowChannels", None)
        return result.events

    async def _checked(
        self, name: str, fields: Mapping[str, FieldValue] | None, timeout: float | None = None
    ) -> ActionResult:
        result = await self.action(name, fields, timeout=timeout)
        if not result.ok:
            raise ActionFailed(name, result.response)
        return result

    # -- connection supervision ---------------------------------------------------------

    async def _supervise(self) -> None:
        settings = self.settings
        while True:
            try:
                conn = await self._open_session()
            except (LoginRefused, NotAsterisk) as exc:
                logger.error("AMI %s:%s: %s; not retrying", settings.host, settings.port, exc)
                self._failure = exc
                self._notify_state()
                return
            except (OSError, AmiError) as exc:  # includes refused/reset sockets and timeouts
                delay = self._backoff.next_delay()
                logger.warning(
                    "AMI connect to %s:%s failed (%s); retrying in %.2f s",
                    settings.host,
                    settings.port,
                    str(exc) or type(exc).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            self._backoff.reset()
            reason = await self._run_session(conn)
            if self._closing:
                return
            delay = self._backoff.next_delay()
            logger.warning("AMI connection lost (%s); reconnecting in %.2f s", reason, delay)
            await asyncio.sleep(delay)

    async def _open_session(self) -> AmiConnection:
        settings = self.settings
        conn = await AmiConnection.open(
            settings.host,
            settings.port,
            self._dispatch,
            timeout=settings.connect_timeout,
            max_frame_size=settings.max_frame_size,
            max_line_size=settings.max_line_size,
            action_id_prefix=self._id_prefix,
            max_list_items=settings.max_list_items,
        )
        try:
            if not conn.banner.is_asterisk:
                raise NotAsterisk(f"unexpected greeting {conn.banner.text[:80]!r}")
            await self._login(conn)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _login(self, conn: AmiConnection) -> None:
        settings = self.settings
        fields: dict[str, FieldValue] = {"Username": settings.username}
        if settings.auth == "md5":
            challenge = await conn.send(
                "Challenge", {"AuthType": "MD5"}, timeout=settings.login_timeout
            )
            nonce = challenge.response.get("Challenge")
            if not challenge.ok or nonce is None:
                raise LoginRefused(settings.username, challenge.message or "no MD5 challenge")
            # manager.c compares against md5(challenge + secret), hex.
            digest = hashlib.md5((nonce + settings.secret).encode(), usedforsecurity=False)
            fields |= {"AuthType": "MD5", "Key": digest.hexdigest()}
        else:
            fields["Secret"] = settings.secret
        fields["Events"] = settings.events
        result = await conn.send("Login", fields, timeout=settings.login_timeout)
        if not result.ok:
            raise LoginRefused(settings.username, result.message)

    async def _run_session(self, conn: AmiConnection) -> str:
        """Serve one logged-in connection until it ends; return why it ended."""
        self._sessions += 1
        session = SessionInfo(self._sessions, conn.banner.text)
        self._conn, self._session = conn, session
        logger.info(
            "AMI logged in to %s:%s as %s (session %d, %s)",
            self.settings.host,
            self.settings.port,
            self.settings.username,
            session.number,
            session.banner,
        )
        self._notify_state()
        children = [self._spawn(self._watchdog(conn), "ami-watchdog")]
        if self._on_reconnect is not None:
            children.append(self._spawn(self._run_callback(session), "ami-on-reconnect"))
        try:
            return await conn.wait_lost()
        finally:
            self._last_stats = conn.parser_stats
            # The pause belonged to this socket; the next one starts reading freely.
            self._resume(conn)
            self._release_backlogged()
            self._conn = None
            self._notify_state()
            await _cancel_all(children)
            await conn.close()

    async def _watchdog(self, conn: AmiConnection) -> None:
        """Ping every interval; a missing Pong means a hung PBX: drop and reconnect."""
        settings = self.settings
        while True:
            await asyncio.sleep(settings.ping_interval)
            try:
                await conn.send("Ping", None, timeout=settings.ping_timeout)
            except TimeoutError:
                logger.warning(
                    "AMI ping unanswered for %.1f s: dropping the connection", settings.ping_timeout
                )
                conn.abort(f"no answer to Ping within {settings.ping_timeout:g} s")
                return
            except AmiConnectionError:
                return

    async def _run_callback(self, session: SessionInfo) -> None:
        assert self._on_reconnect is not None
        try:
            await self._on_reconnect(session)
        except AmiConnectionError as exc:
            logger.warning("AMI on_reconnect interrupted by a connection problem: %s", exc)
        except Exception:
            logger.exception("AMI on_reconnect callback failed")

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _notify_state(self) -> None:
        waiters, self._state_waiters = self._state_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


async def _cancel_all(tasks: Iterable[asyncio.Task[None]]) -> None:
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
