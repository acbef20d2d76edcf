"""Writing imported call records: new ones added, known ones recognised (tally entries:
callcenter.storage.tally_repository).

Runs inside the caller's transaction, so an import is written completely or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.domain.calls import CallRecord
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.record_merge import is_live
from callcenter.storage.batching import chunks
from callcenter.storage.call_repository import CallRecordRepository, fold, record_of
from callcenter.storage.models import CallRecordRow


@dataclass(frozen=True)
class Stored:
    imported: int  # new calls
    duplicates: int  # calls stored already that the file adds nothing to
    updated: int  # stored calls the file completed
    matched: int = 0  # file calls found among the live tracker's records (incl. completed)
    rejected: int = 0  # file calls whose id names a stored call that contradicts them
    shift_hours: int | None = None  # file times minus live times, in whole hours
    compared: int = 0  # live calls the shift was measured on


# A file call found by its ids must start within the stored call, give or take this much
# (a CDR's whole seconds, a live record without its end), once a zone shift of whole hours
# is taken out; found by caller and team alone, it must start within FUZZY_TOLERANCE.
ID_TOLERANCE = timedelta(seconds=60)
FUZZY_TOLERANCE = timedelta(seconds=5)
# The largest zone shift looked for when no file call shares an id with a live one.
MAX_SHIFT = timedelta(hours=14)
_HOUR = 3600.0


@dataclass
class _Tally:
    duplicates: int = 0
    updated: int = 0
    matched: int = 0
    rejected: int = 0
    offsets: list[float] = field(default_factory=list)


def store_call_records(session: Session, records: Sequence[CallRecord]) -> Stored:
    """Add the file's calls not stored yet; merge the others into the stored record.

    A file call is the stored call with the same linked id (Master.csv `linkedid`), or
    with the same routed channel (queue_log callid, Master.csv `uniqueid` of the `;2`
    leg) in the same team; without either, the only stored call of the same team and
    caller starting within FUZZY_TOLERANCE. A call found by its ids must have the same
    team and caller and start within the stored call (ID_TOLERANCE, after whole hours of
    a zone shift) or it is rejected. A stored complete call stays as it is (the live
    tracker saw the PBX's decision, which no file holds); an incomplete one is completed
    (domain/record_merge).
    """
    repository = CallRecordRepository(session)
    incoming = fold(records)
    by_id = repository.find_known(list(incoming.values()))
    tally = _Tally()
    taken: set[int] = set()
    fresh: list[CallRecord] = []
    unknown: list[CallRecord] = []
    for linked_id, record in incoming.items():
        row = by_id.get(linked_id)
        if row is None:
            unknown.append(record)
        elif not _agrees(row, record):
            tally.rejected += 1
        else:
            taken.add(row.id)
            _settle(repository, row, record, tally)
    nearby = _nearby(session, unknown)
    for record in unknown:
        row = _fuzzy(nearby, record, taken)
        if row is None:
            fresh.append(record)
        else:
            taken.add(row.id)
            _settle(repository, row, record, tally)
    session.flush()
    # Without ids to compare by, a zone shift still shows: the same callers' live calls
    # a whole number of hours away (measured before the fresh records are added).
    offsets = tally.offsets or _hour_offsets(session, fresh)
    inserted = repository.add_many(fresh)
    # Inserted meanwhile by the live tracker: a duplicate too.
    tally.duplicates += len(fresh) - inserted
    shift, compared = _shift(offsets)
    return Stored(
        inserted, tally.duplicates, tally.updated, tally.matched, tally.rejected, shift, compared
    )


def _settle(
    repository: CallRecordRepository, row: CallRecordRow, record: CallRecord, tally: _Tally
) -> None:
    live = is_live(record_of(row))
    if live:
        tally.matched += 1
        tally.offsets.append((record.started - row.started).total_seconds())
    if repository.improve(row, record):
        tally.updated += 1
    elif not live:
        tally.duplicates += 1


def _agrees(row: CallRecordRow, record: CallRecord) -> bool:
    """The stored call an id points to is this call: same team, caller and start."""
    if row.team != record.team:
        return False
    if WITHHELD not in (row.caller, record.caller) and row.caller != record.caller:
        return False
    offset = (record.started - row.started).total_seconds()
    offset -= round(offset / _HOUR) * _HOUR
    # The file may see the call first later on (queue_log: at the queue), never before.
    length = (row.ended - row.started).total_seconds() if row.ended is not None else 0.0
    tolerance = ID_TOLERANCE.total_seconds()
    return -tolerance <= offset <= length + tolerance


def _nearby(
    session: Session, records: Sequence[CallRecord]
) -> dict[tuple[str, str], list[CallRecordRow]]:
    """Stored calls of these records' teams and callers in their time span."""
    named = [r for r in records if r.caller != WITHHELD]
    if not named:
        return {}
    first = min(r.started for r in named) - FUZZY_TOLERANCE
    last = max(r.started for r in named) + FUZZY_TOLERANCE
    found: dict[tuple[str, str], list[CallRecordRow]] = {}
    for chunk in chunks(sorted({r.caller for r in named})):
        rows = session.scalars(
            select(CallRecordRow).where(
                CallRecordRow.caller.in_(chunk),
                CallRecordRow.started >= first,
                CallRecordRow.started <= last,
            )
        )
        for row in rows:
            found.setdefault((row.team, row.caller), []).append(row)
    return found


def _fuzzy(
    nearby: dict[tuple[str, str], list[CallRecordRow]], record: CallRecord, taken: set[int]
) -> CallRecordRow | None:
    """The one stored call of the same team and caller starting near the file call's start."""
    if record.caller == WITHHELD:
        return None
    candidates = [
        row
        for row in nearby.get((record.team, record.caller), ())
        if row.id not in taken and abs(row.started - record.started) <= FUZZY_TOLERANCE
    ]
    return candidates[0] if len(candidates) == 1 else None


def _hour_offsets(session: Session, records: Sequence[CallRecord]) -> list[float]:
    """For each file call, the offset to a live call of the same team and caller that
    starts a whole number of hours (at most MAX_SHIFT) away, give or take FUZZY_TOLERANCE."""
    named = [r for r in records if r.caller != WITHHELD]
    if not named:
        return []
    first = min(r.started for r in named) - MAX_SHIFT - FUZZY_TOLERANCE
    last = max(r.started for r in named) + MAX_SHIFT + FUZZY_TOLERANCE
    live: dict[tuple[str, str], list[CallRecordRow]] = {}
    for chunk in chunks(sorted({r.caller for r in named})):
        rows = session.scalars(
            select(CallRecordRow).where(
                CallRecordRow.caller.in_(chunk),
                CallRecordRow.started >= first,
                CallRecordRow.started <= last,
                CallRecordRow.state_at_arrival.is_not(None),  # live records only
            )
        )
        for row in rows:
            live.setdefault((row.team, row.caller), []).append(row)
    offsets: list[float] = []
    for record in named:
        candidates = [
            (record.started - row.started).total_seconds()
            for row in live.get((record.team, record.caller), ())
        ]
        near = [
            offset
            for offset in candidates
            if abs(offset) <= (MAX_SHIFT + FUZZY_TOLERANCE).total_seconds()
            and abs(offset - round(offset / _HOUR) * _HOUR) <= FUZZY_TOLERANCE.total_seconds()
        ]
        if near:
            offsets.append(min(near, key=abs))
    return offsets


def _shift(offsets: list[float]) -> tuple[int | None, int]:
    """How many whole hours the file's times lie after the live ones (median)."""
    if not offsets:
        return None, 0
    return round(median(offsets) / _HOUR), len(offsets)
