"""What the evaluation hands to reporting and the web app: plain, frozen data.

This module is the contract between `callcenter.evaluation` (which computes) and
`callcenter.reporting` / `callcenter.web` (which draw). Rates are fractions in [0, 1]
(None when their denominator is zero), durations are seconds, days are office-local
dates, hours are office-local hours 0..23, weekdays are 0 = Monday .. 6 = Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from callcenter.evaluation.callbacks import CallerFigures


class MetricKey(StrEnum):
    """Key metrics the pilot evaluation estimates effects for."""

    SHARE_OUTSIDE = "share_outside"  # outside-hours calls ÷ calls offered
    ANSWER_RATE_INSIDE = "answer_rate_inside"  # answered ÷ offered inside the hours
    SERVICE_LEVEL = "service_level"  # answered within threshold ÷ offered inside (see reference)
    ABANDONMENT_RATE = "abandonment_rate"  # abandoned in queue ÷ offered inside
    CALLS_PER_CALLER_7D = "calls_per_caller_7d"  # repeat calls: calls ÷ unique callers per 7 days
    CALLS_PER_DAY = "calls_per_day"  # calls offered per working day (compared as a ratio)
    CONTACTS_PER_DAY = "contacts_per_day"  # new contacts (callers with a new concern) per day


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
    # Draws of the rollout ranking's week resampling (at least ranking.REPLICATES_MIN are
    # used). The pilot intervals draw nothing: they are week-clustered t-intervals.
    bootstrap_samples: int = 400
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
        if not 0 <= self.earliest_window_hour < self.latest_window_hour <= 24:
            raise ValueError("earliest_window_hour/latest_window_hour must lie within 0..24")
        if self.min_window_hours < 1:
            raise ValueError("min_window_hours must be at least 1")


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name_de: str
    name_en: str
    on_call_hours: bool  # has (had) a pilot, i.e. already uses call hours


@dataclass(frozen=True)
class HourCell:
    """Counts of one team in one office-local hour of one day (from one SQL GROUP BY)."""

    team: str
    day: date
    hour: int
    offered: int
    inside: int  # in_hours true at the call's start
    outside: int  # in_hours false
    team_line: int
    direct_line: int
    switchboard: int
    answered_inside: int
    answered_within_target: int  # answered inside the hours with wait ≤ the SL threshold
    abandoned_inside: int
    short_abandons_inside: int  # abandoned within the short-abandon limit
    announcements: int  # outcome announcement or announcement_hangup
    wait_total_seconds: float  # over answered calls inside the hours (÷ answered_inside)
    talk_total_seconds: float  # over answered calls inside the hours (÷ answered_inside)


@dataclass(frozen=True)
class PeriodMetrics:
    """All headline metrics of one team (or all teams: team None) over [start, end]."""

    team: str | None
    start: date
    end: date  # inclusive
    offered: int
    inside: int
    outside: int
    team_line: int
    direct_line: int
    switchboard: int
    share_outside: float | None
    answer_rate_inside: float | None
    service_level: float | None
    abandonment_rate: float | None
    wait_mean_seconds: float | None
    wait_p90_seconds: float | None
    talk_mean_seconds: float | None
    unique_callers: int
    calls_per_caller_7d: float | None
    displaced_share: float | None  # announcement callers who got through later ÷ all of them
    displaced_delay_median_hours: float | None
    never_through_share: float | None  # announcement callers who never got through
    announcement_days: tuple[date, ...]  # closure days in the period
    walk_ins: int | None  # from the tally, None when nothing was entered


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % interval (week-clustered t-interval, METRICS.md)."""

    value: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        return not (self.low <= 0.0 <= self.high)


@dataclass(frozen=True)
class MetricEffect:
    metric: MetricKey
    pilot_before: float | None
    pilot_during: float | None
    controls_before: float | None
    controls_during: float | None
    before_after: Estimate | None  # pilot team: during − before
    did: Estimate | None  # (pilot during − before) − (controls during − before)
    # True for volumes: before_after and did are relative changes (0.1 = +10 %), from the
    # log-ratio; levels stay in their own unit.
    relative: bool = False


@dataclass(frozen=True)
class WeeklyPoint:
    week_start: date  # the Monday
    group: str  # "pilot" or "controls"
    metric: MetricKey
    value: float | None


class Direction(StrEnum):
    """How a change reads for callers: colour follows this, not significance alone."""

    BETTER = "better"
    WORSE = "worse"
    UNCLEAR = "unclear"  # the interval contains 0
    CHANGED = "changed"  # clear change of a volume: neither better nor worse in itself
    TOO_EARLY = "too_early"


class TargetStatus(StrEnum):
    MET = "met"  # the whole interval of the pilot's service level lies at or above the target
    MISSED = "missed"  # the whole interval lies below
    UNCLEAR = "unclear"  # the interval contains the target
    UNKNOWN = "unknown"  # no calls inside the hours


@dataclass(frozen=True)
class MetricVerdict:
    metric: MetricKey
    direction: Direction
    estimate: Estimate | None  # DiD (or before→after without controls)
    relative: bool
    text_de: str
    text_en: str


@dataclass(frozen=True)
class Verdict:
    """The answer at the top of a pilot page: did it work, by how much, how sure."""

    direction: Direction  # of the primary metric; TOO_EARLY below the minimum length
    primary: MetricKey
    headline_de: str
    headline_en: str
    lines: tuple[MetricVerdict, ...]
    service_level: Estimate | None  # the pilot's own level during the pilot
    target: float
    target_status: TargetStatus
    target_de: str
    target_en: str
    method_de: str
    method_en: str


@dataclass(frozen=True)
class PilotEvaluation:
    team: str
    start: date
    end: date  # inclusive; the last day with data when the pilot is still running
    before_start: date  # the comparison period before the pilot
    controls: tuple[str, ...]
    effects: tuple[MetricEffect, ...]
    weekly: tuple[WeeklyPoint, ...]
    weeks_before: int  # whole weeks of each period
    weeks_during: int
    weeks_missing: int  # more weeks needed before a verdict is given (0: enough)
    verdict: Verdict
    summary_de: str
    summary_en: str


@dataclass(frozen=True)
class WindowHours:
    """A call-hour window on the hour grid: weekday, [start_hour, end_hour)."""

    weekday: int
    start_hour: int
    end_hour: int


@dataclass(frozen=True)
class DemandHeatmap:
    team: str
    mean_calls: tuple[tuple[float, ...], ...]  # [weekday][hour], mean calls per hour
    current_windows: tuple[WindowHours, ...]
    weeks: int  # how many weeks the means are taken over


@dataclass(frozen=True)
class CoveragePoint:
    hours_per_week: int
    coverage: float  # share of the demand falling inside the best windows of that size


@dataclass(frozen=True)
class WindowSuggestion:
    team: str
    hours_per_week: int
    windows: tuple[WindowHours, ...]
    coverage: float
    curve: tuple[CoveragePoint, ...]


@dataclass(frozen=True)
class StaffingHour:
    weekday: int
    hour: int
    calls_per_hour: float
    agents_erlang_c: int
    service_level_erlang_c: float  # expected with that many agents
    agents_erlang_a: int | None  # None when there is no abandonment data


@dataclass(frozen=True)
class Staffing:
    team: str
    handling_seconds: float  # measured mean talk time (+ wrap-up if configured)
    target_service_level: float
    threshold_seconds: float
    patience_seconds: float | None  # mean caller patience for Erlang A
    hours: tuple[StaffingHour, ...]  # inside the current (or suggested) windows


@dataclass(frozen=True)
class RolloutCandidate:
    team: str
    rank: int
    windows_source: str  # "pilot" or "suggested"
    share_outside: float  # of its recorded demand, against those windows
    peak_agents: int
    mean_agents: float
    expected_share_outside_after: float | None  # using the pilot's estimated effect
    reason_de: str
    reason_en: str
    # Expected share of callers not reached (outside after × (1 − redial share)), its 95 %
    # interval from week resampling, the share of resamples in which the team is first, and
    # whether its interval overlaps a neighbour's ("gleichauf": same rank).
    unreached_share: float | None = None
    unreached_low: float | None = None
    unreached_high: float | None = None
    p_first: float | None = None
    tied: bool = False


@dataclass(frozen=True)
class OfficeReport:
    """Everything the dashboards show for one period."""

    start: date
    end: date
    generated_note_de: str  # e.g. "Synthetische Beispieldaten" when the data are synthetic
    generated_note_en: str
    teams: tuple[TeamInfo, ...]
    totals: PeriodMetrics  # all teams
    per_team: tuple[PeriodMetrics, ...]
    cells: tuple[HourCell, ...]  # the period's hour cells, for daily/weekly series
    heatmaps: tuple[DemandHeatmap, ...]
    suggestions: tuple[WindowSuggestion, ...]
    staffing: tuple[Staffing, ...]
    pilots: tuple[PilotEvaluation, ...]
    rollout: tuple[RolloutCandidate, ...]
    # The thresholds every number of the report was computed with (charts read them too).
    settings: EvaluationSettings = field(default_factory=EvaluationSettings)
    # Callback requests, language choices and overflow (issue 20; evaluation/callbacks.py).
    callers: CallerFigures = field(default_factory=CallerFigures)
