"""Callback requests: store what the caller asked for, the team's worklist, each "Anrufen"
and its outcome, expiry. Every change by a person is audited (never with the number).

Only the team's own staff see a request's number (domain.callbacks.require_callbacks); the
seal that opens it is handed in by the entry point, so nothing else can read it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from callcenter.domain.access import Actor
from callcenter.domain.audit import require_aware
from callcenter.domain.callbacks import (
    AttemptOutcome,
    CallbackRequest,
    CallbackStatus,
    expiry,
    require_callbacks,
    worklist,
)
from callcenter.domain.errors import CallcenterError
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.storage.audit import AuditRepository
from callcenter.storage.callback_repository import CallbackRepository
from callcenter.storage.sealing import NumberSeal as NumberSeal  # re-exported for the web

SessionFactory = Callable[[], AbstractContextManager[Session]]
SERVICE_ACTOR = "service:callbacks"
# An attempt without any outcome this long after "Anrufen" lost its events (the AMI
# connection dropped mid-call): it counts as failed, so the request can be tried again.
STALE_ATTEMPT = timedelta(minutes=5)


class CallbackNotPossible(CallcenterError):
    kind = "conflict"
    code = "callback_not_possible"


def record_request(
    sessions: SessionFactory,
    event: CallbackAsked,
    pseudonyms: Pseudonymizer,
    seal: NumberSeal,
    retention_days: int,
) -> CallbackRequest | None:
    """Store the caller's request (number sealed); None without a number or if known."""
    if not event.number:
        return None  # the dialplan does not offer it then; a replayed odd event is dropped
    with sessions() as session:
        return CallbackRepository(session).add(
            team=event.team,
            linked_id=event.linked_id,
            caller=pseudonyms.caller(event.number),
            dialled=event.dialled,
            number=event.number,
            requested_at=event.at,
            expires_at=expiry(event.at, retention_days),
            seal=seal,
        )


def open_requests(
    sessions: SessionFactory, actor: Actor, team: str, seal: NumberSeal, now: datetime
) -> list[CallbackRequest]:
    """The team's worklist (open, oldest first, with numbers), for its staff only."""
    require_callbacks(actor, team)
    require_aware(now, "Rückrufliste")
    with sessions() as session:
        requests = CallbackRepository(session).list(
            team=team, status=CallbackStatus.OPEN, seal=seal
        )
    return [r for r in worklist(requests) if r.expires_at > now]


def request_for(sessions: SessionFactory, actor: Actor, request_id: int) -> CallbackRequest:
    """One request (without its number), for its team's staff only."""
    with sessions() as session:
        request = CallbackRepository(session).get(request_id)
    require_callbacks(actor, request.team)
    return request


@dataclass(frozen=True)
class StartedAttempt:
    request: CallbackRequest
    attempt: int
    extension: str
    number: str


def start_attempt(
    sessions: SessionFactory,
    actor: Actor,
    request_id: int,
    extension: str,
    seal: NumberSeal,
    now: datetime,
) -> StartedAttempt:
    """ "Anrufen": a new attempt of an open request (one at a time); the entry point then
    sends the Originate."""
    with sessions() as session:
        repository = CallbackRepository(session)
        request = repository.get(request_id, seal)
        require_callbacks(actor, request.team)
        if request.status is not CallbackStatus.OPEN or request.expires_at <= now:
            raise CallbackNotPossible(
                f"Rückrufwunsch {request_id} ist nicht mehr offen",
                f"callback request {request_id} is no longer open",
            )
        running = request.running
        if running is not None and now - running.started >= STALE_ATTEMPT:
            repository.finish_attempt(request_id, running.attempt, AttemptOutcome.FAILED, now)
            _audit(
                session,
                SERVICE_ACTOR,
                now,
                "callback_outcome",
                request,
                {"attempt": running.attempt, "outcome": AttemptOutcome.FAILED.value},
            )
            request = repository.get(request_id, seal)
        if request.running is not None:
            raise CallbackNotPossible(
                f"Rückrufwunsch {request_id}: ein Anruf läuft schon",
                f"callback request {request_id}: a call is already running",
            )
        if not request.number:
            raise CallbackNotPossible(
                f"Rückrufwunsch {request_id} hat keine Nummer mehr",
                f"callback request {request_id} has no number any more",
            )
        attempt = request.next_attempt
        repository.start_attempt(
            request_id, attempt, actor=actor.name, extension=extension, started=now
        )
        _audit(session, actor.name, now, "callback_call", request, {"attempt": attempt})
    return StartedAttempt(request, attempt, extension, request.number)


def finish_attempt(
    sessions: SessionFactory,
    request_id: int,
    attempt: int,
    outcome: AttemptOutcome,
    at: datetime,
) -> bool:
    """The PBX's outcome of an attempt; a reached caller closes the request (number erased)."""
    with sessions() as session:
        repository = CallbackRepository(session)
        changed = repository.finish_attempt(request_id, attempt, outcome, at)
        if changed:
            request = repository.get(request_id)
            _audit(
                session,
                SERVICE_ACTOR,
                at,
                "callback_outcome",
                request,
                {"attempt": attempt, "outcome": outcome.value},
            )
    return changed


def close_request(
    sessions: SessionFactory, actor: Actor, request_id: int, now: datetime
) -> CallbackRequest:
    """Staff mark a request done by hand (settled otherwise); the number is erased."""
    with sessions() as session:
        repository = CallbackRepository(session)
        request = repository.get(request_id)
        require_callbacks(actor, request.team)
        if request.status is CallbackStatus.OPEN:
            repository.close(request_id, CallbackStatus.DONE, now)
            _audit(session, actor.name, now, "callback_done", request, {})
        return repository.get(request_id)


def expire_requests(sessions: SessionFactory, now: datetime) -> int:
    """Close requests past their days (the daily purge); their numbers are erased."""
    require_aware(now, "Rückrufwünsche")
    with sessions() as session:
        count = CallbackRepository(session).expire(now)
        if count:
            AuditRepository(session).record(
                actor=SERVICE_ACTOR,
                at=now,
                action="callback_expire",
                entity="callback_request",
                after={"expired": count},
            )
    return count


def forget_callers(sessions: SessionFactory, before: datetime, now: datetime) -> int:
    """The retention purge for requests: their callers' pseudonyms, as for call records."""
    require_aware(before, "Rückrufwünsche")
    require_aware(now, "Rückrufwünsche")
    with sessions() as session:
        count = CallbackRepository(session).forget_callers(before)
        if count:
            # As the purge of calls: audited, and so seen as a change of the past by another
            # process's data version too (callcenter.storage.data_version).
            AuditRepository(session).record(
                actor=SERVICE_ACTOR,
                at=now,
                action="callback_forget",
                entity="callback_request",
                after={"cleared": count},
            )
    return count


def requests_between(
    sessions: SessionFactory, start: datetime, end: datetime
) -> list[CallbackRequest]:
    """Requests made in [start, end), without numbers (for the evaluation)."""
    with sessions() as session:
        return CallbackRepository(session).list(since=start, until=end)


def _audit(
    session: Session,
    actor: str,
    at: datetime,
    action: str,
    request: CallbackRequest,
    after: dict[str, object],
) -> None:
    # The caller's pseudonym, never the number.
    AuditRepository(session).record(
        actor=actor,
        at=at,
        action=action,
        entity="callback_request",
        entity_id=str(request.id),
        after={"team": request.team, "caller": request.caller, **after},
    )
