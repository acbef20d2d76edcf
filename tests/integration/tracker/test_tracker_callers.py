"""Issue 20's recordings (020-025) through parser, translator and tracker.

Expected values come from README-v3 (§020-024) and README-025, never from the tracker's
output. 020, 021 and 023 ran test dialplans without the `CallHours` routing: as recorded
they are no team's calls (no record); with the generated dialplan's user events spliced in
(trace_support.with_routing: the envelope Asterisk recorded in 021/024) they give the
records the README's scenario describes.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.pbx_events import CallbackAsked, LanguageChosen, QueueOverflowed
from callcenter.domain.schedule import Reason, State

from .trace_support import (
    PSEUDONYMS,
    TEAM,
    events_of,
    events_of_frames,
    frame_headers,
    new_tracker,
    track,
    user_event,
    with_routing,
)

# 020: the menu extension each caller reached (README-v3 §020) and the language it means.
MENU_CALLERS = {"01704000002": "en", "01704000000": "default", "01704000007": "default"}
MENU_KEYS = {"1": "de", "2": "en", "t": None, "i": None}


# Every recording of issue 20 is replayed here.
CALLER_RECORDINGS = (
    "020_dtmf_language_menu",
    "021_read_callback_request",
    "022_callback_originate",
    "022b_callback_noanswer_long_agent",
    "023_queue_announcements",
    "023b_queue_announcements_15s_rounds",
    "024_queue_timeout_overflow",
    "025_custom_device_state_blf",
    "025b_custom_device_state_after_restart",
)


def by_caller(records: list[CallRecord]) -> dict[str, CallRecord]:
    return {record.caller: record for record in records}


def no_raw_number(record: CallRecord, number: str) -> None:
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            assert number[1:] not in value, field.name


@pytest.mark.parametrize("name", [n for n in CALLER_RECORDINGS if not n.startswith("024")])
def test_recording_as_made_has_no_team_call(name: str) -> None:
    # Without the routing decision these are no team's calls; the callback legs of 022
    # (Originate: staff first, then the customer) in particular never become caller calls.
    assert track(events_of(name)) == []


def test_callback_legs_are_no_calls_even_among_routed_ones() -> None:
    tracker = new_tracker()
    assert tracker.feed_all(events_of("022_callback_originate")) == []
    # Five agent-first and four customer-first originates, none of them a team's call.
    assert tracker.calls_without_decision == 9
    assert tracker.open_count == 0


def with_language_choice(name: str) -> list[str]:
    """020 as the generated dialplan runs it: routed (closed), then `CallHoursLanguage`
    right after the menu extension the caller reached."""
    out: list[str] = []
    for frame in with_routing(name, "closed:hours"):
        out.append(frame)
        if not frame.startswith("Event: Newexten\r\n"):
            continue
        h = frame_headers(frame)
        if h.get("Context") == "t3-langmenu" and h["Priority"] == "1" and h["Exten"] in MENU_KEYS:
            language = MENU_KEYS[h["Exten"]] or "default"
            out.append(
                user_event(
                    h,
                    "CallHoursLanguage",
                    "t3-langmenu",
                    Team=TEAM,
                    MenuLanguage=language,
                    CallUniqueid=h["Uniqueid"],
                )
            )
    return out


def test_020_language_choice_per_caller() -> None:
    frames = with_language_choice("020_dtmf_language_menu")
    events = events_of_frames(frames)
    # The envelope's own `Language: en` (the channel's) must not be taken for the choice.
    chosen = [e.language for e in events if isinstance(e, LanguageChosen)]
    assert sorted(chosen, key=str) == sorted(["en", None, None], key=str)
    records = by_caller(track(events))
    assert len(records) == 3
    for number, language in MENU_CALLERS.items():
        record = records[PSEUDONYMS.caller(number)]
        assert record.language == language
        assert record.dialled == "06151920"
        assert (record.state_at_arrival, record.reason_at_arrival) == (State.CLOSED, Reason.HOURS)
        # Hangup(16) after the prompt: the PBX ended every call (README-v3 §020).
        assert record.outcome is Outcome.ANNOUNCEMENT
        assert record.callback_requested is False
        assert record.complete
        no_raw_number(record, number)


def test_021_callback_request_keeps_only_the_pseudonym() -> None:
    events = events_of_frames(with_routing("021_read_callback_request", "closed:hours"))
    asked = [e for e in events if isinstance(e, CallbackAsked)]
    assert len(asked) == 1
    # The raw number travels only in the event meant for the encrypted request.
    assert (asked[0].number, asked[0].team, asked[0].dialled) == (
        "01705000001",
        TEAM,
        "06151921",
    )
    assert asked[0].unique_id == "1796399305.234"
    records = by_caller(track(events))
    pressed = records[PSEUDONYMS.caller("01705000001")]
    assert pressed.callback_requested is True
    assert pressed.outcome is Outcome.ANNOUNCEMENT  # Hangup(16) after the confirmation
    no_raw_number(pressed, "01705000001")
    # hangup1: the caller's side hung up during Read() (READSTATUS=HANGUP).
    hung_up = records[PSEUDONYMS.caller("01705000002")]
    assert hung_up.callback_requested is False
    assert hung_up.outcome is Outcome.ANNOUNCEMENT_HANGUP
    assert hung_up.wait_seconds == pytest.approx(1.0, abs=0.6)


@pytest.mark.parametrize("name", ["023_queue_announcements", "023b_queue_announcements_15s_rounds"])
def test_023_announcements_do_not_disturb_queue_records(name: str) -> None:
    records = by_caller(track(events_of_frames(with_routing(name, "open"))))
    assert len(records) == 2
    for number in ("01706000001", "01706000002"):
        record = records[PSEUDONYMS.caller(number)]
        # Both hung up after 40 s, unanswered (queue_log ABANDON|1|1|40, ABANDON|1|2|40).
        assert record.outcome is Outcome.ABANDONED
        assert record.wait_seconds == pytest.approx(40, abs=1)
        assert record.talk_seconds == 0
        assert record.overflow is None
        assert record.line_kind is LineKind.TEAM_LINE


def test_024_overflow_is_one_record_ending_at_the_switchboard() -> None:
    events = events_of("024_queue_timeout_overflow")
    overflow = [e for e in events if isinstance(e, QueueOverflowed)]
    assert [(e.from_queue, e.destination, e.status) for e in overflow] == [
        ("auslaender-a", "zentrale", "TIMEOUT")
    ]
    records = track(events)
    assert len(records) == 1
    record = records[0]
    assert record.caller == PSEUDONYMS.caller("01707000001")
    assert record.overflow == "zentrale"
    # Ended at the switchboard's operator: answered there (AgentConnect zentrale).
    assert record.outcome is Outcome.ANSWERED
    assert record.answered_by == PSEUDONYMS.member("Local/900@switchboard-agent")
    assert record.line_kind is LineKind.TEAM_LINE
    assert record.dialled == "06151924"
    # Team queue 20 s (EXITWITHTIMEOUT) + zentrale HoldTime 1; TalkTime 5.
    assert record.wait_seconds == pytest.approx(21, abs=2)
    assert record.talk_seconds == pytest.approx(5, abs=1)
    assert record.complete


def test_024_overflow_to_a_prompt_ends_as_announcement() -> None:
    # The same call with `To: announcement`: no second queue follows, so the record ends
    # with the prompt (the events after the overflow are cut where the second queue began).
    events = []
    for event in events_of("024_queue_timeout_overflow"):
        if isinstance(event, QueueOverflowed):
            event = QueueOverflowed(
                event.linked_id,
                event.unique_id,
                event.at,
                event.from_queue,
                "announcement",
                "TIMEOUT",
            )
        events.append(event)
    cut = next(i for i, e in enumerate(events) if isinstance(e, QueueOverflowed))
    tracker = new_tracker()
    tracker.feed_all(events[: cut + 1])
    (record,) = tracker.close_idle(events[-1].at)
    assert record.overflow == "announcement"
    assert record.outcome is Outcome.ANNOUNCEMENT
