"""The JSON API under /api/v1: the same operations as the pages, for machine clients
(an intranet portal, a ticket system switching 'Bandansage heute') with an API token."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from callcenter.domain.access import Scope
from callcenter.domain.callbacks import require_callbacks
from callcenter.domain.schedule import (
    Closure,
    Pilot,
    SpecialOpening,
    Team,
    Window,
    describe_windows,
)
from callcenter.domain.timeparse import format_time, parse_time
from callcenter.holiday_calendar import GERMAN_STATES
from callcenter.usecases import audit as audit_queries
from callcenter.usecases import callbacks as callback_cases
from callcenter.usecases import office_phrases, schedule
from callcenter.usecases import prompts as prompt_cases
from callcenter.web import actions, callbacks_page, public_reasons, readmodels
from callcenter.web.actions import actor_of, run
from callcenter.web.api_base import (
    ADMIN,
    ALL_ROLES,
    STAFF,
    Call,
    Endpoint,
    Serialized,
)
from callcenter.web.api_models import (
    AuditEntryOut,
    AuditOut,
    AuditQuery,
    BoardOut,
    CallbackAttemptOut,
    CallbackCallOut,
    CallbackListOut,
    CallbackOut,
    ClosureBody,
    ClosureChangeBody,
    ClosureListOut,
    ClosureOut,
    ClosureQuery,
    EndClosureBody,
    EvaluationOut,
    EvaluationQuery,
    FigureOut,
    HolidayOut,
    HolidaysOut,
    HolidaysQuery,
    HolidayStateBody,
    HoursBody,
    HoursOut,
    IntervalOut,
    MeOut,
    OpeningBody,
    OpeningListOut,
    OpeningOut,
    OverviewOut,
    OverviewTeamOut,
    PilotBody,
    PilotListOut,
    PilotOut,
    PreviewDayOut,
    PreviewOut,
    PreviewQuery,
    PromptSlotOut,
    PromptsOut,
    PromptsQuery,
    RecordingOut,
    TeamHolidaysBody,
    TeamHolidaysOut,
    TeamStatusOut,
    VariantOut,
    WindowModel,
)
from callcenter.web.errors import WebError, not_found
from callcenter.web.evaluation import check_period, evaluation_for
from callcenter.web.pages import holiday_list, overview_rows
from callcenter.web.prompt_pages import prompt_slots

AUDIO_TYPES = {
    "audio/wav": "wav",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
}
MAX_AUDIO_BYTES = 64 * 1024 * 1024
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def _status_out(status: readmodels.TeamStatus) -> dict[str, Any]:
    return {
        "id": status.id,
        "name_de": status.name_de,
        "name_en": status.name_en,
        "state": str(status.state),
        "reason": str(status.reason) if status.reason else None,
        "until": status.until,
        "next_open": status.next_open,
        **readmodels.closure_shown(status.closure),
        "kind": status.kind,
        "next_state_change": status.next_state_change,
        "transfer_number": status.transfer_number,
    }


def _closure_out(closure: Closure, now: datetime) -> ClosureOut:
    return ClosureOut(
        id=closure.id or 0,
        team=closure.team,
        start=closure.start,
        end=closure.end,
        note=closure.note,
        public_reason=closure.public_reason,
        note_on_board=closure.note_on_board,
        created_by=closure.created_by,
        active=closure.start <= now < closure.end,
    )


def _window_out(window: Window) -> WindowModel:
    return WindowModel(
        weekday=window.weekday, start=format_time(window.start), end=format_time(window.end)
    )


async def _known_team(call: Call, team: str) -> None:
    office = await call.state.office()
    if team not in office.team_ids:
        raise WebError(
            404,
            "unknown_team",
            f"unbekanntes Team „{team}“ (bekannt: {', '.join(office.team_ids)})",
            f"unknown team '{team}' (known: {', '.join(office.team_ids)})",
            "team",
        )


# ------------------------------------------------------------------ who, overview, board


async def api_me(call: Call) -> BaseModel:
    account = call.identity.account
    return MeOut(
        username=account.username,
        role=account.role.value,
        team=account.team,
        via=call.identity.via,
        actor=call.identity.actor,
    )


_OVERVIEW_TEAMS = TypeAdapter(list[OverviewTeamOut])


async def api_overview(call: Call) -> Serialized:
    """The teams' part is kept per rows (each team's status, counts and waiting callers:
    all it shows) in the page cache; `now` and the PBX facts are new at every request."""
    state = call.state
    rows = await overview_rows(state)
    live = state.live
    key = ("api_overview", tuple(rows))
    teams = state.pages.get(key)
    if teams is None:
        teams = _OVERVIEW_TEAMS.dump_json(
            [
                OverviewTeamOut(
                    **_status_out(row.status),
                    calls_today_inside=row.calls.inside,
                    calls_today_outside=row.calls.outside,
                    calls_today_unknown=row.calls.unknown,
                    waiting=row.waiting,
                )
                for row in rows
            ],
            by_alias=True,
        ).decode()
        state.pages.put(key, teams)
    head = OverviewOut(
        now=state.now(),
        pbx_connected=live.pbx_connected() if live else None,
        last_heartbeat=live.last_heartbeat() if live else None,
        teams=[],
    ).model_dump_json(by_alias=True)
    # `teams` is the model's last field: its empty list closes the text (a test compares
    # the result with the whole model's own serialization).
    return Serialized(head.removesuffix("[]}") + teams + "}")


async def api_board(call: Call) -> BaseModel:
    office = await call.state.office()
    now = call.state.now()
    return BoardOut(
        now=now, teams=[TeamStatusOut(**_status_out(s)) for s in readmodels.board(office, now)]
    )


# ------------------------------------------------------------------ callbacks


async def api_callbacks(call: Call) -> BaseModel:
    team = call.path["team"]
    now = call.state.now()
    actor = actor_of(call.identity)
    require_callbacks(actor, team)
    seal = callbacks_page.seal_of(call.request)
    items = await asyncio.to_thread(
        callback_cases.open_requests, call.state.store.session, actor, team, seal, now
    )
    return CallbackListOut(
        items=[
            CallbackOut(
                id=r.id,
                team=r.team,
                number=r.number or "",
                dialled=r.dialled,
                requested_at=r.requested_at,
                waiting_seconds=round(r.waiting_seconds(now)),
                expires_at=r.expires_at,
                attempts=[
                    CallbackAttemptOut(
                        attempt=a.attempt,
                        started=a.started,
                        outcome=None if a.outcome is None else a.outcome.value,
                    )
                    for a in r.attempts
                ],
            )
            for r in items
        ]
    )


async def api_callback_call(call: Call) -> BaseModel:
    """ "Anrufen" for an API client: the extension is the token user's configured one."""
    request_id = callbacks_page.request_id_of(call.path["request_id"])
    request = await asyncio.to_thread(
        callback_cases.request_for,
        call.state.store.session,
        actor_of(call.identity),
        request_id,
    )
    extension = callbacks_page.extension_for(call.state, call.identity, request.team)
    started = await callbacks_page.dial(call.state, call.identity, request_id, extension)
    return CallbackCallOut(request_id=request_id, attempt=started.attempt, extension=extension)


# ------------------------------------------------------------------ call hours


async def api_get_hours(call: Call) -> BaseModel:
    team_id = call.path["team"]
    await _known_team(call, team_id)
    office = await call.state.office()
    return _hours_out(office.team(team_id))


async def api_set_hours(call: Call) -> BaseModel:
    body: HoursBody = call.body
    team_id = call.path["team"]
    actions.require(call.identity, *ADMIN)
    await _known_team(call, team_id)
    windows = [
        Window(
            w.weekday,
            parse_time(w.start, "start"),
            parse_time(w.end, "end", allow_end_of_day=True),
        )
        for w in body.windows
    ]
    actor, now, force = actor_of(call.identity), call.state.now(), body.force
    team = await run(
        call.state,
        lambda uow: schedule.set_windows(uow, actor, team_id, windows, now=now, force=force),
    )
    return _hours_out(team)


def _hours_out(team: Team) -> HoursOut:
    return HoursOut(
        team=team.id,
        windows=[_window_out(w) for w in team.windows],
        description=describe_windows(team.windows),
        variants=[
            VariantOut(
                id=variant.id,
                name=variant.name,
                first_day=variant.first,
                last_day=variant.last,
                windows=[_window_out(w) for w in variant.windows],
                description=describe_windows(variant.windows),
            )
            for variant in team.variants
        ],
    )


async def api_preview(call: Call) -> BaseModel:
    query: PreviewQuery = call.query
    team_id = call.path["team"]
    await _known_team(call, team_id)
    office = await call.state.office()
    first = query.start or call.state.now().date()
    days = readmodels.preview(office, team_id, first, query.days)
    return PreviewOut(
        team=team_id,
        days=[
            PreviewDayOut(
                day=day.day,
                open=[IntervalOut(start=i.start, end=i.end) for i in day.open],
                holiday=day.holiday,
                closures=[c.note for c in day.closures],
                openings=list(day.openings),
            )
            for day in days
        ],
    )


# ------------------------------------------------------------------ closures


async def api_list_closures(call: Call) -> BaseModel:
    query: ClosureQuery = call.query
    if query.team is not None:
        await _known_team(call, query.team)
    state = call.state
    now = state.now()
    shown = await run(
        state,
        lambda uow: schedule.closures(uow, query.team, now=now, include_past=query.include_past),
    )
    return ClosureListOut(closures=[_closure_out(c, now) for c in shown])


async def api_add_closure(call: Call) -> BaseModel:
    body: ClosureBody = call.body
    state, identity = call.state, call.identity
    actions.require_team(identity, body.team)
    if body.team is not None:
        await _known_team(call, body.team)
    actor, now, tz = actor_of(identity), state.now(), state.settings.tz
    team, note, confirm = body.team, body.note, body.confirm_long
    reason, on_board = body.public_reason.strip(), body.note_on_board
    allowed = public_reasons.keys(await public_reasons.public_reasons(state))
    if body.today:
        until = parse_time(body.until, "until") if body.until else None
        closure = await run(
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
    elif body.first_day is not None:
        first, last = body.first_day, body.last_day
        closure = await run(
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
    elif body.start is not None and body.end is not None:
        new = Closure(
            team,
            body.start,
            body.end,
            note.strip(),
            created_by=actor.name,
            public_reason=reason,
            note_on_board=on_board,
        )
        closure = await run(
            state,
            lambda uow: schedule.add_closure(
                uow, actor, new, now=now, confirm_long=confirm, reasons=allowed
            ),
        )
    else:  # pragma: no cover - ClosureBody's validator rules this out
        raise WebError(422, "validation", "Zeitraum fehlt", "period missing", "start")
    return _closure_out(closure, state.now())


def _closure_id(call: Call) -> int:
    try:
        closure_id = int(call.path["closure_id"])
    except ValueError:
        raise not_found() from None
    if not 1 <= closure_id <= MAX_ID:
        raise not_found()
    return closure_id


async def api_end_closure(call: Call) -> BaseModel:
    body: EndClosureBody = call.body
    closure_id = _closure_id(call)
    state = call.state
    actor, now, at = actor_of(call.identity), state.now(), body.at
    closure = await run(
        state, lambda uow: schedule.end_closure(uow, actor, closure_id, now=now, at=at)
    )
    return _closure_out(closure, state.now())


async def api_change_closure(call: Call) -> BaseModel:
    body: ClosureChangeBody = call.body
    closure_id = _closure_id(call)
    state = call.state
    actor, now = actor_of(call.identity), state.now()
    allowed = public_reasons.keys(await public_reasons.public_reasons(state))
    closure = await run(
        state,
        lambda uow: schedule.change_closure(
            uow,
            actor,
            closure_id,
            now=now,
            start=body.start,
            end=body.end,
            note=body.note,
            confirm_long=body.confirm_long,
            public_reason=body.public_reason,
            note_on_board=body.note_on_board,
            reasons=allowed,
        ),
    )
    return _closure_out(closure, state.now())


async def api_delete_closure(call: Call) -> BaseModel:
    closure_id = _closure_id(call)
    state = call.state
    actor, now = actor_of(call.identity), state.now()
    closure = await run(state, lambda uow: schedule.delete_closure(uow, actor, closure_id, now=now))
    return _closure_out(closure, state.now())


# ------------------------------------------------------------------ holidays


async def api_holidays(call: Call) -> BaseModel:
    query: HolidaysQuery = call.query
    state = call.state
    holiday_state = await run(state, schedule.holiday_state)
    office = await state.office()
    year = query.year or state.now().year
    return HolidaysOut(
        state=holiday_state,
        state_name=GERMAN_STATES.get(holiday_state, holiday_state),
        year=year,
        holidays=[HolidayOut(day=d, name=n) for d, n in holiday_list(holiday_state, year)],
        teams=[
            TeamHolidaysOut(
                team=t.id, enabled=t.holidays_enabled, ignored=sorted(t.ignored_holidays)
            )
            for t in office.teams
        ],
    )


async def api_set_holiday_state(call: Call) -> BaseModel:
    body: HolidayStateBody = call.body
    actor, now = actor_of(call.identity), call.state.now()
    await run(call.state, lambda uow: schedule.set_holiday_state(uow, actor, body.state, now=now))
    return await api_holidays(
        Call(call.request, call.state, call.identity, HolidaysQuery(), None, call.path)
    )


async def api_set_team_holidays(call: Call) -> BaseModel:
    body: TeamHolidaysBody = call.body
    team_id = call.path["team"]
    actions.require(call.identity, *ADMIN)
    await _known_team(call, team_id)
    actor, now = actor_of(call.identity), call.state.now()
    team = await run(
        call.state,
        lambda uow: schedule.set_team_holidays(
            uow, actor, team_id, body.enabled, body.ignored, now=now
        ),
    )
    return TeamHolidaysOut(
        team=team.id, enabled=team.holidays_enabled, ignored=sorted(team.ignored_holidays)
    )


# ------------------------------------------------------------------ openings, pilots


def _opening_out(opening: SpecialOpening) -> OpeningOut:
    return OpeningOut(
        id=opening.id or 0,
        team=opening.team,
        day=opening.day,
        start=f"{opening.start:%H:%M}",
        end=format_time(opening.end),
        note=opening.note,
    )


async def api_list_openings(call: Call) -> BaseModel:
    state = call.state
    openings = await run(state, schedule.openings)
    return OpeningListOut(openings=[_opening_out(o) for o in openings])


async def api_add_opening(call: Call) -> BaseModel:
    body: OpeningBody = call.body
    actions.require(call.identity, *ADMIN)
    await _known_team(call, body.team)
    opening = SpecialOpening(
        body.team,
        body.day,
        parse_time(body.start, "start"),
        parse_time(body.end, "end", allow_end_of_day=True),
        body.note,
    )
    actor, now = actor_of(call.identity), call.state.now()
    saved = await run(call.state, lambda uow: schedule.add_opening(uow, actor, opening, now=now))
    return _opening_out(saved)


def _pilot_out(pilot: Pilot) -> PilotOut:
    return PilotOut(
        id=pilot.id or 0, team=pilot.team, start=pilot.start, end=pilot.end, note=pilot.note
    )


async def api_list_pilots(call: Call) -> BaseModel:
    state = call.state
    pilots = await run(state, schedule.pilots)
    return PilotListOut(pilots=[_pilot_out(p) for p in pilots])


async def api_add_pilot(call: Call) -> BaseModel:
    body: PilotBody = call.body
    actions.require_team(call.identity, body.team)
    await _known_team(call, body.team)
    actor, now = actor_of(call.identity), call.state.now()
    pilot = Pilot(body.team, body.start, body.end, body.note)
    saved = await run(call.state, lambda uow: schedule.add_pilot(uow, actor, pilot, now=now))
    return _pilot_out(saved)


# ------------------------------------------------------------------ announcements


async def api_prompts(call: Call) -> BaseModel:
    query: PromptsQuery = call.query
    state = call.state
    office = await state.office()
    team_id = query.team or (office.team_ids[0] if office.teams else "")
    await _known_team(call, team_id)
    contact = await run(state, lambda uow: office_phrases.office_contact(uow, state.settings))
    slots = await asyncio.to_thread(prompt_slots, state, office, team_id, state.now(), contact)
    return PromptsOut(
        team=team_id,
        slots=[
            PromptSlotOut(
                team=s.team,
                reason=s.reason.value,
                lang=s.lang,
                active=s.active,
                text=s.text,
                seconds=s.seconds,
                recording_name=s.recording_name,
                audio_url=s.audio_url,
            )
            for s in slots
        ],
    )


def _unsupported_type(content_type: str) -> WebError:
    allowed = ", ".join(AUDIO_TYPES)
    return WebError(
        400,
        "content_type",
        f"Content-Type „{content_type}“ wird nicht angenommen (erlaubt: {allowed})",
        f"content type '{content_type}' is not accepted (allowed: {allowed})",
        "body",
    )


async def api_upload_recording(call: Call) -> BaseModel:
    team, reason, lang = call.path["team"], call.path["reason"], call.path["lang"]
    actions.require(call.identity, *ADMIN)
    await _known_team(call, team)
    request = call.request
    extension = AUDIO_TYPES.get(request.content_type)
    if extension is None:
        raise _unsupported_type(request.content_type)
    folder = await asyncio.to_thread(actions.upload_dir, call.state)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=f".{extension}", delete=False) as temp:
        path = Path(temp.name)
    try:
        size = 0
        with path.open("wb") as out:
            async for chunk in request.content.iter_chunked(1 << 16):
                size += len(chunk)
                if size > MAX_AUDIO_BYTES:
                    raise WebError(
                        400, "too_large", "Die Datei ist zu groß.", "the file is too large.", "body"
                    )
                out.write(chunk)
        installed = await prompt_cases.upload_recording(
            lambda work: run(call.state, work),
            actor_of(call.identity),
            call.state.settings.sounds_dir,
            team,
            reason,
            lang,
            path,
            source_name=f"upload.{extension}",
            now=call.state.now(),
        )
    finally:
        path.unlink(missing_ok=True)
    return RecordingOut(
        team=team,
        reason=installed.reason.value,
        lang=lang,
        active="recording",
        seconds=installed.seconds,
    )


async def api_remove_recording(call: Call) -> BaseModel:
    team, reason, lang = call.path["team"], call.path["reason"], call.path["lang"]
    actions.require(call.identity, *ADMIN)
    await _known_team(call, team)
    active = await prompt_cases.drop_recording(
        lambda work: run(call.state, work),
        actor_of(call.identity),
        call.state.settings.sounds_dir,
        team,
        reason,
        lang,
        now=call.state.now(),
    )
    return RecordingOut.model_validate(
        {"team": team, "reason": reason, "lang": lang, "active": active, "seconds": None}
    )


# ------------------------------------------------------------------ audit, evaluation


async def api_audit(call: Call) -> BaseModel:
    query: AuditQuery = call.query
    actor = actor_of(call.identity)
    entries = await run(
        call.state, lambda uow: audit_queries.audit_log(uow, actor, query.limit, query.entity)
    )
    return AuditOut(
        entries=[
            AuditEntryOut(
                id=e.id,
                at=e.at,
                actor=e.actor,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                before=e.before,
                after=e.after,
            )
            for e in entries
        ]
    )


async def api_evaluation(call: Call) -> BaseModel:
    query: EvaluationQuery = call.query
    if query.team is not None:
        await _known_team(call, query.team)
    check_period(query.start, query.end, call.state.now().date())
    result = await evaluation_for(call.state, query.team, query.start, query.end, "de")
    return EvaluationOut(
        available=result.available,
        as_of=result.as_of,
        message_de=result.message_de,
        message_en=result.message_en,
        figures=[FigureOut(title=c.title, figure=json.loads(c.figure_json)) for c in result.charts],
    )


TEAM: dict[str, dict[str, Any]] = {"team": {"type": "string", "minLength": 1, "maxLength": 64}}
REQUEST: dict[str, dict[str, Any]] = {"request_id": {"type": "string", "pattern": "^[0-9]{1,12}$"}}
SLOT: dict[str, dict[str, Any]] = {
    **TEAM,
    "reason": {"type": "string", "enum": ["hours", "holiday", "closure"]},
    "lang": {"type": "string", "pattern": "^[a-z]{2,3}$"},
}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/me", api_me, "Wer bin ich?", "Who am I?", ALL_ROLES, MeOut, scope=Scope.READ),
    Endpoint(
        "GET",
        "/overview",
        api_overview,
        "Übersicht aller Teams",
        "Overview of all teams",
        STAFF,
        OverviewOut,
        scope=Scope.READ,
    ),
    Endpoint(
        "GET",
        "/board",
        api_board,
        "Tafel der Telefonzentrale",
        "Switchboard board",
        ALL_ROLES,
        BoardOut,
        scope=Scope.READ,
    ),
    Endpoint(
        "GET",
        "/teams/{team}/hours",
        api_get_hours,
        "Sprechzeiten eines Teams",
        "A team's call hours",
        STAFF,
        HoursOut,
        scope=Scope.READ,
        path_params=TEAM,
    ),
    Endpoint(
        "PUT",
        "/teams/{team}/hours",
        api_set_hours,
        "Sprechzeiten ersetzen",
        "Replace a team's call hours",
        ADMIN,
        HoursOut,
        scope=Scope.SCHEDULE,
        body=HoursBody,
        path_params=TEAM,
    ),
    Endpoint(
        "GET",
        "/teams/{team}/preview",
        api_preview,
        "Vorschau (Standard 14 Tage)",
        "Preview (default 14 days)",
        STAFF,
        PreviewOut,
        scope=Scope.READ,
        query=PreviewQuery,
        path_params=TEAM,
    ),
    Endpoint(
        "PUT",
        "/teams/{team}/holidays",
        api_set_team_holidays,
        "Feiertage eines Teams",
        "A team's public holidays",
        ADMIN,
        TeamHolidaysOut,
        scope=Scope.SCHEDULE,
        body=TeamHolidaysBody,
        path_params=TEAM,
    ),
    Endpoint(
        "GET",
        "/closures",
        api_list_closures,
        "Schließungen",
        "Closures",
        STAFF,
        ClosureListOut,
        scope=Scope.READ,
        query=ClosureQuery,
    ),
    Endpoint(
        "POST",
        "/closures",
        api_add_closure,
        "Schließung anlegen (auch „Bandansage heute“: today = true)",
        "Add a closure ('announcement today': today = true)",
        STAFF,
        ClosureOut,
        scope=Scope.CLOSURES,
        status=201,
        body=ClosureBody,
    ),
    Endpoint(
        "POST",
        "/closures/{closure_id}/end",
        api_end_closure,
        "Schließung beenden",
        "End a closure",
        STAFF,
        ClosureOut,
        scope=Scope.CLOSURES,
        body=EndClosureBody,
        path_params={"closure_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    ),
    Endpoint(
        "PATCH",
        "/closures/{closure_id}",
        api_change_closure,
        "Schließung ändern (künftige frei, laufende nur das Ende)",
        "Change a closure (a future one freely, a running one only its end)",
        STAFF,
        ClosureOut,
        scope=Scope.CLOSURES,
        body=ClosureChangeBody,
        path_params={"closure_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    ),
    Endpoint(
        "DELETE",
        "/closures/{closure_id}",
        api_delete_closure,
        "Künftige Schließung löschen",
        "Delete a future closure",
        STAFF,
        ClosureOut,
        scope=Scope.CLOSURES,
        path_params={"closure_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    ),
    Endpoint(
        "GET",
        "/holidays",
        api_holidays,
        "Feiertage und Bundesland",
        "Public holidays and German state",
        ADMIN,
        HolidaysOut,
        scope=Scope.READ,
        query=HolidaysQuery,
    ),
    Endpoint(
        "PUT",
        "/holidays/state",
        api_set_holiday_state,
        "Bundesland für Feiertage setzen",
        "Set the German state for public holidays",
        ADMIN,
        HolidaysOut,
        scope=Scope.SCHEDULE,
        body=HolidayStateBody,
    ),
    Endpoint(
        "GET",
        "/openings",
        api_list_openings,
        "Sonderöffnungen",
        "Special openings",
        ADMIN,
        OpeningListOut,
        scope=Scope.READ,
    ),
    Endpoint(
        "POST",
        "/openings",
        api_add_opening,
        "Sonderöffnung anlegen",
        "Add a special opening",
        ADMIN,
        OpeningOut,
        scope=Scope.SCHEDULE,
        status=201,
        body=OpeningBody,
    ),
    Endpoint(
        "GET",
        "/pilots",
        api_list_pilots,
        "Pilotphasen",
        "Pilot periods",
        STAFF,
        PilotListOut,
        scope=Scope.READ,
    ),
    Endpoint(
        "POST",
        "/pilots",
        api_add_pilot,
        "Pilotphase anlegen",
        "Add a pilot period",
        STAFF,
        PilotOut,
        scope=Scope.SCHEDULE,
        status=201,
        body=PilotBody,
    ),
    Endpoint(
        "GET",
        "/prompts",
        api_prompts,
        "Ansagen eines Teams",
        "A team's announcements",
        ADMIN,
        PromptsOut,
        scope=Scope.ADMIN,
        query=PromptsQuery,
    ),
    Endpoint(
        "PUT",
        "/prompts/{team}/{reason}/{lang}/recording",
        api_upload_recording,
        "Aufnahme hochladen (WAV, MP3, OGG, FLAC; 1–120 s)",
        "Upload a recording (WAV, MP3, OGG, FLAC; 1–120 s)",
        ADMIN,
        RecordingOut,
        scope=Scope.ADMIN,
        binary=tuple(AUDIO_TYPES),
        path_params=SLOT,
    ),
    Endpoint(
        "DELETE",
        "/prompts/{team}/{reason}/{lang}/recording",
        api_remove_recording,
        "Aufnahme entfernen",
        "Remove a recording",
        ADMIN,
        RecordingOut,
        scope=Scope.ADMIN,
        path_params=SLOT,
    ),
    Endpoint(
        "GET",
        "/audit",
        api_audit,
        "Änderungsprotokoll",
        "Audit log",
        ADMIN,
        AuditOut,
        scope=Scope.READ,
        query=AuditQuery,
    ),
    Endpoint(
        "GET",
        "/teams/{team}/callbacks",
        api_callbacks,
        "Offene Rückrufwünsche eines Teams (älteste zuerst)",
        "A team's open callback requests (oldest first)",
        STAFF,
        CallbackListOut,
        scope=Scope.CALLBACKS,
        path_params=TEAM,
    ),
    Endpoint(
        "POST",
        "/callbacks/{request_id}/call",
        api_callback_call,
        "Anrufen: eigenes Telefon zuerst, dann der Anrufer (AMI Originate)",
        "Call back: own phone first, then the caller (AMI Originate)",
        STAFF,
        CallbackCallOut,
        scope=Scope.CALLBACKS,
        status=202,
        path_params=REQUEST,
    ),
    Endpoint(
        "GET",
        "/evaluation",
        api_evaluation,
        "Auswertung (plotly-Diagramme)",
        "Evaluation (plotly figures)",
        STAFF,
        EvaluationOut,
        scope=Scope.READ,
        query=EvaluationQuery,
    ),
)
