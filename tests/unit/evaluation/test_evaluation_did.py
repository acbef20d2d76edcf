"""Before/during and difference-in-differences on small day tables worked out by hand."""

from __future__ import annotations

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
    METRICS,
    OFFERED,
    OUTSIDE,
    SHORT,
    WITHIN,
    DayTable,
    compare,
    t_quantile,
    week_matrix,
    weeks_missing,
)
from callcenter.evaluation.model import MetricKey

FIRST = date(2026, 8, 3)  # a Monday
START = FIRST + timedelta(days=14)
LAST = FIRST + timedelta(days=27)
SETTINGS = DEFAULTS


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
    # Every week is the same, so there is no week-to-week spread: the interval is the point.
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
    # Calls per working day: 10 -> 10, controls 20 -> 20: relative change 0.
    assert effects[MetricKey.CALLS_PER_DAY].did.value == pytest.approx(0.0)
    assert effects[MetricKey.CALLS_PER_DAY].relative
    assert not effects[MetricKey.CALLS_PER_DAY].did.significant


def test_volumes_change_relatively_so_team_size_does_not_matter() -> None:
    # Pilot 10 -> 8 calls a day (−20 %), controls 20 -> 20: DiD −20 %, whatever the size.
    small = _effects(
        _table(PILOT_BEFORE, _day(8, 2, 6, 4, 1, 0, 8, 8), CONTROL_BEFORE, CONTROL_DURING)
    )[0]
    big = _effects(
        _table(
            PILOT_BEFORE * 10, _day(80, 20, 60, 40, 10, 0, 80, 80), CONTROL_BEFORE, CONTROL_DURING
        )
    )[0]
    assert small[MetricKey.CALLS_PER_DAY].did.value == pytest.approx(-0.2)
    assert big[MetricKey.CALLS_PER_DAY].did.value == pytest.approx(-0.2)
    # New contacts 5 -> 8 a day (+60 %), controls 10 -> 10.
    assert small[MetricKey.CONTACTS_PER_DAY].did.value == pytest.approx(0.6)


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


def test_interval_is_deterministic_and_brackets_the_estimate() -> None:
    table = _noisy_table(7)
    first, _ = _effects(table)
    again, _ = _effects(table)
    assert first == again
    share = first[MetricKey.SHARE_OUTSIDE].did
    assert share.low < share.value < share.high


def test_interval_by_hand_for_two_weeks_each() -> None:
    # Calls per working day of the pilot alone: weeks of 50 and 70 calls before (5 days
    # each), 60 and 100 during. Log-ratio log(16 / 12); week terms z_k = N_k/ΣN − D_k/ΣD:
    # before ±1/12, during ±1/8; V = 2·2·(1/12)² + 2·2·(1/8)², ν by Welch.
    days = np.zeros((28, FIELDS))
    for week, calls in enumerate((50, 70, 60, 100)):
        days[week * 7 : week * 7 + 5, OFFERED] = calls / 5
    weekend = np.array([(FIRST + timedelta(days=i)).weekday() < 5 for i in range(28)])
    table = DayTable(FIRST, LAST, {"pilot": days}, {"pilot": weekend})
    effect = {
        e.metric: e for e in compare(table, "pilot", (), FIRST, START, LAST, SETTINGS).effects
    }
    change = effect[MetricKey.CALLS_PER_DAY].before_after
    point = np.log(16 / 12)
    vb, vd = 4 * (1 / 12) ** 2, 4 * (1 / 8) ** 2
    nu = (vb + vd) ** 2 / (vb**2 + vd**2)
    half = float(t_quantile(0.975, np.array(nu))) * np.sqrt(vb + vd)
    assert change.value == pytest.approx(np.expm1(point))
    assert change.low == pytest.approx(np.expm1(point - half))
    assert change.high == pytest.approx(np.expm1(point + half))


def test_weekly_series_has_every_week_group_and_metric() -> None:
    _, result = _effects(_table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, CONTROL_DURING))
    weeks = sorted({p.week_start for p in result.weekly})
    assert weeks == [FIRST + timedelta(weeks=i) for i in range(4)]
    assert len(result.weekly) == 4 * 2 * len(METRICS)
    shares = {
        (p.week_start, p.group): p.value
        for p in result.weekly
        if p.metric == MetricKey.SHARE_OUTSIDE
    }
    assert shares[(FIRST, "pilot")] == pytest.approx(0.4)
    assert shares[(START, "pilot")] == pytest.approx(0.2)
    assert shares[(START, "controls")] == pytest.approx(0.2)


def test_t_quantiles() -> None:
    # Tables: t(0.975; 3) = 3.1824, t(0.975; 6) = 2.4469, t(0.975; 1) = 12.706, ν = 2: 4.3027.
    values = t_quantile(0.975, np.array([3.0, 6.0, 1.0, 2.0, 1e6]))
    assert values == pytest.approx([3.1824, 2.4469, 12.706, 4.3027, 1.95996], abs=2e-3)


def test_one_week_per_period_gives_no_interval() -> None:
    table = _noisy_table(3)
    start = FIRST + timedelta(days=7)
    result = compare(
        table, "pilot", ("control",), FIRST, start, start + timedelta(days=6), SETTINGS
    )
    share = next(e for e in result.effects if e.metric == MetricKey.SHARE_OUTSIDE)
    assert share.pilot_before is not None
    assert share.did is None
    assert share.before_after is None
    assert result.weeks_missing == 3


def test_weeks_follow_the_calendar_and_count_towards_a_verdict() -> None:
    # A table starting on a Wednesday: days 0–4 are the first (partial) week.
    matrix = week_matrix(FIRST + timedelta(days=2), 0, 10)
    assert matrix.shape == (10, 2)
    assert matrix[:5, 0].all()
    assert matrix[5:, 1].all()
    assert (
        weeks_missing(FIRST, FIRST + timedelta(weeks=4), FIRST + timedelta(weeks=8, days=-1)) == 0
    )
    assert (
        weeks_missing(FIRST, FIRST + timedelta(weeks=2), FIRST + timedelta(weeks=4, days=-1)) == 2
    )


def test_periods_outside_the_table_are_refused() -> None:
    table = _table(PILOT_BEFORE, PILOT_DURING, CONTROL_BEFORE, CONTROL_DURING)
    with pytest.raises(ValueError, match="day table"):
        compare(table, "pilot", ("control",), FIRST - timedelta(days=1), START, LAST, SETTINGS)
