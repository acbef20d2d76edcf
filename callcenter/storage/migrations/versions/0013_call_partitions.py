"""Issue 19: call_records partitioned by month on PostgreSQL; SQLite is left as it is.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

PostgreSQL only (a no-op on SQLite): `call_records` becomes a table partitioned by range of
`started`, one partition per UTC month (from the oldest stored call to AHEAD_MONTHS months
ahead) and a DEFAULT partition; the rows are copied over. A unique index of a partitioned
table must contain the partition key, so the primary key becomes (id, started) and the
linked id's uniqueness moves to the key table `call_keys`, which a trigger keeps
(callcenter/storage/partitions.py explains both). The other indexes are recreated as they
were, read from the catalogue, so an index added by a later revision survives a downgrade
and upgrade too.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import Connection

from callcenter.storage.partitions import (
    AHEAD_MONTHS,
    CREATE_KEYS,
    DEFAULT_PARTITION,
    DROP_KEY_TRIGGERS,
    KEY_TRIGGERS,
    KEYS,
    TABLE,
    first_of_month,
    months,
    next_month,
    partition_name,
)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW = f"{TABLE}_migrating"
# Made anew by each direction: the primary key and the linked id's unique index.
OWN_INDEXES = ("pk_call_records", "uq_call_records_linked_id", "uq_call_records_linked_id_started")


def _index_definitions(connection: Connection) -> list[str]:
    rows = connection.exec_driver_sql(
        f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '{TABLE}' "
        "AND schemaname = current_schema() ORDER BY indexname"
    ).all()
    return [str(d).replace(" ON ONLY ", " ON ") for name, d in rows if name not in OWN_INDEXES]


def _move_rows_and_sequence(connection: Connection) -> None:
    """Copy the rows into NEW, hand it the id sequence, drop the old table, rename NEW."""
    connection.exec_driver_sql(f"INSERT INTO {NEW} SELECT * FROM {TABLE}")
    sequence = connection.exec_driver_sql(
        f"SELECT pg_get_serial_sequence('{TABLE}', 'id')"
    ).scalar()
    if sequence:  # owned by the old table, it would be dropped with it
        connection.exec_driver_sql(f"ALTER SEQUENCE {sequence} OWNED BY {NEW}.id")
    connection.exec_driver_sql(f"DROP TABLE {TABLE}")
    connection.exec_driver_sql(f"ALTER TABLE {NEW} RENAME TO {TABLE}")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    indexes = _index_definitions(connection)
    oldest, newest = connection.exec_driver_sql(
        f"SELECT min(started), max(started) FROM {TABLE}"
    ).one()
    now = datetime.now(UTC)
    last = first_of_month(max(now, newest or now))
    for _ in range(AHEAD_MONTHS):
        last = next_month(last)
    connection.exec_driver_sql(
        f"CREATE TABLE {NEW} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
        "PARTITION BY RANGE (started)"
    )
    connection.exec_driver_sql(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {NEW} DEFAULT")
    for month in months(first_of_month(min(oldest or now, now)), last):
        connection.exec_driver_sql(
            f"CREATE TABLE {partition_name(month)} PARTITION OF {NEW} FOR VALUES "
            f"FROM ('{month.isoformat()} 00:00:00+00') TO ('{next_month(month).isoformat()} 00:00:00+00')"
        )
    connection.exec_driver_sql(CREATE_KEYS)
    connection.exec_driver_sql(f"INSERT INTO {KEYS} (linked_id) SELECT linked_id FROM {TABLE}")
    _move_rows_and_sequence(connection)
    # Built after the copy: faster than maintaining them row by row.
    connection.exec_driver_sql(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT pk_call_records PRIMARY KEY (id, started)"
    )
    connection.exec_driver_sql(
        f"CREATE UNIQUE INDEX uq_call_records_linked_id_started ON {TABLE} (linked_id, started)"
    )
    for definition in indexes:
        connection.exec_driver_sql(definition)
    connection.exec_driver_sql(KEY_TRIGGERS)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    indexes = _index_definitions(connection)
    connection.exec_driver_sql(DROP_KEY_TRIGGERS)
    connection.exec_driver_sql(
        f"CREATE TABLE {NEW} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    _move_rows_and_sequence(connection)  # dropping the partitioned table drops its partitions
    connection.exec_driver_sql(f"DROP TABLE {KEYS}")
    connection.exec_driver_sql(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT pk_call_records PRIMARY KEY (id)"
    )
    connection.exec_driver_sql(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT uq_call_records_linked_id UNIQUE (linked_id)"
    )
    for definition in indexes:
        connection.exec_driver_sql(definition)
