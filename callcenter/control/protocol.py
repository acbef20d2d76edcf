"""One request, one reply, each a JSON line: `{"argv": [...], "config": ..., "cwd": ...}` →
`{"code", "stdout", "stderr"}`, and for a command that writes files in the caller's folder
(`report`) also `"out"` and `"folder"`: the folder's absolute path and its files, which the
caller's CLI writes (the service runs as another user, with its own /tmp).

`config` is the configuration file the caller would load (socket_path.config_identity): a
service started with another one declines, since the data directory (where the client finds
the socket) does not decide the database. The caller's identity is not part of the request:
the server reads it from the socket's peer credentials, so a client cannot claim to be
someone else (beyond `--actor`, which the CLI honours for every caller alike).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from callcenter.reporting.folder import FolderFiles

# Arguments and output of a schedule command are a few kB; more is a broken or hostile peer.
MAX_MESSAGE_BYTES = 1 << 20
# A report's site: 240 pages of a state's 120 teams are ≈ 10 MB, its PDF a few more.
MAX_REPLY_BYTES = 256 << 20
# "The service did not answer": the request may or may not have been carried out.
EXIT_NO_ANSWER = 75  # EX_TEMPFAIL
# A bug, not the caller's mistake: on the direct path and inside the service alike.
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE
# Replies to a request the service did not run: the CLI runs it directly instead. No served
# command ends with these (click's codes are 0, 1 and 2; a bug's is EXIT_INTERNAL_ERROR).
EXIT_STOPPING = 69  # EX_UNAVAILABLE: the service is shutting down
EXIT_NOT_THIS_SERVICE = 78  # EX_CONFIG: the service runs on another configuration file
NOT_RUN = frozenset({EXIT_STOPPING, EXIT_NOT_THIS_SERVICE})


# NamedTuple, not a dataclass: `dataclasses` imports `inspect` and `ast`, a fifth of the
# fast path's start-up (tomllib imports `typing` anyway).
class ControlRequest(NamedTuple):
    argv: tuple[str, ...]
    user: str  # the caller's user name, from the peer credentials
    config: str | None  # the caller's configuration file (config_identity)
    # The caller's working directory: a relative path in argv (`report --out`) means there.
    cwd: str | None = None


class ControlReply(NamedTuple):
    code: int
    stdout: str
    stderr: str
    out: str | None = None  # an absolute folder of the caller's, which `folder` goes into
    folder: FolderFiles | None = None


def internal_error_line(exc: BaseException) -> str:
    """The line a command ends in when it fails unexpectedly (exit EXIT_INTERNAL_ERROR)."""
    return (
        f"Interner Fehler ({type(exc).__name__}): {exc} – Details mit --debug "
        "/ internal error, run with --debug for details"
    )


def encode_request(argv: list[str], config: str | None, cwd: str | None = None) -> bytes:
    data = {"argv": argv, "config": config, "cwd": cwd}
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


def decode_request(line: bytes) -> tuple[tuple[str, ...], str | None, str | None]:
    """The argument vector, the configuration and the working directory; ValueError if the
    line is not a request."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("request is not an object")
    argv, config, cwd = data.get("argv"), data.get("config"), data.get("cwd")
    if not isinstance(argv, list) or not all(isinstance(arg, str) for arg in argv):
        raise ValueError("request without an argument list")
    if config is not None and not isinstance(config, str):
        raise ValueError("request with a configuration that is no path")
    if cwd is not None and not (isinstance(cwd, str) and cwd.startswith("/") and "\0" not in cwd):
        raise ValueError("request with a working directory that is no absolute path")
    return tuple(argv), config, cwd


def encode_reply(reply: ControlReply) -> bytes:
    data: dict[str, object] = {"code": reply.code, "stdout": reply.stdout, "stderr": reply.stderr}
    if reply.out is not None and reply.folder is not None:
        data["out"] = reply.out
        data["folder"] = reply.folder.to_json()
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


def decode_reply(data: bytes) -> ControlReply:
    """The reply; ValueError if `data` is not a complete one."""
    parsed = json.loads(data)
    if not isinstance(parsed, dict):
        raise ValueError("reply is not an object")
    code, out, err = parsed.get("code"), parsed.get("stdout"), parsed.get("stderr")
    if not isinstance(code, int) or not isinstance(out, str) or not isinstance(err, str):
        raise ValueError("reply without code, stdout and stderr")
    folder_out, folder = parsed.get("out"), parsed.get("folder")
    if folder_out is None and folder is None:
        return ControlReply(code, out, err)
    if not isinstance(folder_out, str) or not folder_out.startswith("/"):
        raise ValueError("reply with files but no absolute folder for them")
    # Only a report's reply carries files: the schedule commands' fast path does without.
    from callcenter.reporting.folder import FolderFiles

    return ControlReply(code, out, err, folder_out, FolderFiles.from_json(folder))
