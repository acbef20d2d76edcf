"""The CLI's side of the control socket: which commands may go there, and the call.

Standard library only: this runs before click, SQLAlchemy or pydantic are imported, and
whatever it cannot decide cheaply it leaves to the direct path (which then behaves as it
always did): help, `--debug`, unknown options, other commands, no socket, no service.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from callcenter.control.protocol import (
    MAX_REPLY_BYTES,
    NOT_RUN,
    ControlReply,
    decode_reply,
    encode_request,
)

# The commands that run in the service: the schedule reads and edits an admin waits for, and
# the report (the service has the statistics loaded and the database's pages cached). Each
# runs there as the same click command, so output, errors and exit codes are the same.
SERVED = frozenset(
    {
        ("state",),
        ("report",),
        ("closure", "add"),
        ("closure", "change"),
        ("closure", "delete"),
        ("closure", "end"),
        ("closure", "list"),
        ("opening", "add"),
        ("opening", "list"),
    }
)
# The group's options (callcenter.cli.cli) that take a value; any other option (--debug,
# help, a typo) leaves the command to the direct path.
WITH_VALUE = frozenset({"--config", "--data-dir", "--actor", "--lang"})
LANGUAGES = ("de", "en")
# Setting this (to anything but "" or "0") keeps every command on the direct path.
NO_CONTROL = "CALLCENTER_NO_CONTROL"

CONNECT_SECONDS = 2.0
# The service runs one request at a time: a command may wait for others ahead of it.
REPLY_SECONDS = 300.0


class NoService(Exception):
    """No service took the request (nobody listens on the socket, or the service declined
    it before running it): the command runs directly instead."""


class NoAnswer(Exception):
    """The request was sent, the reply never came: it may or may not have been carried out."""


class Route(NamedTuple):
    socket: Path
    argv: list[str]  # what the service parses: the caller's language made explicit
    config: str | None  # the configuration file the direct path would load (config_identity)
    cwd: str | None = None  # where relative paths of argv point (`report --out`)


def served_options(argv: list[str]) -> dict[str, str] | None:
    """The group options of `argv` if it names a command the service runs (and asks for no
    help or traceback), else None. The service checks requests with this too."""
    found = _served_command(argv)
    return None if found is None else found[0]


def lane(argv: list[str]) -> str:
    """The queue a request waits in: a report (seconds to minutes at a state's scale) must
    not hold up the schedule edits an admin waits for, nor run beside another report."""
    found = _served_command(argv)
    return "report" if found is not None and found[1][:1] == ["report"] else "schedule"


def _served_command(argv: list[str]) -> tuple[dict[str, str], list[str]] | None:
    if any(arg in ("-h", "--help") for arg in argv):
        return None  # click prints help straight to the terminal
    options: dict[str, str] = {}
    words: list[str] = []
    index = 0
    while index < len(argv) and not words:
        arg = argv[index]
        name, equals, value = arg.partition("=")
        if name in WITH_VALUE and equals:
            options[name] = value
        elif arg in WITH_VALUE:
            if index + 1 == len(argv):
                return None
            options[arg] = argv[index + 1]
            index += 1
        elif arg.startswith("-"):
            return None  # --debug wants tracebacks here; anything else, the direct path's word
        else:
            words = argv[index : index + 2]
        index += 1
    if tuple(words[:1]) not in SERVED and tuple(words) not in SERVED:
        return None
    return options, words


def route(argv: list[str], environ: Mapping[str, str]) -> Route | None:
    """Where to send `argv`, or None for the direct path."""
    if environ.get(NO_CONTROL, "") not in ("", "0"):
        return None
    options = served_options(argv)
    if options is None:
        return None
    lang = environ.get("CALLCENTER_LANG") or "de"
    if lang not in LANGUAGES:
        return None  # the direct path names the bad value
    # Imported here: tomllib is the fast path's one sizeable import, and every other command
    # passes through this module on its way to the direct path.
    from callcenter.control.socket_path import config_identity, given_config, resolve_socket

    path = resolve_socket(options.get("--config"), options.get("--data-dir"), environ)
    if path is None:
        return None
    try:
        cwd = os.getcwd()
    except OSError:
        return None  # a deleted working directory: the direct path names the problem
    config = config_identity(given_config(options.get("--config"), environ))
    # The service's own CALLCENTER_LANG must not decide: the caller's is passed explicitly
    # (a later --lang in argv still wins, as on the direct path).
    return Route(path, ["--lang", lang, *argv], config, cwd)


def call(target: Route) -> ControlReply:
    """Send the request and wait for the reply."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with connection:
        connection.settimeout(CONNECT_SECONDS)
        try:
            connection.connect(os.fspath(target.socket))
        except OSError as exc:  # no file, nobody listening, not ours, no socket, too slow
            raise NoService(str(exc)) from exc
        connection.settimeout(REPLY_SECONDS)
        try:
            connection.sendall(encode_request(target.argv, target.config, target.cwd))
            connection.shutdown(socket.SHUT_WR)
            chunks = []
            received = 0
            while chunk := connection.recv(65536):
                chunks.append(chunk)
                received += len(chunk)
                if received > MAX_REPLY_BYTES:
                    raise NoAnswer("reply too long")
            reply = decode_reply(b"".join(chunks))
        except (OSError, ValueError) as exc:
            raise NoAnswer(str(exc) or type(exc).__name__) from exc
    if reply.code in NOT_RUN:
        raise NoService(reply.stderr.strip())
    return reply
