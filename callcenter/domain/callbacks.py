"""Callback requests (Rückrufwunsch): what a caller asked for and what came of each try.

The caller pressed the callback key (the dialplan's `CallbackRequested` event); the team's
staff work the open requests oldest first, each "Anrufen" is one attempt over AMI
Originate (staff extension first, then the caller). A request is done when the caller was
reached, expires after the configured days, and only the team's own staff ever see the
number: everything else (evaluation, exports) knows the caller's pseudonym only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from callcenter.domain.access import FORBIDDEN_DE, FORBIDDEN_EN, Actor
from callcenter.domain.errors import PermissionDenied


class CallbackStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # the caller was reached
    EXPIRED = "expired"  # not reached within the configured days


class AttemptOutcome(StrEnum):
    REACHED = "reached"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    STAFF_UNREACHED = (
        "staff_unreached"  # the staff phone did not answer (OriginateResponse Failure)
    )


# The customer's side, from the `DialEnd` on the staff `;1` channel (recording 022/022b):
# CANCEL is the staff member hanging up while the customer's phone still rang.
_DIAL_OUTCOMES = {
    "ANSWER": AttemptOutcome.REACHED,
    "BUSY": AttemptOutcome.BUSY,
    "NOANSWER": AttemptOutcome.NO_ANSWER,
    "CANCEL": AttemptOutcome.NO_ANSWER,
}

ACTION_PREFIX = "cb-"
_ACTION_ID = re.compile(r"cb-(\d+)-(\d+)")


def dial_outcome(dial_status: str) -> AttemptOutcome:
    """The attempt's outcome from the DialStatus toward the caller (CONGESTION and anything
    else is a failure)."""
    return _DIAL_OUTCOMES.get(dial_status.strip().upper(), AttemptOutcome.FAILED)


def action_id(request_id: int, attempt: int) -> str:
    """The Originate's ActionID: OriginateResponse is broadcast to every AMI session, so
    only this form (`cb-<request>-<attempt>`) is ours."""
    return f"{ACTION_PREFIX}{request_id}-{attempt}"


def parse_action_id(text: str | None) -> tuple[int, int] | None:
    match = _ACTION_ID.fullmatch(text or "")
    return None if match is None else (int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class CallbackAttempt:
    attempt: int  # 1, 2, ...
    actor: str
    extension: str
    started: datetime
    ended: datetime | None = None
    outcome: AttemptOutcome | None = None  # None: still running


@dataclass(frozen=True)
class CallbackRequest:
    """A stored request; `number` is the raw number, present only for the team's staff
    (None everywhere else, and after the request is done or expired)."""

    id: int
    team: str
    linked_id: str
    caller: str  # pseudonym
    dialled: str
    requested_at: datetime
    expires_at: datetime
    status: CallbackStatus = CallbackStatus.OPEN
    closed_at: datetime | None = None
    attempts: tuple[CallbackAttempt, ...] = ()
    number: str | None = None

    def waiting_seconds(self, now: datetime) -> float:
        end = self.closed_at if self.closed_at is not None else now
        return max(0.0, (end - self.requested_at).total_seconds())

    @property
    def running(self) -> CallbackAttempt | None:
        last = self.attempts[-1] if self.attempts else None
        return last if last is not None and last.outcome is None else None

    @property
    def next_attempt(self) -> int:
        return len(self.attempts) + 1

    def fulfilled_at(self) -> datetime | None:
        """When the caller was reached (the end of the reaching attempt), if ever."""
        for attempt in self.attempts:
            if attempt.outcome is AttemptOutcome.REACHED:
                return attempt.ended or attempt.started
        return None


def expiry(requested_at: datetime, retention_days: int) -> datetime:
    return requested_at + timedelta(days=retention_days)


def is_expired(request: CallbackRequest, now: datetime) -> bool:
    return request.status is CallbackStatus.OPEN and now >= request.expires_at


def worklist(requests: list[CallbackRequest]) -> list[CallbackRequest]:
    """Open requests, oldest first (the 115 promise runs from the request)."""
    return sorted(
        (r for r in requests if r.status is CallbackStatus.OPEN),
        key=lambda r: (r.requested_at, r.id),
    )


def may_see_callbacks(actor: Actor, team: str) -> bool:
    """The team's own lead and the administration (who may change the team anyway); never
    the switchboard, never another team's lead."""
    return actor.may_change_team(team)


def require_callbacks(actor: Actor, team: str) -> None:
    if not may_see_callbacks(actor, team):
        raise PermissionDenied(FORBIDDEN_DE, FORBIDDEN_EN)
