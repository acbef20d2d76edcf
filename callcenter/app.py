"""Composition root: builds the adapters from the settings and hands them to entry points."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from callcenter.config import Settings
from callcenter.domain.schedule import Office, Pilot
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.model import OfficeReport
from callcenter.evaluation.report import build_office_report
from callcenter.evaluation.synthetic import (
    PREFIX as SYNTHETIC_PREFIX,
)
from callcenter.evaluation.synthetic import (
    SyntheticError,
    SyntheticParams,
    check_office,
    generate,
    missing_closures,
)
from callcenter.holiday_calendar import german_holidays
from callcenter.prompts.render import RenderEntry, RenderReport, render_prompts
from callcenter.prompts.templates import load_templates
from callcenter.prompts.text import Contact
from callcenter.storage.aggregates import data_span, read_aggregates
from callcenter.storage.bulk_calls import (
    count_calls_with_prefix,
    deferred_indexes,
    delete_calls_with_prefix,
    insert_call_columns,
    replace_walk_ins,
)
from callcenter.storage.caller_links import link_all_callers
from callcenter.storage.database import make_engine, serialize_on_postgresql, upgrade
from callcenter.storage.models import AuditRow
from callcenter.storage.private_files import make_private_dir
from callcenter.storage.repositories import ScheduleRepository
from callcenter.storage.walk_ins import GENERATED_SOURCE_PREFIX


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
            serialize_on_postgresql(session.connection())  # instances starting together
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
    make_private_dir(settings.data_dir)
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
        speak_reason=settings.prompts.speak_public_reason,
        on_progress=on_progress,
    )


# ---------------------------------------------------------------------- evaluation

REPORT_WEEKS = 26
SYNTHETIC_ACTOR = "synthetic-pilot-data"
SYNTHETIC_WALK_INS = GENERATED_SOURCE_PREFIX  # the walk-in rows of generated data
BULK_CHUNK_ROWS = 100_000


def _report_period(
    span: tuple[date, date] | None, start: date | None, end: date | None, today: date
) -> tuple[date, date]:
    """Explicit days win; otherwise the last 26 weeks with data (up to today)."""
    end = end or (min(span[1], today) if span else today)
    start = start or end - timedelta(weeks=REPORT_WEEKS, days=-1)
    if end < start:
        raise ValueError(
            f"Zeitraum {start.isoformat()} bis {end.isoformat()} ist leer / the period is empty"
        )
    return start, end


def _comparison_start(office: Office, start: date, end: date, first_data: date | None) -> date:
    """How far back day-level data are needed: the pilots' periods before their start."""
    earliest = start
    for pilot in office.pilots:
        if pilot.start > end:
            continue
        length = (min(pilot.end or end, end) - pilot.start).days + 1
        earliest = min(earliest, pilot.start - timedelta(days=length))
    if first_data is not None:
        earliest = max(earliest, min(first_data, start))
    return earliest


def compute_office_report(
    store: Store,
    start: date | None,
    end: date | None,
    teams: Sequence[str] | None = None,
    *,
    now: datetime,
    settings: EvaluationSettings | None = None,
) -> OfficeReport:
    """The evaluation of [start, end] (default: the last 26 weeks with data), read in one
    session: SQL aggregates in, OfficeReport out. Thresholds: `settings`, else the
    configuration's [evaluation] section."""
    tz = store.settings.tz
    evaluation = settings or store.settings.evaluation.to_settings()
    with store.session() as session:
        office = ScheduleRepository(session).load_office(tz, german_holidays)
        for team in teams or ():
            office.team(team)  # UnknownTeam names the known ones
        span = data_span(session, tz, office.team_ids)
        first, last = _report_period(span, start, end, now.astimezone(tz).date())
        aggregates = read_aggregates(
            session,
            tz,
            office.team_ids,
            first,
            last,
            evaluation,
            cells_start=_comparison_start(office, first, last, span[0] if span else None),
            side_session=store.session,
        )
    return build_office_report(aggregates, office, teams)


def load_synthetic_pilot_data(
    store: Store,
    params: SyntheticParams,
    seed: int,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Load the synthetic pilot data set; returns how many calls were written.

    Idempotent: the same parameters and seed again write nothing; other parameters
    replace the previous synthetic calls and walk-ins. Adds the data set's closures (and the
    pilot, if the team has none) to the schedule, audited as 'synthetic-pilot-data'.
    """
    moment = now or datetime.now(UTC)
    if params.last_day >= moment.astimezone(store.settings.tz).date():
        raise SyntheticError(
            f"Die synthetischen Daten reichen bis {params.last_day.isoformat()}, das ist nicht "
            "vor heute; Pilotbeginn oder Wochen anpassen",
            f"the synthetic data would run until {params.last_day.isoformat()}, which is not "
            "before today; move the pilot start or shorten the weeks",
        )
    with store.session() as session:
        repository = ScheduleRepository(session)
        office = repository.load_office(store.settings.tz, german_holidays)
        if not any(p.team == params.pilot_team for p in office.pilots):
            office.team(params.pilot_team)
            repository.add_pilot(
                Pilot(params.pilot_team, params.pilot_start, note="synthetische Pilotdaten"),
                SYNTHETIC_ACTOR,
                moment,
            )
            office = repository.load_office(store.settings.tz, german_holidays)
        check_office(params, office)
        for closure in missing_closures(params, office):
            repository.add_closure(closure, SYNTHETIC_ACTOR, moment)
        office = repository.load_office(store.settings.tz, german_holidays)
    calls = generate(params, office, seed)
    total = len(calls)
    prefix = f"{SYNTHETIC_PREFIX}{calls.tag}-"
    # One transaction: the previous synthetic data set is replaced by the new one or, if
    # anything fails, stays as it was.
    with store.engine.begin() as connection:
        if count_calls_with_prefix(connection, prefix) == total:
            if on_progress is not None:
                on_progress(total, total)
            return 0
        delete_calls_with_prefix(connection, SYNTHETIC_PREFIX)
        replace_walk_ins(
            connection, SYNTHETIC_WALK_INS, f"{SYNTHETIC_WALK_INS}{calls.tag}", calls.walk_ins
        )
        written = 0
        with deferred_indexes(connection, total):
            for chunk in calls.row_chunks(BULK_CHUNK_ROWS):
                written += insert_call_columns(connection, chunk)
                if on_progress is not None:
                    on_progress(written, total)
        # After the indexes are back: the link pass reads calls in caller order.
        link_all_callers(connection)
    return written
