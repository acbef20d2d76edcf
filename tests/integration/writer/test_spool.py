"""The spool file: lossless lines, fsync'd appends, order-keeping replay, crash repair."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import Reason, State
from callcenter.storage.spool import (
    RejectedFile,
    Spool,
    SpoolFormatError,
    decode_record,
    encode_record,
    parse_line,
    record_line,
)

from .conftest import BERLIN, make_record


class Outage(Exception):
    pass


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    spool = Spool(tmp_path / "spool.jsonl", RejectedFile(tmp_path / "spool.jsonl.rejected"))
    spool.open()
    return spool


def test_a_record_survives_the_round_trip_exactly() -> None:
    # 02:30 on 25 Oct 2026 happens twice in Berlin; fold=1 is the second (CET) one.
    repeated_hour = datetime(2026, 10, 25, 2, 30, 0, 7, tzinfo=BERLIN, fold=1)
    record = CallRecord(
        linked_id="1772438405.77",
        team="zentrale",
        line_kind=LineKind.SWITCHBOARD,
        dialled="061511000",
        caller="pseudo-ä",
        started=repeated_hour,
        outcome=Outcome.ANNOUNCEMENT_HANGUP,
        state_at_arrival=State.CLOSED,
        reason_at_arrival=Reason.HOLIDAY,
        source=DecisionSource.FALLBACK,
        in_hours=False,
        answered=datetime(2026, 10, 25, 1, 31, tzinfo=UTC),
        ended=datetime(2026, 10, 25, 2, 32, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        wait_seconds=0.1 + 0.2,  # not exactly 0.3: floats must not be rounded
        talk_seconds=None,
        answered_by=None,
        pilot=True,
        complete=False,
    )
    decoded = parse_line(record_line(record))

    assert decoded == record
    for name in ("started", "answered", "ended"):
        # Equality of aware datetimes compares instants only; check offset and zone too.
        original, back = getattr(record, name), getattr(decoded, name)
        assert (back.utcoffset(), back.tzinfo, back.fold) == (
            original.utcoffset(),
            original.tzinfo,
            original.fold,
        )
    assert decoded.started + timedelta(days=1) == record.started + timedelta(days=1)
    assert type(decoded.outcome) is Outcome
    assert decoded.wait_seconds == 0.1 + 0.2


def test_every_field_is_encoded() -> None:
    record = make_record(1)
    assert set(encode_record(record)) == set(CallRecord.__dataclass_fields__)


@pytest.mark.parametrize(
    "encoded",
    [
        [],
        {"linked_id": "x", "bogus": 1},
        {**encode_record(make_record(1)), "outcome": "no-such-outcome"},
        {**encode_record(make_record(1)), "started": {"at": "2026-03-02T09:00:00", "zone": None}},
        {k: v for k, v in encode_record(make_record(1)).items() if k != "team"},
    ],
    ids=["not-an-object", "unknown-field", "unknown-enum", "naive-datetime", "missing-field"],
)
def test_what_is_not_a_record_is_refused(encoded: object) -> None:
    with pytest.raises(SpoolFormatError):
        decode_record(encoded)


def test_replay_keeps_order_and_drops_only_what_was_committed(spool: Spool) -> None:
    records = [make_record(n) for n in range(10)]
    spool.append(records[:4])
    spool.append(records[4:])
    seen: list[list[str]] = []

    def fails_on_third_chunk(chunk: list[CallRecord]) -> None:
        if len(seen) == 2:
            raise Outage
        seen.append([r.linked_id for r in chunk])

    with pytest.raises(Outage):
        spool.replay(fails_on_third_chunk, chunk_size=3)
    assert seen == [[r.linked_id for r in records[:3]], [r.linked_id for r in records[3:6]]]
    assert spool.depth == 4
    assert [parse_line(line) for line in spool.path.read_bytes().splitlines(True)] == records[6:]

    committed: list[CallRecord] = []
    result = spool.replay(committed.extend, chunk_size=3)
    assert committed == records[6:]
    assert (result.replayed, result.unreadable, spool.depth) == (4, 0, 0)
    assert spool.path.read_bytes() == b""


def test_a_crash_after_commit_before_the_rewrite_replays_again(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    first = Spool(path, RejectedFile(tmp_path / "rejected"))
    first.open()
    first.append([make_record(n) for n in range(5)])

    class Crash(BaseException):
        pass

    def crash_in_the_rewrite(offset: int, count: int) -> None:
        raise Crash  # the process dies after the database committed

    first._drop_through = crash_in_the_rewrite  # type: ignore[method-assign]
    with pytest.raises(Crash):
        first.replay(lambda chunk: None, chunk_size=2)

    again = Spool(path, RejectedFile(tmp_path / "rejected"))
    assert again.open() == 5  # nothing lost; the database skips the repeats by linked id


def test_an_unreadable_line_is_moved_aside_and_does_not_block(spool: Spool) -> None:
    spool.append([make_record(1)])
    with spool.path.open("ab") as handle:
        handle.write(b"this is not json\n")
    spool.append([make_record(2)])
    reopened = Spool(spool.path, spool.rejected)
    assert reopened.open() == 3

    replayed: list[CallRecord] = []
    result = reopened.replay(replayed.extend, chunk_size=10)
    assert replayed == [make_record(1), make_record(2)]
    assert (result.replayed, result.unreadable, reopened.depth) == (2, 1, 0)
    entry = json.loads(spool.rejected.path.read_text())
    assert entry["line"] == "this is not json"
    assert entry["reason"].startswith("unreadable spool line")


def test_open_repairs_a_torn_last_line(spool: Spool) -> None:
    spool.append([make_record(1), make_record(2)])
    whole = spool.path.read_bytes()
    spool.path.write_bytes(whole + record_line(make_record(3))[:40])

    reopened = Spool(spool.path, spool.rejected)
    assert reopened.open() == 2
    assert spool.path.read_bytes() == whole
    reopened.append([make_record(4)])  # appends after the repair start on a fresh line
    replayed: list[CallRecord] = []
    reopened.replay(replayed.extend, chunk_size=10)
    assert replayed == [make_record(1), make_record(2), make_record(4)]
    assert "torn" in json.loads(spool.rejected.path.read_text())["reason"]
