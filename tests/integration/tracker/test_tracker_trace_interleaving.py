"""Property over the real recordings: interleaving their calls changes no record.

Every call of every trace (55 calls, each with its own linked id) is a stream of tracker
events in recorded order. Any interleaving of several streams that keeps each call's
order must give the records of replaying each call alone.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from recordings import AWAITING

from callcenter.domain.calls import CallRecord
from callcenter.domain.pbx_events import PbxEvent

from .trace_support import TRACE_DIR, events_of, new_tracker


def _streams() -> list[list[PbxEvent]]:
    by_call: dict[str, list[PbxEvent]] = defaultdict(list)
    for path in sorted(TRACE_DIR.glob("*.ami")):
        if path.stem in AWAITING:
            continue
        for event in events_of(path.stem):
            by_call[event.linked_id].append(event)
    return list(by_call.values())


STREAMS = _streams()


def replay(events: list[PbxEvent]) -> dict[str, CallRecord]:
    tracker = new_tracker()
    records = tracker.feed_all(events)
    assert tracker.open_count == 0
    return {record.linked_id: record for record in records}


ALONE = {linked_id: record for s in STREAMS for linked_id, record in replay(s).items()}


@st.composite
def interleavings(draw: st.DrawFn) -> tuple[list[int], list[PbxEvent]]:
    chosen = draw(st.lists(st.integers(0, len(STREAMS) - 1), min_size=2, max_size=6, unique=True))
    slots = [index for index in chosen for _ in STREAMS[index]]
    order = draw(st.permutations(slots))
    positions = dict.fromkeys(chosen, 0)
    merged = []
    for index in order:
        merged.append(STREAMS[index][positions[index]])
        positions[index] += 1
    return chosen, merged


def test_the_recordings_have_one_record_per_call() -> None:
    # 001-013 and 016: one call each; 014: 20; 015: 2 direct calls; 017 and 018: 8 each;
    # 024: the overflowed call.
    assert len(ALONE) == 14 + 20 + 2 + 8 + 8 + 1
    # No `CallHours` decision (their dialplans skipped the routing): 019's three calls,
    # 020's three, 021's two, 023's and 023b's two each, and the callback legs of 022 (9)
    # and 022b (1).
    assert len(STREAMS) == len(ALONE) + 3 + 3 + 2 + 2 + 2 + 9 + 1


@settings(max_examples=60, deadline=None)
@given(interleavings())
def test_interleaved_recordings_give_the_same_records(
    case: tuple[list[int], list[PbxEvent]],
) -> None:
    chosen, merged = case
    expected = {}
    for index in chosen:
        expected.update(replay(STREAMS[index]))
    assert replay(merged) == expected
