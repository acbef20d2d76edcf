"""Monthly partitions of `call_records` on PostgreSQL (migration 0013); SQLite has one table.

Why: a state's offices share one PostgreSQL and log some ten million calls a year. Split by
the month a call started (UTC month bounds), each month's rows and indexes stay small, and
deleting calls past `privacy.delete_calls_after_days` drops whole months (a catalogue
change) instead of deleting and vacuuming millions of rows; only the month the cutoff falls
in is still deleted row by row. Measured (tests/bench/bench_partitions.py, 1M calls, two
runs on a shared 2-core machine), partitioning does not pay for itself at that size: the
report's full scan is as fast or slower (1.03-1.56x the plain table), one team's month no
faster (milliseconds either way), and deleting a month takes 3-5x a row-wise DELETE of the
plain table, because the month's keys in `call_keys` still go row by row (dropping the
partition itself takes milliseconds); only the dead rows a DELETE leaves to vacuum are saved.

Which partitions exist: the months of the stored calls and the coming AHEAD_MONTHS months.
The service's daily retention job (and `callcenter purge`, and every bulk load for the
months it loads) calls `maintain`, which creates what is missing. A call of a month without
its partition (an import of an old file, a clock far off) is never refused: it lands in
the DEFAULT partition, and the next `maintain` moves it into its month's new partition.
A default partition plus ahead-creation, rather than a default partition alone that a job
splits later: with the months made ahead, the live writer never writes into the default
partition, so moving rows out of it stays the exception (and cheap).

Uniqueness of the linked id: PostgreSQL requires every unique index of a partitioned
table to contain the partition key, so `call_records` can only have (linked_id, started)
unique — a record of a known call with another start would slip past it. The key table
`call_keys` (linked_id primary key, not partitioned) keeps the old guarantee: a BEFORE
INSERT trigger claims the key (INSERT … ON CONFLICT DO NOTHING) and skips the row when
another row already holds the linked id, exactly as ON CONFLICT (linked_id) DO NOTHING
did, concurrent writers included (the second waits for the first's commit). A row moving
to another month (an UPDATE of `started`) is deleted and inserted by PostgreSQL; its key
is claimed already but no other row holds it, so it passes. A statement trigger forgets
the keys of deleted rows; dropping a month forgets its keys first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Connection, delete, func, select

from callcenter.storage.data_version import mark_past_changed
from callcenter.storage.models import CallRecordRow

TABLE = "call_records"
KEYS = "call_keys"
DEFAULT_PARTITION = f"{TABLE}_default"
AHEAD_MONTHS = 2  # partitions made ahead of the current month
# The conflict target of inserts into call_records: the unique index that exists.
CONFLICT_KEYS = {"postgresql": ("linked_id", "started"), "sqlite": ("linked_id",)}

CREATE_KEYS = f"CREATE TABLE {KEYS} (linked_id VARCHAR(128) NOT NULL, CONSTRAINT pk_{KEYS} PRIMARY KEY (linked_id))"  # noqa: E501
KEY_TRIGGERS = f"""
CREATE FUNCTION call_records_claim_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {KEYS} (linked_id) VALUES (NEW.linked_id) ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    -- The key is taken. By another row: a duplicate, skipped like ON CONFLICT DO NOTHING.
    -- By none: this row is moving to another month (or the key outlived its row).
    IF EXISTS (SELECT 1 FROM {TABLE} WHERE linked_id = NEW.linked_id) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER claim_key BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION call_records_claim_key();
CREATE FUNCTION call_records_forget_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row per key: a deleted row's key is free. (A row moving to another month is an
    -- UPDATE, which fires no DELETE statement trigger: its key stays.)
    DELETE FROM {KEYS} k USING gone g WHERE k.linked_id = g.linked_id;
    RETURN NULL;
END $$;
CREATE TRIGGER forget_keys AFTER DELETE ON {TABLE}
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION call_records_forget_keys();
"""
DROP_KEY_TRIGGERS = f"""
DROP TRIGGER IF EXISTS forget_keys ON {TABLE};
DROP TRIGGER IF EXISTS claim_key ON {TABLE};
DROP FUNCTION IF EXISTS call_records_forget_keys();
DROP FUNCTION IF EXISTS call_records_claim_key();
"""


def first_of_month(at: date | datetime) -> date:
    """The month an instant (taken in UTC) or a day falls in."""
    if isinstance(at, datetime):
        at = at.astimezone(UTC).date()
    return at.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months(first: date, last: date) -> list[date]:
    """Every month from `first`'s to `last`'s, both included."""
    found, month = [], first_of_month(first)
    while month <= first_of_month(last):
        found.append(month)
        month = next_month(month)
    return found


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def _start(month: date) -> datetime:
    return datetime.combine(month, time(), UTC)


def _bound(month: date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


def is_partitioned(connection: Connection) -> bool:
    """True on PostgreSQL once migration 0013 made call_records a partitioned table."""
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.exec_driver_sql(
        f"SELECT relkind FROM pg_class WHERE oid = to_regclass('{TABLE}')"
    ).scalar()
    return kind == "p"


def existing_months(connection: Connection) -> set[date]:
    """The months that have a partition of their own."""
    names = connection.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        f"WHERE i.inhparent = to_regclass('{TABLE}')"
    ).scalars()
    prefix = f"{TABLE}_"
    found = set()
    for name in names:
        stamp = name.removeprefix(prefix)
        if stamp != "default":
            found.add(date(int(stamp[:4]), int(stamp[5:7]), 1))
    return found


def create_months(connection: Connection, wanted: Iterable[date]) -> list[date]:
    """Create the missing partitions of these months; rows of a month waiting in the default
    partition move into the new one (in the caller's transaction). The months created."""
    have = existing_months(connection)
    created = []
    for month in sorted({first_of_month(m) for m in wanted} - have):
        name, low, high = partition_name(month), _bound(month), _bound(next_month(month))
        # Filled before it is attached: ATTACH then finds the default partition without
        # rows of the month (CREATE … PARTITION OF would refuse while it has some).
        connection.exec_driver_sql(
            f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        connection.exec_driver_sql(
            f"WITH moved AS (DELETE FROM ONLY {DEFAULT_PARTITION} "
            f"WHERE started >= {low} AND started < {high} RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM moved"
        )
        connection.exec_driver_sql(
            f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})"
        )
        created.append(month)
    return created


def waiting_months(connection: Connection) -> list[date]:
    """The months of the rows in the default partition."""
    rows = connection.exec_driver_sql(
        f"SELECT DISTINCT date_trunc('month', started AT TIME ZONE 'UTC')::date "
        f"FROM {DEFAULT_PARTITION}"
    ).scalars()
    return sorted(rows)


def maintain(connection: Connection, now: datetime, ahead: int = AHEAD_MONTHS) -> list[date]:
    """Partitions for this month and the next `ahead`, and for the months of rows waiting
    in the default partition. No-op (empty list) unless call_records is partitioned."""
    if not is_partitioned(connection):
        return []
    current = first_of_month(now)
    wanted = [current]
    for _ in range(ahead):
        wanted.append(next_month(wanted[-1]))
    return create_months(connection, [*wanted, *waiting_months(connection)])


def ensure_range(connection: Connection, first: datetime, last: datetime) -> list[date]:
    """Partitions for every month from `first` to `last` (a bulk load's calls)."""
    if not is_partitioned(connection):
        return []
    return create_months(connection, months(first_of_month(first), first_of_month(last)))


@dataclass(frozen=True)
class Deleted:
    partitions: int  # whole months dropped
    rows: int  # calls deleted, in those months and row by row


def delete_calls_before(connection: Connection, cutoff: datetime, *, dry_run: bool) -> Deleted:
    """Delete every call that started before `cutoff`: whole months by dropping their
    partitions (their keys first), the rest row by row. With `dry_run` only counts."""
    whole = []
    if is_partitioned(connection):
        # Months that end at or before the cutoff: every call in them is past it.
        whole = [m for m in existing_months(connection) if _start(next_month(m)) <= cutoff]
    rows = 0
    for month in sorted(whole):
        name = partition_name(month)
        rows += int(connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() or 0)
        if dry_run:
            continue
        connection.exec_driver_sql(
            f"DELETE FROM {KEYS} k USING {name} p WHERE k.linked_id = p.linked_id"
        )
        connection.exec_driver_sql(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        connection.exec_driver_sql(f"DROP TABLE {name}")
        # DDL, which the data version's statement hook does not see: the past changed.
        mark_past_changed(connection)
    older = CallRecordRow.started < cutoff
    if dry_run:
        rows += int(connection.scalar(select(func.count()).where(older)) or 0)
    else:
        rows += int(connection.execute(delete(CallRecordRow).where(older)).rowcount or 0)
    return Deleted(len(whole), rows)


def partitioning_objects(name: str | None, type_: str) -> bool:
    """True for what migration 0013 adds on PostgreSQL beyond the models (the partitions,
    the key table, the (linked_id, started) index), so schema comparisons skip it."""
    if name is None:
        return False
    if type_ == "table":
        return name == KEYS or (name.startswith(f"{TABLE}_") and name != TABLE)
    return name in ("uq_call_records_linked_id", "uq_call_records_linked_id_started")
