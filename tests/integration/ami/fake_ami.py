"""A small fake AMI server on 127.0.0.1 that answers with what Asterisk 22 really sent.

Responses come from trace 015 (`015_actions_only.ami`, plus its refused-login
connection), looked up by the recorded action and re-sent with the client's ActionID
swapped in. Only three answers are not in the traces and are written from Asterisk's
manager.c instead, marked SYNTHESISED below: the MD5 `Challenge`, `Logoff`'s Goodbye and
the answer to an action we have no recording of.

Knobs let a test make the server misbehave: hang after login, ignore or delay actions,
drop the socket when an action arrives, close every new connection at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from recordings import ASTERISK22

from callcenter.pbx.ami import AmiSettings

REPO = Path(__file__).resolve().parents[3]
TRACES_ROOT = ASTERISK22
TRACE_DIR = TRACES_ROOT / "traces"

# SYNTHESISED (manager.c action_challenge / action_logoff; not in the recordings).
CHALLENGE = "840415273"
GOODBYE = b"Response: Goodbye\r\nActionID: {id}\r\nMessage: Thanks for all the fish.\r\n\r\n"
NO_RECORDING = b"Response: Error\r\nActionID: {id}\r\nMessage: fake server: no recording\r\n\r\n"


def _frames(raw: bytes) -> list[bytes]:
    body = raw.partition(b"\r\n")[2]
    return [frame + b"\r\n\r\n" for frame in body[:-4].split(b"\r\n\r\n")]


def _action_id(frame: bytes) -> str | None:
    for line in frame.split(b"\r\n"):
        if line.startswith(b"ActionID: "):
            return line[10:].decode()
    return None


@dataclass(frozen=True)
class SentAction:
    name: str
    fields: dict[str, str]
    action_id: str


class Recording:
    """What the recording script sent in trace 015 and what Asterisk answered."""

    def __init__(self, trace_dir: Path = TRACE_DIR) -> None:
        main = trace_dir / "015_actions_only.ami"
        raw = main.read_bytes()
        self.banner = raw.partition(b"\r\n")[0] + b"\r\n"
        self.frames = _frames(raw)
        self.by_id: dict[str, list[bytes]] = {}
        for frame in self.frames:
            action_id = _action_id(frame)
            if action_id is not None:
                self.by_id.setdefault(action_id, []).append(frame)
        # FullyBooted and SuccessfulAuth: what Asterisk sends to a freshly logged-in session.
        self.welcome = [f for f in self.frames if f.startswith(b"Event: FullyBooted")][:1] + [
            f for f in self.frames if f.startswith(b"Event: SuccessfulAuth")
        ][:1]
        self.sent: list[SentAction] = []
        with open(f"{main}.session.jsonl", encoding="utf-8") as sidecar:
            for line in sidecar:
                entry = json.loads(line)
                if entry["dir"] == "send":
                    fields = _parse_action(entry["data"].encode())
                    name = fields.pop("Action")
                    self.sent.append(SentAction(name, fields, fields.pop("ActionID")))
        bad = (trace_dir / "015_actions_only.badlogin.ami").read_bytes()
        self.refused_login = _frames(bad)[0]

    def reply(self, name: str, fields: dict[str, str], action_id: str) -> bytes:
        """The recorded answer to the closest recorded action, with our ActionID."""
        same_name = [s for s in self.sent if s.name.lower() == name.lower()]
        exact = [s for s in same_name if s.fields == fields]
        if exact:
            chosen = exact[0]
        elif name == "DBGet":
            chosen = next(s for s in same_name if s.fields["Key"] == "no-such-team")
        elif same_name and name != "Command":
            chosen = same_name[0]
        else:
            return NO_RECORDING.replace(b"{id}", action_id.encode())
        return b"".join(self.by_id[chosen.action_id]).replace(
            b"ActionID: " + chosen.action_id.encode() + b"\r\n",
            b"ActionID: " + action_id.encode() + b"\r\n",
        )


def _parse_action(frame: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in frame.decode().split("\r\n"):
        if line:
            key, _, value = line.partition(": ")
            fields[key] = value
    return fields


@dataclass
class Received:
    connection: int
    name: str
    fields: dict[str, str]
    action_id: str


@dataclass
class FakeAmi:
    recording: Recording
    username: str = "callhours"
    secret: str = "callhours-secret"
    refuse_delay: float = 1.0  # Asterisk answered the wrong secret after ~1.0 s (trace)
    banner: bytes | None = None
    hang_connections: set[int] = field(default_factory=set)  # ignore all after login
    silent: set[str] = field(default_factory=set)  # actions never answered
    delays: dict[str, float] = field(default_factory=dict)  # actions answered late
    drop_on: set[str] = field(default_factory=set)  # close the socket when these arrive
    close_on_accept: bool = False
    write_chunk: int | None = None  # split every reply into writes of this size
    port: int = 0
    received: list[Received] = field(default_factory=list)
    accept_times: list[float] = field(default_factory=list)
    connections: int = 0
    _server: asyncio.Server | None = None
    _writers: dict[int, asyncio.StreamWriter] = field(default_factory=dict)
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and cut every connection (an Asterisk restart, seen from AMI)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self.drop_all()

    async def drop_all(self) -> None:
        for writer in list(self._writers.values()):
            writer.transport.abort()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    async def restart(self, downtime: float = 0.0) -> None:
        await self.stop()
        await asyncio.sleep(downtime)
        await self.start()

    async def push(self, data: bytes, *, connection: int | None = None) -> None:
        """Send raw bytes (events, garbage) to one connection or the newest one."""
        writer = self._writers[connection or max(self._writers)]
        writer.write(data)
        await writer.drain()

    def actions(self, name: str) -> list[Received]:
        return [r for r in self.received if r.name == name]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self.connections += 1
        number = self.connections
        self.accept_times.append(asyncio.get_running_loop().time())
        self._writers[number] = writer
        try:
            if self.close_on_accept:
                return
            writer.write(self.banner or self.recording.banner)
            buffer = b""
            logged_in = False
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    frame, buffer = buffer.split(b"\r\n\r\n", 1)
                    fields = _parse_action(frame)
                    name = fields.pop("Action")
                    action_id = fields.pop("ActionID")
                    self.received.append(Received(number, name, fields, action_id))
                    if logged_in and number in self.hang_connections:
                        continue
                    if name in self.drop_on:
                        writer.transport.abort()
                        return
                    if name in self.silent:
                        continue
                    if name in self.delays:
                        await asyncio.sleep(self.delays[name])
                    reply, logged_in, close = self._answer(name, fields, action_id, logged_in)
                    await self._write(writer, reply)
                    if close:
                        return
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.pop(number, None)
            self._handlers.discard(task)
            writer.transport.abort()

    def _answer(
        self, name: str, fields: dict[str, str], action_id: str, logged_in: bool
    ) -> tuple[bytes, bool, bool]:
        """(bytes to send, logged in afterwards, close afterwards)."""
        recording = self.recording
        swap = _swapper("login-1", action_id)
        if name == "Challenge":  # SYNTHESISED, manager.c astman_start_ack + "Challenge:"
            return (
                (
                    f"Response: Success\r\nActionID: {action_id}\r\nChallenge: {CHALLENGE}\r\n\r\n"
                ).encode(),
                logged_in,
                False,
            )
        if name == "Login":
            if self._credentials_ok(fields):
                reply = swap(b"".join(recording.by_id["login-1"][:1])) + b"".join(recording.welcome)
                return reply, True, False
            return swap(recording.refused_login), False, True
        if name == "Logoff":
            return GOODBYE.replace(b"{id}", action_id.encode()), False, True
        return recording.reply(name, fields, action_id), logged_in, False

    def _credentials_ok(self, fields: dict[str, str]) -> bool:
        if fields.get("Username") != self.username:
            return False
        if fields.get("AuthType", "").lower() == "md5":
            expected = hashlib.md5((CHALLENGE + self.secret).encode(), usedforsecurity=False)
            return fields.get("Key") == expected.hexdigest()
        return fields.get("Secret") == self.secret

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        if data.startswith(b"Response: Error\r\nActionID: ") and b"Authentication failed" in data:
            await asyncio.sleep(self.refuse_delay)
        if self.write_chunk is None:
            writer.write(data)
        else:
            for start in range(0, len(data), self.write_chunk):
                writer.write(data[start : start + self.write_chunk])
                await writer.drain()
                await asyncio.sleep(0)
        await writer.drain()


def _swapper(recorded_id: str, action_id: str) -> Callable[[bytes], bytes]:
    old = b"ActionID: " + recorded_id.encode() + b"\r\n"
    new = b"ActionID: " + action_id.encode() + b"\r\n"
    return lambda data: data.replace(old, new)


@contextlib.asynccontextmanager
async def running(server: FakeAmi) -> AsyncIterator[FakeAmi]:
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def fast_settings(server: FakeAmi, **overrides: object) -> AmiSettings:
    """Timings scaled down so that every scenario finishes in well under a second or two."""
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "username": "callhours",
        "secret": "callhours-secret",
        "connect_timeout": 1.0,
        "login_timeout": 2.0,
        "action_timeout": 1.0,
        "ping_interval": 0.1,
        "ping_timeout": 0.2,
        "reconnect_initial": 0.05,
        "reconnect_max": 0.4,
        "reconnect_jitter": 0.1,
    }
    values.update(overrides)
    return AmiSettings(**values)  # type: ignore[arg-type]
