"""Walk-ins from the tally sheet and by hand reach the evaluation; the call counts do not move.

Hand-built calls of team A (tests/evaluation_support.py) stay in the database throughout,
so every report before and after an import must agree on everything but walk-ins.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from evaluation_support import LATER, MONDAY, OTHER, TEAM, TUESDAY, hand_calls
from sqlalchemy import select

from callcenter.domain.access import Actor
from callcenter.domain.tally import WalkInDay
from callcenter.evaluation.model import OfficeReport, PeriodMetrics
from callcenter.storage.bulk_calls import replace_walk_ins
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.models import AuditRow
from callcenter.storage.store import Store
from callcenter.storage.walk_ins import GENERATED_SOURCE_PREFIX
from callcenter.usecases.evaluation import compute_office_report
from callcenter.usecases.pilot_data import SYNTHETIC_WALK_INS
from callcenter.usecases.tally import TallyConflict, set_walk_ins

from .conftest import ACTOR, NOW
from .tally_support import import_tally

# Monday: 14 on a line of their own + 3 on a call line = 17; Tuesday: nobody came.
SHEET = (
    "datum;uhrzeit;team;innerhalb_sprechzeit;angenommen;notiz;anzahl;vorsprachen\n"
    "14.09.2026;09:10;auslaender-a;ja;ja;;2;\n"
    "14.09.2026;;auslaender-a;;;;;14\n"
    "14.09.2026;10:30;auslaender-a;ja;nein;;;3\n"
    "15.09.2026;;auslaender-a;;;;;0\n"
)


def _sheet(tmp_path: Path) -> Path:
    path = tmp_path / "strichliste_a.csv"
    path.write_text(SHEET, "utf-8")
    return path


def _with_calls(store: Store) -> Store:
    with store.session() as session:
        CallRecordRepository(session).add_many(hand_calls())
    return store


def _report(store: Store, first: date = MONDAY, last: date = LATER) -> OfficeReport:
    return compute_office_report(store, first, last, now=NOW)


def _walk_ins(store: Store, team: str, day: date) -> int | None:
    report = _report(store, day, day)
    return next(m.walk_ins for m in report.per_team if m.team == team)


def _hand(store: Store, day: date, walk_ins: int | None) -> WalkInDay:
    with store.unit_of_work() as uow:
        return set_walk_ins(
            uow, Actor.admin(ACTOR), TEAM, day, walk_ins, now=NOW, tz=store.settings.tz
        )


def _calls_only(metrics: PeriodMetrics) -> PeriodMetrics:
    return replace(metrics, walk_ins=None)


def test_imported_walk_ins_are_the_days_walk_ins_and_calls_stay_as_they_were(
    store: Store, tmp_path: Path
) -> None:
    _with_calls(store)
    before = _report(store)
    assert before.totals.walk_ins is None
    result = import_tally(store, _sheet(tmp_path))
    assert (result.read, result.imported) == (4, 4)
    assert _walk_ins(store, TEAM, MONDAY) == 17
    assert _walk_ins(store, TEAM, TUESDAY) == 0  # entered as zero, not "nothing entered"
    assert _walk_ins(store, OTHER, MONDAY) is None
    after = _report(store)
    assert after.cells == before.cells
    assert _calls_only(after.totals) == _calls_only(before.totals)
    assert [_calls_only(m) for m in after.per_team] == [_calls_only(m) for m in before.per_team]
    assert next(m.walk_ins for m in after.per_team if m.team == TEAM) == 17
    # Imported again: nothing doubles.
    again = import_tally(store, _sheet(tmp_path))
    assert (again.imported, again.duplicates) == (0, 4)
    assert _walk_ins(store, TEAM, MONDAY) == 17


def test_a_corrected_walk_ins_line_replaces_its_old_value(store: Store, tmp_path: Path) -> None:
    path = _sheet(tmp_path)
    import_tally(store, path)
    path.write_text(SHEET.replace(";;;;;14\n", ";;;;;11\n"), "utf-8")
    # Issue 15: a changed sheet is another sheet, even under the same name; it touches the
    # entries of the first, so it replaces them only when told to (it used to be merged
    # line by line, which let any sheet of that name overwrite another's lines).
    with pytest.raises(TallyConflict, match="Zeile 2"):
        import_tally(store, path)
    assert _walk_ins(store, TEAM, MONDAY) == 17
    result = import_tally(store, path, replace=True)
    assert (result.replaced, result.imported) == (4, 4)
    assert _walk_ins(store, TEAM, MONDAY) == 14


def test_the_sheet_replaces_synthetic_walk_ins_of_its_days_only(
    store: Store, tmp_path: Path
) -> None:
    assert SYNTHETIC_WALK_INS == GENERATED_SOURCE_PREFIX
    generated = [(TEAM, MONDAY, 9), (TEAM, LATER, 6), (OTHER, MONDAY, 4)]
    with store.engine.begin() as connection:
        replace_walk_ins(connection, SYNTHETIC_WALK_INS, f"{SYNTHETIC_WALK_INS}t1", generated)
    assert _walk_ins(store, TEAM, MONDAY) == 9
    import_tally(store, _sheet(tmp_path))
    assert _walk_ins(store, TEAM, MONDAY) == 17  # the sheet's, not 9 + 17
    assert _walk_ins(store, TEAM, LATER) == 6
    assert _walk_ins(store, OTHER, MONDAY) == 4


def test_a_hand_entry_is_one_value_per_day_and_adds_to_the_sheet(
    store: Store, tmp_path: Path
) -> None:
    import_tally(store, _sheet(tmp_path))
    first = _hand(store, MONDAY, 5)
    assert (first.before, first.after, first.total) == (None, 5, 22)
    assert [(s.source_file, s.source_line, s.walk_ins) for s in first.others] == [
        ("strichliste_a.csv", 3, 14),
        ("strichliste_a.csv", 4, 3),
    ]
    assert _walk_ins(store, TEAM, MONDAY) == 22
    second = _hand(store, MONDAY, 7)
    same = _hand(store, MONDAY, 7)
    assert (second.before, second.after, second.total) == (5, 7, 24)
    assert not same.changed
    assert _walk_ins(store, TEAM, MONDAY) == 24
    cleared = _hand(store, MONDAY, None)
    with store.session() as session:
        audit = [
            (row.action, row.entity_id, row.before, row.after)
            for row in session.scalars(
                select(AuditRow).where(AuditRow.entity == "walk_ins").order_by(AuditRow.id)
            )
        ]
    assert (cleared.before, cleared.after, cleared.total) == (7, None, 17)
    assert _walk_ins(store, TEAM, MONDAY) == 17
    entity = f"{TEAM} {MONDAY.isoformat()}"
    assert audit == [
        ("set_walk_ins", entity, None, {"walk_ins": 5, "synthetic_replaced": 0}),
        ("set_walk_ins", entity, {"walk_ins": 5}, {"walk_ins": 7, "synthetic_replaced": 0}),
        ("clear_walk_ins", entity, {"walk_ins": 7}, None),
    ]


def test_a_hand_entry_replaces_the_synthetic_walk_ins_of_that_day(store: Store) -> None:
    with store.engine.begin() as connection:
        replace_walk_ins(
            connection, SYNTHETIC_WALK_INS, f"{SYNTHETIC_WALK_INS}t2", [(TEAM, TUESDAY, 8)]
        )
    result = _hand(store, TUESDAY, 2)
    assert (result.generated_removed, result.total) == (1, 2)
    assert _walk_ins(store, TEAM, TUESDAY) == 2
