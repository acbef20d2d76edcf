"""The Originate correlator on recordings 022/022b: each callback's outcome as README-v3 says.

The recordings' ActionIDs (`cb-answer`, ...) stand for attempts the service sent; the
customer-first originates of 022 part B (`cust-*`) were sent by somebody else here: their
responses are foreign and must change nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from recordings import ASTERISK22

from callcenter.domain.callbacks import AttemptOutcome, action_id, dial_outcome, parse_action_id
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.originate import OriginateCorrelator

RECEIVED = datetime(2000, 1, 1, tzinfo=UTC)

# README-v3 §022 part A and §022b: the customer outcome per agent-first originate.
EXPECTED = {
    "022_callback_originate": {
        "cb-answer": AttemptOutcome.REACHED,
        "cb-busy": AttemptOutcome.BUSY,
        "cb-noanswer": AttemptOutcome.NO_ANSWER,  # CANCEL: the agent hung up first
        "cb-congestion": AttemptOutcome.FAILED,
        "cb-slowagent": AttemptOutcome.STAFF_UNREACHED,  # Failure Reason 3
    },
    "022b_callback_noanswer_long_agent": {"cb-noanswer-long": AttemptOutcome.NO_ANSWER},
}


def events(name: str) -> list[AmiEvent]:
    parser = FrameParser()
    raw = (ASTERISK22 / "traces" / f"{name}.ami").read_bytes()
    return [m for m in parser.feed(raw) if isinstance(m, AmiEvent)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_callback_gets_the_recorded_outcome(name: str) -> None:
    correlator = OriginateCorrelator()
    keys = {action: (index, 1) for index, action in enumerate(EXPECTED[name], start=1)}
    for action, key in keys.items():
        correlator.expect(action, key)
    results = [r for e in events(name) if (r := correlator.feed(e, RECEIVED)) is not None]
    got = {r.key: r.outcome for r in results}
    assert got == {keys[a]: outcome for a, outcome in EXPECTED[name].items()}
    assert len(results) == len(keys)  # once each
    assert correlator.pending == 0
    assert all(r.at.year == 2026 for r in results)  # the PBX's own timestamps


def test_foreign_action_ids_change_nothing() -> None:
    correlator = OriginateCorrelator()
    correlator.expect("cb-9-1", (9, 1))  # ours, never answered in this recording
    results = [correlator.feed(e, RECEIVED) for e in events("022_callback_originate")]
    assert [r for r in results if r is not None] == []
    assert correlator.pending == 1


def test_action_ids_round_trip_and_strangers_are_refused() -> None:
    assert parse_action_id(action_id(12, 3)) == (12, 3)
    assert parse_action_id("cb-answer") is None
    assert parse_action_id("orig-wait") is None
    assert parse_action_id(None) is None


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("ANSWER", AttemptOutcome.REACHED),
        ("BUSY", AttemptOutcome.BUSY),
        ("NOANSWER", AttemptOutcome.NO_ANSWER),
        ("CANCEL", AttemptOutcome.NO_ANSWER),
        ("CONGESTION", AttemptOutcome.FAILED),
        ("CHANUNAVAIL", AttemptOutcome.FAILED),
    ],
)
def test_dial_status_to_outcome(status: str, outcome: AttemptOutcome) -> None:
    assert dial_outcome(status) is outcome
