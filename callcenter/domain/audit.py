"""An entry of the audit log: who changed what, when, with the state before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callcenter.domain.errors import NaiveDatetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any


def require_aware(value: datetime, what: str) -> datetime:
    """Refuse a naive `now`/`at` early, with the domain's error, before anything is written."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(
            f"{what}: Zeitpunkt {value.isoformat()} hat keine Zeitzone",
            f"{what}: instant {value.isoformat()} has no time zone",
        )
    return value
