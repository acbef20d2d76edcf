"""Property: the tracker's records do not depend on how concurrent calls interleave.

Events of different calls arrive mixed on one AMI connection; only each call's own order
is guaranteed. Replaying random interleavings must give exactly the records of replaying
the calls one by one. (The same property over the real traces' calls is in
tests/integration/tracker.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from tracker_script import PSEUDONYMS, T0, Script

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord
from callcenter.domain.pbx_events import PbxEvent
from callcenter.domain.schedule import Office, Team, windows_from_spec
from callcenter.domain.tracker import CallTracker

OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    {},
    (Team("auslaender-a", "A", windows=windows_from_spec("Mo-Do 09:00-12:00")),),
)

KINDS: list[Callable[[Script, float, float], Script]] = [
    lambda s, a, b: s.answered_in_queue(hold=a, talk=b),
    lambda s, a, b: s.caller_abandons(after=a),
    lambda s, a, b: s.queue_times_out(after=a + b),
    lambda s, a, b: s.announcement(length=a + b),
    lambda s, a, b: s.announcement(length=a + b, caller_hangs_up=a),
    lambda s, a, b: s.direct("BUSY", ring=a),
    lambda s, a, b: s.direct("NOANSWER", ring=a),
    lambda s, a, b: s.direct("CANCEL", ring=a),
]


@st.composite
def calls(draw: st.DrawFn) -> list[list[PbxEvent]]:
    count = draw(st.integers(min_value=2, max_value=8))
    streams = []
    for number in range(count):
        kind = draw(st.sampled_from(KINDS))
        # Overlapping calls, some of them across the 12:00 boundary of the call hours.
        start = T0 + timedelta(seconds=draw(st.floats(0, 6 * 3600, allow_nan=False)))
        first = draw(st.floats(0.5, 60, allow_nan=False))
        second = draw(st.floats(0.5, 600, allow_nan=False))
        streams.append(kind(Script(f"17952507{number}.0", start=start), first, second).events)
    return streams


@st.composite
def interleaved(draw: st.DrawFn) -> tuple[list[list[PbxEvent]], list[PbxEvent]]:
    streams = draw(calls())
    slots = [index for index, stream in enumerate(streams) for _ in stream]
    order = draw(st.permutations(slots))
    positions = [0] * len(streams)
    merged = []
    for index in order:
        merged.append(streams[index][positions[index]])
        positions[index] += 1
    return streams, merged


def replay(events: list[PbxEvent]) -> dict[str, CallRecord]:
    tracker = CallTracker(PSEUDONYMS, OfficeCalendar(OFFICE))
    records = tracker.feed_all(events)
    assert tracker.open_count == 0
    by_call = {record.linked_id: record for record in records}
    assert len(by_call) == len(records), "one record per call"
    return by_call


@settings(max_examples=200, deadline=None)
@given(interleaved())
def test_interleaving_does_not_change_the_records(
    case: tuple[list[list[PbxEvent]], list[PbxEvent]],
) -> None:
    streams, merged = case
    one_by_one: dict[str, CallRecord] = {}
    for stream in streams:
        one_by_one.update(replay(stream))
    assert len(one_by_one) == len(streams)
    assert replay(merged) == one_by_one
