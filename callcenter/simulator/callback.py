"""A callback call-out by AMI Originate, staff phone first (recording 022 part A, 022b).

`Originate Channel: Local/<staff>@<staff context>, Context: <the model's callback_context>,
Exten: <customer>`: the staff pair rings; when the staff phone answers, OriginateResponse
Success (Reason 4) names the staff `;1`, and `;1` dials the customer
(`Dial(Local/<customer>@<outbound>,<timeout>)` of the generated include). The customer's
outcome is only the DialEnd on the staff `;1`: ANSWER, BUSY, CONGESTION, NOANSWER (dial
timeout) or CANCEL (the staff phone hung up first). A staff phone that never answers gives
OriginateResponse Failure Reason 3 after the Originate's timeout, legs Cause 19.
Simplified against the recording: no CEL, no Cdr, no LocalBridge/NewCallerid, and the
customer's `;2` state changes (Busy) are not shown; the events sent have recorded shapes.
"""

from __future__ import annotations

from callcenter.simulator.channels import RINGING, UP, LocalPair
from callcenter.simulator.model import Customer
from callcenter.simulator.runtime import Runtime


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
    staff_dial = f"{one.exten}@{one.context}"
    bus.newchannel(one)
    bus.newchannel(two)
    one.set_caller(*caller)
    two.set_caller(*caller)
    one.app, one.app_data = "AppDial2", "(Outgoing Line)"
    bus.dial_begin(None, one, staff_dial)
    bus.newstate(one, RINGING)
    bus.dial_state(None, one, "RINGING")
    phone = rt.model.phone(f"Local/{one.exten}@{one.context}")
    answer_after = phone.answer_after(rt.rng)
    if answer_after is None or answer_after >= originate_timeout:
        await clock.sleep(originate_timeout)
        bus.dial_end(None, one, "NOANSWER")
        for channel in (two, one):
            bus.hangup(channel, 19)
        bus.originate_exten_response(
            action_id, 3, f"Local/{staff_dial}", context, customer_number,
            "<unknown>", *caller,
        )  # fmt: skip
        _forget(rt, pair)
        return
    await clock.sleep(answer_after)
    staff_answered = clock.time()
    bus.newstate(two, UP)
    bus.newstate(one, UP)
    bus.dial_end(None, one, "ANSWER")
    bus.originate_exten_response(
        action_id, 4, one.name, context, customer_number, one.uniqueid, *caller
    )
    staff_leaves = staff_answered + phone.talk(rt.rng)
    one.context, one.exten, one.priority = context, customer_number, 1
    one.app, one.app_data = "Dial", f"Local/{customer_number}@{outbound_context},{dial_timeout:g}"
    cust = rt.ids.local_pair(customer_number, outbound_context, one.linkedid)
    bus.newchannel(cust.one)
    bus.newchannel(cust.two)
    cust.one.set_caller(*caller)
    cust.two.set_caller(*caller)
    bus.dial_begin(one, cust.one, f"{customer_number}@")
    if customer.kind in ("answer", "noanswer"):
        bus.dial_state(one, cust.one, "RINGING")
    status, cause = await _customer_outcome(rt, customer, staff_leaves, dial_timeout)
    if status != "ANSWER":
        bus.dial_end(one, cust.one, status)
        bus.hangup(cust.two, cause)
        bus.hangup(cust.one, 16 if status == "CANCEL" else 0)
        _staff_hangup(rt, pair)
        _forget(rt, cust)
        _forget(rt, pair)
        return
    bus.newstate(cust.two, UP)
    bus.newstate(cust.one, UP)
    bus.dial_end(one, cust.one, "ANSWER")
    bridge = rt.ids.bridge_id()
    bus.bridge_enter(bridge, 1, one)
    bus.bridge_enter(bridge, 2, cust.one)
    await clock.sleep_until(min(staff_leaves, clock.time() + customer.talk))
    bus.bridge_leave(bridge, 1, cust.one)
    bus.bridge_leave(bridge, 0, one)
    bus.hangup(cust.two, 16)
    bus.hangup(cust.one, 16)
    _staff_hangup(rt, pair)
    _forget(rt, cust)
    _forget(rt, pair)


async def _customer_outcome(
    rt: Runtime, customer: Customer, staff_leaves: float, dial_timeout: float
) -> tuple[str, int]:
    """(DialStatus on the staff `;1`, hang-up cause of the customer's `;2`)."""
    clock = rt.clock
    if customer.kind == "busy":
        return "BUSY", 17
    if customer.kind == "congestion":
        return "CONGESTION", 34
    now = clock.time()
    ends = {"NOANSWER": now + dial_timeout, "CANCEL": staff_leaves}
    if customer.kind == "answer":
        ends["ANSWER"] = now + customer.after
    status = min(ends, key=lambda key: ends[key])
    await clock.sleep_until(ends[status])
    return status, {"ANSWER": 16, "NOANSWER": 0, "CANCEL": 16}[status]


def _staff_hangup(rt: Runtime, pair: LocalPair) -> None:
    """022: the staff `;1` ends the dialplan; both staff legs Cause 16."""
    bus = rt.bus
    bus.soft_hangup_request(pair.one, 16)
    bus.hangup_request(pair.two, 16)
    bus.soft_hangup_request(pair.two, 16)
    bus.hangup(pair.two, 16)
    bus.hangup(pair.one, 16)


def _forget(rt: Runtime, pair: LocalPair) -> None:
    rt.ids.forget(pair.one)
    rt.ids.forget(pair.two)
