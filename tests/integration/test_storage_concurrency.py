"""Two admins changing the schedule at once: the second one validates against the first."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from callcenter.domain.errors import OverlappingPilots
from callcenter.domain.schedule import Pilot
from callcenter.storage.database import session_scope

from .schedule_commands import ScheduleCommands

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def test_a_concurrent_overlapping_pilot_waits_and_is_refused(seeded: Engine) -> None:
    first = Pilot("zentrale", date(2027, 1, 1), date(2027, 3, 31), "erste")
    second = Pilot("zentrale", date(2027, 3, 1), date(2027, 6, 30), "zweite")
    outcome: list[BaseException | None] = []

    def other_admin() -> None:
        try:
            with session_scope(seeded) as session:
                ScheduleCommands(session).add_pilot(second, "admin-2", NOW)
        except BaseException as exc:  # handed to the main thread to assert on
            outcome.append(exc)
        else:
            outcome.append(None)

    with session_scope(seeded) as session:
        ScheduleCommands(session).add_pilot(first, "admin-1", NOW)
        racer = threading.Thread(target=other_admin)
        racer.start()
        racer.join(timeout=0.5)
        # Still waiting for our transaction: it could not read the schedule before we commit.
        assert racer.is_alive()
    racer.join(timeout=30)
    assert not racer.is_alive()

    [error] = outcome
    assert isinstance(error, OverlappingPilots), error
    with session_scope(seeded) as session:
        assert ScheduleCommands(session).list_pilots("zentrale") == [first]
