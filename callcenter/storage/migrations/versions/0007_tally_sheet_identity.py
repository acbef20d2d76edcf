"""Tally entries: a sheet is identified by its content hash, not its file name.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04

`sheet` holds the SHA-256 of the imported sheet (content and team filter); a sheet's lines
are unique per (sheet, line), so two different sheets with the same file name no longer
collide. Hand entries and synthetic walk-ins have no sheet; for them (source_file,
source_line) stays unique through a partial index. Rows imported before this revision keep
`sheet` NULL and count as a sheet of their own file name.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_SHEET = "sheet IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("tally_entries") as batch:
        batch.add_column(sa.Column("sheet", sa.String(length=64), nullable=True))
        batch.drop_constraint("uq_tally_entries_source_file_source_line", type_="unique")
        batch.create_unique_constraint(
            "uq_tally_entries_sheet_source_line", ["sheet", "source_line"]
        )
    op.create_index(
        "ix_tally_entries_unsheeted_source",
        "tally_entries",
        ["source_file", "source_line"],
        unique=True,
        sqlite_where=sa.text(NO_SHEET),
        postgresql_where=sa.text(NO_SHEET),
    )


def downgrade() -> None:
    op.drop_index("ix_tally_entries_unsheeted_source", table_name="tally_entries")
    with op.batch_alter_table("tally_entries") as batch:
        batch.drop_constraint("uq_tally_entries_sheet_source_line", type_="unique")
        batch.create_unique_constraint(
            "uq_tally_entries_source_file_source_line", ["source_file", "source_line"]
        )
        batch.drop_column("sheet")
