"""Queries for the overview and the audit page: who changed what, how many calls today."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from callcenter.domain.access import Actor, Role, require_role
from callcenter.domain.audit import AuditEntry, require_aware
from callcenter.storage.web_repository import CallCounts
from callcenter.usecases.ports import UnitOfWork


def audit_log(
    uow: UnitOfWork,
    actor: Actor,
    limit: int = 100,
    entity: str | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """The newest audit entries (admins only), optionally about one kind of entity, made
    in [since, until), older than entry `before_id` if given (the next batch)."""
    require_role(actor, Role.ADMIN)
    return uow.audit.list(limit, entity, since=since, until=until, before_id=before_id)


def closures_entered(uow: UnitOfWork, closure_ids: Collection[int]) -> dict[int, AuditEntry]:
    """Per closure id, the audit entry that added it (who and when it was entered)."""
    if not closure_ids:
        return {}
    found = uow.audit.list(
        len(closure_ids) * 2,
        "closure",
        entity_ids=[str(i) for i in closure_ids],
        actions=("add_closure",),
    )
    return {int(entry.entity_id): entry for entry in found if entry.entity_id}


def calls_between(uow: UnitOfWork, start: datetime, end: datetime) -> Mapping[str, CallCounts]:
    """Calls per team that started in [start, end), by inside/outside the call hours."""
    require_aware(start, "Anrufe")
    require_aware(end, "Anrufe")
    return uow.call_counts(start, end)


def last_change_at(uow: UnitOfWork) -> datetime | None:
    """When the newest audited change was made (public: the hours feed's Last-Modified)."""
    newest = uow.audit.list(1)
    return newest[0].at if newest else None
