"""A manual tally sheet (Strichliste) as CSV -> tally entries. Columns: pilot_data/README.md.

A header line names the columns, in German or English, in any order; `,` `;` or tab
separate them (Excel in German saves with `;`). UTF-8 or, failing that, Windows-1252
(Excel's "CSV (Trennzeichen-getrennt)"). One line per call, or per several calls at the
same minute with `anzahl`.

Walk-ins without appointment (`vorsprachen`) ride along: on a call line, or on a line of
their own with an empty time. A walk-ins-only line becomes an entry with `count` 0 and
no hour, so the calls counted from the sheet stay exactly the calls noted on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from callcenter.domain.tally import TallyEntry
from callcenter.imports.common import display_name
from callcenter.imports.errors import ProblemList
from callcenter.imports.reading import Record, csv_records, read_text

# Column -> the header names accepted for it (compared lower-case, `-`/space as `_`).
ALIASES: dict[str, frozenset[str]] = {
    "datum": frozenset({"datum", "date", "tag", "day"}),
    "uhrzeit": frozenset({"uhrzeit", "zeit", "time"}),
    "team": frozenset({"team"}),
    "innerhalb_sprechzeit": frozenset(
        {"innerhalb_sprechzeit", "in_sprechzeit", "sprechzeit", "inside_hours", "in_hours"}
    ),
    "angenommen": frozenset({"angenommen", "answered"}),
    "notiz": frozenset({"notiz", "bemerkung", "note", "notes"}),
    "anzahl": frozenset({"anzahl", "count"}),
    "vorsprachen": frozenset(
        {"vorsprachen", "vorsprachen_ohne_termin", "walk_ins", "laufkundschaft"}
    ),
}
# A sheet notes calls (all three columns), walk-ins, or both.
CALL_COLUMNS = ("uhrzeit", "innerhalb_sprechzeit", "angenommen")
WALK_INS = "vorsprachen"
YES = frozenset({"ja", "j", "yes", "y", "x", "1", "true", "wahr"})
NO = frozenset({"nein", "n", "no", "0", "false", "falsch"})
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\s*uhr)?$", re.IGNORECASE)
MAX_COUNT = 10_000


@dataclass
class ParsedTally:
    entries: list[TallyEntry] = field(default_factory=list)
    read: int = 0
    ignored: int = 0  # lines of other teams than --team


def _field(record: Record, index: int) -> str:
    return record.fields[index].strip() if index < len(record.fields) else ""


def _delimiter(text: str) -> str:
    header = text.lstrip().split("\n", 1)[0]
    return max((";", ",", "\t"), key=header.count)


def _normalise(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _columns(header: Record, problems: ProblemList, team_given: bool) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header.fields):
        key = _normalise(name)
        if not key:
            continue
        column = next((c for c, names in ALIASES.items() if key in names), None)
        if column is None:
            problems.add(
                header.line,
                name,
                "unbekannte Spalte; erlaubt: " + ", ".join(ALIASES),
                "unknown column; allowed: " + ", ".join(ALIASES) + " (or English names)",
            )
        elif column in columns:
            problems.add(header.line, name, "Spalte kommt doppelt vor", "column appears twice")
        else:
            columns[column] = index
    if "datum" not in columns:
        problems.add(header.line, "datum", "Spalte fehlt", "column is missing")
    has_calls = any(column in columns for column in CALL_COLUMNS)
    if has_calls or WALK_INS not in columns:
        for column in CALL_COLUMNS:
            if column not in columns:
                problems.add(
                    header.line,
                    column,
                    "Spalte fehlt (oder nur Vorsprachen: Spalte vorsprachen ohne "
                    + ", ".join(CALL_COLUMNS)
                    + ")",
                    "column is missing (or walk-ins only: a column vorsprachen/walk_ins without "
                    + ", ".join(CALL_COLUMNS)
                    + ")",
                )
    elif "anzahl" in columns:
        problems.add(
            header.line,
            "anzahl",
            "zählt Anrufe, aber die Spalten " + ", ".join(CALL_COLUMNS) + " fehlen",
            "counts calls, but the columns " + ", ".join(CALL_COLUMNS) + " are missing",
        )
    if "team" not in columns and not team_given:
        problems.add(
            header.line,
            "team",
            "Spalte fehlt; ohne sie das Team mit --team angeben",
            "column is missing; without it name the team with --team",
        )
    problems.raise_if_any()
    return columns


def _day(text: str) -> date | None:
    german = _GERMAN_DATE.match(text)
    try:
        if german:
            day, month, year = (int(part) for part in german.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _hour(text: str) -> int | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, second = (int(part) if part else 0 for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour


def _yes_no(text: str) -> bool | None:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(value)


def _walk_ins(text: str, line: int, problems: ProblemList) -> int | None:
    """The walk-ins of a cell: a whole number 0..MAX_COUNT (0 = nobody came, which is news)."""
    if text.isdigit() and int(text) <= MAX_COUNT:
        return int(text)
    if text.startswith("-") and text[1:].isdigit():
        de, en = "ist negativ", "is negative"
    elif text.isdigit():
        de, en = "ist zu groß", "is too large"
    else:
        de, en = "ist keine ganze Zahl", "is not a whole number"
    problems.add(
        line,
        WALK_INS,
        f"„{text}“ {de}; Vorsprachen ohne Termin: 0 bis {MAX_COUNT}",
        f"'{text}' {en}; walk-ins without appointment: 0 to {MAX_COUNT}",
    )
    return None


def _line_kind(
    record: Record, columns: dict[str, int], cell: Callable[[str], str], problems: ProblemList
) -> bool | None:
    """True: the line notes calls; False: walk-ins only; None: neither (a problem is added).

    Without a walk-ins column every line is a call line (an empty time is an error there).
    With one, an empty time means "no call on this line": then only walk-ins may be filled.
    """
    has_calls = "uhrzeit" in columns
    if WALK_INS not in columns or (has_calls and cell("uhrzeit")):
        return True
    if not cell(WALK_INS):
        problems.add(
            record.line,
            "uhrzeit" if has_calls else WALK_INS,
            "leer: die Zeile braucht eine Uhrzeit (Anruf) oder eine Zahl bei vorsprachen",
            "empty: the line needs a time (a call) or a number of walk-ins",
        )
        return None
    filled = [c for c in ("innerhalb_sprechzeit", "angenommen", "anzahl") if cell(c)]
    if filled:
        problems.add(
            record.line,
            "uhrzeit",
            f"fehlt, aber {', '.join(filled)} ist ausgefüllt: für einen Anruf die Uhrzeit "
            "eintragen, für nur Vorsprachen die Anrufspalten leer lassen",
            f"missing, but {', '.join(filled)} is filled in: give the time for a call, or "
            "leave the call columns empty for walk-ins only",
        )
        return None
    return False


def _entry(
    record: Record,
    columns: dict[str, int],
    team_ids: frozenset[str],
    team: str | None,
    source: str,
    problems: ProblemList,
) -> TallyEntry | str | None:
    """The entry, None if the line has errors, or the team's id if it is another team's."""
    width = max(columns.values()) + 1
    if len(record.fields) < width:
        problems.add(
            record.line,
            None,
            f"{len(record.fields)} Spalten, die Kopfzeile hat {width}",
            f"{len(record.fields)} columns, the header has {width}",
        )
        return None
    before = len(problems.items)

    def cell(column: str) -> str:
        index = columns.get(column)
        return record.fields[index].strip() if index is not None else ""

    day = _day(cell("datum"))
    if day is None:
        problems.add(
            record.line,
            "datum",
            f"„{cell('datum')}“ ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT)",
            f"'{cell('datum')}' is not a date (DD.MM.YYYY or YYYY-MM-DD)",
        )
    is_call = _line_kind(record, columns, cell, problems)
    walk_ins = _walk_ins(cell(WALK_INS), record.line, problems) if cell(WALK_INS) else None
    hour: int | None = None
    flags: dict[str, bool | None] = {}
    count = 0
    if is_call:
        hour, flags, count = _call_fields(record.line, cell, problems)
    named = cell("team")
    if named and named not in team_ids:
        problems.add(
            record.line,
            "team",
            f"unbekanntes Team „{named}“; bekannt: {', '.join(sorted(team_ids))}",
            f"unknown team '{named}'; known: {', '.join(sorted(team_ids))}",
        )
    elif not named and team is None:
        problems.add(record.line, "team", "fehlt (oder --team angeben)", "missing (or use --team)")
    if len(problems.items) > before or day is None:
        return None
    if named and team is not None and named != team:
        return named
    return TallyEntry(
        team=named or team or "",
        day=day,
        hour=hour,
        inside_hours=flags.get("innerhalb_sprechzeit"),
        answered=flags.get("angenommen"),
        count=count,
        source_file=source,
        source_line=record.line,
        note=cell("notiz") or None,
        walk_ins=walk_ins,
    )


def _call_fields(
    line: int, cell: Callable[[str], str], problems: ProblemList
) -> tuple[int | None, dict[str, bool | None], int]:
    """Hour, inside/answered flags and count of a call line (problems added, not raised)."""
    hour = _hour(cell("uhrzeit"))
    if hour is None:
        problems.add(
            line,
            "uhrzeit",
            f"„{cell('uhrzeit')}“ ist keine Uhrzeit (HH:MM)",
            f"'{cell('uhrzeit')}' is not a time of day (HH:MM)",
        )
    flags: dict[str, bool | None] = {}
    for column in ("innerhalb_sprechzeit", "angenommen"):
        try:
            flags[column] = _yes_no(cell(column)) if cell(column) else None
        except ValueError:
            problems.add(
                line,
                column,
                f"„{cell(column)}“ ist weder ja noch nein",
                f"'{cell(column)}' is neither yes nor no",
            )
    count = 1
    if cell("anzahl"):
        text = cell("anzahl")
        if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
            problems.add(
                line,
                "anzahl",
                f"„{text}“ ist keine Anzahl (1 bis {MAX_COUNT})",
                f"'{text}' is not a count (1 to {MAX_COUNT})",
            )
        else:
            count = int(text)
    return hour, flags, count


def source_name(path: Path) -> str:
    """How entries name their sheet in messages: its file name. (The sheet's identity is its
    content: callcenter.usecases.tally.sheet_identity.)"""
    return path.name


def parse_tally(
    path: Path, team_ids: frozenset[str], team: str | None = None, today: date | None = None
) -> ParsedTally:
    """Validate the whole sheet; ImportFailed naming file, line and column if anything is off.

    `team`: the sheet's team when it has no team column; with one, only that team's lines.
    `today`: lines dated after it are refused (a typo in the year).
    """
    problems = ProblemList(display_name(path))
    if team is not None and team not in team_ids:
        raise problems.fail(
            0,
            "--team",
            f"unbekanntes Team „{team}“; bekannt: {', '.join(sorted(team_ids))}",
            f"unknown team '{team}'; known: {', '.join(sorted(team_ids))}",
        )
    text = read_text(path, problems, fallback="cp1252")
    records = csv_records(text, problems, _delimiter(text))
    header = next(records, None)
    if header is None:
        raise problems.fail(0, None, "keine Kopfzeile", "no header line")
    columns = _columns(header, problems, team is not None)
    parsed = ParsedTally()
    seen: dict[tuple[str, ...], int] = {}
    for record in records:
        parsed.read += 1
        key = tuple(field.strip() for field in record.fields)
        if key in seen:
            if "uhrzeit" in columns and _field(record, columns["uhrzeit"]):
                hint_de = "mehrere Anrufe zur selben Zeit bitte in der Spalte anzahl zählen"
                hint_en = "count several calls at the same time in the column anzahl/count"
            else:
                hint_de = "die Vorsprachen eines Tages bitte in einer Zeile zusammenzählen"
                hint_en = "add up a day's walk-ins in one line"
            problems.add(
                record.line,
                None,
                f"doppelte Zeile (gleich Zeile {seen[key]}); {hint_de}",
                f"duplicate line (same as line {seen[key]}); {hint_en}",
            )
            continue
        seen[key] = record.line
        entry = _entry(record, columns, team_ids, team, source_name(path), problems)
        if isinstance(entry, str):
            parsed.ignored += 1
        elif entry is not None:
            if today is not None and entry.day > today:
                problems.add(
                    record.line,
                    "datum",
                    f"{entry.day:%d.%m.%Y} liegt in der Zukunft",
                    f"{entry.day.isoformat()} is in the future",
                )
                continue
            parsed.entries.append(entry)
    if parsed.read == 0:
        problems.add(header.line, None, "nur eine Kopfzeile, keine Einträge", "header only")
    problems.raise_if_any()
    return parsed
