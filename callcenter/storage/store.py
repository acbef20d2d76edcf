"""The database as the rest of the program sees it: sessions, units of work, the current
schedule and its version. (Seeding it from the configuration is a use case:
callcenter.usecases.schedule.seed_from_settings.)"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from callcenter.config import Settings
from callcenter.domain.schedule import Office
from callcenter.holiday_calendar import german_holidays
from callcenter.storage.data_version import (
    NEWEST_PAST_AUDIT,
    auth_writes,
    data_version,
    local_writes,
    newest_audit_id,
    past_part,
)
from callcenter.storage.database import make_engine, upgrade
from callcenter.storage.private_files import make_private_dir
from callcenter.storage.schedule_repository import ScheduleRepository
from callcenter.storage.unit_of_work import SqlUnitOfWork


@dataclass
class Store:
    """The database as the rest of the program sees it: sessions and the current schedule."""

    settings: Settings
    engine: Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        """The repositories of one transaction: committed if the block succeeds."""
        with self.session() as session:
            yield SqlUnitOfWork(session)

    def office(self) -> Office:
        with self.session() as session:
            return ScheduleRepository(session).load_office(self.settings.tz, german_holidays)

    def schedule_version(self) -> int:
        """Grows with every audited change but callback work (data_version.LIVE_AUDIT_ACTIONS);
        the service polls it to notice CLI/web edits."""
        with self.session() as session:
            return int(session.scalar(NEWEST_PAST_AUDIT) or 0)

    def data_version(self) -> tuple[int, ...]:
        """Changes with every change of calls, tally entries, schedule or settings
        (callcenter.storage.data_version): results computed from them keep until it does."""
        with self.session() as session:
            return data_version(session)

    @staticmethod
    def local_writes() -> int:
        """Committed writes of this process to what the data version covers."""
        return local_writes()

    @staticmethod
    def auth_writes() -> int:
        """Committed changes of this process to accounts, tokens or web sessions."""
        return auth_writes()

    @staticmethod
    def past_of(version: Hashable) -> Hashable:
        """The part of a `data_version` that only changes of the past change (not new calls)."""
        assert isinstance(version, tuple)
        return past_part(version)

    @staticmethod
    def schedule_version_of(version: tuple[int, ...]) -> int:
        """What `schedule_version` reads, taken from a `data_version`."""
        return newest_audit_id(version)

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """Create the data directory, apply migrations and connect."""
    make_private_dir(settings.data_dir)
    if migrate:
        upgrade(settings.database_url)
    return Store(settings, make_engine(settings.database_url))
