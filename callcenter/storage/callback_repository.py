"""Callback requests and their attempts (migration 0012), inside the caller's transaction.

The number is stored only sealed (storage/sealing.py) and opened only when the caller of a
method passes the seal, i.e. for the team's staff; it is erased the moment a request is
done or expires.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.domain.callbacks import (
    AttemptOutcome,
    CallbackAttempt,
    CallbackRequest,
    CallbackStatus,
)
from callcenter.domain.pseudonym import WITHHELD
from callcenter.storage.data_version import LIVE_OPTION
from callcenter.storage.errors import NotFound
from callcenter.storage.models import CallbackAttemptRow, CallbackRequestRow
from callcenter.storage.sealing import NumberSeal

# An attempt's outcome and a request's closing are the day's callback work: counted as an
# addition to the present, so a kept evaluation is only computed anew (the expiry and the
# clearing of callers are not: they rewrite past days, callcenter.storage.data_version).
_LIVE = {LIVE_OPTION: True}


class CallbackRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        team: str,
        linked_id: str,
        caller: str,
        dialled: str,
        number: str,
        requested_at: datetime,
        expires_at: datetime,
        seal: NumberSeal,
    ) -> CallbackRequest | None:
        """Store a new open request; None if the call already has one (a replayed event)."""
        existing = self._session.scalar(
            select(CallbackRequestRow.id).where(CallbackRequestRow.linked_id == linked_id)
        )
        if existing is not None:
            return None
        row = CallbackRequestRow(
            team=team,
            linked_id=linked_id,
            caller=caller,
            dialled=dialled,
            number_sealed=seal.seal(number, linked_id),
            requested_at=requested_at,
            expires_at=expires_at,
            status=CallbackStatus.OPEN.value,
        )
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            return None  # stored meanwhile by another writer
        return self._request(row, (), None)

    def get(self, request_id: int, seal: NumberSeal | None = None) -> CallbackRequest:
        row = self._session.get(CallbackRequestRow, request_id)
        if row is None:
            raise NotFound(
                f"Rückrufwunsch {request_id} gibt es nicht",
                f"callback request {request_id} does not exist",
            )
        return self._request(row, self._attempts([row.id]).get(row.id, ()), seal)

    def list(
        self,
        *,
        team: str | None = None,
        status: CallbackStatus | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        seal: NumberSeal | None = None,
    ) -> list[CallbackRequest]:
        query = select(CallbackRequestRow).order_by(
            CallbackRequestRow.requested_at, CallbackRequestRow.id
        )
        if team is not None:
            query = query.where(CallbackRequestRow.team == team)
        if status is not None:
            query = query.where(CallbackRequestRow.status == status.value)
        if since is not None:
            query = query.where(CallbackRequestRow.requested_at >= since)
        if until is not None:
            query = query.where(CallbackRequestRow.requested_at < until)
        rows = list(self._session.scalars(query))
        attempts = self._attempts([r.id for r in rows])
        return [self._request(r, attempts.get(r.id, ()), seal) for r in rows]

    def start_attempt(
        self, request_id: int, attempt: int, *, actor: str, extension: str, started: datetime
    ) -> None:
        self._session.add(
            CallbackAttemptRow(
                request_id=request_id,
                attempt=attempt,
                actor=actor,
                extension=extension,
                started=started,
            )
        )
        self._session.flush()

    def finish_attempt(
        self, request_id: int, attempt: int, outcome: AttemptOutcome, ended: datetime
    ) -> bool:
        """Record an attempt's outcome; a reached caller closes the request and erases the
        number. False when the attempt is unknown or already has its outcome."""
        row = self._session.scalar(
            select(CallbackAttemptRow).where(
                CallbackAttemptRow.request_id == request_id,
                CallbackAttemptRow.attempt == attempt,
            )
        )
        if row is None or row.outcome is not None:
            return False
        self._session.execute(
            update(CallbackAttemptRow)
            .where(CallbackAttemptRow.id == row.id)
            .values(outcome=outcome.value, ended=ended)
            .execution_options(**_LIVE)
        )
        if outcome is AttemptOutcome.REACHED:
            self.close(request_id, CallbackStatus.DONE, ended)
        self._session.flush()
        return True

    def close(self, request_id: int, status: CallbackStatus, at: datetime) -> None:
        self._session.execute(
            update(CallbackRequestRow)
            .where(CallbackRequestRow.id == request_id)
            .values(status=status.value, closed_at=at, number_sealed=None)
            .execution_options(**_LIVE)
        )

    def expire(self, now: datetime) -> int:
        """Close every open request past its expiry; their numbers are erased."""
        result = self._session.execute(
            update(CallbackRequestRow)
            .where(
                CallbackRequestRow.status == CallbackStatus.OPEN.value,
                CallbackRequestRow.expires_at <= now,
            )
            .values(status=CallbackStatus.EXPIRED.value, closed_at=now, number_sealed=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def forget_callers(self, before: datetime) -> int:
        """Clear the pseudonym of requests made before `before` (the retention purge)."""
        result = self._session.execute(
            update(CallbackRequestRow)
            .where(CallbackRequestRow.requested_at < before, CallbackRequestRow.caller != WITHHELD)
            .values(caller=WITHHELD)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def _attempts(self, ids: Iterable[int]) -> dict[int, tuple[CallbackAttempt, ...]]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = self._session.scalars(
            select(CallbackAttemptRow)
            .where(CallbackAttemptRow.request_id.in_(wanted))
            .order_by(CallbackAttemptRow.request_id, CallbackAttemptRow.attempt)
        )
        out: dict[int, list[CallbackAttempt]] = {}
        for row in rows:
            out.setdefault(row.request_id, []).append(
                CallbackAttempt(
                    attempt=row.attempt,
                    actor=row.actor,
                    extension=row.extension,
                    started=row.started,
                    ended=row.ended,
                    outcome=None if row.outcome is None else AttemptOutcome(row.outcome),
                )
            )
        return {key: tuple(value) for key, value in out.items()}

    @staticmethod
    def _request(
        row: CallbackRequestRow, attempts: tuple[CallbackAttempt, ...], seal: NumberSeal | None
    ) -> CallbackRequest:
        number = None
        if seal is not None and row.number_sealed:
            number = seal.open(row.number_sealed, row.linked_id)
        return CallbackRequest(
            id=row.id,
            team=row.team,
            linked_id=row.linked_id,
            caller=row.caller,
            dialled=row.dialled,
            requested_at=row.requested_at,
            expires_at=row.expires_at,
            status=CallbackStatus(row.status),
            closed_at=row.closed_at,
            attempts=attempts,
            number=number,
        )
