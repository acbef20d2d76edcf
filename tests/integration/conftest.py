"""Integration fixtures: a throwaway PostgreSQL server and a `db_url` for both backends.

Every storage test takes `db_url` (or `engine`) and so runs once on SQLite and once on
PostgreSQL. The PostgreSQL server is started once per test session on 127.0.0.1 with a
free port in a temporary directory; each test gets a fresh database on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_cluster import PgCluster, running_cluster
from sqlalchemy import Engine, select

from callcenter.domain.schedule import Office
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.models import Base

from .sample_office import SEEDED_AT, sample_office
from .schedule_commands import ScheduleCommands


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgCluster]:
    """A PostgreSQL server for this test session only; stopped and deleted afterwards."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_database(postgres_server: PgCluster) -> Iterator[str]:
    """A fresh, empty database on the throwaway server; dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


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
