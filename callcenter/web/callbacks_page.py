"""The callback worklist of one team (Rückrufe): open requests oldest first with their
waiting time, "Anrufen" (AMI Originate through the running service), "Erledigt".

Only the team's own staff see it (the numbers are on it). The list refreshes itself over
server-sent events like the switchboard board: every few seconds the stream sends the
list again when it changed (an outcome arrived, a new request came in).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from datetime import datetime
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.callbacks import CallbackRequest, require_callbacks
from callcenter.domain.errors import CallcenterError
from callcenter.usecases import callbacks
from callcenter.usecases.callbacks import NumberSeal
from callcenter.web import i18n
from callcenter.web.actions import actor_of
from callcenter.web.errors import WebError
from callcenter.web.live import CallbackDialer
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import Identity, WebState, state_of

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 3.0
SEAL = web.AppKey("callcenter_callback_seal", NumberSeal)


def seal_of(request: web.Request) -> NumberSeal:
    seal = request.app.get(SEAL)
    if seal is None:
        # 409, not 503: not a fault of the server but of where the web app runs.
        raise WebError(
            409,
            "unavailable",
            "Rückrufe gibt es nur im laufenden Dienst.",
            "callbacks are available only in the running service.",
        )
    return seal


def _minutes(seconds: float, lang: str) -> str:
    minutes = int(seconds // 60)
    hours, rest = divmod(minutes, 60)
    if hours:
        return f"{hours} h {rest} min" if lang == "en" else f"{hours} Std. {rest} Min."
    return f"{minutes} min" if lang == "en" else f"{minutes} Min."


def item_payload(request: CallbackRequest, now: datetime, state: WebState) -> dict[str, Any]:
    tz = state.settings.tz
    waited = request.waiting_seconds(now)
    running = request.running
    return {
        "id": request.id,
        "number": request.number or "",
        "dialled": request.dialled,
        "requested_at": request.requested_at.isoformat(),
        "waiting_seconds": round(waited),
        "de": {
            "requested": i18n.format_instant(request.requested_at, tz, "de"),
            "waiting": _minutes(waited, "de"),
        },
        "en": {
            "requested": i18n.format_instant(request.requested_at, tz, "en"),
            "waiting": _minutes(waited, "en"),
        },
        "attempts": [
            {"attempt": a.attempt, "outcome": str(a.outcome) if a.outcome else None}
            for a in request.attempts
        ],
        "running": running is not None,
    }


async def worklist_payload(
    state: WebState, identity: Identity, team: str, seal: NumberSeal
) -> dict[str, Any]:
    now = state.now()
    actor = actor_of(identity)
    items = await asyncio.to_thread(
        callbacks.open_requests, state.store.session, actor, team, seal, now
    )
    return {"team": team, "items": [item_payload(r, now, state) for r in items]}


def _team(request: web.Request, identity: Identity) -> str:
    team = request.match_info["team"]
    try:
        require_callbacks(actor_of(identity), team)
    except CallcenterError as exc:
        raise WebError(403, "forbidden", exc.de, exc.en) from None
    return team


async def own_worklist(request: web.Request) -> web.StreamResponse:
    """/rueckrufe: the signed-in user's own team; an admin (no team) chooses one."""
    identity = ensure_identity(request)
    team = identity.account.team
    if not team and identity.account.role is Role.ADMIN:
        office = await state_of(request).office()
        return render(request, "callbacks_teams.html", {"teams": office.teams})
    if not team:
        raise WebError(
            403,
            "forbidden",
            "Rückrufe gehören zu einem Team; Ihr Konto hat keins.",
            "callbacks belong to a team; your account has none.",
        )
    raise web.HTTPSeeOther(f"/rueckrufe/{team}")


async def worklist_page(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    team = _team(request, identity)
    _known_team(request, team)
    state = state_of(request)
    payload = await worklist_payload(state, identity, team, seal_of(request))
    office = await state.office()
    cannot_call = why_no_calling(state, identity, team)
    return render(
        request,
        "callbacks.html",
        {
            "worklist": payload,
            "team_info": office.team(team),
            "can_call": cannot_call is None,
            "cannot_call": cannot_call,
        },
    )


def why_no_calling(state: WebState, identity: Identity, team: str) -> str | None:
    """The text key saying why "Anrufen" is not offered to this person, or None."""
    live = state.live
    if not isinstance(live, CallbackDialer):
        return "callbacks_no_service"
    if not state.settings.callbacks.extension_for(identity.account.username, team):
        return "callbacks_no_extension"
    if not live.pbx_connected():
        return "callbacks_no_pbx"
    return None


async def worklist_events(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    team = _team(request, identity)
    state = state_of(request)
    seal = seal_of(request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    sent = ""
    try:
        await response.write(b"retry: 2000\n\n")
        while not state.stopping.is_set():
            payload = await worklist_payload(state, identity, team, seal)
            data = json.dumps(payload, ensure_ascii=False)
            if data != sent:
                sent = data
                await response.write(f"event: worklist\ndata: {data}\n\n".encode())
            else:
                await response.write(b": ping\n\n")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.stopping.wait(), REFRESH_SECONDS)
    except (ConnectionResetError, ConnectionError):
        logger.debug("worklist stream closed by the client")
    return response


async def call_submit(request: web.Request) -> web.StreamResponse:
    """ "Anrufen": the staff member's extension rings first, then the caller."""
    identity = ensure_identity(request)
    team = _team(request, identity)
    state = state_of(request)
    request_id = request_id_of(request.match_info["request_id"])
    extension = extension_for(state, identity, team)
    await dial(state, identity, request_id, extension)
    raise web.HTTPSeeOther(f"/rueckrufe/{team}?msg=callback_started")


async def done_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    team = _team(request, identity)
    state = state_of(request)
    request_id = request_id_of(request.match_info["request_id"])
    actor, now = actor_of(identity), state.now()
    await asyncio.to_thread(callbacks.close_request, state.store.session, actor, request_id, now)
    raise web.HTTPSeeOther(f"/rueckrufe/{team}?msg=callback_done")


def extension_for(state: WebState, identity: Identity, team: str) -> str:
    extension = state.settings.callbacks.extension_for(identity.account.username, team)
    if not extension:
        raise WebError(
            409,
            "no_extension",
            f"Für {identity.account.username} ist keine Nebenstelle eingetragen "
            "([callbacks] extensions).",
            f"no extension is configured for {identity.account.username} ([callbacks] extensions).",
        )
    return extension


async def dial(
    state: WebState, identity: Identity, request_id: int, extension: str
) -> callbacks.StartedAttempt:
    live = state.live
    if not isinstance(live, CallbackDialer):
        raise WebError(
            409,
            "unavailable",
            "Anrufen geht nur im laufenden Dienst (Verbindung zur Telefonanlage).",
            "calling needs the running service (connection to the PBX).",
        )
    return await live.call_back(actor_of(identity), request_id, extension)


def _known_team(request: web.Request, team: str) -> None:
    if team not in {t.id for t in state_of(request).settings.teams}:
        raise WebError(404, "not_found", f"Team „{team}“ gibt es nicht", f"no team '{team}'")


def request_id_of(raw: str) -> int:
    if re.fullmatch(r"[0-9]{1,12}", raw) is None:
        raise WebError(
            404,
            "not_found",
            f"Rückrufwunsch „{raw}“ gibt es nicht",
            f"callback request '{raw}' does not exist",
        )
    return int(raw)


def add_callback_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/rueckrufe", own_worklist)
    router.add_get("/rueckrufe/{team}", worklist_page)
    router.add_get("/rueckrufe/{team}/events", worklist_events)
    router.add_post("/rueckrufe/{team}/{request_id}/anrufen", call_submit)
    router.add_post("/rueckrufe/{team}/{request_id}/erledigt", done_submit)
