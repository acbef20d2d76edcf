"""Broken files are refused as a whole: a clear error naming file, line and field, and not
one row written (the whole database is compared, audit log included)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from callcenter.imports.common import CallImportSetup
from callcenter.imports.errors import ImportFailed
from callcenter.storage.store import Store
from callcenter.usecases.calls import import_cdr, import_queue_log

from .conftest import ACTOR, MASTER_CSV, NOW, QUEUE_LOG, TALLY_EXAMPLE, TRACE_ZONE, Dump
from .tally_support import import_tally

MASTER_LINES = MASTER_CSV.read_text("utf-8").splitlines()
QUEUE_LINES = QUEUE_LOG.read_text("utf-8").splitlines()
TALLY_LINES = TALLY_EXAMPLE.read_text("utf-8").splitlines()
GARBAGE = bytes(range(256)) * 8  # has NUL bytes, like any spreadsheet, archive or image
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def _replace(lines: list[str], number: int, old: str, new: str) -> str:
    """The file with `old` replaced by `new` in line `number` (1-based)."""
    changed = list(lines)
    assert old in changed[number - 1]
    changed[number - 1] = changed[number - 1].replace(old, new, 1)
    return "\n".join(changed) + "\n"


def _drop_last_column(lines: list[str], number: int) -> str:
    changed = list(lines)
    changed[number - 1] = changed[number - 1].rsplit(",", 1)[0]
    return "\n".join(changed) + "\n"


def _with_line(lines: list[str], extra: str) -> str:
    return "\n".join([*lines, extra]) + "\n"


# (case, file content, line, field or None, words the German message must contain)
CDR_CASES = [
    ("wrong column count", _drop_last_column(MASTER_LINES, 5), 5, None, "Spalten"),
    (
        "bad date",
        _replace(MASTER_LINES, 3, "2026-11-21 08:45:11", "2026-11-31 08:45:11"),
        3,
        "start",
        "kein Zeitpunkt",
    ),
    ("bad seconds", _replace(MASTER_LINES, 6, ",15,0,", ",15,x,"), 6, "billsec", "Sekunden"),
    ("duplicate row", _with_line(MASTER_LINES, MASTER_LINES[9]), 48, None, "Zeile 10"),
    ("binary garbage", GARBAGE, 1, None, "keine Textdatei"),
    ("an image", PNG, 3, None, "keine Textdatei"),
    ("not CSV at all", '{"calls": [1, 2, 3]}\n', 1, None, "Spalten"),
    ("unclosed quote", _with_line(MASTER_LINES, '"","0170123,"06151100"'), 48, None, "CSV"),
    ("empty file", "", 0, None, "leer"),
    ("blank lines only", "\n\n  \n", 0, None, "leer"),
]
QUEUE_CASES = [
    (
        "unknown queue (no such team)",
        _replace(QUEUE_LINES, 6, "|auslaender-a|", "|auslaender-x|"),
        6,
        "queue",
        "unbekannte Warteschlange",
    ),
    ("bad time", _replace(QUEUE_LINES, 2, "1795250713|", "2026-11-21 08:45|"), 2, "time", "Zeit"),
    (
        "too few fields",
        _with_line(QUEUE_LINES, "1795251014|1795251002.154|zentrale"),
        76,
        None,
        "Felder",
    ),
    ("bad wait", _replace(QUEUE_LINES, 7, "ABANDON|1|1|8", "ABANDON|1|1|"), 7, "data3", "Sekunden"),
    ("duplicate line", _with_line(QUEUE_LINES, QUEUE_LINES[2]), 76, None, "Zeile 3"),
    ("binary garbage", GARBAGE, 1, None, "keine Textdatei"),
    ("empty file", "", 0, None, "leer"),
]
TALLY_CASES = [
    (
        "unknown team",
        _replace(TALLY_LINES, 4, "auslaender-a", "ausländer-a"),
        4,
        "team",
        "unbekanntes Team",
    ),
    ("bad date", _replace(TALLY_LINES, 3, "2026-09-07", "2026-02-30"), 3, "datum", "kein Datum"),
    ("bad time", _replace(TALLY_LINES, 2, "08:12", "8.12"), 2, "uhrzeit", "keine Uhrzeit"),
    (
        "bad yes/no",
        _replace(TALLY_LINES, 5, "ja,nein", "vielleicht,nein"),
        5,
        "innerhalb_sprechzeit",
        "weder ja noch nein",
    ),
    ("wrong column count", _replace(TALLY_LINES, 6, ",Terminfrage,", ""), 6, None, "Spalten"),
    ("duplicate line", _with_line(TALLY_LINES, TALLY_LINES[2]), 14, None, "Zeile 3"),
    (
        "missing column",
        "datum,uhrzeit,team,angenommen\n2026-09-07,09:00,auslaender-a,ja\n",
        1,
        "innerhalb_sprechzeit",
        "fehlt",
    ),
    (
        "unknown column",
        _replace(TALLY_LINES, 1, "notiz", "notitz"),
        1,
        "notitz",
        "unbekannte Spalte",
    ),
    ("future date", _replace(TALLY_LINES, 2, "2026-09-07", "2027-09-07"), 2, "datum", "Zukunft"),
    ("binary garbage", PNG + GARBAGE, 3, None, "keine Textdatei"),
    ("empty file", "", 0, None, "leer"),
    ("header only", TALLY_LINES[0] + "\n", 1, None, "keine Einträge"),
]

Importer = Callable[[Store, CallImportSetup, Path], object]


def _cdr(store: Store, setup: CallImportSetup, path: Path) -> object:
    return import_cdr(store.session, path, setup, TRACE_ZONE, actor=ACTOR, now=NOW)


def _queue_log(store: Store, setup: CallImportSetup, path: Path) -> object:
    return import_queue_log(store.session, path, setup, actor=ACTOR, now=NOW)


def _tally(store: Store, setup: CallImportSetup, path: Path) -> object:
    return import_tally(store, path)


CASES = (
    [pytest.param(_cdr, *case[1:], id=f"cdr: {case[0]}") for case in CDR_CASES]
    + [pytest.param(_queue_log, *case[1:], id=f"queue_log: {case[0]}") for case in QUEUE_CASES]
    + [pytest.param(_tally, *case[1:], id=f"tally: {case[0]}") for case in TALLY_CASES]
)


@pytest.mark.parametrize(("importer", "content", "line", "field", "words"), CASES)
def test_a_broken_file_is_refused_whole_naming_line_and_field(
    store: Store,
    setup: CallImportSetup,
    dump: Dump,
    tmp_path: Path,
    importer: Importer,
    content: str | bytes,
    line: int,
    field: str | None,
    words: str,
) -> None:
    path = tmp_path / "broken.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    before = dump()
    with pytest.raises(ImportFailed) as refused:
        importer(store, setup, path)
    assert dump() == before
    problem = refused.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), line, field)
    german, english = refused.value.message("de"), refused.value.message("en")
    assert german.startswith("Import abgelehnt, nichts gespeichert: " + str(path))
    assert words in german
    if line:
        assert f"Zeile {line}" in german
        assert f"line {line}" in english
    if field:
        assert f"Feld „{field}“" in german
        assert f"field '{field}'" in english
    assert english.startswith("import refused, nothing was written: ")


def test_every_problem_of_a_file_is_listed(
    store: Store, setup: CallImportSetup, tmp_path: Path
) -> None:
    content = _replace(TALLY_LINES, 3, "2026-09-07", "07.13.2026")
    content = _replace(content.splitlines(), 8, "auslaender-a", "team-z")
    path = tmp_path / "two_errors.csv"
    path.write_text(content, "utf-8")
    with pytest.raises(ImportFailed) as refused:
        _tally(store, setup, path)
    assert [(p.line, p.field) for p in refused.value.problems] == [(3, "datum"), (8, "team")]
    assert "(und 1 weiterer Fehler)" in refused.value.de
