"""Walk-ins without appointment on the tally sheet: the `vorsprachen` column, on call lines,
on lines of their own, and every way a cell can be wrong (file, line, column named)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from callcenter.domain.tally import TallyEntry
from callcenter.evaluation.synthetic import tally_csv
from callcenter.imports.errors import ImportFailed
from callcenter.imports.tally import ParsedTally, parse_tally

TEAMS = frozenset({"auslaender-a", "auslaender-b"})
HEADER = "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen,notiz,anzahl,vorsprachen\n"


def _parse(tmp_path: Path, text: str, team: str | None = None) -> ParsedTally:
    path = tmp_path / "strichliste.csv"
    path.write_text(text, "utf-8")
    return parse_tally(path, TEAMS, team, today=date(2026, 11, 23))


def _problem(tmp_path: Path, text: str) -> tuple[int, str | None, str, str]:
    with pytest.raises(ImportFailed) as refused:
        _parse(tmp_path, text)
    first = refused.value.problems[0]
    assert first.file == str(tmp_path / "strichliste.csv")
    return first.line, first.field, first.de, first.en


def test_calls_walk_ins_and_both_on_one_sheet(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        HEADER
        + "2026-09-07,09:15,auslaender-a,ja,ja,,2,\n"  # calls only
        + "2026-09-07,,auslaender-a,,,,,14\n"  # walk-ins only
        + "08.09.2026,10:00,auslaender-a,ja,nein,Schalter,,3\n"  # a call and walk-ins
        + "2026-09-09,,auslaender-b,,,,,0\n",  # nobody came: news too
    )
    calls, walk_ins, both, none_came = parsed.entries
    assert (calls.count, calls.hour, calls.walk_ins) == (2, 9, None)
    assert walk_ins == TallyEntry(
        team="auslaender-a",
        day=date(2026, 9, 7),
        hour=None,
        inside_hours=None,
        answered=None,
        count=0,
        source_file="strichliste.csv",
        source_line=3,
        walk_ins=14,
    )
    assert (both.count, both.hour, both.inside_hours, both.answered) == (1, 10, True, False)
    assert (both.walk_ins, both.note) == (3, "Schalter")
    assert (none_came.team, none_came.count, none_came.walk_ins) == ("auslaender-b", 0, 0)
    # The calls counted from the sheet are exactly the calls noted on it.
    assert sum(e.count for e in parsed.entries) == 3


def test_a_walk_ins_only_sheet_needs_no_call_columns(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        "Datum;Vorsprachen ohne Termin\n07.09.2026;12\n08.09.2026;9\n",
        team="auslaender-a",
    )
    assert [(e.day, e.walk_ins, e.count, e.hour) for e in parsed.entries] == [
        (date(2026, 9, 7), 12, 0, None),
        (date(2026, 9, 8), 9, 0, None),
    ]


@pytest.mark.parametrize("name", ["Vorsprachen", "walk-ins", "Walk ins", "Laufkundschaft"])
def test_the_column_has_german_and_english_names(tmp_path: Path, name: str) -> None:
    parsed = _parse(tmp_path, f"date,team,{name}\n2026-09-07,auslaender-a,4\n")
    assert parsed.entries[0].walk_ins == 4


@pytest.mark.parametrize(
    ("cell", "words_de", "words_en"),
    [
        ("drei", "„drei“ ist keine ganze Zahl", "'drei' is not a whole number"),
        ("2,5", "„2,5“ ist keine ganze Zahl", "'2,5' is not a whole number"),
        ("-3", "„-3“ ist negativ", "'-3' is negative"),
        ("10001", "„10001“ ist zu groß", "'10001' is too large"),
    ],
)
def test_a_bad_number_of_walk_ins_names_line_and_column(
    tmp_path: Path, cell: str, words_de: str, words_en: str
) -> None:
    calls = "2026-09-07,09:15,auslaender-a,ja,ja,,,\n"
    text = HEADER + calls + f'2026-09-07,,auslaender-a,,,,,"{cell}"\n'
    line, field, de, en = _problem(tmp_path, text)
    assert (line, field) == (3, "vorsprachen")
    assert de == f"{words_de}; Vorsprachen ohne Termin: 0 bis 10000"
    assert en == f"{words_en}; walk-ins without appointment: 0 to 10000"


def test_a_bad_number_on_a_call_line_is_refused_too(tmp_path: Path) -> None:
    line, field, de, _ = _problem(tmp_path, HEADER + "2026-09-07,09:15,auslaender-a,ja,ja,,,-1\n")
    assert (line, field) == (2, "vorsprachen")
    assert "negativ" in de


def test_a_line_with_neither_time_nor_walk_ins(tmp_path: Path) -> None:
    line, field, de, en = _problem(tmp_path, HEADER + "2026-09-07,,auslaender-a,,,,,\n")
    assert (line, field) == (2, "uhrzeit")
    assert de.startswith("leer: die Zeile braucht eine Uhrzeit (Anruf) oder eine Zahl")
    assert en.startswith("empty: the line needs a time")


def test_a_walk_ins_line_with_call_fields_but_no_time_is_ambiguous(tmp_path: Path) -> None:
    line, field, de, _ = _problem(tmp_path, HEADER + "2026-09-07,,auslaender-a,ja,,,2,5\n")
    assert (line, field) == (2, "uhrzeit")
    assert de.startswith("fehlt, aber innerhalb_sprechzeit, anzahl ist ausgefüllt")


def test_without_the_walk_ins_column_an_empty_time_stays_an_error(tmp_path: Path) -> None:
    text = "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen\n2026-09-07,,auslaender-a,ja,ja\n"
    line, field, de, _ = _problem(tmp_path, text)
    assert (line, field, de) == (2, "uhrzeit", "„“ ist keine Uhrzeit (HH:MM)")


def test_call_columns_come_as_a_set(tmp_path: Path) -> None:
    line, field, de, _ = _problem(tmp_path, "datum,team,uhrzeit,vorsprachen\n2026-09-07,a,9,1\n")
    assert (line, field) == (1, "innerhalb_sprechzeit")
    assert de.startswith("Spalte fehlt (oder nur Vorsprachen")


def test_a_count_without_call_columns_is_refused_at_the_header(tmp_path: Path) -> None:
    line, field, de, _ = _problem(tmp_path, "datum,team,anzahl,vorsprachen\n2026-09-07,a,2,1\n")
    assert (line, field) == (1, "anzahl")
    assert de.startswith("zählt Anrufe, aber die Spalten uhrzeit")


def test_a_sheet_without_calls_or_walk_ins_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as refused:
        _parse(tmp_path, "datum,team,notiz\n2026-09-07,auslaender-a,x\n")
    assert [(p.line, p.field) for p in refused.value.problems] == [
        (1, "uhrzeit"),
        (1, "innerhalb_sprechzeit"),
        (1, "angenommen"),
    ]


def test_a_repeated_walk_ins_line_is_a_typing_slip(tmp_path: Path) -> None:
    text = HEADER + "2026-09-07,,auslaender-a,,,,,4\n" * 2
    line, field, de, en = _problem(tmp_path, text)
    assert (line, field) == (3, None)
    assert de == (
        "doppelte Zeile (gleich Zeile 2); die Vorsprachen eines Tages bitte in einer Zeile "
        "zusammenzählen"
    )
    assert en == "duplicate line (same as line 2); add up a day's walk-ins in one line"


def test_the_generated_sheet_reads_back_as_the_entries_it_was_written_from(
    tmp_path: Path,
) -> None:
    entries = [
        TallyEntry("auslaender-a", date(2026, 8, 17), 9, True, True, 3, "t.csv", 2),
        TallyEntry("auslaender-a", date(2026, 8, 17), 12, False, False, 1, "t.csv", 3),
        TallyEntry("auslaender-a", date(2026, 8, 17), None, None, None, 0, "t.csv", 4, None, 21),
        TallyEntry("auslaender-a", date(2026, 8, 18), None, None, None, 0, "t.csv", 5, None, 0),
    ]
    text = tally_csv(entries)
    assert text.splitlines()[3] == "2026-08-17,,auslaender-a,,,,,21"
    path = tmp_path / "t.csv"
    path.write_text(text, "utf-8")
    assert parse_tally(path, TEAMS).entries == entries


def test_the_examples_in_pilot_data_readme_import_as_described(tmp_path: Path) -> None:
    readme = Path(__file__).resolve().parents[2] / "pilot_data" / "README.md"
    section = readme.read_text("utf-8").split("**Vorsprachen ohne Termin.**", 1)[1]
    blocks = section.split("```\n")[1:4:2]
    mixed = _parse(tmp_path, blocks[0])
    assert [(e.count, e.hour, e.walk_ins) for e in mixed.entries] == [(2, 9, None), (0, None, 14)]
    only = _parse(tmp_path, blocks[1], team="auslaender-a")
    assert [(e.day, e.walk_ins) for e in only.entries] == [
        (date(2026, 9, 7), 14),
        (date(2026, 9, 8), 9),
    ]
