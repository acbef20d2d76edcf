"""One pilot's evaluation: periods, control teams, effects, weekly series and summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from callcenter.domain.schedule import Office, Pilot
from callcenter.evaluation.did import (
    OFFERED,
    SERVICE_LEVEL_INDEX,
    RegularDays,
    compare,
    day_table,
    group_parts,
    level_interval,
    week_matrix,
)
from callcenter.evaluation.inputs import Aggregates
from callcenter.evaluation.model import PilotEvaluation
from callcenter.evaluation.summary import summarize
from callcenter.evaluation.verdict import verdict


def control_teams(office: Office, teams: Sequence[str], pilot: Pilot) -> tuple[str, ...]:
    """The teams that never had a pilot (no call hours of their own to learn)."""
    piloted = {p.team for p in office.pilots}
    return tuple(t for t in teams if t != pilot.team and t not in piloted)


def periods(pilot: Pilot, aggregates: Aggregates) -> tuple[date, date, date] | None:
    """(before_start, start, end): the pilot up to its end or the last day of data, and a
    comparison period of the same length right before it (shorter if the data start later).
    None when there is no day of data before or during the pilot."""
    end = min(pilot.end or aggregates.end, aggregates.end)
    if pilot.start > end or pilot.start <= aggregates.cells_start:
        return None
    length = (end - pilot.start).days + 1
    before_start = max(pilot.start - timedelta(days=length), aggregates.cells_start)
    return before_start, pilot.start, end


def evaluate_pilot(
    aggregates: Aggregates,
    office: Office,
    pilot: Pilot,
    *,
    regular: RegularDays | None = None,
) -> PilotEvaluation | None:
    """Before vs during and difference-in-differences against the control teams; None
    without calls of the pilot team before or during the pilot. `regular`: the office's
    regular days, shared by the evaluations of several pilots."""
    found = periods(pilot, aggregates)
    if found is None or pilot.team not in aggregates.teams:
        return None
    before_start, start, end = found
    settings = aggregates.settings
    controls = control_teams(office, aggregates.teams, pilot)
    table = day_table(
        aggregates, office, (pilot.team, *controls), before_start, end, regular=regular
    )
    offered = table.values[pilot.team][:, OFFERED]
    split = table.index(start)
    if offered[:split].sum() == 0 or offered[split:].sum() == 0:
        return None  # nothing to compare: no calls of the team before or during
    result = compare(table, pilot.team, controls, before_start, start, end, settings)
    names = [
        (office.team(t).name_de, office.team(t).name_en or office.team(t).name_de) for t in controls
    ]
    summary_de, summary_en = summarize(
        *_names(office, pilot.team),
        start,
        end,
        before_start,
        names,
        result.effects,
        settings.service_level_seconds,
        result.weeks_missing,
    )
    num, den = group_parts(table, pilot.team, (), settings)
    s0, e1 = table.index(start), table.index(end) + 1
    level = level_interval(
        num[0, SERVICE_LEVEL_INDEX, s0:e1],
        den[0, SERVICE_LEVEL_INDEX, s0:e1],
        week_matrix(table.first, s0, e1),
    )
    answer = verdict(
        result.effects,
        (result.weeks_before, result.weeks_during),
        result.weeks_missing,
        len(controls),
        level,
        settings.target_service_level,
        settings.service_level_seconds,
    )
    return PilotEvaluation(
        team=pilot.team,
        start=start,
        end=end,
        before_start=before_start,
        controls=controls,
        effects=result.effects,
        weekly=result.weekly,
        weeks_before=result.weeks_before,
        weeks_during=result.weeks_during,
        weeks_missing=result.weeks_missing,
        verdict=answer,
        summary_de=summary_de,
        summary_en=summary_en,
    )


def _names(office: Office, team_id: str) -> tuple[str, str]:
    team = office.team(team_id)
    return team.name_de, team.name_en or team.name_de
