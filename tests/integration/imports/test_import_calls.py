"""The real Master.csv and queue_log of the recorded Asterisk 22 run, imported.

Expected values come from tests/fixtures/asterisk22/README.md ("queue_log and Master.csv":
which scenarios have rows; the summary table and the burst table: outcomes, waits,
talks), not from the importer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.imports.common import CallImportSetup, ImportResult
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.models import AuditRow, CallRecordRow
from callcenter.storage.store import Store
from callcenter.usecases.calls import import_cdr, import_queue_log

from .conftest import ACTOR, MASTER_CSV, NOW, QUEUE_LOG, TRACE_ZONE

TEAM = "auslaender-a"


def _records(store: Store) -> dict[str, CallRecord]:
    with store.session() as session:
        ids = list(session.scalars(select(CallRecordRow.linked_id)))
        repository = CallRecordRepository(session)
        return {linked_id: repository.get(linked_id) for linked_id in ids}


def _cdr(store: Store, setup: CallImportSetup) -> ImportResult:
    return import_cdr(store.session, MASTER_CSV, setup, TRACE_ZONE, actor=ACTOR, now=NOW)


def _queue_log(store: Store, setup: CallImportSetup) -> ImportResult:
    return import_queue_log(store.session, QUEUE_LOG, setup, actor=ACTOR, now=NOW)


def test_master_csv_gives_one_record_per_call_that_has_rows(
    store: Store, setup: CallImportSetup
) -> None:
    result = _cdr(store, setup)
    # README: 47 rows, for 01, 02, 03, 09, 12, 13, 14 (6 of 20 calls), 15 (2 calls), 16.
    assert (result.read, result.imported, result.duplicates, result.updated) == (47, 15, 0, 0)
    records = _records(store)
    assert Counter(r.outcome for r in records.values()) == {
        Outcome.ANSWERED: 9,  # 01, 09, 12, burst 001/003/005, 15 ×2, 16
        Outcome.ABANDONED: 3,  # 02, burst 002/004
        Outcome.TIMEOUT: 2,  # 03, burst 007
        Outcome.ANNOUNCEMENT: 1,  # 13: switchboard -> team closed
    }
    assert {r.team for r in records.values()} == {TEAM}
    # Where the caller's own leg has a row, the call's id is the AMI Linkedid (README).
    answered = records["1795250711.0"]
    assert answered.line_kind is LineKind.TEAM_LINE
    assert answered.answered_by == setup.pseudonyms.member("Local/101@agents")
    assert answered.wait_seconds == pytest.approx(2, abs=1)
    assert answered.talk_seconds == pytest.approx(5, abs=1)
    direct = records["1795250855.33"]
    assert (direct.line_kind, direct.dialled, direct.outcome) == (
        LineKind.DIRECT_LINE,
        "061511001",
        Outcome.ANSWERED,
    )
    transfer = records["1795250908.44"]
    assert (transfer.line_kind, transfer.dialled) == (LineKind.SWITCHBOARD, "06151100")
    assert transfer.wait_seconds == pytest.approx(1 + 2, abs=2)
    assert transfer.talk_seconds == pytest.approx(2 + 6, abs=2)
    assert records["1795250924.58"].outcome is Outcome.ANNOUNCEMENT
    assert records["1795250738.16"].wait_seconds == pytest.approx(30, abs=1)
    # 2026-11-21 is a Saturday inside the example configuration's open-ended pilot.
    assert all(r.in_hours is False and r.pilot and r.complete for r in records.values())
    # cdr_csv wrote UTC here: the first call starts at queue_log's ENTERQUEUE epoch.
    assert answered.started.timestamp() == 1795250711


def test_queue_log_gives_every_queue_call(store: Store, setup: CallImportSetup) -> None:
    result = _queue_log(store, setup)
    # 75 lines; callers: 01, 02, 03, 12, 13 (switchboard only), 20 burst calls, 16.
    assert (result.read, result.imported, result.duplicates) == (75, 26, 0)
    records = _records(store)
    assert Counter(r.outcome for r in records.values()) == {
        Outcome.ANSWERED: 6,  # 01, 12, 16, burst 3
        Outcome.ABANDONED: 11,  # 02, burst 10
        Outcome.TIMEOUT: 8,  # 03, burst 7
        Outcome.ANNOUNCEMENT: 1,  # 13
    }
    burst = [r for r in records.values() if r.started.timestamp() >= 1795250947]
    burst = [r for r in burst if r.line_kind is LineKind.TEAM_LINE]
    waits = Counter((r.outcome, r.wait_seconds) for r in burst)
    assert waits[(Outcome.ABANDONED, 10)] == 5
    assert waits[(Outcome.ABANDONED, 20)] == 5
    assert waits[(Outcome.TIMEOUT, 30)] == 7
    assert sorted(r.wait_seconds for r in burst if r.outcome is Outcome.ANSWERED) == [2, 12, 23]
    transfer = records["1795250908.45"]
    assert (transfer.line_kind, transfer.wait_seconds, transfer.talk_seconds) == (
        LineKind.SWITCHBOARD,
        1 + 2,
        2 + 6,
    )
    # 016 (Redirect): the switchboard's TalkTime=10 is wrong; its talk ends at the team join.
    assert records["1795251002.154"].talk_seconds == 2 + 6
    closed = records["1795250924.59"]
    assert (closed.outcome, closed.complete, closed.ended) == (Outcome.ANNOUNCEMENT, False, None)


@pytest.mark.parametrize("which", ["cdr", "queue_log"])
def test_importing_again_finds_only_duplicates(
    store: Store, setup: CallImportSetup, which: str
) -> None:
    run = _cdr if which == "cdr" else _queue_log
    first = run(store, setup)
    before = _records(store)
    again = run(store, setup)
    assert (again.imported, again.duplicates, again.updated) == (0, first.imported, 0)
    assert _records(store) == before
    with store.session() as session:
        actions = list(session.scalars(select(AuditRow.action).where(AuditRow.entity == "import")))
    assert actions == [f"import_{which}"] * 2


def test_cdr_completes_a_record_the_tracker_closed_as_incomplete(
    store: Store, setup: CallImportSetup
) -> None:
    # As the tracker leaves 001 after an AMI reconnect: decision seen, end not.
    incomplete = CallRecord(
        linked_id="1795250711.0",
        team=TEAM,
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=setup.pseudonyms.caller("01701234501"),
        started=datetime(2026, 11, 21, 8, 45, 11, tzinfo=TRACE_ZONE),
        outcome=Outcome.FAILED,
        state_at_arrival=State.OPEN,
        source=DecisionSource.LIVE,
        in_hours=False,
        wait_seconds=1.2,
        talk_seconds=0.0,
        pilot=True,
        complete=False,
    )
    with store.session() as session:
        CallRecordRepository(session).add(incomplete)
    result = _cdr(store, setup)
    assert (result.imported, result.updated, result.duplicates) == (14, 1, 0)
    completed = _records(store)["1795250711.0"]
    assert completed.complete
    assert completed.outcome is Outcome.ANSWERED
    assert completed.ended is not None
    assert completed.answered is not None
    assert completed.talk_seconds == 5
    # What only the tracker saw stays.
    assert (completed.state_at_arrival, completed.source) == (State.OPEN, DecisionSource.LIVE)
    assert completed.caller == incomplete.caller
    # A complete record is never overwritten by a file.
    assert _cdr(store, setup).updated == 0


def test_team_option_imports_only_that_teams_calls(store: Store, setup: CallImportSetup) -> None:
    other = replace(setup, team="auslaender-b")
    result = _queue_log(store, other)
    assert (result.imported, result.ignored) == (0, 26)
    assert _records(store) == {}
