"""Date-range variants of a team's week ("Sommerzeiten") and their windows.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

A variant replaces the team's base week on the local dates first_day..last_day
(inclusive); its windows are stored like call_windows. An end of 24:00 is stored as
23:59:59.999999 (the domain's END_OF_DAY), in both tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.storage.coltypes import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "week_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_week_variants_order")),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_week_variants_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_week_variants")),
    )
    op.create_index(
        op.f("ix_week_variants_team_id_first_day"), "week_variants", ["team_id", "first_day"]
    )
    op.create_table(
        "week_variant_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_week_variant_windows_weekday")
        ),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_week_variant_windows_order")),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["week_variants.id"],
            name=op.f("fk_week_variant_windows_variant_id_week_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_week_variant_windows")),
    )
    op.create_index(
        op.f("ix_week_variant_windows_variant_id"), "week_variant_windows", ["variant_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_week_variant_windows_variant_id"), table_name="week_variant_windows")
    op.drop_table("week_variant_windows")
    op.drop_index(op.f("ix_week_variants_team_id_first_day"), table_name="week_variants")
    op.drop_table("week_variants")
