"""Export formats for call records: CSV (spreadsheets, R) and JSON Lines (one call a line)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TextIO

FORMATS = ("csv", "jsonl")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _plain(value)


def write_calls(
    rows: Iterable[Mapping[str, Any]], out: TextIO, fmt: str, columns: tuple[str, ...]
) -> int:
    """Write the rows one by one; returns how many. CSV gets a header line even when empty."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row[name]) for name in columns])
            count += 1
    else:
        for row in rows:
            out.write(json.dumps({name: _plain(row[name]) for name in columns}, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count
