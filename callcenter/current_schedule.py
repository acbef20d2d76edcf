"""The office's current schedule, loaded off the event loop, handed to every consumer.

Pusher, tracker, number plan, dialplan and announcements all route or count by the same
schedule. It is read from the database in a worker thread (a blocking read on the event loop
would stall AMI and the web app), kept here, and replaced as a whole after a change, so every
consumer sees one consistent version and none reads the database itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from callcenter.domain.number_plan import LinePlan
from callcenter.domain.schedule import Office

ScheduleListener = Callable[[Office], Awaitable[None]]


class ScheduleNotLoaded(RuntimeError):
    """The schedule was asked for before its first load."""


class CurrentSchedule:
    def __init__(
        self,
        load: Callable[[], Office],
        switchboard_numbers: tuple[str, ...] = (),
        switchboard_queue: str = "",
    ) -> None:
        self._load = load
        self._switchboard_numbers = switchboard_numbers
        self._switchboard_queue = switchboard_queue
        self._office: Office | None = None
        self._lines: LinePlan | None = None
        self._listeners: list[ScheduleListener] = []

    @property
    def office(self) -> Office:
        if self._office is None:
            raise ScheduleNotLoaded("the schedule has not been loaded yet")
        return self._office

    @property
    def lines(self) -> LinePlan:
        """Which team a dialled number or queue belongs to, for this schedule."""
        if self._lines is None:
            self._lines = LinePlan(self.office, self._switchboard_numbers, self._switchboard_queue)
        return self._lines

    def subscribe(self, listener: ScheduleListener) -> None:
        """`listener(office)` runs after every reload, in subscription order."""
        self._listeners.append(listener)

    async def reload(self) -> Office:
        """Read the schedule in a worker thread, then hand it to every listener."""
        office = await asyncio.to_thread(self._load)
        self._office = office
        self._lines = None  # numbers may have changed with the teams
        for listener in self._listeners:
            await listener(office)
        return office
