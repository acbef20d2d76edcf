"""The packaged Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from callcenter.storage.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    alembic_config,
    current_revision,
    make_engine,
    normalise_url,
    upgrade,
)
from callcenter.storage.models import Base, WindowRow

EXPECTED_TABLES = {
    "alembic_version",
    "office_settings",
    "teams",
    "call_windows",
    "week_variants",
    "week_variant_windows",
    "closures",
    "special_openings",
    "pilots",
    "call_records",
    "tally_entries",
    "audit_log",
    "users",
    "api_tokens",
    "callback_requests",
    "callback_attempts",
    "web_sessions",
}


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_upgrade_creates_every_table(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES
    assert current_revision(engine) == _head()


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_call_records_have_unique_linked_id_and_team_started_index(engine: Engine) -> None:
    inspector = inspect(engine)
    uniques = [tuple(u["column_names"]) for u in inspector.get_unique_constraints("call_records")]
    indexes = [tuple(i["column_names"]) for i in inspector.get_indexes("call_records")]
    assert ("linked_id",) in uniques
    assert ("team", "started") in indexes


def test_upgrade_twice_is_harmless(db_url: str, engine: Engine) -> None:
    upgrade(db_url)
    assert current_revision(engine) == _head()


def test_downgrade_to_base_removes_every_table(engine: Engine) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    assert current_revision(engine) is None


def test_empty_database_has_no_revision(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            insert(WindowRow).values(
                team_id="no-such-team", weekday=0, start_time=time(9), end_time=time(12)
            )
        )


def test_sqlite_engine_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    database = tmp_path / "not" / "yet" / "there.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert connection.scalar(text("PRAGMA busy_timeout")) == SQLITE_BUSY_TIMEOUT_MS
        assert database.parent.is_dir()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@localhost/db", "postgresql+psycopg"),
        ("postgres://u@localhost/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@localhost/db", "postgresql+psycopg"),
        ("sqlite:///x.sqlite3", "sqlite"),
    ],
)
def test_plain_postgresql_urls_use_psycopg3(given: str, driver: str) -> None:
    assert normalise_url(given).drivername == driver


def test_the_schema_head_constant_is_alembics_head() -> None:
    """`upgrade` skips Alembic when a database is stamped SCHEMA_HEAD: it must be the head."""
    from callcenter.storage.database import SCHEMA_HEAD

    assert _head() == SCHEMA_HEAD


def test_a_database_one_migration_behind_is_still_upgraded(empty_db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    previous = script.get_revision(_head()).down_revision
    assert isinstance(previous, str)
    upgrade(empty_db_url, previous)
    engine = make_engine(empty_db_url)
    try:
        assert current_revision(engine) == previous
        upgrade(empty_db_url)
        assert current_revision(engine) == _head()
    finally:
        engine.dispose()
