"""What the evaluation is computed from: counts aggregated in SQL (or, for tests and the
synthetic pilot data, in Python from call records) — never single calls or pseudonyms.

`callcenter.storage.aggregates` fills these from the database; `records.aggregate_records`
fills them from call records in memory. Both produce exactly the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from operator import attrgetter

import numpy as np
from numpy.typing import NDArray

from callcenter.evaluation.model import EvaluationSettings, HourCell

__all__ = ["Aggregates", "CallerDay", "EvaluationSettings", "TeamPeriodStats"]

# A team's rows as arrays: each row's day (date ordinal), and the named counts (a row each).
Columns = tuple[NDArray[np.int64], NDArray[np.float64]]


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
        return self._stats_by_team.get(team)

    def cells_of(self, team: str) -> tuple[HourCell, ...]:
        """The team's cells, in the order of `cells`."""
        return self._cells_by_team.get(team, ())

    def caller_days_of(self, team: str) -> tuple[CallerDay, ...]:
        return self._caller_days_by_team.get(team, ())

    def cell_columns(self, team: str, names: tuple[str, ...]) -> Columns:
        """The team's cells as arrays (kept: each pilot's comparison reads the controls')."""
        key = ("cells", team, names)
        if key not in self._columns:
            self._columns[key] = _columns(self.cells_of(team), names)
        return self._columns[key]

    def caller_day_columns(self, team: str, names: tuple[str, ...]) -> Columns:
        key = ("caller_days", team, names)
        if key not in self._columns:
            self._columns[key] = _columns(self.caller_days_of(team), names)
        return self._columns[key]

    @cached_property
    def _columns(self) -> dict[tuple[str, str, tuple[str, ...]], Columns]:
        return {}

    # Indexed once per aggregates: a state's report asks per team, and a scan of every
    # team's cells for each of 120 teams made it quadratic in the number of teams.
    @cached_property
    def _cells_by_team(self) -> dict[str, tuple[HourCell, ...]]:
        found: defaultdict[str, list[HourCell]] = defaultdict(list)
        for cell in self.cells:
            found[cell.team].append(cell)
        return {team: tuple(cells) for team, cells in found.items()}

    @cached_property
    def _caller_days_by_team(self) -> dict[str, tuple[CallerDay, ...]]:
        found: defaultdict[str, list[CallerDay]] = defaultdict(list)
        for caller_day in self.caller_days:
            found[caller_day.team].append(caller_day)
        return {team: tuple(days) for team, days in found.items()}

    @cached_property
    def _stats_by_team(self) -> dict[str, TeamPeriodStats]:
        found: dict[str, TeamPeriodStats] = {}
        for stats in self.team_stats:
            found.setdefault(stats.team, stats)  # the first, as a scan would find it
        return found


def _columns(rows: Sequence[HourCell] | Sequence[CallerDay], names: tuple[str, ...]) -> Columns:
    days = np.fromiter((row.day.toordinal() for row in rows), dtype=np.int64, count=len(rows))
    counts = attrgetter(*names)
    values = np.array([counts(row) for row in rows], dtype=np.float64).reshape(
        len(rows), len(names)
    )
    return days, values
