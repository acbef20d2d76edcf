"""Staff needed per hour of the call-hour windows (Erlang C, and Erlang A with patience)."""

from __future__ import annotations

from collections.abc import Iterable

from callcenter.evaluation.erlang import WithinMemo, agents_a, agents_c, service_level_c
from callcenter.evaluation.inputs import EvaluationSettings, TeamPeriodStats
from callcenter.evaluation.metrics import talk_mean_of
from callcenter.evaluation.model import HourCell, Staffing, StaffingHour
from callcenter.evaluation.windows import Grid

# Without any answered call to measure, staffing assumes this handling time.
DEFAULT_HANDLING_SECONDS = 180.0


def handling_seconds(
    cells: Iterable[HourCell], fallback: float, settings: EvaluationSettings
) -> float:
    """Measured mean talk time of the answered calls inside the hours, plus wrap-up."""
    talk = talk_mean_of(cells)
    return (talk if talk and talk > 0 else fallback) + settings.wrap_up_seconds


def patience_seconds(stats: TeamPeriodStats | None) -> float | None:
    """Mean patience: all time spent queueing ÷ abandons (the exponential-patience estimate)."""
    if stats is None or stats.abandoned_inside == 0 or stats.queued_wait_seconds <= 0:
        return None
    return stats.queued_wait_seconds / stats.abandoned_inside


def staffing_hour(
    weekday: int,
    hour: int,
    calls_per_hour: float,
    handling: float,
    patience: float | None,
    settings: EvaluationSettings,
    memo: WithinMemo | None = None,
) -> StaffingHour:
    """Agents for the target service level while the window is open (at least one)."""
    threshold = settings.service_level_seconds
    target = settings.target_service_level
    agents = agents_c(calls_per_hour, handling, threshold, target) if calls_per_hour > 0 else 1
    level = service_level_c(agents, calls_per_hour, handling, threshold) if calls_per_hour else 1.0
    agents_with_patience = None
    if patience is not None:
        agents_with_patience = (
            agents_a(calls_per_hour, handling, patience, threshold, target, memo)
            if calls_per_hour
            else 1
        )
    return StaffingHour(weekday, hour, calls_per_hour, agents, level, agents_with_patience)


def staffing(
    team: str,
    calls: Grid,
    coverage: Grid,
    handling: float,
    patience: float | None,
    settings: EvaluationSettings,
) -> Staffing:
    """Staff per open hour. `calls` are mean calls per hour that fall inside the windows;
    an hour open only in part (17:00–17:30) gets them at the rate of its open part."""
    hours = []
    memo = WithinMemo()  # the team's hours share handling time and patience
    for weekday in range(7):
        for hour in range(24):
            share = coverage[weekday][hour]
            if share <= 0:
                continue
            rate = calls[weekday][hour] / share
            hours.append(staffing_hour(weekday, hour, rate, handling, patience, settings, memo))
    return Staffing(
        team=team,
        handling_seconds=handling,
        target_service_level=settings.target_service_level,
        threshold_seconds=settings.service_level_seconds,
        patience_seconds=patience,
        hours=tuple(hours),
    )
