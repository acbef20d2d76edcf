"""The CLI's fast path: which commands go to the control socket, what it imports, and that
without a service (or when told so) everything runs as before. The service side is faked
here (a socket answering one canned reply); tests/e2e/test_control_socket.py runs `serve`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from callcenter.config import example_config_text
from callcenter.control.client import NO_CONTROL, lane, route
from callcenter.control.protocol import (
    EXIT_NO_ANSWER,
    NOT_RUN,
    ControlReply,
    decode_request,
    encode_reply,
)
from callcenter.reporting.folder import FolderFiles

# Runs the `callcenter` entry point, then writes every loaded module's name to a file.
PROBE = (
    "import json, os, sys\n"
    "from callcenter.launcher import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "finally:\n"
    "    with open(os.environ['PROBE_MODULES'], 'w') as out:\n"
    "        json.dump(sorted(sys.modules), out)\n"
)
NOT_ON_THE_FAST_PATH = ("sqlalchemy", "pydantic", "click", "aiohttp")


def _environ(data_dir: Path, **extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    return {**environ, "CALLCENTER_DATA_DIR": str(data_dir), **extra}


def run_cli(
    tmp_path: Path, environ: dict[str, str], *argv: str, cwd: Path | None = None
) -> tuple[int, str, str, set[str]]:
    modules = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environ, "PROBE_MODULES": str(modules)},
        cwd=cwd,
    )
    loaded = set(json.loads(modules.read_text("utf-8")))
    return done.returncode, done.stdout, done.stderr, {name.split(".")[0] for name in loaded}


class FakeService:
    """Answers every request with one reply (None: hangs up) and remembers the requests."""

    def __init__(self, path: Path, reply: ControlReply | None) -> None:
        self.requests: list[tuple[str, ...]] = []
        self.configs: list[str | None] = []
        self.cwds: list[str | None] = []
        self._reply = reply
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(os.fspath(path))
        self._listener.listen()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                line = connection.makefile("rb").readline()
                argv, config, cwd = decode_request(line)
                self.requests.append(argv)
                self.configs.append(config)
                self.cwds.append(cwd)
                if self._reply is not None:
                    connection.sendall(encode_reply(self._reply))

    def close(self) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)


@pytest.fixture
def fake_service(tmp_path: Path) -> Iterator[FakeService]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    reply = ControlReply(4, '{"team": "x"}\n', "Hinweis\n")
    service = FakeService(data_dir / "control.sock", reply)
    try:
        yield service
    finally:
        service.close()


def test_the_fast_path_imports_no_database_config_cli_or_web_library(
    tmp_path: Path, fake_service: FakeService
) -> None:
    environ = _environ(tmp_path / "data", CALLCENTER_LANG="en")
    code, out, err, loaded = run_cli(tmp_path, environ, "closure", "add", "--team", "x")
    # The service's reply, exactly: output, errors and exit code.
    assert (code, out, err) == (4, '{"team": "x"}\n', "Hinweis\n")
    assert fake_service.requests == [("--lang", "en", "closure", "add", "--team", "x")]
    assert fake_service.configs == [None]  # no --config, no CALLCENTER_CONFIG: the example
    assert "callcenter" in loaded  # the probe sees what was imported
    assert loaded.isdisjoint(NOT_ON_THE_FAST_PATH), sorted(loaded & set(NOT_ON_THE_FAST_PATH))


def test_a_service_that_hangs_up_is_reported_not_bypassed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    service = FakeService(data_dir / "control.sock", None)
    try:
        argv = ("closure", "delete", "4")
        code, out, err, loaded = run_cli(tmp_path, _environ(data_dir), *argv)
    finally:
        service.close()
    # The request may have been carried out: running it again directly could do it twice.
    assert code == EXIT_NO_ANSWER
    assert "Der Dienst hat nicht geantwortet" in err
    assert out == ""
    assert service.requests == [("--lang", "de", *argv)]
    assert "sqlalchemy" not in loaded


@pytest.mark.parametrize("declined", sorted(NOT_RUN))
def test_a_request_the_service_declines_runs_directly(tmp_path: Path, declined: int) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    service = FakeService(data_dir / "control.sock", ControlReply(declined, "", "nicht hier\n"))
    try:
        code, out, err, loaded = run_cli(tmp_path, _environ(data_dir), "state", "--team", "x")
    finally:
        service.close()
    # The service says it did not run the request: running it here cannot do it twice.
    assert service.requests == [("--lang", "de", "state", "--team", "x")]
    assert code == 1  # the direct path's own answer: no such team
    assert out == ""
    assert "nicht hier" not in err
    assert "sqlalchemy" in loaded


def test_told_to_stay_direct_the_cli_ignores_a_listening_service(
    tmp_path: Path, fake_service: FakeService
) -> None:
    environ = _environ(tmp_path / "data", **{NO_CONTROL: "1"})
    code, out, err, loaded = run_cli(tmp_path, environ, "state", "--team", "auslaender-a")
    assert code == 0, err
    assert json.loads(out)["team"] == "auslaender-a"
    assert fake_service.requests == []
    assert "sqlalchemy" in loaded


@pytest.mark.parametrize("stale", [False, True], ids=["no socket", "stale socket"])
def test_without_a_service_the_command_runs_directly(tmp_path: Path, stale: bool) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if stale:  # the file a killed service leaves behind
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
            dead.bind(os.fspath(data_dir / "control.sock"))
    code, out, err, loaded = run_cli(tmp_path, _environ(data_dir), "state")
    assert code == 0, err
    assert [json.loads(line)["team"] for line in out.splitlines()] == [
        "auslaender-a",
        "auslaender-b",
        "einbuergerung",
        "aufenthalt-eu",
    ]
    assert "befüllt" in err  # the direct path seeded the new database
    assert "sqlalchemy" in loaded


ENV = {"CALLCENTER_DATA_DIR": "/srv/cc"}


@pytest.mark.parametrize(
    "argv",
    [
        ["state"],
        ["--actor", "ops", "state", "--team", "a"],
        ["--data-dir=/srv/cc", "closure", "add", "--today"],
        ["closure", "list"],
        ["closure", "end", "3"],
        ["closure", "delete", "3"],
        ["closure", "change", "3", "--note", "x"],
        ["opening", "add", "a", "2030-01-05", "09:00-12:00"],
        ["--lang", "en", "opening", "list"],
        ["report", "--no-pdf", "--out", "site"],
    ],
)
def test_schedule_commands_go_to_the_socket_with_the_callers_language(argv: list[str]) -> None:
    target = route(argv, ENV)
    assert target is not None
    assert target.socket == Path("/srv/cc/control.sock")
    assert target.argv == ["--lang", "de", *argv]


@pytest.mark.parametrize(
    ("argv", "environ"),
    [
        (["--help"], ENV),
        (["closure", "add", "-h"], ENV),
        (["report", "--help"], ENV),
        (["--debug", "state"], ENV),
        (["hours", "show"], ENV),
        (["closure"], ENV),
        (["pilot", "list"], ENV),
        (["serve"], ENV),
        (["--unknown", "state"], ENV),
        (["--config"], ENV),
        (["state"], {**ENV, NO_CONTROL: "1"}),
        (["state"], {**ENV, "CALLCENTER_LANG": "fr"}),  # the direct path names the bad value
    ],
)
def test_everything_else_stays_on_the_direct_path(argv: list[str], environ: dict[str, str]) -> None:
    assert route(argv, environ) is None


def test_an_explicit_data_dir_wins_over_the_environment() -> None:
    target = route(["--data-dir", "/flag", "state"], ENV)
    assert target is not None
    assert target.socket == Path("/flag/control.sock")


def test_the_request_names_the_configuration_the_direct_path_would_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "office.toml"
    config.write_text(example_config_text(), "utf-8")
    monkeypatch.chdir(tmp_path)
    by_option = route(["--config", "office.toml", "state"], ENV)
    by_environment = route(["state"], {**ENV, "CALLCENTER_CONFIG": "office.toml"})
    option_first = route(
        ["--config=office.toml", "state"], {**ENV, "CALLCENTER_CONFIG": "/elsewhere.toml"}
    )
    example = route(["state"], {**ENV, "CALLCENTER_CONFIG": ""})  # empty: none, as for click
    assert by_option is not None
    assert by_environment is not None
    assert option_first is not None
    assert example is not None
    # Absolute: the service compares it with its own, resolved in its working directory.
    assert by_option.config == by_environment.config == option_first.config
    assert by_option.config == str(config.resolve())
    assert example.config is None


def test_reports_wait_in_their_own_lane() -> None:
    assert lane(["--lang", "de", "report", "--out", "x"]) == "report"
    assert lane(["--lang", "de", "closure", "add", "--team", "a"]) == "schedule"
    assert lane(["--lang", "de", "state"]) == "schedule"
    assert lane(["--out", "report"]) == "schedule"  # not served: runs in no lane of reports


SITE = FolderFiles(
    (("index.html", b"<h1>Bericht</h1>"), ("en/team-a.html", "é".encode())),
    (("assets/plotly.min.js", sys.executable),),  # any installed file: copied as is
    stale=("team-*.html",),
)


def _site_service(tmp_path: Path, out: Path, site: FolderFiles) -> tuple[Path, FakeService]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    reply = ControlReply(0, "Fertig\n", "", str(out), site)
    return data_dir, FakeService(data_dir / "control.sock", reply)


def test_a_served_report_is_written_by_the_caller_from_the_reply(tmp_path: Path) -> None:
    caller = tmp_path / "caller"
    (caller / "site" / "en").mkdir(parents=True)
    (caller / "site" / "en" / "team-gone.html").write_text("a team no longer reported", "utf-8")
    (caller / "site" / "en" / "notes.html").write_text("the user's own file", "utf-8")
    data_dir, service = _site_service(tmp_path, caller / "site", SITE)
    try:
        argv = ("report", "--no-pdf", "--out", "site")
        code, out, err, loaded = run_cli(tmp_path, _environ(data_dir), *argv, cwd=caller)
    finally:
        service.close()
    assert (code, out, err) == (0, "Fertig\n", "")
    # The relative --out means the caller's directory, which the request names.
    assert service.cwds == [str(caller)]
    site = caller / "site"
    assert (site / "index.html").read_bytes() == b"<h1>Bericht</h1>"
    assert (site / "en" / "team-a.html").read_text("utf-8") == "é"
    assert (site / "assets" / "plotly.min.js").read_bytes() == Path(sys.executable).read_bytes()
    assert not (site / "en" / "team-gone.html").exists()
    assert (site / "en" / "notes.html").read_text("utf-8") == "the user's own file"
    assert loaded.isdisjoint(NOT_ON_THE_FAST_PATH), sorted(loaded & set(NOT_ON_THE_FAST_PATH))


def test_a_served_report_the_caller_cannot_write_fails_with_the_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("no directory", "utf-8")
    data_dir, service = _site_service(tmp_path, blocker / "site", SITE)
    try:
        code, out, err, _loaded = run_cli(tmp_path, _environ(data_dir), "report", "--no-pdf")
    finally:
        service.close()
    assert code == 1
    assert out == ""  # not the service's "Fertig": nothing is done
    assert f"{blocker / 'site'}: Verzeichnis kann nicht angelegt werden" in err
    assert blocker.read_text("utf-8") == "no directory"


@pytest.mark.parametrize("name", ["../escaped.html", "/tmp/escaped.html", "a/../../escaped.html"])
def test_a_reply_naming_a_file_outside_the_folder_writes_nothing(tmp_path: Path, name: str) -> None:
    caller = tmp_path / "caller"
    caller.mkdir()
    hostile = FolderFiles(((name, b"x"), ("index.html", b"y")))
    data_dir, service = _site_service(tmp_path, caller / "site", hostile)
    try:
        code, out, err, _loaded = run_cli(
            tmp_path, _environ(data_dir), "report", "--no-pdf", "--out", "site", cwd=caller
        )
    finally:
        service.close()
    assert code == EXIT_NO_ANSWER  # an unreadable reply: nothing of it is trusted
    assert out == ""
    assert "den Bericht erneut starten" in err
    assert "leaves the folder" in err or "not a relative file name" in err
    assert sorted(path.name for path in tmp_path.rglob("*") if path.is_file()) == ["modules.json"]
