"""Users and API tokens (admins only): create a user, change role and team, lock and
unlock, generate a new password, create and revoke API tokens.

Everything goes through callcenter.usecases.accounts (permission, validation, audit), as
for the CLI. A generated password or a new token is shown once, in the answer to the form
that made it (never in a URL, never cached), and stored nowhere in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role, Scope
from callcenter.domain.errors import CallcenterError
from callcenter.domain.schedule import wall_to_instant
from callcenter.usecases import accounts
from callcenter.web.actions import actor_of, require, run
from callcenter.web.errors import translate_error
from callcenter.web.forms import FormErrors, require_day, text
from callcenter.web.i18n import translate
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import lang_of, state_of

PATH = "/benutzer"
DEFAULT_TOKEN_DAYS = 365  # as the CLI's `users token`


async def users_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN)
    return await _response(request, {}, FormErrors())


async def _response(
    request: web.Request,
    values: Mapping[str, str],
    errors: FormErrors,
    status: int = 200,
    secret: tuple[str, str, str] | None = None,
) -> web.Response:
    identity = ensure_identity(request)
    state = state_of(request)
    actor = actor_of(identity)
    users, tokens = await run(state, lambda uow: accounts.users_and_tokens(uow, actor))
    office = await state.office()
    response = render(
        request,
        "users.html",
        {
            "users": users,
            "tokens": tokens,
            "teams": office.teams,
            "team_names": {team.id: team for team in office.teams},
            "roles": list(Role),
            "scopes": list(Scope),
            # Like the CLI: every token expires, by default in a year (the last valid day).
            "values": {
                "expires": f"{state.now().date() + timedelta(days=DEFAULT_TOKEN_DAYS):%d.%m.%Y}",
                **values,
            },
            "errors": errors.for_lang(lang_of(request)),
            "secret": secret,
        },
        status=status,
    )
    if secret is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _fail(errors: FormErrors, exc: CallcenterError, field: str) -> int:
    error = translate_error(exc, field)
    if error.status == 403:
        raise error from None
    errors.add(field, error.message_de, error.message_en)
    return error.status


async def add_user_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    form = await request.post()
    values = {name: text(form, name, 100) for name in ("new_username", "new_role", "new_team")}
    username, role, team = values["new_username"], values["new_role"], values["new_team"]
    errors = FormErrors()
    if not username:
        errors.add_key("new_username", "required")
        return await _response(request, values, errors, 422)
    actor, now = actor_of(identity), state.now()
    password = accounts.generated_password()

    def work(uow: Any) -> None:
        accounts.add_user(uow, actor, username, role, password, team or None, now=now)

    try:
        await run(state, work)
    except CallcenterError as exc:
        field = "new_team" if "team" in exc.en.lower() else "new_username"
        return await _response(request, values, errors, _fail(errors, exc, field))
    lang = lang_of(request)
    title = translate(lang, "user_created_once", user=username)
    hint = translate(lang, "user_add_hint")
    return await _response(request, {}, FormErrors(), secret=(title, password, hint))


def _redirect(message: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{PATH}?msg={message}")


async def _user_action(request: web.Request, field: str, work: Any, message: str) -> object:
    """Run one change of a user; its problem is shown at the top of the page."""
    state = state_of(request)
    try:
        result = await run(state, work)
    except CallcenterError as exc:
        errors = FormErrors()
        status = _fail(errors, exc, field)
        return await _response(request, {}, errors, status)
    if message:
        raise _redirect(message)
    return result


def _page(result: object) -> web.StreamResponse:
    """The page with the refusal (a change that succeeded has redirected already)."""
    assert isinstance(result, web.StreamResponse)
    return result


async def role_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    form = await request.post()
    username, role = text(form, "username", 100), text(form, "role", 40)
    team = text(form, "team", 80) or None
    actor, now = actor_of(identity), state_of(request).now()
    return _page(
        await _user_action(
            request,
            "users",
            lambda uow: accounts.set_role(uow, actor, username, role, team, now=now),
            "user_changed",
        )
    )


async def disable_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    form = await request.post()
    username = text(form, "username", 100)
    disabled = text(form, "disabled", 10) == "1"
    actor, now = actor_of(identity), state_of(request).now()
    return _page(
        await _user_action(
            request,
            "users",
            lambda uow: accounts.set_disabled(uow, actor, username, disabled, now=now),
            "user_disabled" if disabled else "user_enabled",
        )
    )


async def password_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    form = await request.post()
    username = text(form, "username", 100)
    actor, now = actor_of(identity), state_of(request).now()
    result = await _user_action(
        request,
        "users",
        lambda uow: accounts.reset_password(uow, actor, username, now=now),
        "",
    )
    if isinstance(result, web.StreamResponse):
        return result
    lang = lang_of(request)
    title = translate(lang, "password_once_title", user=username)
    hint = translate(lang, "password_once")
    return await _response(request, {}, FormErrors(), secret=(title, str(result), hint))


async def token_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    form = await request.post()
    values = {name: text(form, name, 100) for name in ("token_name", "token_user", "expires")}
    chosen = {value for value in form.getall("scope", []) if isinstance(value, str)}
    scopes = [scope for scope in Scope if scope.value in chosen]
    for scope in scopes:
        values[f"scope_{scope.value}"] = "on"
    errors = FormErrors()
    if not values["token_name"]:
        errors.add_key("token_name", "required")
    if not scopes:
        errors.add_key("scope_read", "need_scope")
    day = require_day(form, "expires", errors)
    if errors or day is None:
        return await _response(request, values, errors, 422)
    tz, now, actor = state.settings.tz, state.now(), actor_of(identity)
    # Valid up to and including the day given: it expires when the next day begins.
    expires_at = wall_to_instant(day + timedelta(days=1), time(0), tz)
    name, user = values["token_name"], values["token_user"]
    try:
        secret = await run(
            state,
            lambda uow: accounts.create_token(
                uow, actor, user, name, now=now, scopes=scopes, expires_at=expires_at
            ),
        )
    except CallcenterError as exc:
        field = "expires" if "expir" in exc.en.lower() else "token_name"
        return await _response(request, values, errors, _fail(errors, exc, field))
    title = translate(lang_of(request), "token_once", name=name)
    return await _response(request, {}, FormErrors(), secret=(title, secret, ""))


async def revoke_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    form = await request.post()
    name = text(form, "token_name", 100)
    actor, now = actor_of(identity), state_of(request).now()
    return _page(
        await _user_action(
            request,
            "tokens",
            lambda uow: accounts.revoke_token(uow, actor, name, now=now),
            "token_revoked",
        )
    )
