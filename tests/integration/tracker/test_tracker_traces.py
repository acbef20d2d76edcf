"""Every real Asterisk 22 trace gives exactly the call record(s) its README table says.

Expected values are transcribed from tests/fixtures/asterisk22/README.md ("Summary table" and the
per-trace notes) and summaries/014_burst_outcomes.txt, never from the tracker's output.

Tolerance rule for wait and talk: the tracker measures from the events' `Timestamp:`
headers (microseconds), the README gives two kinds of numbers:

* Asterisk's whole seconds (HoldTime, TalkTime, RingTime, Cdr billsec): app_queue and
  the CDR engine subtract `time()` readings, so the true duration lies within 1 s of the
  reported one (README, surprise 10): tolerance 1 s per such number;
* durations measured from trace timestamps, given to two decimals (announcements):
  tolerance 0.01 s (rounding plus the microseconds between the events involved).

A sum (switchboard part + team part) gets the sum of its parts' tolerances. A README "0"
(no talk) is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

import pytest
from recordings import AWAITING

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.pbx_events import QueueStatusSet
from callcenter.domain.schedule import Reason, State

from .test_tracker_callers import CALLER_RECORDINGS
from .trace_support import PSEUDONYMS, SUMMARY_DIR, TEAM, events_of, trace_path, track

TEAM_LINE = "06151100"
AGENT_101 = "Local/101@agents"  # queues.conf: member "Agent 101"; also Dial target of 0615110 01
AGENT_102 = "Local/102@agents"  # the direct line 061511002 in 015 (not the slow queue member)

Seconds = tuple[tuple[float, float], ...]  # (value, tolerance) summands


def whole(*values: int) -> Seconds:
    return tuple((float(v), 1.0) for v in values)


def measured(*values: float) -> Seconds:
    return tuple((v, 0.01) for v in values)


NONE: Seconds = ((0.0, 0.0),)


@dataclass(frozen=True)
class Expected:
    caller: str  # Originate CallerID of the scenario (README "Caller emulation")
    outcome: Outcome
    wait: Seconds
    talk: Seconds = NONE
    line_kind: LineKind = LineKind.TEAM_LINE
    dialled: str = TEAM_LINE
    state: State = State.OPEN
    reason: Reason | None = None
    source: DecisionSource = DecisionSource.LIVE
    answered_by: str | None = None


CLOSED: dict[str, Any] = {"state": State.CLOSED, "reason": Reason.HOURS}
DIRECT: dict[str, Any] = {"line_kind": LineKind.DIRECT_LINE, "dialled": "061511001"}
VIA_SWITCHBOARD: dict[str, Any] = {"line_kind": LineKind.SWITCHBOARD}

TABLE: dict[str, list[Expected]] = {
    "001_team_open_answered": [
        Expected("01701234501", Outcome.ANSWERED, whole(2), whole(5), answered_by=AGENT_101)
    ],
    "002_team_open_abandon_8s": [Expected("01701234502", Outcome.ABANDONED, whole(8))],
    "003_team_open_queue_timeout": [Expected("01701234503", Outcome.TIMEOUT, whole(30))],
    "004_team_closed_hours_full": [
        Expected("01701234504", Outcome.ANNOUNCEMENT, measured(14.68), **CLOSED)
    ],
    "005_team_closed_hours_hangup_2s": [
        Expected("01701234505", Outcome.ANNOUNCEMENT_HANGUP, measured(2.01), **CLOSED)
    ],
    "006_team_closed_holiday": [
        Expected(
            "01701234506",
            Outcome.ANNOUNCEMENT,
            measured(11.59),
            state=State.CLOSED,
            reason=Reason.HOLIDAY,
        )
    ],
    "007_team_closed_closure": [
        Expected(
            "01701234507",
            Outcome.ANNOUNCEMENT,
            measured(11.16),
            state=State.CLOSED,
            reason=Reason.CLOSURE,
        )
    ],
    "008_direct_closed_hours": [
        Expected("01701234508", Outcome.ANNOUNCEMENT, measured(14.68), **CLOSED, **DIRECT)
    ],
    "009_direct_open_answered": [
        Expected(
            "01701234509", Outcome.ANSWERED, whole(2), whole(5), answered_by=AGENT_101, **DIRECT
        )
    ],
    "010_heartbeat_stale_fallback": [
        Expected(
            "01701234510",
            Outcome.ANNOUNCEMENT,
            measured(14.68),
            source=DecisionSource.FALLBACK,
            **CLOSED,
        )
    ],
    "011_heartbeat_missing_fallback": [
        Expected(
            "01701234511",
            Outcome.ANNOUNCEMENT,
            measured(14.68),
            source=DecisionSource.FALLBACK,
            **CLOSED,
        )
    ],
    # One record per call: "transferred, then answered" is the switchboard line kind plus
    # the team's outcome; wait and talk count both parts (zentrale 1 + team 2, operator 2
    # + agent 6).
    "012_switchboard_transfer_open": [
        Expected(
            "01701234512",
            Outcome.ANSWERED,
            whole(1, 2),
            whole(2, 6),
            answered_by=AGENT_101,
            **VIA_SWITCHBOARD,
        )
    ],
    "013_switchboard_transfer_closed": [
        Expected(
            "01701234513",
            Outcome.ANNOUNCEMENT,
            whole(1) + measured(14.67),
            whole(2),
            **CLOSED,
            **VIA_SWITCHBOARD,
        )
    ],
    "015_actions_only": [
        Expected(
            "01701234515", Outcome.ANSWERED, whole(2), whole(5), answered_by=AGENT_101, **DIRECT
        ),
        Expected(
            "01701234615",
            Outcome.ANSWERED,
            whole(2),
            whole(5),
            answered_by=AGENT_102,
            line_kind=LineKind.DIRECT_LINE,
            dialled="061511002",
        ),
    ],
    # As 012 (README 16). The zentrale's own TalkTime=10 is wrong (it includes the team
    # part); the operator talked from its AgentConnect (1.81 s) to the Redirect (3.81 s).
    "016_switchboard_redirect_open": [
        Expected(
            "01701234516",
            Outcome.ANSWERED,
            whole(1, 2),
            whole(2, 6),
            answered_by=AGENT_101,
            **VIA_SWITCHBOARD,
        )
    ],
}


def three_views(prefix: str) -> list[Expected]:
    """017/018: the eight calls c1-c8 of README-v3's table (numbers 0170200000N); waits and
    talks from queue_log (HoldTime/TalkTime) or Master.csv (billsec), whole seconds."""
    direct = {"line_kind": LineKind.DIRECT_LINE, "dialled": "061511001"}
    return [
        Expected(f"{prefix}1", Outcome.ANSWERED, whole(2), whole(5), answered_by=AGENT_101),
        Expected(f"{prefix}2", Outcome.ABANDONED, whole(8)),
        Expected(f"{prefix}3", Outcome.TIMEOUT, whole(30)),
        Expected(
            f"{prefix}4", Outcome.ANSWERED, whole(2), whole(5), answered_by=AGENT_101, **direct
        ),
        Expected(
            f"{prefix}5",
            Outcome.NO_ANSWER,
            whole(20),
            line_kind=LineKind.DIRECT_LINE,
            dialled="061511109",
        ),
        # Zentrale hold 1 + team hold 2; operator talk 2 (BLINDTRANSFER) + agent talk 6.
        Expected(
            f"{prefix}6",
            Outcome.ANSWERED,
            whole(1, 2),
            whole(2, 6),
            answered_by=AGENT_101,
            **VIA_SWITCHBOARD,
        ),
        Expected(f"{prefix}7", Outcome.ABANDONED, whole(1), **direct),
        Expected(f"{prefix}8", Outcome.ANSWERED, whole(2), whole(3), answered_by=AGENT_101),
    ]


# README-v3: the same eight calls once with the base cdr.conf, once with newcdrcolumns.
TABLE["017_three_views_cdr_base"] = three_views("0170200000")
TABLE["018_three_views_cdr_newcols_unanswered"] = three_views("0170200000")
BURST = "014_burst_20_team_open"
NO_CALLS = "015_actions_only.badlogin"
# 019/019b (a restart mid-call) are replayed in test_tracker_restart.py.
RESTART = ("019_restart_midcall", "019b_restart_midcall_new_connection")


def burst_table() -> list[Expected]:
    """summaries/014_burst_outcomes.txt, one Expected per caller."""
    rows = []
    outcomes = {
        "answered": Outcome.ANSWERED,
        "abandoned": Outcome.ABANDONED,
        "timeout": Outcome.TIMEOUT,
    }
    lines = (SUMMARY_DIR / "014_burst_outcomes.txt").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        if not line.startswith("0"):
            continue
        caller, _uniqueid, _join, _pos, outcome, hold, talk, *_ = line.split()
        rows.append(
            Expected(
                caller,
                outcomes[outcome],
                whole(int(hold)),
                NONE if talk == "-" else whole(int(talk)),
                answered_by=AGENT_101 if outcome == "answered" else None,
            )
        )
    return rows


def first_newchannel_stamps(name: str) -> dict[str, datetime]:
    """Linkedid -> Timestamp of its first Newchannel, read naively from the raw bytes."""
    stamps: dict[str, datetime] = {}
    for frame in trace_path(name).read_bytes().decode("utf-8").split("\r\n\r\n"):
        if frame.startswith("Event: Newchannel\r\n"):
            linked = re.search(r"\r\nLinkedid: (\S+)", frame)
            stamp = re.search(r"\r\nTimestamp: (\S+)", frame)
            assert linked
            assert stamp
            stamps.setdefault(linked.group(1), datetime.fromtimestamp(float(stamp.group(1)), UTC))
    return stamps


def within(got: float | None, expected: Seconds) -> bool:
    assert got is not None
    value = sum(v for v, _ in expected)
    tolerance = sum(t for _, t in expected)
    return abs(got - value) <= tolerance


def check(record: CallRecord, expected: Expected, started: datetime) -> None:
    assert record.team == TEAM
    assert record.caller == PSEUDONYMS.caller(expected.caller)
    assert record.outcome is expected.outcome
    assert record.line_kind is expected.line_kind
    assert record.dialled == expected.dialled
    assert (record.state_at_arrival, record.reason_at_arrival) == (expected.state, expected.reason)
    assert record.source is expected.source
    assert within(record.wait_seconds, expected.wait), (record.wait_seconds, expected.wait)
    assert within(record.talk_seconds, expected.talk), (record.talk_seconds, expected.talk)
    expected_member = (
        None if expected.answered_by is None else PSEUDONYMS.member(expected.answered_by)
    )
    assert record.answered_by == expected_member
    assert (record.answered is not None) == (expected.outcome is Outcome.ANSWERED)
    # Recorded on a Saturday: outside the call hours, so every forced "open" disagrees.
    assert record.in_hours is False
    assert record.decision_disagrees == (expected.state is State.OPEN)
    assert record.pilot is True
    assert record.complete
    assert record.started == started
    assert record.ended is not None
    assert record.started <= (record.answered or record.started) <= record.ended
    assert record.wait_seconds is not None
    assert record.talk_seconds is not None
    # The call is always either waiting or talking until the team leg ends.
    elapsed = (record.ended - record.started).total_seconds()
    assert record.wait_seconds + record.talk_seconds <= elapsed + 1e-3
    no_raw_number(record, expected.caller)


def no_raw_number(record: CallRecord, number: str) -> None:
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            assert number not in value, field.name
            assert number[1:] not in value, field.name  # without the trunk prefix


def test_every_trace_is_covered() -> None:
    names = {path.stem for path in trace_path("x").parent.glob("*.ami")}
    assert names == {*TABLE, BURST, NO_CALLS, *RESTART, *CALLER_RECORDINGS, *AWAITING}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_trace_gives_the_readme_record(name: str) -> None:
    records = track(events_of(name))
    stamps = first_newchannel_stamps(name)
    assert len(records) == len(TABLE[name]) == len(stamps)
    by_caller = {record.caller: record for record in records}
    for expected in TABLE[name]:
        record = by_caller[PSEUDONYMS.caller(expected.caller)]
        check(record, expected, stamps[record.linked_id])


def test_burst_matches_the_outcome_table_caller_by_caller() -> None:
    records = track(events_of(BURST))
    table = burst_table()
    stamps = first_newchannel_stamps(BURST)
    assert len(table) == 20
    assert len(records) == 20
    by_caller = {record.caller: record for record in records}
    for expected in table:
        record = by_caller[PSEUDONYMS.caller(expected.caller)]
        check(record, expected, stamps[record.linked_id])
    counts = {o: sum(r.outcome is o for r in records) for o in Outcome}
    assert (counts[Outcome.ANSWERED], counts[Outcome.ABANDONED], counts[Outcome.TIMEOUT]) == (
        3,
        10,
        7,
    )


def test_refused_login_has_no_calls() -> None:
    assert track(events_of(NO_CALLS)) == []


@pytest.mark.parametrize("name", [*sorted(TABLE), BURST])
def test_same_records_without_queuestatus(name: str) -> None:
    # Event filters or an older dialplan may drop VarSet; timeouts must still be timeouts
    # (README surprise 1: without it, who hung up first tells them from abandons).
    events = events_of(name)
    assert track([e for e in events if not isinstance(e, QueueStatusSet)]) == track(events)


@pytest.mark.parametrize("chunk", [1, 7, 1500])
def test_records_do_not_depend_on_how_bytes_arrive(chunk: int) -> None:
    assert track(events_of(BURST, chunk_size=chunk)) == track(events_of(BURST))
