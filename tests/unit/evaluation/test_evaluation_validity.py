"""Does the pilot evaluation find what was planted, and nothing when nothing was?

For 100 seeds each, the synthetic generator makes a pilot team and three control teams
over 13 + 13 weeks (scale 0.2: about 10 000 calls per seed), with the documented pilot
effect and with none. The calls are aggregated in memory (`SyntheticCalls.day_table`,
tested equal to aggregating the call records, which is tested equal to the SQL) and the
difference-in-differences is estimated with its 95 % interval, exactly as in the report.

The true effect is defined as the estimand itself: the DiD formula (ratios of sums over
regular days) applied to the generator's *expected* daily counts (`expected_day_table`,
computed exactly from the model, no sampling). With no planted effect this truth is ~0 but
not exactly 0 for every metric (holidays and weekday mix weigh the teams differently),
which is why the null case is judged by significance, as the issue asks, and its coverage
is checked too.

Measured (seeds 0–99): covered 93–100 % per metric with the effect; not significant in
92–98 % without. Both tests together take about 8 s of CPU on one core.
"""

from __future__ import annotations

from evaluation_support import SETTINGS, synthetic_office

from callcenter.evaluation.did import compare
from callcenter.evaluation.model import MetricKey
from callcenter.evaluation.pilot import control_teams
from callcenter.evaluation.synthetic import SyntheticParams, expected_day_table, generate

SEEDS = range(100)
SCALE = 0.2
REQUIRED = 0.90


Counts = dict[MetricKey, int]


def _run(effect: float) -> tuple[dict[MetricKey, float], Counts, Counts]:
    params = SyntheticParams(scale=SCALE, effect=effect)
    office = synthetic_office(params)
    pilot = next(p for p in office.pilots if p.team == params.pilot_team)
    controls = control_teams(office, office.team_ids, pilot)
    periods = (params.first_day, params.pilot_start, params.last_day)
    truth = {
        e.metric: e.did.value
        for e in compare(
            expected_day_table(params, office, SETTINGS),
            params.pilot_team,
            controls,
            *periods,
            SETTINGS,
        ).effects
        if e.did is not None
    }
    covered = dict.fromkeys(truth, 0)
    significant = dict.fromkeys(truth, 0)
    for seed in SEEDS:
        table = generate(params, office, seed).day_table(SETTINGS)
        for e in compare(table, params.pilot_team, controls, *periods, SETTINGS).effects:
            assert e.did is not None
            covered[e.metric] += e.did.low <= truth[e.metric] <= e.did.high
            significant[e.metric] += e.did.significant
    return truth, covered, significant


def _figures(truth, covered, significant) -> str:
    return "; ".join(
        f"{m}: true {v:+.4f}, covered {covered[m]}/{len(SEEDS)}, significant {significant[m]}"
        for m, v in truth.items()
    )


def test_planted_effect_is_covered_by_the_interval() -> None:
    truth, covered, significant = _run(effect=1.0)
    figures = _figures(truth, covered, significant)
    # The planted changes are real and sizeable: outside share down, answer rate up.
    assert truth[MetricKey.SHARE_OUTSIDE] < -0.1
    assert truth[MetricKey.ANSWER_RATE_INSIDE] > 0.1
    assert truth[MetricKey.CALLS_PER_CALLER_7D] < -0.1
    for hits in covered.values():
        assert hits / len(SEEDS) >= REQUIRED, figures
    # The main estimand is found every time at this size.
    assert significant[MetricKey.SHARE_OUTSIDE] == len(SEEDS), figures


def test_without_an_effect_nothing_is_significant() -> None:
    truth, covered, significant = _run(effect=0.0)
    figures = _figures(truth, covered, significant)
    for metric, value in truth.items():
        assert abs(value) < (0.5 if metric == MetricKey.CALLS_PER_DAY else 0.01), figures
    for metric, hits in significant.items():
        assert 1 - hits / len(SEEDS) >= REQUIRED, figures
        assert covered[metric] / len(SEEDS) >= REQUIRED, figures


def test_the_shipped_data_set_shows_its_effect_clearly() -> None:
    # Scale 1, seed 1 (what `callcenter pilot-data load` ships): the report's main claims.
    params = SyntheticParams()
    office = synthetic_office(params)
    pilot = next(p for p in office.pilots if p.team == params.pilot_team)
    controls = control_teams(office, office.team_ids, pilot)
    table = generate(params, office, 1).day_table(SETTINGS)
    effects = {
        e.metric: e
        for e in compare(
            table, params.pilot_team, controls, params.first_day, params.pilot_start,
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
