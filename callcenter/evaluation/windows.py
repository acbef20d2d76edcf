"""Demand by weekday × hour, and the call-hour windows that would cover most of it.

Suggestion algorithm (exact, not greedy): a window is one contiguous run of whole hours
per day, between `earliest_window_hour` and `latest_window_hour`, Monday to Friday, and
either absent or at least `min_window_hours` long. For every day and every length L the
best run is found with prefix sums (the run of L hours with the most mean calls); then a
knapsack over the five days picks one length per day so that the lengths add up to exactly
N hours and the covered demand is largest. Coverage is covered mean calls ÷ all mean calls
of the week (including hours no window may use, so it is an honest share of the demand).
The coverage curve repeats this for every N from 0 to the most hours the rules allow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from callcenter.domain.schedule import Office, Window
from callcenter.evaluation.days import days as day_range
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.model import (
    CoveragePoint,
    DemandHeatmap,
    HourCell,
    WindowHours,
    WindowSuggestion,
)

WORKDAYS = range(5)
HOURS = 24
_NEG = -math.inf

Grid = tuple[tuple[float, ...], ...]


def counted_days(office: Office, team: str, start: date, end: date) -> list[int]:
    """How many days of each weekday in [start, end] are not public holidays of the team."""
    schedule = office.schedule_for(team)
    counts = [0] * 7
    for day in day_range(start, end):
        if schedule.holiday_on(day) is None:
            counts[day.weekday()] += 1
    return counts


def demand_grid(
    cells: Iterable[HourCell],
    office: Office,
    team: str,
    start: date,
    end: date,
    *,
    inside_only: bool = False,
) -> Grid:
    """Mean calls per hour [weekday][hour] over the team's non-holiday days in the period."""
    offered, inside = demand_grids(cells, office, team, start, end)
    return inside if inside_only else offered


def demand_grids(
    cells: Iterable[HourCell], office: Office, team: str, start: date, end: date
) -> tuple[Grid, Grid]:
    """`demand_grid` of all calls and of the calls inside the hours, in one pass over the
    cells and the period's days (the report needs both of every team)."""
    schedule = office.schedule_for(team)
    holiday: dict[date, bool] = {}  # per day, not per hour cell
    offered = [[0.0] * HOURS for _ in range(7)]
    inside = [[0.0] * HOURS for _ in range(7)]
    for c in cells:
        if c.team != team or not start <= c.day <= end:
            continue
        if (off := holiday.get(c.day)) is None:
            off = holiday[c.day] = bool(schedule.holiday_on(c.day))
        if off:
            continue
        weekday = c.day.weekday()
        offered[weekday][c.hour] += c.offered
        inside[weekday][c.hour] += c.inside
    counts = counted_days(office, team, start, end)
    return _means(offered, counts), _means(inside, counts)


def _means(sums: list[list[float]], counts: list[int]) -> Grid:
    return tuple(
        tuple(value / counts[w] if counts[w] else 0.0 for value in sums[w]) for w in range(7)
    )


def hour_grid(windows: Iterable[Window]) -> tuple[WindowHours, ...]:
    """Windows widened to whole hours (09:00–12:00 stays, 14:00–17:30 becomes 14–18)."""
    found = []
    for w in windows:
        end_hour = w.end.hour + (1 if (w.end.minute or w.end.second) else 0)
        if w.end == time(23, 59, 59, 999999):
            end_hour = 24
        found.append(WindowHours(w.weekday, w.start.hour, max(end_hour, w.start.hour + 1)))
    return tuple(sorted(found, key=lambda x: (x.weekday, x.start_hour)))


def coverage_of(windows: Iterable[Window]) -> Grid:
    """The share [weekday][hour] of each hour that the windows cover (0..1)."""
    grid = [[0.0] * HOURS for _ in range(7)]
    anchor = date(2000, 1, 3)  # any date: only wall-clock minutes matter here
    for w in windows:
        begin = datetime.combine(anchor, w.start)
        finish = datetime.combine(anchor, w.end)
        for hour in range(HOURS):
            h0 = datetime.combine(anchor, time(hour))
            h1 = datetime.combine(anchor, time(hour + 1)) if hour < 23 else None
            upper = finish if h1 is None else min(finish, h1)
            seconds = (upper - max(begin, h0)).total_seconds()
            if seconds > 0:
                grid[w.weekday][hour] += seconds / 3600.0
    return tuple(tuple(min(1.0, v) for v in row) for row in grid)


def heatmap(
    cells: Iterable[HourCell], office: Office, team: str, start: date, end: date
) -> DemandHeatmap:
    return grid_heatmap(demand_grid(cells, office, team, start, end), office, team, start, end)


def grid_heatmap(grid: Grid, office: Office, team: str, start: date, end: date) -> DemandHeatmap:
    """The heatmap of the team's `demand_grid` over [start, end], when that is at hand."""
    weeks = max(1, round(((end - start).days + 1) / 7))
    return DemandHeatmap(team, grid, hour_grid(office.team(team).windows), weeks)


def _best_runs(row: Sequence[float], settings: EvaluationSettings) -> list[tuple[float, int]]:
    """For each length L: (most calls in a run of L hours, its first hour)."""
    lo, hi = settings.earliest_window_hour, settings.latest_window_hour
    prefix = [0.0]
    for hour in range(lo, hi):
        prefix.append(prefix[-1] + row[hour])
    best: list[tuple[float, int]] = [(0.0, lo)]
    for length in range(1, hi - lo + 1):
        value, first = max(
            ((prefix[s + length] - prefix[s], -s) for s in range(0, hi - lo - length + 1)),
        )
        best.append((value, lo - first))
    return best


def best_windows(
    grid: Grid, hours_per_week: int, settings: EvaluationSettings
) -> tuple[tuple[WindowHours, ...], float] | None:
    """The windows with exactly `hours_per_week` hours covering the most mean calls, and
    those calls; None when the rules allow no such windows."""
    return _windows_of_plan(_plan(grid, settings), hours_per_week)


Runs = list[tuple[float, int]]
Table = list[list[tuple[float, int]]]


def _windows_of_plan(
    planned: tuple[Table, list[Runs]], hours_per_week: int
) -> tuple[tuple[WindowHours, ...], float] | None:
    plan, runs = planned
    if hours_per_week >= len(plan[-1]) or plan[-1][hours_per_week][0] == _NEG:
        return None
    windows = []
    remaining = hours_per_week
    for day in reversed(WORKDAYS):
        _value, length = plan[day + 1][remaining]
        if length:
            first = runs[day][length][1]
            windows.append(WindowHours(day, first, first + length))
        remaining -= length
    return tuple(sorted(windows, key=lambda w: w.weekday)), plan[-1][hours_per_week][0]


def _plan(grid: Grid, settings: EvaluationSettings) -> tuple[Table, list[Runs]]:
    """Knapsack table: plan[d][b] = (best calls with b hours over days < d, length on d−1);
    and each workday's `_best_runs`, which the windows are read from."""
    span = settings.latest_window_hour - settings.earliest_window_hour
    budget = span * len(WORKDAYS)
    plan: Table = [[(0.0, 0)] + [(_NEG, 0)] * budget]
    # Ascending (min_window_hours is at least 1), so the first length past the budget can
    # end the inner loop instead of each further one being skipped in turn.
    lengths = [0, *range(min(settings.min_window_hours, span), span + 1)]
    day_runs: list[Runs] = []
    for day in WORKDAYS:
        runs = _best_runs(grid[day], settings)
        day_runs.append(runs)
        gains = [(length, runs[length][0]) for length in lengths]
        previous = [value for value, _length in plan[-1]]
        row: list[tuple[float, int]] = []
        for b in range(budget + 1):
            best_value, best_length = _NEG, 0
            for length, gain in gains:
                if length > b:
                    break
                before = previous[b - length]
                if before == _NEG:
                    continue
                value = before + gain
                if value > best_value + 1e-12:
                    best_value, best_length = value, length
            row.append((best_value, best_length))
        plan.append(row)
    return plan, day_runs


def suggest(
    team: str, grid: Grid, hours_per_week: int, settings: EvaluationSettings
) -> WindowSuggestion:
    """The best windows of `hours_per_week` hours and the coverage curve for every size."""
    total = sum(sum(row) for row in grid)
    planned = _plan(grid, settings)
    curve = tuple(
        CoveragePoint(hours, value / total if total > 0 else 0.0)
        for hours, (value, _length) in enumerate(planned[0][-1])
        if value != _NEG
    )
    size = max(0, min(hours_per_week, curve[-1].hours_per_week if curve else 0))
    # From the same knapsack table: best_windows would work it out a second time.
    found = _windows_of_plan(planned, size)
    windows, covered = found if found is not None else ((), 0.0)
    return WindowSuggestion(
        team=team,
        hours_per_week=size,
        windows=windows,
        coverage=covered / total if total > 0 else 0.0,
        curve=curve,
    )


def weekly_hours(windows: Iterable[Window]) -> float:
    """Hours per week of a team's windows."""
    total = 0.0
    anchor = date(2000, 1, 3)
    for w in windows:
        total += (datetime.combine(anchor, w.end) - datetime.combine(anchor, w.start)).seconds
    return total / 3600.0
