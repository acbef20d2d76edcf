"""Simulated channels: names, Uniqueid/Linkedid, state and the snapshot header block.

Formats copied from the traces: `Local/<exten>@<context>-<8 hex digits>;1|2` (one
counter per Local pair, shared by all contexts), Uniqueid `<time()>.<sequence>` with one
global sequence (cdr_manager's dummy channel per Cdr also consumes a number, README
surprise 15), the Linkedid of a call = Uniqueid of the caller's `;1`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from callcenter.simulator.wire import Header

DOWN, RING, RINGING, UP, BUSY = 0, 4, 5, 6, 7
STATE_DESC = {DOWN: "Down", RING: "Ring", RINGING: "Ringing", UP: "Up", BUSY: "Busy"}
UNKNOWN = "<unknown>"


@dataclass
class Channel:
    name: str
    uniqueid: str
    linkedid: str
    context: str
    exten: str
    created: float
    state: int = DOWN
    priority: int = 1
    cid_num: str = UNKNOWN
    cid_name: str = UNKNOWN
    con_num: str = UNKNOWN
    con_name: str = UNKNOWN
    app: str = ""
    app_data: str = ""
    bridge: str = ""
    answered: float | None = None
    hung_up: bool = False

    def snapshot(self, prefix: str = "") -> list[Header]:
        """The channel block every channel event carries (order as in the traces)."""
        return [
            (f"{prefix}Channel", self.name),
            (f"{prefix}ChannelState", str(self.state)),
            (f"{prefix}ChannelStateDesc", STATE_DESC[self.state]),
            (f"{prefix}CallerIDNum", self.cid_num),
            (f"{prefix}CallerIDName", self.cid_name),
            (f"{prefix}ConnectedLineNum", self.con_num),
            (f"{prefix}ConnectedLineName", self.con_name),
            (f"{prefix}Language", "en"),
            (f"{prefix}AccountCode", ""),
            (f"{prefix}Context", self.context),
            (f"{prefix}Exten", self.exten),
            (f"{prefix}Priority", str(self.priority)),
            (f"{prefix}Uniqueid", self.uniqueid),
            (f"{prefix}Linkedid", self.linkedid),
        ]

    def set_caller(self, number: str, name: str) -> None:
        self.cid_num, self.cid_name = number, name
        self.con_num, self.con_name = number, name


@dataclass
class LocalPair:
    """Both halves of a Local channel: `;1` is the dialled side, `;2` runs the dialplan."""

    one: Channel
    two: Channel


@dataclass
class IdAllocator:
    """Uniqueid sequence, Local channel counter and bridge ids of one simulated PBX run."""

    time: Callable[[], float]
    sequence: int = 0
    local_counter: int = 0
    channels: dict[str, Channel] = field(default_factory=dict)

    def uniqueid(self) -> str:
        value = f"{int(self.time())}.{self.sequence}"
        self.sequence += 1
        return value

    def skip(self) -> None:
        """Consume one sequence number (cdr_manager's dummy channel per Cdr event)."""
        self.sequence += 1

    def local_pair(self, exten: str, context: str, linkedid: str | None = None) -> LocalPair:
        base = f"Local/{exten}@{context}-{self.local_counter:08x}"
        self.local_counter += 1
        now = self.time()
        first_id = self.uniqueid()
        linked = linkedid or first_id
        one = Channel(f"{base};1", first_id, linked, context, exten, now, state=DOWN)
        two = Channel(f"{base};2", self.uniqueid(), linked, context, exten, now, state=RING)
        self.channels[one.name] = one
        self.channels[two.name] = two
        return LocalPair(one, two)

    def forget(self, channel: Channel) -> None:
        channel.hung_up = True
        self.channels.pop(channel.name, None)

    @staticmethod
    def bridge_id() -> str:
        return str(uuid.uuid4())
