"""Signing in and out. The login form has its own CSRF token (a cookie and a hidden field
that must match), since there is no session yet to hold one.

Every attempt passes the limiter first (see ratelimit: per user name, per client address,
global) and the password is checked in the limiter's own small thread pool, so a flood of
logins is refused early and cannot occupy what pages, /healthz and the board need.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from callcenter.storage.web_repository import (
    Account,
    Role,
    check_password,
    new_secret,
    rehashed,
)
from callcenter.usecases import sessions
from callcenter.web import i18n
from callcenter.web.errors import csrf_failed
from callcenter.web.forms import text
from callcenter.web.forwarded import client_address
from callcenter.web.middleware import LOGIN_COOKIE, SESSION_COOKIE, secure_cookies
from callcenter.web.ratelimit import PoolBusy, Refusal
from callcenter.web.redirects import MAX_TARGET, same_origin_path
from callcenter.web.render import render
from callcenter.web.state import IDENTITY, LANG, WebState, lang_of, state_of

logger = logging.getLogger(__name__)

MAX_FIELD = 200
MAX_FORM_BYTES = 8 * 1024
# A browser that signed in before: spared the per-user-name wait (see ratelimit).
DEVICE_COOKIE = "cc_device"
DEVICE_DAYS = 90
# The pool is full: a short pause, the queue drains in well under this.
BUSY_SECONDS = 2


def _login_page(
    request: web.Request, token: str, *, error: str = "", username: str = "", status: int = 200
) -> web.Response:
    response = render(
        request,
        "login.html",
        {
            "login_token": token,
            "error": error,
            "username": username,
            "next": same_origin_path(request.query.get("next", "")),
        },
        status=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request, state_of(request)),
        path="/anmelden",
    )
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get(IDENTITY) is not None:
        raise web.HTTPSeeOther("/")
    token = request.cookies.get(LOGIN_COOKIE) or new_secret()
    return _login_page(request, token)


async def login_submit(request: web.Request) -> web.StreamResponse:
    # Anyone may post here: read no more than a login form can need.
    if request.content_length is None or request.content_length > MAX_FORM_BYTES:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_FORM_BYTES, actual_size=request.content_length or 0
        )
    state = state_of(request)
    form = await request.post()
    chosen = text(form, "lang", 5)
    lang = chosen if chosen in i18n.LANGS else lang_of(request)
    request[LANG] = lang
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    sent = text(form, "csrf_token", MAX_FIELD)
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise csrf_failed()
    username = text(form, "username", MAX_FIELD)
    password = form.get("password", "")
    password = password[:MAX_FIELD] if isinstance(password, str) else ""
    address = client_address(request, state.settings.web.trusted_proxies)
    attempt = state.limiter.begin(username, address, request.cookies.get(DEVICE_COOKIE))
    if isinstance(attempt, Refusal):
        return _throttled(request, cookie, lang, username, attempt)
    try:
        account = await _check(state, username, password)
    except PoolBusy:
        state.limiter.release(attempt)
        return _throttled(request, cookie, lang, username, Refusal("busy", BUSY_SECONDS))
    if account is None:
        logger.info("failed login for %r from %s", username[:40], address)
        return _login_page(
            request,
            cookie,
            error=i18n.translate(lang, "login_failed"),
            username=username,
            status=401,
        )
    device = state.limiter.succeeded(attempt)
    now = state.now()
    minutes = state.settings.web.session_minutes
    session_id, _csrf = await state.run(
        lambda uow: sessions.start_session(uow, account, lang, now, minutes)
    )
    home = "/zentrale" if account.role is Role.SWITCHBOARD else "/"
    # Read beyond the limit, so that an over-long target is refused, not cut to size.
    target = same_origin_path(text(form, "next", MAX_TARGET + 1)) or home
    response = web.HTTPSeeOther(target)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(request, state),
        max_age=minutes * 60,
        path="/",
    )
    response.del_cookie(LOGIN_COOKIE, path="/anmelden")
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request, state),
        max_age=DEVICE_DAYS * 24 * 3600,
        path="/anmelden",
    )
    raise response


async def _check(state: WebState, username: str, password: str) -> Account | None:
    """The account if the password is right; argon2 runs in the limiter's pool."""
    if state.limiter.checks.busy():
        raise PoolBusy
    found = await state.run(lambda uow: sessions.login_candidate(uow, username))
    stored = found[1] if found else None
    if not await state.limiter.checks.run(check_password, stored, password) or found is None:
        return None
    account, old_hash = found
    try:
        new_hash = await state.limiter.checks.run(rehashed, old_hash, password)
    except PoolBusy:
        new_hash = None  # next time: a rehash only tunes the cost, it can wait
    if new_hash is not None:
        await state.run(lambda uow: sessions.store_rehash(uow, account.id, old_hash, new_hash))
    return account


def _throttled(
    request: web.Request, token: str, lang: str, username: str, refusal: Refusal
) -> web.Response:
    key = "login_busy" if refusal.layer == "busy" else "login_throttled"
    wait = i18n.wait_text(lang, refusal.seconds)
    response = _login_page(
        request,
        token,
        error=i18n.translate(lang, key, wait=wait),
        username=username,
        status=429,
    )
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    identity = request.get(IDENTITY)
    if identity is not None and identity.session_id:
        session_id = identity.session_id
        await state.run(lambda uow: sessions.end_session(uow, session_id))
    response = web.HTTPSeeOther(f"/anmelden?msg=logged_out&lang={lang_of(request)}")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response
