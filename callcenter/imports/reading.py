"""Reading an import file: text or not, empty or not, CSV records with their line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from callcenter.imports.errors import ProblemList

# A text file has no NUL bytes; a spreadsheet, archive or image nearly always does early on.
_BINARY_PROBE_BYTES = 8192


@dataclass(frozen=True)
class Record:
    line: int  # where the record starts (a quoted field may span lines)
    fields: list[str]


def read_text(path: Path, problems: ProblemList, *, fallback: str) -> str:
    """The file's text; refuses empty and binary files.

    UTF-8 (with or without BOM) is tried first. `fallback` is the encoding for files that
    are not UTF-8: Latin-1 for PBX files (caller names from the carrier; never stored),
    Windows-1252 for spreadsheets saved by Excel as "CSV (Trennzeichen-getrennt)".
    """
    data = path.read_bytes()
    if not data.strip():
        raise problems.fail(0, None, "die Datei ist leer", "the file is empty")
    nul = data.find(b"\0", 0, _BINARY_PROBE_BYTES)
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise problems.fail(
            line,
            None,
            "keine Textdatei (enthält Binärdaten); erwartet wird eine CSV- bzw. Textdatei",
            "not a text file (contains binary data); expected a CSV or text file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, exc.start) + 1
            raise problems.fail(
                line,
                None,
                f"weder UTF-8 noch {fallback} (Byte 0x{data[exc.start]:02x})",
                f"neither UTF-8 nor {fallback} (byte 0x{data[exc.start]:02x})",
            ) from None


def csv_records(text: str, problems: ProblemList, delimiter: str = ",") -> Iterator[Record]:
    """The CSV records of `text`, skipping blank lines; a malformed record ends the parse."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise problems.fail(
                start,
                None,
                f"kein gültiges CSV ({exc})",
                f"not valid CSV ({exc})",
            ) from None
        record = Record(start, fields)
        start = reader.line_num + 1
        if fields and any(field.strip() for field in fields):
            yield record
