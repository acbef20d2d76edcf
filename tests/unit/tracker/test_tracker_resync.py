"""Reconnect gaps: the PBX's channel list after a reconnect, applied by `CallTracker.resync`.

A gap is simulated by dropping a call's events inside a time span; the list (`CallSnapshot`)
says what the PBX would have listed at the gap's end. The adapter that reads a real
`CoreShowChannels` answer into snapshots is tested in test_snapshot_calls.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tracker_script import MEMBER, PSEUDONYMS, QUEUE, T0, TEAM, Script

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.pbx_events import (
    CallSnapshot,
    CallStage,
    ChannelCreated,
    ChannelHungUp,
    PbxEvent,
)
from callcenter.domain.schedule import Office, Reason, State, Team, windows_from_spec
from callcenter.domain.tracker import CallTracker

OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    {},
    (Team(TEAM, "Team A", windows=windows_from_spec("Mo-Do 09:00-12:00")),),
)


def tracker() -> CallTracker:
    return CallTracker(PSEUDONYMS, OfficeCalendar(OFFICE))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def before(events: list[PbxEvent], seconds: float) -> list[PbxEvent]:
    return [e for e in events if e.at < at(seconds)]


def after(events: list[PbxEvent], seconds: float) -> list[PbxEvent]:
    return [e for e in events if e.at >= at(seconds)]


def listed(script: Script, stage: CallStage, *channels: str, **fields: object) -> CallSnapshot:
    """The list entry of a call shaped like the traces (caller's phone + inbound leg)."""
    values: dict[str, object] = {
        "stage": stage,
        "inbound": script.inbound,
        "team": TEAM,
        "line_kind": LineKind.TEAM_LINE,
        "dialled": "06151100",
        "caller_number": script.caller,
        "queue": QUEUE if stage is CallStage.QUEUED else None,
    }
    values.update(fields)
    ids = frozenset({script.linked_id, script.inbound, *channels})
    return CallSnapshot(script.linked_id, script.start, ids, **values)  # type: ignore[arg-type]


def test_a_tracked_call_that_ended_unseen_is_recorded_once_without_an_end() -> None:
    t = tracker()
    call = Script("1").caller_abandons(after=8)
    t.feed_all(before(call.events, 5))
    (record,) = t.resync([], at(20))
    assert record.linked_id == "1"
    assert record.complete is False
    assert record.ended is None
    assert record.source is DecisionSource.LIVE  # what was seen stays
    assert t.open_count == 0
    assert t.resync([], at(30)) == []
    assert t.feed_all(after(call.events, 20)) == []


def test_a_call_started_in_the_gap_and_answered_later_is_adopted() -> None:
    t = tracker()
    call = Script("2").answered_in_queue(hold=30, talk=20)
    agent = f"{call.linked_id}.agent"
    assert t.resync([listed(call, CallStage.QUEUED, agent)], at(10)) == []
    assert t.open_count == 1
    (record,) = t.feed_all(after(call.events, 10))
    assert record.outcome is Outcome.ANSWERED
    assert record.started == T0
    assert record.answered == at(30)  # seen after the gap
    assert record.ended == at(50)
    assert record.answered_by == PSEUDONYMS.member(MEMBER)
    assert record.caller == PSEUDONYMS.caller("01701234501")
    assert (record.team, record.line_kind, record.dialled) == (TEAM, LineKind.TEAM_LINE, "06151100")
    assert (record.state_at_arrival, record.source) == (State.OPEN, None)
    assert record.in_hours is True  # Monday 10:30 in Berlin
    assert record.complete is False
    assert (record.wait_seconds, record.talk_seconds) == (None, None)
    assert t.open_count == 0


def test_an_answer_only_the_list_shows_has_no_answer_instant() -> None:
    t = tracker()
    call = Script("3").answered_in_queue(hold=2, talk=30)
    agent = f"{call.linked_id}.agent"
    snapshot = listed(call, CallStage.QUEUED, agent, member=MEMBER, member_channel=agent)
    t.resync([snapshot], at(10))
    (record,) = t.feed_all(after(call.events, 10))
    assert record.outcome is Outcome.ANSWERED
    assert record.answered is None
    assert record.answered_by == PSEUDONYMS.member(MEMBER)
    assert record.ended == at(32)
    assert record.complete is False


@pytest.mark.parametrize(
    ("hangs_up", "outcome"),
    [(None, Outcome.ANNOUNCEMENT), (9.0, Outcome.ANNOUNCEMENT_HANGUP)],
)
def test_a_call_adopted_during_the_announcement(hangs_up: float | None, outcome: Outcome) -> None:
    t = tracker()
    call = Script("4").announcement(length=14.68, caller_hangs_up=hangs_up)
    snapshot = listed(call, CallStage.ANNOUNCEMENT, reason=Reason.HOURS)
    t.resync([snapshot], at(5))
    (record,) = t.feed_all(after(call.events, 5))
    assert record.outcome is outcome
    assert (record.state_at_arrival, record.reason_at_arrival) == (State.CLOSED, Reason.HOURS)
    assert record.complete is False


def test_a_call_adopted_at_the_switchboard_is_routed_by_its_own_event() -> None:
    t = tracker()
    call = Script("5").begin()
    operator = call.member_channel(0.5, "operator")
    call.dial_end(1, "ANSWER", operator, member="PJSIP/900").transfer(20).hangup(20, operator)
    call.decide(20.001).join(20.002)
    agent = call.member_channel(20.003, "agent")
    call.connect(25, agent).complete(40).hangup(40, agent, call.inbound, "5")
    snapshot = CallSnapshot(
        "5",
        T0,
        frozenset({"5", call.inbound, operator}),
        via_switchboard=True,
        member="PJSIP/900",
        member_channel=operator,
        caller_number=call.caller,
    )
    t.resync([snapshot], at(10))
    (record,) = t.feed_all(after(call.events, 10))
    assert record.line_kind is LineKind.SWITCHBOARD
    assert record.source is DecisionSource.LIVE  # the decision itself was seen
    assert record.outcome is Outcome.ANSWERED
    assert record.answered == at(25)
    assert record.answered_by == PSEUDONYMS.member(MEMBER)
    assert record.complete is False  # its start was not


def test_a_tracked_call_that_missed_nothing_stays_complete() -> None:
    t = tracker()
    call = Script("6").answered_in_queue(hold=2, talk=30)
    agent = f"{call.linked_id}.agent"
    t.feed_all(before(call.events, 10))
    t.resync([listed(call, CallStage.QUEUED, agent, member=MEMBER, member_channel=agent)], at(15))
    (record,) = t.feed_all(after(call.events, 15))
    assert record.complete is True
    assert record.wait_seconds == pytest.approx(2)
    assert record.talk_seconds == pytest.approx(30)


def test_a_tracked_call_answered_in_the_gap() -> None:
    t = tracker()
    call = Script("7").answered_in_queue(hold=12, talk=30)
    agent = f"{call.linked_id}.agent"
    t.feed_all(before(call.events, 10))
    t.resync([listed(call, CallStage.QUEUED, agent, member=MEMBER, member_channel=agent)], at(15))
    (record,) = t.feed_all(after(call.events, 15))
    assert record.outcome is Outcome.ANSWERED  # not "abandoned": the list showed the bridge
    assert record.answered is None
    assert record.complete is False
    assert (record.wait_seconds, record.talk_seconds) == (None, None)


def test_the_list_corrects_the_channels_of_a_tracked_call() -> None:
    t = tracker()
    call = Script("8").begin().decide(0.001).join(0.002)
    ringing = call.member_channel(0.003, "ringing")
    call.hangup(8, ringing)  # lost in the gap: without the list the call would never end
    call.abandon(20).queue_status(20, "TIMEOUT").hangup(20, call.inbound, "8")
    t.feed_all(before(call.events, 5))
    t.resync([listed(call, CallStage.QUEUED)], at(10))
    (record,) = t.feed_all(after(call.events, 10))
    assert record.outcome is Outcome.TIMEOUT
    assert record.ended == at(20)
    assert record.complete is True  # start, decision and end were all seen
    assert t.open_count == 0


def test_a_channel_missed_in_the_gap_is_waited_for() -> None:
    t = tracker()
    call = Script("9").begin().decide(0.001)
    later = call.member_channel(6, "late")  # its Newchannel is lost in the gap
    call.hangup(20, call.inbound, "9").hangup(21, later)
    t.feed_all(before(call.events, 5))
    t.resync([listed(call, CallStage.ANNOUNCEMENT, later)], at(10))
    records = t.feed_all(after(call.events, 10))
    assert [r.linked_id for r in records] == ["9"]
    assert t.open_count == 0


def test_the_window_keeps_calls_that_began_after_the_list_was_asked_for() -> None:
    t = tracker()
    t.begin_resync()
    fresh = Script("10", start=at(100)).answered_in_queue()
    t.feed_all(fresh.events[:4])  # began after the request, so not in the (older) list
    assert t.resync([], at(100)) == []
    (record,) = t.feed_all(fresh.events[4:])
    assert record.complete is True


def test_the_window_does_not_resurrect_what_ended_meanwhile() -> None:
    t = tracker()
    known = Script("11").queue_times_out(after=30)
    t.feed_all(before(known.events, 10))
    gone = Script("12").queue_times_out(after=30)  # started in the gap
    t.begin_resync()
    # Between the list and our applying it, both calls end on the wire.
    ended = t.feed_all(after(known.events, 10)) + t.feed_all(after(gone.events, 10))
    assert [r.linked_id for r in ended] == ["11"]
    snapshot_known = listed(known, CallStage.QUEUED)
    snapshot_gone = listed(gone, CallStage.QUEUED)
    records = t.resync([snapshot_known, snapshot_gone], at(25))
    # 11 is not recorded twice; 12 is adopted and over at once, with the end it was seen to have.
    assert [r.linked_id for r in records] == ["12"]
    assert records[0].ended == at(30)
    assert records[0].complete is False
    assert t.open_count == 0


def test_channel_changes_after_the_list_was_taken_win_over_the_list() -> None:
    t = tracker()
    call = Script("13").begin().decide(0.001).join(0.002)
    ringing = call.member_channel(3, "ringing")
    call.abandon(40).queue_status(40, "TIMEOUT").hangup(40, call.inbound, "13")
    t.feed_all(before(call.events, 10))
    t.begin_resync()
    # The list was taken (showing "ringing" up); then, on the wire before we apply it,
    # "ringing" hangs up and a new channel appears.
    t.feed(ChannelHungUp("13", ringing, at(12)))
    t.feed(ChannelCreated("13", "13.new", at(13)))
    assert t.resync([listed(call, CallStage.QUEUED, ringing)], at(15)) == []
    assert t.feed_all(after(call.events, 15)) == []  # "13.new" is still up
    (record,) = t.feed(ChannelHungUp("13", "13.new", at(41)))  # not waiting for "ringing"
    assert record.outcome is Outcome.TIMEOUT
    assert record.complete is True


def test_resync_without_begin_counts_every_tracked_call_as_known() -> None:
    t = tracker()
    call = Script("14").answered_in_queue(hold=2, talk=30)
    t.feed_all(before(call.events, 10))
    t.begin_resync()
    t.cancel_resync()
    records: list[CallRecord] = t.resync([], at(20))
    assert [r.linked_id for r in records] == ["14"]
