"""Call records: the routed channel's Uniqueid and how far an incomplete record was counted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

`inbound_id` is the Uniqueid of the channel the team's routing ran on: the callid of
queue_log and the `uniqueid` of that leg's Master.csv rows, so imports find the live
record of a call without Master.csv's `linkedid` column. `observed_until` lets a later
part of a call (seen again after a restart) continue an incomplete record's wait and talk.
Existing rows keep NULL in both: they are matched by linked id, caller, team and time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.storage.coltypes import UtcDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.add_column(sa.Column("inbound_id", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("observed_until", UtcDateTime(), nullable=True))
    op.create_index(
        op.f("ix_call_records_inbound_id"), "call_records", ["inbound_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_call_records_inbound_id"), table_name="call_records")
    with op.batch_alter_table("call_records") as batch:
        batch.drop_column("observed_until")
        batch.drop_column("inbound_id")
