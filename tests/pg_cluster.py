"""One throwaway PostgreSQL cluster for every kind of test: storage, writer outages, e2e.

The cluster lives in a temporary directory and listens on 127.0.0.1 only. `stop()` and a
later `start()` reuse the port, so the same object also serves as a database outage that a
writer or a running service has to live through.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

PG_USER = "postgres"
HOST = "127.0.0.1"
START_ATTEMPTS = 3


class PostgresUnavailable(RuntimeError):
    """The server programs are missing or a pg_ctl step failed (with the server's log)."""


def postgres_bindir() -> Path:
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
    raise PostgresUnavailable(
        "PostgreSQL-Serverprogramme (initdb, pg_ctl) nicht gefunden / PostgreSQL server "
        "binaries not found (looked in `pg_config --bindir` and /usr/lib/postgresql/*/bin). "
        "Install them with `make install` (Debian package `postgresql`)."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """initdb in a fresh temporary directory; nothing runs until `start()`."""

    def __init__(self, prefix: str = "callcenter-pg-") -> None:
        self.bindir = postgres_bindir()
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.host = HOST
        self.user = PG_USER
        self.port = 0
        self.running = False
        if os.geteuid() == 0:
            shutil.chown(self.root, user=PG_USER, group=PG_USER)
        self._pg(
            "initdb",
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            PG_USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def _invoke(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", PG_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def _pg(self, what: str, program: str, *args: str) -> None:
        result = self._invoke(program, *args)
        if result.returncode != 0:
            server_log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                f"{server_log}"
            )

    def start(self) -> None:
        """Start (again); the first start picks a free port, later starts reuse it."""
        # A free port may be taken between probing and binding: the first start tries a few.
        attempts = 1 if self.port else START_ATTEMPTS
        for attempt in range(attempts):
            port = self.port or free_port()
            options = (
                f"-c listen_addresses={HOST} -c port={port} "
                f"-c unix_socket_directories={self.root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                self._pg(
                    "pg_ctl start",
                    "pg_ctl",
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log),
                    "--options",
                    options,
                    "--wait",
                    "--timeout",
                    "60",
                    "start",
                )
            except PostgresUnavailable:
                if attempt == attempts - 1:
                    raise
                continue
            self.port = port
            self.running = True
            return

    def stop(self, mode: str = "fast") -> None:
        """`fast`: connections are cut at once, as when the database host goes away."""
        self._pg(
            "pg_ctl stop", "pg_ctl", "--pgdata", str(self.data), "--mode", mode, "--wait", "stop"
        )
        self.running = False

    def is_running(self) -> bool:
        return self._invoke("pg_ctl", "--pgdata", str(self.data), "status").returncode == 0

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host={HOST} port={self.port} user={PG_USER} dbname={dbname}"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@{HOST}:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.conninfo(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.conninfo(), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def destroy(self) -> None:
        with contextlib.suppress(PostgresUnavailable):
            if self.running or self.is_running():
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_cluster(prefix: str = "callcenter-pg-") -> Iterator[PgCluster]:
    cluster = PgCluster(prefix)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
