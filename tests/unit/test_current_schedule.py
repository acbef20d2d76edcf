"""The current schedule: read in a worker thread, handed whole to every consumer."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import pytest

from callcenter.current_schedule import CurrentSchedule, ScheduleNotLoaded
from callcenter.domain.calls import LineKind
from callcenter.domain.schedule import Office, Team

BERLIN = ZoneInfo("Europe/Berlin")


def office(number: str) -> Office:
    return Office(BERLIN, {}, (Team("team-a", "Team A", queue="qa", team_lines=(number,)),))


async def test_loads_off_the_event_loop_and_tells_every_listener_in_order() -> None:
    loaded_in: list[str] = []
    versions = iter([office("0611"), office("0622")])

    def load() -> Office:
        loaded_in.append(threading.current_thread().name)
        return next(versions)

    schedule = CurrentSchedule(load, ("0600",), "zentrale")
    with pytest.raises(ScheduleNotLoaded):
        _ = schedule.office
    heard: list[tuple[str, Office]] = []

    async def first(new: Office) -> None:
        heard.append(("first", new))

    async def second(new: Office) -> None:
        heard.append(("second", new))

    schedule.subscribe(first)
    schedule.subscribe(second)
    one = await schedule.reload()
    assert loaded_in[0] != threading.main_thread().name
    assert schedule.lines.number("0611").team == "team-a"
    two = await schedule.reload()
    assert heard == [("first", one), ("second", one), ("first", two), ("second", two)]
    assert schedule.office is two
    # The number plan follows the new schedule, not the first one.
    assert schedule.lines.number("0622").kind is LineKind.TEAM_LINE
    assert schedule.lines.number("0611") is None
