"""Issue 20: the caller's menu choices on the call record; callback requests and attempts.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04

`call_records` gains `language` (the menu's choice, "default" without a valid key),
`callback_requested` and `overflow` (where a queue timeout sent the call). Callback
requests keep the number to call only sealed (`number_sealed`, erased when the request is
done or expires); evaluation and exports see the caller's pseudonym only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.storage.coltypes import UtcDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("callback_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("overflow", sa.String(length=80), nullable=True))
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("linked_id", sa.String(length=128), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("dialled", sa.String(length=64), nullable=False),
        sa.Column("caller", sa.String(length=128), nullable=False),
        sa.Column("number_sealed", sa.Text(), nullable=True),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'expired')", name="ck_callback_requests_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_callback_requests"),
        sa.UniqueConstraint("linked_id", name="uq_callback_requests_linked_id"),
    )
    op.create_index(
        "ix_callback_requests_team_status_requested_at",
        "callback_requests",
        ["team", "status", "requested_at"],
    )
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("extension", sa.String(length=64), nullable=False),
        sa.Column("started", UtcDateTime(), nullable=False),
        sa.Column("ended", UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('reached', 'busy', 'no_answer', 'failed', 'staff_unreached')",
            name="ck_callback_attempts_outcome",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["callback_requests.id"],
            name="fk_callback_attempts_request_id_callback_requests",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_callback_attempts"),
        sa.UniqueConstraint(
            "request_id", "attempt", name="uq_callback_attempts_request_id_attempt"
        ),
    )
    op.create_index("ix_callback_attempts_request_id", "callback_attempts", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_callback_attempts_request_id", table_name="callback_attempts")
    op.drop_table("callback_attempts")
    op.drop_index("ix_callback_requests_team_status_requested_at", table_name="callback_requests")
    op.drop_table("callback_requests")
    with op.batch_alter_table("call_records") as batch:
        batch.drop_column("overflow")
        batch.drop_column("callback_requested")
        batch.drop_column("language")
