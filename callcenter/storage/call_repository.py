"""Call records: written in batches by the call tracker, idempotent on the PBX linked id."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import Reason, State
from callcenter.storage.batching import chunks
from callcenter.storage.caller_links import link_callers
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
    )


class CallRecordRepository:
    def __init__(self, session: Session, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self._session = session
        self._batch_size = batch_size
        self._table: Table = Base.metadata.tables[CallRecordRow.__tablename__]

    def add_many(self, records: Iterable[CallRecord]) -> int:
        """Store the records not stored yet; returns how many were new. All or nothing."""
        rows = [_values(record) for record in records]
        if not rows:
            return 0
        statement = self._insert_ignoring_known()
        inserted = 0
        try:
            # A savepoint: a refused batch leaves the caller's transaction usable and
            # takes back the chunks already sent, so no batch is ever half-written.
            with self._session.begin_nested():
                for chunk in chunks(rows, self._batch_size):
                    inserted += len(self._session.execute(statement, chunk).all())
                if inserted:
                    link_callers(
                        self._session.connection(), {(r["team"], r["caller"]) for r in rows}
                    )
        except (IntegrityError, DataError) as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
            raise RejectedRecords(
                f"{len(rows)} Anrufdatensätze nicht gespeichert: die Datenbank lehnt einen "
                f"davon ab ({reason})",
                f"{len(rows)} call records not stored: the database refuses one of them ({reason})",
            ) from exc
        return inserted

    def add(self, record: CallRecord) -> bool:
        """Store one record; False if a record with its linked id is already stored."""
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
