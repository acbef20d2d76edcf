"""Weekly sums of a team's hour cells, the series behind the per-team charts.

Rates per week follow the metrics reference: answer rate = answered inside ÷ offered inside,
service level = answered within the threshold ÷ (offered inside − short abandons), mean wait =
wait total ÷ answered inside (wait totals are kept over answered calls). Short abandons are
left out of the service level as the evaluation does by default; the report does not say
whether an office switched that off, so the weekly series then differ from the period figure
by those few calls. A week without calls inside the
hours has no rate (None), drawn as a gap rather than a misleading 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from callcenter.evaluation.model import HourCell


@dataclass(frozen=True)
class WeekTotals:
    week_start: date  # the Monday
    offered: int = 0
    inside: int = 0
    outside: int = 0
    team_line: int = 0
    direct_line: int = 0
    switchboard: int = 0
    answered_inside: int = 0
    answered_within_target: int = 0
    abandoned_inside: int = 0
    short_abandons_inside: int = 0
    wait_total_seconds: float = 0.0

    @property
    def answer_rate(self) -> float | None:
        return self.answered_inside / self.inside if self.inside else None

    @property
    def service_level(self) -> float | None:
        counted = self.inside - self.short_abandons_inside
        return self.answered_within_target / counted if counted > 0 else None

    @property
    def wait_mean_seconds(self) -> float | None:
        return self.wait_total_seconds / self.answered_inside if self.answered_inside else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(start: date, end: date) -> list[date]:
    """Every Monday of the weeks that touch [start, end]."""
    first, last = monday_of(start), monday_of(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def weekly_totals(
    cells: Iterable[HourCell], start: date, end: date, team: str | None = None
) -> list[WeekTotals]:
    """Sums per week over [start, end] (all teams when team is None); empty weeks included."""
    return weekly_by_team(cells, start, end, [team] if team is not None else [])[team]


def weekly_by_team(
    cells: Iterable[HourCell], start: date, end: date, teams: Iterable[str]
) -> dict[str | None, list[WeekTotals]]:
    """Weekly sums of each named team and of all teams (key None), in one pass over the cells."""
    weeks = week_starts(start, end)
    sums: dict[str | None, dict[date, list[float]]] = {
        key: {week: [0.0] * 11 for week in weeks} for key in (None, *teams)
    }
    for cell in cells:
        if not start <= cell.day <= end:
            continue
        monday = monday_of(cell.day)
        _add(sums[None][monday], cell)
        per_team = sums.get(cell.team)
        if per_team is not None:
            _add(per_team[monday], cell)
    return {key: _totals(rows) for key, rows in sums.items()}


def _add(row: list[float], cell: HourCell) -> None:
    row[0] += cell.offered
    row[1] += cell.inside
    row[2] += cell.outside
    row[3] += cell.team_line
    row[4] += cell.direct_line
    row[5] += cell.switchboard
    row[6] += cell.answered_inside
    row[7] += cell.answered_within_target
    row[8] += cell.abandoned_inside
    row[9] += cell.short_abandons_inside
    row[10] += cell.wait_total_seconds


def _totals(sums: dict[date, list[float]]) -> list[WeekTotals]:
    return [
        WeekTotals(
            week_start=week,
            offered=int(row[0]),
            inside=int(row[1]),
            outside=int(row[2]),
            team_line=int(row[3]),
            direct_line=int(row[4]),
            switchboard=int(row[5]),
            answered_inside=int(row[6]),
            answered_within_target=int(row[7]),
            abandoned_inside=int(row[8]),
            short_abandons_inside=int(row[9]),
            wait_total_seconds=row[10],
        )
        for week, row in sorted(sums.items())
    ]
