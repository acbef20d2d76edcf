"""Retention: after the configured number of days nothing may lead back to a caller.

What goes: the caller's pseudonym (it links all calls of one number, and with the key
and a guessed number it confirms who called), the answering member's pseudonym, and the
free-text notes of tally sheets. What stays: every other column, so counts, answer
rates, waits and talk times over any period are the same before and after the purge.

Unless `privacy.delete_calls_after_days` is set: calls older than that are deleted as a
whole, row by row. (Month partitions on PostgreSQL, so that whole months could be dropped,
were measured and not kept: README, "PostgreSQL für ein ganzes Land".)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Select, Update, delete, func, or_, select, update
from sqlalchemy.orm import Session

from callcenter.domain.pseudonym import WITHHELD
from callcenter.storage.audit import require_aware
from callcenter.storage.models import CallRecordRow, TallyEntryRow


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime  # call records that started before this lose their identifiers
    cutoff_day: date  # tally entries of days before this lose their notes
    calls: int
    tally_notes: int
    dry_run: bool
    calls_deleted: int = 0  # whole records past delete_calls_after_days


def cutoff_of(now: datetime, retention_days: int) -> datetime:
    if retention_days < 1:
        raise ValueError(f"retention_days must be at least 1, got {retention_days}")
    return require_aware(now, "Aufbewahrung") - timedelta(days=retention_days)


def purge(
    session: Session,
    now: datetime,
    retention_days: int,
    *,
    dry_run: bool = False,
    delete_calls_after_days: int | None = None,
) -> PurgeReport:
    """Clear identifiers older than `retention_days` and delete calls older than
    `delete_calls_after_days` (if given), in the caller's transaction.

    `now` in the office's time zone: the tally's days are office days. With `dry_run`
    only counts what would be cleared or deleted.
    """
    deleted = 0
    if delete_calls_after_days is not None:
        older = CallRecordRow.started < cutoff_of(now, delete_calls_after_days)
        if dry_run:
            deleted = _count(session, select(func.count()).select_from(CallRecordRow).where(older))
        else:
            deleted = _rowcount(session, delete(CallRecordRow).where(older))
    cutoff = cutoff_of(now, retention_days)
    cutoff_day = cutoff.date()
    calls_where = (
        CallRecordRow.started < cutoff,
        or_(CallRecordRow.caller != WITHHELD, CallRecordRow.answered_by.is_not(None)),
    )
    notes_where = (TallyEntryRow.day < cutoff_day, TallyEntryRow.note.is_not(None))
    if dry_run:
        calls = (
            session.scalar(select(func.count()).select_from(CallRecordRow).where(*calls_where)) or 0
        )
        notes = (
            session.scalar(select(func.count()).select_from(TallyEntryRow).where(*notes_where)) or 0
        )
    else:
        calls = _rowcount(
            session,
            update(CallRecordRow).where(*calls_where).values(caller=WITHHELD, answered_by=None),
        )
        notes = _rowcount(session, update(TallyEntryRow).where(*notes_where).values(note=None))
    return PurgeReport(
        cutoff,
        cutoff_day,
        calls,
        notes,
        dry_run,
        calls_deleted=deleted,
    )


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(statement) or 0)


def _rowcount(session: Session, statement: Update | Delete) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)
