"""The schedule pages: overview, call hours (week grid + 14-day preview), public holidays,
special openings, pilot periods (closure days and 'Bandansage heute': closure_pages).

Forms post back to the same page; a bad form comes back with the messages at the fields
and the typed values, a good one redirects (303) with a short confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.errors import CallcenterError, EmptyWeekNeedsConfirmation
from callcenter.domain.schedule import Office, Pilot, SpecialOpening, Team, WeekVariant, Window
from callcenter.domain.timeparse import END_OF_DAY
from callcenter.holiday_calendar import GERMAN_STATES, german_holidays
from callcenter.usecases import schedule
from callcenter.web import readmodels
from callcenter.web.actions import actor_of, require, run
from callcenter.web.errors import not_found, translate_error
from callcenter.web.forms import (
    FormErrors,
    format_day_windows,
    parse_clock,
    parse_day,
    require_day,
    text,
    week_windows,
)
from callcenter.web.middleware import ensure_identity
from callcenter.web.page_cache import Same
from callcenter.web.render import render, render_kept
from callcenter.web.state import Identity, WebState, lang_of, state_of

NOTE_LIMIT = 200


def _redirect(path: str, message: str, request: web.Request) -> web.HTTPSeeOther:
    separator = "&" if "?" in path else "?"
    return web.HTTPSeeOther(f"{path}{separator}msg={message}")


def _form_error(errors: FormErrors, exc: Exception, field: str) -> int:
    """Put a domain/storage error at a field; returns the status the page answers with.
    A refused permission is no input problem: it answers as the 403 page."""
    error = translate_error(exc, field)
    if error.status == 403:
        raise error from None
    errors.add(error.field or field, error.message_de, error.message_en)
    return error.status


def _team_choices(office: Office, identity: Identity) -> list[Any]:
    if identity.has(Role.ADMIN):
        return list(office.teams)
    return [team for team in office.teams if team.id == identity.account.team]


def _selected_team(request: web.Request, office: Office, fallback: str | None = None) -> str:
    wanted = request.query.get("team") or fallback or (office.team_ids[0] if office.teams else "")
    if wanted not in office.team_ids:
        raise not_found()
    return wanted


# ------------------------------------------------------------------ home / overview


async def home(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    if identity.has(Role.SWITCHBOARD):
        raise web.HTTPSeeOther("/zentrale")
    state = state_of(request)
    rows = await overview_rows(state)
    live = state.live
    context = {
        "rows": rows,
        "live": live is not None,
        "pbx_connected": live.pbx_connected() if live else None,
        "heartbeat": live.last_heartbeat() if live else None,
    }
    data = (tuple(rows), context["live"], context["pbx_connected"], context["heartbeat"])
    return render_kept(request, "overview.html", context, data)


async def overview_rows(state: WebState) -> list[readmodels.OverviewRow]:
    office = await state.office()
    now = state.now()
    start, end = readmodels.day_bounds(now.date(), state.settings.tz)
    counts = await state.call_counts(start, end)
    waiting = dict(state.live.waiting_by_team()) if state.live is not None else None
    return readmodels.overview(office, now, counts, waiting)


# ------------------------------------------------------------------ call hours


async def hours_page(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    office = await state.office()
    team_id = _selected_team(request, office, identity.account.team)
    variant = _selected_variant(request.query.get("variant", ""), office.team(team_id))
    return _hours_response(
        request,
        state,
        office,
        team_id,
        None,
        FormErrors(),
        variant_id=variant.id if variant else None,
        keep=True,
    )


def _selected_variant(raw: str, team: Team) -> WeekVariant | None:
    """The team's variant named by an id in the URL (404 for an unknown one); '' is the
    base week."""
    if not raw:
        return None
    for variant in team.variants:
        if str(variant.id) == raw:
            return variant
    raise not_found()


def _week_values(windows: tuple[Window, ...]) -> dict[str, str]:
    return {f"day{d}": format_day_windows(windows, d) for d in range(7)}


def _shown_values(windows: tuple[Window, ...], variant: WeekVariant | None) -> dict[str, str]:
    """The form's values of the week shown (the base week or a variant) as saved."""
    if variant is None:
        return _week_values(windows)
    return {
        **_week_values(windows),
        "name": variant.name,
        "first": variant.first.isoformat(),
        "last": variant.last.isoformat(),
    }


def _hours_response(
    request: web.Request,
    state: WebState,
    office: Office,
    team_id: str,
    values: Mapping[str, str] | None,
    errors: FormErrors,
    status: int = 200,
    *,
    variant_id: int | None = None,
    new_values: Mapping[str, str] | None = None,
    keep: bool = False,
) -> web.Response:
    """The hours page for the base week (`variant_id` None) or one date-range variant;
    `keep`: a plain view (no form values, no errors), kept per schedule (render_kept)."""
    identity = ensure_identity(request)
    team = office.team(team_id)
    variant = _selected_variant(str(variant_id or ""), team)
    windows = team.windows if variant is None else variant.windows
    today = state.now().date()
    action = f"/sprechzeiten/{team.id}" + ("" if variant is None else f"/zeitraum/{variant.id}")

    def context() -> dict[str, Any]:
        return {
            "teams": office.teams,
            "team": team,
            "variant": variant,
            "variants": team.variants,
            "action": action,
            "values": values or _shown_values(windows, variant),
            "new_values": new_values or {},
            "errors": errors.for_lang(lang_of(request)),
            "can_edit": identity.has(Role.ADMIN),
            "grid": _grid(windows),
            "preview": readmodels.preview(office, team_id, today),
            "today": today,
        }

    if keep and values is None and not errors and new_values is None and status == 200:
        # All of it follows from the schedule, the team, the variant and the day; a kept
        # page is served without building its context.
        data = (Same(office), team_id, variant_id, today)
        return render_kept(request, "hours.html", context, data)
    return render(request, "hours.html", context(), status=status)


def _grid(windows: Any) -> list[list[tuple[float, float, str]]]:
    """Per weekday: (left %, width %, label) of each window on a 00:00–24:00 bar (the grid
    editor, static/week_grid.js, draws on the same scale)."""
    first, last = 0, 24 * 60
    span = last - first
    rows: list[list[tuple[float, float, str]]] = [[] for _ in range(7)]
    for window in windows:
        start = max(first, window.start.hour * 60 + window.start.minute)
        end = last if window.end == END_OF_DAY else window.end.hour * 60 + window.end.minute
        end = min(last, end)
        if end <= start:
            continue
        rows[window.weekday].append(
            (
                round(100 * (start - first) / span, 2),
                round(100 * (end - start) / span, 2),
                window.label,
            )
        )
    return rows


async def hours_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    office = await state.office()
    team_id = request.match_info["team"]
    if team_id not in office.team_ids:
        raise not_found()
    form = await request.post()
    errors = FormErrors()
    windows = week_windows(form, errors)
    values = {f"day{d}": text(form, f"day{d}", 300) for d in range(7)}
    force = _checked(form, "force")
    values["force"] = "on" if force else ""
    status = 422
    if not errors:
        actor, now = actor_of(identity), state.now()
        try:
            await run(
                state,
                lambda uow: schedule.set_windows(
                    uow, actor, team_id, windows, now=now, force=force
                ),
            )
        except CallcenterError as exc:
            where = "force" if isinstance(exc, EmptyWeekNeedsConfirmation) else "day0"
            status = _form_error(errors, exc, where)
        else:
            raise _redirect(f"/sprechzeiten?team={team_id}", "saved", request)
    return _hours_response(request, state, office, team_id, values, errors, status)


# ------------------------------------------------------------------ date-range variants


def _variant_error(errors: FormErrors, exc: CallcenterError, prefix: str = "") -> int:
    """A domain error at its field (name, first, last); one about windows at Monday's."""
    where = exc.field()
    if where in ("name", "first", "last"):
        field = f"{prefix}{where}"
    else:
        field = f"{prefix}name" if prefix else "day0"
    return _at_field(errors, exc, field)


def _at_field(errors: FormErrors, exc: CallcenterError, field: str) -> int:
    error = translate_error(exc, field)
    if error.status == 403:
        raise error from None
    errors.add(field, error.message_de, error.message_en)
    return error.status


def _variant_dates(
    form: Mapping[str, object], prefix: str, errors: FormErrors
) -> tuple[str, date | None, date | None]:
    name = text(form, f"{prefix}name", 80)
    if not name:
        errors.add_key(f"{prefix}name", "required")
    return (
        name,
        require_day(form, f"{prefix}first", errors),
        require_day(form, f"{prefix}last", errors),
    )


async def variant_add_submit(request: web.Request) -> web.StreamResponse:
    """A new period with its own hours; it starts with a copy of the base week."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    office = await state.office()
    team_id = request.match_info["team"]
    if team_id not in office.team_ids:
        raise not_found()
    form = await request.post()
    errors = FormErrors()
    name, first, last = _variant_dates(form, "new_", errors)
    new_values = {key: text(form, f"new_{key}", 80) for key in ("name", "first", "last")}
    status = 422
    if not errors and first is not None and last is not None:
        actor, now, tz = actor_of(identity), state.now(), state.settings.tz
        try:
            variant = WeekVariant(name, first, last, office.team(team_id).windows)
            stored = await run(
                state,
                lambda uow: schedule.add_variant(uow, actor, team_id, variant, now=now, tz=tz),
            )
        except CallcenterError as exc:
            status = _variant_error(errors, exc, "new_")
        else:
            raise _redirect(
                f"/sprechzeiten?team={team_id}&variant={stored.id}", "variant_added", request
            )
    return _hours_response(
        request, state, office, team_id, None, errors, status, new_values=new_values
    )


async def variant_submit(request: web.Request) -> web.StreamResponse:
    """The grid of a period and its name and dates: the same day fields as the base week."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    office = await state.office()
    team_id = request.match_info["team"]
    if team_id not in office.team_ids:
        raise not_found()
    variant = _selected_variant(request.match_info["variant"], office.team(team_id))
    assert variant is not None
    assert variant.id is not None
    variant_id = variant.id
    form = await request.post()
    errors = FormErrors()
    windows = week_windows(form, errors)
    name, first, last = _variant_dates(form, "", errors)
    values = {f"day{d}": text(form, f"day{d}", 300) for d in range(7)}
    values.update({key: text(form, key, 80) for key in ("name", "first", "last")})
    status = 422
    if not errors:
        actor, now, tz = actor_of(identity), state.now(), state.settings.tz
        try:
            await run(
                state,
                lambda uow: schedule.change_variant(
                    uow,
                    actor,
                    variant_id,
                    now=now,
                    tz=tz,
                    name=name,
                    first=first,
                    last=last,
                    windows=windows,
                ),
            )
        except CallcenterError as exc:
            status = _variant_error(errors, exc)
        else:
            raise _redirect(f"/sprechzeiten?team={team_id}&variant={variant_id}", "saved", request)
    return _hours_response(
        request, state, office, team_id, values, errors, status, variant_id=variant_id
    )


async def variant_delete_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    office = await state.office()
    team_id = request.match_info["team"]
    if team_id not in office.team_ids:
        raise not_found()
    variant = _selected_variant(request.match_info["variant"], office.team(team_id))
    assert variant is not None
    assert variant.id is not None
    variant_id = variant.id
    await request.post()
    errors = FormErrors()
    actor, now, tz = actor_of(identity), state.now(), state.settings.tz
    try:
        await run(
            state, lambda uow: schedule.delete_variant(uow, actor, variant_id, now=now, tz=tz)
        )
    except CallcenterError as exc:
        status = _at_field(errors, exc, "last")
        return _hours_response(
            request, state, office, team_id, None, errors, status, variant_id=variant_id
        )
    raise _redirect(f"/sprechzeiten?team={team_id}", "variant_deleted", request)


def _checked(form: Mapping[str, object], name: str) -> bool:
    return form.get(name) == "on"


# ------------------------------------------------------------------ holidays


async def holidays_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN)
    return await _holidays_response(request, FormErrors())


async def _holidays_response(
    request: web.Request, errors: FormErrors, status: int = 200
) -> web.Response:
    state = state_of(request)
    office = await state.office()
    holiday_state = await run(state, schedule.holiday_state)
    year = _year(request, state)
    listed = holiday_list(holiday_state, year)
    return render(
        request,
        "holidays.html",
        {
            "states": GERMAN_STATES,
            "holiday_state": holiday_state,
            "year": year,
            "holidays": listed,
            "names": sorted({name for _day, name in listed}),
            "teams": office.teams,
            "errors": errors.for_lang(lang_of(request)),
        },
        status=status,
    )


def _year(request: web.Request, state: WebState) -> int:
    raw = request.query.get("year", "")
    if raw.isdigit() and 1990 <= int(raw) <= 2100:
        return int(raw)
    return state.now().year


def holiday_list(holiday_state: str, year: int) -> list[tuple[date, str]]:
    calendar = german_holidays(holiday_state)
    listed = []
    day = date(year, 1, 1)
    while day.year == year:
        name = calendar.get(day)
        if name is not None:
            listed.append((day, name))
        day += timedelta(days=1)
    return listed


async def holiday_state_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    form = await request.post()
    errors = FormErrors()
    actor, now, code = actor_of(identity), state.now(), text(form, "state", 10)
    try:
        await run(state, lambda uow: schedule.set_holiday_state(uow, actor, code, now=now))
    except CallcenterError as exc:
        _form_error(errors, exc, "state")
        return await _holidays_response(request, errors, 422)
    raise _redirect("/feiertage", "saved", request)


async def team_holidays_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    team_id = request.match_info["team"]
    form = await request.post()
    ignored = [value for value in form.getall("ignored", []) if isinstance(value, str)]
    enabled = form.get("enabled") == "on"
    actor, now = actor_of(identity), state.now()
    try:
        await run(
            state,
            lambda uow: schedule.set_team_holidays(uow, actor, team_id, enabled, ignored, now=now),
        )
    except CallcenterError as exc:
        error = translate_error(exc)
        if error.status == 404:
            raise error from None
        errors = FormErrors()
        errors.add(f"team-{team_id}", error.message_de, error.message_en)
        return await _holidays_response(request, errors, error.status)
    raise _redirect("/feiertage", "saved", request)


# ------------------------------------------------------------------ special openings


async def openings_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN)
    return await _openings_response(request, {}, FormErrors())


async def _openings_response(
    request: web.Request, values: Mapping[str, str], errors: FormErrors, status: int = 200
) -> web.Response:
    state = state_of(request)
    office = await state.office()
    openings = await run(state, schedule.openings)
    today = state.now().date()
    return render(
        request,
        "openings.html",
        {
            "teams": office.teams,
            "team_names": {team.id: team for team in office.teams},
            "openings": [o for o in openings if o.day >= today - timedelta(days=30)],
            "values": values,
            "errors": errors.for_lang(lang_of(request)),
        },
        status=status,
    )


async def opening_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    form = await request.post()
    values = {name: text(form, name) for name in ("team", "day", "start", "end", "note")}
    errors = FormErrors()
    day = require_day(form, "day", errors)
    start = parse_clock(form, "start", errors)
    end = parse_clock(form, "end", errors)
    status = 422
    if not errors and day is not None and start is not None and end is not None:
        actor, now = actor_of(identity), state.now()
        try:
            opening = SpecialOpening(
                text(form, "team", 80), day, start, end, text(form, "note", NOTE_LIMIT)
            )
            await run(state, lambda uow: schedule.add_opening(uow, actor, opening, now=now))
        except CallcenterError as exc:
            status = _form_error(errors, exc, "end")
        else:
            raise _redirect("/sonderoeffnungen", "saved", request)
    return await _openings_response(request, values, errors, status)


# ------------------------------------------------------------------ pilots


async def pilots_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN, Role.TEAMLEAD)
    return await _pilots_response(request, {}, FormErrors())


async def _pilots_response(
    request: web.Request, values: Mapping[str, str], errors: FormErrors, status: int = 200
) -> web.Response:
    identity = ensure_identity(request)
    state = state_of(request)
    office = await state.office()
    pilots = await run(state, schedule.pilots)
    return render(
        request,
        "pilots.html",
        {
            "teams": _team_choices(office, identity),
            "team_names": {team.id: team for team in office.teams},
            "pilots": pilots,
            "values": values,
            "errors": errors.for_lang(lang_of(request)),
        },
        status=status,
    )


async def pilot_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    form = await request.post()
    values = {name: text(form, name) for name in ("team", "start", "end", "note")}
    errors = FormErrors()
    start = require_day(form, "start", errors)
    end = parse_day(form, "end", errors)
    status = 422
    if not errors and start is not None:
        actor, now = actor_of(identity), state.now()
        try:
            pilot = Pilot(text(form, "team", 80), start, end, text(form, "note", NOTE_LIMIT))
            await run(state, lambda uow: schedule.add_pilot(uow, actor, pilot, now=now))
        except CallcenterError as exc:
            status = _form_error(errors, exc, "end")
        else:
            raise _redirect("/pilotphasen", "saved", request)
    return await _pilots_response(request, values, errors, status)
