"""The evaluation as a query: SQL aggregates of a period in, the office report out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from callcenter.domain.schedule import Office
from callcenter.evaluation.callbacks import CallerFigures, caller_figures, opening_deadline
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.model import OfficeReport
from callcenter.holiday_calendar import german_holidays
from callcenter.storage.aggregates import data_span, read_aggregates
from callcenter.storage.caller_figures import caller_inputs
from callcenter.storage.schedule_repository import ScheduleRepository
from callcenter.storage.store import Store
from callcenter.usecases.result_cache import ResultCache

REPORT_WEEKS = 26


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
        callers = _callers(session, office, teams or office.team_ids, first, last, tz)
    # Imported here, after the database work: numpy and the statistics behind the report take
    # a good part of `callcenter report`'s start-up, which the CLI imports meanwhile in a
    # thread (cli/report_cmd.py) while the drivers wait for the database without the GIL.
    from callcenter.evaluation.report import build_office_report

    return replace(build_office_report(aggregates, office, teams), callers=callers)


def cached_office_report(
    cache: ResultCache[OfficeReport],
    store: Store,
    start: date | None,
    end: date | None,
    teams: Sequence[str] | None = None,
    *,
    now: datetime,
    settings: EvaluationSettings | None = None,
) -> OfficeReport:
    """`compute_office_report`, computed once per data version and (teams, period, settings):
    the hour cells and pilot results of a period do not change until the data do."""
    evaluation = settings or store.settings.evaluation.to_settings()
    today = now.astimezone(store.settings.tz).date()  # the default period ends today
    key = (tuple(teams or ()), start, end, today, evaluation)
    return cache.get_or_compute(
        store.data_version,
        key,
        lambda: compute_office_report(store, start, end, teams, now=now, settings=evaluation),
    )


def _callers(
    session: Session,
    office: Office,
    teams: Sequence[str],
    first: date,
    last: date,
    tz: tzinfo,
) -> CallerFigures:
    """Callback requests of the period (115 figures), language choices and overflow."""
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    found = caller_inputs(session, teams, start, end)
    schedules = {team: office.schedule_for(team) for team in teams}
    return caller_figures(
        found.requests,
        found.records,
        lambda team, at: opening_deadline(schedules[team], at),
        languages=found.languages,
        overflow=found.overflow,
    )
