"""One import place for every repository; each lives in its own module."""

from callcenter.storage.audit import AuditEntry, AuditRepository
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.schedule_repository import ScheduleRepository
from callcenter.storage.tally_repository import TallyRepository

__all__ = [
    "AuditEntry",
    "AuditRepository",
    "CallRecordRepository",
    "ScheduleRepository",
    "TallyRepository",
]
