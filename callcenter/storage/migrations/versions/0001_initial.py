"""Initial schema: office settings, teams, windows, closures, special openings, pilots,
call records, manual tally entries, audit log, users.

Revision ID: 0001
Revises:
Create Date: 2025-11-21

Enum values are written out here rather than imported from the domain: a migration is
a snapshot of the schema at its time and must not change when the domain grows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.storage.coltypes import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _one_of(column: str, *values: str) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "office_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_office_settings")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_de", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("queue", sa.String(80), nullable=False),
        sa.Column("team_lines", sa.JSON(), nullable=False),
        sa.Column("direct_lines", sa.JSON(), nullable=False),
        sa.Column("holidays_enabled", sa.Boolean(), nullable=False),
        sa.Column("ignored_holidays", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_table(
        "call_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_call_windows_weekday")),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_call_windows_order")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_call_windows_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_windows")),
    )
    op.create_index(op.f("ix_call_windows_team_id"), "call_windows", ["team_id"])
    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=True),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("ended_by", sa.String(100), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_closures_order")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_closures_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    op.create_index(op.f("ix_closures_team_id_starts_at"), "closures", ["team_id", "starts_at"])
    op.create_table(
        "special_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_special_openings_order")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_special_openings_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_openings")),
    )
    op.create_index(
        op.f("ix_special_openings_team_id_day"), "special_openings", ["team_id", "day"]
    )
    op.create_table(
        "pilots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "end_day IS NULL OR end_day >= start_day", name=op.f("ck_pilots_order")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_pilots_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilots")),
    )
    op.create_index(op.f("ix_pilots_team_id_start_day"), "pilots", ["team_id", "start_day"])
    op.create_table(
        "call_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("linked_id", sa.String(128), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("line_kind", sa.String(20), nullable=False),
        sa.Column("dialled", sa.String(64), nullable=False),
        sa.Column("caller", sa.String(128), nullable=False),
        sa.Column("started", UtcDateTime(), nullable=False),
        sa.Column("answered", UtcDateTime(), nullable=True),
        sa.Column("ended", UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("state_at_arrival", sa.String(16), nullable=True),
        sa.Column("reason_at_arrival", sa.String(16), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("in_hours", sa.Boolean(), nullable=True),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("talk_seconds", sa.Float(), nullable=True),
        sa.Column("answered_by", sa.String(128), nullable=True),
        sa.Column("pilot", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            _one_of("line_kind", "team_line", "direct_line", "switchboard"),
            name=op.f("ck_call_records_line_kind"),
        ),
        sa.CheckConstraint(
            _one_of(
                "outcome",
                "answered",
                "abandoned",
                "timeout",
                "announcement",
                "announcement_hangup",
                "no_answer",
                "busy",
                "transferred",
                "failed",
            ),
            name=op.f("ck_call_records_outcome"),
        ),
        sa.CheckConstraint(
            _one_of("state_at_arrival", "open", "closed"),
            name=op.f("ck_call_records_state_at_arrival"),
        ),
        sa.CheckConstraint(
            _one_of("reason_at_arrival", "hours", "holiday", "closure"),
            name=op.f("ck_call_records_reason_at_arrival"),
        ),
        sa.CheckConstraint(
            _one_of("source", "live", "fallback"), name=op.f("ck_call_records_source")
        ),
        sa.CheckConstraint("wait_seconds >= 0", name=op.f("ck_call_records_wait_seconds")),
        sa.CheckConstraint("talk_seconds >= 0", name=op.f("ck_call_records_talk_seconds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_records")),
        sa.UniqueConstraint("linked_id", name=op.f("uq_call_records_linked_id")),
    )
    op.create_index(op.f("ix_call_records_team_started"), "call_records", ["team", "started"])
    op.create_table(
        "tally_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=True),
        sa.Column("inside_hours", sa.Boolean(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("walk_ins", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(500), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.CheckConstraint("hour IS NULL OR hour BETWEEN 0 AND 23", name=op.f("ck_tally_entries_hour")),
        sa.CheckConstraint("count >= 0", name=op.f("ck_tally_entries_count")),
        sa.CheckConstraint(
            "walk_ins IS NULL OR walk_ins >= 0", name=op.f("ck_tally_entries_walk_ins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_entries")),
        sa.UniqueConstraint(
            "source_file", "source_line", name=op.f("uq_tally_entries_source_file_source_line")
        ),
    )
    op.create_index(op.f("ix_tally_entries_team_day"), "tally_entries", ["team", "day"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=True),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_entity_entity_id"), "audit_log", ["entity", "entity_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_index(op.f("ix_audit_log_entity_entity_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_tally_entries_team_day"), table_name="tally_entries")
    op.drop_table("tally_entries")
    op.drop_index(op.f("ix_call_records_team_started"), table_name="call_records")
    op.drop_table("call_records")
    op.drop_index(op.f("ix_pilots_team_id_start_day"), table_name="pilots")
    op.drop_table("pilots")
    op.drop_index(op.f("ix_special_openings_team_id_day"), table_name="special_openings")
    op.drop_table("special_openings")
    op.drop_index(op.f("ix_closures_team_id_starts_at"), table_name="closures")
    op.drop_table("closures")
    op.drop_index(op.f("ix_call_windows_team_id"), table_name="call_windows")
    op.drop_table("call_windows")
    op.drop_table("teams")
    op.drop_table("office_settings")
