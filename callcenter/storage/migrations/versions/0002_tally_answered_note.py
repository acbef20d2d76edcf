"""Tally entries: answered yes/no and a free-text note, as kept on the paper sheets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

The note is free text written by staff and may name a caller; the retention purge
clears it after the configured number of days.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tally_entries") as batch:
        batch.add_column(sa.Column("answered", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tally_entries") as batch:
        batch.drop_column("note")
        batch.drop_column("answered")
