"""Retention purge: identifiers older than the cutoff go, everything else stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.domain.tally import TallyEntry
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.export import iter_calls
from callcenter.storage.models import TallyEntryRow
from callcenter.storage.retention import purge
from callcenter.storage.store import Store
from callcenter.storage.tally_repository import TallyRepository

from .conftest import NOW, Dump

DAYS = 90


def _call(linked_id: str, age_days: float) -> CallRecord:
    started = NOW - timedelta(days=age_days)
    return CallRecord(
        linked_id=linked_id,
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=f"caller-pseudonym-{linked_id}",
        started=started,
        outcome=Outcome.ANSWERED,
        state_at_arrival=State.OPEN,
        source=DecisionSource.LIVE,
        in_hours=True,
        answered=started + timedelta(seconds=20),
        ended=started + timedelta(seconds=200),
        wait_seconds=20.0,
        talk_seconds=180.0,
        answered_by=f"member-pseudonym-{linked_id}",
        pilot=True,
    )


def _tally(line: int, day: date, note: str | None) -> TallyEntry:
    return TallyEntry("auslaender-a", day, 9, True, True, 1, "sheet.csv", line, note)


def _fill(store: Store) -> None:
    calls = [
        _call("old.1", DAYS + 30),
        _call("old.2", DAYS + 0.01),  # just past the cutoff
        _call("new.1", DAYS - 0.01),  # just inside the retention period
        _call("new.2", 1),
    ]
    with store.session() as session:
        CallRecordRepository(session).add_many(calls)
        TallyRepository(session).add(
            [
                _tally(
                    2, NOW.date() - timedelta(days=DAYS + 5), "Herr M. wegen Fiktionsbescheinigung"
                ),
                _tally(3, NOW.date() - timedelta(days=DAYS + 5), None),
                _tally(4, NOW.date() - timedelta(days=3), "Rückruf erbeten"),
            ],
            sheet="retention-test",
        )


def _calls(store: Store) -> dict[str, CallRecord]:
    with store.session() as session:
        repository = CallRecordRepository(session)
        return {i: repository.get(i) for i in ("old.1", "old.2", "new.1", "new.2")}


def test_dry_run_counts_and_changes_nothing(store: Store, dump: Dump) -> None:
    _fill(store)
    before = dump()
    with store.session() as session:
        report = purge(session, NOW, DAYS, dry_run=True)
    assert (report.calls, report.tally_notes, report.dry_run) == (2, 1, True)
    assert report.cutoff == NOW - timedelta(days=DAYS)
    assert dump() == before


def test_purge_clears_identifiers_older_than_the_cutoff_only(store: Store) -> None:
    _fill(store)
    before = _calls(store)
    with store.session() as session:
        report = purge(session, NOW, DAYS)
    assert (report.calls, report.tally_notes) == (2, 1)
    after = _calls(store)
    for linked_id in ("old.1", "old.2"):
        assert after[linked_id].caller == ""
        assert after[linked_id].answered_by is None
        # Every other column stays, so the metrics are the same after the purge.
        assert after[linked_id] == replace(before[linked_id], caller="", answered_by=None)
    for linked_id in ("new.1", "new.2"):
        assert after[linked_id] == before[linked_id]
    with store.session() as session:
        notes = dict(session.execute(select(TallyEntryRow.source_line, TallyEntryRow.note)).all())
    assert notes == {2: None, 3: None, 4: "Rückruf erbeten"}
    with store.session() as session:
        again = purge(session, NOW, DAYS, dry_run=True)
    assert (again.calls, again.tally_notes) == (0, 0)


def test_export_reads_in_batches_oldest_first(store: Store) -> None:
    calls = [_call(f"bulk.{n:05d}", age_days=n / 100) for n in range(2500)]
    with store.session() as session:
        CallRecordRepository(session).add_many(calls)
    with store.session() as session:
        rows = iter_calls(session, team="auslaender-a", batch=100)
        first = next(rows)  # a generator: nothing is read before it is asked for
        assert first["linked_id"] == "bulk.02499"
        rest = list(rows)
    assert len(rest) == 2499
    assert [row["started"] for row in rest] == sorted(row["started"] for row in rest)
