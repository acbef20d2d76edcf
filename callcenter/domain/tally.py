"""Manual tally entries (Strichliste): what staff noted by hand during a pilot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TallyEntry:
    """One line of a tally sheet: `count` calls on `day` in `hour` for `team`, and/or
    `walk_ins` people who came without an appointment that day.

    A walk-ins-only line has `count` 0 and no hour: it adds nothing to the call counts.
    `walk_ins` None means the line says nothing about walk-ins (not: none came).
    `source_file`/`source_line` say where it came from, so that importing the same sheet
    again does not count its calls twice.
    """

    team: str
    day: date
    hour: int | None
    inside_hours: bool | None
    answered: bool | None
    count: int
    source_file: str
    source_line: int
    note: str | None = None
    walk_ins: int | None = None
