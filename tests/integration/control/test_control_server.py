"""The control socket's server and client in one process: the file's mode, the caller's name
from the kernel, stale and foreign sockets, and the CLI's own commands run on the store."""

from __future__ import annotations

import asyncio
import getpass
import os
import socket
import sqlite3
import stat
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from callcenter.cli import main as direct_main
from callcenter.cli.served import control_handler
from callcenter.config import example_config_text, load_settings
from callcenter.control import client
from callcenter.control import server as control_server
from callcenter.control.protocol import (
    MAX_MESSAGE_BYTES,
    ControlReply,
    ControlRequest,
    decode_reply,
)
from callcenter.control.server import ControlServer
from callcenter.storage.change_signal import add_change_listener
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings


def echo_caller(request: ControlRequest) -> ControlReply:
    return ControlReply(3, request.user + "\n", " ".join(request.argv))


async def ask(path: Path, argv: list[str], config: str | None = None) -> ControlReply:
    return await asyncio.to_thread(client.call, client.Route(path, argv, config))


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[ControlServer]:
    server = ControlServer(tmp_path / "control.sock", echo_caller)
    assert await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_only_the_owner_may_connect_and_the_kernel_names_the_caller(
    running: ControlServer,
) -> None:
    mode = running.path.stat().st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600
    reply = await ask(running.path, ["--actor", "someone-else", "state"])
    # The request's own words do not name the caller; the peer credentials do.
    assert reply == ControlReply(3, getpass.getuser() + "\n", "--actor someone-else state")


async def test_stopping_removes_the_socket_and_the_cli_then_finds_no_service(
    tmp_path: Path,
) -> None:
    server = ControlServer(tmp_path / "control.sock", echo_caller)
    assert await server.start()
    await server.stop()
    assert not server.path.exists()
    with pytest.raises(client.NoService):
        await ask(server.path, ["state"])


async def test_a_request_still_waiting_when_the_service_stops_is_left_to_the_direct_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[tuple[str, ...]] = []

    def slow(request: ControlRequest) -> ControlReply:
        ran.append(request.argv)
        started.set()
        release.wait(5)
        return echo_caller(request)

    server = ControlServer(tmp_path / "control.sock", slow)
    assert await server.start()
    first = asyncio.create_task(ask(server.path, ["state"]))
    assert await asyncio.to_thread(started.wait, 5)
    # The second request is read and its caller known: next it waits for the first one.
    reached = asyncio.Event()
    peer_uid = control_server.peer_uid

    def noting_peer_uid(connection: socket.socket) -> int:
        reached.set()
        return peer_uid(connection)

    monkeypatch.setattr(control_server, "peer_uid", noting_peer_uid)
    second = asyncio.create_task(ask(server.path, ["closure", "list"]))
    await asyncio.wait_for(reached.wait(), 5)
    stopping = asyncio.create_task(server.stop())
    await asyncio.sleep(0)  # stop() marks the server stopping before the first one ends
    release.set()
    assert (await first).code == 3
    with pytest.raises(client.NoService, match="Der Dienst wird beendet"):
        await second
    await stopping
    assert ran == [("state",)]


def _stale_socket(path: Path) -> None:
    """What a killed service leaves: the file of a socket nobody listens on."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(os.fspath(path))


async def test_a_stale_socket_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    _stale_socket(path)
    with pytest.raises(client.NoService):
        await ask(path, ["state"])  # the CLI falls back while the socket is stale
    server = ControlServer(path, echo_caller)
    assert await server.start()
    try:
        assert (await ask(path, ["state"])).code == 3
    finally:
        await server.stop()


async def test_a_second_service_leaves_the_first_ones_socket_alone(
    running: ControlServer,
) -> None:
    second = ControlServer(running.path, lambda request: ControlReply(0, "second", ""))
    assert not await second.start()
    await second.stop()
    assert running.path.exists()
    assert (await ask(running.path, ["state"])).code == 3  # still the first one


async def test_a_path_taken_by_a_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    path.write_text("not a socket", "utf-8")
    server = ControlServer(path, echo_caller)
    assert not await server.start()
    await server.stop()
    assert path.read_text("utf-8") == "not a socket"


async def test_a_path_the_system_refuses_leaves_the_service_without_a_socket(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be", "utf-8")
    server = ControlServer(blocker / "run" / "control.sock", echo_caller)
    # Not raised: the socket is optional and must not stop the service from starting.
    assert not await server.start()
    await server.stop()
    assert f"control socket {server.path}: cannot listen" in caplog.text
    assert blocker.read_text("utf-8") == "a file where the data directory should be"


def send_raw(path: Path, data: bytes, *, hang_up: bool = True) -> bytes:
    """Send `data` as is (and end the request unless told not to); the reply's bytes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(5.0)
        connection.connect(os.fspath(path))
        connection.sendall(data)
        if hang_up:
            connection.shutdown(socket.SHUT_WR)
        return connection.makefile("rb").readline()


class Counted:
    """echo_caller, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: ControlRequest) -> ControlReply:
        self.calls += 1
        return echo_caller(request)


async def test_a_garbled_request_is_refused(running: ControlServer) -> None:
    answer = await asyncio.to_thread(send_raw, running.path, b'{"argv": "state"}\n')
    assert b'"code": 2' in answer


async def test_a_request_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    handler = Counted()
    server = ControlServer(tmp_path / "control.sock", handler)
    assert await server.start()
    try:
        # No newline within MAX_MESSAGE_BYTES: the server gives up on the line at once.
        oversized = b"x" * (MAX_MESSAGE_BYTES + 1)
        answer = await asyncio.to_thread(send_raw, server.path, oversized)
        # A request of allowed size still gets through afterwards.
        fine = await ask(server.path, ["state"])
    finally:
        await server.stop()
    assert decode_reply(answer) == ControlReply(
        2, "", "Fehler: ungültige Anfrage / invalid request\n"
    )
    assert handler.calls == 1
    assert fine.code == 3


async def test_a_client_that_sends_nothing_is_answered_and_let_go(tmp_path: Path) -> None:
    handler = Counted()
    server = ControlServer(tmp_path / "control.sock", handler, request_seconds=0.05)
    assert await server.start()
    try:
        started = time.monotonic()
        answer = await asyncio.to_thread(send_raw, server.path, b"", hang_up=False)
        waited = time.monotonic() - started
    finally:
        await server.stop()
    assert decode_reply(answer).code == 2
    assert handler.calls == 0
    assert waited < 1.0


# ------------------------------------------------------------- the CLI's commands, served


def _audit(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data_dir / "callcenter.sqlite3") as db:
        return list(db.execute("SELECT actor, action FROM audit_log ORDER BY id"))


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Path, Path, list[int]]]:
    """A store as `serve` holds it, its commit hook counted, and the CLI served on a socket."""
    data_dir = tmp_path / "data"
    settings = load_settings(None, environ={}, data_dir=data_dir)
    store = open_store(settings)
    seed_from_settings(store, "test", datetime.now(settings.tz))
    commits: list[int] = []
    remove = add_change_listener(store.engine, lambda: commits.append(1))
    server = ControlServer(data_dir / "control.sock", control_handler(store, settings, None))
    assert await server.start()
    try:
        yield data_dir, server.path, commits
    finally:
        await server.stop()
        remove()
        store.close()


def _direct(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: list[str]
) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        direct_main(["--data-dir", str(data_dir), *argv])
    captured = capsys.readouterr()
    code = ended.value.code if isinstance(ended.value.code, int) else 0
    return code, captured.out, captured.err


async def test_a_served_closure_is_stored_audited_as_the_caller_and_wakes_the_service(
    served: tuple[Path, Path, list[int]],
) -> None:
    data_dir, path, commits = served
    before = _audit(data_dir)
    argv = ["--lang", "de", "closure", "add", "--team", "auslaender-a", "--from", "2030-01-07"]
    reply = await ask(path, [*argv, "--note", "Personalengpass"])
    assert reply.code == 0, reply.stderr
    assert reply.stdout.startswith("Schließung #")
    assert "für auslaender-a: Mo 07.01.2030 00:00 bis Di 08.01.2030 00:00" in reply.stdout
    assert _audit(data_dir)[len(before) :] == [(f"cli:{getpass.getuser()}", "add_closure")]
    assert commits  # the in-process commit hook: the service reloads at once, no poll
    listed = await ask(path, ["closure", "list", "--team", "auslaender-a"])
    assert "Personalengpass" in listed.stdout


async def test_served_and_direct_commands_print_the_same(
    served: tuple[Path, Path, list[int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir, path, _commits = served
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.delenv("CALLCENTER_LANG", raising=False)
    before = _audit(data_dir)
    for argv in (
        ["state", "--at", "2026-12-24T10:00:00+01:00"],
        ["state", "--team", "nobody"],
        ["closure", "add", "--team", "auslaender-a", "--from", "2020-01-06"],  # in the past
        ["closure", "add", "--team", "auslaender-a"],  # usage error
        ["--lang", "en", "closure", "end", "999"],
        ["opening", "list"],
    ):
        code, out, err = _direct(capsys, data_dir, argv)
        reply = await ask(path, ["--lang", "de", *argv])
        assert (reply.code, reply.stdout, reply.stderr) == (code, out, err), argv
    assert _audit(data_dir) == before  # the failed requests wrote nothing


@pytest.mark.parametrize(
    "argv",
    [["serve"], ["db", "upgrade"], ["closure", "add", "--help"], ["--debug", "state"], []],
)
async def test_the_service_runs_only_what_the_cli_sends_it(
    served: tuple[Path, Path, list[int]], argv: list[str]
) -> None:
    data_dir, path, commits = served
    before = _audit(data_dir)
    reply = await ask(path, argv)
    assert reply.code == 2
    assert "nicht über den Steuer-Socket" in reply.stderr
    assert reply.stdout == ""
    assert _audit(data_dir) == before
    assert commits == []


@pytest.fixture
async def served_on_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Path, Path]]:
    """The CLI served by a service started with `--config office.toml` (relative)."""
    config = tmp_path / "office.toml"
    config.write_text(example_config_text(), "utf-8")
    data_dir = tmp_path / "data"
    settings = load_settings(config, environ={}, data_dir=data_dir)
    store = open_store(settings)
    seed_from_settings(store, "test", datetime.now(settings.tz))
    monkeypatch.chdir(tmp_path)
    handler = control_handler(store, settings, "office.toml")
    monkeypatch.chdir(data_dir)  # the caller's working directory is another
    server = ControlServer(data_dir / "control.sock", handler)
    assert await server.start()
    try:
        yield data_dir, config
    finally:
        await server.stop()
        store.close()


async def _route_and_call(argv: list[str], environ: dict[str, str]) -> ControlReply:
    target = client.route(argv, environ)
    assert target is not None  # the data directory leads to the service's socket
    return await asyncio.to_thread(client.call, target)


async def test_the_service_runs_requests_naming_its_configuration_file(
    served_on_a_file: tuple[Path, Path],
) -> None:
    data_dir, config = served_on_a_file
    environ = {"CALLCENTER_DATA_DIR": str(data_dir)}
    by_option = await _route_and_call(["--config", "../office.toml", "closure", "list"], environ)
    by_environment = await _route_and_call(
        ["closure", "list"], {**environ, "CALLCENTER_CONFIG": str(config)}
    )
    assert by_option.code == by_environment.code == 0, by_option.stderr


@pytest.mark.parametrize("other", ["copy", "example"])
async def test_a_request_naming_another_configuration_is_left_to_the_direct_path(
    served_on_a_file: tuple[Path, Path], other: str
) -> None:
    data_dir, config = served_on_a_file
    environ = {"CALLCENTER_DATA_DIR": str(data_dir)}
    if other == "copy":  # the same text, but another file: it may be edited apart
        copy = config.with_name("other.toml")
        copy.write_text(config.read_text("utf-8"), "utf-8")
        environ["CALLCENTER_CONFIG"] = str(copy)
    before = _audit(data_dir)
    argv = ["closure", "add", "--team", "auslaender-a", "--from", "2030-01-07"]
    with pytest.raises(client.NoService, match="anderen Konfigurationsdatei"):
        await _route_and_call(argv, environ)
    assert _audit(data_dir) == before


async def test_a_long_report_holds_up_neither_schedule_edits_nor_the_stop(
    tmp_path: Path,
) -> None:
    report_started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def handler(request: ControlRequest) -> ControlReply:
        if "report" in request.argv:
            ran.append("report begins")
            report_started.set()
            release.wait(10)
            ran.append("report ends")
        else:
            ran.append(" ".join(request.argv))
        return ControlReply(0, "", "")

    server = ControlServer(tmp_path / "control.sock", handler, lane=client.lane)
    assert await server.start()
    report = asyncio.create_task(ask(server.path, ["--lang", "de", "report", "--no-pdf"]))
    assert await asyncio.to_thread(report_started.wait, 5)
    # While the report computes, an admin's closure goes through at once.
    edit = await asyncio.wait_for(ask(server.path, ["closure", "add", "--team", "a"]), 5)
    assert edit.code == 0
    # A second report waits for the first: two at once would double the memory of one.
    second = asyncio.create_task(ask(server.path, ["report", "--no-pdf"]))
    await asyncio.sleep(0.2)
    assert ran == ["report begins", "closure add --team a"]
    stopping = asyncio.create_task(server.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()  # the running report finishes first
    release.set()
    assert (await report).code == 0
    await stopping
    with pytest.raises(client.NoService, match="Der Dienst wird beendet"):
        await second
    assert ran == ["report begins", "closure add --team a", "report ends"]
