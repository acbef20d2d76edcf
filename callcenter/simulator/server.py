"""The simulated Asterisk's AMI server on loopback (`asyncio.start_server`).

Greets with the recorded banner, logs in with a plain secret, sends every event to each
logged-in session that asked for events, and answers actions through `ActionHandler`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from callcenter.simulator.actions import ActionHandler
from callcenter.simulator.engine import SimulatedPbx
from callcenter.simulator.wire import (
    BANNER,
    Header,
    SimEvent,
    encode_frame,
    message,
    response,
)

logger = logging.getLogger(__name__)

_MAX_ACTION = 1 << 16  # a bigger action is garbage; Asterisk drops such sessions as well


def _event_tv(epoch: float) -> str:
    """`2026-11-21T08:45:10.883+0000` (security events' EventTV)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_action(frame: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in frame.decode("utf-8", "replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields.setdefault(key.strip(), value[1:] if value.startswith(" ") else value)
    return fields


@dataclass
class Session:
    number: int
    writer: asyncio.StreamWriter
    peer: str
    local: str
    started: float
    logged_in: bool = False
    events: bool = False
    username: str = ""

    @property
    def session_id(self) -> str:
        return f"0x7ff1cc{self.number:06x}"

    def send(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)


@dataclass
class AmiServer:
    """`await server.start()`; `server.port` is the bound port (0 picks a free one)."""

    pbx: SimulatedPbx
    username: str
    secret: str
    host: str = "127.0.0.1"
    port: int = 0
    refuse_delay: float = 1.0  # real seconds: Asterisk answered a wrong secret after ~1 s
    sessions: list[Session] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)
    _counter: int = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.pbx.bus.listeners.append(self._publish)
        logger.info("simulated Asterisk AMI listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.pbx.bus.listeners.remove(self._publish)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for session in list(self.sessions):
            session.writer.transport.abort()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    # -- events ------------------------------------------------------------------------------

    def _publish(self, event: SimEvent) -> None:
        data = event.encode()
        for session in self.sessions:
            if session.logged_in and session.events:
                session.send(data)

    def broadcast(self, name: str, privilege: str, fields: list[Header]) -> None:
        self.pbx.bus.emit(name, privilege, fields)

    def _security(self, name: str, session: Session, fields: list[Header]) -> None:
        now = self.pbx.clock.time()
        self.pbx.bus.emit(
            name,
            "security,all",
            [("EventTV", _event_tv(now)), *fields],
        )

    # -- one connection ----------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._counter += 1
        peer = writer.get_extra_info("peername") or ("127.0.0.1", 0)
        local = writer.get_extra_info("sockname") or ("127.0.0.1", self.port)
        session = Session(
            self._counter,
            writer,
            f"IPV4/TCP/{peer[0]}/{peer[1]}",
            f"IPV4/TCP/{local[0]}/{local[1]}",
            self.pbx.clock.time(),
        )
        self.sessions.append(session)
        handler = ActionHandler(self.pbx, self.broadcast)
        try:
            writer.write(BANNER)
            buffer = b""
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    frame, buffer = buffer.split(b"\r\n\r\n", 1)
                    if not await self._action(session, handler, frame):
                        return
                if len(buffer) > _MAX_ACTION:
                    return
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.sessions.remove(session)
            self._handlers.discard(task)
            writer.transport.abort()

    async def _action(self, session: Session, handler: ActionHandler, frame: bytes) -> bool:
        """Answer one action; False closes the connection."""
        fields = parse_action(frame)
        name = fields.pop("Action", "")
        action_id = fields.pop("ActionID", None)
        if not name:
            if fields:
                session.send(message(action_id, "Missing action in request", "Error"))
            return True
        lowered = name.lower()
        if lowered == "login":
            return await self._login(session, fields, action_id)
        if lowered == "logoff":
            session.send(response(action_id, "Goodbye", (("Message", "Thanks for all the fish."),)))
            await session.writer.drain()
            return False
        if not session.logged_in:
            # SYNTHESISED (manager.c): actions before Login are refused.
            session.send(message(action_id, "Permission denied", "Error"))
            return True
        if lowered == "events":
            session.events = fields.get("EventMask", "on").lower() != "off"
            session.send(
                response(action_id, "Success", (("Events", "On" if session.events else "Off"),))
            )
            return True
        answer = handler.handle(name, fields, action_id)
        if answer is None:
            session.send(
                message(
                    action_id,
                    f"Invalid/unknown command: {name}. Use Action: ListCommands to show "
                    "available commands.",
                    "Error",
                )
            )
            self._security(
                "RequestBadFormat",
                session,
                [
                    ("Severity", "Error"),
                    ("Service", "AMI"),
                    ("EventVersion", "1"),
                    ("SessionID", session.session_id),
                    ("LocalAddress", session.local),
                    ("RemoteAddress", session.peer),
                    ("RequestType", f"Action: {name}"),
                    ("SessionTV", _event_tv(session.started)),
                    ("AccountID", session.username),
                ],
            )
            return True
        session.send(answer)
        if handler.after_response is not None:
            handler.after_response()
        return True

    async def _login(self, session: Session, fields: dict[str, str], action_id: str | None) -> bool:
        username = fields.get("Username", "")
        if username != self.username or fields.get("Secret", "") != self.secret:
            # 015: other sessions hear InvalidPassword at once; the caller waits ~1 s.
            self._security(
                "InvalidPassword",
                session,
                [
                    ("Severity", "Error"),
                    ("Service", "AMI"),
                    ("EventVersion", "2"),
                    ("AccountID", username),
                    ("SessionID", session.session_id),
                    ("LocalAddress", session.local),
                    ("RemoteAddress", session.peer),
                    ("SessionTV", "1970-01-01T00:00:00.000+0000"),
                ],
            )
            await asyncio.sleep(self.refuse_delay)
            session.send(message(action_id, "Authentication failed", "Error"))
            await session.writer.drain()
            return False
        session.logged_in = True
        session.username = username
        session.events = fields.get("Events", "on").lower() != "off"
        session.send(message(action_id, "Authentication accepted"))
        uptime = str(int(self.pbx.clock.time() - self.pbx.started_at))
        if session.events:
            # 001: FullyBooted (no Timestamp) goes to the new session only.
            session.send(
                encode_frame(
                    [
                        ("Event", "FullyBooted"),
                        ("Privilege", "system,all"),
                        ("Uptime", uptime),
                        ("LastReload", uptime),
                        ("Status", "Fully Booted"),
                    ]
                )
            )
        self._security(
            "SuccessfulAuth",
            session,
            [
                ("Severity", "Informational"),
                ("Service", "AMI"),
                ("EventVersion", "1"),
                ("AccountID", username),
                ("SessionID", session.session_id),
                ("LocalAddress", session.local),
                ("RemoteAddress", session.peer),
                ("UsingPassword", "0"),
                ("SessionTV", _event_tv(session.started)),
            ],
        )
        return True
