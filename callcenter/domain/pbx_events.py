"""Our own small vocabulary of PBX events: what the call tracker needs, nothing more.

The AMI adapter (`callcenter.pbx.translate`) turns Asterisk's events into these; the
tracker never sees header names. Every event names its call (`linked_id`: the PBX id
shared by all channels of one call), its channel (`unique_id`) and an aware instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from callcenter.domain.calls import DecisionSource, LineKind
from callcenter.domain.schedule import Reason, State


@dataclass(frozen=True, slots=True)
class PbxEvent:
    linked_id: str
    unique_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ChannelCreated(PbxEvent):
    """A channel of the call appeared; the first one starts the call."""


@dataclass(frozen=True, slots=True)
class ChannelHungUp(PbxEvent):
    """A channel is gone; when the last channel of a call is gone, the call is over."""


@dataclass(frozen=True, slots=True)
class HangupRequested(PbxEvent):
    """Someone asked to end a channel.

    `by_far_end` is True when the request came from the other side of the channel (the
    caller's phone or trunk hung up), False when the PBX itself ended it (dialplan
    `Hangup()`, a bridge that broke up): this is what tells "caller hung up during the
    announcement" from "heard it to the end".
    """

    by_far_end: bool


@dataclass(frozen=True, slots=True)
class CallHoursDecided(PbxEvent):
    """The dialplan routed the call by a team's state (the `CallHours` user event).

    `caller_number` is the raw number as the PBX knows it (None if withheld); the tracker
    turns it into a pseudonym at once and never keeps it.
    """

    team: str
    line_kind: LineKind
    dialled: str
    state: State
    reason: Reason | None
    source: DecisionSource | None
    caller_number: str | None


@dataclass(frozen=True, slots=True)
class QueueJoined(PbxEvent):
    queue: str


@dataclass(frozen=True, slots=True)
class AgentConnected(PbxEvent):
    """A queue member answered; `member_unique_id` is the member's channel."""

    queue: str
    member: str
    member_unique_id: str


@dataclass(frozen=True, slots=True)
class AgentCompleted(PbxEvent):
    """A queue conversation ended; `reason` is agent, caller or transfer."""

    queue: str
    member: str
    reason: str


@dataclass(frozen=True, slots=True)
class CallerAbandoned(PbxEvent):
    """The caller left the queue unanswered.

    Asterisk sends this for queue timeouts too (see the traces README, surprise 1); the
    tracker tells them apart with `QueueStatusSet` and who hung up first.
    """

    queue: str


@dataclass(frozen=True, slots=True)
class QueueStatusSet(PbxEvent):
    """Queue() returned with this QUEUESTATUS (TIMEOUT, FULL, JOINEMPTY, LEAVEEMPTY, …)."""

    status: str


@dataclass(frozen=True, slots=True)
class DialEnded(PbxEvent):
    """A Dial() attempt from the call's channel ended (ANSWER, BUSY, NOANSWER, CANCEL, …)."""

    status: str
    member: str
    member_unique_id: str


@dataclass(frozen=True, slots=True)
class Transferred(PbxEvent):
    """The call's channel (`unique_id`, the transferee) was blind-transferred elsewhere."""

    extension: str


@dataclass(frozen=True, slots=True)
class LanguageChosen(PbxEvent):
    """The caller chose the announcement's language in the menu (`CallHoursLanguage`).

    `language` is the language code, or None when no valid key came (`t`/`i`: German then
    English).
    """

    team: str
    language: str | None


@dataclass(frozen=True, slots=True)
class CallbackAsked(PbxEvent):
    """The caller pressed the callback key (`CallbackRequested`, recording 021).

    `number` is the raw number to call back: it goes into the encrypted callback request
    and nowhere else; the call's record keeps the pseudonym. `unique_id` is the routed
    channel (the event's `CallUniqueid`).
    """

    team: str
    dialled: str
    number: str | None


@dataclass(frozen=True, slots=True)
class QueueOverflowed(PbxEvent):
    """Queue() timed out and the dialplan continues elsewhere (`QueueOverflow`, 024).

    `destination`: `zentrale`, `team:<id>`, `callback` or `announcement`.
    """

    from_queue: str
    destination: str
    status: str


TrackedEvent = (
    ChannelCreated
    | ChannelHungUp
    | HangupRequested
    | CallHoursDecided
    | QueueJoined
    | AgentConnected
    | AgentCompleted
    | CallerAbandoned
    | QueueStatusSet
    | DialEnded
    | Transferred
    | LanguageChosen
    | CallbackAsked
    | QueueOverflowed
)


class CallStage(Enum):
    """Where a call stood when the PBX listed its channels (after an AMI reconnect)."""

    UNROUTED = "unrouted"  # not routed to a team (yet): before the decision, at the switchboard
    QUEUED = "queued"  # in a team's queue, waiting or talking
    DIALLING = "dialling"  # a direct line ringing a member, or talking
    ANNOUNCEMENT = "announcement"  # hearing the closed announcement


@dataclass(frozen=True, slots=True)
class CallSnapshot:
    """A call still up when the PBX listed its channels (`CoreShowChannels`).

    After a gap in the event stream this is all that is known about a call whose start
    was not seen: the adapter reads the routing off the channels (the dialled line, the
    application the routed channel runs, the prompt it plays, whom it is bridged with).
    `started` is the age of its oldest channel, in the PBX's whole seconds.
    """

    linked_id: str
    started: datetime
    channels: frozenset[str]  # unique ids of every channel of the call
    stage: CallStage = CallStage.UNROUTED
    inbound: str | None = None  # the channel that was routed (runs Queue/Dial/Playback)
    queue: str | None = None  # the queue the inbound leg is in
    team: str | None = None
    line_kind: LineKind | None = None  # of the dialled team line or direct line
    dialled: str = ""
    reason: Reason | None = None  # of an announcement, when the prompt names it
    caller_number: str | None = None  # raw; the tracker pseudonymizes it at once
    member: str | None = None  # the device the inbound leg is bridged with (a member, operator)
    member_channel: str | None = None  # that device's channel
    via_switchboard: bool = False  # the switchboard had the call before the team
