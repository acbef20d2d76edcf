"""API tokens: scopes and an expiry date.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

`scopes` holds the token's scopes separated by spaces ('closures read'); NULL marks a token
made before scopes existed, which keeps working as `admin` (with a warning in the log)
until it expires or is revoked. `expires_at` NULL: the token does not expire.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.storage.coltypes import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scopes", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("expires_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
