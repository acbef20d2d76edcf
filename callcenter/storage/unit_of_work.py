"""The unit of work on SQLAlchemy: the repositories of one session, one transaction.

`SqlUnitOfWork` matches callcenter.usecases.ports.UnitOfWork structurally; the caller's
`session_scope`/`Store.unit_of_work` commits when its block succeeds and rolls back when it
raises, so a use case that fails leaves nothing behind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callcenter.storage.audit import AuditRepository
from callcenter.storage.phrase_repository import PhraseRepository
from callcenter.storage.schedule_repository import ScheduleRepository
from callcenter.storage.tally_repository import TallyRepository
from callcenter.storage.web_repository import AccountRepository, CallCounts, calls_between


class SqlUnitOfWork:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.schedules = ScheduleRepository(session)
        self.audit = AuditRepository(session)
        self.accounts = AccountRepository(session)
        self.tally = TallyRepository(session)
        self.phrases = PhraseRepository(session)

    def call_counts(self, start: datetime, end: datetime) -> dict[str, CallCounts]:
        return calls_between(self.session, start, end)
