"""Callback call-outs by AMI Originate (recording 022 parts A and B, 022b).

Staff first (part A): `Originate Channel: Local/<staff>@<staff context>, Context: <the
model's callback_context>, Exten: <customer>`: the staff pair rings; when the staff phone
answers, OriginateResponse Success (Reason 4) names the staff `;1`, and `;1` dials the
customer (`Dial(Local/<customer>@<outbound>,<timeout>)` of the generated include). The
customer's outcome is only the DialEnd on the staff `;1`: ANSWER, BUSY, CONGESTION,
NOANSWER (dial timeout) or CANCEL (the staff phone hung up first). A staff phone that never
answers gives OriginateResponse Failure Reason 3 after the Originate's timeout, legs Cause 19.

Customer first (part B): `Originate Channel: Local/<customer>@<outbound>, Application:
Wait`: Success Reason 4 when the customer answers, Failure 5 (busy), 8 (congestion) or 3
(no answer within the Originate's timeout), the failures naming the dial string and
`<unknown>` Uniqueid (README-v3 surprise 2).

Every channel's events, the Cdr rows (cdr.conf unanswered=no) and their dispositions
follow the recordings (surprise 3: congestion is FAILED). Not sent: CEL, LocalBridge,
NewCallerid, DialState of the customer-first dial, VarSets of Dial().
"""

from __future__ import annotations

from collections.abc import Callable

from callcenter.simulator.channels import BUSY, RINGING, UP, Channel, LocalPair
from callcenter.simulator.model import ANSWER_DELAY, Customer
from callcenter.simulator.runtime import Runtime

_FAILED_REASON = {"busy": 5, "congestion": 8}
_CAUSE = {"busy": 17, "congestion": 34}
_DISPOSITION = {
    "ANSWER": "ANSWERED",
    "BUSY": "BUSY",
    "CONGESTION": "FAILED",
    "NOANSWER": "NO ANSWER",
    "CANCEL": "NO ANSWER",
}


async def staff_first(
    rt: Runtime,
    pair: LocalPair,
    customer_number: str,
    caller: tuple[str, str],
    action_id: str | None,
    originate_timeout: float,
    dial_timeout: float,
    outbound_context: str,
    customer: Customer,
) -> None:
    bus, clock = rt.bus, rt.clock
    context = rt.model.callback_context
    one, two = pair.one, pair.two
    staff_exten, staff_context = one.exten, one.context
    staff_dial = f"{staff_exten}@{staff_context}"
    bus.newchannel(one)
    bus.newchannel(two)
    one.set_caller(*caller)
    two.set_caller(*caller)
    one.app, one.app_data = "AppDial2", "(Outgoing Line)"
    bus.dial_begin(None, one, staff_dial)
    bus.newstate(one, RINGING)
    bus.dial_state(None, one, "RINGING")
    phone = rt.model.phone(f"Local/{staff_dial}")
    answer_after = phone.answer_after(rt.rng)
    if answer_after is None or answer_after >= originate_timeout:
        await clock.sleep(originate_timeout)
        _originate_timed_out(rt, pair)
        bus.originate_exten_response(
            action_id, 3, f"Local/{staff_dial}", context, customer_number,
            "<unknown>", *caller,
        )  # fmt: skip
        _forget(rt, pair)
        return
    await clock.sleep(answer_after)
    staff_answered = clock.time()
    two.answered = one.answered = staff_answered
    bus.newstate(two, UP)
    bus.newstate(one, UP)
    bus.dial_end(None, one, "ANSWER")
    bus.originate_exten_response(
        action_id, 4, one.name, context, customer_number, one.uniqueid, *caller
    )
    talk = phone.talk(rt.rng)
    staff_leaves = staff_answered + talk
    one.context, one.exten, one.priority = context, customer_number, 1
    dial_data = f"Local/{customer_number}@{outbound_context},{dial_timeout:g}"
    one.app, one.app_data = "Dial", dial_data
    cust = rt.ids.local_pair(customer_number, outbound_context, one.linkedid)
    bus.newchannel(cust.one)
    bus.newchannel(cust.two)
    cust.one.set_caller(*caller)
    cust.two.set_caller(*caller)
    bus.dial_begin(one, cust.one, f"{customer_number}@")
    if customer.kind in ("answer", "noanswer"):
        bus.newstate(cust.one, RINGING)
        bus.dial_state(one, cust.one, "RINGING")
    status = await _customer_outcome(rt, customer, staff_leaves, dial_timeout)

    def staff_cdrs(disposition: str, after_dial: bool) -> None:
        """The staff `;1` Dial row (it carries the customer's outcome) and, when Dial()
        returned with `;1` still up, the `Hangup` segment row after it."""
        rt.emit_cdr(
            one, customer_number, context, ("Dial", dial_data), one.created, staff_answered,
            peer=cust.one.name, disposition=disposition,
        )  # fmt: skip
        if after_dial:
            now = clock.time()
            rt.emit_cdr(one, customer_number, context, ("Hangup", ""), now, now)

    def staff_two_cdr(ended_itself: bool) -> None:
        if ended_itself:
            app = ("Hangup", "")
        elif clock.time() - staff_answered < ANSWER_DELAY:
            app = ("Answer", "")  # 022 busy/congestion: still in the phone's Answer()
        else:
            app = ("Wait", f"{max(0.0, talk - ANSWER_DELAY):g}")
        rt.emit_cdr(two, staff_exten, staff_context, app, two.created, staff_answered)

    if status in ("BUSY", "CONGESTION", "NOANSWER"):
        # 022 busy/congestion, 022b: Dial() returns, the staff `;1` runs Hangup().
        if status == "NOANSWER":
            bus.dial_end(one, cust.one, status)
            bus.hangup_request(cust.two, 0)
            bus.hangup(cust.one, 0)
        else:
            _customer_refuses(rt, cust, customer.kind, staff=one)
        bus.soft_hangup_request(one, 16)
        bus.hangup_request(two, 16)
        staff_cdrs(_DISPOSITION[status], after_dial=True)
        staff_two_cdr(ended_itself=False)
        bus.hangup(one, 16)
        if status == "NOANSWER":
            bus.soft_hangup_request(cust.two, 16)
            bus.hangup(cust.two, 0)
        bus.soft_hangup_request(two, 16)
        bus.hangup(two, 16)
    elif status == "CANCEL":
        # 022 cb-noanswer: the staff phone hangs up while the customer still rings.
        bus.soft_hangup_request(two, 16)
        bus.hangup_request(one, 16)
        bus.hangup(two, 16)
        staff_two_cdr(ended_itself=True)
        bus.dial_end(one, cust.one, "CANCEL")
        bus.hangup_request(cust.two, 16)
        bus.hangup(cust.one, 16)
        bus.soft_hangup_request(one, 16)
        bus.hangup(one, 16)
        staff_cdrs(_DISPOSITION[status], after_dial=False)
        bus.soft_hangup_request(cust.two, 16)
        bus.hangup(cust.two, 16)
    else:
        await _talk(rt, pair, cust, customer, staff_leaves, staff_cdrs, staff_two_cdr)
    _forget(rt, cust)
    _forget(rt, pair)


async def _talk(
    rt: Runtime,
    staff: LocalPair,
    cust: LocalPair,
    customer: Customer,
    staff_leaves: float,
    staff_cdrs: Callable[[str, bool], None],
    staff_two_cdr: Callable[[bool], None],
) -> None:
    """022 cb-answer: bridged until the staff phone hangs up (the customer talks longer)."""
    bus, clock = rt.bus, rt.clock
    one = staff.one
    now = clock.time()
    cust.two.answered = cust.one.answered = now
    bus.newstate(cust.two, UP)
    bus.newstate(cust.one, UP)
    bus.dial_end(one, cust.one, "ANSWER")
    bridge = rt.ids.bridge_id()
    cust.one.exten = ""  # a bridged Local ;1 shows an empty Exten (009, 022)
    bus.bridge_enter(bridge, 1, cust.one)
    bus.bridge_enter(bridge, 2, one)
    customer_leaves = now + customer.talk
    await clock.sleep_until(min(staff_leaves, customer_leaves))
    # SYNTHESISED when the customer hangs up first: the same order, the roles swapped.
    bus.soft_hangup_request(staff.two, 16)
    bus.hangup_request(one, 16)
    bus.hangup(staff.two, 16)
    staff_two_cdr(True)
    bus.bridge_leave(bridge, 1, one)
    bus.bridge_leave(bridge, 0, cust.one)
    bus.hangup_request(cust.two, 16)
    bus.hangup(cust.one, 16)
    bus.soft_hangup_request(one, 16)
    bus.hangup(one, 16)
    staff_cdrs(_DISPOSITION["ANSWER"], False)
    bus.soft_hangup_request(cust.two, 16)
    bus.hangup(cust.two, 16)
    rt.emit_cdr(
        cust.two, cust.two.exten, cust.two.context, ("Wait", f"{customer.talk:g}"),
        cust.two.created, cust.two.answered,
    )  # fmt: skip


def _customer_refuses(rt: Runtime, cust: LocalPair, kind: str, *, staff: Channel | None) -> None:
    """Busy()/Congestion() on the customer's `;2`: state Busy, DialEnd BUSY/CONGESTION,
    then the legs: `;1` cause 0, `;2` 17 (busy) or 34 (congestion)."""
    bus = rt.bus
    bus.newstate(cust.two, BUSY)
    bus.dial_end(staff, cust.one, kind.upper())
    bus.hangup_request(cust.two, 0)
    bus.hangup(cust.one, 0)
    bus.soft_hangup_request(cust.two, 16)
    bus.hangup(cust.two, _CAUSE[kind])


def _originate_timed_out(rt: Runtime, pair: LocalPair) -> None:
    """022 cb-slowagent / cust-noanswer: the Originate's timeout ends the ringing legs
    with cause 19 and no DialEnd."""
    bus = rt.bus
    bus.hangup_request(pair.two, 19)
    bus.hangup(pair.one, 19)
    bus.soft_hangup_request(pair.two, 16)
    bus.hangup(pair.two, 19)


async def customer_first(
    rt: Runtime,
    pair: LocalPair,
    customer: Customer,
    application: str,
    data: str,
    action_id: str | None,
    originate_timeout: float,
    caller: tuple[str, str],
) -> None:
    """022 part B: the customer's line is dialled first, then runs `application`."""
    bus, clock = rt.bus, rt.clock
    one, two = pair.one, pair.two
    dial = f"Local/{one.exten}@{one.context}"
    bus.newchannel(one)
    bus.newchannel(two)
    one.set_caller(*caller)
    two.set_caller(*caller)
    one.app, one.app_data = "AppDial2", "(Outgoing Line)"
    bus.dial_begin(None, one, f"{one.exten}@{one.context}")

    def failed(reason: int) -> None:
        bus.originate_response(
            action_id, False, dial, application, data, "<unknown>", *caller, reason=reason
        )

    if customer.kind in ("busy", "congestion"):
        failed(_FAILED_REASON[customer.kind])
        _customer_refuses(rt, pair, customer.kind, staff=None)
        _forget(rt, pair)
        return
    bus.newstate(one, RINGING)
    bus.dial_state(None, one, "RINGING")
    if customer.kind != "answer" or customer.after >= originate_timeout:
        await clock.sleep(originate_timeout)
        _originate_timed_out(rt, pair)
        failed(3)
        _forget(rt, pair)
        return
    await clock.sleep(customer.after)
    answered = clock.time()
    two.answered = one.answered = answered
    bus.newstate(two, UP)
    bus.newstate(one, UP)
    bus.dial_end(None, one, "ANSWER")
    bus.originate_response(action_id, True, one.name, application, data, one.uniqueid, *caller)
    one.app, one.app_data = application, data
    try:
        waits = float(data) if application.lower() == "wait" else customer.talk
    except ValueError:
        waits = customer.talk
    # SYNTHESISED when the customer hangs up first: 022 only shows the Wait() ending first.
    await clock.sleep(min(waits, customer.talk))
    bus.hangup_request(two, 0)
    bus.hangup(one, 0)
    bus.soft_hangup_request(two, 16)
    bus.hangup(two, 0)
    rt.emit_cdr(one, one.exten, one.context, (application, data), one.created, answered)
    wait = ("Wait", f"{customer.talk:g}")
    rt.emit_cdr(two, two.exten, two.context, wait, two.created, answered)
    _forget(rt, pair)


async def _customer_outcome(
    rt: Runtime, customer: Customer, staff_leaves: float, dial_timeout: float
) -> str:
    """The DialStatus on the staff `;1`, once it is known."""
    clock = rt.clock
    if customer.kind == "busy":
        return "BUSY"
    if customer.kind == "congestion":
        return "CONGESTION"
    now = clock.time()
    ends = {"NOANSWER": now + dial_timeout, "CANCEL": staff_leaves}
    if customer.kind == "answer":
        ends["ANSWER"] = now + customer.after
    status = min(ends, key=lambda key: ends[key])
    await clock.sleep_until(ends[status])
    return status


def _forget(rt: Runtime, pair: LocalPair) -> None:
    rt.ids.forget(pair.one)
    rt.ids.forget(pair.two)
