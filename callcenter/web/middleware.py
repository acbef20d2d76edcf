"""Middlewares: errors as pages/JSON (never a traceback), sign-in, CSRF, language, headers.

Public paths are listed here; everything else needs a session cookie or an API token.
/healthz and /metrics are reserved for the service's health endpoints.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import quote

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from callcenter.domain.access import Scope
from callcenter.prompts.audio_errors import AudioToolError
from callcenter.storage.web_repository import ApiToken
from callcenter.usecases import sessions
from callcenter.web import i18n
from callcenter.web.errors import (
    WebError,
    csrf_failed,
    from_key,
    known_error_types,
    scope_missing,
    translate_error,
    unauthorized,
)
from callcenter.web.render import render_error
from callcenter.web.state import IDENTITY, LANG, Identity, WebState, state_of

logger = logging.getLogger(__name__)

SESSION_COOKIE = "cc_session"
SESSION_COOKIES_KEPT = 1024
LOGIN_COOKIE = "cc_login"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/anmelden", "/api/v1/openapi.json", "/healthz", "/metrics"})
PUBLIC_PREFIXES = ("/static/",)
# The public hours feed (web/feed.py), read-only: /sprechzeiten.json|.ics, /sprechzeiten/heute,
# /sprechzeiten/<team>.json|.ics, /sprechzeiten/<team>/heute. Its "heute" snippet is the one
# page another site may frame (no forms, no scripts).
PUBLIC_FEED = re.compile(r"/sprechzeiten(?:/[^/]+)?(?:\.json|\.ics|/heute)")
FRAMABLE = re.compile(r"/sprechzeiten(?:/[^/]+)?/heute")

_HTTP_KEYS = {
    400: ("bad_request", "bad_request"),
    403: ("forbidden", "forbidden"),
    404: ("not_found", "not_found"),
    405: ("method_not_allowed", "method_not_allowed"),
    413: ("too_large", "too_large"),
}


def is_public(path: str, method: str = "GET") -> bool:
    if method in SAFE_METHODS and PUBLIC_FEED.fullmatch(path):
        return True
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def secure_cookies(request: web.Request, state: WebState) -> bool:
    mode = state.settings.web.secure_cookies
    if isinstance(mode, bool):
        return mode
    return request.secure or state.settings.web.base_url.startswith("https://")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code, key = _HTTP_KEYS.get(exc.status, ("http_error", "bad_request"))
        error = from_key(exc.status, code, key)
    except WebError as exc:
        error = exc
    except AudioToolError as exc:
        # The tool's output names files of the server: the log gets it, the user a hint.
        logger.error("audio tool failed on %s %s: %s", request.method, request.path, exc)
        error = WebError(503, "audio_tool", exc.public_de, exc.public_en)
    except known_error_types() as exc:
        error = translate_error(exc)
    except asyncio.CancelledError:
        raise
    except ConnectionResetError:
        raise
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        error = from_key(500, "internal", "internal_error")
    return render_error(request, error)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = state_of(request)
    identity = await _identify(request, state)
    wanted = request.query.get("lang")
    lang = wanted if wanted in i18n.LANGS else (identity.lang if identity else "de")
    request[LANG] = lang
    if identity is not None:
        if identity.via == "session" and wanted in i18n.LANGS and wanted != identity.lang:
            session_id = identity.session_id or ""
            await state.run(lambda uow: sessions.set_session_language(uow, session_id, lang))
        request[IDENTITY] = identity if identity.lang == lang else replace(identity, lang=lang)
    elif not is_public(request.path, request.method):
        if wants_json(request):
            return _api_unauthorized(request)
        if request.method not in SAFE_METHODS:
            raise unauthorized()
        raise web.HTTPSeeOther(f"/anmelden?next={quote(request.path_qs, safe='')}")
    if identity is not None and identity.via == "session" and request.method not in SAFE_METHODS:
        await _check_csrf(request, identity)
    if identity is not None and not wants_json(request) and not is_public(request.path):
        # The API checks each endpoint's scope (api_base); a token on a page needs these.
        needed = page_scope(request.method)
        if not identity.may_use(needed):
            raise scope_missing(needed)
    return await handler(request)


LEGACY_WARNING_EVERY = timedelta(hours=1)


def _warn_legacy_token(state: WebState, token: ApiToken, now: datetime) -> None:
    """A token from before scopes works as `admin`: say so in the log, once an hour per
    token (not at every request of a busy portal)."""
    last = state.legacy_token_warned.get(token.name)
    if last is not None and now - last < LEGACY_WARNING_EVERY:
        return
    state.legacy_token_warned[token.name] = now
    logger.warning(
        "API token %r (user %s) has no scopes and is used as admin; replace it with a "
        "scoped token (callcenter users token NAME --user USER --scope ...) and revoke it "
        "(callcenter users revoke %s)",
        token.name,
        token.username,
        token.name,
    )


def page_scope(method: str) -> Scope:
    """What a token needs for a page outside the API: reading them `read`, a form's change
    `admin` (the API names finer scopes per endpoint; the pages are for people)."""
    return Scope.READ if method in SAFE_METHODS else Scope.ADMIN


async def _identify(request: web.Request, state: WebState) -> Identity | None:
    now = state.now()
    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        return await _token_identity(state, secret.strip(), now)
    session_id = _session_cookie(request, state)
    if not session_id:
        return None
    kept = state.identities.get(("session", session_id), now)
    if kept is not None:
        return kept[0]
    # When a kept identity expires, every request of that browser in flight asks at once
    # (a dashboard's 50 clients share one session): they share one lookup.
    pending = state.session_lookups.get(session_id)
    if pending is None:
        pending = asyncio.ensure_future(_session_identity(state, session_id, now))
        state.session_lookups[session_id] = pending
        pending.add_done_callback(lambda _done: state.session_lookups.pop(session_id, None))
    return await asyncio.shield(pending)


async def _session_identity(state: WebState, session_id: str, now: datetime) -> Identity | None:
    key = ("session", session_id)
    writes = state.identities.version()
    session = await state.run(lambda uow: sessions.current_session(uow, session_id, now))
    if session is None:
        return None
    identity = Identity(
        session.account,
        "session",
        f"web:{session.account.username}",
        session.lang,
        session.csrf_token,
        session_id,
    )
    state.identities.put(key, (identity, None), writes, session.expires_at)
    return identity


def _session_cookie(request: web.Request, state: WebState) -> str | None:
    """The session cookie's value. Parsing the Cookie header (http.cookies) cost more than
    the rest of a kept page view; a browser sends the same header at every request, so its
    value is kept per whole header text (a pure function of it, shared by no one else)."""
    raw = request.headers.get(hdrs.COOKIE, "")
    if not raw:
        return None
    kept = state.session_cookies.get(raw)
    if kept is None:
        kept = request.cookies.get(SESSION_COOKIE) or ""
        if len(state.session_cookies) >= SESSION_COOKIES_KEPT:
            state.session_cookies.clear()
        state.session_cookies[raw] = kept
    return kept or None


async def _token_identity(state: WebState, secret: str, now: datetime) -> Identity | None:
    key = ("token", secret)
    kept = state.identities.get(key, now)
    if kept is None:
        writes = state.identities.version()
        found = await state.run(lambda uow: sessions.token_user(uow, secret, now))
        if found is None:
            return None
        identity = Identity(
            found.account, "token", f"api:{found.token.name}", scopes=found.token.granted
        )
        kept = (identity, found.token)
        state.identities.put(key, kept, writes, found.token.expires_at)
    identity, token = kept
    if token is not None and token.legacy:
        _warn_legacy_token(state, token, now)
    return identity


async def _check_csrf(request: web.Request, identity: Identity) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    expected = identity.csrf or ""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise csrf_failed()


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Strict defaults: no framing, no foreign scripts, no caching of personal pages."""
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; media-src 'self'; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if FRAMABLE.fullmatch(request.path) is None:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")


def ensure_identity(request: web.Request) -> Identity:
    identity: Identity | None = request.get(IDENTITY)
    if identity is None:
        raise api_unauthorized(request) if wants_json(request) else unauthorized()
    return identity


def api_unauthorized(request: web.Request) -> WebError:
    """The API's 401 says what is wrong with the token (a client has no login page)."""
    return from_key(401, "unauthorized", _token_problem(request))


def _token_problem(request: web.Request) -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if not scheme:
        return "api_token_missing"
    if scheme.lower() != "bearer" or not secret.strip():
        return "api_token_scheme"
    return "api_token_invalid"


def _api_unauthorized(request: web.Request) -> web.StreamResponse:
    problem = _token_problem(request)
    response = render_error(request, from_key(401, "unauthorized", problem))
    # RFC 6750: name the scheme, and say when the token itself was refused.
    invalid = ', error="invalid_token"' if problem == "api_token_invalid" else ""
    response.headers["WWW-Authenticate"] = f'Bearer realm="callcenter"{invalid}'
    return response
