"""State shared by the parts of the simulated PBX (ids, events, clock, AstDB, devices)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from callcenter.simulator.astdb import AstDb
from callcenter.simulator.call import Call
from callcenter.simulator.channels import Channel, IdAllocator
from callcenter.simulator.clock import SimClock
from callcenter.simulator.events import CdrRecord, EventBus
from callcenter.simulator.model import PbxModel
from callcenter.simulator.routing import NumberPlan


@dataclass
class MemberState:
    paused: bool = False
    reason: str = ""
    paused_at: int = 0
    calls_taken: int = 0
    last_call: int = 0


@dataclass
class Runtime:
    model: PbxModel
    clock: SimClock
    db: AstDb
    bus: EventBus
    ids: IdAllocator
    rng: random.Random
    fallback: Callable[[str, datetime], str]
    plan: NumberPlan
    # Device state of member interfaces: a member in a call is not rung (ringinuse=no).
    in_use: Counter[str] = field(default_factory=Counter)
    members: dict[tuple[str, str], MemberState] = field(default_factory=dict)
    calls: dict[str, Call] = field(default_factory=dict)  # by linkedid
    # (team, Playback data) of each estimated-wait sentence said before a queue (issue 20).
    wait_announcements: list[tuple[str, str]] = field(default_factory=list)

    def member(self, queue: str, interface: str) -> MemberState:
        return self.members.setdefault((queue, interface), MemberState())

    def emit_cdr(
        self,
        channel: Channel,
        destination: str,
        context: str,
        app: tuple[str, str],
        start: float,
        answer: float | None,
        *,
        peer: str = "",
        end: float | None = None,
        answered: bool | None = None,
        disposition: str | None = None,
    ) -> None:
        """One Cdr row (`app`: its LastApp and LastData), ending now unless `end` is given.
        cdr_manager sends each through a dummy channel that takes a unique id: skipped here
        so that the following channels get the ids the recordings show."""
        record = CdrRecord(
            channel, destination, context, peer, app[0], app[1], start, answer,
            self.clock.time() if end is None else end,
            answered=answered, disposition=disposition,
        )  # fmt: skip
        self.bus.cdr(record)
        self.ids.skip()
