"""What issue 20's evaluation reads: the period's callback requests (never their numbers)
and the call records that used a menu, overflowed, or came from a requester."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callcenter.domain.callbacks import CallbackRequest
from callcenter.domain.calls import CallRecord
from callcenter.storage.batching import chunks
from callcenter.storage.call_repository import record_of
from callcenter.storage.callback_repository import CallbackRepository
from callcenter.storage.models import CallRecordRow


def caller_inputs(
    session: Session, teams: Sequence[str], start: datetime, end: datetime
) -> tuple[list[CallbackRequest], list[CallRecord]]:
    """Requests made in [start, end) and the records the figures need: calls in the period
    with a language or an overflow, and every later call of a requester (repeat calls)."""
    requests = [
        r for r in CallbackRepository(session).list(since=start, until=end) if r.team in teams
    ]
    rows = list(
        session.scalars(
            select(CallRecordRow).where(
                CallRecordRow.team.in_(list(teams)),
                CallRecordRow.started >= start,
                CallRecordRow.started < end,
                or_(CallRecordRow.language.is_not(None), CallRecordRow.overflow.is_not(None)),
            )
        )
    )
    seen = {row.id for row in rows}
    callers = sorted({r.caller for r in requests})
    if requests:
        first = min(r.requested_at for r in requests)
        for chunk in chunks(callers, 500):
            for row in session.scalars(
                select(CallRecordRow).where(
                    CallRecordRow.caller.in_(chunk),
                    CallRecordRow.team.in_(list(teams)),
                    CallRecordRow.started > first,
                )
            ):
                if row.id not in seen:
                    seen.add(row.id)
                    rows.append(row)
    return requests, [record_of(row) for row in rows]
