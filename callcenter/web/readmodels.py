"""What the pages and the API show, computed from the schedule and `now` (no I/O here).

Pages and API share these so the browser and a machine client never disagree.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from callcenter.domain.schedule import (
    Closure,
    Office,
    Reason,
    State,
    TeamSchedule,
    active_closure,
    state_at,
    wall_to_instant,
)
from callcenter.prompts.opening import next_opening
from callcenter.storage.web_repository import CallCounts

PREVIEW_DAYS = 14
# A symbol per kind beside its words and colour: colour is never the only carrier.
KIND_ICONS = {
    "open": "✔",
    "special_opening": "★",
    "hours": "☾",
    "holiday": "⚑",
    "closure": "✖",
}


@dataclass(frozen=True)
class TeamStatus:
    id: str
    name_de: str
    name_en: str
    state: State
    reason: Reason | None
    until: datetime | None  # next change of any kind
    next_open: datetime | None  # for a closed team: when it opens next
    closure: Closure | None  # the closure in force, if any
    # What the board and overview show: open, special_opening, hours, holiday, closure.
    kind: str = ""
    # The next change between open and closed (a closed-to-closed reason change is none).
    next_state_change: datetime | None = None
    transfer_number: str | None = None  # where the switchboard transfers callers to

    @property
    def icon(self) -> str:
        return KIND_ICONS.get(self.kind, "")


@dataclass(frozen=True)
class OverviewRow:
    status: TeamStatus
    calls: CallCounts
    waiting: int | None  # None: no live view


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """'09:00–12:00'; an end at the next midnight reads '24:00'."""
        ends_at_midnight = self.end.date() > self.start.date() and self.end.time() == time(0)
        end = "24:00" if ends_at_midnight else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}–{end}"


@dataclass(frozen=True)
class PreviewDay:
    day: date
    open: tuple[Interval, ...]  # after closures
    holiday: str | None
    closures: tuple[Closure, ...]
    openings: tuple[str, ...]  # notes (or time ranges) of special openings that day
    variant: str | None = None  # the name of the date-range variant of the week in force


def in_special_opening(schedule: TeamSchedule, now: datetime) -> bool:
    """Whether `now` falls in one of the team's special openings (e.g. a Saturday service)."""
    local = now.astimezone(schedule.tz)
    for opening in schedule.openings:
        if opening.day != local.date():
            continue
        start = wall_to_instant(opening.day, opening.start, schedule.tz)
        end = wall_to_instant(opening.day, opening.end, schedule.tz)
        if start <= now < end:
            return True
    return False


def status_kind(schedule: TeamSchedule, state: State, reason: Reason | None, now: datetime) -> str:
    if state is State.OPEN:
        return "special_opening" if in_special_opening(schedule, now) else "open"
    return str(reason or Reason.HOURS)


def next_state_change(schedule: TeamSchedule, now: datetime) -> datetime | None:
    """When the team next goes from open to closed or from closed to open (not when only
    the reason of a closed team changes, e.g. a Friday evening running into the weekend)."""
    current = state_at(schedule, now)
    if current.state is State.OPEN:
        return current.until  # from open, every change is a change to closed
    return next_opening(schedule, now)


# Team statuses of the newest schedule (the Office object, which the web keeps per data
# version): computed at `since`, a status holds until its `until`, the next change of any
# kind. Computing one walks the schedule's transitions, milliseconds per team on the event
# loop for every overview, board and API request. Keyed by identity (an Office is not cheap
# to hash) and held weakly: a new schedule replaces the memo.
@dataclass
class _StatusMemo:
    office: weakref.ref[Office] | None = None
    statuses: dict[str, tuple[datetime, TeamStatus]] | None = None


_memo = _StatusMemo()
_memo_lock = threading.Lock()


def team_status(office: Office, team_id: str, now: datetime) -> TeamStatus:
    with _memo_lock:
        current = _memo.office() if _memo.office is not None else None
        known = _memo.statuses.get(team_id) if current is office and _memo.statuses else None
    if known is not None:
        since, status = known
        if since <= now and (status.until is None or now < status.until):
            return status
    status = _team_status(office, team_id, now)
    with _memo_lock:
        current = _memo.office() if _memo.office is not None else None
        if current is not office or _memo.statuses is None:
            _memo.office, _memo.statuses = weakref.ref(office), {}
        _memo.statuses[team_id] = (now, status)
    return status


def _team_status(office: Office, team_id: str, now: datetime) -> TeamStatus:
    schedule = office.schedule_for(team_id)
    current = state_at(schedule, now)
    opens = None if current.state is State.OPEN else next_opening(schedule, now)
    team = schedule.team
    return TeamStatus(
        id=team.id,
        name_de=team.name_de,
        name_en=team.name_en or team.name_de,
        state=current.state,
        reason=current.reason,
        until=current.until,
        next_open=opens,
        closure=active_closure(schedule, now),
        kind=status_kind(schedule, current.state, current.reason, now),
        next_state_change=current.until if current.state is State.OPEN else opens,
        transfer_number=team.team_lines[0] if team.team_lines else None,
    )


def closure_shown(closure: Closure | None) -> dict[str, str | None]:
    """What switchboard staff see of the closure in force: its public reason always, its
    internal note only when whoever set it chose to show it on the board."""
    if closure is None:
        return {"closure_note": None, "closure_public_reason": None}
    return {
        "closure_note": closure.note if closure.note_on_board and closure.note else None,
        "closure_public_reason": closure.public_reason or None,
    }


def board(office: Office, now: datetime) -> list[TeamStatus]:
    return [team_status(office, team_id, now) for team_id in office.team_ids]


def overview(
    office: Office,
    now: datetime,
    calls: Mapping[str, CallCounts],
    waiting: Mapping[str, int] | None,
) -> list[OverviewRow]:
    return [
        OverviewRow(
            status=status,
            calls=calls.get(status.id, CallCounts()),
            waiting=None if waiting is None else int(waiting.get(status.id, 0)),
        )
        for status in board(office, now)
    ]


# The overview asks at every view for today's bounds: two zone conversions each time.
@functools.lru_cache(maxsize=16)
def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on changeover days)."""
    return wall_to_instant(day, time(0), tz), wall_to_instant(day + timedelta(days=1), time(0), tz)


def _subtract(
    intervals: list[tuple[datetime, datetime]], cuts: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    result = intervals
    for cut_start, cut_end in cuts:
        pieces = []
        for start, end in result:
            if cut_end <= start or cut_start >= end:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        result = pieces
    return result


def preview_day(schedule: TeamSchedule, day: date) -> PreviewDay:
    start, end = day_bounds(day, schedule.tz)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    closures = tuple(c for c in schedule.closures if c.start < end_utc and c.end > start_utc)
    open_spans = _subtract(
        schedule.open_intervals(day),
        [(c.start.astimezone(UTC), c.end.astimezone(UTC)) for c in closures],
    )
    openings = tuple(
        (o.note or f"{o.start:%H:%M}–{o.end:%H:%M}") for o in schedule.openings if o.day == day
    )
    return PreviewDay(
        day=day,
        open=tuple(
            Interval(a.astimezone(schedule.tz), b.astimezone(schedule.tz)) for a, b in open_spans
        ),
        holiday=schedule.holiday_on(day),
        closures=closures,
        openings=openings,
        variant=variant.name if (variant := schedule.team.variant_on(day)) else None,
    )


# The previews of the newest schedule, like the statuses above: a preview depends on the
# schedule and its first day only, and the hours page computed its fourteen days (≈ 0.4 ms)
# at every view.
@dataclass
class _PreviewMemo:
    office: weakref.ref[Office] | None = None
    previews: dict[tuple[str, date, int], tuple[PreviewDay, ...]] | None = None


_previews = _PreviewMemo()
PREVIEWS_KEPT = 256


def preview(
    office: Office, team_id: str, first: date, days: int = PREVIEW_DAYS
) -> list[PreviewDay]:
    """Day by day: when the team is reachable, with holidays, closures and special openings."""
    key = (team_id, first, days)
    with _memo_lock:
        current = _previews.office() if _previews.office is not None else None
        known = _previews.previews.get(key) if current is office and _previews.previews else None
    if known is None:
        schedule = office.schedule_for(team_id)
        known = tuple(preview_day(schedule, first + timedelta(days=n)) for n in range(days))
        with _memo_lock:
            current = _previews.office() if _previews.office is not None else None
            # Any first day may be asked for (the API's preview): a bounded number is kept.
            kept = _previews.previews
            if current is not office or kept is None or len(kept) >= PREVIEWS_KEPT:
                kept = {}
                _previews.office, _previews.previews = weakref.ref(office), kept
            kept[key] = known
    return list(known)
