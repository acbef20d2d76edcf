"""Do the pilot intervals keep their promise, at every pilot length a verdict is shown?

The vectorised simulation of `callcenter.evaluation.validity` (1000 seeds per scenario,
fixed seed; weekday pattern, a holiday week, calls correlated within a day, team shocks
persisting for days, a common change of all teams) runs the evaluation's own estimator
for 4 + 4, 6 + 6, 8 + 8 and 13 + 13 weeks with one and three control teams, with the
planted effect and without. Wherever a verdict is shown the interval covers the truth in
≥ 93 % of seeds and, without an effect, ≤ 7 % of seeds are called clear. The table is
printed at the end of the test run (`python -m callcenter.evaluation.validity` prints it
too, with the "zu früh" and a weeks-long-shock limit case).

The generator-based check below it runs the full call generator (scale 0.2, 100 seeds,
13 + 13 weeks) as an independent second model; the shipped data set must show its effect.
"""

from __future__ import annotations

import pytest
from evaluation_support import SETTINGS, synthetic_office
from validity_stash import VALIDITY_TABLE

from callcenter.evaluation.did import compare
from callcenter.evaluation.model import MetricKey
from callcenter.evaluation.pilot import control_teams
from callcenter.evaluation.synthetic import SyntheticParams, expected_day_table, generate
from callcenter.evaluation.validity import (
    MAX_FALSE_CLEAR,
    REQUIRED_COVERAGE,
    Scenario,
    ScenarioResult,
    run,
    standard_scenarios,
    table,
)

SEEDS_PER_SCENARIO = 1000


@pytest.fixture(scope="module")
def results(request: pytest.FixtureRequest) -> list[ScenarioResult]:
    found = [run(s, SEEDS_PER_SCENARIO) for s in standard_scenarios()]
    request.config.stash[VALIDITY_TABLE] = found  # printed by conftest's terminal summary
    return found


def test_the_suite_covers_every_scenario_the_issue_names(results: list[ScenarioResult]) -> None:
    names = {(r.scenario.before, r.scenario.controls, r.scenario.effect) for r in results}
    assert names == {(w, c, e) for w in (4, 6, 8, 13) for c in (1, 3) for e in (False, True)}
    assert all(r.seeds >= 200 and r.scenario.verdict_shown for r in results)


def test_intervals_cover_the_truth_wherever_a_verdict_is_shown(
    results: list[ScenarioResult],
) -> None:
    for result in results:
        for metric, share in result.coverage.items():
            assert share >= REQUIRED_COVERAGE, f"{result.scenario.name} {metric}\n{table(results)}"


def test_without_an_effect_hardly_anything_is_called_clear(results: list[ScenarioResult]) -> None:
    for result in (r for r in results if not r.scenario.effect):
        for metric, truth in result.truth.items():
            assert truth == pytest.approx(0.0, abs=1e-9)
            share = result.clear[metric]
            assert share <= MAX_FALSE_CLEAR, f"{result.scenario.name} {metric}\n{table(results)}"


def test_a_planted_effect_is_found(results: list[ScenarioResult]) -> None:
    by_name = {r.scenario.name: r for r in results}
    long = by_name["13+13 weeks, 3 ctrl, effect"]
    assert long.truth[MetricKey.SHARE_OUTSIDE] == pytest.approx(-0.12, abs=1e-9)
    assert long.truth[MetricKey.CALLS_PER_DAY] == pytest.approx(-0.15, abs=1e-9)
    assert long.clear[MetricKey.SHARE_OUTSIDE] > 0.99
    assert long.clear[MetricKey.SERVICE_LEVEL] > 0.9
    # Power grows with the length of the pilot.
    short = by_name["4+4 weeks, 3 ctrl, effect"]
    assert short.clear[MetricKey.ANSWER_RATE_INSIDE] < long.clear[MetricKey.ANSWER_RATE_INSIDE]


def test_shocks_lasting_weeks_are_a_documented_limit() -> None:
    # METRICS.md says so: a staff shortage lasting weeks looks like an effect.
    limit = run(Scenario(8, 8, 3, False, persistence=0.97), 400)
    assert limit.clear[MetricKey.ANSWER_RATE_INSIDE] > 0.15


def _generator_run(effect: float) -> tuple[dict[MetricKey, float], dict[MetricKey, int]]:
    params = SyntheticParams(scale=0.2, effect=effect)
    office = synthetic_office(params)
    pilot = next(p for p in office.pilots if p.team == params.pilot_team)
    controls = control_teams(office, office.team_ids, pilot)
    periods = (params.first_day, params.pilot_start, params.last_day)
    truth = {
        e.metric: e.did.value
        for e in compare(
            expected_day_table(params, office, SETTINGS), params.pilot_team, controls,
            *periods, SETTINGS,
        ).effects
        if e.did is not None
    }  # fmt: skip
    covered = dict.fromkeys(truth, 0)
    for seed in range(100):
        table_ = generate(params, office, seed).day_table(SETTINGS)
        for e in compare(table_, params.pilot_team, controls, *periods, SETTINGS).effects:
            assert e.did is not None
            covered[e.metric] += e.did.low <= truth[e.metric] <= e.did.high
    return truth, covered


def test_the_call_generator_agrees() -> None:
    # 100 seeds: 90 % is three standard errors below 95 %.
    for effect in (0.0, 1.0):
        truth, covered = _generator_run(effect)
        for metric, hits in covered.items():
            assert hits >= 90, f"effect {effect}: {metric} covered {hits}/100, truth {truth}"


def test_the_shipped_data_set_shows_its_effect_clearly() -> None:
    # Scale 1, seed 1 (what `callcenter pilot-data load` ships): the report's main claims.
    params = SyntheticParams()
    office = synthetic_office(params)
    pilot = next(p for p in office.pilots if p.team == params.pilot_team)
    controls = control_teams(office, office.team_ids, pilot)
    table_ = generate(params, office, 1).day_table(SETTINGS)
    effects = {
        e.metric: e
        for e in compare(
            table_, params.pilot_team, controls, params.first_day, params.pilot_start,
            params.last_day, SETTINGS,
        ).effects
    }  # fmt: skip
    share = effects[MetricKey.SHARE_OUTSIDE]
    assert share.did is not None
    assert share.did.high < 0
    assert share.pilot_during is not None
    assert share.pilot_before is not None
    assert share.pilot_during < share.pilot_before
    answered = effects[MetricKey.ANSWER_RATE_INSIDE]
    assert answered.did is not None
    assert answered.did.low > 0
