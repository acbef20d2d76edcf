"""Pilot team before vs during, and difference-in-differences against control teams.

Every key metric is a ratio of sums over *regular days* (Monday–Friday, no public holiday,
no closure day of the team): numerator and denominator are summed over the days of a
period and divided once, so busy days weigh more than quiet ones. The control teams are
pooled (their counts are added). The estimate for a rate is

    DiD = (pilot during − pilot before) − (controls during − controls before)

and for a volume (calls, new contacts per working day) the same on the log scale, shown as
a relative change exp(DiD) − 1, so teams of any size compare.

The 95 % interval is a week-clustered t-interval. Calendar weeks (Monday–Sunday) inside a
period are the clusters: within a week, days share staff, repeat callers and shocks; across
weeks they are taken as independent apart from neighbouring weeks. Each ratio R = ΣN ÷ ΣD
is linearised — week k adds z_k = (N_k − R·D_k) ÷ ΣD (÷ R for a log) — and pilot minus
pooled controls of the same week gives one value u_k per week, so a day's common shocks
cancel. With K_b and K_d weeks with data before and during, the variance is V = V_b + V_d,
V_p = K_p/(K_p − 1) · (Σ u_k² + max(0, 2 Σ u_k·u_(k+1))) — the second term for shocks that
run over a weekend into the next week — and the interval is DiD ± t(0.975; ν) · √V with ν
the Welch–Satterthwaite degrees of freedom of the two periods. Small-sample t quantiles,
not normal ones, keep the promised 95 % with four weeks (the validity suite,
tests/unit/evaluation/test_evaluation_validity.py, measures it). Below `MIN_WEEKS` full
weeks per period no verdict is given ("zu früh").
Limit: a shock lasting several weeks (a long staff absence) is not independent across
weeks and is taken for an effect.
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
from callcenter.evaluation.days import monday_of, regular_days
from callcenter.evaluation.inputs import Aggregates, Columns, EvaluationSettings
from callcenter.evaluation.kpi import Counts, kpi_parts
from callcenter.evaluation.model import Estimate, MetricEffect, MetricKey, WeeklyPoint

# Columns of a day table.
OFFERED, INSIDE, OUTSIDE, ANSWERED, WITHIN, ABANDONED, SHORT, CALLER_CALLS, CONTACTS = range(9)
FIELDS = 9
# Where the hour cells' and the caller days' counts go in a day table.
CELL_COUNTS = {
    OFFERED: "offered",
    INSIDE: "inside",
    OUTSIDE: "outside",
    ANSWERED: "answered_inside",
    WITHIN: "answered_within_target",
    ABANDONED: "abandoned_inside",
    SHORT: "short_abandons_inside",
}
CALLER_COUNTS = {CALLER_CALLS: "calls", CONTACTS: "contacts"}
METRICS: tuple[MetricKey, ...] = (
    MetricKey.SHARE_OUTSIDE,
    MetricKey.ANSWER_RATE_INSIDE,
    MetricKey.SERVICE_LEVEL,
    MetricKey.ABANDONMENT_RATE,
    MetricKey.CALLS_PER_CALLER_7D,
    MetricKey.CALLS_PER_DAY,
    MetricKey.CONTACTS_PER_DAY,
)
SERVICE_LEVEL_INDEX = METRICS.index(MetricKey.SERVICE_LEVEL)
# Volumes: compared as relative changes (log-ratios), so teams of any size compare.
RELATIVE: frozenset[MetricKey] = frozenset({MetricKey.CALLS_PER_DAY, MetricKey.CONTACTS_PER_DAY})
# Full weeks each period needs before a verdict is given: the shortest length the validity
# suite asserts (coverage ≥ 93 %, false "clear" ≤ 7 %). Shorter pilots are covered in the
# simulation too (2 + 2 weeks: ≥ 95 %), but only because the intervals are then so wide that
# a planted effect is found in 6–30 % of runs, and the week-to-week variance rests on two
# or three numbers that one unusual week dominates: no verdict, "zu früh".
MIN_WEEKS = 4
LEVEL = 0.95

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


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


class RegularDays:
    """Which days are regular (`days.regular_day`), per team over [first, last], for one
    office and its closure days; each team and span computed once. A state's 30 pilots
    each compare against the same 90 control teams over the same days."""

    def __init__(self, office: Office, closed: frozenset[tuple[str, date]]) -> None:
        self._office = office
        self._closed = closed
        self._known: dict[tuple[str, date, date], Bools] = {}

    def of(self, team: str, first: date, last: date) -> Bools:
        """Read-only: the same array answers every later question about the same days."""
        key = (team, first, last)
        found = self._known.get(key)
        if found is None:
            found = np.array(regular_days(self._office, team, first, last, self._closed))
            found.flags.writeable = False
            self._known[key] = found
        return found


def day_table(
    aggregates: Aggregates,
    office: Office,
    teams: Sequence[str],
    first: date,
    last: date,
    *,
    regular: RegularDays | None = None,
) -> DayTable:
    """The day table of `teams` over [first, last] from the aggregates. `regular`: the
    office's regular days as known so far (several tables over the same days share it)."""
    size = (last - first).days + 1
    values = {team: np.zeros((size, FIELDS)) for team in teams}
    cell_names, caller_names = tuple(CELL_COUNTS.values()), tuple(CALLER_COUNTS.values())
    for team, table in values.items():
        _add_by_day(table, aggregates.cell_columns(team, cell_names), CELL_COUNTS, first, last)
        _add_by_day(
            table, aggregates.caller_day_columns(team, caller_names), CALLER_COUNTS, first, last
        )
    known = regular or RegularDays(office, frozenset(aggregates.closure_days))
    return DayTable(first, last, values, {team: known.of(team, first, last) for team in teams})


def _add_by_day(
    table: Floats, columns: Columns, targets: dict[int, str], first: date, last: date
) -> None:
    """Add each row's counts into the table row of its day (days outside [first, last] are
    left out). The counts are whole numbers: their float sums are exact in any order."""
    days, counts = columns
    start = first.toordinal()
    keep = (days >= start) & (days <= last.toordinal())
    rows = days[keep] - start
    # One bincount over (day, column) cells of the table, not np.add.at: the same sums,
    # several times faster (a state's 30 pilots × 91 teams).
    cells = rows[:, None] * table.shape[1] + np.array(tuple(targets))[None, :]
    sums = np.bincount(cells.ravel(), weights=counts[keep].ravel(), minlength=table.size)
    table += sums.reshape(table.shape)


def metric_parts(
    values: Floats, regular: NDArray[np.bool_], settings: EvaluationSettings
) -> tuple[Floats, Floats]:
    """Numerators and denominators (..., len(METRICS), days) of day counts (..., days,
    FIELDS); 0 on days that are not regular. Leading axes (seeds in the validity suite)
    pass through."""
    v = values
    parts = kpi_parts(
        Counts(
            offered=v[..., OFFERED],
            inside=v[..., INSIDE],
            outside=v[..., OUTSIDE],
            answered=v[..., ANSWERED],
            within=v[..., WITHIN],
            abandoned=v[..., ABANDONED],
            short=v[..., SHORT],
            caller_calls=v[..., CALLER_CALLS],
            contacts=v[..., CONTACTS],
            days=np.ones(v.shape[:-1]),
        ),
        settings,
    )
    numerators = np.stack([parts[m][0] for m in METRICS], axis=-2)
    denominators = np.stack([parts[m][1] for m in METRICS], axis=-2)
    mask = np.expand_dims(regular.astype(np.float64), -2)
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


def full_weeks(before_start: date, start: date, end: date) -> tuple[int, int]:
    """Whole weeks (7 days) of the period before and of the pilot."""
    return (start - before_start).days // 7, ((end - start).days + 1) // 7


def weeks_missing(before_start: date, start: date, end: date) -> int:
    """How many more weeks the pilot must run before a verdict (0: enough)."""
    before, during = full_weeks(before_start, start, end)
    return max(MIN_WEEKS - min(before, during), 0)


def week_matrix(first: date, start: int, stop: int) -> Floats:
    """(days, weeks) 0/1: which calendar week (Monday–Sunday) each day of the day-table
    slice [start, stop) belongs to; the table begins on `first`."""
    offset = first.weekday() + start
    week = (np.arange(stop - start) + offset) // 7
    week -= week[0] if len(week) else 0
    matrix = np.zeros((stop - start, int(week[-1]) + 1 if len(week) else 0))
    matrix[np.arange(stop - start), week] = 1.0
    return matrix


@dataclass(frozen=True)
class Intervals:
    """Estimates (...) with their 95 % interval, on the metric's reporting scale; `valid`
    is False where no interval can be given (fewer than two weeks with data)."""

    value: Floats
    low: Floats
    high: Floats
    valid: Bools


def _period(num: Floats, den: Floats, weeks: Floats, log: Bools) -> tuple[Floats, Floats, Bools]:
    """Ratios (..., G, M), linearised week contributions (..., G, M, K), weeks with data."""
    n_k = num @ weeks
    d_k = den @ weeks
    n = n_k.sum(-1)
    d = d_k.sum(-1)
    ratio = _ratios(n, d)
    safe_d = np.where(d > 0, d, 1.0)[..., None]
    z = (n_k - np.nan_to_num(ratio)[..., None] * d_k) / safe_d
    safe_r = np.where((ratio > 0) & ~np.isnan(ratio), ratio, 1.0)[..., None]
    z = np.where(log[:, None], z / safe_r, z)
    return ratio, z, d_k > 0


def t_quantile(p: float, df: Floats) -> Floats:
    """Student t quantile for (fractional) degrees of freedom ν ≥ 1, to ~1e-9.

    Newton's method on the distribution function, which is integrated by 64-point
    Gauss–Legendre (the density is smooth on [0, x]); started from the Cornish–Fisher
    series (ν ≥ 3) or a value below the root (ν < 3). numpy only: scipy is not a
    dependency.
    """
    z = NormalDist().inv_cdf(p)
    nu = np.maximum(np.asarray(df, dtype=np.float64), 1.0)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    safe = np.maximum(nu, 3.0)
    series = z + g1 / safe + g2 / safe**2 + g3 / safe**3 + g4 / safe**4
    two = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    # Starts below the root, where Newton on the concave distribution function climbs
    # monotonically (from above it can overshoot past 0).
    x = np.where(nu >= 3, series, np.where(nu >= 2, z, two))
    lgamma = np.frompyfunc(math.lgamma, 1, 1)
    log_norm = (
        np.asarray(lgamma((nu + 1) / 2), dtype=np.float64)
        - np.asarray(lgamma(nu / 2), dtype=np.float64)
        - 0.5 * np.log(nu * math.pi)
    )
    nodes, weights = np.polynomial.legendre.leggauss(64)

    def density(t: Floats, n: Floats, c: Floats) -> Floats:
        dens: Floats = np.exp(c - (n + 1) / 2 * np.log1p(t * t / n))
        return dens

    for _ in range(100):
        points = x[..., None] * (nodes + 1) / 2
        inner = density(points, nu[..., None], log_norm[..., None])
        cdf = 0.5 + x / 2 * (inner * weights).sum(-1)
        step = (cdf - p) / density(x, nu, log_norm)
        x = x - step
        if float(np.max(np.abs(step), initial=0.0)) < 1e-10:
            break
    result: Floats = x
    return result


def _long_run(u: Floats) -> Floats:
    """Σ u_k² plus twice the covariance of neighbouring weeks when it is positive: shocks
    that last a few days reach across the weekend into the next week (the validity suite
    loses 1–3 points of coverage at 13 weeks without this term); a negative estimate is
    noise and is not allowed to narrow the interval."""
    square: Floats = (u**2).sum(-1)
    neighbours = (u[..., 1:] * u[..., :-1]).sum(-1)
    result: Floats = square + np.maximum(2 * neighbours, 0.0)
    return result


def _interval(
    point: Floats, u_before: Floats, u_during: Floats, k_before: Floats, k_during: Floats
) -> tuple[Floats, Floats, Bools]:
    """Half-width of the Welch-type t-interval from week contributions (..., K)."""
    kb = np.maximum(k_before, 2.0)
    kd = np.maximum(k_during, 2.0)
    vb = kb / (kb - 1) * _long_run(u_before)
    vd = kd / (kd - 1) * _long_run(u_during)
    total = vb + vd
    spread = vb**2 / (kb - 1) + vd**2 / (kd - 1)
    df = np.where(spread > 0, total**2 / np.where(spread > 0, spread, 1.0), kb + kd - 2)
    half = t_quantile(1 - (1 - LEVEL) / 2, df) * np.sqrt(total)
    valid = (k_before >= 2) & (k_during >= 2) & ~np.isnan(point)
    return point - half, point + half, valid


def _scaled(point: Floats, low: Floats, high: Floats, valid: Bools, log: Bools) -> Intervals:
    def show(x: Floats) -> Floats:
        shown: Floats = np.where(log, np.expm1(x), x)
        return shown

    return Intervals(show(point), show(low), show(high), valid)


def clustered_effects(
    num: Floats,
    den: Floats,
    weeks_before: Floats,
    weeks_during: Floats,
    with_controls: bool,
    metrics: Sequence[MetricKey] = METRICS,
) -> tuple[Intervals, Intervals, Floats, Floats]:
    """Before→during of the pilot and the DiD, each with its week-clustered t-interval.

    num, den: (..., 2 groups, M, days) over the before days followed by the during days;
    weeks_before (days_b, K_b) and weeks_during (days_d, K_d) place those days in weeks.
    Returns (pilot change, DiD, ratios before, ratios during) — ratios (..., 2, M)."""
    log = np.array([m in RELATIVE for m in metrics])
    split = weeks_before.shape[0]
    rb, zb, hb = _period(num[..., :split], den[..., :split], weeks_before, log)
    rd, zd, hd = _period(num[..., split:], den[..., split:], weeks_during, log)

    def scale(r: Floats) -> Floats:
        positive = np.where(r > 0, r, np.nan)
        scaled: Floats = np.where(log, np.log(positive), r)
        return scaled

    change = scale(rd) - scale(rb)  # (..., 2, M)
    pilot_point = change[..., 0, :]
    lo, hi, ok = _interval(
        pilot_point,
        zb[..., 0, :, :],
        zd[..., 0, :, :],
        hb[..., 0, :, :].sum(-1),
        hd[..., 0, :, :].sum(-1),
    )
    pilot = _scaled(pilot_point, lo, hi, ok, log)
    if with_controls:
        did_point = change[..., 0, :] - change[..., 1, :]
        both_b = hb[..., 0, :, :] & hb[..., 1, :, :]
        both_d = hd[..., 0, :, :] & hd[..., 1, :, :]
        lo, hi, ok = _interval(
            did_point,
            zb[..., 0, :, :] - zb[..., 1, :, :],
            zd[..., 0, :, :] - zd[..., 1, :, :],
            both_b.sum(-1),
            both_d.sum(-1),
        )
        did = _scaled(did_point, lo, hi, ok, log)
    else:
        nan = np.full_like(pilot_point, np.nan)
        did = Intervals(nan, nan, nan, np.zeros(nan.shape, dtype=bool))
    return pilot, did, rb, rd


@dataclass(frozen=True)
class PilotComparison:
    """The numbers of one pilot evaluation (before the summary text is written)."""

    effects: tuple[MetricEffect, ...]
    weekly: tuple[WeeklyPoint, ...]
    weeks_before: int
    weeks_during: int
    weeks_missing: int  # 0: long enough for a verdict


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
    pilot_change, did, rb, rd = clustered_effects(
        num[..., b0:e1],
        den[..., b0:e1],
        week_matrix(table.first, b0, s0),
        week_matrix(table.first, s0, e1),
        bool(controls),
    )
    effects = []
    for m, metric in enumerate(METRICS):
        effects.append(
            MetricEffect(
                metric=metric,
                pilot_before=_value(rb[0, m]),
                pilot_during=_value(rd[0, m]),
                controls_before=_value(rb[1, m]) if controls else None,
                controls_during=_value(rd[1, m]) if controls else None,
                before_after=_estimate(pilot_change, m),
                did=_estimate(did, m) if controls else None,
                relative=metric in RELATIVE,
            )
        )
    weekly = _weekly(table, num, den, before_start, end, bool(controls))
    weeks_b, weeks_d = full_weeks(before_start, start, end)
    return PilotComparison(
        tuple(effects), weekly, weeks_b, weeks_d, weeks_missing(before_start, start, end)
    )


def _value(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _estimate(intervals: Intervals, m: int) -> Estimate | None:
    """The estimate with its interval; None without a value or without two weeks with
    data per period (no spread to learn the uncertainty from)."""
    if not bool(intervals.valid[m]):
        return None
    return Estimate(
        value=float(intervals.value[m]),
        low=float(intervals.low[m]),
        high=float(intervals.high[m]),
    )


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


def level_interval(num: Floats, den: Floats, weeks: Floats) -> Estimate | None:
    """One team's ratio ΣN ÷ ΣD over a period (days,) with its week-clustered 95 %
    t-interval (K − 1 degrees of freedom); None with fewer than two weeks with data."""
    n_k = num @ weeks
    d_k = den @ weeks
    total = d_k.sum()
    present = int((d_k > 0).sum())
    if total <= 0 or present < 2:
        return None
    ratio = float(n_k.sum() / total)
    z = (n_k - ratio * d_k) / total
    half = float(t_quantile(1 - (1 - LEVEL) / 2, np.array(present - 1.0)))
    half *= math.sqrt(present / (present - 1) * float((z**2).sum()))
    return Estimate(ratio, ratio - half, ratio + half)
