"""The aggregates of `callcenter.storage.aggregates`, computed in memory from call records.

The same definitions, statement by statement, for call sets that never touch a database:
the synthetic pilot data in the validity tests, and as the oracle the SQL is tested
against on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import Closure
from callcenter.evaluation.days import closure_days, day_bounds_utc, local_day_hour
from callcenter.evaluation.inputs import (
    Aggregates,
    CallerDay,
    EvaluationSettings,
    TeamPeriodStats,
)
from callcenter.evaluation.model import HourCell

ANNOUNCED = frozenset({Outcome.ANNOUNCEMENT, Outcome.ANNOUNCEMENT_HANGUP})
QUEUED = frozenset({Outcome.ANSWERED, Outcome.ABANDONED, Outcome.TIMEOUT})
SYNTHETIC_PREFIX = "syn-"
DELAY_SLACK_SECONDS = 0.001
_CELL_FIELDS = 13


class _LocalHours:
    """Office-local (day, hour) of an instant's UTC hour, remembered per UTC hour: the
    same bucketing as the SQL (floor to the UTC hour, then convert)."""

    def __init__(self, tz: tzinfo) -> None:
        self._tz = tz
        self._known: dict[int, tuple[date, int]] = {}

    def __call__(self, at: datetime) -> tuple[date, int]:
        key = int(at.timestamp()) // 3600
        found = self._known.get(key)
        if found is None:
            found = local_day_hour(datetime.fromtimestamp(key * 3600, UTC), self._tz)
            self._known[key] = found
        return found


@dataclass
class _TeamPeriod:
    callers: set[str] = field(default_factory=set)
    queued_wait: float = 0.0
    abandoned: int = 0
    synthetic: int = 0
    waits: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def aggregate_records(
    records: Iterable[CallRecord],
    tz: tzinfo,
    teams: Sequence[str],
    start: date,
    end: date,
    settings: EvaluationSettings,
    *,
    cells_start: date | None = None,
    closures: Iterable[Closure] = (),
    walk_ins: Iterable[tuple[str, date, int]] = (),
) -> Aggregates:
    """`read_aggregates` over an in-memory call set (see callcenter.storage.aggregates)."""
    first = min(cells_start or start, start)
    team_list = tuple(dict.fromkeys(teams))
    wanted = frozenset(team_list)
    period_begin, period_end = day_bounds_utc(start, end, tz)
    cells_begin, _ = day_bounds_utc(first, end, tz)
    repeat = timedelta(days=settings.repeat_window_days)
    horizon = timedelta(days=settings.displaced_horizon_days)
    earliest = min(cells_begin - repeat, period_begin)
    latest = period_end + horizon

    local = _LocalHours(tz)
    cells: dict[tuple[str, date, int], list[float]] = {}
    sequences: dict[tuple[str, str], list[CallRecord]] = defaultdict(list)
    periods: dict[str, _TeamPeriod] = defaultdict(_TeamPeriod)
    for record in records:
        if record.team not in wanted or not earliest <= record.started < latest:
            continue
        if record.caller != WITHHELD:
            sequences[(record.team, record.caller)].append(record)
        if cells_begin <= record.started < period_end:
            _add_to_cell(cells, record, local, settings)
        if period_begin <= record.started < period_end:
            _add_to_period(periods[record.team], record, settings)

    caller_days: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    displaced: dict[str, list[int | None]] = defaultdict(list)
    for (team, _caller), calls in sequences.items():
        # Stable sort: calls with the same start keep their order of arrival (the SQL
        # orders those by row id, i.e. insertion order).
        calls.sort(key=lambda r: r.started)
        _count_contacts(calls, team, local, cells_begin, period_end, repeat, caller_days)
        delay = _displacement(calls, period_begin, period_end, horizon)
        if delay is not _NOT_ANNOUNCED:
            displaced[team].append(delay)  # type: ignore[arg-type]

    return Aggregates(
        teams=team_list,
        start=start,
        end=end,
        cells_start=first,
        settings=settings,
        cells=tuple(hour_cell(key, values) for key, values in sorted(cells.items())),
        caller_days=tuple(
            CallerDay(team, day, calls, contacts)
            for (team, day), (calls, contacts) in sorted(caller_days.items())
        ),
        team_stats=tuple(
            _stats(team, periods.get(team), displaced.get(team, []), settings) for team in team_list
        ),
        closure_days=closure_days(
            ((c.team, c.start, c.end) for c in closures), team_list, tz, first, end
        ),
        walk_ins=tuple(
            sorted(
                (team, day, count)
                for (team, day), count in _sum_walk_ins(walk_ins).items()
                if team in wanted and first <= day <= end
            )
        ),
    )


def _sum_walk_ins(entries: Iterable[tuple[str, date, int]]) -> dict[tuple[str, date], int]:
    totals: dict[tuple[str, date], int] = defaultdict(int)
    for team, day, count in entries:
        totals[(team, day)] += count
    return totals


def _add_to_cell(
    cells: dict[tuple[str, date, int], list[float]],
    r: CallRecord,
    local: _LocalHours,
    settings: EvaluationSettings,
) -> None:
    day, hour = local(r.started)
    cell = cells.setdefault((r.team, day, hour), [0.0] * _CELL_FIELDS)
    inside = r.in_hours is True
    answered = r.outcome == Outcome.ANSWERED
    abandoned = r.outcome == Outcome.ABANDONED
    wait = r.wait_seconds
    cell[0] += 1
    cell[1] += inside
    cell[2] += r.in_hours is False
    cell[3] += r.line_kind == LineKind.TEAM_LINE
    cell[4] += r.line_kind == LineKind.DIRECT_LINE
    cell[5] += r.line_kind == LineKind.SWITCHBOARD
    if inside and answered:
        cell[6] += 1
        cell[7] += wait is not None and wait <= settings.service_level_seconds
        cell[11] += wait or 0.0
        cell[12] += r.talk_seconds or 0.0
    if inside and abandoned:
        cell[8] += 1
        cell[9] += wait is not None and wait <= settings.short_abandon_seconds
    cell[10] += r.outcome in ANNOUNCED


def hour_cell(key: tuple[str, date, int], v: Sequence[float]) -> HourCell:
    """The hour cell of (team, day, hour) from its sums in the fixed column order (the
    same order the SQL aggregation selects them in)."""
    team, day, hour = key
    # Positional: a fifth cheaper per cell than by keyword. Filling the instance dict
    # instead of calling the frozen __init__ was cheaper still, but left every cell with a
    # materialised dict, whose attribute reads then cost the report as much again.
    return HourCell(
        team,
        day,
        hour,
        int(v[0]),
        int(v[1]),
        int(v[2]),
        int(v[3]),
        int(v[4]),
        int(v[5]),
        int(v[6]),
        int(v[7]),
        int(v[8]),
        int(v[9]),
        int(v[10]),
        float(v[11]),
        float(v[12]),
    )


def _add_to_period(period: _TeamPeriod, r: CallRecord, settings: EvaluationSettings) -> None:
    if r.caller != WITHHELD:
        period.callers.add(r.caller)
    if r.in_hours is True and r.outcome in QUEUED:
        period.queued_wait += r.wait_seconds or 0.0
    if r.in_hours is True and r.outcome == Outcome.ABANDONED:
        period.abandoned += 1
    if r.linked_id.startswith(SYNTHETIC_PREFIX):
        period.synthetic += 1
    if r.in_hours is True and r.outcome == Outcome.ANSWERED and r.wait_seconds is not None:
        second = min(math.floor(r.wait_seconds), settings.wait_histogram_cap_seconds)
        period.waits[second] += 1


def _count_contacts(
    calls: Sequence[CallRecord],
    team: str,
    local: _LocalHours,
    begin: datetime,
    end: datetime,
    repeat: timedelta,
    caller_days: dict[tuple[str, date], list[int]],
) -> None:
    previous: datetime | None = None
    for call in calls:
        if begin <= call.started < end:
            day, _hour = local(call.started)
            counts = caller_days[(team, day)]
            counts[0] += 1
            counts[1] += previous is None or call.started - previous > repeat
        previous = call.started


_NOT_ANNOUNCED = object()


def _displacement(
    calls: Sequence[CallRecord], begin: datetime, end: datetime, horizon: timedelta
) -> int | object | None:
    """Minutes from the caller's first announcement call in [begin, end) to the next
    answered call (None: not within the horizon); _NOT_ANNOUNCED without one."""
    visible = [c for c in calls if begin <= c.started < end + horizon]
    for index, call in enumerate(visible):
        if call.outcome in ANNOUNCED and call.started < end:
            answered = next(
                (c for c in visible[index + 1 :] if c.outcome == Outcome.ANSWERED), None
            )
            if answered is None:
                return None
            delay = answered.started - call.started
            if delay > horizon:
                return None
            # The same millisecond of slack as the SQL (julianday differences are inexact).
            return math.floor((delay.total_seconds() + DELAY_SLACK_SECONDS) / 60.0)
    return _NOT_ANNOUNCED


def _stats(
    team: str,
    period: _TeamPeriod | None,
    delays: list[int | None],
    settings: EvaluationSettings,
) -> TeamPeriodStats:
    period = period or _TeamPeriod()
    histogram: dict[int, int] = defaultdict(int)
    for minutes in delays:
        if minutes is not None:
            histogram[minutes] += 1
    return TeamPeriodStats(
        team=team,
        wait_histogram=tuple(sorted(period.waits.items())),
        unique_callers=len(period.callers),
        announcement_callers=len(delays),
        through_later=sum(1 for d in delays if d is not None),
        delay_histogram_minutes=tuple(sorted(histogram.items())),
        queued_wait_seconds=period.queued_wait,
        abandoned_inside=period.abandoned,
        synthetic_calls=period.synthetic,
    )
