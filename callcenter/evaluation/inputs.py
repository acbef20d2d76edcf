"""What the evaluation is computed from: counts aggregated in SQL (or, for tests and the
synthetic pilot data, in Python from call records) — never single calls or pseudonyms.

`callcenter.storage.aggregates` fills these from the database; `records.aggregate_records`
fills them from call records in memory. Both produce exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from callcenter.evaluation.model import EvaluationSettings, HourCell

__all__ = ["Aggregates", "CallerDay", "EvaluationSettings", "TeamPeriodStats"]


@dataclass(frozen=True)
class CallerDay:
    """Calls with a known caller of one team on one office-local day, and how many of them
    began a new contact (no call by that caller to that team within the repeat window)."""

    team: str
    day: date
    calls: int
    contacts: int


@dataclass(frozen=True)
class TeamPeriodStats:
    """Per team over the aggregates' period [start, end]: what cannot be summed over days."""

    team: str
    # (whole seconds, answered calls inside the hours); the last bucket holds the capped rest.
    wait_histogram: tuple[tuple[int, int], ...]
    unique_callers: int
    # Callers (per team) with an announcement call in the period, and how many of them were
    # answered by the team within the horizon after their first announcement call.
    announcement_callers: int
    through_later: int
    # (whole minutes from the first announcement call to the answered call, callers)
    delay_histogram_minutes: tuple[tuple[int, int], ...]
    # Time in queue of every queued call inside the hours (answered, abandoned, timed out):
    # divided by the abandons it is the mean patience for Erlang A.
    queued_wait_seconds: float
    abandoned_inside: int
    synthetic_calls: int  # calls of the synthetic pilot data set (linked id "syn-…")

    @property
    def never_through(self) -> int:
        return self.announcement_callers - self.through_later


@dataclass(frozen=True)
class Aggregates:
    """Counts for a set of teams: day-level data from `cells_start`, period-level from `start`."""

    teams: tuple[str, ...]
    start: date
    end: date  # inclusive
    cells_start: date  # <= start: day-level data reach back to here (pilot comparisons)
    settings: EvaluationSettings
    cells: tuple[HourCell, ...]
    caller_days: tuple[CallerDay, ...]
    team_stats: tuple[TeamPeriodStats, ...]
    closure_days: tuple[tuple[str, date], ...]  # (team, office-local day with a closure)
    walk_ins: tuple[tuple[str, date, int], ...] = field(default=())  # from the tally

    def stats_for(self, team: str) -> TeamPeriodStats | None:
        return next((s for s in self.team_stats if s.team == team), None)
