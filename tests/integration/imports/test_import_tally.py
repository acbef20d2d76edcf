"""The manual tally sheet: the example in pilot_data/, Excel's German CSV, --team, re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.storage.models import AuditRow, TallyEntryRow
from callcenter.storage.store import Store
from callcenter.usecases.tally import TallyConflict

from .conftest import TALLY_EXAMPLE
from .tally_support import import_tally


def _rows(store: Store) -> list[TallyEntryRow]:
    with store.session() as session:
        return list(session.scalars(select(TallyEntryRow).order_by(TallyEntryRow.source_line)))


def test_the_example_sheet_imports_once(store: Store) -> None:
    result = import_tally(store, TALLY_EXAMPLE)
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
    again = import_tally(store, TALLY_EXAMPLE)
    assert (again.imported, again.duplicates, again.updated) == (0, 12, 0)
    assert len(_rows(store)) == 12


def test_a_corrected_sheet_replaces_the_old_one_only_when_told(
    store: Store, tmp_path: Path
) -> None:
    # Issue 15 changed this: a corrected sheet used to be merged line by line into the
    # entries of the same file name. A sheet is now its content: the corrected one is
    # another sheet, refused while it touches the old one's entries, taken with --replace.
    sheet = tmp_path / TALLY_EXAMPLE.name
    lines = TALLY_EXAMPLE.read_text("utf-8").splitlines()
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    import_tally(store, sheet)
    lines[2] = lines[2].replace("ja,ja", "ja,nein")  # line 3: answered after all? no.
    lines.append("2026-09-11,09:30,auslaender-a,ja,ja,,")
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(TallyConflict) as refused:
        import_tally(store, sheet)
    message = str(refused.value)
    assert f"Strichliste {sheet}, Zeile 2 (Team auslaender-a, 07.09.2026, 8 Uhr)" in message
    assert "Strichliste tally_example.csv, Zeile 2" in message
    assert "--replace" in message
    assert len(_rows(store)) == 12
    result = import_tally(store, sheet, replace=True)
    assert (result.imported, result.replaced) == (13, 12)
    rows = {row.source_line: row for row in _rows(store)}
    assert rows[3].answered is False
    assert rows[14].day == date(2026, 9, 11)
    with store.session() as session:
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "replace_tally")).one()
    assert audit.before["entries"] == 12
    assert audit.before["sources"] == {"tally_example.csv": 12}
    assert audit.after["entries"] == 13


def test_the_same_content_under_another_name_changes_nothing(store: Store, tmp_path: Path) -> None:
    import_tally(store, TALLY_EXAMPLE)
    copy = tmp_path / "kopie_der_liste.csv"
    copy.write_bytes(TALLY_EXAMPLE.read_bytes())
    again = import_tally(store, copy)
    assert (again.imported, again.duplicates, again.unchanged_as) == (
        0,
        12,
        "tally_example.csv",
    )
    assert sum(row.count for row in _rows(store)) == 15


def test_another_sheet_with_the_same_name_does_not_replace_another_teams_entries(
    store: Store, tmp_path: Path
) -> None:
    """The hostile case of issue 15: a different sheet of the same file name from another
    folder silently replaced the entries of another team."""
    first = tmp_path / "a" / "liste.csv"
    second = tmp_path / "b" / "liste.csv"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(
        "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen\n"
        "2026-09-07,09:10,auslaender-a,ja,ja\n"
        "2026-09-07,10:10,auslaender-a,ja,nein\n",
        "utf-8",
    )
    second.write_text(
        "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen\n"
        "2026-09-08,09:10,einbuergerung,ja,ja\n",
        "utf-8",
    )
    import_tally(store, first)
    result = import_tally(store, second)
    assert result.imported == 1
    assert sorted((row.team, row.day.day) for row in _rows(store)) == [
        ("auslaender-a", 7),
        ("auslaender-a", 7),
        ("einbuergerung", 8),
    ]
    # A third sheet of that name with a line on an entered team's hour is refused whole.
    third = tmp_path / "liste.csv"
    third.write_text(
        "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen\n"
        "2026-09-09,09:00,auslaender-b,ja,ja\n"
        "2026-09-07,10:59,auslaender-a,nein,nein\n",
        "utf-8",
    )
    with pytest.raises(TallyConflict, match=r"Zeile 3 \(Team auslaender-a, 07.09.2026, 10 Uhr\)"):
        import_tally(store, third)
    assert len(_rows(store)) == 3


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
    result = import_tally(store, sheet, "auslaender-a")
    assert (result.read, result.imported) == (3, 3)
    rows = _rows(store)
    assert {row.team for row in rows} == {"auslaender-a"}
    assert rows[0].note == "Rückfrage Aufenthaltstitel"
    assert (rows[2].hour, rows[2].inside_hours, rows[2].answered) == (10, True, None)


def test_team_option_with_a_team_column_takes_only_that_team(store: Store) -> None:
    result = import_tally(store, TALLY_EXAMPLE, "auslaender-b")
    assert (result.imported, result.ignored) == (1, 11)
    assert [row.team for row in _rows(store)] == ["auslaender-b"]


def test_english_headers(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "tally_en.csv"
    sheet.write_text(
        "date,time,team,inside_hours,answered,note,count\n"
        "2026-09-07,09:10,einbuergerung,yes,no,,4\n",
        "utf-8",
    )
    result = import_tally(store, sheet)
    assert result.imported == 1
    row = _rows(store)[0]
    assert (row.team, row.count, row.inside_hours, row.answered) == (
        "einbuergerung",
        4,
        True,
        False,
    )
