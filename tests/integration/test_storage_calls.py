"""CallRecordRepository on SQLite and PostgreSQL: idempotent, all-or-nothing batches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import Reason, State
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import session_scope
from callcenter.storage.errors import NotFound, RejectedRecords
from callcenter.storage.models import CallRecordRow

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=BERLIN)


def _record(n: int, **changes: object) -> CallRecord:
    started = T0 + timedelta(minutes=7 * n)
    record = CallRecord(
        linked_id=f"1772438405.{n}",
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=f"pseudo-{n:04d}",
        started=started,
        outcome=Outcome.ANSWERED,
        state_at_arrival=State.OPEN,
        reason_at_arrival=None,
        source=DecisionSource.LIVE,
        in_hours=True,
        answered=started + timedelta(seconds=42.5),
        ended=started + timedelta(minutes=3),
        wait_seconds=42.5,
        talk_seconds=137.5,
        answered_by="member-7",
        pilot=True,
        complete=True,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def _count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return CallRecordRepository(session).count()


def test_a_batch_sent_twice_is_stored_once(engine: Engine) -> None:
    batch = [_record(n) for n in range(5)]
    with session_scope(engine) as session:
        assert CallRecordRepository(session).add_many(batch) == 5
    with session_scope(engine) as session:
        repository = CallRecordRepository(session)
        assert repository.add_many(batch) == 0
        assert repository.count() == 5


def test_only_new_records_are_counted(engine: Engine) -> None:
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many([_record(1), _record(2)])
    with session_scope(engine) as session:
        # A resent record with different content is still the same call: not overwritten.
        resent = _record(2, outcome=Outcome.ABANDONED)
        assert (
            CallRecordRepository(session, batch_size=2).add_many(
                [_record(1), resent, _record(3), _record(4)]
            )
            == 2
        )
    with session_scope(engine) as session:
        repository = CallRecordRepository(session)
        assert repository.count() == 4
        assert repository.get(_record(2).linked_id).outcome == Outcome.ANSWERED


def test_duplicates_inside_one_batch_are_stored_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert CallRecordRepository(session).add_many([_record(1), _record(1), _record(2)]) == 2
    assert _count(engine) == 2


def test_empty_batch(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert CallRecordRepository(session).add_many([]) == 0
    assert _count(engine) == 0


def test_any_tells_an_empty_table_from_one_with_a_call(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert not CallRecordRepository(session).any()
        CallRecordRepository(session).add_many([_record(1)])
    with session_scope(engine) as session:
        assert CallRecordRepository(session).any()


def test_a_batch_with_one_bad_record_writes_nothing(engine: Engine) -> None:
    # The bad record is the last of three chunks, so two chunks were already sent.
    batch = [_record(n) for n in range(5)] + [_record(5, wait_seconds=-1.0)]
    with session_scope(engine) as session:
        repository = CallRecordRepository(session, batch_size=2)
        with pytest.raises(RejectedRecords) as raised:
            repository.add_many(batch)
        assert "6 Anrufdatensätze nicht gespeichert" in str(raised.value)
        assert "wait_seconds" in str(raised.value)
        assert repository.count() == 0
        # The caller's transaction survives the refusal: a good batch still goes in.
        assert repository.add_many(batch[:2]) == 2
    assert _count(engine) == 2


def test_a_record_with_an_unknown_outcome_is_refused(engine: Engine) -> None:
    bad = _record(2, outcome="exploded")
    with session_scope(engine) as session, pytest.raises(RejectedRecords, match="outcome"):
        CallRecordRepository(session).add_many([_record(1), bad])
    assert _count(engine) == 0


def test_records_come_back_equal_with_aware_utc_times(engine: Engine) -> None:
    original = _record(1)
    partial = _record(
        2,
        line_kind=LineKind.DIRECT_LINE,
        dialled="0615110123",
        outcome=Outcome.ANNOUNCEMENT_HANGUP,
        state_at_arrival=State.CLOSED,
        reason_at_arrival=Reason.CLOSURE,
        source=DecisionSource.FALLBACK,
        in_hours=None,
        answered=None,
        ended=None,
        wait_seconds=None,
        talk_seconds=None,
        answered_by=None,
        pilot=False,
        complete=False,
    )
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many([original, partial])
    with session_scope(engine) as session:
        repository = CallRecordRepository(session)
        loaded, loaded_partial = (
            repository.get(original.linked_id),
            repository.get(partial.linked_id),
        )
    assert loaded == original
    assert loaded_partial == partial
    for value in (loaded.started, loaded.answered, loaded.ended):
        assert value is not None
        assert value.utcoffset() == timedelta(0)
    assert loaded.started == datetime(2026, 3, 2, 8, 7, 5, 123456, tzinfo=UTC)
    assert loaded.outcome is Outcome.ANSWERED
    assert loaded_partial.reason_at_arrival is Reason.CLOSURE


def test_started_orders_by_instant_whatever_the_offset(engine: Engine) -> None:
    # 10:00+02:00 is 08:00Z, before 09:00Z: stored text must compare as instants do.
    early = _record(1, started=datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    late = _record(2, started=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many([late, early])
    with session_scope(engine) as session:
        ordered = session.scalars(select(CallRecordRow.linked_id).order_by(CallRecordRow.started))
        assert list(ordered) == [early.linked_id, late.linked_id]
        window = select(CallRecordRow.linked_id).where(
            CallRecordRow.started < datetime(2026, 7, 1, 10, 30, tzinfo=BERLIN)
        )
        assert list(session.scalars(window)) == [early.linked_id]


def test_unknown_linked_id(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(NotFound) as raised:
        CallRecordRepository(session).get("nope.1")
    assert str(raised.value) == "Anruf „nope.1“ ist nicht gespeichert"
    assert raised.value.en == "call 'nope.1' is not stored"


def test_add_single_record(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository = CallRecordRepository(session)
        assert repository.add(_record(1)) is True
        assert repository.add(_record(1)) is False
    assert _count(engine) == 1
