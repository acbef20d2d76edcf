"""The audit log page: who changed what, when, with the fields before and after; filters by
team, area and period; the same selection as CSV for German Excel (UTF-8 with BOM, ';')."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
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
# Entries read per round trip while a team filter (the team is in the snapshots, not a
# column) or the CSV export walks back through the period.
SCAN_BATCH = 2000
ENTITIES = tuple(audit_view.ENTITIES)
_CELL_START = ("=", "+", "-", "@", "\t", "\r")


async def _entries(
    request: web.Request, errors: FormErrors | None = None, *, limit: int | None = PAGE_SIZE
) -> tuple[list[AuditEntry], dict[str, str]]:
    """The newest `limit` selected entries (None: all of them); a bad date goes to `errors`
    (the page) or raises 422 (CSV)."""
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

    # Without a team filter the page needs one read; the filter and the export read back
    # through the period batch by batch.
    size = SCAN_BATCH if team or limit is None else limit

    def batch(before_id: int | None) -> Callable[[Any], list[AuditEntry]]:
        def load(uow: Any) -> list[AuditEntry]:
            return audit_log(uow, actor, size, chosen, since=since, until=last, before_id=before_id)

        return load

    entries: list[AuditEntry] = []
    before_id: int | None = None
    while limit is None or len(entries) < limit:
        read = await run(state, batch(before_id))
        entries += [e for e in read if not team or audit_view.concerns_team(e, team)]
        if len(read) < size:
            break  # the period holds no older entries
        before_id = read[-1].id
    entries = entries if limit is None else entries[:limit]
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
    # Every entry of the selection, not the page's newest 200: the export is the record.
    entries, _values = await _entries(request, limit=None)
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
