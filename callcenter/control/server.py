"""The service's side of the control socket: a Unix socket in the data directory, mode 0600.

Each connection carries one request. The caller is named by the kernel (SO_PEERCRED), not
by the request. Requests run in worker threads, never on the event loop that steers the PBX:
one at a time per lane (one at a time keeps a command's output and its transaction its own),
and a long lane (reports) beside the short one (schedule edits).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pwd
import socket
import stat
import struct
from collections.abc import Callable
from pathlib import Path

from callcenter.control.protocol import (
    EXIT_INTERNAL_ERROR,
    EXIT_STOPPING,
    MAX_MESSAGE_BYTES,
    ControlReply,
    ControlRequest,
    decode_request,
    encode_reply,
    internal_error_line,
)

logger = logging.getLogger(__name__)

ControlHandler = Callable[[ControlRequest], ControlReply]
# Requests of one lane run one at a time; lanes run beside each other.
Lane = Callable[[list[str]], str]
# A client sends its line at once; one that does not must not hold a connection open.
REQUEST_SECONDS = 10.0
# sockaddr_un.sun_path: 108 bytes on Linux, the terminating NUL included.
MAX_PATH_BYTES = 107


def peer_uid(connection: socket.socket) -> int:
    """The user id of the process at the other end, as the kernel knows it."""
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
    )
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return int(uid)


def user_name(uid: int) -> str:
    """The name of a user id (the id itself if it has none). May ask NSS (LDAP, sssd) and
    block: not on the event loop."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _someone_listens(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with probe:
        probe.settimeout(1.0)
        try:
            probe.connect(os.fspath(path))
        except OSError:
            return False
    return True


def one_lane(argv: list[str]) -> str:
    return ""


class ControlServer:
    def __init__(
        self,
        path: Path,
        handler: ControlHandler,
        request_seconds: float = REQUEST_SECONDS,
        lane: Lane = one_lane,
    ) -> None:
        self.path = path
        self._handler = handler
        self._request_seconds = request_seconds
        self._lane = lane
        self._server: asyncio.Server | None = None
        self._inode: int | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._stopping = False

    async def start(self) -> bool:
        """Listen; False (and a warning) if another service listens there already, the path
        is taken by something that is no socket, or the system refuses (no directory, two
        services binding at once): the service runs on without the socket."""
        try:
            return await self._listen()
        except OSError as exc:
            logger.warning("control socket %s: cannot listen (%s)", self.path, exc)
            return False

    async def _listen(self) -> bool:
        path = self.path
        if len(os.fsencode(path)) > MAX_PATH_BYTES:
            logger.warning("control socket %s: path longer than %d bytes", path, MAX_PATH_BYTES)
            return False
        if not await self._claim(path):
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(os.fspath(path))
            self._inode = path.lstat().st_ino  # ours from here: _remove may take it away
            # Before listen(): until then nobody can connect, so no one slips in before this.
            os.chmod(path, 0o600)
            self._server = await asyncio.start_unix_server(
                self._serve, sock=listener, limit=MAX_MESSAGE_BYTES
            )
        except BaseException:
            listener.close()
            self._remove()
            raise
        logger.info("control socket: %s", path)
        return True

    @staticmethod
    async def _claim(path: Path) -> bool:
        """True if the path is free or held by a dead service's socket (then removed)."""
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            return True
        if not stat.S_ISSOCK(mode):
            logger.warning("control socket %s: the path exists and is no socket", path)
            return False
        if await asyncio.to_thread(_someone_listens, path):
            logger.warning("control socket %s: another service listens there", path)
            return False
        path.unlink(missing_ok=True)  # left behind by a service that was killed
        return True

    async def stop(self) -> None:
        """No new requests; the one running finishes; the socket file goes."""
        self._stopping = True
        if self._server is not None:
            self._server.close()
        async with contextlib.AsyncExitStack() as running:  # the running requests finish
            for lock in list(self._locks.values()):
                await running.enter_async_context(lock)
            self._remove()

    def _run(
        self, argv: tuple[str, ...], config: str | None, cwd: str | None, uid: int
    ) -> ControlReply:
        """A request, in the worker thread: there the name lookup may wait on NSS."""
        return self._handler(ControlRequest(argv, user_name(uid), config, cwd))

    def _remove(self) -> None:
        # Only our own file: a second service may have taken the path over meanwhile. lstat:
        # a symlink put in its place is not ours, whatever it points to.
        with contextlib.suppress(OSError):
            if self._inode is not None and self.path.lstat().st_ino == self._inode:
                self.path.unlink()
        self._inode = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            reply = await self._reply(reader, writer)
            writer.write(encode_reply(reply))
            await writer.drain()
        except ConnectionError:
            pass  # the caller went away; the request ran or it did not start
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _reply(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> ControlReply:
        try:
            line = await asyncio.wait_for(reader.readline(), self._request_seconds)
            argv, config, cwd = decode_request(line)
        except (ValueError, TimeoutError) as exc:  # readline: ValueError past the limit
            logger.warning("control socket: unreadable request (%s)", exc)
            return ControlReply(2, "", "Fehler: ungültige Anfrage / invalid request\n")
        uid = peer_uid(writer.get_extra_info("socket"))
        async with self._locks.setdefault(self._lane(list(argv)), asyncio.Lock()):
            if self._stopping:
                return ControlReply(
                    EXIT_STOPPING,
                    "",
                    "Fehler: Der Dienst wird beendet / the service is stopping\n",
                )
            try:
                return await asyncio.to_thread(self._run, argv, config, cwd, uid)
            except Exception as exc:  # the handler reports failures itself; this is a bug
                logger.exception("control socket: request %s failed", argv)
                return ControlReply(EXIT_INTERNAL_ERROR, "", internal_error_line(exc) + "\n")
