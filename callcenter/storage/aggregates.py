"""The evaluation's SQL side: counts per team × UTC hour and per caller sequence.

Every aggregation runs in the database (SQLAlchemy Core, the same statements on SQLite
and PostgreSQL), so millions of calls come back as a few thousand rows. Pseudonyms never
leave this module: callers are only counted.

* Hours: the two databases share no time-zone function, so calls are grouped by UTC
  hour (a dialect-specific truncation compiled below) and the buckets are put on the
  office's calendar in Python (`callcenter.evaluation.days`). Exact for time zones with
  whole-hour offsets such as Europe/Berlin; DST days get 23 or 25 hours of calls.
* Caller sequences: one window over (team, caller) ordered by start — LAG for the
  previous call (a new contact when there is none within the repeat window) and a running
  minimum for the caller's first announcement call, then grouped per caller (did an
  announcement caller get through later, and when). SQLite has window functions since
  3.25 and FILTER since 3.30; PostgreSQL has both.
* Three passes over the calls of the period: hour cells, caller sequences, answered
  waits (a per-second histogram, so the 90th percentile is exact to the second).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    over,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from callcenter.domain.calls import LineKind, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.evaluation.days import (
    closure_days,
    day_bounds_utc,
    local_day_hour,
    parse_utc_hour,
)
from callcenter.evaluation.inputs import (
    Aggregates,
    CallerDay,
    EvaluationSettings,
    TeamPeriodStats,
)
from callcenter.evaluation.model import HourCell
from callcenter.storage.models import CallRecordRow, ClosureRow, TallyEntryRow

ANNOUNCED = (str(Outcome.ANNOUNCEMENT), str(Outcome.ANNOUNCEMENT_HANGUP))
QUEUED = (str(Outcome.ANSWERED), str(Outcome.ABANDONED), str(Outcome.TIMEOUT))
SYNTHETIC_PREFIX = "syn-"
DELAY_SLACK_SECONDS = 0.001


class utc_hour(FunctionElement[str]):
    """The start of the UTC hour of an instant column, as text 'YYYY-MM-DD HH'."""

    type = String()
    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element: utc_hour, compiler: Any, **kw: Any) -> str:
    # UtcDateTime stores naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite.
    return f"substr({compiler.process(_only(element), **kw)}, 1, 13)"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element: utc_hour, compiler: Any, **kw: Any) -> str:
    column = compiler.process(_only(element), **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


class seconds_between(FunctionElement[float]):
    """later − earlier in seconds, for two instant columns."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


class whole_number(FunctionElement[int]):
    """floor() of a non-negative number as an integer (SQLite's CAST truncates, which is
    the floor for non-negative values; PostgreSQL's CAST would round)."""

    type = Integer()
    inherit_cache = True


@compiles(whole_number, "sqlite")
def _whole_sqlite(element: whole_number, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(_only(element), **kw)} AS INTEGER)"


@compiles(whole_number, "postgresql")
def _whole_postgresql(element: whole_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR({compiler.process(_only(element), **kw)}) AS INTEGER)"


def _only(element: FunctionElement[Any]) -> Any:
    (argument,) = element.clauses
    return argument


def _count_if(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
    # FILTER (SQLite >= 3.30, PostgreSQL) is cheaper than SUM(CASE ...) per row.
    return func.count().filter(and_(*conditions))


def _sum_if(value: ColumnElement[Any], *conditions: ColumnElement[bool]) -> ColumnElement[float]:
    return func.coalesce(func.sum(value).filter(and_(*conditions)), 0.0)


def read_aggregates(
    session: Session,
    tz: tzinfo,
    teams: Sequence[str],
    start: date,
    end: date,
    settings: EvaluationSettings,
    *,
    cells_start: date | None = None,
) -> Aggregates:
    """Everything the evaluation needs for `teams` over office-local days [start, end].

    Hour cells, caller days, closure days and walk-ins also cover [cells_start, start)
    so that a pilot's comparison period before the report period can be evaluated.
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    first = min(cells_start or start, start)
    team_list = tuple(dict.fromkeys(teams))
    period = day_bounds_utc(start, end, tz)
    cells_begin, _ = day_bounds_utc(first, end, tz)
    cells, extras = _hour_cells(session, tz, team_list, cells_begin, period[1], settings)
    sequences = _sequences(session, tz, team_list, cells_begin, period, settings)
    waits = _wait_histograms(session, team_list, *period, settings)
    in_period = [e for e in extras if start <= e[1] <= end]
    team_stats = tuple(
        TeamPeriodStats(
            team=team,
            wait_histogram=waits.get(team, ()),
            unique_callers=sequences.callers.get(team, 0),
            announcement_callers=sequences.announced.get(team, 0),
            through_later=sequences.through.get(team, 0),
            delay_histogram_minutes=tuple(sorted(sequences.delays.get(team, {}).items())),
            queued_wait_seconds=sum(e[2] for e in in_period if e[0] == team),
            abandoned_inside=sum(
                c.abandoned_inside for c in cells if c.team == team and start <= c.day <= end
            ),
            synthetic_calls=int(sum(e[3] for e in in_period if e[0] == team)),
        )
        for team in team_list
    )
    return Aggregates(
        teams=team_list,
        start=start,
        end=end,
        cells_start=first,
        settings=settings,
        cells=cells,
        caller_days=sequences.caller_days,
        team_stats=team_stats,
        closure_days=_closure_days(session, tz, team_list, first, end),
        walk_ins=_walk_ins(session, team_list, first, end),
    )


def data_span(session: Session, tz: tzinfo) -> tuple[date, date] | None:
    """First and last office-local day with a call, or None without calls."""
    # min()/max() keep the column's type, so both come back as aware UTC datetimes.
    first, last = session.execute(
        select(func.min(CallRecordRow.started), func.max(CallRecordRow.started))
    ).one()
    if first is None or last is None:
        return None
    return first.astimezone(tz).date(), last.astimezone(tz).date()


def _in_range(begin: datetime, end: datetime, teams: Sequence[str]) -> list[ColumnElement[bool]]:
    c = CallRecordRow
    return [c.started >= begin, c.started < end, c.team.in_(teams)]


# (team, local day, queued wait seconds, synthetic calls) per hour cell
Extras = tuple[str, date, float, float]


def _hour_cells(
    session: Session,
    tz: tzinfo,
    teams: Sequence[str],
    begin: datetime,
    end: datetime,
    settings: EvaluationSettings,
) -> tuple[tuple[HourCell, ...], list[Extras]]:
    if not teams:
        return (), []
    c = CallRecordRow
    inside = c.in_hours == true()
    answered = c.outcome == str(Outcome.ANSWERED)
    abandoned = c.outcome == str(Outcome.ABANDONED)
    wait = func.coalesce(c.wait_seconds, 0.0)
    bucket = utc_hour(c.started).label("bucket")
    statement = (
        select(
            c.team,
            bucket,
            func.count().label("offered"),
            _count_if(inside),
            _count_if(c.in_hours == false()),
            _count_if(c.line_kind == str(LineKind.TEAM_LINE)),
            _count_if(c.line_kind == str(LineKind.DIRECT_LINE)),
            _count_if(c.line_kind == str(LineKind.SWITCHBOARD)),
            _count_if(inside, answered),
            _count_if(inside, answered, c.wait_seconds <= settings.service_level_seconds),
            _count_if(inside, abandoned),
            _count_if(inside, abandoned, c.wait_seconds <= settings.short_abandon_seconds),
            _count_if(c.outcome.in_(ANNOUNCED)),
            _sum_if(wait, inside, answered),
            _sum_if(func.coalesce(c.talk_seconds, 0.0), inside, answered),
            _sum_if(wait, inside, c.outcome.in_(QUEUED)),
            _count_if(c.linked_id.startswith(SYNTHETIC_PREFIX, autoescape=True)),
        )
        .where(*_in_range(begin, end, teams))
        .group_by(c.team, bucket)
    )
    merged: dict[tuple[str, date, int], list[float]] = {}
    for row in session.execute(statement):
        day, hour = local_day_hour(parse_utc_hour(row[1]), tz)
        values = [float(v) for v in row[2:]]
        key = (row[0], day, hour)
        if key in merged:
            # The repeated autumn hour: two UTC hours, one local hour.
            merged[key] = [a + b for a, b in zip(merged[key], values, strict=True)]
        else:
            merged[key] = values
    cells = tuple(_cell(key, values) for key, values in sorted(merged.items()))
    extras = [(key[0], key[1], values[13], values[14]) for key, values in merged.items()]
    return cells, extras


def _cell(key: tuple[str, date, int], v: list[float]) -> HourCell:
    team, day, hour = key
    return HourCell(
        team=team,
        day=day,
        hour=hour,
        offered=int(v[0]),
        inside=int(v[1]),
        outside=int(v[2]),
        team_line=int(v[3]),
        direct_line=int(v[4]),
        switchboard=int(v[5]),
        answered_inside=int(v[6]),
        answered_within_target=int(v[7]),
        abandoned_inside=int(v[8]),
        short_abandons_inside=int(v[9]),
        announcements=int(v[10]),
        wait_total_seconds=v[11],
        talk_total_seconds=v[12],
    )


@dataclass
class _Sequences:
    caller_days: tuple[CallerDay, ...] = ()
    callers: dict[str, int] = field(default_factory=dict)
    announced: dict[str, int] = field(default_factory=dict)
    through: dict[str, int] = field(default_factory=dict)
    delays: dict[str, dict[int, int]] = field(default_factory=dict)


def _sequences(
    session: Session,
    tz: tzinfo,
    teams: Sequence[str],
    cells_begin: datetime,
    period: tuple[datetime, datetime],
    settings: EvaluationSettings,
) -> _Sequences:
    """One statement over the calls with a known caller. One window over each caller's
    calls to a team, ordered by start, gives every call the start of the caller's previous
    call (LAG) and the caller's first announcement call in the period so far (a running
    minimum). Materialised once, it is read three ways:

    * per team × UTC hour: calls, and new contacts (no previous call within the window);
    * per team × caller: whether the caller called in the period, the first announcement
      call, and the first answered call after it; grouped by team and delay in whole
      minutes (−1: not answered within the horizon, −2: no announcement call, −3: no call
      in the period) — unique callers and displaced demand.

    Calls of one caller to one team in the same microsecond are ordered arbitrarily. The
    window's order (team, caller, started, outcome) is the covering index of migration
    0004, so SQLite reads the calls in order instead of sorting them.
    """
    if not teams:
        return _Sequences()
    c = CallRecordRow
    begin, end = period
    window = settings.repeat_window_days * 86400.0
    horizon = settings.displaced_horizon_days * 86400.0
    in_period = and_(c.started >= begin, c.started < end)
    seq = (
        select(
            c.team.label("team"),
            c.caller.label("caller"),
            c.started.label("started"),
            c.outcome.label("outcome"),
            over(
                func.lag(c.started), partition_by=(c.team, c.caller), order_by=c.started
            ).label("previous"),
            over(
                func.min(case((and_(c.outcome.in_(ANNOUNCED), in_period), c.started))),
                partition_by=(c.team, c.caller),
                order_by=c.started,
                rows=(None, 0),
            ).label("announced_since"),
        )
        .where(
            c.started >= cells_begin - timedelta(days=settings.repeat_window_days),
            c.started < end + timedelta(days=settings.displaced_horizon_days),
            c.team.in_(teams),
            c.caller != WITHHELD,
        )
        .cte("sequence")
        .prefix_with("MATERIALIZED")
    )
    no_text = cast(null(), String)
    no_number = cast(null(), Integer)
    new_contact = or_(
        seq.c.previous.is_(None), seconds_between(seq.c.started, seq.c.previous) > window
    )
    hour = utc_hour(seq.c.started)
    contacts = (
        select(
            literal("contacts").label("kind"),
            seq.c.team,
            hour.label("hour"),
            no_number.label("minutes"),
            func.count().label("first"),
            _count_if(new_contact).label("second"),
        )
        .where(seq.c.started >= cells_begin, seq.c.started < end)
        .group_by(seq.c.team, hour)
    )
    seq_in_period = and_(seq.c.started >= begin, seq.c.started < end)
    per_caller = (
        select(
            seq.c.team.label("team"),
            func.max(case((seq_in_period, 1), else_=0)).label("in_period"),
            func.min(seq.c.announced_since).label("announcement"),
            # An answered call with a first announcement before it: the caller got through.
            func.min(
                case(
                    (
                        and_(
                            seq.c.outcome == str(Outcome.ANSWERED),
                            seq.c.announced_since.is_not(None),
                        ),
                        seq.c.started,
                    )
                )
            ).label("answered"),
        )
        .group_by(seq.c.team, seq.c.caller)
        .subquery("per_caller")
    )
    delay = seconds_between(per_caller.c.answered, per_caller.c.announcement)
    minutes = case(
        (per_caller.c.in_period == 0, literal(-3)),
        (per_caller.c.announcement.is_(None), literal(-2)),
        (or_(per_caller.c.answered.is_(None), delay > horizon), literal(-1)),
        # julianday() differences are off by microseconds: a millisecond keeps 40:00 at 40.
        else_=whole_number((delay + DELAY_SLACK_SECONDS) / 60.0),
    )
    callers = select(
        literal("callers"),
        per_caller.c.team,
        no_text,
        minutes,
        func.count(),
        literal(0),
    ).group_by(per_caller.c.team, minutes)
    found = _Sequences()
    days: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for kind, team, text, delay_minutes, first, second in session.execute(
        union_all(contacts, callers)
    ):
        if kind == "contacts":
            day, _hour = local_day_hour(parse_utc_hour(text), tz)
            counts = days[(team, day)]
            counts[0] += int(first)
            counts[1] += int(second)
        elif kind == "callers" and delay_minutes >= -2:
            count = int(first)
            found.callers[team] = found.callers.get(team, 0) + count
            if delay_minutes >= -1:
                found.announced[team] = found.announced.get(team, 0) + count
            if delay_minutes >= 0:
                found.through[team] = found.through.get(team, 0) + count
                found.delays.setdefault(team, {})[int(delay_minutes)] = count
    found.caller_days = tuple(
        CallerDay(team, day, calls, contacts_)
        for (team, day), (calls, contacts_) in sorted(days.items())
    )
    return found


def _wait_histograms(
    session: Session,
    teams: Sequence[str],
    begin: datetime,
    end: datetime,
    settings: EvaluationSettings,
) -> dict[str, tuple[tuple[int, int], ...]]:
    if not teams:
        return {}
    c = CallRecordRow
    cap = settings.wait_histogram_cap_seconds
    whole = whole_number(c.wait_seconds)
    bucket = case((whole > cap, literal(cap)), else_=whole).label("bucket")
    statement = (
        select(c.team, bucket, func.count())
        .where(
            *_in_range(begin, end, teams),
            c.in_hours == true(),
            c.outcome == str(Outcome.ANSWERED),
            c.wait_seconds.is_not(None),
        )
        .group_by(c.team, bucket)
    )
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for team, second, count in session.execute(statement):
        found[team].append((int(second), int(count)))
    return {team: tuple(sorted(rows)) for team, rows in found.items()}


def _closure_days(
    session: Session, tz: tzinfo, teams: Sequence[str], first: date, last: date
) -> tuple[tuple[str, date], ...]:
    begin, end = day_bounds_utc(first, last, tz)
    rows = session.execute(
        select(ClosureRow.team_id, ClosureRow.starts_at, ClosureRow.ends_at).where(
            ClosureRow.starts_at < end, ClosureRow.ends_at > begin
        )
    )
    return closure_days(((r[0], r[1], r[2]) for r in rows), teams, tz, first, last)


def _walk_ins(
    session: Session, teams: Sequence[str], first: date, last: date
) -> tuple[tuple[str, date, int], ...]:
    if not teams:
        return ()
    t = TallyEntryRow
    statement = (
        select(t.team, t.day, func.sum(t.walk_ins))
        .where(t.walk_ins.is_not(None), t.day >= first, t.day <= last, t.team.in_(teams))
        .group_by(t.team, t.day)
        .order_by(t.team, t.day)
    )
    return tuple((team, day, int(total or 0)) for team, day, total in session.execute(statement))
