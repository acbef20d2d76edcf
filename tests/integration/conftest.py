"""Integration fixtures: a throwaway PostgreSQL server and a `db_url` for both backends.

Every storage test takes `db_url` (or `engine`) and so runs once on SQLite and once on
PostgreSQL. The PostgreSQL server is started once per test session on 127.0.0.1 with a
free port in a temporary directory; each test gets a fresh database on it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, select

from callcenter.domain.schedule import Office
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.models import Base

from .sample_office import SEEDED_AT, sample_office
from .schedule_commands import ScheduleCommands

PG_USER = "postgres"
START_ATTEMPTS = 3


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"


def _postgres_bindir() -> Path:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    pytest.fail(
        "PostgreSQL-Serverprogramme (initdb, pg_ctl) nicht gefunden / PostgreSQL server "
        "binaries not found (looked in `pg_config --bindir` and /usr/lib/postgresql/*/bin). "
        "Install them with `make install` (Debian package `postgresql`).",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    # initdb refuses to run as root, so as root we drop to the `postgres` system user.
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *command]
    return command


def _invoke(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)


def _fail(what: str, result: subprocess.CompletedProcess[str], log: Path | None) -> NoReturn:
    server_log = log.read_text(errors="replace") if log and log.exists() else ""
    pytest.fail(
        f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{server_log}",
        pytrace=False,
    )


def _run(command: list[str], what: str, log: Path | None = None) -> None:
    result = _invoke(command)
    if result.returncode != 0:
        _fail(what, result, log)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session only; stopped and deleted afterwards."""
    bindir = _postgres_bindir()
    root = Path(tempfile.mkdtemp(prefix="callcenter-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, user=PG_USER, group=PG_USER)
    started = False
    try:
        _run(
            [
                str(bindir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                PG_USER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            "initdb",
        )
        # The free port may be taken between probing and binding: try a few.
        for _attempt in range(START_ATTEMPTS):
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            command = [
                str(bindir / "pg_ctl"),
                "--pgdata",
                str(data),
                "--log",
                str(log),
                "--options",
                options,
                "--wait",
                "--timeout",
                "60",
                "start",
            ]
            result = _invoke(command)
            if result.returncode == 0:
                break
        else:
            _fail("pg_ctl start", result, log)
        started = True
        yield PostgresServer("127.0.0.1", port, PG_USER)
    finally:
        if started:
            _run(
                [str(bindir / "pg_ctl"), "--pgdata", str(data), "--mode", "fast", "--wait", "stop"],
                "pg_ctl stop",
                log,
            )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the throwaway server; dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server.conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield postgres_server.url(name)
    finally:
        with psycopg.connect(postgres_server.conninfo(), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, not migrated: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        # A directory that does not exist yet: make_engine must create it.
        return f"sqlite:///{tmp_path / 'data' / 'callcenter.sqlite3'}"
    url: str = request.getfixturevalue("postgres_database")
    return url


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A database migrated to head, on SQLite and on PostgreSQL."""
    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


DbSnapshot = Callable[[], dict[str, list[tuple[Any, ...]]]]


@pytest.fixture
def db_snapshot(engine: Engine) -> DbSnapshot:
    """A function returning every row of every table: to prove that nothing was written."""

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with engine.connect() as connection:
            return {
                name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for name, table in Base.metadata.tables.items()
            }

    return snapshot


@pytest.fixture
def office() -> Office:
    return sample_office()


@pytest.fixture
def seeded(engine: Engine, office: Office) -> Engine:
    """The engine of a database seeded with `office` (holiday state HE)."""
    with session_scope(engine) as session:
        assert ScheduleCommands(session).seed(office, "HE", "seed-admin", SEEDED_AT)
    return engine
