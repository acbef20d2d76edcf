"""Do the pilot intervals keep their promise? Simulated pilots, many seeds at once.

Each scenario simulates day counts of a pilot team (154 calls a working day) and one or
three control teams (83 each) over `before` + `during` weeks, for thousands of seeds at
once (numpy arrays seeds × teams × days), then runs the evaluation's own estimator
(`did.metric_parts`, `did.clustered_effects`) on every seed. What makes it hard:

* a weekday pattern (Monday busiest) and no calls at weekends;
* a holiday week during the pilot (Thursday and Friday off for everybody);
* calls correlated within a day: each team-day has its own volume (gamma, CV 18 %) and its
  own answer rate, outside share and waiting (day noise);
* team-level shocks that persist for days (AR(1) over calendar days, φ = 0.7, on volume,
  answer rate and waiting);
* a common change of all teams during the pilot (20 % fewer calls, answer rate −5 points),
  which the controls must take out;
* with the planted effect: outside share −12 points, answer rate +8, within-target share
  +6, calls per contact 1.6 → 1.4, calls −15 %; without: none.

The truth is the estimand itself: the same formulas applied to the exact expected day
counts (`expected_values`), so it is 0 for every metric without an effect. For each
scenario and metric we count how often the 95 % interval covers the truth and how often it
excludes 0 ("clear"). `python -m callcenter.evaluation.validity` prints the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from callcenter.evaluation.did import (
    ABANDONED,
    ANSWERED,
    CALLER_CALLS,
    CONTACTS,
    FIELDS,
    INSIDE,
    METRICS,
    MIN_WEEKS,
    OFFERED,
    OUTSIDE,
    SHORT,
    WITHIN,
    Intervals,
    clustered_effects,
    metric_parts,
    week_matrix,
)
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.model import MetricKey

Floats = NDArray[np.float64]

MONDAY = date(2026, 1, 5)
WEEKDAY_VOLUME = np.array([1.3, 1.05, 1.0, 0.95, 0.8, 0.0, 0.0])
PILOT_CALLS, CONTROL_CALLS = 154.0, 83.0
VOLUME_SHAPE = 30.0  # gamma shape of a team-day's volume: CV 1/√30 ≈ 18 %
PHI = 0.7  # day-to-day persistence of team shocks
SHOCK_SD = {"volume": 0.10, "answer": 0.05, "within": 0.04, "outside": 0.02}
DAY_SD = {"answer": 0.03, "within": 0.03, "outside": 0.02}
BASE = {"outside": 0.35, "answer": 0.70, "within": 0.75, "short": 0.25, "abandon": 0.70}
KNOWN_CALLER = 0.95
REPEATS = 1.6
COMMON = {"volume": 0.8, "answer": -0.05}
EFFECT = {"outside": -0.12, "answer": 0.08, "within": 0.06, "repeats": 1.4, "volume": 0.85}
REQUIRED_COVERAGE = 0.93
MAX_FALSE_CLEAR = 0.07


@dataclass(frozen=True)
class Scenario:
    before: int  # weeks
    during: int
    controls: int
    effect: bool
    persistence: float = PHI  # a limit case uses shocks lasting weeks

    @property
    def name(self) -> str:
        tail = "" if self.persistence == PHI else f", φ={self.persistence}"
        kind = "effect" if self.effect else "no effect"
        return f"{self.before}+{self.during} weeks, {self.controls} ctrl, {kind}{tail}"

    @property
    def verdict_shown(self) -> bool:
        return min(self.before, self.during) >= MIN_WEEKS


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    seeds: int
    truth: dict[MetricKey, float]
    coverage: dict[MetricKey, float]  # share of seeds whose interval covers the truth
    clear: dict[MetricKey, float]  # share of seeds whose interval excludes 0


def standard_scenarios() -> tuple[Scenario, ...]:
    return tuple(
        Scenario(weeks, weeks, controls, effect)
        for weeks in (4, 6, 8, 13)
        for controls in (1, 3)
        for effect in (False, True)
    )


def _regular(days: int, before: int) -> NDArray[np.bool_]:
    weekday = np.arange(days) % 7
    regular = weekday < 5
    holiday_week = before + 1 if days // 7 > before + 1 else before
    regular[holiday_week * 7 + 3 : holiday_week * 7 + 5] = False  # Thursday, Friday
    return regular


def _ar1(rng: np.random.Generator, shape: tuple[int, ...], sd: float, phi: float) -> Floats:
    """Stationary AR(1) along the last axis with marginal standard deviation sd."""
    noise = rng.standard_normal(shape) * sd * np.sqrt(1 - phi**2)
    out = np.empty(shape)
    out[..., 0] = rng.standard_normal(shape[:-1]) * sd
    for day in range(1, shape[-1]):
        out[..., day] = phi * out[..., day - 1] + noise[..., day]
    return out


def _parameters(scenario: Scenario, days: int) -> dict[str, Floats]:
    """Expected (shock-free) per-team, per-day parameters, shape (teams, days)."""
    teams = 1 + scenario.controls
    split = scenario.before * 7
    during = np.arange(days) >= split
    pilot = np.zeros((teams, 1), dtype=bool)
    pilot[0] = True
    effect = (pilot & during) if scenario.effect else np.zeros((teams, days), dtype=bool)
    size = np.where(pilot, PILOT_CALLS, CONTROL_CALLS)
    volume = size * WEEKDAY_VOLUME[np.arange(days) % 7] * np.where(during, COMMON["volume"], 1)
    volume = volume * _regular(days, scenario.before)
    volume = np.where(effect, volume * EFFECT["volume"], volume)
    ones = np.ones((teams, days))
    return {
        "volume": volume,
        "outside": BASE["outside"] + np.where(effect, EFFECT["outside"], 0.0) * ones,
        "answer": BASE["answer"]
        + np.where(during, COMMON["answer"], 0.0)
        + np.where(effect, EFFECT["answer"], 0.0),
        "within": BASE["within"] + np.where(effect, EFFECT["within"], 0.0) * ones,
        "repeats": np.where(effect, EFFECT["repeats"], REPEATS) * ones,
    }


def expected_values(p: dict[str, Floats]) -> Floats:
    """Exact expected day counts (teams, days, FIELDS): shocks are mean-zero and
    independent of each other, so every expected count is a product of expectations."""
    offered = p["volume"]
    outside = offered * p["outside"]
    inside = offered - outside
    answered = inside * p["answer"]
    short = (inside - answered) * BASE["short"]
    values = np.zeros((*offered.shape, FIELDS))
    values[..., OFFERED] = offered
    values[..., OUTSIDE] = outside
    values[..., INSIDE] = inside
    values[..., ANSWERED] = answered
    values[..., WITHIN] = answered * p["within"]
    values[..., SHORT] = short
    values[..., ABANDONED] = short + (inside - answered - short) * BASE["abandon"]
    values[..., CALLER_CALLS] = offered * KNOWN_CALLER
    values[..., CONTACTS] = offered * KNOWN_CALLER / p["repeats"]
    return values


def simulate(scenario: Scenario, seeds: int, rng: np.random.Generator) -> Floats:
    """Day counts (seeds, teams, days, FIELDS)."""
    days = 7 * (scenario.before + scenario.during)
    p = _parameters(scenario, days)
    shape = (seeds, 1 + scenario.controls, days)
    phi = scenario.persistence

    def rate(name: str) -> Floats:
        shocked = p[name] + _ar1(rng, shape, SHOCK_SD[name], phi)
        shocked += rng.standard_normal(shape) * DAY_SD[name]
        return np.clip(shocked, 0.0, 1.0)

    level = np.exp(_ar1(rng, shape, SHOCK_SD["volume"], phi) - SHOCK_SD["volume"] ** 2 / 2)
    day = rng.gamma(VOLUME_SHAPE, 1 / VOLUME_SHAPE, shape)
    offered = rng.poisson(p["volume"] * level * day).astype(np.float64)
    outside = rng.binomial(offered.astype(np.int64), rate("outside")).astype(np.float64)
    inside = offered - outside
    answered = rng.binomial(inside.astype(np.int64), rate("answer")).astype(np.float64)
    within = rng.binomial(answered.astype(np.int64), rate("within")).astype(np.float64)
    rest = (inside - answered).astype(np.int64)
    short = rng.binomial(rest, BASE["short"]).astype(np.float64)
    abandoned = short + rng.binomial(rest - short.astype(np.int64), BASE["abandon"])
    calls = rng.binomial(offered.astype(np.int64), KNOWN_CALLER).astype(np.float64)
    contacts = rng.binomial(calls.astype(np.int64), 1 / p["repeats"]).astype(np.float64)
    values = np.zeros((*shape, FIELDS))
    for column, data in (
        (OFFERED, offered),
        (OUTSIDE, outside),
        (INSIDE, inside),
        (ANSWERED, answered),
        (WITHIN, within),
        (SHORT, short),
        (ABANDONED, abandoned),
        (CALLER_CALLS, calls),
        (CONTACTS, contacts),
    ):
        values[..., column] = data
    return values


def _estimate(values: Floats, scenario: Scenario, settings: EvaluationSettings) -> Intervals:
    days = values.shape[-2]
    regular = _regular(days, scenario.before)
    num, den = metric_parts(values, regular, settings)  # (..., teams, M, days)
    pooled_num = np.stack([num[..., 0, :, :], num[..., 1:, :, :].sum(-3)], axis=-3)
    pooled_den = np.stack([den[..., 0, :, :], den[..., 1:, :, :].sum(-3)], axis=-3)
    split = scenario.before * 7
    return clustered_effects(
        pooled_num,
        pooled_den,
        week_matrix(MONDAY, 0, split),
        week_matrix(MONDAY, split, days),
        True,
    )[1]


def run(
    scenario: Scenario, seeds: int, seed: int = 20261204, settings: EvaluationSettings | None = None
) -> ScenarioResult:
    """Coverage and share of clear results over `seeds` simulated pilots (fixed seed)."""
    settings = settings or EvaluationSettings()
    days = 7 * (scenario.before + scenario.during)
    truth = _estimate(expected_values(_parameters(scenario, days)), scenario, settings).value
    rng = np.random.default_rng([seed, scenario.before, scenario.controls, int(scenario.effect)])
    found = _estimate(simulate(scenario, seeds, rng), scenario, settings)
    covered = (found.low <= truth) & (truth <= found.high) & found.valid
    clear = ((found.low > 0) | (found.high < 0)) & found.valid
    return ScenarioResult(
        scenario,
        seeds,
        {m: float(truth[i]) for i, m in enumerate(METRICS)},
        {m: float(covered[:, i].mean()) for i, m in enumerate(METRICS)},
        {m: float(clear[:, i].mean()) for i, m in enumerate(METRICS)},
    )


SHORT_NAMES = {
    MetricKey.SHARE_OUTSIDE: "outside",
    MetricKey.ANSWER_RATE_INSIDE: "answer",
    MetricKey.SERVICE_LEVEL: "SL",
    MetricKey.ABANDONMENT_RATE: "abandon",
    MetricKey.CALLS_PER_CALLER_7D: "calls/contact",
    MetricKey.CALLS_PER_DAY: "calls/day",
    MetricKey.CONTACTS_PER_DAY: "contacts/day",
}


def table(results: Sequence[ScenarioResult]) -> str:
    """Coverage % (and clear % without an effect, power with one) per scenario × metric."""
    head = f"{'scenario':<38}{'seeds':>6} {'':<9}" + "".join(
        f"{SHORT_NAMES[m]:>14}" for m in METRICS
    )
    lines = [head]
    for result in results:
        verdict = "" if result.scenario.verdict_shown else "  (zu früh: no verdict shown)"
        label = "clear %" if not result.scenario.effect else "power %"
        for kind, figures in (("cover %", result.coverage), (label, result.clear)):
            name = result.scenario.name if kind == "cover %" else ""
            lines.append(
                f"{name:<38}{result.seeds if name else '':>6} {kind:<9}"
                + "".join(f"{figures[m] * 100:>14.1f}" for m in METRICS)
                + (verdict if name else "")
            )
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - a command for people, the tests call run()
    scenarios = (
        *standard_scenarios(),
        Scenario(3, 3, 3, False),
        Scenario(3, 3, 3, True),
        Scenario(8, 8, 3, False, persistence=0.97),
    )
    print(table([run(s, 1000) for s in scenarios]))  # noqa: T201


if __name__ == "__main__":
    main()
