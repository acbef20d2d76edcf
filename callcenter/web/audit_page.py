"""The audit log page: who changed what, when, with the fields before and after; filters by
team, area and period; the same selection as CSV for German Excel (UTF-8 with BOM, ';')."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.audit import AuditEntry
from callcenter.domain.schedule import wall_to_instant
from callcenter.usecases.audit import audit_log
from callcenter.web import audit_view
from callcenter.web.actions import actor_of, require, run
from callcenter.web.errors import invalid
from callcenter.web.forms import FormErrors, to_date
from callcenter.web.i18n import both, translate
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import WebState, lang_of, state_of

PAGE_SIZE = 200
# A team filter is applied to this many newest entries of the period (the snapshot holds
# the team, not a column).
SCAN_LIMIT = 5000
ENTITIES = tuple(audit_view.ENTITIES)
_CELL_START = ("=", "+", "-", "@", "\t", "\r")


async def _entries(
    request: web.Request, errors: FormErrors | None = None
) -> tuple[list[AuditEntry], dict[str, str]]:
    """The selected entries; a bad date goes to `errors` (the page) or raises 422 (CSV)."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    office = await state.office()
    query = request.query
    entity = query.get("entity", "")
    chosen = entity if entity in ENTITIES else None
    team = query.get("team", "")
    team = team if team in office.team_ids else ""
    found = FormErrors()
    since = _day_start(query.get("from", ""), "from", state, found)
    last = _day_start(query.get("to", ""), "to", state, found, after=True)
    if found and errors is None:
        name, (de, en) = next(iter(found.fields.items()))
        raise invalid(name, de, en)
    if errors is not None:
        errors.fields.update(found.fields)
    actor = actor_of(identity)
    limit = SCAN_LIMIT if team else PAGE_SIZE

    def load(uow: Any) -> list[AuditEntry]:
        return audit_log(uow, actor, limit, chosen, since=since, until=last)

    entries = await run(state, load)
    if team:
        entries = [e for e in entries if audit_view.concerns_team(e, team)][:PAGE_SIZE]
    values = {
        "entity": chosen or "",
        "team": team,
        "from": query.get("from", "")[:10],
        "to": query.get("to", "")[:10],
    }
    return entries, values


def _day_start(
    raw: str, name: str, state: WebState, errors: FormErrors, *, after: bool = False
) -> datetime | None:
    raw = raw.strip()[:20]
    if not raw:
        return None
    try:
        day: date = to_date(raw)
    except ValueError:
        errors.add(name, *both("invalid_date", text=raw))
        return None
    if after:
        day += timedelta(days=1)
    return wall_to_instant(day, time(0), state.settings.tz)


async def audit_page(request: web.Request) -> web.StreamResponse:
    errors = FormErrors()
    entries, values = await _entries(request, errors)
    state = state_of(request)
    office = await state.office()
    lang = lang_of(request)
    tz = state.settings.tz
    return render(
        request,
        "audit.html",
        {
            "entries": [audit_view.view(e, tz, lang) for e in entries],
            "entities": [(key, audit_view.entity_label(key, lang)) for key in ENTITIES],
            "teams": office.teams,
            "values": values,
            "limit": PAGE_SIZE,
            "query": request.query_string,
            "errors": errors.for_lang(lang),
        },
        status=422 if errors else 200,
    )


def _cell(value: str) -> str:
    """A cell Excel shows as text: no formula from a note that starts with '='."""
    return "'" + value if value.startswith(_CELL_START) else value


async def audit_csv(request: web.Request) -> web.StreamResponse:
    entries, _values = await _entries(request)
    state = state_of(request)
    lang = lang_of(request)
    tz = state.settings.tz
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header_keys = ("col_when", "col_who", "col_what", "audit_filter_kind", "field")
    header = [translate(lang, key) for key in header_keys]
    header[4] = "Objekt" if lang != "en" else "Object"
    header += [
        translate(lang, "audit_changes"),
        translate(lang, "col_before"),
        translate(lang, "col_after"),
    ]
    writer.writerow(header)
    for entry in entries:
        shown = audit_view.view(entry, tz, lang)
        changed = [f for f in shown.fields if f.changed] or shown.fields
        writer.writerow(
            [
                _cell(text)
                for text in (
                    shown.at,
                    shown.actor,
                    shown.action,
                    shown.entity,
                    shown.subject,
                    ", ".join(f.label for f in changed),
                    " | ".join(f"{f.label}: {f.before}" for f in changed),
                    " | ".join(f"{f.label}: {f.after}" for f in changed),
                )
            ]
        )
    name = f"protokoll-{state.now():%Y-%m-%d}.csv"
    return web.Response(
        body=out.getvalue().encode("utf-8-sig"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
