"""AMI events -> the call tracker's own events. The only place that knows AMI header names.

Most of the AMI stream is noise for the tracker (VarSet, Newexten, CEL, device states make
up most events), so the dispatch is one dict lookup on the event name and every event we
do not need costs nothing more. What each kind means for a call is in
`callcenter.domain.pbx_events`; the traces README (shared/ami-traces) explains the quirks
handled here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from callcenter.domain.calls import DecisionSource, LineKind
from callcenter.domain.pbx_events import (
    AgentCompleted,
    AgentConnected,
    CallerAbandoned,
    CallHoursDecided,
    ChannelCreated,
    ChannelHungUp,
    DialEnded,
    HangupRequested,
    PbxEvent,
    QueueJoined,
    QueueStatusSet,
    Transferred,
)
from callcenter.domain.schedule import Reason, State
from callcenter.pbx.ami.messages import AmiEvent

CALL_HOURS_EVENT = "CallHours"
# Asterisk's placeholder for "no caller id" (Newchannel of an originated leg, withheld numbers).
_NO_NUMBER = frozenset({"", "<unknown>", "anonymous", "Anonymous", "restricted"})
# `PJSIP/101-0000000a`, `Local/101@agents-00000001;1` -> the device/interface the member is
# configured as in the queue (`PJSIP/101`, `Local/101@agents`), so queue and direct calls
# give one member the same pseudonym.
_CHANNEL_SUFFIX = re.compile(r"-[0-9a-f]{8}(?:;\d)?$")
_LINE_KINDS = {"team": LineKind.TEAM_LINE, "direct": LineKind.DIRECT_LINE}
_SOURCES = {"live": DecisionSource.LIVE, "fallback": DecisionSource.FALLBACK}


def member_of_channel(channel: str) -> str:
    """The member's device (queue interface form) from one of its channel names."""
    return _CHANNEL_SUFFIX.sub("", channel)


def parse_state(state: str, reason: str | None = None) -> tuple[State, Reason | None]:
    """`open` / `closed:<reason>` (plus the newer dialplan's `Reason:` header) -> domain values.

    Anything that is not `open` counts as closed: the dialplan plays the announcement for
    every value but `open`, so that is what the caller got. An unknown reason is None.
    """
    head, _, tail = state.strip().partition(":")
    if head.strip().lower() == "open":
        return State.OPEN, None
    text = (tail or reason or "").strip().lower()
    try:
        return State.CLOSED, Reason(text)
    except ValueError:
        return State.CLOSED, None


def translate(event: AmiEvent, received_at: datetime) -> PbxEvent | None:
    """The tracker's event for an AMI event, or None for the many it does not need.

    `received_at` (aware) stands in for events without a `Timestamp:` header.
    """
    build = _BUILDERS.get(event.name)
    if build is None:
        return None
    try:
        return build(event, received_at)
    except KeyError:
        # A header we rely on is missing: not an event shape the known Asterisk versions
        # send; the tracker is better off without it than with a guess.
        return None


def _at(event: AmiEvent, received_at: datetime) -> datetime:
    # `timestampevents = yes` puts the PBX's own clock on every event; without it, the
    # time we read the event is the best we have.
    stamp = event.timestamp
    return received_at if stamp is None else datetime.fromtimestamp(stamp, UTC)


def _channel_created(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return ChannelCreated(h["Linkedid"], h["Uniqueid"], _at(event, received_at))


def _channel_hung_up(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return ChannelHungUp(h["Linkedid"], h["Uniqueid"], _at(event, received_at))


def _far_end_hangup(event: AmiEvent, received_at: datetime) -> PbxEvent:
    # HangupRequest = a hangup queued on the channel from outside (the caller's BYE, the
    # other half of a Local channel); SoftHangupRequest = the PBX ended it itself.
    h = event.headers
    return HangupRequested(h["Linkedid"], h["Uniqueid"], _at(event, received_at), True)


def _local_hangup(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return HangupRequested(h["Linkedid"], h["Uniqueid"], _at(event, received_at), False)


def _user_event(event: AmiEvent, received_at: datetime) -> PbxEvent | None:
    h = event.headers
    if h.get("UserEvent") != CALL_HOURS_EVENT:
        return None
    state, reason = parse_state(h["State"], h.get("Reason"))
    line = h.get("Line", "").strip().lower()
    number = h.get("CallerIDNum", "").strip()
    return CallHoursDecided(
        h["Linkedid"],
        h["Uniqueid"],
        _at(event, received_at),
        team=h["Team"].strip(),
        line_kind=_LINE_KINDS.get(line, LineKind.TEAM_LINE),
        dialled=h.get("Dialled", "").strip(),
        state=state,
        reason=reason,
        source=_SOURCES.get(h.get("Source", "").strip().lower()),
        caller_number=None if number in _NO_NUMBER else number,
    )


def _queue_joined(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return QueueJoined(h["Linkedid"], h["Uniqueid"], _at(event, received_at), h["Queue"])


def _agent_connected(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return AgentConnected(
        h["Linkedid"],
        h["Uniqueid"],
        _at(event, received_at),
        queue=h["Queue"],
        member=h.get("Interface") or member_of_channel(h["DestChannel"]),
        member_unique_id=h["DestUniqueid"],
    )


def _agent_completed(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return AgentCompleted(
        h["Linkedid"],
        h["Uniqueid"],
        _at(event, received_at),
        queue=h["Queue"],
        member=h.get("Interface") or member_of_channel(h["DestChannel"]),
        reason=h.get("Reason", ""),
    )


def _abandoned(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return CallerAbandoned(h["Linkedid"], h["Uniqueid"], _at(event, received_at), h["Queue"])


def _var_set(event: AmiEvent, received_at: datetime) -> PbxEvent | None:
    h = event.headers
    if h.get("Variable") != "QUEUESTATUS":
        return None  # by far the most frequent event; the rest of VarSet is noise here
    return QueueStatusSet(
        h["Linkedid"], h["Uniqueid"], _at(event, received_at), h.get("Value", "").upper()
    )


def _dial_ended(event: AmiEvent, received_at: datetime) -> PbxEvent | None:
    h = event.headers
    if "Uniqueid" not in h:
        # A dial without a calling channel: an Originate's own dial (the traces' emulated
        # caller phone), not part of the routing.
        return None
    return DialEnded(
        h["Linkedid"],
        h["Uniqueid"],
        _at(event, received_at),
        status=h.get("DialStatus", "").upper(),
        member=member_of_channel(h["DestChannel"]),
        member_unique_id=h["DestUniqueid"],
    )


def _blind_transfer(event: AmiEvent, received_at: datetime) -> PbxEvent | None:
    h = event.headers
    if h.get("Result") != "Success" or "TransfereeUniqueid" not in h:
        return None  # `Invalid`/`Fail`: nothing moved
    return Transferred(
        h["TransfereeLinkedid"],
        h["TransfereeUniqueid"],
        _at(event, received_at),
        extension=h.get("Extension", ""),
    )


_BUILDERS: dict[str, Callable[[AmiEvent, datetime], PbxEvent | None]] = {
    "Newchannel": _channel_created,
    "Hangup": _channel_hung_up,
    "HangupRequest": _far_end_hangup,
    "SoftHangupRequest": _local_hangup,
    "UserEvent": _user_event,
    "QueueCallerJoin": _queue_joined,
    "AgentConnect": _agent_connected,
    "AgentComplete": _agent_completed,
    "QueueCallerAbandon": _abandoned,
    "VarSet": _var_set,
    "DialEnd": _dial_ended,
    "BlindTransfer": _blind_transfer,
}
