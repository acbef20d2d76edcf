"""Queries for the overview and the audit page: who changed what, how many calls today."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from callcenter.domain.access import Actor, Role, require_role
from callcenter.domain.audit import AuditEntry, require_aware
from callcenter.storage.web_repository import CallCounts
from callcenter.usecases.ports import UnitOfWork


def audit_log(
    uow: UnitOfWork, actor: Actor, limit: int = 100, entity: str | None = None
) -> list[AuditEntry]:
    """The newest audit entries (admins only), optionally about one kind of entity."""
    require_role(actor, Role.ADMIN)
    return uow.audit.list(limit, entity)


def calls_between(uow: UnitOfWork, start: datetime, end: datetime) -> Mapping[str, CallCounts]:
    """Calls per team that started in [start, end), by inside/outside the call hours."""
    require_aware(start, "Anrufe")
    require_aware(end, "Anrufe")
    return uow.call_counts(start, end)


def last_change_at(uow: UnitOfWork) -> datetime | None:
    """When the newest audited change was made (public: the hours feed's Last-Modified)."""
    newest = uow.audit.list(1)
    return newest[0].at if newest else None
