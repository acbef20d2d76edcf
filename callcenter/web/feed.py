"""The public hours feed: JSON, iCalendar and an embeddable "today" snippet, per team and
for the whole office, without sign-in (paths in `FEED_ROUTES`; the auth middleware lets
exactly these through, read-only).

Every response carries a short public cache lifetime, an ETag (a hash of the body, which
depends only on the schedule, today's date and the state now) and a Last-Modified (the later
of the schedule's last change, today's local midnight and the last open/closed change today),
so a conditional request gets 304 until something a reader would see has changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from callcenter.domain.hours_feed import (
    DEFAULT_WEEKS,
    MAX_WEEKS,
    MIN_WEEKS,
    HoursFeed,
    TeamHours,
    build_feed,
)
from callcenter.domain.schedule import Office, State, wall_to_instant
from callcenter.prompts.templates import load_templates
from callcenter.usecases.audit import last_change_at
from callcenter.web.errors import WebError
from callcenter.web.feed_ics import feed_calendar
from callcenter.web.feed_json import feed_document
from callcenter.web.feed_text import (
    PublicReasons,
    clock,
    closure_title,
    instant_de,
    instant_en,
    long_day_de,
    long_day_en,
    span_label,
)
from callcenter.web.state import WebState, state_of

MAX_AGE_SECONDS = 300
# The snippet is made to be framed by the office's website: no scripts, no forms, nothing
# loaded from elsewhere. The middleware omits X-Frame-Options for these paths only.
SNIPPET_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; "
    "form-action 'none'"
)
_NO_TEAM = ""
_WHOLE_NUMBER = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class _Loaded:
    office: Office
    changed: datetime | None  # the schedule's last audited change
    reasons: PublicReasons


def add_feed_routes(router: web.UrlDispatcher) -> None:
    # GET only: the admin page's POST /sprechzeiten/{team} stays behind sign-in.
    router.add_get("/sprechzeiten.json", office_json)
    router.add_get("/sprechzeiten.ics", office_ics)
    router.add_get("/sprechzeiten/heute", office_today)
    router.add_get("/sprechzeiten/{team}.json", team_json)
    router.add_get("/sprechzeiten/{team}.ics", team_ics)
    router.add_get("/sprechzeiten/{team}/heute", team_today)


async def office_json(request: web.Request) -> web.StreamResponse:
    return await _respond(request, _NO_TEAM, "json")


async def office_ics(request: web.Request) -> web.StreamResponse:
    return await _respond(request, _NO_TEAM, "ics")


async def office_today(request: web.Request) -> web.StreamResponse:
    return await _respond(request, _NO_TEAM, "html")


async def team_json(request: web.Request) -> web.StreamResponse:
    return await _respond(request, request.match_info["team"], "json")


async def team_ics(request: web.Request) -> web.StreamResponse:
    return await _respond(request, request.match_info["team"], "ics")


async def team_today(request: web.Request) -> web.StreamResponse:
    return await _respond(request, request.match_info["team"], "html")


async def _respond(request: web.Request, team: str, kind: str) -> web.StreamResponse:
    try:
        return await _feed_response(request, team, kind)
    except WebError as error:
        if kind != "json":
            raise
        return web.json_response(error.body(), status=error.status)


async def _feed_response(request: web.Request, team: str, kind: str) -> web.StreamResponse:
    state = state_of(request)
    weeks = _weeks(request) if kind != "html" else 1
    loaded = await asyncio.to_thread(_load, state)
    if team and team not in loaded.office.team_ids:
        known = ", ".join(loaded.office.team_ids)
        raise WebError(
            404,
            "unknown_team",
            f"Unbekanntes Team „{team}“ (bekannt: {known})",
            f"unknown team '{team}' (known: {known})",
            "team",
        )
    now = state.now()
    feed = await asyncio.to_thread(build_feed, loaded.office, now, weeks, (team,) if team else ())
    modified = _last_modified(feed, loaded, now)
    body, content_type = _render(request, state, feed, loaded, kind, team, modified)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "Cache-Control": f"public, max-age={MAX_AGE_SECONDS}",
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
    }
    if kind == "html":
        headers["Content-Security-Policy"] = SNIPPET_CSP
    else:
        # Read-only public data: the office's website may fetch it from its own origin.
        headers["Access-Control-Allow-Origin"] = "*"
    if _not_modified(request, etag, modified):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers={**headers, "Content-Type": content_type})


def _weeks(request: web.Request) -> int:
    raw = request.query.get("weeks")
    if raw is None:
        return DEFAULT_WEEKS
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if _WHOLE_NUMBER.fullmatch(raw) and MIN_WEEKS <= int(raw) <= MAX_WEEKS:
        return int(raw)
    raise WebError(
        400,
        "invalid_weeks",
        f"Parameter weeks: „{raw}“ ist keine ganze Zahl von {MIN_WEEKS} bis {MAX_WEEKS} "
        "(Wochen ab heute)",
        f"parameter weeks: '{raw}' is not a whole number from {MIN_WEEKS} to {MAX_WEEKS} "
        "(weeks from today)",
        "weeks",
    )


def _load(state: WebState) -> _Loaded:
    office = state.store.office()
    with state.store.unit_of_work() as uow:
        changed = last_change_at(uow)
    templates = load_templates(state.settings.prompts.templates_dir)
    de = templates.get("de")
    en = templates.get("en")
    reasons = PublicReasons(
        de=dict(de.public_reasons) if de else {}, en=dict(en.public_reasons) if en else {}
    )
    return _Loaded(office, changed, reasons)


def _last_modified(feed: HoursFeed, loaded: _Loaded, now: datetime) -> datetime:
    tz = loaded.office.tz
    candidates = [wall_to_instant(feed.first, time(0), tz)]
    if loaded.changed is not None:
        candidates.append(loaded.changed)
    candidates.extend(team.changed_at for team in feed.teams if team.changed_at is not None)
    latest = max(moment.astimezone(UTC) for moment in candidates)
    # HTTP dates have whole seconds; never later than now (a change stamped in the future).
    return min(latest, now.astimezone(UTC)).replace(microsecond=0)


def _not_modified(request: web.Request, etag: str, modified: datetime) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        return False
    return modified <= when


def _render(
    request: web.Request,
    state: WebState,
    feed: HoursFeed,
    loaded: _Loaded,
    kind: str,
    team: str,
    modified: datetime,
) -> tuple[bytes, str]:
    office_name = state.settings.office.name
    tz_name = str(loaded.office.tz)
    if kind == "json":
        document = feed_document(feed, office_name, tz_name, loaded.reasons)
        text = json.dumps(document, ensure_ascii=False, indent=1)
        return text.encode(), "application/json; charset=utf-8"
    if kind == "ics":
        name = feed.teams[0].name_de if team else office_name
        body = feed_calendar(
            feed,
            title=f"Telefonische Sprechzeiten – {name}",
            tz_name=tz_name,
            uid_domain=urlsplit(state.settings.web.base_url).hostname or "callcenter.invalid",
            stamp=modified,
            reasons=loaded.reasons,
            office_wide=not team,
        )
        return body, "text/calendar; charset=utf-8"
    context = {
        "office_name": office_name,
        "day_de": long_day_de(feed.first),
        "day_en": long_day_en(feed.first),
        "teams": [_today(team_hours, loaded.reasons) for team_hours in feed.teams],
    }
    html = aiohttp_jinja2.render_string("hours_snippet.html", request, context)
    return html.encode(), "text/html; charset=utf-8"


def _today(team: TeamHours, reasons: PublicReasons) -> dict[str, Any]:
    day = team.days[0]
    open_until = ""
    if team.state is State.OPEN and team.until is not None:
        until = team.until
        open_until = clock(until, day.day) if until.date() <= day.day else instant_de(until)
    closed = team.state is State.CLOSED and team.next_opening is not None
    return {
        "name_de": team.name_de,
        "name_en": team.name_en,
        "windows": [span_label(span, day.day) for span in day.windows],
        "holiday": day.holiday,
        "closures": [
            {"de": closure_title(c, reasons, "de"), "en": closure_title(c, reasons, "en")}
            for c in day.closures
        ],
        "open_until": open_until,
        "next_de": instant_de(team.next_opening) if closed and team.next_opening else "",
        "next_en": instant_en(team.next_opening) if closed and team.next_opening else "",
    }
