"""Call records: a covering index for the evaluation's caller sequences.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

The evaluation reads each caller's calls to a team in time order (repeat calls, callers
who got through after the announcement). With (team, caller, started, outcome) SQLite
reads them in that order from the index instead of sorting every call of the period.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_call_records_team_caller_started_outcome"),
        "call_records",
        ["team", "caller", "started", "outcome"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_call_records_team_caller_started_outcome"), table_name="call_records")
