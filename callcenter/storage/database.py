"""Engines, sessions and schema migrations for SQLite (the default) and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from callcenter.storage.change_signal import install_commit_hooks
from callcenter.storage.data_version import install_version_hooks
from callcenter.storage.private_files import ensure_private_file, make_private_dir

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration (a test holds it equal to Alembic's head). Every command opens the
# store, and a database already there needs neither Alembic's import nor its script scan:
# a fifth of a second of each command's start-up.
SCHEMA_HEAD = "0015"
# How long a SQLite writer waits for another writer's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
# Seconds a PostgreSQL connection attempt may take: an unreachable host (packets dropped,
# no RST) would otherwise hang a write for the kernel's TCP timeout, minutes.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 5


def normalise_url(url: str | URL) -> URL:
    """The URL with the driver we ship: plain `postgresql://` means psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and real BEGINs."""
    parsed = normalise_url(url)
    install_commit_hooks()  # every writer of this process signals its committed changes
    if parsed.get_backend_name() != "sqlite":
        # A long-running service outlives server restarts; test connections before use.
        kwargs.setdefault("pool_pre_ping", True)
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args = dict(kwargs.get("connect_args") or {})
            connect_args.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT_SECONDS)
            kwargs["connect_args"] = connect_args
        engine = create_engine(parsed, **kwargs)
        install_version_hooks(engine)
        return engine

    path = _sqlite_file(parsed)
    if path is not None:
        make_private_dir(path.parent)
        ensure_private_file(path)
    engine = create_engine(parsed, **kwargs)
    install_version_hooks(engine)
    use_wal = path is not None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module: in its legacy mode it does not begin
        # before SELECT or SAVEPOINT, which breaks repeatable reads and begin_nested().
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if use_wal:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose loaded values stay readable after commit (repositories return copies)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back if it raises."""
    factory = engine if isinstance(engine, sessionmaker) else make_sessionmaker(engine)
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str | URL | None = None) -> Config:
    """Alembic configured in code, pointing at the migrations packaged with callcenter."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = normalise_url(url).render_as_string(hide_password=False)
        # ConfigParser interpolation would choke on a '%' in a password.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


# One advisory-lock key for every callcenter process on a PostgreSQL database ("call").
_POSTGRES_LOCK_KEY = 0x63616C6C


def serialize_on_postgresql(connection: Connection) -> None:
    """Wait for, and hold until this transaction ends, the callcenter-wide lock.

    Several `serve` instances (one per PBX) may start together on one PostgreSQL database:
    their migrations and the first seeding must run one after the other, or both would
    create the same tables and rows. SQLite serialises writers by itself: a no-op there.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_POSTGRES_LOCK_KEY:d})")


def upgrade(url: str | URL | Engine, revision: str = "head") -> None:
    """Migrate the database at `url` (or behind an engine) to `revision`."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        if revision == "head" and _stamped(engine) == SCHEMA_HEAD:
            return
        from alembic import command

        with engine.begin() as connection:
            # Alembic runs in this transaction (transactional DDL), so the lock covers it.
            serialize_on_postgresql(connection)
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if engine is not url:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _stamped(engine: Engine) -> str | None:
    """The single revision in alembic_version, without Alembic (None if none or several)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(versions[0][0]) if len(versions) == 1 else None
