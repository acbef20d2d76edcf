"""The evaluation page and its data: the same plotly figures as the standalone report.

The computing half (`callcenter.usecases.evaluation.compute_office_report`) and the figures
(`callcenter.reporting.figures`) are looked up when needed, so the page says plainly
„noch keine Auswertung“ where they are not installed instead of failing.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.errors import ScheduleError
from callcenter.usecases.tally import set_walk_ins
from callcenter.web import forms, i18n
from callcenter.web.actions import actor_of, require, require_team, run
from callcenter.web.errors import invalid
from callcenter.web.forms import FormErrors, require_day
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import WebState, lang_of, state_of

logger = logging.getLogger(__name__)

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_PERIOD_DAYS = 2 * 366
MAX_WALK_INS = 10_000  # as the tally sheet's vorsprachen column


@dataclass(frozen=True)
class Chart:
    title: str
    figure_json: str  # plotly's own JSON of the figure (data + layout)


@dataclass(frozen=True)
class PilotVerdict:
    team: str  # display name
    box: Any  # reporting.pages.VerdictBox: the same box as the standalone pilot page


@dataclass(frozen=True)
class Evaluation:
    available: bool
    message_de: str = ""
    message_en: str = ""
    charts: list[Chart] = field(default_factory=list)
    verdicts: list[PilotVerdict] = field(default_factory=list)
    # Callbacks, language choice, overflow (reporting.pages.caller_rows).
    callers: list[Any] = field(default_factory=list)
    # Set when the figures are of an earlier moment (calls arrived since, being added now).
    as_of: datetime | None = None


def _modules() -> tuple[ModuleType, Any] | None:
    try:
        figures = importlib.import_module("callcenter.reporting.figures")
        app = importlib.import_module("callcenter.usecases.evaluation")
    except ImportError:
        return None
    compute = getattr(app, "cached_office_report", None)
    if compute is None or not hasattr(figures, "team_figures"):
        return None
    return figures, compute


def plotly_js_path() -> Path | None:
    """plotly.min.js from the installed plotly package (served locally, no CDN)."""
    try:
        plotly = importlib.import_module("plotly")
    except ImportError:
        return None
    path = Path(str(plotly.__file__)).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def compute_evaluation(
    state: WebState, team: str | None, start: date | None, end: date | None, lang: str
) -> Evaluation:
    """Blocking (run it in a worker thread): the figures, built once per data version."""
    result = state.evaluations.get_or_compute(
        state.store.data_version,
        _key(state, team, start, end, lang),
        lambda: _build_evaluation(state, team, start, end, lang),
        at=state.now(),
    )
    assert isinstance(result, Evaluation)
    return result


def _key(
    state: WebState, team: str | None, start: date | None, end: date | None, lang: str
) -> tuple[object, ...]:
    return (team, start, end, lang, state.now().date())


def _kept(
    state: WebState, team: str | None, start: date | None, end: date | None, lang: str
) -> tuple[Evaluation | None, bool]:
    """Blocking, quick: (kept figures or None, whether they are of an earlier moment and
    want computing anew)."""
    version = state.store.data_version()
    key = _key(state, team, start, end, lang)
    found, result = state.evaluations.peek(version, key)
    if found:
        assert isinstance(result, Evaluation)
        return result, False
    kept = state.evaluations.recent(version, key)
    if kept is None:
        return None, False
    assert isinstance(kept.result, Evaluation)
    return replace(kept.result, as_of=kept.as_of), True


async def evaluation_for(
    state: WebState, team: str | None, start: date | None, end: date | None, lang: str
) -> Evaluation:
    """The figures for the page and the API, computed off the event loop. When only new
    calls came since they were computed, the kept figures are shown at once, marked with
    their time, and computed anew in the background (one computation per key at a time):
    on a busy day calls arrive more often than a large evaluation can be computed.
    Computations run on the evaluation worker (WebState.evaluation_worker), the look for
    kept figures does not: it never waits behind a computation."""
    result, renew = await asyncio.to_thread(_kept, state, team, start, end, lang)
    loop = asyncio.get_running_loop()
    if result is None:
        # Ten readers of a page not yet computed queue here; the first computes it, the
        # others then find it kept (compute_evaluation looks again).
        return await loop.run_in_executor(
            state.evaluation_worker, compute_evaluation, state, team, start, end, lang
        )
    if renew:
        renewal = functools.partial(
            state.evaluations.refresh,
            state.store.data_version,
            _key(state, team, start, end, lang),
            lambda: _build_evaluation(state, team, start, end, lang),
            at=state.now(),
        )
        task = asyncio.ensure_future(loop.run_in_executor(state.evaluation_worker, renewal))
        state.refreshes.add(task)
        task.add_done_callback(_refresh_done(state))
    return result


def _refresh_done(state: WebState) -> Callable[[asyncio.Future[bool]], None]:
    def done(task: asyncio.Future[bool]) -> None:
        state.refreshes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The page keeps showing the earlier figures; the next request tries again.
            logger.error("evaluation not computed anew: %s", task.exception())

    return done


def _build_evaluation(
    state: WebState, team: str | None, start: date | None, end: date | None, lang: str
) -> Evaluation:
    found = _modules()
    if found is None:
        de, en = i18n.both("no_evaluation")
        return Evaluation(False, de, en)
    figures, compute = found
    now = state.now()
    teams = [team] if team else None
    try:
        report = compute(state.reports, state.store, start, end, teams, now=now)
    except ScheduleError:
        raise
    except ValueError as exc:
        # The evaluation's own refusal (e.g. an empty period), worded "deutsch / english".
        de, _, en = str(exc).partition(" / ")
        raise invalid("from", de, en or de) from None
    if team:
        pairs = [
            *figures.team_figures(report, team, lang),
            *figures.pilot_figures(report, team, lang),
        ]
    else:
        pairs = [
            *figures.overview_figures(report, lang),
            *figures.pilot_figures(report, None, lang),
            *figures.rollout_figures(report, lang),
        ]
    charts = [Chart(str(title), figure.to_json()) for title, figure in pairs]
    pages = importlib.import_module("callcenter.reporting.pages")
    verdicts = [
        PilotVerdict(
            pages.display_name(report, pilot.team, lang), pages.verdict_box(report, pilot, lang)
        )
        for pilot in report.pilots
        if team is None or pilot.team == team
    ]
    callers = list(pages.caller_rows(report, lang, (team,) if team else None))
    return Evaluation(True, charts=charts, verdicts=verdicts, callers=callers)


def parse_period(
    team: str, start_text: str, end_text: str, known: tuple[str, ...], today: date
) -> tuple[str | None, date | None, date | None]:
    """The page's filters, checked; raises a 422 naming the field."""
    if team and team not in known:
        raise invalid(
            "team",
            f"unbekanntes Team „{team}“ (bekannt: {', '.join(known)})",
            f"unknown team '{team}' (known: {', '.join(known)})",
        )
    values: list[date | None] = []
    for name, text in (("from", start_text), ("to", end_text)):
        try:
            values.append(forms.to_date(text) if text else None)
        except ValueError:
            de, en = i18n.both("invalid_date", text=text)
            raise invalid(name, de, en) from None
    start, end = values
    check_period(start, end, today)
    return team or None, start, end


def check_period(start: date | None, end: date | None, today: date) -> None:
    """A period the evaluation can answer in reasonable time (at most two years)."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise invalid(
                name,
                f"{value.isoformat()} liegt außerhalb von {EARLIEST.year}–{LATEST.year}",
                f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year}",
            )
    if start and end and end < start:
        raise invalid(
            "to",
            f"„Bis“ ({end.isoformat()}) liegt vor „Von“ ({start.isoformat()})",
            f"'to' ({end.isoformat()}) is before 'from' ({start.isoformat()})",
        )
    last = end or today
    if start and start > last:
        raise invalid(
            "from",
            f"„Von“ ({start.isoformat()}) liegt nach dem Ende des Zeitraums ({last.isoformat()})",
            f"'from' ({start.isoformat()}) is after the end of the period ({last.isoformat()})",
        )
    if start and (last - start).days > MAX_PERIOD_DAYS:
        raise invalid(
            "from",
            f"Der Zeitraum ist zu lang: höchstens {MAX_PERIOD_DAYS} Tage",
            f"the period is too long: at most {MAX_PERIOD_DAYS} days",
        )


async def evaluation_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN, Role.TEAMLEAD)
    values = {name: request.query.get(name, "")[:20] for name in ("team", "from", "to")}
    return await _evaluation_response(request, values, {}, FormErrors())


async def _evaluation_response(
    request: web.Request,
    values: Mapping[str, str],
    walk_values: Mapping[str, str],
    errors: FormErrors,
    status: int = 200,
) -> web.Response:
    identity = ensure_identity(request)
    state = state_of(request)
    lang = lang_of(request)
    office = await state.office()
    today = state.now().date()
    team, start, end = parse_period(
        values["team"], values["from"], values["to"], office.team_ids, today
    )
    result = await evaluation_for(state, team, start, end, lang)
    walk_teams = [t for t in office.teams if identity.may_change_team(t.id)]
    shown = {
        "walk_team": team or identity.account.team or "",
        "walk_day": today.isoformat(),
        "walk_count": "",
        **walk_values,
    }
    return render(
        request,
        "evaluation.html",
        {
            "teams": office.teams,
            "values": values,
            "result": result,
            "walk_teams": walk_teams,
            "walk_values": shown,
            "errors": errors.for_lang(lang),
            "today": today,
        },
        status=status,
    )


async def walk_ins_submit(request: web.Request) -> web.StreamResponse:
    """A team's walk-ins of one day by hand (one value per team and day, audited)."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    form = await request.post()
    fields = ("walk_team", "walk_day", "walk_count")
    walk_values = {name: forms.text(form, name, 40) for name in fields}
    errors = FormErrors()
    office = await state.office()
    today = state.now().date()
    team = walk_values["walk_team"]
    if team not in office.team_ids:
        errors.add_key("walk_team", "walk_ins_unknown_team", team=team)
    else:
        require_team(identity, team)
    day = require_day(form, "walk_day", errors)
    if day is not None and day > today:
        errors.add_key("walk_day", "walk_ins_future", day=day.isoformat())
    count = _walk_in_count(walk_values["walk_count"], errors)
    if errors or day is None or count is None:
        shown_team = team if team in office.team_ids else ""
        values = {"team": shown_team, "from": "", "to": ""}
        return await _evaluation_response(request, values, walk_values, errors, 422)
    now = state.now()
    actor, tz = actor_of(identity), state.settings.tz
    await run(state, lambda uow: set_walk_ins(uow, actor, team, day, count, now=now, tz=tz))
    raise web.HTTPSeeOther(f"/auswertung?team={team}&msg=walk_ins_saved")


def _walk_in_count(raw: str, errors: FormErrors) -> int | None:
    if not raw:
        errors.add_key("walk_count", "required")
        return None
    if not raw.isdigit() or int(raw) > MAX_WALK_INS:
        errors.add_key("walk_count", "walk_ins_invalid", text=raw, top=MAX_WALK_INS)
        return None
    return int(raw)


async def plotly_js(request: web.Request) -> web.StreamResponse:
    path = plotly_js_path()
    if path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "application/javascript",
            "Cache-Control": "public, max-age=86400",
        },
    )
