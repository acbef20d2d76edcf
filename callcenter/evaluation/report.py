"""The whole evaluation of a period: `build_office_report(aggregates, office) -> OfficeReport`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from callcenter.domain.schedule import Office, Pilot
from callcenter.evaluation.days import monday_of
from callcenter.evaluation.did import RegularDays
from callcenter.evaluation.inputs import Aggregates
from callcenter.evaluation.metrics import cells_between, period_metrics
from callcenter.evaluation.model import (
    Estimate,
    HourCell,
    MetricKey,
    OfficeReport,
    PilotEvaluation,
    RolloutCandidate,
    Staffing,
    TeamInfo,
    WindowSuggestion,
)
from callcenter.evaluation.pilot import evaluate_pilot
from callcenter.evaluation.ranking import (
    Z95,
    Floats,
    Redial,
    RelativeEffect,
    TeamWeeks,
    ranked_candidates,
    score_teams,
)
from callcenter.evaluation.rollout import TeamDemand, candidate
from callcenter.evaluation.staffing import (
    DEFAULT_HANDLING_SECONDS,
    handling_seconds,
    patience_seconds,
    staffing,
)
from callcenter.evaluation.windows import (
    Grid,
    coverage_of,
    demand_grids,
    grid_heatmap,
    suggest,
    weekly_hours,
)

SYNTHETIC_NOTE_DE = (
    "Synthetische Beispieldaten (pilot_data/, erzeugt mit „callcenter pilot-data load“) – "
    "keine echten Anrufe."
)
SYNTHETIC_NOTE_EN = (
    "Synthetic example data (pilot_data/, made by 'callcenter pilot-data load') – no real calls."
)
MIXED_NOTE_DE = "Enthält synthetische Beispieldaten (pilot_data/) neben echten Anrufen."
MIXED_NOTE_EN = "Contains synthetic example data (pilot_data/) next to real calls."


def build_office_report(
    aggregates: Aggregates, office: Office, teams: Sequence[str] | None = None
) -> OfficeReport:
    """Metrics, heatmaps, window suggestions, staffing, pilot evaluations and rollout.

    `teams` narrows what is reported (default: every team of the aggregates); pilots are
    always compared with all control teams in the aggregates.
    """
    chosen = tuple(t for t in aggregates.teams if teams is None or t in teams)
    start, end = aggregates.start, aggregates.end
    settings = aggregates.settings
    piloted = {p.team for p in office.pilots}
    period_cells = cells_between(aggregates.cells, chosen, start, end)
    # Each team's period cells, in the order of period_cells: one pass, not one per team.
    cells_of: dict[str, list[HourCell]] = {team: [] for team in chosen}
    for cell in period_cells:
        cells_of[cell.team].append(cell)
    all_period_cells = (
        period_cells
        if chosen == aggregates.teams
        else cells_between(aggregates.cells, aggregates.teams, start, end)
    )
    fallback = handling_seconds(all_period_cells, DEFAULT_HANDLING_SECONDS, settings)

    regular = RegularDays(office, frozenset(aggregates.closure_days))
    pilots = tuple(
        evaluation
        for pilot in sorted(office.pilots, key=lambda p: (p.start, p.team))
        if pilot.team in chosen
        and (evaluation := evaluate_pilot(aggregates, office, pilot, regular=regular)) is not None
    )
    reference, reference_evaluation = _reference_pilot(office, pilots, aggregates)
    reference_hours = (
        round(weekly_hours(office.team(reference.team).windows)) if reference else None
    )

    suggestions: list[WindowSuggestion] = []
    staff: list[Staffing] = []
    candidates: list[RolloutCandidate] = []
    pilot_coverage = coverage_of(office.team(reference.team).windows) if reference else None
    effect = _relative_share_effect(reference_evaluation)
    redial = _redial(aggregates, reference)
    rollout_sizes = {
        t: reference_hours
        if reference_hours is not None
        else round(weekly_hours(office.team(t).windows))
        for t in chosen
    }
    scores = {
        s.team: s
        for s in score_teams(
            [
                TeamWeeks(t, weekly_demand(cells_of[t], t, start, end))
                for t in chosen
                if t not in piloted
            ],
            pilot_coverage,
            rollout_sizes,
            RelativeEffect(effect.value, (effect.high - effect.low) / (2 * Z95))
            if effect
            else None,
            redial,
            settings,
        )
    }
    grids: dict[str, Grid] = {}
    for team in chosen:
        team_cells = cells_of[team]
        handling = handling_seconds(team_cells, fallback, settings)
        grid, inside = demand_grids(team_cells, office, team, start, end)
        grids[team] = grid
        windows = office.team(team).windows
        size = reference_hours if reference_hours is not None else round(weekly_hours(windows))
        suggestion = suggest(team, grid, size, settings)
        suggestions.append(suggestion)
        staff.append(
            staffing(
                team,
                inside,
                coverage_of(windows),
                handling,
                patience_seconds(aggregates.stats_for(team)),
                settings,
            )
        )
        if team not in piloted:
            info = office.team(team)
            score = scores[team]
            row, _coverage = candidate(
                TeamDemand(team, info.name_de, info.name_en or info.name_de, grid, handling),
                office.team(reference.team).windows if reference else None,
                size,
                effect,
                settings,
                chosen=(score.source, score.coverage),
                redial=redial.share if redial else 0.0,
                measured_share=score.share_outside,
                suggestion=suggestion,
            )
            candidates.append(row)

    totals = period_metrics(aggregates, None, among=chosen)
    note_de, note_en = _note(aggregates, chosen, totals.offered)
    return OfficeReport(
        start=start,
        end=end,
        generated_note_de=note_de,
        generated_note_en=note_en,
        teams=tuple(
            TeamInfo(
                id=t,
                name_de=office.team(t).name_de,
                name_en=office.team(t).name_en or office.team(t).name_de,
                on_call_hours=t in piloted,
            )
            for t in chosen
        ),
        totals=totals,
        per_team=tuple(period_metrics(aggregates, t) for t in chosen),
        cells=tuple(period_cells),
        heatmaps=tuple(grid_heatmap(grids[t], office, t, start, end) for t in chosen),
        suggestions=tuple(suggestions),
        staffing=tuple(staff),
        pilots=pilots,
        rollout=ranked_candidates(candidates, tuple(scores.values())),
        settings=settings,
    )


def _reference_pilot(
    office: Office, pilots: Sequence[PilotEvaluation], aggregates: Aggregates
) -> tuple[Pilot | None, PilotEvaluation | None]:
    """The pilot whose windows and effect the rollout uses: the latest evaluated one, or
    the latest configured one (without an effect) when none could be evaluated."""
    if pilots:
        latest = pilots[-1]
        pilot = next(p for p in office.pilots if p.team == latest.team and p.start == latest.start)
        return pilot, latest
    known = [p for p in office.pilots if p.team in aggregates.teams]
    return (max(known, key=lambda p: p.start) if known else None), None


def _relative_share_effect(evaluation: PilotEvaluation | None) -> Estimate | None:
    """The pilot's change of the share outside relative to its level before (DiD ÷ the
    pilot's share before; before/after without control teams)."""
    if evaluation is None:
        return None
    effect = next(e for e in evaluation.effects if e.metric == MetricKey.SHARE_OUTSIDE)
    change = effect.did or effect.before_after
    before = effect.pilot_before
    if change is None or not before:
        return None
    return Estimate(change.value / before, change.low / before, change.high / before)


def _redial(aggregates: Aggregates, reference: Pilot | None) -> Redial | None:
    """How the pilot's announcement callers came back: the share answered later."""
    stats = aggregates.stats_for(reference.team) if reference else None
    if stats is None or stats.announcement_callers == 0:
        return None
    return Redial(stats.through_later / stats.announcement_callers, stats.announcement_callers)


def weekly_demand(cells: Sequence[HourCell], team: str, start: date, end: date) -> Floats:
    """Calls per weekday-hour of every calendar week touching [start, end]: (weeks, 7, 24)."""
    first = monday_of(start)
    weeks = np.zeros(((monday_of(end) - first).days // 7 + 1, 7, 24))
    for c in cells:
        if c.team == team and start <= c.day <= end:
            weeks[(c.day - first).days // 7, c.day.weekday(), c.hour] += c.offered
    return weeks


def _note(aggregates: Aggregates, teams: Sequence[str], offered: int) -> tuple[str, str]:
    """`offered`: the calls of `teams` in the period (the totals' count)."""
    chosen = frozenset(teams)
    synthetic = sum(s.synthetic_calls for s in aggregates.team_stats if s.team in chosen)
    if synthetic == 0:
        return "", ""
    if synthetic >= offered:
        return SYNTHETIC_NOTE_DE, SYNTHETIC_NOTE_EN
    return MIXED_NOTE_DE, MIXED_NOTE_EN
