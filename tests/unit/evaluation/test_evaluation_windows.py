"""Demand heatmap and window suggestions: the knapsack against brute force."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from evaluation_support import SETTINGS, TEAM, example_office

from callcenter.domain.schedule import windows_from_spec
from callcenter.evaluation.model import HourCell, WindowHours
from callcenter.evaluation.windows import (
    best_windows,
    coverage_of,
    demand_grid,
    heatmap,
    hour_grid,
    suggest,
    weekly_hours,
)

SMALL = replace(SETTINGS, earliest_window_hour=8, latest_window_hour=13, min_window_hours=2)


def _random_grid(seed: int) -> tuple[tuple[float, ...], ...]:
    rng = np.random.default_rng(seed)
    return tuple(tuple(float(x) for x in rng.integers(0, 20, 24)) for _ in range(7))


def _brute_force(grid, hours: int) -> float:
    """Every combination of one run (or none) per weekday with exactly `hours` hours."""
    lo, hi = SMALL.earliest_window_hour, SMALL.latest_window_hour
    per_day = [
        [(0, 0.0)]
        + [
            (length, sum(grid[day][start : start + length]))
            for length in range(SMALL.min_window_hours, hi - lo + 1)
            for start in range(lo, hi - length + 1)
        ]
        for day in range(5)
    ]
    return max(
        sum(value for _, value in choice)
        for choice in itertools.product(*per_day)
        if sum(length for length, _ in choice) == hours
    )


@pytest.mark.parametrize(("seed", "hours"), [(1, 4), (2, 7), (3, 10), (4, 13)])
def test_knapsack_finds_the_brute_force_optimum(seed: int, hours: int) -> None:
    grid = _random_grid(seed)
    found = best_windows(grid, hours, SMALL)
    assert found is not None
    windows, covered = found
    assert covered == pytest.approx(_brute_force(grid, hours))
    assert sum(w.end_hour - w.start_hour for w in windows) == hours
    assert covered == pytest.approx(
        sum(sum(grid[w.weekday][w.start_hour : w.end_hour]) for w in windows)
    )
    days = [w.weekday for w in windows]
    assert len(days) == len(set(days))  # one contiguous window per day
    for w in windows:
        assert w.weekday < 5
        assert 8 <= w.start_hour < w.end_hour <= 13
        assert w.end_hour - w.start_hour >= 2


def test_sizes_the_rules_cannot_fill_have_no_windows() -> None:
    grid = _random_grid(5)
    assert best_windows(grid, 1, SMALL) is None  # shorter than a window may be
    assert best_windows(grid, 26, SMALL) is None  # more than 5 days × 5 hours


def test_suggestion_and_coverage_curve() -> None:
    grid = _random_grid(6)
    total = sum(sum(row) for row in grid)
    suggestion = suggest(TEAM, grid, 7, SMALL)
    assert suggestion.hours_per_week == 7
    covered = sum(sum(grid[w.weekday][w.start_hour : w.end_hour]) for w in suggestion.windows)
    assert suggestion.coverage == pytest.approx(covered / total)
    sizes = [p.hours_per_week for p in suggestion.curve]
    assert sizes[0] == 0
    assert 1 not in sizes
    assert sizes[-1] == 25
    assert next(p.coverage for p in suggestion.curve if p.hours_per_week == 7) == pytest.approx(
        suggestion.coverage
    )
    # Everything a window may use: Mo–Fr 8–13.
    assert suggestion.curve[-1].coverage == pytest.approx(
        sum(sum(grid[d][8:13]) for d in range(5)) / total
    )


def test_demand_peaks_get_the_windows() -> None:
    grid = [[0.0] * 24 for _ in range(7)]
    for day in range(5):
        grid[day][9] = grid[day][10] = 10.0  # a morning peak every weekday
    grid[0][14] = 50.0  # and a Monday afternoon spike
    suggestion = suggest(TEAM, tuple(tuple(r) for r in grid), 4, SETTINGS)
    assert suggestion.windows == (WindowHours(0, 13, 15), WindowHours(1, 9, 11))
    # Covered 50 + 20 of 150.
    assert suggestion.coverage == pytest.approx(70 / 150)


def test_hour_grid_and_partial_coverage_of_the_pilot_windows() -> None:
    windows = windows_from_spec("Mo-Do 09:00-12:00") + windows_from_spec("Do 14:00-17:30")
    assert hour_grid(windows)[-1] == WindowHours(3, 14, 18)
    coverage = coverage_of(windows)
    assert coverage[3][17] == pytest.approx(0.5)
    assert coverage[3][14] == 1.0
    assert coverage[4][9] == 0.0
    assert weekly_hours(windows) == pytest.approx(15.5)


def test_heatmap_means_per_non_holiday_weekday() -> None:
    office = example_office()
    # Two Mondays in the period, one of them Pfingstmontag (25 May 2026, a holiday in HE).
    cells = [
        HourCell(TEAM, date(2026, 5, 18), 9, 6, 6, 0, 6, 0, 0, 6, 6, 0, 0, 0, 60.0, 600.0),
        HourCell(TEAM, date(2026, 5, 25), 9, 2, 0, 2, 2, 0, 0, 0, 0, 0, 0, 2, 0.0, 0.0),
    ]
    grid = demand_grid(cells, office, TEAM, date(2026, 5, 18), date(2026, 5, 31))
    # The holiday's calls and the holiday itself are left out: 6 calls over 1 Monday.
    assert grid[0][9] == pytest.approx(6.0)
    shown = heatmap(cells, office, TEAM, date(2026, 5, 18), date(2026, 5, 31))
    assert shown.weeks == 2
    assert shown.current_windows[0] == WindowHours(0, 9, 12)
