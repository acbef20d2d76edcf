"""Headline metrics of a period from the aggregates (formulas: METRICS.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import add, attrgetter

from callcenter.evaluation.inputs import Aggregates, EvaluationSettings, TeamPeriodStats
from callcenter.evaluation.kpi import Counts, kpi_parts
from callcenter.evaluation.model import HourCell, MetricKey, PeriodMetrics

# Share outside and answer rate depend on no setting.
DEFAULTS = EvaluationSettings()
# CellTotals' fields in their order: whole counts, then float seconds.
COUNT_FIELDS = (
    "offered",
    "inside",
    "outside",
    "team_line",
    "direct_line",
    "switchboard",
    "answered_inside",
    "answered_within_target",
    "abandoned_inside",
    "short_abandons_inside",
    "announcements",
)
SECONDS_FIELDS = ("wait_total_seconds", "talk_total_seconds")


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator


@dataclass(frozen=True)
class CellTotals:
    """Sums of hour cells: the counts every rate is made of."""

    offered: int = 0
    inside: int = 0
    outside: int = 0
    team_line: int = 0
    direct_line: int = 0
    switchboard: int = 0
    answered_inside: int = 0
    answered_within_target: int = 0
    abandoned_inside: int = 0
    short_abandons_inside: int = 0
    announcements: int = 0
    wait_total_seconds: float = 0.0
    talk_total_seconds: float = 0.0

    @classmethod
    def of(cls, cells: Iterable[HourCell]) -> CellTotals:
        rows = cells if isinstance(cells, Sequence) else list(cells)
        # One field at a time in C (a state's report sums its cells some ten times over);
        # the float totals by reduce(add): left to right as a loop adds them, where sum()
        # of floats is compensated from Python 3.12 on.
        return cls(
            *(sum(map(attrgetter(name), rows)) for name in COUNT_FIELDS),
            *(reduce(add, map(attrgetter(name), rows), 0.0) for name in SECONDS_FIELDS),
        )

    def rate(self, metric: MetricKey, settings: EvaluationSettings) -> float | None:
        """A key rate by its one definition (`kpi.kpi_parts`)."""
        counts = Counts(
            offered=self.offered,
            inside=self.inside,
            outside=self.outside,
            answered=self.answered_inside,
            within=self.answered_within_target,
            abandoned=self.abandoned_inside,
            short=self.short_abandons_inside,
            caller_calls=0,
            contacts=0,
            days=0,
        )
        return ratio(*kpi_parts(counts, settings)[metric])

    def share_outside(self, settings: EvaluationSettings = DEFAULTS) -> float | None:
        return self.rate(MetricKey.SHARE_OUTSIDE, settings)

    def answer_rate_inside(self, settings: EvaluationSettings = DEFAULTS) -> float | None:
        return self.rate(MetricKey.ANSWER_RATE_INSIDE, settings)

    def service_level(self, settings: EvaluationSettings) -> float | None:
        return self.rate(MetricKey.SERVICE_LEVEL, settings)

    def abandonment_rate(self, settings: EvaluationSettings) -> float | None:
        return self.rate(MetricKey.ABANDONMENT_RATE, settings)

    def wait_mean(self) -> float | None:
        return ratio(self.wait_total_seconds, self.answered_inside)

    def talk_mean(self) -> float | None:
        return ratio(self.talk_total_seconds, self.answered_inside)


def talk_mean_of(cells: Iterable[HourCell]) -> float | None:
    """`CellTotals.of(cells).talk_mean()`, summing only the two fields it divides (the same
    way, so to the same bits): staffing asks it of every team and of all cells."""
    rows = cells if isinstance(cells, Sequence) else list(cells)
    return ratio(
        reduce(add, map(attrgetter("talk_total_seconds"), rows), 0.0),
        sum(map(attrgetter("answered_inside"), rows)),
    )


def percentile_from_histogram(histogram: Iterable[tuple[int, int]], share: float) -> float | None:
    """The smallest whole second s with at least `share` of the calls waiting < s + 1,
    i.e. the nearest-rank percentile of the waits rounded down to the second."""
    rows = sorted(histogram)
    total = sum(count for _, count in rows)
    if total == 0:
        return None
    needed = share * total
    running = 0
    for second, count in rows:
        running += count
        if running >= needed - 1e-9:
            return float(second)
    return float(rows[-1][0])


def merge_histograms(
    histograms: Iterable[Iterable[tuple[int, int]]],
) -> tuple[tuple[int, int], ...]:
    merged: dict[int, int] = {}
    for histogram in histograms:
        for key, count in histogram:
            merged[key] = merged.get(key, 0) + count
    return tuple(sorted(merged.items()))


def median_hours(histogram_minutes: Iterable[tuple[int, int]]) -> float | None:
    """The median delay (whole minutes, lower median) in hours."""
    value = percentile_from_histogram(histogram_minutes, 0.5)
    return None if value is None else value / 60.0


def period_metrics(
    aggregates: Aggregates, team: str | None, among: Sequence[str] | None = None
) -> PeriodMetrics:
    """PeriodMetrics of one team, or with team None of the teams `among` (default: all the
    aggregates' teams), over the aggregates' period [start, end].

    Unique callers are counted per team; over several teams they are added up, so a
    caller of two teams counts twice (counting them once would cost a second sort of all
    calls by caller).
    """
    if team is not None:
        teams: Sequence[str] = (team,)
    else:
        teams = aggregates.teams if among is None else tuple(among)
    wanted = frozenset(teams)
    start, end = aggregates.start, aggregates.end
    settings = aggregates.settings
    # One team's cells from the index (in the order of all cells, so float sums stay
    # identical); several teams' in one pass over all.
    cells = aggregates.cells if team is None else aggregates.cells_of(team)
    caller_days = aggregates.caller_days if team is None else aggregates.caller_days_of(team)
    totals = CellTotals.of(c for c in cells if c.team in wanted and start <= c.day <= end)
    stats: list[TeamPeriodStats] = [
        s for s in (aggregates.stats_for(t) for t in teams) if s is not None
    ]
    calls = contacts = 0
    for caller_day in caller_days:
        if caller_day.team in wanted and start <= caller_day.day <= end:
            calls += caller_day.calls
            contacts += caller_day.contacts
    announcement_callers = sum(s.announcement_callers for s in stats)
    through_later = sum(s.through_later for s in stats)
    walk_in_rows = [
        count for t, day, count in aggregates.walk_ins if t in wanted and start <= day <= end
    ]
    closure_days = sorted(
        {day for t, day in aggregates.closure_days if t in wanted and start <= day <= end}
    )
    return PeriodMetrics(
        team=team,
        start=start,
        end=end,
        offered=totals.offered,
        inside=totals.inside,
        outside=totals.outside,
        team_line=totals.team_line,
        direct_line=totals.direct_line,
        switchboard=totals.switchboard,
        share_outside=totals.share_outside(),
        answer_rate_inside=totals.answer_rate_inside(),
        service_level=totals.service_level(settings),
        abandonment_rate=totals.abandonment_rate(settings),
        wait_mean_seconds=totals.wait_mean(),
        wait_p90_seconds=percentile_from_histogram(
            merge_histograms(s.wait_histogram for s in stats), 0.9
        ),
        talk_mean_seconds=totals.talk_mean(),
        unique_callers=sum(s.unique_callers for s in stats),
        calls_per_caller_7d=ratio(
            *kpi_parts(Counts(0, 0, 0, 0, 0, 0, 0, calls, contacts, 0), settings)[
                MetricKey.CALLS_PER_CALLER_7D
            ]
        ),
        displaced_share=ratio(through_later, announcement_callers),
        displaced_delay_median_hours=median_hours(
            merge_histograms(s.delay_histogram_minutes for s in stats)
        ),
        never_through_share=ratio(announcement_callers - through_later, announcement_callers),
        announcement_days=tuple(closure_days),
        walk_ins=sum(walk_in_rows) if walk_in_rows else None,
    )


def cells_between(
    cells: Iterable[HourCell], teams: Iterable[str], first: date, last: date
) -> list[HourCell]:
    wanted = frozenset(teams)
    return [c for c in cells if c.team in wanted and first <= c.day <= last]
