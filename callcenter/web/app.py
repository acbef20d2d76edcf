"""`create_app`: the aiohttp application with its pages, the JSON API and the board stream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from callcenter.clock import Clock
from callcenter.config import Settings
from callcenter.storage.store import Store
from callcenter.usecases.callbacks import NumberSeal
from callcenter.web import (
    audit_page,
    board,
    closure_pages,
    evaluation,
    login,
    pages,
    prompt_pages,
    users_page,
)
from callcenter.web.actions import cleanup_uploads
from callcenter.web.api import ENDPOINTS
from callcenter.web.api_base import add_routes
from callcenter.web.board import HUB, BoardHub
from callcenter.web.callbacks_page import SEAL, add_callback_routes
from callcenter.web.feed import add_feed_routes
from callcenter.web.health import add_health_routes
from callcenter.web.live import HealthView, LiveView
from callcenter.web.middleware import auth_middleware, error_middleware, security_headers
from callcenter.web.openapi import OPENAPI, OPENAPI_PATH, build_openapi, openapi_document
from callcenter.web.ratelimit import LoginLimiter
from callcenter.web.render import setup_templates
from callcenter.web.state import WEB, WebState

STATIC_DIR = Path(__file__).resolve().parent / "static"
# An uploaded recording may be up to 64 MB (prompts.upload.MAX_BYTES) plus form overhead.
MAX_REQUEST_BYTES = 65 * 1024 * 1024


def create_app(
    store: Store,
    settings: Settings,
    clock: Clock,
    live: LiveView | None = None,
    *,
    limiter: LoginLimiter | None = None,
    health: HealthView | None = None,
    seal: NumberSeal | None = None,
) -> web.Application:
    """The web application; `live` (from the running service) adds PBX facts to the pages,
    `health` (the service too) feeds /healthz and /metrics; `seal` opens callback numbers
    for the team's staff (without it, the worklist is unavailable)."""
    app = web.Application(
        middlewares=[error_middleware, auth_middleware], client_max_size=MAX_REQUEST_BYTES
    )
    state = WebState(
        store=store,
        settings=settings,
        clock=clock,
        live=live,
        limiter=limiter or LoginLimiter.from_settings(settings.web),
    )
    app[WEB] = state
    app[HUB] = BoardHub(state)
    if seal is not None:
        app[SEAL] = seal
    app[OPENAPI] = build_openapi(ENDPOINTS, f"{settings.office.name} – callcenter API")
    setup_templates(app)
    _add_page_routes(app.router)
    add_feed_routes(app.router)
    add_callback_routes(app.router)
    add_routes(app, ENDPOINTS)
    app.router.add_get(OPENAPI_PATH, openapi_document)
    app.router.add_get("/static/vendor/plotly.min.js", evaluation.plotly_js)
    app.router.add_static("/static/", STATIC_DIR)
    add_health_routes(app, health)
    app.cleanup_ctx.append(_board_hub)
    app.on_shutdown.append(_end_streams)
    app.on_cleanup.append(_stop_evaluations)
    app.on_response_prepare.append(security_headers)
    return app


def _add_page_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", pages.home)
    router.add_get("/anmelden", login.login_form)
    router.add_post("/anmelden", login.login_submit)
    router.add_post("/abmelden", login.logout)
    router.add_get("/sprechzeiten", pages.hours_page)
    router.add_post("/sprechzeiten/{team}", pages.hours_submit)
    router.add_post("/sprechzeiten/{team}/zeitraum", pages.variant_add_submit)
    router.add_post("/sprechzeiten/{team}/zeitraum/{variant}", pages.variant_submit)
    router.add_post("/sprechzeiten/{team}/zeitraum/{variant}/loeschen", pages.variant_delete_submit)
    router.add_get("/schliesstage", closure_pages.closures_page)
    router.add_post("/schliesstage/heute", closure_pages.closure_today_submit)
    router.add_post("/schliesstage/zeitraum", closure_pages.closure_range_submit)
    router.add_post("/schliesstage/{closure_id}/beenden", closure_pages.closure_end_submit)
    router.add_post("/schliesstage/{closure_id}/loeschen", closure_pages.closure_delete_submit)
    router.add_post("/schliesstage/{closure_id}/aendern", closure_pages.closure_change_submit)
    router.add_get("/schliesstage/{closure_id}/bearbeiten", closure_pages.closure_edit_page)
    router.add_post("/schliesstage/{closure_id}/bearbeiten", closure_pages.closure_edit_submit)
    router.add_get("/feiertage", pages.holidays_page)
    router.add_post("/feiertage/land", pages.holiday_state_submit)
    router.add_post("/feiertage/team/{team}", pages.team_holidays_submit)
    router.add_get("/sonderoeffnungen", pages.openings_page)
    router.add_post("/sonderoeffnungen", pages.opening_submit)
    router.add_get("/pilotphasen", pages.pilots_page)
    router.add_post("/pilotphasen", pages.pilot_submit)
    router.add_get("/ansagen", prompt_pages.prompts_page)
    router.add_post("/ansagen/textbausteine", prompt_pages.phrases_submit)
    router.add_post("/ansagen/{team}/neu", prompt_pages.rerender_submit)
    router.add_post("/ansagen/{team}/{reason}/{lang}/aufnahme", prompt_pages.upload_submit)
    router.add_post("/ansagen/{team}/{reason}/{lang}/entfernen", prompt_pages.remove_submit)
    router.add_get("/ansagen/audio/{team}/{slot}.wav", prompt_pages.audio_file)
    router.add_get("/auswertung", evaluation.evaluation_page)
    router.add_post("/auswertung/vorsprachen", evaluation.walk_ins_submit)
    router.add_get("/zentrale", board.board_page)
    router.add_get("/zentrale/events", board.board_events)
    router.add_get("/protokoll", audit_page.audit_page)
    router.add_get("/protokoll.csv", audit_page.audit_csv)
    router.add_get("/benutzer", users_page.users_page)
    router.add_post("/benutzer", users_page.add_user_submit)
    router.add_post("/benutzer/rolle", users_page.role_submit)
    router.add_post("/benutzer/sperre", users_page.disable_submit)
    router.add_post("/benutzer/passwort", users_page.password_submit)
    router.add_post("/benutzer/token", users_page.token_submit)
    router.add_post("/benutzer/token/widerrufen", users_page.revoke_submit)


async def _board_hub(app: web.Application) -> AsyncIterator[None]:
    state = app[WEB]
    await asyncio.to_thread(cleanup_uploads, state)
    task = asyncio.create_task(app[HUB].run(), name="switchboard-board")
    try:
        yield
    finally:
        state.stopping.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _stop_evaluations(app: web.Application) -> None:
    """No queued evaluation starts any more; one under way finishes in its thread (a
    thread cannot be stopped), and its result is dropped with the app."""
    app[WEB].evaluation_worker.shutdown(wait=False, cancel_futures=True)


async def _end_streams(app: web.Application) -> None:
    """Before connections are closed: open board streams see this and finish."""
    app[WEB].stopping.set()
