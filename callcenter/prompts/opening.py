"""When the line opens next, by the schedule: holidays, closures and special openings included."""

from __future__ import annotations

from datetime import datetime, timedelta

from callcenter.domain.schedule import UNTIL_HORIZON_DAYS, State, TeamSchedule, transitions

# Searched a week at a time: the next opening is almost always close, the horizon rarely reached.
_STEP = timedelta(days=7)
# Consecutive searches overlap, so a change falling exactly on a search boundary lies inside
# one of them; the edges of a search are where it has to guess the state before it.
_OVERLAP = timedelta(minutes=1)


def next_opening(
    schedule: TeamSchedule, now: datetime, horizon_days: int = UNTIL_HORIZON_DAYS
) -> datetime | None:
    """The first instant strictly after `now` at which the team opens (None: not in the horizon)."""
    start = now
    limit = now + timedelta(days=horizon_days)
    while start < limit:
        end = min(start + _STEP, limit)
        for change in transitions(schedule, start, end):
            # Closed-to-closed changes (a closure ending on a holiday) are not an opening.
            if change.state is State.OPEN and change.at > now:
                return change.at
        if end == limit:
            break
        start = end - _OVERLAP
    return None
