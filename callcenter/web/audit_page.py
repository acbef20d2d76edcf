"""The audit log page: who changed what, when, with the state before and after."""

from __future__ import annotations

from aiohttp import web

from callcenter.storage.audit import AuditRepository
from callcenter.storage.web_repository import Role
from callcenter.web.actions import require
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import state_of

PAGE_SIZE = 200
ENTITIES = ("team", "closure", "opening", "pilot", "office", "prompt", "user", "api_token")


async def audit_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN)
    state = state_of(request)
    entity = request.query.get("entity", "")
    chosen = entity if entity in ENTITIES else None
    entries = await state.db(lambda s: AuditRepository(s).list(PAGE_SIZE, chosen))
    return render(
        request,
        "audit.html",
        {"entries": entries, "entities": ENTITIES, "entity": chosen or ""},
    )
