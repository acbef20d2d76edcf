"""app_queue as the recordings show it: ringall, ringinuse=no, ring timeout, retry, timeout.

Only the head caller rings (ringall serves one caller at a time); the others look again
once a second from their join time (app_queue's RECHECK), which is why the next caller
in trace 014 rings ~80 ms after the head left. A ring round that started while a member
was busy is not extended when that member becomes free (README surprise 18).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from callcenter.simulator.call import Call, DialAttempt, Outcome, wait_first
from callcenter.simulator.channels import RINGING, UP
from callcenter.simulator.model import Member, QueueConfig
from callcenter.simulator.runtime import Runtime

logger = logging.getLogger(__name__)

RECHECK = 1.0

Hook = Callable[[], None]


def run_hooks(hooks: list[Hook]) -> None:
    """Run deferred event emitters once, in order (transfers interleave with the queue)."""
    while hooks:
        hooks.pop(0)()


class QueueExit(StrEnum):
    CONNECTED = "connected"
    ABANDONED = "abandoned"
    TIMEOUT = "timeout"
    JOINEMPTY = "joinempty"


@dataclass
class Entry:
    call: Call
    joined: float
    original_position: int
    position_said_at: float | None = None  # the last position announcement
    periodic_said_at: float | None = None  # the last periodic one (None: since the join)


@dataclass
class QueueResult:
    exit: QueueExit
    attempt: DialAttempt | None = None
    joined: float = 0.0


@dataclass
class QueueRuntime:
    config: QueueConfig
    entries: list[Entry] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def position(self, entry: Entry) -> int:
        return self.entries.index(entry) + 1


class Queues:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.queues = {name: QueueRuntime(cfg) for name, cfg in rt.model.queues.items()}

    def available(self, queue: QueueRuntime) -> list[Member]:
        rt = self.rt
        return [
            m
            for m in queue.config.members
            if not rt.member(queue.config.name, m.interface).paused and not rt.in_use[m.interface]
        ]

    async def run(
        self, call: Call, name: str, before_called: list[Hook], after_called: list[Hook]
    ) -> QueueResult:
        """Queue(<name>,t,,,<timeout>) for one caller; emits every queue-side event."""
        rt, bus = self.rt, self.rt.bus
        queue = self.queues[name]
        cfg = queue.config
        caller = call.two
        caller.priority = 3
        caller.app, caller.app_data = "Queue", cfg.app_data
        joined = rt.clock.time()
        if all(rt.member(name, m.interface).paused for m in cfg.members):
            # joinempty=paused,unavailable,invalid: Queue() returns at once (SYNTHESISED order).
            bus.var_set(caller, "QUEUESTATUS", "JOINEMPTY")
            return QueueResult(QueueExit.JOINEMPTY, joined=joined)
        entry = Entry(call, joined, len(queue.entries) + 1)
        queue.entries.append(entry)
        bus.queue_caller(
            "QueueCallerJoin",
            caller,
            name,
            ("Position", str(entry.original_position)),
            ("Count", str(len(queue.entries))),
        )
        deadline = joined + cfg.wait_timeout
        next_check = loop_at = joined
        try:
            while True:
                if queue.entries[0] is entry and self.available(queue):
                    result = await self._ring_round(
                        call, queue, entry, deadline, before_called, after_called
                    )
                    if result is not None:
                        return result
                    next_check = rt.clock.time() + cfg.retry
                    until = min(next_check, deadline)
                elif cfg.announce_frequency or cfg.periodic_frequency:
                    # 023: a waiting caller's loop is: is it my turn, the announcements
                    # that are due (they take their time), a second's wait.
                    # Kept on an ideal timeline (`loop_at`): a late event loop must not
                    # add its delays up over the iterations.
                    loop_at = max(loop_at, rt.clock.time() - RECHECK)
                    loop_at, gone = await self._announce(queue, entry, loop_at, deadline)
                    if gone:
                        self._abandon_waiting(call, queue, entry)
                        return QueueResult(QueueExit.ABANDONED, joined=joined)
                    loop_at += RECHECK
                    until = min(loop_at, deadline)
                else:
                    while next_check <= rt.clock.time():
                        next_check += RECHECK
                    until = min(next_check, deadline)
                hit = await wait_first(rt.clock, until, call.hangup_requested)
                if hit == 0:
                    self._abandon_waiting(call, queue, entry)
                    return QueueResult(QueueExit.ABANDONED, joined=joined)
                if rt.clock.time() >= deadline:
                    self._timeout_waiting(call, queue, entry)
                    return QueueResult(QueueExit.TIMEOUT, joined=joined)
        finally:
            if entry in queue.entries:
                queue.entries.remove(entry)

    async def _announce(
        self, queue: QueueRuntime, entry: Entry, now: float, deadline: float
    ) -> tuple[float, bool]:
        """The position and periodic announcements of a waiting caller, when due
        (README-v3 023: "there are / N / calls waiting", "thank you" every
        announce-frequency seconds from the join, the periodic one every
        periodic-announce-frequency seconds); no AMI event of their own (surprise 8), only
        their length. (When they end, True if the caller hung up meanwhile.)"""
        rt, cfg = self.rt, queue.config
        files: list[str] = []
        said = entry.position_said_at
        if cfg.announce_frequency and (said is None or now - said >= cfg.announce_frequency):
            position = queue.position(entry)
            files += (
                ["queue-youarenext"]
                if position == 1
                else ["queue-thereare", f"digits/{position}", "queue-callswaiting"]
            )
            files.append("queue-thankyou")
            entry.position_said_at = now
        periodic_from = entry.periodic_said_at or entry.joined
        if cfg.periodic_frequency and now - periodic_from >= cfg.periodic_frequency:
            files.append(cfg.periodic_announce)
            entry.periodic_said_at = now
        if not files:
            return now, False
        seconds = rt.model.sound_length(files)
        until = min(now + seconds, deadline)
        return until, await wait_first(rt.clock, until, entry.call.hangup_requested) == 0

    # -- one ring round -------------------------------------------------------------------

    async def _ring_round(
        self,
        call: Call,
        queue: QueueRuntime,
        entry: Entry,
        deadline: float,
        before_called: list[Hook],
        after_called: list[Hook],
    ) -> QueueResult | None:
        rt, bus = self.rt, self.rt.bus
        cfg = queue.config
        caller = call.two
        started = rt.clock.time()
        attempts: list[DialAttempt] = []
        for index, member in enumerate(self.available(queue)):
            pair = rt.ids.local_pair(member.exten, member.context, call.linkedid)
            bus.newchannel(pair.one)
            bus.newchannel(pair.two)
            pair.one.set_caller(caller.cid_num, caller.cid_name)
            pair.two.set_caller(caller.cid_num, caller.cid_name)
            attempt = DialAttempt(
                pair,
                member.interface,
                member.name,
                started,
                app_data=cfg.app_data,
                destination=caller.exten,
            )
            # cdr.c: the first dial of a leg keeps the leg's CDR start; later ones fork a new CDR.
            first = not call.attempts and not call.cdr_forked
            attempt.cdr_start = caller.created if first else started
            # An already answered leg (switchboard) counts as answered from the ring on (012).
            attempt.cdr_answer = max(started, caller.answered) if caller.answered else None
            call.attempts.append(attempt)
            attempts.append(attempt)
            if index == 0:
                run_hooks(before_called)
            bus.agent("AgentCalled", caller, pair.one, cfg.name, member.interface, member.name)
            bus.dial_begin(caller, pair.one, member.interface)
            if index == 0:
                run_hooks(after_called)
        for attempt in attempts:
            attempt.pair.one.exten = caller.exten
            attempt.pair.two.priority = 2
            bus.newstate(attempt.pair.one, RINGING)
        answer_at: dict[int, float] = {}
        for number, attempt in enumerate(attempts):
            delay = rt.model.phone(attempt.interface).answer_after(rt.rng)
            if delay is not None and delay < cfg.ring_timeout:
                answer_at[number] = started + delay
        first_answer = min(answer_at.items(), key=lambda item: item[1], default=None)
        ring_end = started + cfg.ring_timeout
        until = min(ring_end, deadline, first_answer[1] if first_answer else ring_end)
        hit = await wait_first(rt.clock, until, call.hangup_requested)
        now = rt.clock.time()
        if hit == 0:
            self._abandon_ringing(call, queue, entry, attempts)
            return QueueResult(QueueExit.ABANDONED, joined=entry.joined)
        if first_answer is not None and first_answer[1] <= min(ring_end, deadline):
            winner = attempts[first_answer[0]]
            self._connect(call, queue, entry, winner, [a for a in attempts if a is not winner])
            return QueueResult(QueueExit.CONNECTED, winner, entry.joined)
        if now >= deadline and deadline <= ring_end:
            self._ring_no_answer(call, queue, attempts, now, timeout=True, entry=entry)
            return QueueResult(QueueExit.TIMEOUT, joined=entry.joined)
        self._ring_no_answer(call, queue, attempts, now, timeout=False, entry=entry)
        return None

    # -- event sequences (orders from the traces named) -----------------------------------

    def _connect(
        self,
        call: Call,
        queue: QueueRuntime,
        entry: Entry,
        winner: DialAttempt,
        losers: list[DialAttempt],
    ) -> None:
        """001 (caller ringing) / 012 (switchboard caller already Up)."""
        rt, bus = self.rt, self.rt.bus
        caller = call.two
        name = queue.config.name
        now = rt.clock.time()
        already_up = caller.state == UP
        winner.answered = now
        rt.in_use[winner.interface] += 1
        agent = winner.pair
        agent.two.priority = 3
        agent.two.answered = agent.one.answered = now
        bus.newstate(agent.two, UP)
        bus.newstate(agent.one, UP)
        bus.dial_end(caller, agent.one, "ANSWER")
        for loser in losers:
            loser.ended = now
            bus.dial_end(caller, loser.pair.one, "CANCEL")
            bus.dial_end(caller, loser.pair.one, "CANCEL")
            bus.hangup_request(loser.pair.two, 26)
            bus.soft_hangup_request(loser.pair.two, 16)
            bus.hangup(loser.pair.one, 26)
            rt.ids.forget(loser.pair.one)
        position = queue.position(entry)
        queue.entries.remove(entry)
        queue.changed.set()
        bus.queue_caller(
            "QueueCallerLeave",
            caller,
            name,
            ("Position", str(position)),
            ("Count", str(len(queue.entries))),
        )
        hold = int(now) - int(entry.joined)
        ring = int(now) - int(winner.started)
        bus.agent(
            "AgentConnect",
            caller,
            agent.one,
            name,
            winner.interface,
            winner.member,
            ("HoldTime", str(hold)),
            ("RingTime", str(ring)),
        )
        for loser in losers:
            bus.hangup(loser.pair.two, 26)
            rt.ids.forget(loser.pair.two)
        bridge = rt.ids.bridge_id()
        if not already_up:
            caller.answered = call.one.answered = now
            winner.cdr_answer = now
            bus.newstate(caller, UP)
            bus.newstate(call.one, UP)
        bus.bridge_enter(bridge, 1, agent.one)
        if not already_up:
            answered_originate(rt, call)
        bus.bridge_enter(bridge, 2, caller)
        call.connected_at = now
        call.connected.set()
        state = rt.member(name, winner.interface)
        state.calls_taken += 1
        state.last_call = int(now)

    def _cancel_ringing(self, call: Call, attempts: list[DialAttempt], cause: int) -> None:
        """A member leg cancelled (caller gone or ring timeout): 002/003 order."""
        bus = self.rt.bus
        for attempt in attempts:
            attempt.ended = self.rt.clock.time()
            bus.dial_end(call.two, attempt.pair.one, "CANCEL")
            bus.dial_end(call.two, attempt.pair.one, "CANCEL")
            bus.hangup_request(attempt.pair.two, cause)
            bus.hangup(attempt.pair.one, cause)
            self.rt.ids.forget(attempt.pair.one)

    def _finish_member_legs(self, attempts: list[DialAttempt]) -> None:
        bus = self.rt.bus
        for attempt in attempts:
            bus.soft_hangup_request(attempt.pair.two, 16)
            bus.hangup(attempt.pair.two, 0)
            self.rt.ids.forget(attempt.pair.two)

    def _ring_no_answer(
        self,
        call: Call,
        queue: QueueRuntime,
        attempts: list[DialAttempt],
        now: float,
        *,
        timeout: bool,
        entry: Entry,
    ) -> None:
        """003 at 15.00 (ring timeout) and at 30.01 (cut by the queue timeout)."""
        bus = self.rt.bus
        name = queue.config.name
        for attempt in attempts:
            ring_ms = (int(now) - int(attempt.started)) * 1000
            bus.agent(
                "AgentRingNoAnswer",
                call.two,
                attempt.pair.one,
                name,
                attempt.interface,
                attempt.member,
                ("RingTime", str(ring_ms)),
            )
        for attempt in attempts:
            attempt.ended = now
            bus.dial_end(call.two, attempt.pair.one, "NOANSWER")
            bus.dial_end(call.two, attempt.pair.one, "CANCEL")
            bus.hangup_request(attempt.pair.two, 0)
            bus.hangup(attempt.pair.one, 0)
            self.rt.ids.forget(attempt.pair.one)
            bus.soft_hangup_request(attempt.pair.two, 16)
        if timeout:
            self._abandon_event(call, queue, entry)
        for attempt in attempts:
            bus.hangup(attempt.pair.two, 0)
            self.rt.ids.forget(attempt.pair.two)
        if timeout:
            emit_attempt_cdrs(self.rt, call)
            self._leave(call, queue, entry)
            bus.var_set(call.two, "QUEUESTATUS", "TIMEOUT")

    def _abandon_event(self, call: Call, queue: QueueRuntime, entry: Entry) -> None:
        now = self.rt.clock.time()
        self.rt.bus.queue_caller(
            "QueueCallerAbandon",
            call.two,
            queue.config.name,
            ("Position", str(queue.position(entry))),
            ("OriginalPosition", str(entry.original_position)),
            ("HoldTime", str(int(now) - int(entry.joined))),
        )

    def _leave(self, call: Call, queue: QueueRuntime, entry: Entry) -> None:
        position = queue.position(entry)
        queue.entries.remove(entry)
        queue.changed.set()
        self.rt.bus.queue_caller(
            "QueueCallerLeave",
            call.two,
            queue.config.name,
            ("Position", str(position)),
            ("Count", str(len(queue.entries))),
        )

    def _abandon_ringing(
        self, call: Call, queue: QueueRuntime, entry: Entry, attempts: list[DialAttempt]
    ) -> None:
        """002: the caller hangs up while members ring."""
        bus = self.rt.bus
        call.first_outcome(Outcome.ABANDONED)
        bus.dial_end(None, call.one, "NOANSWER")
        bus.hangup_request(call.two, call.hangup_cause)
        self._cancel_ringing(call, attempts, 0)
        self._abandon_event(call, queue, entry)
        self._finish_member_legs(attempts)
        failed_originate(self.rt, call)
        bus.hangup(call.one, call.hangup_cause)
        self._leave(call, queue, entry)
        bus.soft_hangup_request(call.two, 16)
        emit_attempt_cdrs(self.rt, call)
        bus.hangup(call.two, 16)

    def _abandon_waiting(self, call: Call, queue: QueueRuntime, entry: Entry) -> None:
        """014 (callers 6, 10, ...): the caller hangs up while waiting, nobody rings for it."""
        bus = self.rt.bus
        call.first_outcome(Outcome.ABANDONED)
        bus.dial_end(None, call.one, "NOANSWER")
        bus.hangup_request(call.two, call.hangup_cause)
        failed_originate(self.rt, call)
        bus.hangup(call.one, call.hangup_cause)
        self._abandon_event(call, queue, entry)
        self._leave(call, queue, entry)
        bus.soft_hangup_request(call.two, 16)
        emit_attempt_cdrs(self.rt, call)
        bus.hangup(call.two, 16)

    def _timeout_waiting(self, call: Call, queue: QueueRuntime, entry: Entry) -> None:
        """014 (callers 9, 11, ...): the Queue() timeout while not ringing."""
        self._abandon_event(call, queue, entry)
        self._leave(call, queue, entry)
        self.rt.bus.var_set(call.two, "QUEUESTATUS", "TIMEOUT")


def answered_originate(rt: Runtime, call: Call) -> None:
    """The Originate's dial sees the answer: OriginateResponse Success (Reason 4)."""
    bus = rt.bus
    one = call.one
    bus.originate_response(
        call.action_id,
        True,
        one.name,
        call.application,
        call.data,
        one.uniqueid,
        one.cid_num,
        one.cid_name,
    )
    bus.dial_end(None, one, "ANSWER")


def failed_originate(rt: Runtime, call: Call) -> None:
    """README surprise 5: Failure, Reason 0, the dial string and `<unknown>` Uniqueid."""
    one = call.one
    dial = one.name.rsplit("-", 1)[0]
    rt.bus.originate_response(
        call.action_id,
        False,
        dial,
        call.application,
        call.data,
        "<unknown>",
        one.cid_num,
        one.cid_name,
    )


def emit_attempt_cdrs(rt: Runtime, call: Call) -> None:
    """One Cdr per member rung from `;2` (cdr.conf unanswered=no: none if nobody was rung)."""
    end = rt.clock.time()
    for attempt in call.attempts:
        # README surprise 3: Destination is the leg's extension at the end, unless the leg
        # has left [from-pstn] (013: announcement after the transfer), then the dialled one.
        two = call.two
        destination = two.exten if two.context == "from-pstn" else attempt.destination
        rt.emit_cdr(
            two,
            destination,
            "from-pstn",
            (attempt.app, attempt.app_data),
            attempt.cdr_start,
            attempt.cdr_answer,
            peer=attempt.pair.one.name,
            end=attempt.ended or end,
            answered=attempt.answered is not None,
        )
        call.cdr_forked = True
    call.attempts.clear()
