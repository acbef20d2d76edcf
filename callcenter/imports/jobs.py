"""The call imports end to end: parse and validate the file, then write it in one transaction
together with its audit entry. (Tally sheets: callcenter.usecases.tally.)"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy.orm import Session

from callcenter.imports.cdr import parse_cdr
from callcenter.imports.common import CallImportSetup, ImportResult, ParsedCalls, display_name
from callcenter.imports.queue_log import parse_queue_log
from callcenter.storage.audit import AuditRepository
from callcenter.storage.imported import Stored, store_call_records

SessionFactory = Callable[[], AbstractContextManager[Session]]


def _audit(session: Session, result: ImportResult, path: Path, actor: str, now: datetime) -> None:
    AuditRepository(session).record(
        actor=actor,
        at=now,
        action=f"import_{result.kind}",
        entity="import",
        entity_id=path.name,
        after=result.audit(),
    )


def _store_calls(
    sessions: SessionFactory, kind: str, path: Path, parsed: ParsedCalls, actor: str, now: datetime
) -> ImportResult:
    with sessions() as session:
        stored = store_call_records(session, parsed.records)
        result = _result(kind, path, parsed.read, stored, parsed.ignored)
        _audit(session, result, path, actor, now)
    return result


def _result(kind: str, path: Path, read: int, stored: Stored, ignored: int) -> ImportResult:
    return ImportResult(
        kind=kind,
        file=display_name(path),
        read=read,
        imported=stored.imported,
        duplicates=stored.duplicates,
        updated=stored.updated,
        ignored=ignored,
        matched=stored.matched,
        rejected=stored.rejected,
        shift_hours=stored.shift_hours,
        compared=stored.compared,
    )


def import_cdr(
    sessions: SessionFactory,
    path: Path,
    setup: CallImportSetup,
    tz: tzinfo,
    *,
    actor: str,
    now: datetime,
) -> ImportResult:
    """Master.csv -> call records (see `callcenter.imports.cdr`); `tz`: the zone the PBX
    wrote the times in (`[pbx] timezone`)."""
    return _store_calls(sessions, "cdr", path, parse_cdr(path, setup, tz), actor, now)


def import_queue_log(
    sessions: SessionFactory, path: Path, setup: CallImportSetup, *, actor: str, now: datetime
) -> ImportResult:
    """queue_log -> call records for queue calls (see `callcenter.imports.queue_log`)."""
    return _store_calls(sessions, "queue_log", path, parse_queue_log(path, setup), actor, now)
