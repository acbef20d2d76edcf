"""Which team goes next: each team's recorded demand replayed against call-hour windows.

For a team not yet on call hours, its mean calls per weekday × hour are laid over the
pilot's windows (hours open only in part count in part) and over the best windows of the
same size for its own demand (windows.suggest). The windows that leave markedly fewer
calls outside (at least `SUGGESTED_MARGIN`) are used. Then:

* share outside = calls outside those windows ÷ all calls, as callers call today;
* expected share outside after the switch = that share × (1 + the pilot's relative change
  of the share outside) (callers learn the hours), kept within 0..1;
* staff: the calls expected inside (all calls × (1 − expected share outside), plus the
  displaced callers who redial inside) are spread over the open hours like today's demand,
  and Erlang C gives the agents per hour for the target service level with the team's
  measured handling time.

`ranking.py` orders the candidates by the expected share of callers not reached, with
intervals from week resampling and ties shown as ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callcenter.domain.schedule import Window
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.model import Estimate, RolloutCandidate, WindowHours, WindowSuggestion
from callcenter.evaluation.staffing import staffing
from callcenter.evaluation.summary import MINUS
from callcenter.evaluation.windows import Grid, coverage_of, suggest

SUGGESTED_MARGIN = 0.05


@dataclass(frozen=True)
class TeamDemand:
    team: str
    name_de: str
    name_en: str
    grid: Grid  # mean calls per hour [weekday][hour], all calls
    handling_seconds: float


def grid_of_hours(windows: Sequence[WindowHours]) -> Grid:
    grid = [[0.0] * 24 for _ in range(7)]
    for w in windows:
        for hour in range(w.start_hour, w.end_hour):
            grid[w.weekday][hour] = 1.0
    return tuple(tuple(row) for row in grid)


def _covered(grid: Grid, coverage: Grid) -> float:
    return sum(grid[w][h] * coverage[w][h] for w in range(7) for h in range(24))


def _percent(value: float, lang: str) -> str:
    text = f"{round(value * 100):d} %"
    return text.replace("-", MINUS)


def candidate(
    demand: TeamDemand,
    pilot_windows: Sequence[Window] | None,
    hours_per_week: int,
    share_effect: Estimate | None,
    settings: EvaluationSettings,
    *,
    chosen: tuple[str, Grid] | None = None,
    redial: float = 0.0,
    measured_share: float | None = None,
    suggestion: WindowSuggestion | None = None,
) -> tuple[RolloutCandidate, Grid]:
    """The team's candidate row (rank 0 until ranked) and the coverage grid it used.

    `share_effect` is the pilot's *relative* change of the share outside (−0.4: 40 % fewer
    calls outside); `chosen` fixes the windows (chosen out of sample by
    `ranking.choose_windows`); `redial` is the share of displaced callers who get through
    later, whose calls then land inside the hours too; `measured_share` is the share outside
    measured on the scoring weeks (instead of the whole period's mean demand);
    `suggestion` is `suggest` of the demand and `hours_per_week`, if already made."""
    total = sum(sum(row) for row in demand.grid)
    if suggestion is None:
        suggestion = suggest(demand.team, demand.grid, hours_per_week, settings)
    suggested_cov = grid_of_hours(suggestion.windows)
    options: list[tuple[str, Grid]] = [("suggested", suggested_cov)]
    if pilot_windows:
        options.insert(0, ("pilot", coverage_of(pilot_windows)))
    shares = {
        source: (1.0 - _covered(demand.grid, cov) / total) if total > 0 else 0.0
        for source, cov in options
    }
    source = options[0][0]
    if source == "pilot" and shares["suggested"] <= shares["pilot"] - SUGGESTED_MARGIN:
        source = "suggested"
    coverage = dict(options)[source]
    if chosen is not None:
        source, coverage = chosen
    share = (1.0 - _covered(demand.grid, coverage) / total) if total > 0 else 0.0
    if measured_share is not None:
        share = measured_share
    after = None
    if share_effect is not None:
        after = min(1.0, max(0.0, share * (1.0 + share_effect.value)))
    outside = after if after is not None else share
    inside_total = total * (1.0 - outside + outside * redial)
    covered = _covered(demand.grid, coverage)
    open_hours = sum(sum(row) for row in coverage)
    calls = tuple(
        tuple(
            (
                inside_total * demand.grid[w][h] * coverage[w][h] / covered
                if covered > 0
                else (inside_total * coverage[w][h] / open_hours if open_hours else 0.0)
            )
            for h in range(24)
        )
        for w in range(7)
    )
    staff = staffing(demand.team, calls, coverage, demand.handling_seconds, None, settings)
    agents = [h.agents_erlang_c for h in staff.hours]
    peak = max(agents, default=0)
    mean = sum(agents) / len(agents) if agents else 0.0
    reason_de, reason_en = _reasons(source, share, after, peak, hours_per_week, settings)
    row = RolloutCandidate(
        team=demand.team,
        rank=0,
        windows_source=source,
        share_outside=share,
        peak_agents=peak,
        mean_agents=mean,
        expected_share_outside_after=after,
        reason_de=reason_de,
        reason_en=reason_en,
    )
    return row, coverage


def _reasons(
    source: str,
    share: float,
    after: float | None,
    peak: int,
    hours: int,
    settings: EvaluationSettings,
) -> tuple[str, str]:
    target = round(settings.target_service_level * 100)
    threshold = round(settings.service_level_seconds)
    if source == "pilot":
        windows_de, windows_en = "der Sprechzeiten des Pilotteams", "the pilot team's call hours"
    else:
        windows_de = f"der vorgeschlagenen Sprechzeiten ({hours} Std./Woche)"
        windows_en = f"the suggested call hours ({hours} h/week)"
    de = f"{_percent(share, 'de')} der heutigen Anrufe lägen außerhalb {windows_de}"
    en = f"{_percent(share, 'en')} of today's calls would fall outside {windows_en}"
    if after is not None:
        de += f", mit dem Effekt aus dem Pilot erwartet {_percent(after, 'de')}"
        en += f", {_percent(after, 'en')} expected with the pilot's effect"
    de += (
        f"; in den Sprechzeiten bis zu {peak} Mitarbeitende gleichzeitig nötig "
        f"(Erlang C, {target} % binnen {threshold} s)."
    )
    en += (
        f"; up to {peak} staff at a time needed inside the hours "
        f"(Erlang C, {target} % within {threshold} s)."
    )
    return de, en
