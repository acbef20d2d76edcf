"""What the schedule says about a call: inside the call hours? in a pilot period?

The tracker asks once per call; `state_at` looks ahead for the next change, which costs
a fraction of a millisecond, so the answer is kept until that change (calls arrive in
time order, so nearly every lookup is a hit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from callcenter.domain.errors import UnknownTeam
from callcenter.domain.schedule import Office, State, state_at


class CallCalendar(Protocol):
    def in_hours(self, team: str, at: datetime) -> bool | None:
        """True inside the team's call hours, None for a team the schedule does not know."""
        ...

    def pilot(self, team: str, at: datetime) -> bool:
        """True when the team is in a pilot period on that day."""
        ...


@dataclass
class _Known:
    since: datetime
    until: datetime | None
    open: bool


class OfficeCalendar:
    """`CallCalendar` over an `Office`; build a new one when the office changes."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self._known: dict[str, _Known] = {}

    def in_hours(self, team: str, at: datetime) -> bool | None:
        at = at.astimezone(UTC)
        known = self._known.get(team)
        if known is not None and known.since <= at and (known.until is None or at < known.until):
            return known.open
        try:
            schedule = self.office.schedule_for(team)
        except UnknownTeam:
            return None
        state = state_at(schedule, at)
        until = None if state.until is None else state.until.astimezone(UTC)
        self._known[team] = _Known(at, until, state.state == State.OPEN)
        return state.state == State.OPEN

    def pilot(self, team: str, at: datetime) -> bool:
        return self.office.pilot_at(team, at) is not None


class NoCalendar:
    """For tools that track calls without a schedule: in-hours unknown, never a pilot."""

    def in_hours(self, team: str, at: datetime) -> bool | None:
        return None

    def pilot(self, team: str, at: datetime) -> bool:
        return False
