"""What every call import needs besides the file, and what a parse gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from callcenter.domain.call_calendar import CallCalendar
from callcenter.domain.calls import CallRecord
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.pseudonym import Pseudonymizer


@dataclass(frozen=True)
class CallImportSetup:
    """Numbers and queues of the teams, the pseudonym key, the schedule; `team` restricts
    the import to that team's calls (None: every team's)."""

    plan: LinePlan
    pseudonyms: Pseudonymizer
    calendar: CallCalendar
    team: str | None = None


@dataclass
class ParsedCalls:
    """A validated file: the call records in it, and what was read but is nobody's call."""

    records: list[CallRecord] = field(default_factory=list)
    read: int = 0  # rows or lines read (blank lines not counted)
    ignored: int = 0  # calls that were no team's (internal, outbound, switchboard only, --team)


@dataclass(frozen=True)
class ImportResult:
    """What an import did, for the command's summary and the audit log."""

    kind: str
    file: str
    read: int
    imported: int
    duplicates: int
    updated: int = 0
    ignored: int = 0
    matched: int = 0  # calls found among the live records (call imports)
    rejected: int = 0  # calls whose ids name a stored call that contradicts them
    shift_hours: int | None = None  # file times minus live times (None: no live overlap)
    compared: int = 0  # live calls the shift was measured on

    def audit(self) -> dict[str, object]:
        return {
            "file": self.file,
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "updated": self.updated,
            "ignored": self.ignored,
            "matched": self.matched,
            "rejected": self.rejected,
            "shift_hours": self.shift_hours,
        }


def display_name(path: Path) -> str:
    """How a file is named in messages: as given on the command line."""
    return str(path)
