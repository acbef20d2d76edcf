"""What the evaluation is computed from: counts aggregated in SQL (or, for tests and the
synthetic pilot data, in Python from call records) — never single calls or pseudonyms.

`callcenter.storage.aggregates` fills these from the database; `records.aggregate_records`
fills them from call records in memory. Both produce exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from callcenter.evaluation.model import HourCell


@dataclass(frozen=True)
class EvaluationSettings:
    """Thresholds and choices of the metrics reference (METRICS.md); defaults as documented."""

    # Service level: answered within this many seconds (the public 115 promise: 75 % in 30 s).
    service_level_seconds: float = 30.0
    target_service_level: float = 0.75
    # Callers who hang up within this many seconds of queueing are "short abandons"
    # (misdials, second thoughts); with the exclusion they count neither for nor against.
    short_abandon_seconds: float = 5.0
    exclude_short_abandons: bool = True
    # A call is a new contact unless the same caller called the same team within this window.
    repeat_window_days: int = 7
    # An announcement caller "got through later" if answered within this horizon.
    displaced_horizon_days: int = 7
    # Waits are counted per whole second up to this cap (the p90 is exact below it).
    wait_histogram_cap_seconds: int = 3600
    # After-call work added to the measured talk time for staffing.
    wrap_up_seconds: float = 0.0
    bootstrap_samples: int = 400
    # The day-block bootstrap resamples blocks of this many consecutive days: two weeks
    # keep the weekday pattern and nearly all of a caller's repeat calls (which reach up
    # to 7 days ahead) inside one block; week blocks cut too many contacts in two.
    bootstrap_block_days: int = 14
    bootstrap_seed: int = 20260817
    # Hours of the day a suggested window may use, [earliest, latest).
    earliest_window_hour: int = 7
    latest_window_hour: int = 18
    # Suggested windows are at least this long (no one-hour slivers).
    min_window_hours: int = 2

    def __post_init__(self) -> None:
        if self.service_level_seconds <= 0:
            raise ValueError("service_level_seconds must be positive")
        if not 0 < self.target_service_level < 1:
            raise ValueError("target_service_level must lie between 0 and 1")
        if self.short_abandon_seconds < 0:
            raise ValueError("short_abandon_seconds must not be negative")
        if self.repeat_window_days < 1 or self.displaced_horizon_days < 1:
            raise ValueError("repeat_window_days and displaced_horizon_days must be at least 1")
        if self.wait_histogram_cap_seconds < 1:
            raise ValueError("wait_histogram_cap_seconds must be at least 1")
        if self.bootstrap_samples < 50:
            raise ValueError("bootstrap_samples must be at least 50")
        if self.bootstrap_block_days < 1:
            raise ValueError("bootstrap_block_days must be at least 1")
        if not 0 <= self.earliest_window_hour < self.latest_window_hour <= 24:
            raise ValueError("earliest_window_hour/latest_window_hour must lie within 0..24")
        if self.min_window_hours < 1:
            raise ValueError("min_window_hours must be at least 1")


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
