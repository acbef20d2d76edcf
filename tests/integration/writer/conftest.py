"""Writer fixtures: records, a PostgreSQL server of our own to stop and restart, outages.

The outage tests stop PostgreSQL, so they get their own throwaway server (built with the
session server's helpers) instead of stopping the one every other test shares.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest
from pg_cluster import PgCluster, running_cluster
from sqlalchemy import Engine, event, select

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.models import CallRecordRow

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=BERLIN)
# The writer's engine gives up on a SQLite lock after this long instead of the service's
# 5 s, so a 2-3 s lock shows up as an outage rather than being waited out inside one try.
SHORT_BUSY_TIMEOUT_MS = 100


def make_record(n: int, **changes: Any) -> CallRecord:
    started = T0 + timedelta(seconds=37 * n)
    record = CallRecord(
        linked_id=f"1772438405.{n}",
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=f"pseudo-{n:05d}",
        started=started,
        outcome=Outcome.ANSWERED,
        state_at_arrival=State.OPEN,
        source=DecisionSource.LIVE,
        in_hours=True,
        answered=started + timedelta(seconds=12.25),
        ended=started + timedelta(minutes=2),
        wait_seconds=12.25,
        talk_seconds=107.75,
        answered_by="member-3",
        pilot=n % 2 == 0,
    )
    return replace(record, **changes)


def stored_records(engine: Engine) -> list[CallRecord]:
    """Every stored call record, in linked-id order."""
    with session_scope(engine) as session:
        ids = session.scalars(select(CallRecordRow.linked_id).order_by(CallRecordRow.linked_id))
        repository = CallRecordRepository(session)
        return [repository.get(linked_id) for linked_id in ids]


def row_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return CallRecordRepository(session).count()


def shorten_sqlite_busy_timeout(engine: Engine, milliseconds: int = SHORT_BUSY_TIMEOUT_MS) -> None:
    @event.listens_for(engine, "connect")
    def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        # Runs after make_engine's own listener, so this value wins.
        dbapi_connection.execute(f"PRAGMA busy_timeout={milliseconds:d}")


# --- a PostgreSQL server that tests may stop ---------------------------------------------


@pytest.fixture(scope="module")
def stoppable_postgres() -> Iterator[PgCluster]:
    with running_cluster("callcenter-pg-writer-") as cluster:
        yield cluster


# --- outages, the same way for both backends ---------------------------------------------


class Outage(Protocol):
    url: str

    def begin(self) -> None: ...
    def end(self) -> None: ...


@dataclass
class PostgresOutage:
    """Stops the whole server: connections break, new ones are refused."""

    server: PgCluster
    url: str

    def begin(self) -> None:
        self.server.stop()

    def end(self) -> None:
        self.server.start()  # `pg_ctl start --wait`: returns once it accepts connections


@dataclass
class SqliteOutage:
    """Holds `BEGIN EXCLUSIVE` on another connection: every write gets "database is locked"."""

    path: Path
    url: str
    _holder: sqlite3.Connection | None = None

    def begin(self) -> None:
        holder = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
        self._holder = holder

    def end(self) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    """A migrated database and a way to make it unavailable; always available again after."""
    chosen: PostgresOutage | SqliteOutage
    if request.param == "sqlite":
        path = tmp_path / "callcenter.sqlite3"
        chosen = SqliteOutage(path, f"sqlite:///{path}")
        upgrade(chosen.url)
        try:
            yield chosen
        finally:
            chosen.end()
        return

    server: PgCluster = request.getfixturevalue("stoppable_postgres")
    name = f"writer_{uuid.uuid4().hex[:16]}"
    chosen = PostgresOutage(server, server.create_database(name))
    upgrade(chosen.url)
    try:
        yield chosen
    finally:
        # Whatever the test did, leave the server running for the next one.
        if not server.is_running():
            server.start()
        server.drop_database(name)


@pytest.fixture
def outage_engine(outage: Outage) -> Iterator[Engine]:
    engine = make_engine(outage.url)
    if outage.url.startswith("sqlite"):
        shorten_sqlite_busy_timeout(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def spool_path(tmp_path: Path) -> Path:
    return tmp_path / "spool" / "call_records.jsonl"
