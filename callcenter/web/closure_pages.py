"""The closures page: 'Bandansage heute', closure days for a period, and the list of current
and future closures with who entered them and when; a future closure is edited or deleted,
a running one ended now or given another end.

The rules (no start in the past, confirmation beyond 31 days, what may change once a
closure runs) are the use case's (callcenter.usecases.schedule, callcenter.domain.
schedule_rules); the page shows them as hints at the fields and puts the use case's own
message at the field it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.errors import CallcenterError
from callcenter.domain.schedule import Closure
from callcenter.usecases import audit as audit_queries
from callcenter.usecases import schedule
from callcenter.web import public_reasons
from callcenter.web.actions import actor_of, require, run
from callcenter.web.actor_names import actor_label
from callcenter.web.errors import forbidden, not_found, translate_error
from callcenter.web.forms import (
    FormErrors,
    parse_clock,
    parse_day,
    parse_instant,
    require_day,
    text,
    to_date,
)
from callcenter.web.middleware import ensure_identity
from callcenter.web.pages import NOTE_LIMIT, _checked, _form_error, _redirect, _team_choices
from callcenter.web.render import render
from callcenter.web.state import WebState, lang_of, state_of

# The use case's field names -> the edit form's fields.
_EDIT_FIELDS = {
    "start": "start_day",
    "end": "end_day",
    "at": "end_day",
    "confirm_long": "confirm_long",
    "public_reason": "edit_reason",
}


async def closures_page(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    return await _closures_response(request, {}, FormErrors())


async def _reason_labels(state: WebState, lang: str) -> dict[str, str]:
    reasons = await public_reasons.public_reasons(state)
    return {key: reasons.text(key, lang) or key for key in public_reasons.keys(reasons)}


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
    lang = lang_of(request)

    def load(uow: Any) -> tuple[list[Closure], dict[int, Any]]:
        shown = schedule.closures(uow, now=now)
        ids = [c.id for c in shown if c.id is not None]
        return shown, audit_queries.closures_entered(uow, ids)

    shown, entered = await run(state, load)
    labels = await _reason_labels(state, lang)
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
            # can be edited within the rules (callcenter.domain.schedule_rules).
            "may_end": {c.id: c.start <= now and identity.may_change_team(c.team) for c in shown},
            "may_delete": {c.id: c.start > now and identity.may_change_team(c.team) for c in shown},
            "may_change": {c.id: identity.may_change_team(c.team) for c in shown},
            "entered_by": {c.id: _entered_by(c, entered, lang) for c in shown},
            "entered_at": {c.id: entered[c.id].at for c in shown if c.id in entered},
            "values": values,
            "errors": errors.for_lang(lang),
            "today": now.date(),
            "now_clock": f"{now:%H:%M}",
        },
        status=status,
    )


def _entered_by(closure: Closure, entered: Mapping[int, Any], lang: str) -> str:
    if closure.created_by:
        return actor_label(closure.created_by, lang)
    entry = entered.get(closure.id or 0)
    return actor_label(entry.actor, lang) if entry is not None else ""


def _closure_team(form: Mapping[str, object], name: str) -> str | None:
    value = text(form, name, 80)
    return None if value in ("", "*") else value


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
            where = "until" if exc.field() == "until" else _reason_field(exc, "today")
            status = _form_error(errors, exc, where)
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
            status = _form_error(errors, exc, _range_field(exc))
        else:
            raise _redirect("/schliesstage", "closure_added", request)
    return await _closures_response(request, values, errors, status)


def _range_field(exc: CallcenterError) -> str:
    """Where a refused period's message belongs: the start's rule at the first day, the
    confirmation at its checkbox, the public reason at its select, others at the last day."""
    return {
        "start": "first_day",
        "confirm_long": "confirm_long",
        "public_reason": "range_reason",
    }.get(exc.field() or "", "last_day")


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


def _local_end(raw: str, state: WebState) -> datetime | None:
    """'09.12.2026 12:00' or '2026-12-09T12:00' (office time); None if neither."""
    day_text, _, clock_text = raw.replace("T", " ").partition(" ")
    try:
        day = to_date(day_text)
        clock = time.fromisoformat(clock_text.strip()) if clock_text.strip() else time(0)
    except ValueError:
        return None
    return datetime.combine(day, clock).replace(tzinfo=state.settings.tz)


async def closure_change_submit(request: web.Request) -> web.StreamResponse:
    """Another end for a closure (a future one or a running one), in office time; for
    scripts and bookmarks (the page itself uses the edit form)."""
    closure_id = _closure_id(request)
    state = state_of(request)
    form = await request.post()
    raw = text(form, "new_end", 40)
    end = _local_end(raw, state) if raw else None
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


# ------------------------------------------------------------------ edit one closure


async def _get_closure(state: WebState, closure_id: int) -> Closure:
    def find(uow: Any) -> Closure:
        found: Closure = uow.schedules.get_closure(closure_id)
        return found

    try:
        return await run(state, find)
    except CallcenterError as exc:
        raise translate_error(exc) from None


def _edit_values(closure: Closure, state: WebState) -> dict[str, str]:
    tz = state.settings.tz
    start, end = closure.start.astimezone(tz), closure.end.astimezone(tz)
    return {
        "start_day": f"{start:%d.%m.%Y}",
        "start_time": f"{start:%H:%M}",
        "end_day": f"{end:%d.%m.%Y}",
        "end_time": f"{end:%H:%M}",
        "edit_reason": closure.public_reason,
        "edit_note": closure.note,
        "edit_on_board": "on" if closure.note_on_board else "",
        "confirm_long": "",
    }


async def closure_edit_page(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    closure = await _get_closure(state, _closure_id(request))
    if not identity.may_change_team(closure.team):
        raise forbidden()
    return await _edit_response(request, closure, _edit_values(closure, state), FormErrors())


async def _edit_response(
    request: web.Request,
    closure: Closure,
    values: Mapping[str, str],
    errors: FormErrors,
    status: int = 200,
) -> web.Response:
    state = state_of(request)
    office = await state.office()
    lang = lang_of(request)
    now = state.now()
    labels = await _reason_labels(state, lang)
    return render(
        request,
        "closure_edit.html",
        {
            "closure": closure,
            "running": closure.start <= now,
            "team_label": closure.team,
            "team_names": {team.id: team for team in office.teams},
            "public_reasons": list(labels.items()),
            "values": values,
            "errors": errors.for_lang(lang),
            "entered_by": actor_label(closure.created_by, lang) if closure.created_by else "",
        },
        status=status,
    )


async def closure_edit_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN, Role.TEAMLEAD)
    state = state_of(request)
    closure_id = _closure_id(request)
    closure = await _get_closure(state, closure_id)
    if not identity.may_change_team(closure.team):
        raise forbidden()
    form = await request.post()
    names = ("start_day", "start_time", "end_day", "end_time", "edit_reason", "edit_note")
    values = {name: text(form, name, 200) for name in names}
    values["edit_on_board"] = "on" if _checked(form, "edit_on_board") else ""
    values["confirm_long"] = "on" if _checked(form, "confirm_long") else ""
    now, tz = state.now(), state.settings.tz
    running = closure.start <= now
    errors = FormErrors()
    start = None if running else parse_instant(form, "start_day", "start_time", tz, errors)
    end = parse_instant(form, "end_day", "end_time", tz, errors)
    note = text(form, "edit_note", NOTE_LIMIT)
    reason = text(form, "edit_reason", 80)
    if not note and not reason:
        errors.add_key("edit_note", "need_note")
    if errors or end is None:
        return await _edit_response(request, closure, values, errors, 422)
    actor = actor_of(identity)
    allowed = public_reasons.keys(await public_reasons.public_reasons(state))
    try:
        await run(
            state,
            lambda uow: schedule.change_closure(
                uow,
                actor,
                closure_id,
                now=now,
                start=start,
                end=end,
                note=note,
                confirm_long=_checked(form, "confirm_long"),
                public_reason=reason,
                note_on_board=_checked(form, "edit_on_board"),
                reasons=allowed,
            ),
        )
    except CallcenterError as exc:
        where = _EDIT_FIELDS.get(exc.field() or "", "end_day")
        status = _form_error(errors, exc, where)
        if status == 404:
            raise translate_error(exc) from None
        return await _edit_response(request, closure, values, errors, status)
    raise _redirect("/schliesstage", "closure_changed", request)
