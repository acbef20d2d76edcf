"""How a bridged conversation ends, in the event order the traces recorded."""

from __future__ import annotations

from collections.abc import Callable

from callcenter.simulator.call import Call
from callcenter.simulator.channels import LocalPair
from callcenter.simulator.queue import emit_attempt_cdrs
from callcenter.simulator.runtime import Runtime

Deferred = Callable[[], None]


def caller_cdr(rt: Runtime, call: Call) -> None:
    """The caller's `;1` (runs the Originate's application): only once it was answered."""
    one = call.one
    if one.answered is None:
        return
    rt.emit_cdr(
        one, one.exten, "from-pstn", (call.application, call.data), one.created, one.answered
    )


def agent_cdr(rt: Runtime, agent: LocalPair, last_app: str, last_data: str) -> None:
    two = agent.two
    rt.emit_cdr(two, two.exten, two.context, (last_app, last_data), two.created, two.answered)


def agent_hangs_up(
    rt: Runtime,
    call: Call,
    agent: LocalPair,
    complete: Deferred | None,
    deferred: list[Deferred],
    *,
    direct: bool = False,
) -> None:
    """001 (queue) / 009 (Dial): the member hangs up first."""
    bus = rt.bus
    caller = call.two
    if direct:
        bus.soft_hangup_request(agent.two, 16)
        bus.hangup_request(agent.one, 16)
        bus.bridge_leave(agent.one.bridge, 1, agent.one)
        bus.hangup(agent.one, 16)
        agent_cdr(rt, agent, "Hangup", "")
        bus.hangup(agent.two, 16)
    else:
        agent_cdr(rt, agent, "Hangup", "")
        bus.soft_hangup_request(agent.two, 16)
        bus.hangup_request(agent.one, 16)
        bus.hangup(agent.two, 16)
        if complete is not None:
            complete()
        bus.bridge_leave(agent.one.bridge, 1, agent.one)
        bus.hangup(agent.one, 16)
    rt.ids.forget(agent.one)
    rt.ids.forget(agent.two)
    bus.bridge_leave(caller.bridge, 0, caller)
    bus.soft_hangup_request(caller, 16)
    for item in deferred:
        item()
    deferred.clear()
    bus.hangup_request(call.one, 16)
    if direct:
        bus.hangup(caller, 16)
        bus.hangup(call.one, 16)
    else:
        bus.hangup(call.one, 16)
        bus.hangup(caller, 16)
    caller_cdr(rt, call)
    emit_attempt_cdrs(rt, call)
    rt.ids.forget(call.one)
    rt.ids.forget(caller)


def caller_hangs_up(
    rt: Runtime,
    call: Call,
    agent: LocalPair,
    complete: Deferred | None,
    deferred: list[Deferred],
    cause: int,
    agent_wait: str,
) -> None:
    """014 (caller 3): the caller ends the conversation (its `Wait(N)` ran out, or a Hangup)."""
    bus = rt.bus
    caller = call.two
    caller_cdr(rt, call)
    bus.hangup_request(caller, cause)
    bus.hangup(call.one, cause)
    bus.bridge_leave(caller.bridge, 1, caller)
    bus.soft_hangup_request(caller, 16)
    bus.bridge_leave(agent.one.bridge, 0, agent.one)
    bus.hangup_request(agent.two, 16)
    bus.hangup(agent.one, 16)
    if complete is not None:
        complete()
    bus.soft_hangup_request(agent.two, 16)
    bus.hangup(agent.two, 16)
    for item in deferred:
        item()
    deferred.clear()
    bus.hangup(caller, 16)
    agent_cdr(rt, agent, "Wait", agent_wait)
    emit_attempt_cdrs(rt, call)
    for channel in (call.one, caller, agent.one, agent.two):
        rt.ids.forget(channel)


def unanswered_hangup(rt: Runtime, call: Call) -> None:
    """004/003: the dialplan hangs up a caller that was never answered (`Hangup()`)."""
    from callcenter.simulator.queue import failed_originate

    bus = rt.bus
    bus.soft_hangup_request(call.two, 16)
    bus.hangup_request(call.one, 16)
    bus.dial_end(None, call.one, "NOANSWER")
    bus.hangup(call.two, 16)
    failed_originate(rt, call)
    bus.hangup(call.one, 16)
    emit_attempt_cdrs(rt, call)
    rt.ids.forget(call.one)
    rt.ids.forget(call.two)


def answered_hangup(rt: Runtime, call: Call, deferred: list[Deferred]) -> None:
    """013 (18.18): the dialplan hangs up a caller that is Up but in no bridge."""
    bus = rt.bus
    bus.soft_hangup_request(call.two, 16)
    for item in deferred:
        item()
    deferred.clear()
    bus.hangup_request(call.one, 16)
    bus.hangup(call.two, 16)
    emit_attempt_cdrs(rt, call)
    closing_leg_cdr(rt, call)
    caller_cdr(rt, call)
    bus.hangup(call.one, 16)
    rt.ids.forget(call.one)
    rt.ids.forget(call.two)


def closing_leg_cdr(rt: Runtime, call: Call) -> None:
    """013: after a transfer into an announcement `;2` gets one more Cdr (`Hangup`, `16`)."""
    if call.leg_started is None:
        return
    started = call.leg_started
    rt.emit_cdr(call.two, call.leg_exten, "from-pstn", ("Hangup", "16"), started, started)
    call.leg_started = None


def answered_caller_gone(rt: Runtime, call: Call, cause: int, deferred: list[Deferred]) -> None:
    """An Up caller outside any bridge hangs up (SYNTHESISED: no recording of this case)."""
    bus = rt.bus
    bus.hangup_request(call.two, cause)
    bus.hangup(call.one, cause)
    bus.soft_hangup_request(call.two, 16)
    for item in deferred:
        item()
    deferred.clear()
    bus.hangup(call.two, 16)
    emit_attempt_cdrs(rt, call)
    closing_leg_cdr(rt, call)
    caller_cdr(rt, call)
    rt.ids.forget(call.one)
    rt.ids.forget(call.two)
