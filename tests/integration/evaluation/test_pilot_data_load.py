"""Loading the synthetic pilot data, and the report over it, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from callcenter.domain.access import Actor
from callcenter.domain.errors import UnknownTeam
from callcenter.evaluation.model import MetricKey
from callcenter.evaluation.synthetic import SyntheticError, SyntheticParams, generate
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.models import AuditRow, CallRecordRow, TallyEntryRow
from callcenter.storage.store import Store
from callcenter.usecases import tally
from callcenter.usecases.evaluation import compute_office_report
from callcenter.usecases.pilot_data import load_synthetic_pilot_data

from .conftest import NOW

PARAMS = SyntheticParams(scale=0.08)
TALLY = Path(__file__).resolve().parents[3] / "pilot_data" / "tally_synthetic.csv"


def _count(store: Store, *where) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(CallRecordRow).where(*where)))


def test_load_is_idempotent_and_replaces_other_parameters(store: Store) -> None:
    progress: list[tuple[int, int]] = []
    written = load_synthetic_pilot_data(
        store, PARAMS, 3, lambda done, total: progress.append((done, total)), now=NOW
    )
    calls = generate(PARAMS, store.office(), 3)
    assert written == len(calls) == _count(store)
    assert progress[-1] == (len(calls), len(calls))
    # SQLite builds the indexes after the bulk insert: they must all be back.
    indexes = {index["name"] for index in inspect(store.engine).get_indexes("call_records")}
    assert {
        "ix_call_records_team_started",
        "ix_call_records_team_caller_started_outcome",
    } <= indexes
    # Again: nothing new.
    assert load_synthetic_pilot_data(store, PARAMS, 3, now=NOW) == 0
    assert _count(store) == len(calls)
    # Other parameters replace the previous data set instead of adding to it.
    other = replace(PARAMS, effect=0.0)
    again = load_synthetic_pilot_data(store, other, 3, now=NOW)
    assert _count(store) == again == len(generate(other, store.office(), 3))
    assert _count(store, CallRecordRow.linked_id.startswith(f"syn-{calls.tag}-")) == 0


def test_loaded_rows_read_back_as_the_generated_records(store: Store) -> None:
    load_synthetic_pilot_data(store, PARAMS, 4, now=NOW)
    records = [r for chunk in generate(PARAMS, store.office(), 4).records() for r in chunk]
    with store.session() as session:
        repository = CallRecordRepository(session)
        for record in records[:: max(1, len(records) // 300)]:
            assert repository.get(record.linked_id) == record


def test_schedule_closures_and_walk_ins_come_along(store: Store) -> None:
    load_synthetic_pilot_data(store, PARAMS, 5, now=NOW)
    office = store.office()
    notes = {(c.team, c.start.astimezone(office.tz).date(), c.note) for c in office.closures}
    assert ("auslaender-a", date(2026, 9, 24), "Personalengpass") in notes
    assert (None, date(2026, 6, 26), "Personalversammlung – Dienststelle geschlossen") in notes
    with store.session() as session:
        actors = set(session.scalars(select(AuditRow.actor).where(AuditRow.entity == "closure")))
        walk_ins = session.scalar(select(func.sum(TallyEntryRow.walk_ins)))
    assert actors == {"synthetic-pilot-data"}
    assert walk_ins == sum(n for _, _, n in generate(PARAMS, office, 5).walk_ins)
    # Loading again adds no second copy of the closures.
    load_synthetic_pilot_data(store, replace(PARAMS, effect=0.5), 5, now=NOW)
    assert len(store.office().closures) == len(office.closures)


def test_data_reaching_today_is_refused(store: Store) -> None:
    late = replace(PARAMS, weeks_during=14)  # would end 2026-11-22, after NOW
    with pytest.raises(SyntheticError, match="2026-11-22"):
        load_synthetic_pilot_data(store, late, 1, now=NOW)


def test_the_shipped_tally_sheet_imports(store: Store) -> None:
    load_synthetic_pilot_data(store, PARAMS, 1, now=NOW)
    with store.unit_of_work() as uow:
        result = tally.import_file(
            uow, Actor.admin("test"), TALLY, team=None, now=NOW, tz=store.settings.tz
        )
    assert result.imported == result.read == len(TALLY.read_text("utf-8").splitlines()) - 1
    with store.session() as session:
        days = set(session.scalars(select(TallyEntryRow.day).where(TallyEntryRow.count > 0)))
    assert min(days) == date(2026, 8, 17)
    assert max(days) < date(2026, 8, 17) + timedelta(weeks=2)


def test_report_over_the_last_26_weeks_with_data(store: Store) -> None:
    load_synthetic_pilot_data(store, PARAMS, 6, now=NOW)
    report = compute_office_report(store, None, None, now=NOW)
    last = max(c.day for c in report.cells)
    assert report.end == last
    assert report.start == report.end - timedelta(weeks=26, days=-1)
    assert report.generated_note_de.startswith("Synthetische Beispieldaten")
    (pilot,) = report.pilots
    # As long before the start as the pilot ran until the last day with data.
    assert pilot.end == report.end
    assert pilot.before_start == pilot.start - (pilot.end - pilot.start + timedelta(days=1))
    share = next(e for e in pilot.effects if e.metric == MetricKey.SHARE_OUTSIDE)
    assert share.did is not None
    assert share.did.value < 0
    assert len(report.rollout) == 3


def test_report_for_chosen_days_and_teams(store: Store) -> None:
    load_synthetic_pilot_data(store, PARAMS, 6, now=NOW)
    report = compute_office_report(
        store, date(2026, 9, 1), date(2026, 9, 30), ["auslaender-a"], now=NOW
    )
    assert (report.start, report.end) == (date(2026, 9, 1), date(2026, 9, 30))
    assert [t.id for t in report.teams] == ["auslaender-a"]
    # The pilot is still compared over its whole run up to the period's end.
    (pilot,) = report.pilots
    assert (pilot.start, pilot.end) == (date(2026, 8, 17), date(2026, 9, 30))
    assert pilot.before_start == date(2026, 8, 17) - timedelta(days=45)
    with pytest.raises(UnknownTeam):
        compute_office_report(store, None, None, ["nobody"], now=NOW)


def test_report_without_calls(store: Store) -> None:
    report = compute_office_report(store, None, None, now=NOW)
    assert report.end == NOW.date()
    assert report.totals.offered == 0
    assert report.pilots == ()
    assert report.generated_note_de == ""
