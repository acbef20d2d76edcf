"""The audit log: who changed what, when, with the state before and after."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.domain.audit import AuditEntry as AuditEntry  # re-exported
from callcenter.domain.audit import require_aware as require_aware  # re-exported
from callcenter.storage.models import AuditRow


class AuditRepository:
    """Writes and lists audit entries inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        *,
        actor: str,
        at: datetime,
        action: str,
        entity: str,
        entity_id: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        require_aware(at, "Audit")
        self._session.add(
            AuditRow(
                at=at,
                actor=actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
        )
        self._session.flush()

    def list(
        self,
        limit: int = 100,
        entity: str | None = None,
        *,
        entity_ids: Collection[str] | None = None,
        actions: Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
    ) -> list[AuditEntry]:
        """The newest entries first, optionally only those about one kind of entity (and
        those ids, by those actions), made in [since, until); with `before_id` only those
        older than that entry (the next page)."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(AuditRow.id < before_id)
        if entity is not None:
            query = query.where(AuditRow.entity == entity)
        if entity_ids is not None:
            query = query.where(AuditRow.entity_id.in_(list(entity_ids)))
        if actions is not None:
            query = query.where(AuditRow.action.in_(list(actions)))
        if since is not None:
            query = query.where(AuditRow.at >= require_aware(since, "Audit: von"))
        if until is not None:
            query = query.where(AuditRow.at < require_aware(until, "Audit: bis"))
        return [
            AuditEntry(
                id=row.id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                before=row.before,
                after=row.after,
            )
            for row in self._session.scalars(query)
        ]
