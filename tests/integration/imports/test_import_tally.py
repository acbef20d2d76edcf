"""The manual tally sheet: the example in pilot_data/, Excel's German CSV, --team, re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from callcenter.app import Store
from callcenter.imports.jobs import import_tally
from callcenter.storage.models import TallyEntryRow

from .conftest import ACTOR, NOW, TALLY_EXAMPLE

TEAMS = frozenset({"auslaender-a", "auslaender-b", "einbuergerung", "aufenthalt-eu"})


def _rows(store: Store) -> list[TallyEntryRow]:
    with store.session() as session:
        return list(session.scalars(select(TallyEntryRow).order_by(TallyEntryRow.source_line)))


def test_the_example_sheet_imports_once(store: Store) -> None:
    result = import_tally(store.session, TALLY_EXAMPLE, TEAMS, None, actor=ACTOR, now=NOW)
    # pilot_data/README.md: 12 lines, 15 calls, one line of the control team.
    assert (result.read, result.imported, result.duplicates) == (12, 12, 0)
    rows = _rows(store)
    assert sum(row.count for row in rows) == 15
    assert [row.team for row in rows].count("auslaender-b") == 1
    first = rows[0]
    assert (first.day, first.hour, first.inside_hours, first.answered, first.note) == (
        date(2026, 9, 7),
        8,
        False,
        False,
        None,
    )
    assert (first.source_file, first.source_line) == ("tally_example.csv", 2)
    busy = next(row for row in rows if row.note == "besetzt")
    assert (busy.count, busy.inside_hours, busy.answered) == (2, True, False)
    again = import_tally(store.session, TALLY_EXAMPLE, TEAMS, None, actor=ACTOR, now=NOW)
    assert (again.imported, again.duplicates, again.updated) == (0, 12, 0)
    assert len(_rows(store)) == 12


def test_a_corrected_line_is_updated_and_new_lines_are_added(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / TALLY_EXAMPLE.name
    lines = TALLY_EXAMPLE.read_text("utf-8").splitlines()
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    import_tally(store.session, sheet, TEAMS, None, actor=ACTOR, now=NOW)
    lines[2] = lines[2].replace("ja,ja", "ja,nein")  # line 3: answered after all? no.
    lines.append("2026-09-11,09:30,auslaender-a,ja,ja,,")
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    result = import_tally(store.session, sheet, TEAMS, None, actor=ACTOR, now=NOW)
    assert (result.imported, result.updated, result.duplicates) == (1, 1, 11)
    rows = {row.source_line: row for row in _rows(store)}
    assert rows[3].answered is False
    assert rows[14].day == date(2026, 9, 11)


def test_german_excel_sheet_without_team_column(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "strichliste_team_a.csv"
    text = (
        "Datum;Uhrzeit;Innerhalb Sprechzeit;Angenommen;Bemerkung\r\n"
        "07.09.2026;9:05;ja;ja;Rückfrage Aufenthaltstitel\r\n"
        "07.09.2026;12:40;nein;nein;\r\n"
        "\r\n"
        "08.09.2026;10:00;x;;\r\n"
    )
    sheet.write_bytes(text.encode("cp1252"))
    result = import_tally(store.session, sheet, TEAMS, "auslaender-a", actor=ACTOR, now=NOW)
    assert (result.read, result.imported) == (3, 3)
    rows = _rows(store)
    assert {row.team for row in rows} == {"auslaender-a"}
    assert rows[0].note == "Rückfrage Aufenthaltstitel"
    assert (rows[2].hour, rows[2].inside_hours, rows[2].answered) == (10, True, None)


def test_team_option_with_a_team_column_takes_only_that_team(store: Store) -> None:
    result = import_tally(store.session, TALLY_EXAMPLE, TEAMS, "auslaender-b", actor=ACTOR, now=NOW)
    assert (result.imported, result.ignored) == (1, 11)
    assert [row.team for row in _rows(store)] == ["auslaender-b"]


def test_english_headers(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "tally_en.csv"
    sheet.write_text(
        "date,time,team,inside_hours,answered,note,count\n"
        "2026-09-07,09:10,einbuergerung,yes,no,,4\n",
        "utf-8",
    )
    result = import_tally(store.session, sheet, TEAMS, None, actor=ACTOR, now=NOW)
    assert result.imported == 1
    row = _rows(store)[0]
    assert (row.team, row.count, row.inside_hours, row.answered) == (
        "einbuergerung",
        4,
        True,
        False,
    )
