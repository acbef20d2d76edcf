"""Synthetic calls as lists of the tracker's own events, for scenarios the traces do not show.

Each builder mirrors the event order of the matching real trace (tests/fixtures/asterisk22): the
caller's phone `<id>` and the PBX's inbound leg `<id>.1`, which runs the routing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

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
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Reason, State

KEY = bytes(range(32))
PSEUDONYMS = Pseudonymizer(KEY)
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday, 10:30 in Berlin
TEAM = "auslaender-a"
QUEUE = "auslaender-a"
MEMBER = "PJSIP/101"


@dataclass
class Script:
    """Builds one call's events; `t` is seconds after `start`."""

    linked_id: str
    start: datetime = T0
    caller: str | None = "01701234501"
    events: list[PbxEvent] = field(default_factory=list)

    @property
    def inbound(self) -> str:
        return f"{self.linked_id}.1"

    def at(self, t: float) -> datetime:
        return self.start + timedelta(seconds=t)

    def begin(self, t: float = 0.0) -> Script:
        self.events.append(ChannelCreated(self.linked_id, self.linked_id, self.at(t)))
        self.events.append(ChannelCreated(self.linked_id, self.inbound, self.at(t)))
        return self

    def decide(
        self,
        t: float,
        state: State = State.OPEN,
        reason: Reason | None = None,
        line: LineKind = LineKind.TEAM_LINE,
        dialled: str = "06151100",
        source: DecisionSource = DecisionSource.LIVE,
        team: str = TEAM,
    ) -> Script:
        self.events.append(
            CallHoursDecided(
                self.linked_id,
                self.inbound,
                self.at(t),
                team=team,
                line_kind=line,
                dialled=dialled,
                state=state,
                reason=reason,
                source=source,
                caller_number=self.caller,
            )
        )
        return self

    def join(self, t: float, queue: str = QUEUE) -> Script:
        self.events.append(QueueJoined(self.linked_id, self.inbound, self.at(t), queue))
        return self

    def member_channel(self, t: float, name: str) -> str:
        unique_id = f"{self.linked_id}.{name}"
        self.events.append(ChannelCreated(self.linked_id, unique_id, self.at(t)))
        return unique_id

    def connect(self, t: float, member_id: str, queue: str = QUEUE, member: str = MEMBER) -> Script:
        self.events.append(
            AgentConnected(self.linked_id, self.inbound, self.at(t), queue, member, member_id)
        )
        return self

    def complete(self, t: float, reason: str = "agent", queue: str = QUEUE) -> Script:
        self.events.append(
            AgentCompleted(self.linked_id, self.inbound, self.at(t), queue, MEMBER, reason)
        )
        return self

    def dial_end(self, t: float, status: str, member_id: str, member: str = MEMBER) -> Script:
        self.events.append(
            DialEnded(self.linked_id, self.inbound, self.at(t), status, member, member_id)
        )
        return self

    def abandon(self, t: float) -> Script:
        self.events.append(CallerAbandoned(self.linked_id, self.inbound, self.at(t), QUEUE))
        return self

    def queue_status(self, t: float, status: str) -> Script:
        self.events.append(QueueStatusSet(self.linked_id, self.inbound, self.at(t), status))
        return self

    def transfer(self, t: float, extension: str = "06151200") -> Script:
        self.events.append(Transferred(self.linked_id, self.inbound, self.at(t), extension))
        return self

    def request_hangup(self, t: float, unique_id: str, *, far_end: bool) -> Script:
        self.events.append(HangupRequested(self.linked_id, unique_id, self.at(t), far_end))
        return self

    def hangup(self, t: float, *unique_ids: str) -> Script:
        for unique_id in unique_ids:
            self.events.append(ChannelHungUp(self.linked_id, unique_id, self.at(t)))
        return self

    # -- whole calls, shaped like the traces --------------------------------------------

    def answered_in_queue(self, hold: float = 2.0, talk: float = 5.0) -> Script:
        self.begin().decide(0.001).join(0.002)
        agent = self.member_channel(0.003, "agent")
        self.connect(hold, agent).complete(hold + talk)
        self.request_hangup(hold + talk, self.inbound, far_end=False)
        return self.hangup(hold + talk, agent, self.linked_id, self.inbound)

    def caller_abandons(self, after: float = 8.0) -> Script:
        self.begin().decide(0.001).join(0.002)
        agent = self.member_channel(0.003, "agent")
        self.request_hangup(after, self.inbound, far_end=True)
        self.dial_end(after, "CANCEL", agent).hangup(after, agent)
        self.abandon(after)
        return self.hangup(after, self.linked_id, self.inbound)

    def queue_times_out(self, after: float = 30.0) -> Script:
        self.begin().decide(0.001).join(0.002)
        self.abandon(after).queue_status(after, "TIMEOUT")
        self.request_hangup(after, self.inbound, far_end=False)
        return self.hangup(after, self.inbound, self.linked_id)

    def announcement(self, length: float = 14.68, caller_hangs_up: float | None = None) -> Script:
        self.begin().decide(0.001, State.CLOSED, Reason.HOURS)
        if caller_hangs_up is None:
            self.request_hangup(length, self.inbound, far_end=False)
            return self.hangup(length, self.inbound, self.linked_id)
        self.request_hangup(caller_hangs_up, self.inbound, far_end=True)
        self.request_hangup(caller_hangs_up, self.inbound, far_end=False)
        return self.hangup(caller_hangs_up, self.linked_id, self.inbound)

    def direct(self, status: str, ring: float = 20.0) -> Script:
        self.begin().decide(0.001, line=LineKind.DIRECT_LINE, dialled="061511001")
        phone = self.member_channel(0.002, "phone")
        if status == "CANCEL":
            self.request_hangup(ring, self.inbound, far_end=True)
        self.dial_end(ring, status, phone).hangup(ring, phone)
        if status != "CANCEL":
            self.request_hangup(ring, self.inbound, far_end=False)
        return self.hangup(ring, self.inbound, self.linked_id)
