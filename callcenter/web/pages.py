"""The schedule pages: overview, call hours (week grid + 14-day preview), closure days and
'Bandansage heute', public holidays, special openings, pilot periods.

Forms post back to the same page; a bad form comes back with the messages at the fields
and the typed values, a good one redirects (303) with a short confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.errors import CallcenterError, EmptyWeekNeedsConfirmation
from callcenter.domain.schedule import Office, Pilot, SpecialOpening
from callcenter.holiday_calendar import GERMAN_STATES, german_holidays
from callcenter.usecases import schedule
from callcenter.web import public_reasons, readmodels
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
from callcenter.web.render import render
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
    return render(
        request,
        "overview.html",
        {
            "rows": rows,
            "live": live is not None,
            "pbx_connected": live.pbx_connected() if live else None,
            "heartbeat": live.last_heartbeat() if live else None,
        },
    )


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
    return _hours_response(request, state, office, team_id, None, FormErrors())


def _hours_response(
    request: web.Request,
    state: WebState,
    office: Office,
    team_id: str,
    values: Mapping[str, str] | None,
    errors: FormErrors,
    status: int = 200,
) -> web.Response:
    identity = ensure_identity(request)
    team = office.team(team_id)
    shown = values or {f"day{d}": format_day_windows(team.windows, d) for d in range(7)}
    today = state.now().date()
    return render(
        request,
        "hours.html",
        {
            "teams": office.teams,
            "team": team,
            "values": shown,
            "errors": errors.for_lang(lang_of(request)),
            "can_edit": identity.has(Role.ADMIN),
            "grid": _grid(team.windows),
            "preview": readmodels.preview(office, team_id, today),
        },
        status=status,
    )


def _grid(windows: Any) -> list[list[tuple[float, float, str]]]:
    """Per weekday: (left %, width %, label) of each window on a 06:00–20:00 bar."""
    first, last = 6 * 60, 20 * 60
    span = last - first
    rows: list[list[tuple[float, float, str]]] = [[] for _ in range(7)]
    for window in windows:
        start = max(first, window.start.hour * 60 + window.start.minute)
        end = min(last, window.end.hour * 60 + window.end.minute)
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


# ------------------------------------------------------------------ closures


async def closures_page(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    return await _closures_response(request, {}, FormErrors())


async def _closures_response(
    request: web.Request,
    values: Mapping[str, str],
    errors: FormErrors,
    status: int = 200,
) -> web.Response:
    identity = ensure_identity(request)
    state = state_of(request)
    office = await state.office()
    now = state.now()
    shown = await run(state, lambda uow: schedule.closures(uow, now=now))
    reasons = await public_reasons.public_reasons(state)
    lang = lang_of(request)
    labels = {key: reasons.text(key, lang) or key for key in public_reasons.keys(reasons)}
    return render(
        request,
        "closures.html",
        {
            "public_reasons": list(labels.items()),
            "reason_label": labels,
            "teams": _team_choices(office, identity),
            "all_teams_allowed": identity.has(Role.ADMIN),
            "closures": shown,
            "team_names": {team.id: team for team in office.teams},
            # A running closure can be ended now; one that has not begun can be deleted; both
            # can get another end (callcenter.domain.schedule_rules).
            "may_end": {c.id: c.start <= now and identity.may_change_team(c.team) for c in shown},
            "may_delete": {c.id: c.start > now and identity.may_change_team(c.team) for c in shown},
            "may_change": {c.id: identity.may_change_team(c.team) for c in shown},
            "local_input": lambda value: _local_input(value, state),
            "values": values,
            "errors": errors.for_lang(lang_of(request)),
            "today": now.date(),
        },
        status=status,
    )


def _closure_team(form: Mapping[str, object], name: str) -> str | None:
    value = text(form, name, 80)
    return None if value in ("", "*") else value


def _local_input(value: datetime, state: WebState) -> str:
    """An instant as the value of a datetime-local field (office time, minutes)."""
    return value.astimezone(state.settings.tz).strftime("%Y-%m-%dT%H:%M")


def _checked(form: Mapping[str, object], name: str) -> bool:
    return form.get(name) == "on"


async def closure_today_submit(request: web.Request) -> web.StreamResponse:
    """'Bandansage heute': from this minute to midnight or to the time given."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    form = await request.post()
    values = {
        "today_team": text(form, "today_team", 80),
        "today_note": text(form, "today_note"),
        "today_reason": text(form, "today_reason", 80),
        "today_on_board": "on" if _checked(form, "today_on_board") else "",
        "until": text(form, "until", 20),
    }
    errors = FormErrors()
    note = text(form, "today_note", NOTE_LIMIT)
    reason, on_board = values["today_reason"], _checked(form, "today_on_board")
    if not note and not reason:
        errors.add_key("today_note", "need_note")
    until: time | None = parse_clock(form, "until", errors) if values["until"] else None
    status = 422
    if not errors:
        actor, now, tz = actor_of(identity), state.now(), state.settings.tz
        team = _closure_team(form, "today_team")
        allowed = public_reasons.keys(await public_reasons.public_reasons(state))
        try:
            await run(
                state,
                lambda uow: schedule.announcement_today(
                    uow,
                    actor,
                    team,
                    note,
                    now=now,
                    tz=tz,
                    until=until,
                    public_reason=reason,
                    note_on_board=on_board,
                    reasons=allowed,
                ),
            )
        except CallcenterError as exc:
            status = _form_error(errors, exc, _reason_field(exc, "today"))
        else:
            raise _redirect("/schliesstage", "closure_added", request)
    return await _closures_response(request, values, errors, status)


async def closure_range_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    form = await request.post()
    values = {
        name: text(form, name)
        for name in (
            "range_team",
            "first_day",
            "last_day",
            "range_note",
            "range_reason",
            "range_on_board",
            "confirm_long",
        )
    }
    errors = FormErrors()
    first = require_day(form, "first_day", errors)
    last = parse_day(form, "last_day", errors)
    note = text(form, "range_note", NOTE_LIMIT)
    reason, on_board = text(form, "range_reason", 80), _checked(form, "range_on_board")
    if not note and not reason:
        errors.add_key("range_note", "need_note")
    confirm = _checked(form, "confirm_long")
    status = 422
    if not errors and first is not None:
        actor, now, tz = actor_of(identity), state.now(), state.settings.tz
        team = _closure_team(form, "range_team")
        allowed = public_reasons.keys(await public_reasons.public_reasons(state))
        try:
            await run(
                state,
                lambda uow: schedule.add_closure_days(
                    uow,
                    actor,
                    team,
                    first,
                    last,
                    note,
                    now=now,
                    tz=tz,
                    confirm_long=confirm,
                    public_reason=reason,
                    note_on_board=on_board,
                    reasons=allowed,
                ),
            )
        except CallcenterError as exc:
            status = _form_error(errors, exc, _reason_field(exc, "range", "last_day"))
        else:
            raise _redirect("/schliesstage", "closure_added", request)
    return await _closures_response(request, values, errors, status)


def _reason_field(exc: CallcenterError, prefix: str, otherwise: str | None = None) -> str:
    """The form field an error belongs to: the public reason select if it is about that."""
    if exc.field() == "public_reason":
        return f"{prefix}_reason"
    return otherwise or f"{prefix}_team"


def _closure_id(request: web.Request) -> int:
    try:
        closure_id = int(request.match_info["closure_id"])
    except ValueError:
        raise not_found() from None
    if not 1 <= closure_id <= 2**31 - 1:
        raise not_found()
    return closure_id


async def _closure_action(
    request: web.Request, work: Any, field: str, message: str
) -> web.StreamResponse:
    """Run a change of one closure; its problem is shown above the list (404 as a page)."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    try:
        await run(state, work)
    except CallcenterError as exc:
        error = translate_error(exc)
        if error.status in (403, 404):
            raise error from None
        errors = FormErrors()
        errors.add(field, error.message_de, error.message_en)
        return await _closures_response(request, {}, errors, error.status)
    raise _redirect("/schliesstage", message, request)


async def closure_end_submit(request: web.Request) -> web.StreamResponse:
    closure_id = _closure_id(request)
    state = state_of(request)
    actor, now = actor_of(ensure_identity(request)), state.now()
    return await _closure_action(
        request,
        lambda uow: schedule.end_closure(uow, actor, closure_id, now=now),
        "end",
        "closure_ended",
    )


async def closure_delete_submit(request: web.Request) -> web.StreamResponse:
    closure_id = _closure_id(request)
    state = state_of(request)
    actor, now = actor_of(ensure_identity(request)), state.now()
    return await _closure_action(
        request,
        lambda uow: schedule.delete_closure(uow, actor, closure_id, now=now),
        "end",
        "closure_deleted",
    )


async def closure_change_submit(request: web.Request) -> web.StreamResponse:
    """Another end for a closure (a future one or a running one), in office time."""
    closure_id = _closure_id(request)
    state = state_of(request)
    form = await request.post()
    raw = text(form, "new_end", 40)
    try:
        end = datetime.fromisoformat(raw).replace(tzinfo=state.settings.tz) if raw else None
    except ValueError:
        end = None
    if end is None:
        errors = FormErrors()
        errors.add_key("end", "invalid_date", text=raw)
        return await _closures_response(request, {}, errors, 422)
    actor, now, confirm = (
        actor_of(ensure_identity(request)),
        state.now(),
        _checked(form, "confirm_long"),
    )
    return await _closure_action(
        request,
        lambda uow: schedule.change_closure(
            uow, actor, closure_id, now=now, end=end, confirm_long=confirm
        ),
        "end",
        "closure_changed",
    )


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
