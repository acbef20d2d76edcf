"""Callback requests in the database: the number sealed at rest, seen only by the team's
staff, erased when done or expired; attempts and their outcomes (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from callcenter.domain.access import Actor, Role
from callcenter.domain.callbacks import AttemptOutcome, CallbackStatus
from callcenter.domain.errors import PermissionDenied
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.storage.database import session_scope
from callcenter.storage.models import AuditRow, CallbackRequestRow
from callcenter.storage.sealing import NumberSeal, SealError
from callcenter.usecases import callbacks

KEY = bytes(range(32))
SEAL = NumberSeal(KEY)
PSEUDONYMS = Pseudonymizer(KEY)
T0 = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
NUMBER = "01705000001"
STAFF = Actor("web:anna", Role.TEAMLEAD, "auslaender-a")
OTHER_LEAD = Actor("web:bert", Role.TEAMLEAD, "auslaender-b")
SWITCHBOARD = Actor("web:zentrale", Role.SWITCHBOARD)


def asked(linked_id: str = "1796399305.233", at: datetime = T0) -> CallbackAsked:
    return CallbackAsked(linked_id, "1796399305.234", at, "auslaender-a", "06151921", NUMBER)


@pytest.fixture
def sessions(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    return partial(session_scope, engine)


def test_the_number_is_sealed_at_rest_and_only_the_staff_see_it(
    engine: Engine, sessions: Callable[[], AbstractContextManager[Session]]
) -> None:
    stored = callbacks.record_request(sessions, asked(), PSEUDONYMS, SEAL, 7)
    assert stored is not None
    assert stored.caller == PSEUDONYMS.caller(NUMBER)
    assert stored.number is None  # not opened for the service itself
    with session_scope(engine) as session:
        row = session.scalars(select(CallbackRequestRow)).one()
        assert row.number_sealed is not None
        assert NUMBER not in row.number_sealed
        assert NUMBER[1:] not in row.number_sealed
        # Bound to its call: copied onto another request it does not open.
        with pytest.raises(SealError):
            SEAL.open(row.number_sealed, "another-call")
    # A replayed event stores nothing twice.
    assert callbacks.record_request(sessions, asked(), PSEUDONYMS, SEAL, 7) is None
    (open_one,) = callbacks.open_requests(sessions, STAFF, "auslaender-a", SEAL, T0)
    assert open_one.number == NUMBER
    for stranger in (OTHER_LEAD, SWITCHBOARD):
        with pytest.raises(PermissionDenied):
            callbacks.open_requests(sessions, stranger, "auslaender-a", SEAL, T0)
    # The evaluation's view carries no number.
    (plain,) = callbacks.requests_between(sessions, T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert plain.number is None


def test_attempts_until_reached_then_done_and_number_erased(
    engine: Engine, sessions: Callable[[], AbstractContextManager[Session]]
) -> None:
    stored = callbacks.record_request(sessions, asked(), PSEUDONYMS, SEAL, 7)
    assert stored is not None
    first = callbacks.start_attempt(
        sessions, STAFF, stored.id, "101", SEAL, T0 + timedelta(hours=1)
    )
    assert (first.attempt, first.number) == (1, NUMBER)
    with pytest.raises(callbacks.CallbackNotPossible):  # one call at a time
        callbacks.start_attempt(sessions, STAFF, stored.id, "101", SEAL, T0 + timedelta(hours=1))
    at = T0 + timedelta(hours=1, seconds=20)
    assert callbacks.finish_attempt(sessions, stored.id, 1, AttemptOutcome.BUSY, at)
    assert not callbacks.finish_attempt(sessions, stored.id, 1, AttemptOutcome.REACHED, at)
    second = callbacks.start_attempt(
        sessions, STAFF, stored.id, "101", SEAL, T0 + timedelta(hours=2)
    )
    assert second.attempt == 2
    reached = T0 + timedelta(hours=2, seconds=30)
    assert callbacks.finish_attempt(sessions, stored.id, 2, AttemptOutcome.REACHED, reached)
    assert callbacks.open_requests(sessions, STAFF, "auslaender-a", SEAL, reached) == []
    (done,) = callbacks.requests_between(sessions, T0, T0 + timedelta(days=1))
    assert done.status is CallbackStatus.DONE
    assert [a.outcome for a in done.attempts] == [AttemptOutcome.BUSY, AttemptOutcome.REACHED]
    assert done.fulfilled_at() == reached
    with session_scope(engine) as session:
        assert session.scalars(select(CallbackRequestRow.number_sealed)).one() is None
        audit = session.scalars(select(AuditRow).where(AuditRow.entity == "callback_request"))
        entries = list(audit)
        assert [e.action for e in entries] == [
            "callback_call",
            "callback_outcome",
            "callback_call",
            "callback_outcome",
        ]
        assert all(NUMBER[1:] not in repr(e.after) for e in entries)


def test_an_attempt_without_outcome_goes_stale_and_may_be_retried(
    sessions: Callable[[], AbstractContextManager[Session]],
) -> None:
    stored = callbacks.record_request(sessions, asked(), PSEUDONYMS, SEAL, 7)
    assert stored is not None
    callbacks.start_attempt(sessions, STAFF, stored.id, "101", SEAL, T0)
    with pytest.raises(callbacks.CallbackNotPossible):
        callbacks.start_attempt(sessions, STAFF, stored.id, "101", SEAL, T0 + timedelta(minutes=4))
    again = callbacks.start_attempt(
        sessions, STAFF, stored.id, "101", SEAL, T0 + timedelta(minutes=5)
    )
    assert again.attempt == 2
    (request,) = callbacks.requests_between(
        sessions, T0 - timedelta(days=1), T0 + timedelta(days=1)
    )
    assert [a.outcome for a in request.attempts] == [AttemptOutcome.FAILED, None]


def test_requests_expire_after_the_configured_days(
    engine: Engine, sessions: Callable[[], AbstractContextManager[Session]]
) -> None:
    stored = callbacks.record_request(sessions, asked(), PSEUDONYMS, SEAL, 2)
    assert stored is not None
    assert callbacks.expire_requests(sessions, T0 + timedelta(days=2) - timedelta(seconds=1)) == 0
    assert callbacks.expire_requests(sessions, T0 + timedelta(days=2)) == 1
    with session_scope(engine) as session:
        row = session.scalars(select(CallbackRequestRow)).one()
        assert (row.status, row.number_sealed) == ("expired", None)
    with pytest.raises(callbacks.CallbackNotPossible):
        callbacks.start_attempt(sessions, STAFF, stored.id, "101", SEAL, T0 + timedelta(days=3))


def test_no_number_no_request(sessions: Callable[[], AbstractContextManager[Session]]) -> None:
    event = CallbackAsked("x.1", "x.2", T0, "auslaender-a", "06151921", None)
    assert callbacks.record_request(sessions, event, PSEUDONYMS, SEAL, 7) is None
