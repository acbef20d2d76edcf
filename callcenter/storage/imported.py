"""Writing imported call records: new ones added, known ones recognised (tally entries:
callcenter.storage.tally_repository).

Runs inside the caller's transaction, so an import is written completely or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.domain.calls import CallRecord
from callcenter.storage.batching import chunks
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.models import CallRecordRow


@dataclass(frozen=True)
class Stored:
    imported: int
    duplicates: int
    updated: int


def store_call_records(session: Session, records: Sequence[CallRecord]) -> Stored:
    """Add records not stored yet; complete stored records whose end was not observed.

    A stored complete record is a duplicate and stays as it is: the live tracker saw the
    PBX's decision, which no file holds.
    """
    by_id = {record.linked_id: record for record in records}
    stored: dict[str, CallRecordRow] = {}
    for chunk in chunks(list(by_id)):
        rows = session.scalars(select(CallRecordRow).where(CallRecordRow.linked_id.in_(chunk)))
        stored.update({row.linked_id: row for row in rows})
    updated = duplicates = 0
    for linked_id, row in stored.items():
        record = by_id[linked_id]
        if row.complete or not record.complete:
            duplicates += 1
        else:
            _complete(row, record)
            updated += 1
    session.flush()
    fresh = [record for linked_id, record in by_id.items() if linked_id not in stored]
    inserted = CallRecordRepository(session).add_many(fresh)
    # Inserted meanwhile by the live tracker (ON CONFLICT DO NOTHING): a duplicate too.
    duplicates += len(fresh) - inserted
    return Stored(inserted, duplicates, updated)


def _complete(row: CallRecordRow, record: CallRecord) -> None:
    """What the tracker could not see (the end) from the file; its own observations stay."""
    row.outcome = str(record.outcome)
    row.ended = record.ended
    row.wait_seconds = record.wait_seconds
    row.talk_seconds = record.talk_seconds
    row.complete = True
    if row.answered is None:
        row.answered = record.answered
    if row.answered_by is None:
        row.answered_by = record.answered_by
    if not row.caller:
        row.caller = record.caller
    if row.in_hours is None:
        row.in_hours = record.in_hours
