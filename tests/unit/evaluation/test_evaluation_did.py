"""Before/during and difference-in-differences on small day tables worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from evaluation_support import SETTINGS as DEFAULTS

from callcenter.evaluation.did import (
    ABANDONED,
    ANSWERED,
    CALLER_CALLS,
    CONTACTS,
    FIELDS,
    INSIDE,
    OFFERED,
    OUTSIDE,
    SHORT,
    WITHIN,
    DayTable,
    compare,
    expanded_tail,
)
from callcenter.evaluation.model import MetricKey

FIRST = date(2026, 8, 3)  # a Monday
START = FIRST + timedelta(days=14)
LAST = FIRST + timedelta(days=27)
# Two weeks per period: week blocks give the bootstrap two blocks to draw from.
SETTINGS = replace(DEFAULTS, bootstrap_block_days=7)


def _day(offered, outside, answered, within, abandoned, short, calls, contacts):
    row = np.zeros(FIELDS)
    row[[OFFERED, OUTSIDE, INSIDE, ANSWERED, WITHIN, ABANDONED, SHORT, CALLER_CALLS, CONTACTS]] = (
        offered,
        outside,
        offered - outside,
        answered,
        within,
        abandoned,
        short,
        calls,
        contacts,
    )
    return row


def _table(pilot_before, pilot_during, control_before, control_during, regular=None):
    def team(before, during):
        return np.array([before] * 14 + [during] * 14)

    flags = np.ones(28, dtype=bool) if regular is None else regular
    return DayTable(
        FIRST,
        LAST,
        {
            "pilot": team(pilot_before, pilot_during),
            "control": team(control_before, control_during),
        },
        {"pilot": flags, "control": flags},
    )


# Per day: offered, outside, answered, within, abandoned, short, caller calls, contacts.
PILOT_BEFORE = _day(10, 4, 3, 2, 2, 1, 10, 5)
PILOT_DURING = _day(10, 2, 6, 4, 1, 0, 10, 8)
CONTROL_BEFORE = _day(20, 4, 12, 8, 2, 0, 20, 10)
CONTROL_DURING = _day(20, 4, 12, 8, 2, 0, 20, 10)


def _effects(table, controls=("control",), settings=SETTINGS):
    result = compare(table, "pilot", controls, FIRST, START, LAST, settings)
    return {e.metric: e for e in result.effects}, result


def test_constant_days_give_exact_effects_and_point_intervals() -> None:
    effects, _ = _effects(_table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, CONTROL_DURING))
    share = effects[MetricKey.SHARE_OUTSIDE]
    # Pilot 4/10 -> 2/10, controls 4/20 -> 4/20: DiD = (0.2 − 0.4) − 0 = −0.2.
    assert (share.pilot_before, share.pilot_during) == (pytest.approx(0.4), pytest.approx(0.2))
    assert (share.controls_before, share.controls_during) == (
        pytest.approx(0.2),
        pytest.approx(0.2),
    )
    assert share.did.value == pytest.approx(-0.2)
    # Every day is the same, so every resample is too: the interval is the point.
    assert share.did.low == pytest.approx(-0.2)
    assert share.did.high == pytest.approx(-0.2)
    assert share.did.significant
    # Answer rate inside: 3/6 -> 6/8 (+0.25), controls 12/16 both: DiD +0.25.
    assert effects[MetricKey.ANSWER_RATE_INSIDE].did.value == pytest.approx(0.25)
    # Service level without short abandons: 2/(6−1) = 0.4 -> 4/8 = 0.5: +0.1.
    assert effects[MetricKey.SERVICE_LEVEL].did.value == pytest.approx(0.1)
    # Abandonment: (2−1)/(6−1) = 0.2 -> 1/8 = 0.125: −0.075.
    assert effects[MetricKey.ABANDONMENT_RATE].did.value == pytest.approx(-0.075)
    # Calls per contact: 10/5 = 2 -> 10/8 = 1.25: −0.75; controls stay at 2.
    assert effects[MetricKey.CALLS_PER_CALLER_7D].did.value == pytest.approx(-0.75)
    # Calls per working day: 10 -> 10, controls 20 -> 20: 0.
    assert effects[MetricKey.CALLS_PER_DAY].did.value == pytest.approx(0.0)
    assert not effects[MetricKey.CALLS_PER_DAY].did.significant


def test_controls_take_out_a_common_change() -> None:
    # Controls' share outside also falls by 0.1 (4/20 -> 2/20): DiD −0.2 − (−0.1) = −0.1.
    effects, _ = _effects(
        _table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, _day(20, 2, 12, 8, 2, 0, 20, 10))
    )
    share = effects[MetricKey.SHARE_OUTSIDE]
    assert share.before_after.value == pytest.approx(-0.2)
    assert share.did.value == pytest.approx(-0.1)


def test_irregular_days_are_left_out() -> None:
    # Weekends flagged irregular: the ratios are the same per day, so the result is too,
    # but calls per working day divide by 10 regular days per period, not 14.
    weekend = np.array([(FIRST + timedelta(days=i)).weekday() < 5 for i in range(28)])
    effects, _ = _effects(
        _table(PILOT_BEFORE, _day(20, 4, 6, 4, 1, 0, 20, 8), CONTROL_BEFORE, CONTROL_DURING),
        settings=SETTINGS,
    )
    regular_effects, _ = _effects(
        _table(
            PILOT_BEFORE, _day(20, 4, 6, 4, 1, 0, 20, 8), CONTROL_BEFORE, CONTROL_DURING, weekend
        )
    )
    assert effects[MetricKey.CALLS_PER_DAY].pilot_during == pytest.approx(20.0)
    assert regular_effects[MetricKey.CALLS_PER_DAY].pilot_during == pytest.approx(20.0)
    assert regular_effects[MetricKey.SHARE_OUTSIDE].pilot_during == pytest.approx(0.2)


def test_without_controls_only_before_and_after() -> None:
    effects, result = _effects(
        _table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, CONTROL_DURING), controls=()
    )
    share = effects[MetricKey.SHARE_OUTSIDE]
    assert share.did is None
    assert share.controls_before is None
    assert share.before_after.value == pytest.approx(-0.2)
    assert {p.group for p in result.weekly} == {"pilot"}


def _noisy_table(seed: int) -> DayTable:
    rng = np.random.default_rng(seed)

    def team(share_before: float, share_during: float, size: int) -> np.ndarray:
        rows = []
        for i in range(28):
            offered = rng.poisson(size)
            share = share_before if i < 14 else share_during
            outside = rng.binomial(offered, share)
            inside = offered - outside
            answered = rng.binomial(inside, 0.7)
            rows.append(
                _day(offered, outside, answered, answered // 2, inside - answered, 0, offered, 1)
            )
        return np.array(rows)

    flags = np.ones(28, dtype=bool)
    return DayTable(
        FIRST,
        LAST,
        {"pilot": team(0.4, 0.25, 60), "control": team(0.2, 0.2, 120)},
        {"pilot": flags, "control": flags},
    )


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    table = _noisy_table(7)
    days = replace(SETTINGS, bootstrap_block_days=1)  # 14 blocks per period
    first, _ = _effects(table, settings=days)
    again, _ = _effects(table, settings=days)
    assert first == again
    other, _ = _effects(table, settings=replace(days, bootstrap_seed=1))
    share = first[MetricKey.SHARE_OUTSIDE].did
    assert share.low < share.value < share.high
    assert other[MetricKey.SHARE_OUTSIDE].did.value == share.value
    assert other[MetricKey.SHARE_OUTSIDE].did.low != share.low


def test_weekly_series_has_every_week_group_and_metric() -> None:
    _, result = _effects(_table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, CONTROL_DURING))
    weeks = sorted({p.week_start for p in result.weekly})
    assert weeks == [FIRST + timedelta(weeks=i) for i in range(4)]
    assert len(result.weekly) == 4 * 2 * 6
    shares = {
        (p.week_start, p.group): p.value
        for p in result.weekly
        if p.metric == MetricKey.SHARE_OUTSIDE
    }
    assert shares[(FIRST, "pilot")] == pytest.approx(0.4)
    assert shares[(START, "pilot")] == pytest.approx(0.2)
    assert shares[(START, "controls")] == pytest.approx(0.2)


def test_expanded_percentile_tails() -> None:
    # n blocks: z' = √(n/(n−1)) · t(0.975; n−1). n = 7: t = 2.4469, z' = 2.6430, tail 0.00411.
    assert expanded_tail(7) == pytest.approx(0.00411, abs=2e-5)
    # Many blocks: back to the plain 2.5 % tails.
    assert expanded_tail(2000) == pytest.approx(0.025, abs=2e-4)
    assert expanded_tail(1) == pytest.approx(0.025)


def test_one_block_per_period_gives_no_interval() -> None:
    effects, _ = _effects(_noisy_table(3), settings=DEFAULTS)  # 14-day blocks: one each
    share = effects[MetricKey.SHARE_OUTSIDE]
    assert share.pilot_before is not None
    assert share.did is None
    assert share.before_after is None


def test_periods_outside_the_table_are_refused() -> None:
    table = _table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, CONTROL_DURING)
    with pytest.raises(ValueError, match="day table"):
        compare(table, "pilot", ("control",), FIRST - timedelta(days=1), START, LAST, SETTINGS)
