"""Pilot team before vs during, and difference-in-differences against control teams.

Every key metric is a ratio of sums over *regular days* (Monday–Friday, no public holiday,
no closure day of the team): numerator and denominator are summed over the days of a
period and divided once, so busy days weigh more than quiet ones. The control teams are
pooled (their counts are added). The estimate for a metric is

    DiD = (pilot during − pilot before) − (controls during − controls before)

and its 95 % interval comes from a day-block bootstrap: the days of each period are cut
into blocks of `bootstrap_block_days` consecutive days (14: pairs of calendar weeks when the
period starts on a Monday), blocks are drawn with replacement within each period — the same
blocks for pilot and controls, so a day's common shocks stay paired — and the estimate is
recomputed; percentiles of the recomputed estimates are the interval.
With few blocks (13 weeks are 7 blocks) a plain percentile interval is too narrow, so the
expanded percentile interval is used (see `expanded_tail`).
All samples are drawn at once with numpy from a fixed seed: the same data give the same
interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from callcenter.domain.schedule import Office
from callcenter.evaluation.days import days as day_range
from callcenter.evaluation.days import monday_of, regular_day
from callcenter.evaluation.inputs import Aggregates, EvaluationSettings
from callcenter.evaluation.model import Estimate, MetricEffect, MetricKey, WeeklyPoint

# Columns of a day table.
OFFERED, INSIDE, OUTSIDE, ANSWERED, WITHIN, ABANDONED, SHORT, CALLER_CALLS, CONTACTS = range(9)
FIELDS = 9
METRICS: tuple[MetricKey, ...] = (
    MetricKey.SHARE_OUTSIDE,
    MetricKey.ANSWER_RATE_INSIDE,
    MetricKey.SERVICE_LEVEL,
    MetricKey.ABANDONMENT_RATE,
    MetricKey.CALLS_PER_CALLER_7D,
    MetricKey.CALLS_PER_DAY,
)
# Fewer valid bootstrap samples than this share, and no interval is given.
MIN_VALID_SHARE = 0.95

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class DayTable:
    """Per team: counts per office-local day (rows) and whether the day is regular."""

    first: date
    last: date
    values: dict[str, Floats]  # team -> (days, FIELDS)
    regular: dict[str, NDArray[np.bool_]]  # team -> (days,)

    def index(self, day: date) -> int:
        return (day - self.first).days

    @property
    def size(self) -> int:
        return (self.last - self.first).days + 1


def day_table(
    aggregates: Aggregates, office: Office, teams: Sequence[str], first: date, last: date
) -> DayTable:
    """The day table of `teams` over [first, last] from the aggregates."""
    size = (last - first).days + 1
    values = {team: np.zeros((size, FIELDS)) for team in teams}
    for c in aggregates.cells:
        table = values.get(c.team)
        if table is None or not first <= c.day <= last:
            continue
        row = table[(c.day - first).days]
        row[OFFERED] += c.offered
        row[INSIDE] += c.inside
        row[OUTSIDE] += c.outside
        row[ANSWERED] += c.answered_inside
        row[WITHIN] += c.answered_within_target
        row[ABANDONED] += c.abandoned_inside
        row[SHORT] += c.short_abandons_inside
    for d in aggregates.caller_days:
        table = values.get(d.team)
        if table is None or not first <= d.day <= last:
            continue
        table[(d.day - first).days, CALLER_CALLS] += d.calls
        table[(d.day - first).days, CONTACTS] += d.contacts
    closed = frozenset(aggregates.closure_days)
    regular = {
        team: np.array([regular_day(office, team, day, closed) for day in day_range(first, last)])
        for team in teams
    }
    return DayTable(first, last, values, regular)


def metric_parts(
    values: Floats, regular: NDArray[np.bool_], settings: EvaluationSettings
) -> tuple[Floats, Floats]:
    """Numerators and denominators (len(METRICS), days) of one team; 0 on other days."""
    v = values
    short = v[:, SHORT] if settings.exclude_short_abandons else np.zeros(len(v))
    numerators = np.stack(
        [
            v[:, OUTSIDE],
            v[:, ANSWERED],
            v[:, WITHIN],
            v[:, ABANDONED] - short,
            v[:, CALLER_CALLS],
            v[:, OFFERED],
        ]
    )
    denominators = np.stack(
        [
            v[:, OFFERED],
            v[:, INSIDE],
            v[:, INSIDE] - short,
            v[:, INSIDE] - short,
            v[:, CONTACTS],
            np.ones(len(v)),
        ]
    )
    mask = regular.astype(np.float64)
    return numerators * mask, denominators * mask


def group_parts(
    table: DayTable, pilot: str, controls: Sequence[str], settings: EvaluationSettings
) -> tuple[Floats, Floats]:
    """(2 groups, metrics, days) numerators and denominators: pilot, pooled controls."""
    num_p, den_p = metric_parts(table.values[pilot], table.regular[pilot], settings)
    num_c = np.zeros_like(num_p)
    den_c = np.zeros_like(den_p)
    for team in controls:
        n, d = metric_parts(table.values[team], table.regular[team], settings)
        num_c += n
        den_c += d
    return np.stack([num_p, num_c]), np.stack([den_p, den_c])


def _ratios(numerators: Floats, denominators: Floats) -> Floats:
    safe = np.where(denominators > 0, denominators, 1.0)
    ratios: Floats = np.where(denominators > 0, numerators / safe, np.nan)
    return ratios


def _block_sums(parts: Floats, start: int, stop: int, block_days: int) -> Floats:
    """Sums over blocks of `block_days` consecutive days of [start, stop): (..., blocks)."""
    days = parts[..., start:stop]
    count = math.ceil(days.shape[-1] / block_days)
    padded = np.zeros((*days.shape[:-1], count * block_days))
    padded[..., : days.shape[-1]] = days
    sums: Floats = padded.reshape(*days.shape[:-1], count, block_days).sum(axis=-1)
    return sums


@dataclass(frozen=True)
class PilotComparison:
    """The numbers of one pilot evaluation (before the summary text is written)."""

    effects: tuple[MetricEffect, ...]
    weekly: tuple[WeeklyPoint, ...]
    samples: int


def compare(
    table: DayTable,
    pilot: str,
    controls: Sequence[str],
    before_start: date,
    start: date,
    end: date,
    settings: EvaluationSettings,
) -> PilotComparison:
    """Before/during and difference-in-differences for every key metric, with intervals."""
    if not table.first <= before_start < start <= end <= table.last:
        raise ValueError(
            f"periods {before_start}..{start}..{end} do not lie inside the day table "
            f"{table.first}..{table.last}"
        )
    num, den = group_parts(table, pilot, controls, settings)
    b0, s0, e1 = table.index(before_start), table.index(start), table.index(end) + 1
    before = (num[..., b0:s0].sum(-1), den[..., b0:s0].sum(-1))
    during = (num[..., s0:e1].sum(-1), den[..., s0:e1].sum(-1))
    r_before = _ratios(*before)  # (2, M)
    r_during = _ratios(*during)
    samples = _bootstrap(num, den, (b0, s0), (s0, e1), bool(controls), settings)
    effects = []
    for m, metric in enumerate(METRICS):
        pb, pd_, cb, cd = r_before[0, m], r_during[0, m], r_before[1, m], r_during[1, m]
        before_after = _estimate(pd_ - pb, samples[0][m], samples[2])
        did = _estimate((pd_ - pb) - (cd - cb), samples[1][m], samples[2]) if controls else None
        effects.append(
            MetricEffect(
                metric=metric,
                pilot_before=_value(pb),
                pilot_during=_value(pd_),
                controls_before=_value(cb) if controls else None,
                controls_during=_value(cd) if controls else None,
                before_after=before_after,
                did=did,
            )
        )
    weekly = _weekly(table, num, den, before_start, end, bool(controls))
    return PilotComparison(tuple(effects), weekly, settings.bootstrap_samples)


def _value(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _bootstrap(
    num: Floats,
    den: Floats,
    before: tuple[int, int],
    during: tuple[int, int],
    with_controls: bool,
    settings: EvaluationSettings,
) -> tuple[Floats, Floats, float | None]:
    """Bootstrap replicates (M, B) of before→during (pilot) and of the DiD, and the
    tail share per side of the expanded percentile interval (None: a period has fewer
    than two blocks)."""
    block = settings.bootstrap_block_days
    rng = np.random.default_rng(settings.bootstrap_seed)
    replicates = settings.bootstrap_samples
    period_ratios = []
    blocks_per_period = []
    for first, stop in (before, during):
        nb = _block_sums(num, first, stop, block)  # (2, M, blocks)
        db = _block_sums(den, first, stop, block)
        blocks = nb.shape[-1]
        picks = rng.integers(0, blocks, size=(replicates, blocks))
        period_ratios.append(_ratios(nb[..., picks].sum(-1), db[..., picks].sum(-1)))  # (2,M,B)
        blocks_per_period.append(blocks)
    rb, rd = period_ratios
    pilot_change = rd[0] - rb[0]
    did = pilot_change - (rd[1] - rb[1]) if with_controls else np.full_like(pilot_change, np.nan)
    fewest = min(blocks_per_period)
    return pilot_change, did, expanded_tail(fewest) if fewest >= 2 else None


def expanded_tail(blocks: int, level: float = 0.95) -> float:
    """Tail share per side of Hesterberg's expanded percentile interval.

    A percentile interval from n resampled blocks is about as narrow as a normal interval
    with the variance divided by n instead of n − 1, and it ignores that the variance is
    itself estimated. The expanded interval uses the percentiles α'/2 and 1 − α'/2 with
    Φ⁻¹(1 − α'/2) = √(n/(n−1)) · t(1 − α/2; n − 1) (Hesterberg 2015, "What teachers should
    know about the bootstrap", The American Statistician 69(4)).
    """
    alpha = 1.0 - level
    if blocks < 2:
        return alpha / 2
    z = _student_t_quantile(1.0 - alpha / 2, blocks - 1) * math.sqrt(blocks / (blocks - 1))
    return 1.0 - NormalDist().cdf(z)


def _student_t_quantile(p: float, df: int) -> float:
    """Student t quantile by the Cornish–Fisher expansion (error < 1e-3 for df >= 3)."""
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _estimate(point: float, replicates: Floats, tail: float | None) -> Estimate | None:
    """The estimate with its interval; None without a value or without two blocks per
    period (no spread to learn the uncertainty from)."""
    if math.isnan(point) or tail is None:
        return None
    valid = replicates[~np.isnan(replicates)]
    if valid.size < MIN_VALID_SHARE * replicates.size:
        return None
    low, high = np.quantile(valid, [tail, 1.0 - tail])
    return Estimate(value=float(point), low=float(low), high=float(high))


def _weekly(
    table: DayTable,
    num: Floats,
    den: Floats,
    first: date,
    last: date,
    with_controls: bool,
) -> tuple[WeeklyPoint, ...]:
    points = []
    week = monday_of(first)
    groups = ("pilot", "controls") if with_controls else ("pilot",)
    while week <= last:
        a = table.index(max(week, first))
        b = table.index(min(week + timedelta(days=6), last)) + 1
        ratios = _ratios(num[..., a:b].sum(-1), den[..., a:b].sum(-1))
        for g, group in enumerate(groups):
            for m, metric in enumerate(METRICS):
                points.append(WeeklyPoint(week, group, metric, _value(ratios[g, m])))
        week += timedelta(days=7)
    return tuple(points)
