"""Jinja2 setup and page rendering: every template gets the language, the user and `t`."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup

from callcenter.domain.access import ROLE_NAMES_DE, Role
from callcenter.web import i18n
from callcenter.web.errors import WebError
from callcenter.web.forms import DATE_PATTERN, TIME_PATTERN, german_date
from callcenter.web.state import IDENTITY, lang_of, state_of

# (path, text key, roles allowed); the order is the navigation's.
NAVIGATION: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("/", "nav_overview", frozenset({Role.ADMIN, Role.TEAMLEAD})),
    ("/sprechzeiten", "nav_hours", frozenset({Role.ADMIN, Role.TEAMLEAD})),
    ("/schliesstage", "nav_closures", frozenset({Role.ADMIN, Role.TEAMLEAD})),
    ("/feiertage", "nav_holidays", frozenset({Role.ADMIN})),
    ("/sonderoeffnungen", "nav_openings", frozenset({Role.ADMIN})),
    ("/pilotphasen", "nav_pilots", frozenset({Role.ADMIN, Role.TEAMLEAD})),
    ("/ansagen", "nav_prompts", frozenset({Role.ADMIN})),
    ("/auswertung", "nav_evaluation", frozenset({Role.ADMIN, Role.TEAMLEAD})),
    ("/zentrale", "nav_board", frozenset({Role.ADMIN, Role.TEAMLEAD, Role.SWITCHBOARD})),
    ("/rueckrufe", "nav_callbacks", frozenset({Role.ADMIN, Role.TEAMLEAD})),
    ("/protokoll", "nav_audit", frozenset({Role.ADMIN})),
    ("/benutzer", "nav_users", frozenset({Role.ADMIN})),
)

ROLE_NAMES_EN = {
    Role.ADMIN: "Administrator",
    Role.TEAMLEAD: "Team lead",
    Role.SWITCHBOARD: "Switchboard",
}


def json_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' left raw."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above for the script context


def setup_templates(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("callcenter.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the package: checking each one's mtime at every render cost
        # a stat() per template and page view.
        auto_reload=False,
    )
    env.filters["json_script"] = json_script
    env.filters["german_date"] = german_date
    env.globals["date_pattern"] = DATE_PATTERN
    env.globals["time_pattern"] = TIME_PATTERN
    env.filters["pretty_json"] = lambda value: json.dumps(
        value, ensure_ascii=False, indent=1, sort_keys=True
    )


def _common(request: web.Request) -> dict[str, Any]:
    """What every page needs (aiohttp_jinja2's context processors use untyped request keys)."""
    lang = lang_of(request)
    state = state_of(request)
    identity = request.get(IDENTITY)
    tz = state.settings.tz
    now = state.now()
    nav = []
    if identity is not None:
        nav = [(path, key) for path, key, roles in NAVIGATION if identity.role in roles]
    return {
        "lang": lang,
        "other_lang": "en" if lang == "de" else "de",
        "t": partial(i18n.translate, lang),
        "identity": identity,
        "role_name": (
            (ROLE_NAMES_EN if lang == "en" else ROLE_NAMES_DE)[identity.role] if identity else ""
        ),
        "csrf": identity.csrf if identity is not None else "",
        "nav": nav,
        "path": request.path,
        "office_name": state.settings.office.name,
        "now": now,
        "fmt_instant": lambda value: i18n.format_instant(value, tz, lang),
        "fmt_relative": lambda value: i18n.format_relative(value, now, tz, lang),
        "fmt_day": lambda value: i18n.format_day(value, lang),
        "weekday_name": partial(i18n.weekday_name, lang),
        "role_label": lambda role: (ROLE_NAMES_EN if lang == "en" else ROLE_NAMES_DE)[Role(role)],
        "team_name": lambda team: (team.name_en or team.name_de) if lang == "en" else team.name_de,
        "message": _flash(request, lang),
    }


def _flash(request: web.Request, lang: str) -> str:
    key = request.query.get("msg", "")
    if key and f"msg_{key}" in i18n.TEXTS:
        return i18n.translate(lang, f"msg_{key}")
    return ""


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    status: int = 200,
) -> web.Response:
    return aiohttp_jinja2.render_template(
        template, request, {**_common(request), **(context or {})}, status=status
    )


def render_kept(
    request: web.Request, template: str, context: Mapping[str, Any], data: Hashable
) -> web.Response:
    """`render`, or the same page kept from an earlier view (callcenter.web.page_cache);
    `data` must name everything in `context` (the common parts are added here)."""
    state = state_of(request)
    minute = state.now().replace(second=0, microsecond=0)
    key = (template, request.get(IDENTITY), lang_of(request), request.path_qs, minute, data)
    text = state.pages.get(key)
    if text is not None:
        return web.Response(text=text, content_type="text/html", charset="utf-8")
    response = render(request, template, context)
    # A minute that ended while rendering: the page may show either, so it is not kept.
    if response.text is not None and state.now().replace(second=0, microsecond=0) == minute:
        state.pages.put(key, response.text)
    return response


def render_error(request: web.Request, error: WebError) -> web.Response:
    lang = lang_of(request)
    if request.path.startswith("/api/"):
        return web.json_response(error.body(), status=error.status)
    try:
        return render(
            request,
            "error.html",
            {
                "error": error,
                "error_text": error.message(lang),
                "other_text": error.message("de" if lang == "en" else "en"),
            },
            status=error.status,
        )
    except Exception:  # the error page itself failed: plain text, still no traceback
        text = f"{error.message_de}\n{error.message_en}\n"
        return web.Response(text=text, status=error.status)


def iso(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()
