"""Bulk writes for large generated data sets (the synthetic pilot data).

The call tracker's repository inserts in savepointed batches with RETURNING to report
every new record; a million generated calls need less ceremony: executemany inserts in
big transactions, skipping linked ids that are already stored. On PostgreSQL they go
through COPY into a staging table: an executemany costs a round trip of bind processing
per row, and ten million calls of a whole state would take most of an hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from callcenter.domain.calls import CallRecord
from callcenter.storage.models import Base, CallRecordRow, TallyEntryRow


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def call_row(record: CallRecord) -> dict[str, Any]:
    """The row of a call record, as the tracker's repository writes it."""
    return {
        "linked_id": record.linked_id,
        "team": record.team,
        "line_kind": str(record.line_kind),
        "dialled": record.dialled,
        "caller": record.caller,
        "started": record.started,
        "answered": record.answered,
        "ended": record.ended,
        "outcome": str(record.outcome),
        "state_at_arrival": None
        if record.state_at_arrival is None
        else str(record.state_at_arrival),
        "reason_at_arrival": (
            None if record.reason_at_arrival is None else str(record.reason_at_arrival)
        ),
        "source": None if record.source is None else str(record.source),
        "in_hours": record.in_hours,
        "wait_seconds": record.wait_seconds,
        "talk_seconds": record.talk_seconds,
        "answered_by": record.answered_by,
        "pilot": record.pilot,
        "complete": record.complete,
    }


def _insert_ignoring_known(connection: Connection, table: Table, keys: Sequence[str]) -> Any:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    raise NotImplementedError(f"bulk inserts on {dialect} are not supported")


CALL_COLUMNS = (
    "linked_id", "team", "line_kind", "dialled", "caller", "started", "answered", "ended",
    "outcome", "state_at_arrival", "reason_at_arrival", "source", "in_hours", "wait_seconds",
    "talk_seconds", "answered_by", "pilot", "complete",
)  # fmt: skip
# May be given too: each call's link to the caller's previous call (storage/caller_links.py),
# computed by a loader that knows the calls' order already, so no link pass is needed.
OPTIONAL_COLUMNS = ("previous_started",)
INSTANTS = ("started", "answered", "ended", "previous_started")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BULK_CACHE_KIB = 256 * 1024


def insert_calls(connection: Connection, records: Iterable[CallRecord]) -> None:
    """Insert call records with one executemany; already stored linked ids are skipped."""
    rows = [call_row(r) for r in records]
    if rows:
        table = _table(CallRecordRow.__tablename__)
        connection.execute(_insert_ignoring_known(connection, table, ["linked_id"]), rows)


def insert_call_columns(connection: Connection, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert calls given as columns (every column of call_records but the id, the
    OPTIONAL_COLUMNS if known; instants as whole microseconds since 1970-01-01 UTC or
    None); already stored linked ids are skipped. Returns how many rows were offered.

    On SQLite the rows go straight to the driver, converted as the column types would
    convert them (UTC text, 0/1): SQLAlchemy's per-row bind processing costs more than
    the insert itself. On PostgreSQL they are copied (COPY) into a temporary table of the
    transaction and moved over with one INSERT … SELECT … ON CONFLICT DO NOTHING, which
    keeps the skipping of known linked ids that COPY alone cannot do.
    """
    missing = set(CALL_COLUMNS) - set(columns)
    if missing:
        raise ValueError(f"columns missing for call_records: {', '.join(sorted(missing))}")
    size = len(columns["linked_id"])
    if size == 0:
        return 0
    names = (*CALL_COLUMNS, *(name for name in OPTIONAL_COLUMNS if name in columns))
    if connection.dialect.name == "sqlite":
        values = [
            _sqlite_instants(columns[name]) if name in INSTANTS else columns[name] for name in names
        ]
        connection.exec_driver_sql(_sqlite_insert(names), list(zip(*values, strict=True)))
        return size
    if connection.dialect.name == "postgresql":
        _copy_postgresql(connection, columns, names)
        return size
    converted = {
        name: _datetimes(columns[name]) if name in INSTANTS else columns[name]
        for name in CALL_COLUMNS
    }
    rows = [
        dict(zip(CALL_COLUMNS, row, strict=True)) for row in zip(*converted.values(), strict=True)
    ]
    table = _table(CallRecordRow.__tablename__)
    connection.execute(_insert_ignoring_known(connection, table, ["linked_id"]), rows)
    return size


_STAGING = "call_records_bulk"


def _copy_postgresql(
    connection: Connection, columns: Mapping[str, Sequence[Any]], copied: Sequence[str]
) -> None:
    names = ", ".join(copied)
    target = CallRecordRow.__tablename__
    values = [
        _utc_texts(columns[name], "+00") if name in INSTANTS else columns[name] for name in copied
    ]
    # Created per transaction (ON COMMIT DROP) and emptied after each chunk: the same
    # load may copy several chunks.
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ON COMMIT DROP AS "
        f"SELECT {names} FROM {target} WITH NO DATA"
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {_STAGING} ({names}) FROM STDIN") as copy:
        for row in zip(*values, strict=True):
            copy.write_row(row)
    connection.exec_driver_sql(
        f"INSERT INTO {target} ({names}) SELECT {names} FROM {_STAGING} "
        "ON CONFLICT (linked_id) DO NOTHING"
    )
    connection.exec_driver_sql(f"TRUNCATE {_STAGING}")


def _sqlite_instants(micros: Sequence[int | None]) -> list[str | None]:
    """Microseconds since the epoch -> the naive UTC text UtcDateTime stores on SQLite
    ('YYYY-MM-DD HH:MM:SS.ffffff'), vectorised."""
    return _utc_texts(micros, "")


def _utc_texts(micros: Sequence[int | None], suffix: str) -> list[str | None]:
    """Microseconds since the epoch -> 'YYYY-MM-DD HH:MM:SS.ffffff' + suffix, vectorised
    ('+00' makes it a timestamptz literal for PostgreSQL's COPY)."""
    known = [m is not None for m in micros]
    stamps = np.array([m if m is not None else 0 for m in micros], dtype="datetime64[us]")
    texts = np.char.replace(np.datetime_as_string(stamps, unit="us"), "T", " ")
    if suffix:
        texts = np.char.add(texts, suffix)
    return [text if ok else None for text, ok in zip(texts.tolist(), known, strict=True)]


def _datetimes(micros: Sequence[int | None]) -> list[datetime | None]:
    return [None if m is None else _EPOCH + timedelta(microseconds=m) for m in micros]


def _sqlite_insert(names: Sequence[str]) -> str:
    return (
        f"INSERT INTO {CallRecordRow.__tablename__} ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)}) ON CONFLICT (linked_id) DO NOTHING"
    )


@contextmanager
def deferred_indexes(connection: Connection, rows_to_insert: int) -> Iterator[None]:
    """On SQLite, drop call_records' secondary indexes for a bulk insert and build them
    again afterwards — inside the caller's transaction, so a failed or killed load rolls
    back to the indexes it found. Worth it only when the insert is larger than the table;
    otherwise (and on PostgreSQL) nothing changes."""
    table = _table(CallRecordRow.__tablename__)
    present = int(connection.scalar(select(func.count()).select_from(table)) or 0)
    secondary = [index for index in table.indexes if not index.unique]
    if connection.dialect.name != "sqlite" or rows_to_insert <= present:
        yield
        return
    # A bigger page cache while loading: building the indexes then sorts in memory.
    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB:d}")
    try:
        for index in secondary:
            index.drop(connection, checkfirst=True)
        yield
        for index in secondary:
            index.create(connection)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000):d}")


def count_calls_with_prefix(connection: Connection, prefix: str) -> int:
    statement = select(func.count()).where(
        CallRecordRow.linked_id.startswith(prefix, autoescape=True)
    )
    return int(connection.scalar(statement) or 0)


def delete_calls_with_prefix(connection: Connection, prefix: str) -> int:
    result = connection.execute(
        delete(CallRecordRow).where(CallRecordRow.linked_id.startswith(prefix, autoescape=True))
    )
    return int(result.rowcount or 0)


def replace_walk_ins(
    connection: Connection, source_prefix: str, source: str, entries: Iterable[tuple[str, Any, int]]
) -> int:
    """Replace the walk-in rows of generated data (source files starting with
    `source_prefix`) by `entries` (team, day, walk-ins) under the source name `source`."""
    connection.execute(
        delete(TallyEntryRow).where(
            TallyEntryRow.source_file.startswith(source_prefix, autoescape=True)
        )
    )
    rows = [
        {
            "team": team,
            "day": day,
            "hour": None,
            "inside_hours": None,
            "answered": None,
            "count": 0,
            "walk_ins": walk_ins,
            "source_file": source,
            "source_line": line,
            "note": None,
        }
        for line, (team, day, walk_ins) in enumerate(entries, start=1)
    ]
    if rows:
        connection.execute(_table(TallyEntryRow.__tablename__).insert(), rows)
    return len(rows)
