"""Builders for the events the simulated Asterisk publishes, header for header as recorded.

Each function appends one event to the bus; callers emit them in the order the traces
show for the situation at hand (see `flows.py`).
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from callcenter.simulator.channels import Channel
from callcenter.simulator.wire import Header, SimEvent, event_headers

CAUSE_TEXT = {
    0: "Unknown",
    16: "Normal Clearing",
    17: "User busy",  # 022
    19: "User alerting, no answer",  # 022
    26: "Answered elsewhere",
    34: "Circuit/channel congestion",  # 022
}

Listener = Callable[[SimEvent], None]


class EventBus:
    """Stamps events with the simulated time and hands them to every listener."""

    def __init__(self, time: Callable[[], float] = _time.time) -> None:
        self.time = time
        self.listeners: list[Listener] = []

    def emit(self, name: str, privilege: str, fields: Sequence[Header]) -> SimEvent:
        epoch = self.time()
        event = SimEvent(name, event_headers(name, privilege, epoch, fields), epoch)
        for listener in list(self.listeners):
            listener(event)
        return event

    # -- channel events -------------------------------------------------------------

    def newchannel(self, ch: Channel) -> None:
        self.emit("Newchannel", "call,all", ch.snapshot())

    def newstate(self, ch: Channel, state: int) -> None:
        ch.state = state
        self.emit("Newstate", "call,all", ch.snapshot())

    def dtmf_begin(self, ch: Channel, digit: str) -> None:
        """020: on the receiving channel only, `Direction: Received`."""
        fields = [*ch.snapshot(), ("Digit", digit), ("Direction", "Received")]
        self.emit("DTMFBegin", "dtmf,all", fields)

    def dtmf_end(self, ch: Channel, digit: str) -> None:
        """020: `DurationMs: 100` whatever the sender asked for (Local channels)."""
        fields = [
            *ch.snapshot(),
            ("Digit", digit),
            ("DurationMs", "100"),
            ("Direction", "Received"),
        ]
        self.emit("DTMFEnd", "dtmf,all", fields)

    def user_event(self, ch: Channel, name: str, fields: Sequence[Header]) -> None:
        """A dialplan `UserEvent(<name>,Key: value,...)`, channel headers first (021)."""
        self.emit("UserEvent", "user,all", [*ch.snapshot(), ("UserEvent", name), *fields])

    def hangup_request(self, ch: Channel, cause: int) -> None:
        self.emit("HangupRequest", "call,all", [*ch.snapshot(), ("Cause", str(cause))])

    def soft_hangup_request(self, ch: Channel, cause: int = 16) -> None:
        self.emit("SoftHangupRequest", "call,all", [*ch.snapshot(), ("Cause", str(cause))])

    def hangup(self, ch: Channel, cause: int) -> None:
        ch.hung_up = True
        self.emit(
            "Hangup",
            "call,all",
            [
                *ch.snapshot(),
                ("Cause", str(cause)),
                ("Cause-txt", CAUSE_TEXT.get(cause, "Unknown")),
            ],
        )

    def var_set(self, ch: Channel, variable: str, value: str) -> None:
        self.emit(
            "VarSet", "dialplan,all", [*ch.snapshot(), ("Variable", variable), ("Value", value)]
        )

    def dial_begin(self, caller: Channel | None, dest: Channel, dial_string: str) -> None:
        # Without a calling channel (the Originate's own dial) only the Dest* block is sent.
        fields = [*(caller.snapshot() if caller else []), *dest.snapshot("Dest")]
        self.emit("DialBegin", "call,all", [*fields, ("DialString", dial_string)])

    def dial_end(self, caller: Channel | None, dest: Channel, status: str) -> None:
        fields = [*(caller.snapshot() if caller else []), *dest.snapshot("Dest")]
        self.emit("DialEnd", "call,all", [*fields, ("DialStatus", status)])

    def bridge_fields(self, bridge: str, count: int) -> list[Header]:
        return [
            ("BridgeUniqueid", bridge),
            ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"),
            ("BridgeCreator", "<unknown>"),
            ("BridgeName", "<unknown>"),
            ("BridgeNumChannels", str(count)),
            ("BridgeVideoSourceMode", "none"),
        ]

    def bridge_enter(self, bridge: str, count: int, ch: Channel) -> None:
        ch.bridge = bridge
        self.emit("BridgeEnter", "call,all", [*self.bridge_fields(bridge, count), *ch.snapshot()])

    def bridge_leave(self, bridge: str, count: int, ch: Channel) -> None:
        ch.bridge = ""
        self.emit("BridgeLeave", "call,all", [*self.bridge_fields(bridge, count), *ch.snapshot()])

    # -- dialplan and queue events ----------------------------------------------------

    def call_hours(
        self, ch: Channel, team: str, line: str, dialled: str, state: str, source: str
    ) -> None:
        """The generated dialplan's `UserEvent(CallHours,...)`: custom headers after the
        channel's, in the order of the call; `Reason` (empty when open) after `State`, as
        app_userevent prints a `Reason: ${reason}` argument (manager.c: "%s: %s")."""
        self.emit(
            "UserEvent",
            "user,all",
            [
                *ch.snapshot(),
                ("UserEvent", "CallHours"),
                ("Team", team),
                ("Line", line),
                ("Dialled", dialled),
                ("State", state),
                ("Reason", state.partition(":")[2]),
                ("Source", source),
            ],
        )

    def queue_caller(self, name: str, ch: Channel, queue: str, *extra: Header) -> None:
        self.emit(name, "agent,all", [*ch.snapshot(), ("Queue", queue), *extra])

    def agent(
        self,
        name: str,
        ch: Channel,
        dest: Channel | None,
        queue: str,
        interface: str,
        member: str,
        *extra: Header,
    ) -> None:
        fields = [*ch.snapshot(), *(dest.snapshot("Dest") if dest else [])]
        fields += [("Queue", queue), ("Interface", interface), ("MemberName", member), *extra]
        self.emit(name, "agent,all", fields)

    def originate_response(
        self,
        action_id: str | None,
        ok: bool,
        channel: str,
        application: str,
        data: str,
        uniqueid: str,
        cid_num: str,
        cid_name: str,
        *,
        reason: int | None = None,
    ) -> None:
        # README surprise 5: a failed Originate names the dial string and `<unknown>` Uniqueid;
        # Reason 0 for a dialplan that ended unanswered, 3/5/8 for no answer/busy/congestion.
        fields: list[Header] = [] if action_id is None else [("ActionID", action_id)]
        fields += [
            ("Response", "Success" if ok else "Failure"),
            ("Channel", channel),
            ("Application", application),
            ("Data", data),
            ("Reason", str(reason) if reason is not None else "4" if ok else "0"),
            ("Uniqueid", uniqueid),
            ("CallerIDNum", cid_num),
            ("CallerIDName", cid_name),
        ]
        self.emit("OriginateResponse", "call,all", fields)

    def originate_exten_response(
        self,
        action_id: str | None,
        reason: int,
        channel: str,
        context: str,
        exten: str,
        uniqueid: str,
        cid_num: str,
        cid_name: str,
    ) -> None:
        """022: an Originate to Context/Exten echoes them; Reason 4 = Success, else Failure
        with the dial string as Channel and `<unknown>` Uniqueid."""
        fields: list[Header] = [] if action_id is None else [("ActionID", action_id)]
        fields += [
            ("Response", "Success" if reason == 4 else "Failure"),
            ("Channel", channel),
            ("Context", context),
            ("Exten", exten),
            ("Reason", str(reason)),
            ("Uniqueid", uniqueid),
            ("CallerIDNum", cid_num),
            ("CallerIDName", cid_name),
        ]
        self.emit("OriginateResponse", "call,all", fields)

    def dial_state(self, caller: Channel | None, dest: Channel, status: str) -> None:
        fields = [*(caller.snapshot() if caller else []), *dest.snapshot("Dest")]
        self.emit("DialState", "call,all", [*fields, ("DialStatus", status)])

    def cdr(self, record: CdrRecord) -> None:
        self.emit("Cdr", "cdr,all", record.fields())

    def blind_transfer(
        self, transferer: Channel, transferee: Channel, bridge: str, context: str, exten: str
    ) -> None:
        self.emit(
            "BlindTransfer",
            "call,all",
            [
                ("Result", "Success"),
                *transferer.snapshot("Transferer"),
                *transferee.snapshot("Transferee"),
                *self.bridge_fields(bridge, 1),
                ("IsExternal", "Yes"),
                ("Context", context),
                ("Extension", exten),
            ],
        )


def cdr_time(epoch: float | None) -> str:
    """`2026-11-21 08:45:11`: cdr_manager's format (the recorded PBX ran in UTC)."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


class CdrRecord:
    """One Cdr event; fields and their order as recorded, `LinkedID:` mapped at the end."""

    def __init__(
        self,
        channel: Channel,
        destination: str,
        destination_context: str,
        destination_channel: str,
        last_app: str,
        last_data: str,
        start: float,
        answer: float | None,
        end: float,
        *,
        answered: bool | None = None,
        disposition: str | None = None,
    ) -> None:
        self.channel = channel
        # 022: a Dial() row carries its outcome (BUSY, FAILED for congestion).
        self.disposition = disposition
        # 012: a NO ANSWER sibling of an already-answered leg still has AnswerTime set.
        self.answered = answer is not None if answered is None else answered
        self.destination = destination
        self.destination_context = destination_context
        self.destination_channel = destination_channel
        self.last_app = last_app
        self.last_data = last_data
        self.start = start
        self.answer = answer
        self.end = end

    def fields(self) -> list[Header]:
        ch = self.channel
        # cdr.c: whole seconds, truncated (ast_tvdiff_ms / 1000).
        duration = int(self.end - self.start)
        billable = int(self.end - self.answer) if self.answer is not None else 0
        return [
            ("AccountCode", ""),
            ("Source", ch.cid_num),
            ("Destination", self.destination),
            ("DestinationContext", self.destination_context),
            ("CallerID", f'"{ch.cid_name}" <{ch.cid_num}>'),
            ("Channel", ch.name),
            ("DestinationChannel", self.destination_channel),
            ("LastApplication", self.last_app),
            ("LastData", self.last_data),
            ("StartTime", cdr_time(self.start)),
            ("AnswerTime", cdr_time(self.answer)),
            ("EndTime", cdr_time(self.end)),
            ("Duration", str(duration)),
            ("BillableSeconds", str(billable)),
            ("Disposition", self.disposition or ("ANSWERED" if self.answered else "NO ANSWER")),
            ("AMAFlags", "DOCUMENTATION"),
            ("UniqueID", ch.uniqueid),
            ("UserField", ""),
            ("LinkedID", ch.linkedid),
        ]
