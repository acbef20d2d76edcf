"""Call tracker outcomes the traces do not show (busy, no answer, transfers away, gaps).

The trace-based tests (tests/integration/tracker) cover every recorded scenario; these
cover the remaining branches with synthetic calls shaped like the traces.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from tracker_script import KEY, MEMBER, PSEUDONYMS, T0, TEAM, Script

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.pbx_events import AgentCompleted, PbxEvent
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import Office, Pilot, Reason, State, Team, windows_from_spec
from callcenter.domain.tracker import CallTracker

BERLIN = ZoneInfo("Europe/Berlin")


def office(*, pilot: bool = False) -> Office:
    team = Team(TEAM, "Team A", windows=windows_from_spec("Mo-Do 09:00-12:00"))
    pilots = (Pilot(TEAM, T0.date(), None),) if pilot else ()
    return Office(BERLIN, {}, (team,), pilots=pilots)


def track(events: list[PbxEvent], tracker: CallTracker | None = None) -> list[CallRecord]:
    tracker = CallTracker(PSEUDONYMS) if tracker is None else tracker
    records = tracker.feed_all(events)
    assert tracker.open_count == 0, "a finished call must not stay in memory"
    return records


def only(events: list[PbxEvent]) -> CallRecord:
    records = track(events)
    assert len(records) == 1
    return records[0]


def test_answered_in_queue() -> None:
    record = only(Script("1").answered_in_queue(hold=2, talk=5).events)
    assert record.outcome is Outcome.ANSWERED
    assert record.answered == T0 + timedelta(seconds=2)
    assert record.ended == T0 + timedelta(seconds=7)
    assert record.wait_seconds == pytest.approx(2)
    assert record.talk_seconds == pytest.approx(5)
    assert record.answered_by == PSEUDONYMS.member(MEMBER)
    assert record.caller == PSEUDONYMS.caller("01701234501")
    assert record.complete


@pytest.mark.parametrize(
    ("status", "outcome"),
    [("BUSY", Outcome.BUSY), ("NOANSWER", Outcome.NO_ANSWER), ("CHANUNAVAIL", Outcome.FAILED)],
)
def test_direct_line_not_answered(status: str, outcome: Outcome) -> None:
    record = only(Script("1").direct(status, ring=20).events)
    assert record.outcome is outcome
    assert record.line_kind is LineKind.DIRECT_LINE
    assert record.answered is None
    assert record.wait_seconds == pytest.approx(20)
    assert record.talk_seconds == 0


def test_direct_line_caller_gives_up_while_ringing_is_abandoned() -> None:
    record = only(Script("1").direct("CANCEL", ring=6).events)
    assert record.outcome is Outcome.ABANDONED
    assert record.wait_seconds == pytest.approx(6)


@pytest.mark.parametrize("status", ["LEAVEEMPTY", "JOINEMPTY", "FULL", "LEAVEUNAVAIL"])
def test_queue_without_agents_is_failed(status: str) -> None:
    # leavewhenempty: app_queue records it like an abandon, then QUEUESTATUS tells why.
    call = Script("1").begin().decide(0.001).join(0.002).abandon(4).queue_status(4, status)
    call.request_hangup(4, call.inbound, far_end=False).hangup(4, call.inbound, "1")
    assert only(call.events).outcome is Outcome.FAILED


def test_abandon_is_told_from_timeout_without_queuestatus() -> None:
    # Event filters may drop VarSet: then who hung up first decides.
    timeout = [
        e for e in Script("1").queue_times_out().events if "QueueStatus" not in type(e).__name__
    ]
    assert only(timeout).outcome is Outcome.TIMEOUT
    assert only(Script("2").caller_abandons().events).outcome is Outcome.ABANDONED


def test_team_member_transfers_the_call_away() -> None:
    call = Script("1").begin().decide(0.001).join(0.002)
    agent = call.member_channel(0.003, "agent")
    call.connect(3, agent).transfer(10).complete(10, reason="transfer").hangup(10, agent)
    call.hangup(40, call.inbound, "1")  # the call goes on elsewhere, then ends
    record = only(call.events)
    assert record.outcome is Outcome.TRANSFERRED
    assert record.answered == T0 + timedelta(seconds=3)
    assert record.ended == T0 + timedelta(seconds=10)
    assert record.talk_seconds == pytest.approx(7)
    assert record.wait_seconds == pytest.approx(3)


def test_routed_to_another_team_after_answer_counts_for_the_first_team() -> None:
    call = Script("1").begin().decide(0.001).join(0.002)
    agent = call.member_channel(0.003, "agent")
    call.connect(2, agent).decide(8, team="other", dialled="06151200").hangup(8, agent)
    call.hangup(20, call.inbound, "1")
    record = only(call.events)
    assert (record.team, record.dialled, record.outcome) == (TEAM, "06151100", Outcome.TRANSFERRED)


def test_switchboard_answer_by_dial_then_transfer() -> None:
    call = Script("1").begin()
    operator = call.member_channel(0.5, "operator")
    call.dial_end(1, "ANSWER", operator, member="PJSIP/900").transfer(4).hangup(4, operator)
    call.decide(4.001).join(4.002)
    agent = call.member_channel(4.003, "agent")
    call.connect(6, agent).complete(12).hangup(12, agent, call.inbound, "1")
    record = only(call.events)
    assert record.line_kind is LineKind.SWITCHBOARD
    assert record.outcome is Outcome.ANSWERED
    assert record.answered_by == PSEUDONYMS.member(MEMBER)  # the team member, not the operator
    assert record.wait_seconds == pytest.approx(1 + 2, abs=0.01)
    assert record.talk_seconds == pytest.approx(3 + 6, abs=0.01)


def test_call_that_never_reached_a_team_gives_no_record() -> None:
    tracker = CallTracker(PSEUDONYMS)
    call = Script("1").begin().join(0.5, queue="zentrale")
    call.abandon(9).hangup(9, call.inbound, "1")
    assert track(call.events, tracker) == []
    assert tracker.calls_without_decision == 1


def test_late_events_after_the_record_neither_change_it_nor_stay_in_memory() -> None:
    tracker = CallTracker(PSEUDONYMS)
    call = Script("1").answered_in_queue()
    records = track(call.events, tracker)
    late = AgentCompleted("1", call.inbound, call.at(9), "zentrale", "PJSIP/900", "caller")
    assert tracker.feed(late) == ()
    assert len(records) == 1
    assert tracker.open_count == 0


def test_withheld_caller_gets_the_empty_pseudonym() -> None:
    record = only(Script("1", caller=None).announcement().events)
    assert record.caller == WITHHELD


def test_timestamps_going_backwards_never_give_negative_times() -> None:
    call = Script("1").begin(5).decide(1).join(1.5)
    call.abandon(0.5).queue_status(0.5, "TIMEOUT").hangup(0.2, call.inbound, "1")
    record = only(call.events)
    assert record.wait_seconds is not None
    assert record.wait_seconds >= 0
    assert record.talk_seconds == 0


def test_in_hours_pilot_and_disagreement_come_from_the_schedule() -> None:
    # 10:30 on a Monday in Berlin is inside Mo-Do 09:00-12:00; a PBX on an old fallback
    # that says closed disagrees with the schedule.
    tracker = CallTracker(PSEUDONYMS, OfficeCalendar(office(pilot=True)))
    call = (
        Script("1")
        .begin()
        .decide(0.001, State.CLOSED, Reason.HOURS, source=DecisionSource.FALLBACK)
    )
    call.request_hangup(14, call.inbound, far_end=False).hangup(14, call.inbound, "1")
    (record,) = tracker.feed_all(call.events)
    assert record.in_hours is True
    assert record.pilot is True
    assert record.decision_disagrees

    evening = Script("2", start=T0 + timedelta(hours=8)).answered_in_queue()
    (later,) = tracker.feed_all(evening.events)
    assert (later.in_hours, later.decision_disagrees) == (False, True)


def test_unknown_team_has_no_in_hours_flag() -> None:
    tracker = CallTracker(PSEUDONYMS, OfficeCalendar(office()))
    call = Script("1").begin().decide(0.001, team="nobody").join(0.01).abandon(3)
    call.hangup(3, call.inbound, "1")
    (record,) = tracker.feed_all(call.events)
    assert (record.in_hours, record.pilot, record.decision_disagrees) == (None, False, False)


def test_close_incomplete_keeps_what_is_known() -> None:
    tracker = CallTracker(PSEUDONYMS)
    call = Script("1").begin().decide(0.001).join(0.002)
    agent = call.member_channel(0.003, "agent")
    call.connect(4, agent)
    assert tracker.feed_all(call.events) == []
    (open_call,) = tracker.open_calls()
    assert open_call.linked_id == "1"
    assert open_call.channels == {"1", call.inbound, agent}

    record = tracker.close_incomplete("1")
    assert record is not None
    assert not record.complete
    assert record.ended is None
    assert record.outcome is Outcome.ANSWERED
    assert record.wait_seconds == pytest.approx(4)
    assert tracker.open_calls() == ()
    assert tracker.close_incomplete("1") is None


def test_close_idle_and_flush() -> None:
    tracker = CallTracker(PSEUDONYMS)
    old = Script("old").begin().decide(0.001).join(0.002)
    new = Script("new", start=T0 + timedelta(minutes=30)).begin().decide(0.001)
    tracker.feed_all(old.events + new.events)
    idle = tracker.close_idle(T0 + timedelta(minutes=10))
    assert [r.linked_id for r in idle] == ["old"]
    assert [r.linked_id for r in tracker.flush()] == ["new"]
    assert tracker.open_count == 0


def test_a_stop_counts_the_open_calls_up_to_the_stop_and_says_so() -> None:
    # The stream was read up to the stop: a caller in the queue was still waiting then.
    tracker = CallTracker(PSEUDONYMS)
    tracker.feed_all(Script("up").begin().decide(0.001).join(0.002).events)
    stop = T0 + timedelta(seconds=40)
    (record,) = tracker.flush(still_up_at=stop)
    assert (record.complete, record.ended, record.observed_until) == (False, None, stop)
    assert record.wait_seconds == pytest.approx(40)
    assert record.inbound_id is not None
    # Without that knowledge (the stream was broken before) only the last event counts.
    tracker.feed_all(Script("gap").begin().decide(0.001).join(0.002).events)
    (unsure,) = tracker.flush()
    assert unsure.observed_until == T0 + timedelta(seconds=0.002)
    assert unsure.wait_seconds == pytest.approx(0.002)


def test_memory_stays_flat_over_many_calls() -> None:
    tracker = CallTracker(PSEUDONYMS)
    for number in range(500):
        start = T0 + timedelta(seconds=number)
        records = tracker.feed_all(Script(str(number), start=start).answered_in_queue().events)
        assert len(records) == 1
        assert tracker.open_count == 0


def test_records_are_equal_for_the_same_key_only() -> None:
    events = Script("1").answered_in_queue().events
    (one,) = CallTracker(PSEUDONYMS).feed_all(events)
    (two,) = CallTracker(type(PSEUDONYMS)(KEY)).feed_all(events)
    (other,) = CallTracker(type(PSEUDONYMS)(bytes(32))).feed_all(events)
    assert one == two
    assert replace(other, caller=one.caller, answered_by=one.answered_by) == one
    assert other.caller != one.caller
