"""What issue 20's evaluation reads: the period's callback requests (never their numbers),
the calls of the requesters after their request, and the counts of menu languages and
overflows of the period (counted in the database, from partial indexes: migration 0014)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.domain.callbacks import CallbackRequest
from callcenter.domain.calls import CallRecord
from callcenter.domain.pseudonym import WITHHELD
from callcenter.evaluation.callbacks import NO_MENU_REASON
from callcenter.storage.batching import chunks
from callcenter.storage.call_repository import record_of
from callcenter.storage.callback_repository import CallbackRepository
from callcenter.storage.models import CallRecordRow

Counts = Counter[tuple[str, str, str]]


@dataclass(frozen=True)
class CallerInputs:
    requests: list[CallbackRequest]  # made in the period
    records: list[CallRecord]  # the known requesters' calls after the first request
    languages: Counts  # (team, reason, language) -> calls
    overflow: Counts  # (team, destination, outcome) -> calls


def caller_inputs(
    session: Session, teams: Sequence[str], start: datetime, end: datetime
) -> CallerInputs:
    """Requests made in [start, end), every later call of a known requester (repeat calls)
    and the language and overflow counts of the calls in [start, end)."""
    team_list = list(teams)
    requests = [
        r for r in CallbackRepository(session).list(since=start, until=end) if r.team in teams
    ]
    return CallerInputs(
        requests,
        _requesters_calls(session, team_list, requests),
        _languages(session, team_list, start, end),
        _overflow(session, team_list, start, end),
    )


def _requesters_calls(
    session: Session, teams: list[str], requests: list[CallbackRequest]
) -> list[CallRecord]:
    """The teams' calls after the first known request by a caller of one. Never by WITHHELD
    (requests the retention purge cleared): that would read every withheld call of the
    teams since then, millions of rows after a purge, and link none of them."""
    known = [r for r in requests if r.caller != WITHHELD]
    if not known:
        return []
    first = min(r.requested_at for r in known)
    callers = sorted({r.caller for r in known})
    records: list[CallRecord] = []
    for chunk in chunks(callers, 500):
        statement = select(CallRecordRow).where(
            CallRecordRow.caller.in_(chunk),
            CallRecordRow.team.in_(teams),
            CallRecordRow.started > first,
        )
        records += [record_of(row) for row in session.scalars(statement)]
    return records


def _languages(session: Session, teams: list[str], start: datetime, end: datetime) -> Counts:
    c = CallRecordRow
    reason = func.coalesce(c.reason_at_arrival, NO_MENU_REASON)
    statement = (
        select(c.team, reason, c.language, func.count())
        .where(c.team.in_(teams), c.started >= start, c.started < end, c.language.is_not(None))
        .group_by(c.team, reason, c.language)
    )
    return Counter({(t, r, str(lang)): int(n) for t, r, lang, n in session.execute(statement)})


def _overflow(session: Session, teams: list[str], start: datetime, end: datetime) -> Counts:
    c = CallRecordRow
    statement = (
        select(c.team, c.overflow, c.outcome, func.count())
        .where(c.team.in_(teams), c.started >= start, c.started < end, c.overflow.is_not(None))
        .group_by(c.team, c.overflow, c.outcome)
    )
    return Counter(
        {(t, str(to), outcome): int(n) for t, to, outcome, n in session.execute(statement)}
    )
