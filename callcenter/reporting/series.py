"""Weekly sums of a team's hour cells, the series behind the per-team charts.

The sums are `evaluation.metrics.CellTotals` and every rate is read from it, i.e. from the
one definition per metric (`evaluation.kpi`) with the report's own settings: the weekly
service level follows `exclude_short_abandons` exactly as the period tile does. A week
without calls inside the hours has no rate (None), drawn as a gap rather than a misleading
0 %; a week after the last day with data (or before the first) has no count either
(`has_data` False), so lines end where the data end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from callcenter.evaluation.metrics import CellTotals
from callcenter.evaluation.model import EvaluationSettings, HourCell


@dataclass(frozen=True)
class WeekTotals:
    week_start: date  # the Monday
    totals: CellTotals = field(default_factory=CellTotals)
    settings: EvaluationSettings = field(default_factory=EvaluationSettings)
    has_data: bool = True  # inside the span of days the report has cells for

    def __getattr__(self, name: str) -> int | float:
        # offered, inside, outside, team_line, … : the counts of CellTotals.
        if name.startswith("__") or name == "totals":
            raise AttributeError(name)
        value: int | float = getattr(self.totals, name)
        return value

    @property
    def answer_rate(self) -> float | None:
        return self.totals.answer_rate_inside(self.settings)

    @property
    def service_level(self) -> float | None:
        return self.totals.service_level(self.settings)

    @property
    def wait_mean_seconds(self) -> float | None:
        return self.totals.wait_mean()

    def count(self, name: str) -> int | float | None:
        """A count for a line chart: None outside the data's span, not a false 0."""
        return getattr(self.totals, name) if self.has_data else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(start: date, end: date) -> list[date]:
    """Every Monday of the weeks that touch [start, end]."""
    first, last = monday_of(start), monday_of(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def weekly_totals(
    cells: Iterable[HourCell],
    start: date,
    end: date,
    team: str | None = None,
    settings: EvaluationSettings | None = None,
) -> list[WeekTotals]:
    """Sums per week over [start, end] (all teams when team is None); empty weeks included."""
    teams = [team] if team is not None else []
    return weekly_by_team(cells, start, end, teams, settings)[team]


def weekly_by_team(
    cells: Iterable[HourCell],
    start: date,
    end: date,
    teams: Iterable[str],
    settings: EvaluationSettings | None = None,
) -> dict[str | None, list[WeekTotals]]:
    """Weekly sums of each named team and of all teams (key None), in one pass over the cells."""
    chosen = settings or EvaluationSettings()
    weeks = week_starts(start, end)
    keys: tuple[str | None, ...] = (None, *teams)
    per_week: dict[str | None, dict[date, list[HourCell]]] = {
        key: {week: [] for week in weeks} for key in keys
    }
    first = last = None
    for cell in cells:
        if not start <= cell.day <= end:
            continue
        first = cell.day if first is None or cell.day < first else first
        last = cell.day if last is None or cell.day > last else last
        monday = monday_of(cell.day)
        per_week[None][monday].append(cell)
        mine = per_week.get(cell.team)
        if mine is not None:
            mine[monday].append(cell)
    return {
        key: [
            WeekTotals(
                week,
                CellTotals.of(rows[week]),
                chosen,
                first is not None
                and last is not None
                and monday_of(first) <= week <= monday_of(last),
            )
            for week in weeks
        ]
        for key, rows in per_week.items()
    }
