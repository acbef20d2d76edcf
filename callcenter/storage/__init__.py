"""Storage adapter: SQLAlchemy models, Alembic migrations and repositories.

Only domain dataclasses (and small records such as AuditEntry and Account) leave this package;
ORM rows stay inside. Repositories never commit: the caller's `session_scope` does.
"""

from callcenter.storage.audit import AuditEntry, AuditRepository
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import (
    current_revision,
    make_engine,
    make_sessionmaker,
    session_scope,
    upgrade,
)
from callcenter.storage.errors import (
    AlreadyExists,
    ClosureAlreadyOver,
    InvalidValue,
    NotFound,
    NotSeeded,
    RejectedRecords,
    StorageError,
)
from callcenter.storage.schedule_repository import ScheduleRepository

__all__ = [
    "AlreadyExists",
    "AuditEntry",
    "AuditRepository",
    "CallRecordRepository",
    "ClosureAlreadyOver",
    "InvalidValue",
    "NotFound",
    "NotSeeded",
    "RejectedRecords",
    "ScheduleRepository",
    "StorageError",
    "current_revision",
    "make_engine",
    "make_sessionmaker",
    "session_scope",
    "upgrade",
]
