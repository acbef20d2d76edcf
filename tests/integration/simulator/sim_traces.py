"""The recorded traces, read with our own parser, reduced to what the contract compares.

`contract_view` turns a list of AMI events (recorded or simulated) into three views that
ignore ids and times, and that respect where Asterisk itself is not deterministic:

* `app`: the global order of the dialplan/queue events (UserEvent CallHours and
  CallbackRequested, Queue*, Agent*, BlindTransfer, VarSet QUEUESTATUS, READSTATUS and
  CBDIGIT) with their key fields;
* `channels`: per channel (named by order of first appearance), the order of its channel
  events (Newchannel, Newstate, DialBegin/DialEnd, BridgeEnter/Leave, HangupRequest,
  SoftHangupRequest, Hangup, DTMFBegin/DTMFEnd) with their key fields;
* `records`: per call, the multiset of Cdr and OriginateResponse events.

Why not one global order: Asterisk runs each channel in its own thread, so events of
different channels interleave differently for the same situation (001 vs 009 vs 014 at
the agent's hangup), cdr_manager and OriginateResponse are asynchronous (README
surprises 5 and 8). Within a channel, and for the application events, the order is fixed.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from recordings import ASTERISK22

from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser

REPO = Path(__file__).resolve().parents[3]
TRACES_ROOT = ASTERISK22
TRACE_DIR = TRACES_ROOT / "traces"

APP_EVENTS = {
    "UserEvent",
    "QueueCallerJoin",
    "QueueCallerLeave",
    "QueueCallerAbandon",
    "AgentCalled",
    "AgentConnect",
    "AgentComplete",
    "AgentRingNoAnswer",
    "BlindTransfer",
    "VarSet",
}
CHANNEL_EVENTS = {
    "Newchannel",
    "Newstate",
    "DialBegin",
    "DialEnd",
    "BridgeEnter",
    "BridgeLeave",
    "HangupRequest",
    "SoftHangupRequest",
    "Hangup",
    "DTMFBegin",
    "DTMFEnd",
}
RECORD_EVENTS = {"Cdr", "OriginateResponse"}
CONTRACT_EVENTS = APP_EVENTS | CHANNEL_EVENTS | RECORD_EVENTS

APP_KEYS = (
    "ChannelStateDesc",
    "Context",
    "Exten",
    "UserEvent",
    "Team",
    "Line",
    "Dialled",
    "State",
    "Reason",
    "Source",
    "Queue",
    "Position",
    "Count",
    "OriginalPosition",
    "Interface",
    "MemberName",
    "Result",
    "Extension",
    "IsExternal",
    "Variable",
    "Value",
    "Number",
)
CHANNEL_KEYS = (
    "ChannelStateDesc",
    "Context",
    "Exten",
    "DialStatus",
    "Cause",
    "Cause-txt",
    "Digit",
    "DurationMs",
    "Direction",
)
# Channel variables the product reads (Queue()'s result, Read()'s key and status, 021).
COMPARED_VARIABLES = ("QUEUESTATUS", "READSTATUS", "CBDIGIT")
# Dialplan UserEvents the product reads (the recorded dialplans' CallHours, 021's request).
COMPARED_USEREVENTS = ("CallHours", "CallbackRequested")
CDR_KEYS = (
    "Source",
    "Destination",
    "DestinationContext",
    "CallerID",
    "LastApplication",
    "LastData",
    "Disposition",
    "AMAFlags",
    "UserField",
)
ORIGINATE_KEYS = (
    "Response",
    "Application",
    "Data",
    "Context",
    "Exten",
    "Reason",
    "CallerIDNum",
    "CallerIDName",
)
# Whole seconds computed from time() differences: Asterisk itself reports the same ring as
# RingTime 1 or 2 (001 vs 012, README surprise 10), so RingTime is not compared and
# Duration/BillableSeconds are compared to within one second.
NEAR_KEYS = ("Duration", "BillableSeconds")
APP_NEAR_KEYS = ("HoldTime", "TalkTime")

_LOCAL = re.compile(r"^(Local/[^@]+@[^-;]+(?:-[a-z]+)*)-([0-9a-f]{8});([12])$")


def without_added_reason(events: Sequence[AmiEvent]) -> list[AmiEvent]:
    """The simulator's events as the recorded dialplan would have sent them.

    The generated dialplan's `UserEvent(CallHours, ...)` carries `Reason:` right after
    `State:` (the reason part of the state, empty when open); the recorded dialplan had
    no such argument. Checks that addition and removes it, so that everything else can be
    compared with the traces.
    """
    out = []
    for event in events:
        if event.name == "UserEvent" and event.get("UserEvent") == "CallHours":
            keys = list(event.headers)
            assert keys[keys.index("State") + 1] == "Reason", keys
            assert keys[keys.index("Reason") + 1] == "Source", keys
            assert event["Reason"] == event["State"].partition(":")[2], dict(event.headers)
            headers = {k: v for k, v in event.headers.items() if k != "Reason"}
            event = AmiEvent(event.name, MappingProxyType(headers), event.timestamp)
        out.append(event)
    return out


def load_events(path: Path) -> list[AmiEvent]:
    parser = FrameParser()
    return [m for m in parser.feed(path.read_bytes()) if isinstance(m, AmiEvent)]


@dataclass(frozen=True)
class Send:
    at: float  # seconds after the Login was sent
    name: str
    fields: tuple[tuple[str, str], ...]
    raw: str


def recorded_sends(path: Path) -> list[Send]:
    """The actions the recording script sent on this connection, with their timing."""
    entries = [json.loads(line) for line in Path(f"{path}.session.jsonl").read_text().splitlines()]
    sends = [e for e in entries if e["dir"] == "send"]
    login_at = sends[0]["t"]
    out = []
    for entry in sends:
        fields = []
        for line in entry["data"].split("\r\n"):
            if line:
                key, _, value = line.partition(": ")
                fields.append((key, value))
        name = fields[0][1]
        out.append(Send(entry["t"] - login_at, name, tuple(fields[1:]), entry["data"]))
    return out


class Namer:
    """Replaces channel names and ids by their order of first appearance.

    Local pairs are numbered per `Local/<exten>@<context>`: pairs of different calls that
    Asterisk created within a millisecond of each other (022: a customer's line and the
    next staff phone) may appear in either order; pairs of the same name keep theirs."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], int] = {}
        self.per_base: dict[str, int] = {}
        self.ids: dict[str, int] = {}

    def channel(self, name: str | None) -> str:
        if not name:
            return ""
        match = _LOCAL.match(name)
        if match is None:
            return name
        base, counter, half = match.groups()
        if (base, counter) not in self.pairs:
            self.pairs[(base, counter)] = self.per_base.get(base, 0)
            self.per_base[base] = self.pairs[(base, counter)] + 1
        return f"{base}-#{self.pairs[(base, counter)]};{half}"

    def id(self, value: str | None) -> str:
        if not value or "." not in value:
            return value or ""
        return f"#{self.ids.setdefault(value, len(self.ids))}"


def _pick(event: AmiEvent, keys: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple((key, event[key]) for key in keys if key in event)


@dataclass
class ContractView:
    app: list[tuple[object, ...]]
    app_times: list[float]
    channels: dict[str, list[tuple[object, ...]]]
    records: dict[str, Counter[tuple[object, ...]]]
    names: list[str]


def contract_view(events: Sequence[AmiEvent]) -> ContractView:
    namer = Namer()
    app: list[tuple[object, ...]] = []
    app_times: list[float] = []
    channels: dict[str, list[tuple[object, ...]]] = {}
    records: dict[str, Counter[tuple[object, ...]]] = {}
    names: list[str] = []
    for event in events:
        name = event.name
        if name not in CONTRACT_EVENTS:
            continue
        if name == "VarSet" and event.get("Variable") not in COMPARED_VARIABLES:
            continue
        if name == "UserEvent" and event.get("UserEvent") not in COMPARED_USEREVENTS:
            continue
        names.append(name)
        if name == "Newchannel":
            namer.id(event.get("Linkedid"))  # calls numbered in order of their first channel
        channel = namer.channel(event.get("Channel"))
        dest = namer.channel(event.get("DestChannel"))
        if name in APP_EVENTS:
            extra = (
                namer.channel(event.get("TransfererChannel")),
                namer.channel(event.get("TransfereeChannel")),
            )
            near = tuple((k, int(event[k])) for k in APP_NEAR_KEYS if k in event)
            app.append((name, channel, dest, *extra, _pick(event, APP_KEYS), near))
            app_times.append(event.timestamp or 0.0)
        elif name in CHANNEL_EVENTS:
            owner = channel or dest
            channels.setdefault(owner, []).append(
                (name, dest if channel else "", _pick(event, CHANNEL_KEYS))
            )
        elif name == "Cdr":
            call = namer.id(event.get("LinkedID"))
            near = tuple((k, int(event[k])) for k in NEAR_KEYS if k in event)
            key = (
                name,
                channel,
                namer.channel(event.get("DestinationChannel")),
                _pick(event, CDR_KEYS),
            )
            records.setdefault(call, Counter())[(*key, near)] += 1
        else:
            call_key = "originate"
            key = (name, _pick(event, ORIGINATE_KEYS), ())
            records.setdefault(call_key, Counter())[key] += 1
    for events in channels.values():
        _settle_ringing_race(events)
    return ContractView(app, app_times, channels, records, names)


def _settle_ringing_race(events: list[tuple[object, ...]]) -> None:
    """An originated Local `;1` reports `Newstate Ringing` before or after the Originate's
    own `DialBegin` (022: both orders in one recording, for the same dialplan): put the
    pair in one order so that the race is not compared."""
    for index in range(len(events) - 1):
        first, second = events[index], events[index + 1]
        ringing = first[0] == "Newstate" and ("ChannelStateDesc", "Ringing") in first[2]  # type: ignore[operator]
        if ringing and second[0] == "DialBegin" and second[1] == "":
            events[index], events[index + 1] = second, first


# Application events of different calls that Asterisk emitted within this many seconds of
# each other raced (014: caller 17 hung up 2 ms after caller 5's ring round began), so
# their relative order is not compared; each call's own order still is.
RACE_WINDOW = 0.02


def app_equal(recorded: ContractView, simulated: ContractView) -> bool:
    """Same application events in the same order (modulo cross-call races within
    RACE_WINDOW of the recording); HoldTime/TalkTime within one second."""
    left_all, right_all = recorded.app, simulated.app
    if len(left_all) != len(right_all):
        return False
    start = 0
    while start < len(left_all):
        end = start + 1
        times = recorded.app_times
        while end < len(left_all) and times[end] - times[end - 1] < RACE_WINDOW:
            end += 1
        if not _same_cluster(left_all[start:end], right_all[start:end]):
            return False
        start = end
    return True


def _same_cluster(left: list[tuple[object, ...]], right: list[tuple[object, ...]]) -> bool:
    def by_call(rows: list[tuple[object, ...]]) -> dict[object, list[tuple[object, ...]]]:
        calls: dict[object, list[tuple[object, ...]]] = {}
        for row in rows:
            calls.setdefault(row[1] or row[4], []).append(row)  # caller channel (transferee)
        return calls

    left_calls, right_calls = by_call(left), by_call(right)
    if left_calls.keys() != right_calls.keys():
        return False
    for call, rows in left_calls.items():
        others = right_calls[call]
        if len(rows) != len(others):
            return False
        for a, b in zip(rows, others, strict=True):
            if a[:-1] != b[:-1] or not _near(a[-1], b[-1]):
                return False
    return True


def _near(left: object, right: object) -> bool:
    pairs = zip(left, right, strict=True)  # type: ignore[call-overload]
    return all(a[0] == b[0] and abs(a[1] - b[1]) <= 1 for a, b in pairs)


def near_equal(
    recorded: Counter[tuple[object, ...]], simulated: Counter[tuple[object, ...]]
) -> bool:
    """Cdr multisets equal, Duration/BillableSeconds within one second."""
    left = sorted(recorded.elements(), key=repr)
    right = sorted(simulated.elements(), key=repr)
    if len(left) != len(right):
        return False
    unmatched = list(right)
    for item in left:
        for candidate in unmatched:
            if candidate[:-1] == item[:-1] and _near(item[-1], candidate[-1]):
                unmatched.remove(candidate)
                break
        else:
            return False
    return True


def _diff(recorded: list[object], simulated: list[object]) -> str:
    lines = difflib.unified_diff(
        [repr(r) for r in recorded], [repr(s) for s in simulated], "trace", "sim", lineterm=""
    )
    return "\n".join(lines)


def assert_conforms(recorded_events: list[AmiEvent], simulated_events: list[AmiEvent]) -> None:
    """The simulator's events are the recording's, as `contract_view` compares them; and
    every simulated event has a header layout Asterisk sent in this recording."""
    recorded = contract_view(recorded_events)
    simulated = contract_view(simulated_events)

    layouts: dict[str, set[tuple[str, ...]]] = {}
    for event in recorded_events:
        layouts.setdefault(event.name, set()).add(tuple(event.headers))
    for event in simulated_events:
        if event.name in layouts:
            assert tuple(event.headers) in layouts[event.name], event.name

    missing = Counter(recorded.names) - Counter(simulated.names)
    extra = Counter(simulated.names) - Counter(recorded.names)
    assert (dict(missing), dict(extra)) == ({}, {}), f"missing {missing}, extra {extra}"
    assert app_equal(recorded, simulated), _diff(recorded.app, simulated.app)
    assert set(simulated.channels) == set(recorded.channels), (
        sorted(recorded.channels),
        sorted(simulated.channels),
    )
    for channel, events in recorded.channels.items():
        assert simulated.channels[channel] == events, f"{channel}\n" + _diff(
            events, simulated.channels[channel]
        )
    assert set(simulated.records) == set(recorded.records)
    for call, records in recorded.records.items():
        assert near_equal(records, simulated.records[call]), _diff(
            sorted(records.elements(), key=repr),
            sorted(simulated.records[call].elements(), key=repr),
        )
