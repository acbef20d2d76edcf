"""Call records: imports of PBX files, the retention purge and the pseudonymous export.

Imports run end to end here: parse and validate the file, then write it in one transaction
together with its audit entry. The purge clears identifiers past the retention and audits
what it cleared; the CLI and the service's nightly job both call it. (Tally sheets:
callcenter.usecases.tally.)"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from callcenter.config import Settings
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Office
from callcenter.exports import write_calls
from callcenter.imports.common import CallImportSetup, ImportResult, ParsedCalls, display_name
from callcenter.privacy import load_or_create_key
from callcenter.storage.audit import AuditRepository
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.export import EXPORT_COLUMNS, iter_calls
from callcenter.storage.imported import Stored, store_call_records
from callcenter.storage.retention import PurgeReport, purge

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
    # The parsers are imported where they run: `callcenter report` (any_calls) and the
    # service import this module, and the CDR parser pulls in the PBX event translation.
    from callcenter.imports.cdr import parse_cdr

    return _store_calls(sessions, "cdr", path, parse_cdr(path, setup, tz), actor, now)


def import_queue_log(
    sessions: SessionFactory, path: Path, setup: CallImportSetup, *, actor: str, now: datetime
) -> ImportResult:
    """queue_log -> call records for queue calls (see `callcenter.imports.queue_log`)."""
    from callcenter.imports.queue_log import parse_queue_log

    return _store_calls(sessions, "queue_log", path, parse_queue_log(path, setup), actor, now)


def import_setup(settings: Settings, office: Office, team: str | None) -> CallImportSetup:
    """Numbers, pseudonyms and calendar of the office, for one team's lines or all."""
    if team is not None:
        office.team(team)  # UnknownTeam, with the known ones, before the file is read
    switchboard = settings.switchboard
    return CallImportSetup(
        plan=LinePlan(office, switchboard.numbers, switchboard.queue),
        pseudonyms=Pseudonymizer(load_or_create_key(settings.key_file)),
        calendar=OfficeCalendar(office),
        team=team,
    )


def purge_identifiers(
    sessions: SessionFactory,
    now: datetime,
    retention_days: int,
    *,
    actor: str,
    dry_run: bool = False,
    delete_calls_after_days: int | None = None,
) -> PurgeReport:
    """Clear caller/member pseudonyms and notes older than the retention, and delete calls
    older than `delete_calls_after_days` if given; audited.

    A run that clears nothing leaves no entry: the service watches the audit log for
    changes, and a daily no-op entry would only make it reload for nothing.
    """
    with sessions() as session:
        report = purge(
            session,
            now,
            retention_days,
            dry_run=dry_run,
            delete_calls_after_days=delete_calls_after_days,
        )
        if not dry_run and (report.calls or report.tally_notes or report.calls_deleted):
            AuditRepository(session).record(
                actor=actor,
                at=now,
                action="purge",
                entity="retention",
                after={
                    "cutoff": report.cutoff.isoformat(),
                    "calls": report.calls,
                    "tally_notes": report.tally_notes,
                    "calls_deleted": report.calls_deleted,
                },
            )
    return report


def export_calls(
    sessions: SessionFactory,
    out: TextIO,
    fmt: str,
    start: datetime | None,
    end: datetime | None,
    team: str | None,
) -> int:
    """Write the calls of [start, end) (one team's or all) with pseudonyms only; the count."""
    with sessions() as session:
        return write_calls(iter_calls(session, start, end, team), out, fmt, EXPORT_COLUMNS)


def any_calls(sessions: SessionFactory) -> bool:
    with sessions() as session:
        return CallRecordRepository(session).any()
