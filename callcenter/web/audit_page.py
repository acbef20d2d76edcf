"""The audit log page: who changed what, when, with the state before and after."""

from __future__ import annotations

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.usecases.audit import audit_log
from callcenter.web.actions import actor_of, require, run
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import state_of

PAGE_SIZE = 200
ENTITIES = (
    "team",
    "closure",
    "opening",
    "pilot",
    "office",
    "prompt",
    "user",
    "api_token",
    "walk_ins",
    "import",
)


async def audit_page(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    entity = request.query.get("entity", "")
    chosen = entity if entity in ENTITIES else None
    actor = actor_of(identity)
    entries = await run(state, lambda uow: audit_log(uow, actor, PAGE_SIZE, chosen))
    return render(
        request,
        "audit.html",
        {"entries": entries, "entities": ENTITIES, "entity": chosen or ""},
    )
