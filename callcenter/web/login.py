"""Signing in and out. The login form has its own CSRF token (a cookie and a hidden field
that must match), since there is no session yet to hold one."""

from __future__ import annotations

import hmac

from aiohttp import web

from callcenter.storage.web_repository import AccountRepository, Role, new_secret
from callcenter.web import i18n
from callcenter.web.errors import csrf_failed
from callcenter.web.forms import text
from callcenter.web.middleware import LOGIN_COOKIE, SESSION_COOKIE, secure_cookies
from callcenter.web.render import render
from callcenter.web.state import IDENTITY, LANG, lang_of, state_of

MAX_FIELD = 200
MAX_FORM_BYTES = 8 * 1024


def _safe_next(target: str) -> str:
    """Only paths of this site: no '//host' or 'https://…' (open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


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
            "next": _safe_next(request.query.get("next", "")),
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
    address = request.remote or "-"
    if state.limiter.retry_after(username, address) > 0:
        minutes = state.limiter.retry_after_minutes(username, address)
        return _login_page(
            request,
            cookie,
            error=i18n.translate(lang, "login_throttled", minutes=minutes),
            username=username,
            status=429,
        )
    account = await state.db(lambda s: AccountRepository(s).verify_login(username, password))
    if account is None:
        state.limiter.failed(username, address)
        return _login_page(
            request,
            cookie,
            error=i18n.translate(lang, "login_failed"),
            username=username,
            status=401,
        )
    state.limiter.succeeded(username, address)
    now = state.now()
    minutes = state.settings.web.session_minutes
    session_id, _csrf = await state.db(
        lambda s: AccountRepository(s).create_session(account, lang, now, minutes)
    )
    home = "/zentrale" if account.role is Role.SWITCHBOARD else "/"
    target = _safe_next(text(form, "next", 500)) or home
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
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    identity = request.get(IDENTITY)
    if identity is not None and identity.session_id:
        session_id = identity.session_id
        await state.db(lambda s: AccountRepository(s).end_session(session_id))
    response = web.HTTPSeeOther(f"/anmelden?msg=logged_out&lang={lang_of(request)}")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response
