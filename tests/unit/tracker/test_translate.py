"""AMI events -> tracker events: header handling the traces do not show in every variant."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from callcenter.domain.calls import DecisionSource, LineKind
from callcenter.domain.pbx_events import CallHoursDecided, ChannelCreated, QueueStatusSet
from callcenter.domain.schedule import Reason, State
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.translate import member_of_channel, parse_state, translate, translate_all

RECEIVED = datetime(2026, 11, 21, 8, 45, tzinfo=UTC)


STAMP = 1795250711.306


def event(name: str, headers: dict[str, str], stamp: float | None = STAMP) -> AmiEvent:
    return AmiEvent(name, MappingProxyType({"Event": name, **headers}), stamp)


def call_hours(**headers: str) -> AmiEvent:
    base = {
        "Channel": "PJSIP/trunk-0000001a",
        "Uniqueid": "1795250711.1",
        "Linkedid": "1795250711.0",
        "CallerIDNum": "+49 170 1234501",
        "UserEvent": "CallHours",
        "Team": "auslaender-a",
        "Line": "team",
        "Dialled": "06151100",
        "State": "open",
        "Source": "live",
    }
    return event("UserEvent", {**base, **headers})


@pytest.mark.parametrize(
    ("state", "reason", "expected"),
    [
        ("open", None, (State.OPEN, None)),
        ("open", "", (State.OPEN, None)),  # the generated dialplan sends `Reason:` empty
        ("closed:hours", None, (State.CLOSED, Reason.HOURS)),
        ("closed:holiday", "holiday", (State.CLOSED, Reason.HOLIDAY)),
        ("closed:closure", "closure", (State.CLOSED, Reason.CLOSURE)),
        ("closed", "holiday", (State.CLOSED, Reason.HOLIDAY)),
        ("closed:strike", None, (State.CLOSED, None)),
        ("", None, (State.CLOSED, None)),  # anything but open plays the announcement
    ],
)
def test_parse_state(state: str, reason: str | None, expected: tuple[State, Reason | None]) -> None:
    assert parse_state(state, reason) == expected


def test_call_hours_event_with_and_without_reason_header() -> None:
    old = translate(call_hours(State="closed:holiday", Source="fallback"), RECEIVED)
    new = translate(
        call_hours(State="closed:holiday", Reason="holiday", Source="fallback"), RECEIVED
    )
    assert old == new
    assert isinstance(old, CallHoursDecided)
    assert (old.state, old.reason, old.source) == (
        State.CLOSED,
        Reason.HOLIDAY,
        DecisionSource.FALLBACK,
    )
    assert old.line_kind is LineKind.TEAM_LINE
    assert old.caller_number == "+49 170 1234501"
    assert old.at == datetime.fromtimestamp(STAMP, UTC)


def test_direct_line_and_withheld_number() -> None:
    decided = translate(call_hours(Line="direct", CallerIDNum="<unknown>"), RECEIVED)
    assert isinstance(decided, CallHoursDecided)
    assert decided.line_kind is LineKind.DIRECT_LINE
    assert decided.caller_number is None


def test_other_user_events_are_ignored() -> None:
    assert translate(call_hours(UserEvent="Something"), RECEIVED) is None


def test_event_without_timestamp_gets_the_receive_time() -> None:
    created = translate(event("Newchannel", {"Uniqueid": "1.1", "Linkedid": "1.0"}, None), RECEIVED)
    assert created == ChannelCreated("1.0", "1.1", RECEIVED)


def test_event_missing_a_needed_header_is_dropped() -> None:
    assert translate(event("Newchannel", {"Uniqueid": "1.1"}), RECEIVED) is None
    broken = {k: v for k, v in call_hours().headers.items() if k != "Team"}
    assert translate(AmiEvent("UserEvent", MappingProxyType(broken), 1.0), RECEIVED) is None


def test_only_queuestatus_of_all_varsets_is_kept() -> None:
    ids = {"Uniqueid": "1.1", "Linkedid": "1.0"}
    assert (
        translate(event("VarSet", {"Variable": "ABANDONED", "Value": "TRUE", **ids}), RECEIVED)
        is None
    )
    status = translate(
        event("VarSet", {"Variable": "QUEUESTATUS", "Value": "TIMEOUT", **ids}), RECEIVED
    )
    assert isinstance(status, QueueStatusSet)
    assert status.status == "TIMEOUT"


def test_failed_blind_transfer_and_originate_dials_are_ignored() -> None:
    assert translate(event("BlindTransfer", {"Result": "Invalid"}), RECEIVED) is None
    originate_dial = event(
        "DialEnd", {"DestChannel": "Local/1@x-00000001;1", "DestUniqueid": "1.0"}
    )
    assert translate(originate_dial, RECEIVED) is None


@pytest.mark.parametrize(
    ("channel", "member"),
    [
        ("Local/101@agents-00000001;1", "Local/101@agents"),
        ("PJSIP/101-0000000a", "PJSIP/101"),
        ("PJSIP/trunk-provider-0000001f", "PJSIP/trunk-provider"),
        ("PJSIP/101", "PJSIP/101"),
    ],
)
def test_member_of_channel(channel: str, member: str) -> None:
    assert member_of_channel(channel) == member


def test_an_event_with_an_empty_linkedid_is_dropped_not_made_into_a_call() -> None:
    # A damaged frame once became a call with linked id "": Asterisk never sends that.
    damaged = event("Newchannel", {"Linkedid": "", "Uniqueid": "1795250711.5"})
    intact = event("Newchannel", {"Linkedid": "1795250711.5", "Uniqueid": "1795250711.5"})
    assert translate(damaged, RECEIVED) is None
    assert translate_all([damaged, intact], RECEIVED) == [translate(intact, RECEIVED)]
