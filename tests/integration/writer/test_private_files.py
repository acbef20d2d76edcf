"""The database, the spool and the data directory are readable by their owner only.

They hold pseudonyms, call times and encrypted callback numbers. The modes are checked under
the common umask 022, which would leave files world-readable if the code relied on it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from callcenter.storage.database import make_engine
from callcenter.storage.private_files import make_private_dir
from callcenter.storage.spool import RejectedFile, Spool

from .conftest import make_record


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_sqlite_database_and_its_wal_are_private(tmp_path: Path) -> None:
    database = tmp_path / "data" / "db" / "callcenter.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert mode(tmp_path / "data") == 0o700
        assert mode(tmp_path / "data" / "db") == 0o700
        assert mode(database) == 0o600
        wal = database.with_name(database.name + "-wal")
        assert wal.exists()
        assert mode(wal) == 0o600
        assert mode(database.with_name(database.name + "-shm")) == 0o600
    finally:
        engine.dispose()


def test_spool_and_rejected_files_are_private(tmp_path: Path) -> None:
    spool_path = tmp_path / "data" / "spool.jsonl"
    rejected = RejectedFile(tmp_path / "data" / "spool.rejected")
    spool = Spool(spool_path, rejected)
    spool.open()
    spool.append([make_record(1), make_record(2)])
    rejected.add_line(b"not json", "test")
    assert mode(tmp_path / "data") == 0o700
    assert mode(spool_path) == 0o600
    assert mode(tmp_path / "data" / "spool.rejected") == 0o600

    # The replay rewrites the rest of the spool into a new file: still private.
    result = spool.replay(lambda records: None, chunk_size=1)
    assert result.replayed == 2


def test_an_existing_folder_keeps_the_mode_its_admin_gave_it(tmp_path: Path) -> None:
    shared = tmp_path / "srv"
    shared.mkdir(mode=0o750)
    os.chmod(shared, 0o750)
    make_private_dir(shared / "callcenter")
    assert mode(shared) == 0o750
    assert mode(shared / "callcenter") == 0o700
