"""Call records for researchers: pseudonyms only, read in batches, never the whole table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.storage.models import CallRecordRow

# The exported columns, in order. `caller` and `answered_by` are keyed pseudonyms (empty
# once the retention purge has cleared them); the raw number is never stored at all.
EXPORT_COLUMNS = (
    "linked_id",
    "team",
    "line_kind",
    "dialled",
    "caller",
    "started",
    "answered",
    "ended",
    "outcome",
    "state_at_arrival",
    "reason_at_arrival",
    "source",
    "in_hours",
    "wait_seconds",
    "talk_seconds",
    "answered_by",
    "pilot",
    "complete",
)
DEFAULT_BATCH = 1000


def iter_calls(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    team: str | None = None,
    batch: int = DEFAULT_BATCH,
) -> Iterator[dict[str, Any]]:
    """Calls that started in [start, end), oldest first, as plain values (datetimes in UTC).

    Rows are fetched `batch` at a time (a server-side cursor on PostgreSQL), so memory
    stays flat however many calls there are.
    """
    columns = [getattr(CallRecordRow, name) for name in EXPORT_COLUMNS]
    query = select(*columns).order_by(CallRecordRow.started, CallRecordRow.linked_id)
    if start is not None:
        query = query.where(CallRecordRow.started >= start)
    if end is not None:
        query = query.where(CallRecordRow.started < end)
    if team is not None:
        query = query.where(CallRecordRow.team == team)
    result = session.execute(query.execution_options(yield_per=batch))
    for row in result:
        yield dict(zip(EXPORT_COLUMNS, row, strict=True))
