"""The schedule use cases in the call shape the storage tests were written in.

`ScheduleCommands(session)` reads through the repository and changes through
callcenter.usecases.schedule, as an admin named by the `actor` string; so the storage tests
check the one path every entry point takes (validation, write, audit) on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callcenter.domain.access import Actor
from callcenter.domain.schedule import Closure, Office, Pilot, SpecialOpening, Team, Window
from callcenter.prompts.templates import public_reason_keys
from callcenter.storage.unit_of_work import SqlUnitOfWork
from callcenter.usecases import schedule


class ScheduleCommands:
    def __init__(self, session: Session) -> None:
        self.uow = SqlUnitOfWork(session)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.uow.schedules, name)  # the reading methods

    def seed(self, office: Office, state: str, actor: str, now: datetime) -> bool:
        return schedule.seed(self.uow, office, state, actor=actor, now=now)

    def set_windows(self, team: str, windows: Iterable[Window], actor: str, now: datetime) -> Team:
        return schedule.set_windows(self.uow, Actor.admin(actor), team, windows, now=now)

    def set_team_holidays(
        self, team: str, enabled: bool, ignored: Iterable[str], actor: str, now: datetime
    ) -> Team:
        return schedule.set_team_holidays(
            self.uow, Actor.admin(actor), team, enabled, ignored, now=now
        )

    def set_holiday_state(self, state: str, actor: str, now: datetime) -> str:
        return schedule.set_holiday_state(self.uow, Actor.admin(actor), state, now=now)

    def add_closure(self, closure: Closure, actor: str, now: datetime) -> Closure:
        # Like an entry point: the public reasons the shipped templates know.
        return schedule.add_closure(
            self.uow, Actor.admin(actor), closure, now=now, reasons=public_reason_keys()
        )

    def end_closure(self, closure_id: int, at: datetime, actor: str, now: datetime) -> Closure:
        return schedule.end_closure(self.uow, Actor.admin(actor), closure_id, now=now, at=at)

    def add_opening(self, opening: SpecialOpening, actor: str, now: datetime) -> SpecialOpening:
        return schedule.add_opening(self.uow, Actor.admin(actor), opening, now=now)

    def add_pilot(self, pilot: Pilot, actor: str, now: datetime) -> Pilot:
        return schedule.add_pilot(self.uow, Actor.admin(actor), pilot, now=now)
