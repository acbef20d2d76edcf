"""AMI events -> the call tracker's own events. The only place that knows AMI header names.

Most of the AMI stream is noise for the tracker (VarSet, Newexten, CEL, device states make
up most events), so the dispatch is one dict lookup on the event name and every event we
do not need costs nothing more. What each kind means for a call is in
`callcenter.domain.pbx_events`; the traces README (tests/fixtures/asterisk22) explains the quirks
handled here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

from callcenter.domain.calls import DecisionSource, LineKind
from callcenter.domain.number_plan import Target
from callcenter.domain.pbx_events import (
    AgentCompleted,
    AgentConnected,
    CallbackAsked,
    CallerAbandoned,
    CallHoursDecided,
    CallSnapshot,
    CallStage,
    ChannelCreated,
    ChannelHungUp,
    DialEnded,
    HangupRequested,
    LanguageChosen,
    PbxEvent,
    QueueJoined,
    QueueOverflowed,
    QueueStatusSet,
    Transferred,
)
from callcenter.domain.schedule import Reason, State
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.dialplan import ROUTE_CONTEXT

CALL_HOURS_EVENT = "CallHours"
# The generated dialplan's other user events (contract of issue 20; envelope as recorded in
# 021's CallbackRequested and 024's QueueOverflow).
LANGUAGE_EVENT = "CallHoursLanguage"
CALLBACK_EVENT = "CallbackRequested"
OVERFLOW_EVENT = "QueueOverflow"
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
        translated = build(event, received_at)
    except KeyError:
        # A header we rely on is missing: not an event shape the known Asterisk versions
        # send; the tracker is better off without it than with a guess.
        return None
    # Asterisk never sends an empty Linkedid; a damaged frame must not become a call "".
    return translated if translated is not None and translated.linked_id else None


def translate_all(events: Iterable[AmiEvent], received_at: datetime) -> list[PbxEvent]:
    """`translate` over a batch (one socket read's events), skipping what the tracker does
    not need; the same results, without a function call per noise event."""
    builders = _BUILDERS
    out: list[PbxEvent] = []
    for event in events:
        build = builders.get(event.name)
        if build is None:
            continue
        try:
            translated = build(event, received_at)
        except KeyError:
            continue  # as in `translate`
        if translated is not None and translated.linked_id:  # as in `translate`
            out.append(translated)
    return out


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
    kind = h.get("UserEvent")
    if kind != CALL_HOURS_EVENT:
        other = _OTHER_USER_EVENTS.get(kind or "")
        return None if other is None else other(event, received_at)
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


def _language_chosen(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    # The choice is `MenuLanguage:`: the envelope's `Language:` is the channel's own (021),
    # present on every channel event, so it says nothing about the menu.
    language = h["MenuLanguage"].strip().lower()
    return LanguageChosen(
        h["Linkedid"],
        h.get("CallUniqueid", "").strip() or h["Uniqueid"],
        _at(event, received_at),
        team=h["Team"].strip(),
        language=None if language in ("", "default") else language,
    )


def _callback_asked(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    number = h.get("Number", "").strip()
    return CallbackAsked(
        h["Linkedid"],
        h.get("CallUniqueid", "").strip() or h["Uniqueid"],
        _at(event, received_at),
        team=h["Team"].strip(),
        dialled=h.get("Dialled", "").strip(),
        number=None if number in _NO_NUMBER else number,
    )


def _queue_overflowed(event: AmiEvent, received_at: datetime) -> PbxEvent:
    h = event.headers
    return QueueOverflowed(
        h["Linkedid"],
        h["Uniqueid"],
        _at(event, received_at),
        from_queue=h.get("From", "").strip(),
        destination=h["To"].strip(),
        status=h.get("QueueStatus", "").strip().upper(),
    )


_OTHER_USER_EVENTS: dict[str, Callable[[AmiEvent, datetime], PbxEvent]] = {
    LANGUAGE_EVENT: _language_chosen,
    CALLBACK_EVENT: _callback_asked,
    OVERFLOW_EVENT: _queue_overflowed,
}


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


# -- the channel list after a reconnect ---------------------------------------------------

# `callhours/<team>/closed-<reason>-<lang>`: the announcement the generated dialplan plays.
_PROMPT = re.compile(r"callhours/([a-z0-9][a-z0-9_-]*)/closed-([a-z]+)-")
_PLAYING_APPS = frozenset({"playback", "background"})


class LineLookup(Protocol):
    """Which team (or the switchboard: team None) a number or a queue belongs to."""

    def number(self, dialled: str) -> Target | None: ...

    def queue(self, name: str) -> Target | None: ...


def snapshot_calls(
    channels: Iterable[AmiEvent], now: datetime, lines: LineLookup
) -> list[CallSnapshot]:
    """The `CoreShowChannel` items of one list as calls, with the routing read off them.

    `now` (aware) is when the list was taken: a call started its oldest channel's
    `Duration` before. What the routed channel runs tells the stage: `Queue(<team queue>)`
    is a queued call, `Dial` on a direct line a ringing or talking member, `Playback` of a
    `callhours/<team>/closed-<reason>` prompt (or any playback in the routing context or on
    the dialled team number's channel) the announcement. A bridged routed channel is
    talking to whoever shares its bridge.
    """
    groups: dict[str, list[Mapping[str, str]]] = {}
    bridges: dict[str, list[Mapping[str, str]]] = {}
    for event in channels:
        h = event.headers
        unique_id = h.get("Uniqueid")
        if not unique_id:
            continue
        linked_id = h.get("Linkedid") or h.get("LinkedID") or unique_id
        groups.setdefault(linked_id, []).append(h)
        bridge = h.get("BridgeId", "").strip()
        if bridge:
            bridges.setdefault(bridge, []).append(h)
    return [_snapshot(linked, group, bridges, now, lines) for linked, group in groups.items()]


def duration_seconds(text: str) -> float:
    """`HH:MM:SS` (hours may exceed 99) in seconds; 0 for anything else."""
    seconds = 0
    for part in text.strip().split(":"):
        if not part.isdigit():
            return 0.0
        seconds = seconds * 60 + int(part)
    return float(seconds)


def _snapshot(
    linked_id: str,
    group: list[Mapping[str, str]],
    bridges: Mapping[str, list[Mapping[str, str]]],
    now: datetime,
    lines: LineLookup,
) -> CallSnapshot:
    oldest_first = sorted(group, key=lambda h: -duration_seconds(h.get("Duration", "")))
    started = now - timedelta(seconds=duration_seconds(oldest_first[0].get("Duration", "")))
    entry: Target | None = None  # the team line or direct line that was dialled
    dialled = ""
    via_switchboard = False
    for h in oldest_first:
        target = lines.number(h.get("Exten", ""))
        if target is None:
            continue
        if target.team is None:
            via_switchboard = True
        elif entry is None:
            entry, dialled = target, h.get("Exten", "").strip()
    stage, leg, team, queue, reason = CallStage.UNROUTED, None, None, None, None
    switchboard_leg: Mapping[str, str] | None = None
    for h in oldest_first:
        app = h.get("Application", "").strip().lower()
        data = h.get("ApplicationData", "")
        if app == "queue":
            name = data.split(",")[0].strip()
            target = lines.queue(name)
            if target is not None and target.team is None:
                via_switchboard, switchboard_leg = True, h
            elif target is not None:
                stage, leg, team, queue = CallStage.QUEUED, h, target.team, name
                break
        elif app == "dial":
            target = lines.number(h.get("Exten", ""))
            if target is not None and target.team and target.kind is LineKind.DIRECT_LINE:
                stage, leg, team = CallStage.DIALLING, h, target.team
                break
        elif app in _PLAYING_APPS:
            prompt = _PROMPT.search(data)
            if prompt is not None:
                stage, leg, team = CallStage.ANNOUNCEMENT, h, prompt.group(1)
                reason = _reason(prompt.group(2))
                break
            # A prompt in the routing context, or on the dialled team number's own channel
            # before any queue or dial (a dialplan that plays its announcement there, as
            # recording 019b's does), is the team's announcement.
            on_entry = h.get("Exten", "").strip() == dialled
            if entry is not None and (h.get("Context", "").strip() == ROUTE_CONTEXT or on_entry):
                stage, leg, team = CallStage.ANNOUNCEMENT, h, entry.team
                break
    if entry is not None and team is not None and entry.team != team:
        entry, dialled = None, ""  # the dialled line is another team's: passed on
    line_kind = entry.kind if entry is not None else None
    if line_kind is None and stage is not CallStage.UNROUTED:
        line_kind = LineKind.DIRECT_LINE if stage is CallStage.DIALLING else LineKind.TEAM_LINE
    talking = leg if leg is not None else switchboard_leg
    member, member_channel = _bridged_with(talking, bridges)
    caller_from = leg if leg is not None else oldest_first[0]
    number = caller_from.get("CallerIDNum", "").strip()
    return CallSnapshot(
        linked_id,
        started,
        frozenset(h["Uniqueid"] for h in group),
        stage=stage,
        inbound=None if leg is None else leg["Uniqueid"],
        queue=queue,
        team=team if stage is not CallStage.UNROUTED else None,
        line_kind=line_kind,
        dialled=dialled,
        reason=reason,
        caller_number=None if number in _NO_NUMBER else number,
        member=member,
        member_channel=member_channel,
        via_switchboard=via_switchboard,
    )


def _reason(text: str) -> Reason | None:
    try:
        return Reason(text)
    except ValueError:
        return None


def _bridged_with(
    leg: Mapping[str, str] | None, bridges: Mapping[str, list[Mapping[str, str]]]
) -> tuple[str | None, str | None]:
    """The device (and its channel) sharing the leg's bridge: whom the caller talks to."""
    if leg is None:
        return None, None
    bridge = leg.get("BridgeId", "").strip()
    for peer in bridges.get(bridge, ()) if bridge else ():
        if peer["Uniqueid"] != leg["Uniqueid"] and peer.get("Channel"):
            return member_of_channel(peer["Channel"]), peer["Uniqueid"]
    return None, None
