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


@dataclass(frozen=True)
class StoredTally:
    """A stored sheet entry and its sheet (content hash); sheet None: imported before
    sheets had an identity, known only by its file name."""

    id: int
    entry: TallyEntry
    sheet: str | None


@dataclass(frozen=True)
class WalkInSource:
    """Walk-ins of one other entry of the same team and day (a sheet line)."""

    source_file: str
    source_line: int | None
    walk_ins: int


@dataclass(frozen=True)
class WalkInDay:
    """A team's walk-ins of one day after a hand entry."""

    team: str
    day: date
    before: int | None  # the previous hand entry
    after: int | None  # the hand entry now (None: cleared)
    others: tuple[WalkInSource, ...]  # sheet lines of that team and day
    generated_removed: int  # synthetic walk-ins this entry replaced

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.generated_removed > 0

    @property
    def total(self) -> int | None:
        """What the evaluation counts for the day (None: nothing entered)."""
        values = [s.walk_ins for s in self.others]
        if self.after is not None:
            values.append(self.after)
        return sum(values) if values else None
