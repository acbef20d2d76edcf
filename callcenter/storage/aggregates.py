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

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
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
from callcenter.evaluation.records import hour_cell
from callcenter.storage.models import (
    ANNOUNCED_CONDITION,
    ANSWERED_INSIDE_CONDITION,
    CallRecordRow,
    ClosureRow,
    TallyEntryRow,
)

ANNOUNCED = (str(Outcome.ANNOUNCEMENT), str(Outcome.ANNOUNCEMENT_HANGUP))
QUEUED = (str(Outcome.ANSWERED), str(Outcome.ABANDONED), str(Outcome.TIMEOUT))
SYNTHETIC_PREFIX = "syn-"
HOURS_A_DAY = 24
DELAY_SLACK_SECONDS = 0.001

# PostgreSQL cannot estimate how many groups the UTC hour of `started` makes (no statistics
# on an expression) and assumes one per call: it then sorts every call of the period for a
# GroupAggregate, spilling to disk past 4 MB of work_mem (over 1M calls ~130 MB in temp
# files). The groups are teams × hours (≈10k over half a year), which a hash table holds in
# a few MB; without sorting the planner takes it. work_mem bounds that table before it
# spills, for this one statement only: a state's 120 teams × half a year of hours (263k
# groups of 20 aggregates) take about 190 MB, which 128 MB (× hash_mem_multiplier 2) holds;
# at 64 MB the table spilled 400 MB to disk and the statement took a quarter longer.
HOUR_CELL_SETTINGS = {"enable_sort": "off", "work_mem": "128MB"}
# The displaced callers' correlated seek is estimated far above jit_optimize_above_cost, so
# PostgreSQL spent ~0.45 s (over 1M calls) on LLVM inlining and optimisation for a query of
# index seeks that compiled expressions do not speed up.
SIDE_PASS_SETTINGS = {"jit": "off"}


class utc_hour(FunctionElement[Any]):
    """What calls are grouped by for their UTC hour. SQLite: the text 'YYYY-MM-DD HH' of
    the stored naive UTC text. PostgreSQL: the timestamp truncated to the hour, which is
    cheaper per row than formatting it; `utc_hour_text` formats it once per group."""

    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element: utc_hour, compiler: Any, **kw: Any) -> str:
    # UtcDateTime stores naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite.
    return f"substr({compiler.process(_only(element), **kw)}, 1, 13)"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element: utc_hour, compiler: Any, **kw: Any) -> str:
    column = compiler.process(_only(element), **kw)
    return f"date_trunc('hour', ({column}) AT TIME ZONE 'UTC')"


class utc_hour_text(FunctionElement[str]):
    """A `utc_hour` group key as text 'YYYY-MM-DD HH', as both dialects hand it back."""

    type = String()
    inherit_cache = True


@compiles(utc_hour_text, "sqlite")
def _utc_hour_text_sqlite(element: utc_hour_text, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(_only(element), **kw))


@compiles(utc_hour_text, "postgresql")
def _utc_hour_text_postgresql(element: utc_hour_text, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(_only(element), **kw)}, 'YYYY-MM-DD HH24')"


class no_index(FunctionElement[Any]):
    """A column SQLite must not look up through an index: SQLite's documented unary `+`
    ("disqualifying WHERE clause terms"); PostgreSQL's planner weighs the range itself."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(no_index, "sqlite")
def _no_index_sqlite(element: no_index, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(_only(element), **kw)}"


@compiles(no_index, "postgresql")
def _no_index_postgresql(element: no_index, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(_only(element), **kw))


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
    side_session: Callable[[], AbstractContextManager[Session]] | None = None,
) -> Aggregates:
    """Everything the evaluation needs for `teams` over office-local days [start, end].

    Hour cells, caller days, closure days and walk-ins also cover [cells_start, start)
    so that a pilot's comparison period before the report period can be evaluated.

    With `side_session` (a factory of further sessions on the same database) the two
    smaller passes run in a second thread on their own connection while the hour cells
    are counted: both databases answer them in parallel, and the drivers release the GIL
    while the database works. Their transaction is then another one than `session`'s; a
    call written in between may be counted in one pass and not the other.
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    first = min(cells_start or start, start)
    team_list = tuple(dict.fromkeys(teams))
    period = day_bounds_utc(start, end, tz)
    cells_begin, _ = day_bounds_utc(first, end, tz)
    with _gc_paused():
        if side_session is None:
            cells, extras, callers = _hour_cells(
                session, tz, team_list, cells_begin, period, settings
            )
            displaced, waits = _side_passes(session, team_list, period, settings)
        else:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aggregates") as pool:
                side = pool.submit(_side_passes_in, side_session, team_list, period, settings)
                cells, extras, callers = _hour_cells(
                    session, tz, team_list, cells_begin, period, settings
                )
                displaced, waits = side.result()
    # Per team in one pass each (in their order, so the float sums stay as they were),
    # not one scan of every team's rows per team.
    extras_of: dict[str, list[Any]] = {team: [] for team in team_list}
    for extra in extras:
        if start <= extra[1] <= end:
            extras_of.setdefault(extra[0], []).append(extra)
    abandoned_of = dict.fromkeys(team_list, 0)
    for cell in cells:
        if start <= cell.day <= end:
            abandoned_of[cell.team] = abandoned_of.get(cell.team, 0) + cell.abandoned_inside
    team_stats = tuple(
        TeamPeriodStats(
            team=team,
            wait_histogram=waits.get(team, ()),
            unique_callers=int(sum(e[4] for e in extras_of[team])),
            announcement_callers=displaced.announced.get(team, 0),
            through_later=displaced.through.get(team, 0),
            delay_histogram_minutes=tuple(sorted(displaced.delays.get(team, {}).items())),
            queued_wait_seconds=sum(e[2] for e in extras_of[team]),
            abandoned_inside=abandoned_of[team],
            synthetic_calls=int(sum(e[3] for e in extras_of[team])),
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
        caller_days=callers,
        team_stats=team_stats,
        closure_days=_closure_days(session, tz, team_list, first, end),
        walk_ins=_walk_ins(session, team_list, first, end),
    )


Waits = dict[str, tuple[tuple[int, int], ...]]


def _side_passes(
    session: Session,
    teams: Sequence[str],
    period: tuple[datetime, datetime],
    settings: EvaluationSettings,
) -> tuple[_Displaced, Waits]:
    with _postgresql_settings(session, SIDE_PASS_SETTINGS):
        return (
            _displaced(session, teams, period, settings),
            _wait_histograms(session, teams, *period, settings),
        )


@contextmanager
def _postgresql_settings(session: Session, settings: dict[str, str]) -> Iterator[None]:
    """Planner settings for the statements inside, on PostgreSQL only; the previous values
    come back afterwards. Local to the transaction (set_config(..., true) = SET LOCAL), so
    they never outlive it on a pooled connection."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    change = text("SELECT set_config(:name, :value, true)")
    before = {
        name: session.scalar(text("SELECT current_setting(:name)"), {"name": name})
        for name in settings
    }
    for name, value in settings.items():
        session.execute(change, {"name": name, "value": value})
    # An error inside aborts the transaction, which undoes SET LOCAL by itself.
    yield
    for name, value in before.items():
        session.execute(change, {"name": name, "value": value})


def _side_passes_in(
    open_session: Callable[[], AbstractContextManager[Session]],
    teams: Sequence[str],
    period: tuple[datetime, datetime],
    settings: EvaluationSettings,
) -> tuple[_Displaced, Waits]:
    with open_session() as session:
        return _side_passes(session, teams, period, settings)


def data_span(
    session: Session, tz: tzinfo, teams: Sequence[str] | None = None
) -> tuple[date, date] | None:
    """First and last office-local day with a call (of `teams`, if given), or None.

    Per team, min() and max() are two seeks into the (team, started) index; over all
    calls SQLite would read the whole index."""
    c = CallRecordRow
    bounds: list[tuple[datetime | None, datetime | None]]
    if teams is None:
        first, last = session.execute(select(func.min(c.started), func.max(c.started))).one()
        bounds = [(first, last)]
    else:
        bounds = [
            (
                session.scalar(select(func.min(c.started)).where(c.team == team)),
                session.scalar(select(func.max(c.started)).where(c.team == team)),
            )
            for team in dict.fromkeys(teams)
        ]
    # min()/max() keep the column's type, so they come back as aware UTC datetimes.
    firsts = [first for first, _ in bounds if first is not None]
    lasts = [last for _, last in bounds if last is not None]
    if not firsts or not lasts:
        return None
    return min(firsts).astimezone(tz).date(), max(lasts).astimezone(tz).date()


def _in_range(
    begin: datetime, end: datetime, teams: Sequence[str], *, scan: bool = False
) -> list[ColumnElement[bool]]:
    """The calls of `teams` started in [begin, end). With `scan`, SQLite reads the table
    straight through instead of the (team, started) index: for a range holding most of
    the table, fetching each row through the index costs about a sixth more."""
    c = CallRecordRow
    started = no_index(c.started) if scan else c.started
    team = no_index(c.team) if scan else c.team
    return [started >= begin, started < end, team.in_(teams)]


# (team, local day, queued wait seconds, synthetic calls, first calls of the period) per
# hour cell
Extras = tuple[str, date, float, float, float]


def _hour_cells(
    session: Session,
    tz: tzinfo,
    teams: Sequence[str],
    begin: datetime,
    period: tuple[datetime, datetime],
    settings: EvaluationSettings,
) -> tuple[tuple[HourCell, ...], list[Extras], tuple[CallerDay, ...]]:
    """Counts per team × hour in one pass. Besides the hour cells' counts, from each
    call's link to the caller's previous call (storage/caller_links.py): calls with a
    known caller, new contacts among them (no call within the repeat window before), and
    the callers' first calls of the report period (their number is the unique callers)."""
    if not teams:
        return (), [], ()
    c = CallRecordRow
    period_begin, end = period
    inside = c.in_hours == true()
    answered = c.outcome == str(Outcome.ANSWERED)
    abandoned = c.outcome == str(Outcome.ABANDONED)
    known = c.caller != WITHHELD
    wait = func.coalesce(c.wait_seconds, 0.0)
    window = settings.repeat_window_days * 86400.0
    bucket = utc_hour(c.started)
    scan = _mostly_everything(session, begin, end, teams)
    statement = (
        select(
            c.team,
            utc_hour_text(bucket),
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
            _count_if(known),
            _count_if(
                known,
                or_(
                    c.previous_started.is_(None),
                    seconds_between(c.started, c.previous_started) > window,
                ),
            ),
            _count_if(
                known,
                c.started >= period_begin,
                or_(c.previous_started.is_(None), c.previous_started < period_begin),
            ),
        )
        .where(*_in_range(begin, end, teams, scan=scan))
        # Hour first: with the team first SQLite would walk the (team, started) index for
        # the grouping order and fetch each row through it after all.
        .group_by(bucket, c.team)
    )
    with _postgresql_settings(session, HOUR_CELL_SETTINGS):
        # On the session's connection, past the ORM: its result processing of a state's
        # hundreds of thousands of rows costs more than the rows' use, and plain columns
        # need none of it.
        rows = session.connection().execute(statement).all()
    merged = _local_hours(rows, tz)
    del rows  # the merged counts hold what is needed: the rows go before the cells come
    return _cells(merged), _extras(merged), _caller_days(merged)


# A team's counts per office-local hour: local hour key → (day, hour, the row's counts).
LocalHours = dict[str, dict[int, tuple[date, int, Sequence[Any]]]]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while the passes run and the hour cells are made. A
    state's rows make a million objects without cycles, and each full collection on the way
    walked every one of them again (a third of the cells' time over 2M calls). Over the
    fetch too, and over the side passes' thread, which the pause covers as the process's
    collector is one: over 100k calls the rows alone set off some twenty collections, and
    now and then a full one in the side thread held the GIL for ~50 ms."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _local_hours(rows: Sequence[Any], tz: tzinfo) -> LocalHours:
    """The rows' counts per team and office-local hour, in the order of the rows. Each UTC
    hour is placed on the calendar once, not once per team."""
    placed: dict[str, tuple[int, date, int]] = {}
    merged: LocalHours = {}
    for row in rows:
        where = placed.get(row[1])
        if where is None:
            day, hour = local_day_hour(parse_utc_hour(row[1]), tz)
            where = placed[row[1]] = (day.toordinal() * HOURS_A_DAY + hour, day, hour)
        hours = merged.get(row[0])
        if hours is None:
            hours = merged[row[0]] = {}
        key, day, hour = where
        values = row[2:]
        earlier = hours.get(key)
        if earlier is not None:
            # The repeated autumn hour: two UTC hours, one local hour.
            values = [float(a) + float(b) for a, b in zip(earlier[2], values, strict=True)]
        hours[key] = (day, hour, values)
    return merged


def _cells(merged: LocalHours) -> tuple[HourCell, ...]:
    """Sorted by team, day and hour."""
    return tuple(
        hour_cell((team, day, hour), values)
        for team in sorted(merged)
        for _key, (day, hour, values) in sorted(merged[team].items())
    )


def _extras(merged: LocalHours) -> list[Extras]:
    # Each team's in the order of the rows: the queued wait seconds are summed in it.
    return [
        (team, day, float(values[13]), float(values[14]), float(values[17]))
        for team, hours in merged.items()
        for day, _hour, values in hours.values()
    ]


def _caller_days(merged: LocalHours) -> tuple[CallerDay, ...]:
    days: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for team, hours in merged.items():
        for day, _hour, values in hours.values():
            counts = days[(team, day)]
            counts[0] += int(values[15])
            counts[1] += int(values[16])
    return tuple(
        CallerDay(team, day, calls, contacts)
        for (team, day), (calls, contacts) in sorted(days.items())
        if calls
    )


def _mostly_everything(
    session: Session, begin: datetime, end: datetime, teams: Sequence[str]
) -> bool:
    """True when at least half of all calls lie in the range (two index-only counts).
    Only SQLite heeds the answer (`no_index`): PostgreSQL is spared the two counts."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    c = CallRecordRow
    total = session.scalar(select(func.count()).select_from(c)) or 0
    if total == 0:
        return False
    in_range = session.scalar(select(func.count()).where(*_in_range(begin, end, teams))) or 0
    return 2 * in_range >= total


@dataclass
class _Displaced:
    announced: dict[str, int] = field(default_factory=dict)
    through: dict[str, int] = field(default_factory=dict)
    delays: dict[str, dict[int, int]] = field(default_factory=dict)


def _displaced(
    session: Session,
    teams: Sequence[str],
    period: tuple[datetime, datetime],
    settings: EvaluationSettings,
) -> _Displaced:
    """Callers who heard the announcement in the period, grouped by team and by how many
    whole minutes after their first announcement call their first answered call came
    (−1: none within the horizon).

    The first announcement call per caller comes from the partial index of announcement
    calls (team, caller, started) in caller order, without a sort; the answered call
    after it is one seek per such caller into the index (team, caller, started, outcome).
    """
    if not teams:
        return _Displaced()
    c = CallRecordRow
    begin, end = period
    first = (
        select(c.team, c.caller, func.min(c.started).label("announced"))
        .where(
            c.team.in_(teams),
            c.started >= begin,
            c.started < end,
            # Word for word the partial index's condition (0015), which only then is used.
            text(ANNOUNCED_CONDITION),
        )
        .group_by(c.team, c.caller)
        .subquery("first_announcement")
    )
    later = aliased(CallRecordRow, name="later")
    answered = (
        select(func.min(later.started))
        .where(
            later.team == first.c.team,
            later.caller == first.c.caller,
            later.started > first.c.announced,
            later.outcome == str(Outcome.ANSWERED),
        )
        .scalar_subquery()
    )
    # Materialised: the delay below names `answered` six times, and an inlined subquery
    # would run the seek once for each.
    per_caller = (
        select(
            first.c.team.label("team"),
            first.c.announced.label("announced"),
            answered.label("answered"),
        )
        .cte("per_caller")
        .prefix_with("MATERIALIZED")
    )
    delay = seconds_between(per_caller.c.answered, per_caller.c.announced)
    horizon = settings.displaced_horizon_days * 86400.0
    minutes = case(
        (or_(per_caller.c.answered.is_(None), delay > horizon), literal(-1)),
        # julianday() differences are off by microseconds: a millisecond keeps 40:00 at 40.
        else_=whole_number((delay + DELAY_SLACK_SECONDS) / 60.0),
    )
    found = _Displaced()
    statement = select(per_caller.c.team, minutes, func.count()).group_by(
        per_caller.c.team, minutes
    )
    for team, delay_minutes, count in session.execute(statement):
        found.announced[team] = found.announced.get(team, 0) + int(count)
        if delay_minutes >= 0:
            found.through[team] = found.through.get(team, 0) + int(count)
            found.delays.setdefault(team, {})[int(delay_minutes)] = int(count)
    return found


def _wait_histograms(
    session: Session,
    teams: Sequence[str],
    begin: datetime,
    end: datetime,
    settings: EvaluationSettings,
) -> Waits:
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
            text(ANSWERED_INSIDE_CONDITION),
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
