"""Composition root: builds the adapters from the settings and hands them to entry points."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from callcenter.config import Settings
from callcenter.domain.schedule import Office
from callcenter.holiday_calendar import german_holidays
from callcenter.prompts.render import RenderEntry, RenderReport, render_prompts
from callcenter.prompts.templates import load_templates
from callcenter.prompts.text import Contact
from callcenter.storage.database import make_engine, upgrade
from callcenter.storage.models import AuditRow
from callcenter.storage.repositories import ScheduleRepository


@dataclass
class Store:
    """The database as the rest of the program sees it: sessions and the current schedule."""

    settings: Settings
    engine: Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def schedules(self, session: Session) -> ScheduleRepository:
        return ScheduleRepository(session)

    def office(self) -> Office:
        with self.session() as session:
            return ScheduleRepository(session).load_office(self.settings.tz, german_holidays)

    def seed(self, actor: str, now: datetime) -> bool:
        """Seed the schedule from the TOML if the database is empty; True if it seeded."""
        seed_office = self.settings.office_seed(german_holidays(self.settings.office.holiday_state))
        with self.session() as session:
            repository = ScheduleRepository(session)
            if repository.is_seeded():
                return False
            repository.seed(seed_office, self.settings.office.holiday_state, actor, now)
            return True

    def schedule_version(self) -> int:
        """Grows with every audited change; the service polls it to notice CLI/web edits."""
        with self.session() as session:
            return int(session.scalar(select(func.max(AuditRow.id))) or 0)

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """Create the data directory, apply migrations and connect."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade(settings.database_url)
    return Store(settings, make_engine(settings.database_url))


async def render_announcements(
    settings: Settings,
    office: Office,
    now: datetime,
    team: str | None = None,
    on_progress: Callable[[RenderEntry], None] | None = None,
) -> RenderReport:
    """Render the configured languages' announcements whose text changed (content hash)."""
    templates = load_templates(settings.prompts.templates_dir)
    return await render_prompts(
        office,
        templates,
        Contact(url=settings.office.appointment_url, email=settings.office.contact_email),
        now,
        settings.sounds_dir,
        team,
        languages=settings.prompts.languages,
        include_note=settings.prompts.include_closure_note,
        on_progress=on_progress,
    )
