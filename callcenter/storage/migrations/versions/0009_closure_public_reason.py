"""Closures: a public reason (spoken) apart from the internal note (never spoken).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

`public_reason` is a key of the announcement templates' [public_reasons] (empty: no reason
is given); `note_on_board` says whether switchboard staff see the internal note on the
board. Closures stored before keep their note internal: no public reason, not on the board.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("closures") as batch:
        batch.add_column(
            sa.Column("public_reason", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("note_on_board", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("closures") as batch:
        batch.drop_column("note_on_board")
        batch.drop_column("public_reason")
