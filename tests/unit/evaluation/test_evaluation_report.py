"""The whole OfficeReport from aggregates, and the rollout ranking on hand-made demand."""

from __future__ import annotations

from datetime import date

import pytest
from evaluation_support import SETTINGS, synthetic_office

from callcenter.domain.schedule import windows_from_spec
from callcenter.evaluation.model import Estimate, MetricKey
from callcenter.evaluation.records import aggregate_records
from callcenter.evaluation.report import SYNTHETIC_NOTE_DE, build_office_report
from callcenter.evaluation.rollout import TeamDemand, candidate
from callcenter.evaluation.synthetic import SyntheticParams, generate

PARAMS = SyntheticParams(scale=0.3)


@pytest.fixture(scope="module")
def aggregates():
    office = synthetic_office(PARAMS)
    calls = generate(PARAMS, office, 4)
    records = [r for chunk in calls.records() for r in chunk]
    return office, aggregate_records(
        records,
        office.tz,
        office.team_ids,
        date(2026, 8, 17),
        PARAMS.last_day,
        SETTINGS,
        cells_start=PARAMS.first_day,
        closures=office.closures,
        walk_ins=calls.walk_ins,
    )


def test_report_covers_teams_totals_and_the_pilot(aggregates) -> None:
    office, agg = aggregates
    report = build_office_report(agg, office)
    assert (report.start, report.end) == (date(2026, 8, 17), PARAMS.last_day)
    assert report.generated_note_de == SYNTHETIC_NOTE_DE
    assert [t.id for t in report.teams] == list(office.team_ids)
    assert [t.on_call_hours for t in report.teams] == [True, False, False, False]
    assert report.totals.offered == sum(m.offered for m in report.per_team)
    assert report.totals.offered == sum(c.offered for c in report.cells)
    assert min(c.day for c in report.cells) == report.start  # cells of the period only

    (pilot,) = report.pilots
    assert (pilot.team, pilot.start, pilot.before_start) == (
        "auslaender-a",
        date(2026, 8, 17),
        date(2026, 5, 18),
    )
    assert pilot.controls == ("auslaender-b", "einbuergerung", "aufenthalt-eu")
    assert [e.metric for e in pilot.effects] == list(MetricKey)
    assert {p.week_start for p in pilot.weekly} == {
        date(2026, 5, 18) + (date(2026, 5, 25) - date(2026, 5, 18)) * i for i in range(26)
    }
    assert pilot.summary_de.startswith("Pilot „Ausländerbehörde Team A (A–K)“ vom 17.08.2026")
    assert "Der Anteil der Anrufe außerhalb der Sprechzeiten sank" in pilot.summary_de
    assert "The share of calls outside the call hours fell" in pilot.summary_en


def test_heatmaps_suggestions_and_staffing(aggregates) -> None:
    office, agg = aggregates
    report = build_office_report(agg, office)
    assert [h.team for h in report.heatmaps] == list(office.team_ids)
    # The pilot's windows are 15.5 h a week: every suggestion is for 16 h.
    assert {s.hours_per_week for s in report.suggestions} == {16}
    staffing = next(s for s in report.staffing if s.team == "auslaender-a")
    # Mo–Do 09–12 (12 hours) and Do 14–17:30 (4 hours, the last one half open).
    assert len(staffing.hours) == 16
    assert all(h.agents_erlang_c >= 1 for h in staffing.hours)
    assert staffing.patience_seconds is not None
    assert all(h.agents_erlang_a is not None for h in staffing.hours)
    assert staffing.handling_seconds == pytest.approx(PARAMS.mean_talk_seconds, rel=0.1)


def test_rollout_ranks_every_team_without_call_hours(aggregates) -> None:
    office, agg = aggregates
    report = build_office_report(agg, office)
    assert sorted(r.team for r in report.rollout) == sorted(office.team_ids[1:])
    # Ranks follow the expected share of callers not reached; teams whose difference is
    # within the resampling noise share a rank (no more "best prepared" by chance).
    ranks = [r.rank for r in report.rollout]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1
    first = report.rollout[0]
    assert first.reason_de.startswith(
        "Gleichauf auf Rang 1: " if first.tied else "Am besten vorbereitet: "
    )
    assert sum(r.p_first or 0 for r in report.rollout) == pytest.approx(1.0)
    for row in report.rollout:
        assert row.expected_share_outside_after is not None
        assert row.expected_share_outside_after < row.share_outside
        assert row.peak_agents >= 1
        assert row.unreached_share is not None
        assert row.unreached_low is not None
        assert row.unreached_high is not None
        assert row.unreached_low <= row.unreached_share <= row.unreached_high
        # Callers who redial are not lost: fewer unreached than calls outside.
        assert row.unreached_share < row.expected_share_outside_after


def test_a_team_filter_narrows_the_report(aggregates) -> None:
    office, agg = aggregates
    report = build_office_report(agg, office, teams=("auslaender-b",))
    assert [t.id for t in report.teams] == ["auslaender-b"]
    assert report.pilots == ()
    assert report.totals.offered == report.per_team[0].offered
    assert [r.team for r in report.rollout] == ["auslaender-b"]


def _demand(team: str, hours: dict[tuple[int, int], float]) -> TeamDemand:
    grid = [[0.0] * 24 for _ in range(7)]
    for (day, hour), calls in hours.items():
        grid[day][hour] = calls
    return TeamDemand(team, team, team, tuple(tuple(r) for r in grid), 180.0)


def test_rollout_prefers_teams_whose_callers_already_call_in_the_windows() -> None:
    pilot = windows_from_spec("Mo-Do 09:00-12:00")
    inside = _demand("inside", {(d, h): 10.0 for d in range(4) for h in (9, 10, 11)})
    # Half of this team's demand is at 14:00 on Mondays, outside the pilot's windows; the
    # best 12 hours for its own demand take that peak in, so the suggestion is used.
    split = _demand(
        "split",
        {**{(d, h): 10.0 for d in range(4) for h in (9, 10, 11)}, (0, 14): 120.0},
    )
    effect = Estimate(-0.4, -0.5, -0.3)  # relative: 40 % fewer calls outside
    first, _ = candidate(inside, pilot, 12, effect, SETTINGS)
    second, _ = candidate(split, pilot, 12, effect, SETTINGS)
    assert first.share_outside == pytest.approx(0.0)
    assert first.expected_share_outside_after == pytest.approx(0.0)  # kept within 0..1
    # 10 calls/h at 180 s = 0.5 Erlang: 2 agents give 75 % within 30 s.
    assert first.peak_agents == 2
    assert second.windows_source == "suggested"
    assert second.share_outside < 0.5
    assert second.expected_share_outside_after == pytest.approx(second.share_outside * 0.6)
    assert first.reason_de.startswith("0 % der heutigen Anrufe")
    assert "Erlang C, 75 % binnen 30 s" in first.reason_de


def test_the_per_team_index_holds_what_a_scan_finds(aggregates) -> None:
    _office, agg = aggregates
    for team in agg.teams:
        assert agg.cells_of(team) == tuple(c for c in agg.cells if c.team == team)
        assert agg.caller_days_of(team) == tuple(d for d in agg.caller_days if d.team == team)
        assert agg.stats_for(team) == next(s for s in agg.team_stats if s.team == team)
        assert agg.cells_of(team)  # every team has calls: the comparison is not vacuous
    assert agg.cells_of("nobody") == ()
    assert agg.caller_days_of("nobody") == ()
    assert agg.stats_for("nobody") is None


def test_a_team_figures_do_not_depend_on_the_teams_reported_beside_it(aggregates) -> None:
    office, agg = aggregates
    everyone = build_office_report(agg, office)
    for index, team in enumerate(agg.teams):
        alone = build_office_report(agg, office, teams=[team])
        assert alone.per_team == (everyone.per_team[index],)
        assert alone.heatmaps == (everyone.heatmaps[index],)
        assert alone.suggestions == (everyone.suggestions[index],)
        assert alone.staffing == (everyone.staffing[index],)
