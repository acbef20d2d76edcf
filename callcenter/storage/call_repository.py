"""Call records: written in batches by the call tracker, one row per call.

Idempotent on the PBX linked id, and more: a record of a call already stored (same linked
id, or the same routed channel `inbound_id` in the same team) is merged into the stored
row by `callcenter.domain.record_merge` — an incomplete row is completed, a complete one
is never made worse — instead of being dropped or stored twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Table, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.record_merge import merge
from callcenter.domain.schedule import Reason, State
from callcenter.storage.batching import chunks
from callcenter.storage.caller_links import link_callers
from callcenter.storage.data_version import mark_past_changed
from callcenter.storage.errors import NotFound, RejectedRecords
from callcenter.storage.models import Base, CallRecordRow

# Rows per INSERT statement: well below SQLite's bound-parameter limit (19 columns each).
DEFAULT_BATCH_SIZE = 500

_E = TypeVar("_E", bound=StrEnum)


def _values(record: CallRecord) -> dict[str, Any]:
    return {
        "linked_id": record.linked_id,
        "team": record.team,
        "line_kind": str(record.line_kind),
        "dialled": record.dialled,
        "caller": record.caller,
        "started": record.started,
        "answered": record.answered,
        "ended": record.ended,
        "outcome": str(record.outcome),
        "state_at_arrival": _text(record.state_at_arrival),
        "reason_at_arrival": _text(record.reason_at_arrival),
        "source": _text(record.source),
        "in_hours": record.in_hours,
        "wait_seconds": record.wait_seconds,
        "talk_seconds": record.talk_seconds,
        "answered_by": record.answered_by,
        "pilot": record.pilot,
        "complete": record.complete,
        "inbound_id": record.inbound_id,
        "observed_until": record.observed_until,
        "language": record.language,
        "callback_requested": record.callback_requested,
        "overflow": record.overflow,
    }


def _text(value: StrEnum | None) -> str | None:
    return None if value is None else str(value)


def _enum(kind: type[_E], value: str | None) -> _E | None:
    return None if value is None else kind(value)


def _record(row: CallRecordRow) -> CallRecord:
    return CallRecord(
        linked_id=row.linked_id,
        team=row.team,
        line_kind=LineKind(row.line_kind),
        dialled=row.dialled,
        caller=row.caller,
        started=row.started,
        outcome=Outcome(row.outcome),
        state_at_arrival=_enum(State, row.state_at_arrival),
        reason_at_arrival=_enum(Reason, row.reason_at_arrival),
        source=_enum(DecisionSource, row.source),
        in_hours=row.in_hours,
        answered=row.answered,
        ended=row.ended,
        wait_seconds=row.wait_seconds,
        talk_seconds=row.talk_seconds,
        answered_by=row.answered_by,
        pilot=row.pilot,
        complete=row.complete,
        inbound_id=row.inbound_id,
        observed_until=row.observed_until,
        language=row.language,
        callback_requested=bool(row.callback_requested),
        overflow=row.overflow,
    )


def record_of(row: CallRecordRow) -> CallRecord:
    """The stored row as a record."""
    return _record(row)


def fold(records: Iterable[CallRecord]) -> dict[str, CallRecord]:
    """The records by linked id, two records of one id merged into the better one."""
    folded: dict[str, CallRecord] = {}
    for record in records:
        known = folded.get(record.linked_id)
        if known is None:
            folded[record.linked_id] = record
        else:
            folded[record.linked_id] = merge(known, record) or known
    return folded


class CallRecordRepository:
    def __init__(self, session: Session, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self._session = session
        self._batch_size = batch_size
        self._table: Table = Base.metadata.tables[CallRecordRow.__tablename__]

    def add_many(self, records: Iterable[CallRecord]) -> int:
        """Store the records: new calls are added, calls stored before are merged (see
        the module docstring). Returns how many rows were added or improved. All or nothing.

        Writes first, reads after: the INSERT takes SQLite's write lock before anything is
        read, so a concurrent writer's commit can never make this transaction's snapshot
        stale (which SQLite answers with an immediate "database is locked").
        """
        incoming = fold(records)
        count = len(incoming)
        if not count:
            return 0
        try:
            # A savepoint: a refused batch leaves the caller's transaction usable and
            # takes back the chunks already sent, so no batch is ever half-written.
            with self._session.begin_nested():
                inserted = self._insert(list(incoming.values()))
                pairs = {(r.team, r.caller) for r in incoming.values()}
                improved = 0
                # The same linked id stored before: merged into that row.
                again = [r for linked_id, r in incoming.items() if linked_id not in inserted]
                for linked_id, row in self.find_known(again).items():
                    pairs.add((row.team, row.caller))
                    improved += self.improve(row, incoming[linked_id])
                # A call stored before under another id (a file's): one row, the merged one.
                for linked_id, row in self._twins([incoming[i] for i in inserted]).items():
                    pairs.add((row.team, row.caller))
                    self._session.execute(
                        delete(self._table).where(self._table.c.linked_id == linked_id)
                    )
                    inserted.discard(linked_id)
                    self._session.flush()
                    improved += self.improve(row, incoming[linked_id])
                self._session.flush()
                if inserted or improved:
                    relinked = link_callers(self._session.connection(), pairs)
                    if improved or not relinked <= inserted:
                        # Older calls changed: results computed before are not right any more.
                        mark_past_changed(self._session.connection())
        except (IntegrityError, DataError) as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
            raise RejectedRecords(
                f"{count} Anrufdatensätze nicht gespeichert: die Datenbank lehnt einen "
                f"davon ab ({reason})",
                f"{count} call records not stored: the database refuses one of them ({reason})",
            ) from exc
        return len(inserted) + improved

    def _twins(self, fresh: Sequence[CallRecord]) -> dict[str, CallRecordRow]:
        """Rows stored before under another linked id with a fresh record's routed channel
        (`inbound_id`) and team, by the fresh record's linked id."""
        wanted = {r.inbound_id: r for r in fresh if r.inbound_id}
        found: dict[str, CallRecordRow] = {}
        for chunk in chunks(sorted(wanted), self._batch_size):
            rows = self._session.scalars(
                select(CallRecordRow).where(CallRecordRow.inbound_id.in_(chunk))
            )
            for row in rows:
                record = wanted[row.inbound_id or ""]
                if row.linked_id != record.linked_id and row.team == record.team:
                    found.setdefault(record.linked_id, row)
        return found

    def find_known(self, records: Sequence[CallRecord]) -> dict[str, CallRecordRow]:
        """Stored rows of these calls, by the incoming record's linked id: same linked id,
        else the same routed channel (`inbound_id`) in the same team."""
        linked_ids = [r.linked_id for r in records]
        inbound_ids = sorted({r.inbound_id for r in records if r.inbound_id})
        by_linked: dict[str, CallRecordRow] = {}
        by_inbound: dict[str, CallRecordRow] = {}
        for chunk in chunks(sorted(set(linked_ids) | set(inbound_ids)), self._batch_size):
            condition = or_(CallRecordRow.linked_id.in_(chunk), CallRecordRow.inbound_id.in_(chunk))
            for stored in self._session.scalars(select(CallRecordRow).where(condition)):
                by_linked[stored.linked_id] = stored
                if stored.inbound_id:
                    by_inbound.setdefault(stored.inbound_id, stored)
        found: dict[str, CallRecordRow] = {}
        for record in records:
            row = by_linked.get(record.linked_id)
            if row is None and record.inbound_id:
                candidate = by_inbound.get(record.inbound_id)
                if candidate is not None and candidate.team == record.team:
                    row = candidate
            if row is not None:
                found[record.linked_id] = row
        return found

    @staticmethod
    def improve(row: CallRecordRow, record: CallRecord) -> bool:
        """Merge `record` into the stored row; False if it adds nothing."""
        better = merge(_record(row), record)
        if better is None:
            return False
        for name, value in _values(better).items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        return True

    def _insert(self, records: Sequence[CallRecord]) -> set[str]:
        """Insert the records whose linked id is not stored; their linked ids."""
        # In linked-id order: two writers inserting overlapping calls then take the rows'
        # locks in the same order and wait for each other instead of deadlocking.
        rows = [_values(record) for record in sorted(records, key=lambda r: r.linked_id)]
        statement = self._insert_ignoring_known()
        inserted: set[str] = set()
        for chunk in chunks(rows, self._batch_size):
            inserted.update(self._session.execute(statement, chunk).scalars())
        return inserted

    def add(self, record: CallRecord) -> bool:
        """Store one record; False if its call is stored already and it adds nothing."""
        return self.add_many([record]) == 1

    def get(self, linked_id: str) -> CallRecord:
        row = self._session.scalar(
            select(CallRecordRow).where(CallRecordRow.linked_id == linked_id)
        )
        if row is None:
            raise NotFound(
                f"Anruf „{linked_id}“ ist nicht gespeichert",
                f"call '{linked_id}' is not stored",
            )
        return _record(row)

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(self._table)) or 0

    def any(self) -> bool:
        """Whether a call is stored: one row, where count() reads them all."""
        return self._session.scalar(select(self._table.c.id).limit(1)) is not None

    def _insert_ignoring_known(self) -> Any:
        """INSERT … ON CONFLICT (linked_id) DO NOTHING RETURNING linked_id, per dialect."""
        dialect = self._session.get_bind().dialect.name
        if dialect == "postgresql":
            pg = postgresql.insert(self._table).on_conflict_do_nothing(index_elements=["linked_id"])
            return pg.returning(self._table.c.linked_id)
        if dialect == "sqlite":
            lite = sqlite.insert(self._table).on_conflict_do_nothing(index_elements=["linked_id"])
            return lite.returning(self._table.c.linked_id)
        raise NotImplementedError(f"call records on {dialect} are not supported")
