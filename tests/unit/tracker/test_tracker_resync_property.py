"""Property: across a reconnect gap every call is recorded at most once, and exactly once
when the tracker saw it routed or the PBX's list showed it routed; nothing stays in memory.

Random overlapping calls; the events of a random time span are lost; after it the tracker
asks for the list (`begin_resync`), the PBX takes it a few events later, and the tracker
applies it a few events after that (`resync`), as the service does with its stream marks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tracker_script import PSEUDONYMS, QUEUE, T0, TEAM, Script

from callcenter.domain.calls import LineKind
from callcenter.domain.pbx_events import (
    CallHoursDecided,
    CallSnapshot,
    CallStage,
    ChannelCreated,
    ChannelHungUp,
    PbxEvent,
)
from callcenter.domain.tracker import CallTracker

Kind = tuple[CallStage, Callable[[Script, float, float], Script]]
KINDS: list[Kind] = [
    (CallStage.QUEUED, lambda s, a, b: s.answered_in_queue(hold=a, talk=b)),
    (CallStage.QUEUED, lambda s, a, b: s.caller_abandons(after=a)),
    (CallStage.QUEUED, lambda s, a, b: s.queue_times_out(after=a + b)),
    (CallStage.ANNOUNCEMENT, lambda s, a, b: s.announcement(length=a + b)),
    (CallStage.ANNOUNCEMENT, lambda s, a, b: s.announcement(length=a + b, caller_hangs_up=a)),
    (CallStage.DIALLING, lambda s, a, b: s.direct("NOANSWER", ring=a)),
    (CallStage.DIALLING, lambda s, a, b: s.direct("CANCEL", ring=a)),
]


@dataclass
class Scenario:
    stages: dict[str, CallStage]
    scripts: dict[str, Script]
    stream: list[PbxEvent]  # every event the PBX sent, in wire order
    lost: set[int]  # indexes sent while the connection was down
    ask: int  # begin_resync before this index
    taken: int  # the list shows the PBX after the events before this index
    applied: int  # resync before this index


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    stages: dict[str, CallStage] = {}
    scripts: dict[str, Script] = {}
    tagged: list[tuple[float, int, int, PbxEvent]] = []
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        stage, build = draw(st.sampled_from(KINDS))
        start = T0 + timedelta(seconds=draw(st.floats(0, 120, allow_nan=False)))
        first = draw(st.floats(0.5, 60, allow_nan=False))
        second = draw(st.floats(0.5, 120, allow_nan=False))
        linked_id = f"1795{number}.0"
        script = build(Script(linked_id, start=start), first, second)
        stages[linked_id], scripts[linked_id] = stage, script
        for order, event in enumerate(script.events):
            tagged.append((event.at.timestamp(), number, order, event))
    tagged.sort(key=lambda item: item[:3])
    stream = [item[3] for item in tagged]
    size = len(stream)
    gap_start = draw(st.integers(0, size))
    gap_end = draw(st.integers(gap_start, size))
    ask = draw(st.integers(gap_end, size))
    taken = draw(st.integers(ask, size))
    applied = draw(st.integers(taken, size))
    return Scenario(stages, scripts, stream, set(range(gap_start, gap_end)), ask, taken, applied)


def channel_list(scenario: Scenario) -> list[CallSnapshot]:
    """What CoreShowChannels answers after the first `taken` events."""
    up: dict[str, set[str]] = {}
    routed: set[str] = set()
    for event in scenario.stream[: scenario.taken]:
        if isinstance(event, ChannelCreated):
            up.setdefault(event.linked_id, set()).add(event.unique_id)
        elif isinstance(event, ChannelHungUp):
            up.get(event.linked_id, set()).discard(event.unique_id)
        elif isinstance(event, CallHoursDecided):
            routed.add(event.linked_id)
    snapshots = []
    for linked_id, channels in up.items():
        if not channels:
            continue
        script = scenario.scripts[linked_id]
        stage = scenario.stages[linked_id] if linked_id in routed else CallStage.UNROUTED
        snapshots.append(
            CallSnapshot(
                linked_id,
                script.start,
                frozenset(channels),
                stage=stage,
                inbound=script.inbound,
                queue=QUEUE if stage is CallStage.QUEUED else None,
                team=TEAM if stage is not CallStage.UNROUTED else None,
                line_kind=LineKind.DIRECT_LINE
                if stage is CallStage.DIALLING
                else LineKind.TEAM_LINE,
                caller_number=script.caller,
            )
        )
    return snapshots


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_every_call_once_across_a_gap(scenario: Scenario) -> None:
    tracker = CallTracker(PSEUDONYMS)
    snapshots = channel_list(scenario)
    records = []
    fed: list[PbxEvent] = []
    now = scenario.stream[scenario.taken - 1].at if scenario.taken else T0
    for index in range(len(scenario.stream) + 1):
        if index == scenario.ask:
            tracker.begin_resync()
        if index == scenario.applied:
            records.extend(tracker.resync(snapshots, now))
        if index < len(scenario.stream) and index not in scenario.lost:
            fed.append(scenario.stream[index])
            records.extend(tracker.feed(scenario.stream[index]))

    counts = Counter(record.linked_id for record in records)
    assert all(count == 1 for count in counts.values()), counts
    assert tracker.open_count == 0

    fed_ids = {id(event) for event in fed}
    listed_routed = {s.linked_id for s in snapshots if s.stage is not CallStage.UNROUTED}
    for linked_id, script in scenario.scripts.items():
        first, *_ = script.events
        decided = [e for e in script.events if isinstance(e, CallHoursDecided)]
        seen_routed = id(first) in fed_ids and any(id(e) in fed_ids for e in decided)
        if seen_routed or linked_id in listed_routed:
            assert counts[linked_id] == 1, linked_id
    for record in records:
        if record.complete:
            script = scenario.scripts[record.linked_id]
            inbound_end = next(
                e.at
                for e in script.events
                if isinstance(e, ChannelHungUp) and e.unique_id == script.inbound
            )
            assert record.started == script.start, "complete with a wrong start"
            assert record.ended == inbound_end, "complete with a wrong end"
