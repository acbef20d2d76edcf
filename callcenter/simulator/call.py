"""One simulated inbound call and the waiting primitives its dialplan coroutine uses."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from enum import StrEnum

from callcenter.simulator.channels import Channel, LocalPair
from callcenter.simulator.clock import SimClock


class Outcome(StrEnum):
    """What became of a call, for the simulator's report."""

    ANSWERED = "answered"
    ABANDONED = "abandoned"
    TIMEOUT = "timeout"
    ANNOUNCEMENT = "announcement"
    ANNOUNCEMENT_HUNGUP = "announcement_hungup"
    DIRECT_ANSWERED = "direct_answered"
    DIRECT_UNANSWERED = "direct_unanswered"
    DIRECT_ABANDONED = "direct_abandoned"
    QUEUE_EMPTY = "queue_empty"
    SWITCHBOARD_ONLY = "switchboard_only"
    UNROUTABLE = "unroutable"


@dataclass
class DialAttempt:
    """One member rung from the caller's `;2`: becomes one Cdr of that leg."""

    pair: LocalPair
    interface: str
    member: str
    started: float
    answered: float | None = None
    ended: float | None = None
    cdr_start: float = 0.0
    cdr_answer: float | None = None
    app: str = "Queue"
    app_data: str = ""
    destination: str = ""


@dataclass
class Call:
    """The caller's Local pair: `;1` is the caller's phone, `;2` runs `[from-pstn]`."""

    pair: LocalPair
    number: str
    action_id: str | None
    application: str
    data: str
    team: str = ""
    line_kind: str = ""
    hangup_requested: asyncio.Event = field(default_factory=asyncio.Event)
    hangup_cause: int = 16
    transfer_requested: asyncio.Event = field(default_factory=asyncio.Event)
    connected: asyncio.Event = field(default_factory=asyncio.Event)  # a member answered
    transfer_target: tuple[str, str, bool] | None = None  # (context, exten, blind)
    attempts: list[DialAttempt] = field(default_factory=list)
    # The leg's Cdrs were written (a queue timed out): a later Queue() on the same `;2`
    # starts a new CDR segment at its first dial (024).
    cdr_forked: bool = False
    outcome: Outcome | None = None
    transferred: bool = False
    connected_at: float | None = None
    leg_started: float | None = None  # a transfer into an announcement starts one more Cdr
    leg_exten: str = ""
    agent: LocalPair | None = None  # the member bridged with the caller right now
    task: asyncio.Task[None] | None = None
    # Keys the caller pressed (DTMFEnd on `;2`), not yet read by the dialplan.
    digits: list[str] = field(default_factory=list)
    digit_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # `Originate ... Context/Exten` instead of Application: the caller's `;1` runs that
    # extension of the scripted dialplan after answer (020, 021).
    caller_script: tuple[str, str] | None = None

    def take_digit(self) -> str | None:
        if not self.digits:
            self.digit_arrived.clear()
            return None
        digit = self.digits.pop(0)
        if not self.digits:
            self.digit_arrived.clear()
        return digit

    @property
    def one(self) -> Channel:
        return self.pair.one

    @property
    def two(self) -> Channel:
        return self.pair.two

    @property
    def linkedid(self) -> str:
        return self.pair.one.linkedid

    @property
    def talk_limit(self) -> float | None:
        """`Wait(N)` of the Originate: the caller hangs up N s after being answered."""
        if self.application.lower() != "wait":
            return None
        try:
            return float(self.data)
        except ValueError:
            return None

    def request_hangup(self, cause: int = 16) -> None:
        if not self.hangup_requested.is_set():
            self.hangup_cause = cause
            self.hangup_requested.set()

    def first_outcome(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self.outcome = outcome


async def wait_first(clock: SimClock, until: float | None, *events: asyncio.Event) -> int:
    """Wait until one event is set (its index) or simulated time `until` passes (-1)."""
    for index, event in enumerate(events):
        if event.is_set():
            return index
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    sleeper = asyncio.ensure_future(clock.sleep_until(until)) if until is not None else None
    pending = [*waiters, *([sleeper] if sleeper else [])]
    try:
        await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    for index, event in enumerate(events):
        if event.is_set():
            return index
    return -1
