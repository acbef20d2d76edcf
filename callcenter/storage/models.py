"""ORM tables. Rows never leave callcenter.storage: repositories translate them to domain types.

Column names avoid SQL keywords (start, end, window) so later hand-written aggregate
SQL does not need quoting. Constraint names follow one convention because Alembic's
batch mode on SQLite can only recreate constraints that have names.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callcenter.domain.calls import DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import Reason, State
from callcenter.storage.coltypes import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEAM_ID = String(64)
ACTOR = String(100)
# Literal SQL, not bound parameters: a query uses a partial index only when its condition
# matches the index's word for word. A bare boolean column is a condition in SQLite and
# in PostgreSQL alike (`in_hours = 1` would be an error in PostgreSQL).
NO_SHEET = "sheet IS NULL"  # tally entries by hand or synthetic (migration 0007)
ANSWERED_INSIDE_CONDITION = f"outcome = '{Outcome.ANSWERED.value}' AND in_hours"
# The calls the report counts per menu language and per overflow destination (0014).
LANGUAGE_CONDITION = "language IS NOT NULL"
OVERFLOW_CONDITION = "overflow IS NOT NULL"
# The calls of known callers that heard the announcement: the report finds each caller's
# first one from these alone (0015).
ANNOUNCED_CONDITION = (
    f"outcome IN ('{Outcome.ANNOUNCEMENT.value}', '{Outcome.ANNOUNCEMENT_HANGUP.value}') "
    "AND caller <> ''"
)


def one_of(column: str, values: type[StrEnum]) -> str:
    """SQL for a CHECK that `column` holds one of an enum's values (NULL passes, as in SQL)."""
    listed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({listed})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OfficeSettingRow(Base):
    """Office-wide key/value settings, e.g. the holiday subdivision ('HE')."""

    __tablename__ = "office_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    # Keeps the configured order of teams: listings and the Office come back as seeded.
    position: Mapped[int] = mapped_column(Integer)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    queue: Mapped[str] = mapped_column(String(80))
    team_lines: Mapped[list[str]] = mapped_column(JSON)
    direct_lines: Mapped[list[str]] = mapped_column(JSON)
    holidays_enabled: Mapped[bool] = mapped_column(Boolean)
    ignored_holidays: Mapped[list[str]] = mapped_column(JSON)


class WindowRow(Base):
    __tablename__ = "call_windows"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(
        TEAM_ID, ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class VariantRow(Base):
    """A date-range variant of a team's week ("Sommerzeiten"), migration 0011."""

    __tablename__ = "week_variants"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="order"),
        Index(None, "team_id", "first_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID, ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(ACTOR)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VariantWindowRow(Base):
    __tablename__ = "week_variant_windows"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    variant_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("week_variants.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class ClosureRow(Base):
    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="order"),
        Index(None, "team_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL: the closure applies to every team.
    team_id: Mapped[str | None] = mapped_column(TEAM_ID, ForeignKey("teams.id"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(ACTOR)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(ACTOR)
    # A key of the announcement templates' [public_reasons]; '' = no reason is spoken.
    public_reason: Mapped[str] = mapped_column(String(40), default="", server_default="")
    note_on_board: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OpeningRow(Base):
    __tablename__ = "special_openings"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="order"),
        Index(None, "team_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID, ForeignKey("teams.id"))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(ACTOR)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PilotRow(Base):
    __tablename__ = "pilots"
    __table_args__ = (
        CheckConstraint("end_day IS NULL OR end_day >= start_day", name="order"),
        Index(None, "team_id", "start_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID, ForeignKey("teams.id"))
    start_day: Mapped[date] = mapped_column(Date)
    # NULL: the pilot is still running (open-ended).
    end_day: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(ACTOR)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CallRecordRow(Base):
    """One inbound call. `team` has no foreign key: call history outlives team renames."""

    __tablename__ = "call_records"
    __table_args__ = (
        CheckConstraint(one_of("line_kind", LineKind), name="line_kind"),
        CheckConstraint(one_of("outcome", Outcome), name="outcome"),
        CheckConstraint(one_of("state_at_arrival", State), name="state_at_arrival"),
        CheckConstraint(one_of("reason_at_arrival", Reason), name="reason_at_arrival"),
        CheckConstraint(one_of("source", DecisionSource), name="source"),
        CheckConstraint("wait_seconds >= 0", name="wait_seconds"),
        CheckConstraint("talk_seconds >= 0", name="talk_seconds"),
        Index(None, "team", "started"),
        # The evaluation's caller sequences read calls in this order (migration 0004).
        Index(None, "team", "caller", "started", "outcome"),
        # The answered waits inside the hours, without touching the table (migration 0005).
        Index(
            "ix_call_records_answered_inside",
            "team",
            "started",
            "wait_seconds",
            # Never differ within the index, but SQLite reads the table for any column of
            # the condition that the index does not hold.
            "outcome",
            "in_hours",
            sqlite_where=text(ANSWERED_INSIDE_CONDITION),
            postgresql_where=text(ANSWERED_INSIDE_CONDITION),
        ),
        # The report's language and overflow counts, from the index alone (migration 0014).
        Index(
            "ix_call_records_language",
            "team",
            "started",
            "reason_at_arrival",
            "language",
            sqlite_where=text(LANGUAGE_CONDITION),
            postgresql_where=text(LANGUAGE_CONDITION),
        ),
        Index(
            "ix_call_records_overflow",
            "team",
            "started",
            "overflow",
            "outcome",
            sqlite_where=text(OVERFLOW_CONDITION),
            postgresql_where=text(OVERFLOW_CONDITION),
        ),
        # The first announcement call per caller (the report's callers who got through
        # later), without reading the other ~80 % of the calls (migration 0015).
        Index(
            "ix_call_records_announced",
            "team",
            "caller",
            "started",
            "outcome",  # SQLite reads the table for a condition column not in the index
            sqlite_where=text(ANNOUNCED_CONDITION),
            postgresql_where=text(ANNOUNCED_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    linked_id: Mapped[str] = mapped_column(String(128), unique=True)
    team: Mapped[str] = mapped_column(TEAM_ID)
    line_kind: Mapped[str] = mapped_column(String(20))
    dialled: Mapped[str] = mapped_column(String(64))
    caller: Mapped[str] = mapped_column(String(128))
    started: Mapped[datetime] = mapped_column(UtcDateTime)
    answered: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(32))
    state_at_arrival: Mapped[str | None] = mapped_column(String(16))
    reason_at_arrival: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(16))
    in_hours: Mapped[bool | None] = mapped_column(Boolean)
    wait_seconds: Mapped[float | None] = mapped_column(Float)
    talk_seconds: Mapped[float | None] = mapped_column(Float)
    answered_by: Mapped[str | None] = mapped_column(String(128))
    pilot: Mapped[bool] = mapped_column(Boolean)
    complete: Mapped[bool] = mapped_column(Boolean)
    # The same caller's previous call to this team (storage/caller_links.py, 0005).
    previous_started: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The routed channel's Uniqueid (queue_log callid) and, for a record without its end,
    # how far wait and talk were counted: imports and later parts of the call merge by
    # them (domain/record_merge.py, migration 0008).
    inbound_id: Mapped[str | None] = mapped_column(String(128), index=True)
    observed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Issue 20 (migration 0012): the menu's language, a callback asked for, the overflow
    # destination after a queue timeout (domain/calls.py).
    language: Mapped[str | None] = mapped_column(String(16))
    callback_requested: Mapped[bool] = mapped_column(Boolean, server_default=false())
    overflow: Mapped[str | None] = mapped_column(String(80))


class CallbackRequestRow(Base):
    """A caller's callback request (issue 20, migration 0012).

    The number to call is kept only sealed (AES-GCM, storage/sealing.py) and erased
    (`number_sealed` NULL) when the request is done or expires; `caller` is the pseudonym
    that evaluation and exports use.
    """

    __tablename__ = "callback_requests"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'expired')", name="status"),
        Index(None, "team", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    linked_id: Mapped[str] = mapped_column(String(128), unique=True)
    team: Mapped[str] = mapped_column(TEAM_ID)
    dialled: Mapped[str] = mapped_column(String(64))
    caller: Mapped[str] = mapped_column(String(128))
    number_sealed: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CallbackAttemptRow(Base):
    """One "Anrufen": the Originate and what came of it (outcome NULL while it runs)."""

    __tablename__ = "callback_attempts"
    __table_args__ = (
        UniqueConstraint("request_id", "attempt"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('reached', 'busy', 'no_answer', 'failed', 'staff_unreached')",
            name="outcome",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("callback_requests.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(ACTOR)
    extension: Mapped[str] = mapped_column(String(64))
    started: Mapped[datetime] = mapped_column(UtcDateTime)
    ended: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))


class TallyEntryRow(Base):
    """A line of a manual tally (Strichliste) from the pilot, as imported."""

    __tablename__ = "tally_entries"
    __table_args__ = (
        CheckConstraint("hour IS NULL OR hour BETWEEN 0 AND 23", name="hour"),
        CheckConstraint("count >= 0", name="count"),
        CheckConstraint("walk_ins IS NULL OR walk_ins >= 0", name="walk_ins"),
        # Re-importing the same sheet must not double the counts (migration 0007): a sheet
        # is its content hash; hand and synthetic entries (no sheet) by source and line.
        UniqueConstraint("sheet", "source_line"),
        Index(
            "ix_tally_entries_unsheeted_source",
            "source_file",
            "source_line",
            unique=True,
            sqlite_where=text(NO_SHEET),
            postgresql_where=text(NO_SHEET),
        ),
        Index(None, "team", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team: Mapped[str] = mapped_column(TEAM_ID)
    day: Mapped[date] = mapped_column(Date)
    hour: Mapped[int | None] = mapped_column(SmallInteger)
    inside_hours: Mapped[bool | None] = mapped_column(Boolean)
    answered: Mapped[bool | None] = mapped_column(Boolean)
    count: Mapped[int] = mapped_column(Integer)
    walk_ins: Mapped[int | None] = mapped_column(Integer)
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_line: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the sheet's content (and team filter); NULL: a hand or synthetic entry, or
    # a sheet imported before migration 0007.
    sheet: Mapped[str | None] = mapped_column(String(64))
    # Free text from the sheet; may name a caller, so the retention purge clears it.
    note: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(ACTOR)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(128))
    # none_as_null: "no before" (a creation) is SQL NULL, not the JSON value null.
    before: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled: Mapped[bool] = mapped_column(Boolean)
    # A team lead's own team (the closures and pilots they may change); NULL for others.
    team_id: Mapped[str | None] = mapped_column(TEAM_ID, ForeignKey("teams.id"))


class ApiTokenRow(Base):
    """A machine client's bearer token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Space-separated scopes ('closures read'); NULL: a token from before scopes (admin).
    scopes: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A browser login, kept server-side; the cookie holds the id, the table its SHA-256."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
