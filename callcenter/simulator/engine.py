"""`SimulatedPbx`: the call engine behind the AMI server (AstDB, calls, queues, transfers)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from callcenter.simulator.astdb import AstDb
from callcenter.simulator.call import Call
from callcenter.simulator.callback import customer_first, staff_first
from callcenter.simulator.channels import Channel, IdAllocator
from callcenter.simulator.clock import SimClock
from callcenter.simulator.devstate import DeviceStates
from callcenter.simulator.events import EventBus
from callcenter.simulator.file_fallback import DialplanFileFallback
from callcenter.simulator.flows import Dialplan
from callcenter.simulator.model import Customer, PbxModel
from callcenter.simulator.queue import Queues
from callcenter.simulator.report import SimReport
from callcenter.simulator.routing import NumberPlan
from callcenter.simulator.runtime import Runtime
from callcenter.simulator.wire import SimEvent

logger = logging.getLogger(__name__)

Fallback = Callable[[str, datetime], str]


def closed_fallback(_team: str, _at: datetime) -> str:
    """Without a schedule, a stale or missing state means closed (hours)."""
    return "closed:hours"


class SimulatedPbx:
    """Routes injected calls by the AstDB it holds and publishes Asterisk's events."""

    def __init__(
        self,
        model: PbxModel,
        clock: SimClock,
        *,
        fallback: Fallback = closed_fallback,
        seed: int | None = None,
        db: AstDb | None = None,
    ) -> None:
        self.model = model
        self.clock = clock
        # A restarted PBX re-reads its AstDB (the custom device states in it, 025b).
        self.db = db if db is not None else AstDb()
        hinted = model.hinted_teams if model.hinted_teams is not None else model.team_queue
        self.devstates = DeviceStates(self.db, hinted)
        self.bus = EventBus(clock.time)
        self.report = SimReport()
        self.bus.listeners.append(self.report.record_event)
        self.rt = Runtime(
            model=model,
            clock=clock,
            db=self.db,
            bus=self.bus,
            ids=IdAllocator(clock.time),
            rng=random.Random(seed),
            fallback=fallback,
            plan=NumberPlan(model.lines),
        )
        self.started_at = clock.time()
        self.queues = Queues(self.rt)
        self.dialplan = Dialplan(self.rt, self.queues)
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    # -- injecting calls --------------------------------------------------------------------

    def originate(
        self,
        number: str,
        caller_num: str,
        caller_name: str = "",
        *,
        application: str = "Wait",
        data: str = "20",
        action_id: str | None = None,
        patience: float | None = None,
        caller_script: tuple[str, str] | None = None,
    ) -> Call:
        """`Originate Channel: Local/<number>@from-pstn`, as the recordings injected calls.

        `patience`: the caller hangs up after that many simulated seconds unless answered
        (what the recording script did with `Action: Hangup`).
        """
        pair = self.rt.ids.local_pair(number, "from-pstn")
        call = Call(pair, number, action_id, application, data, caller_script=caller_script)
        self.rt.calls[call.linkedid] = call
        self.report.started += 1
        self.dialplan.start(call, caller_num, caller_name)
        task = asyncio.get_running_loop().create_task(
            self._run(call, patience), name=f"sim-call-{call.linkedid}"
        )
        call.task = task
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return call

    def originate_callback(
        self,
        staff_exten: str,
        staff_context: str,
        customer_number: str,
        caller: tuple[str, str],
        action_id: str | None,
        timeout: float,
    ) -> None:
        """AMI Originate staff-first into `[callhours-callback]` (022 part A)."""
        pair = self.rt.ids.local_pair(staff_exten, staff_context)
        model = self.model
        customer = model.customers.get(customer_number, Customer())
        self._spawn(
            staff_first(
                self.rt, pair, customer_number, caller, action_id, timeout,
                model.callback_dial_timeout, model.outbound_context, customer,
            ),
            f"sim-callback-{pair.one.uniqueid}",
        )  # fmt: skip

    def originate_customer(
        self,
        exten: str,
        context: str,
        application: str,
        data: str,
        caller: tuple[str, str],
        action_id: str | None,
        timeout: float,
    ) -> None:
        """AMI Originate of a customer's line first, running `application` (022 part B)."""
        pair = self.rt.ids.local_pair(exten, context)
        customer = self.model.customers.get(exten, Customer())
        self._spawn(
            customer_first(self.rt, pair, customer, application, data, action_id, timeout, caller),
            f"sim-customer-{pair.one.uniqueid}",
        )

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)

    async def _run(self, call: Call, patience: float | None) -> None:
        watcher = None
        if patience is not None:
            watcher = asyncio.get_running_loop().create_task(self._patience(call, patience))
        try:
            await self.dialplan.run(call)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("simulated call %s failed", call.linkedid)
        finally:
            if watcher is not None:
                watcher.cancel()
            self.rt.calls.pop(call.linkedid, None)
            self.report.record_call(call.team, call.outcome, transferred=call.transferred)

    async def _patience(self, call: Call, patience: float) -> None:
        await self.clock.sleep(patience)
        if call.one.answered is None:
            call.request_hangup(16)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    async def wait_idle(self) -> None:
        """Until every call has hung up."""
        await self._idle.wait()

    @property
    def active_calls(self) -> int:
        return len(self._tasks)

    # -- actions on channels ----------------------------------------------------------------

    def channel(self, name: str) -> Channel | None:
        return self.rt.ids.channels.get(name)

    def channels(self) -> list[Channel]:
        return list(self.rt.ids.channels.values())

    def _call_of(self, channel: Channel) -> Call | None:
        return self.rt.calls.get(channel.linkedid)

    def send_dtmf(self, name: str, digit: str) -> bool:
        """The caller's phone (`;1`) sends a key: `DTMFBegin` on `;2`, `DTMFEnd` 100 ms
        later, then the dialplan on `;2` sees the digit (020). False: no such caller."""
        channel = self.channel(name)
        call = self._call_of(channel) if channel is not None else None
        if call is None or channel is not call.one or len(digit) != 1:
            return False

        async def play() -> None:
            self.bus.dtmf_begin(call.two, digit)
            await self.clock.sleep(0.1)
            self.bus.dtmf_end(call.two, digit)
            call.digits.append(digit)
            call.digit_arrived.set()

        task = asyncio.get_running_loop().create_task(play(), name=f"sim-dtmf-{name}")
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return True

    def hangup(self, name: str, cause: int = 16) -> bool:
        """`Action: Hangup` on a caller's channel (;1 or ;2)."""
        channel = self.channel(name)
        call = self._call_of(channel) if channel else None
        if call is None or channel not in (call.one, call.two):
            return False
        call.request_hangup(cause)
        return True

    def blind_transfer(self, name: str, context: str, exten: str) -> bool:
        """`Action: BlindTransfer` of the switchboard operator's bridged `;1` (012)."""
        channel = self.channel(name)
        call = self._call_of(channel) if channel else None
        if (
            call is None
            or call.agent is None
            or channel is not call.agent.one
            or not channel.bridge
        ):
            return False
        call.transfer_target = (context, exten, True)
        call.transfer_requested.set()
        return True

    def redirect(self, name: str, context: str, exten: str) -> bool:
        """`Action: Redirect` of the caller's `;2` out of the switchboard bridge (016)."""
        channel = self.channel(name)
        call = self._call_of(channel) if channel else None
        if call is None or channel is not call.two or call.agent is None or not channel.bridge:
            return False
        call.transfer_target = (context, exten, False)
        call.transfer_requested.set()
        return True

    def transfer_call(self, call: Call, exten: str) -> bool:
        """The operator transfers the call (traffic generator)."""
        if call.agent is None:
            return False
        return self.blind_transfer(call.agent.one.name, "from-pstn", exten)

    def queue_pause(self, queue: str, interface: str, paused: bool, reason: str = "") -> bool:
        if not queue:
            # 017: without `Queue:` the member is (un)paused in every queue it is in.
            queues = self.model.queues
            names = [n for n, q in queues.items() if interface in (m.interface for m in q.members)]
            results = [self.queue_pause(name, interface, paused, reason) for name in names]
            return bool(results) and all(results)
        cfg = self.model.queues.get(queue)
        if cfg is None or all(m.interface != interface for m in cfg.members):
            return False
        member = next(m for m in cfg.members if m.interface == interface)
        state = self.rt.member(queue, interface)
        state.paused, state.reason = paused, reason if paused else ""
        now = int(self.clock.time())
        if paused:
            state.paused_at = now
        self.bus.emit(
            "QueueMemberPause",
            "agent,all",
            [
                ("Queue", queue),
                ("MemberName", member.name),
                ("Interface", interface),
                ("StateInterface", interface),
                ("Membership", "static"),
                ("Penalty", "0"),
                ("CallsTaken", str(state.calls_taken)),
                ("LastCall", str(state.last_call)),
                ("LastPause", str(state.paused_at)),
                ("LoginTime", str(int(self.started_at))),
                ("InCall", "1" if self.rt.in_use[interface] else "0"),
                ("Status", "2" if self.rt.in_use[interface] else "1"),
                ("Paused", "1" if paused else "0"),
                ("PausedReason", state.reason),
                ("Ringinuse", "0"),
                ("Wrapuptime", "0"),
            ],
        )
        return True

    def reload_dialplan(self) -> None:
        """`dialplan reload`: a fallback read from the generated file reads it again."""
        if isinstance(self.rt.fallback, DialplanFileFallback):
            self.rt.fallback.reload()

    def subscribe(self, listener: Callable[[SimEvent], None]) -> Callable[[], None]:
        self.bus.listeners.append(listener)
        return lambda: self.bus.listeners.remove(listener)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
