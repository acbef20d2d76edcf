"""Call records: each call's link to the caller's previous call; an index of answered waits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

`previous_started` lets the evaluation count repeat calls and unique callers in its one
GROUP BY (storage/caller_links.py says why); existing calls are linked here. The partial
index holds the answered calls inside the hours with their waits: the wait histogram
reads it alone instead of looking up every answered call in the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.storage.caller_links import link_all_callers
from callcenter.storage.coltypes import UtcDateTime
from callcenter.storage.models import ANSWERED_INSIDE_CONDITION

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.add_column(sa.Column("previous_started", UtcDateTime(), nullable=True))
    op.create_index(
        "ix_call_records_answered_inside",
        "call_records",
        ["team", "started", "wait_seconds", "outcome", "in_hours"],
        sqlite_where=sa.text(ANSWERED_INSIDE_CONDITION),
        postgresql_where=sa.text(ANSWERED_INSIDE_CONDITION),
    )
    link_all_callers(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_call_records_answered_inside", table_name="call_records")
    with op.batch_alter_table("call_records") as batch:
        batch.drop_column("previous_started")
