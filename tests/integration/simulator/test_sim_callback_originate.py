"""Staff-first callback Originate in the simulator (022 part A, 022b).

The service's Originate into `[callhours-callback]` comes back as recording 022 showed it:
OriginateResponse Success Reason 4 when the staff phone answers, naming the staff `;1`;
the customer's outcome only as the DialEnd on that `;1`; a staff phone that never answers
gives Failure Reason 3 with the dial string and `<unknown>` Uniqueid. Header layouts are
compared with the recording's.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

import pytest
from sim_replay import SECRET, USERNAME
from sim_traces import TRACE_DIR, load_events

from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.simulator.clock import SimClock
from callcenter.simulator.model import Customer, recorded_model
from callcenter.simulator.simulator import Simulator

pytestmark = pytest.mark.timeout(20)

CUSTOMERS = {
    "01701110001": Customer("answer", after=2.0, talk=10.0),
    "01701110002": Customer("busy"),
    "01701110003": Customer("noanswer"),
    "01701110004": Customer("congestion"),
}


def _layouts(name: str) -> set[tuple[str, ...]]:
    events = load_events(TRACE_DIR / "022_callback_originate.ami")
    events += load_events(TRACE_DIR / "022b_callback_noanswer_long_agent.ami")
    return {tuple(e.headers) for e in events if e.name == name}


async def _originate(staff: str, customer: str, timeout_ms: int = 30000) -> list[AmiEvent]:
    model = dataclasses.replace(recorded_model(), customers=CUSTOMERS)
    start = datetime(2026, 12, 4, 15, 48, tzinfo=UTC)
    sim = Simulator(model, username=USERNAME, secret=SECRET, clock=SimClock(start, 25.0))
    events: list[AmiEvent] = []
    async with sim:
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        parser = FrameParser()

        async def read() -> None:
            while data := await reader.read(65536):
                events.extend(m for m in parser.feed(data) if isinstance(m, AmiEvent))

        reading = asyncio.create_task(read())
        writer.write(
            f"Action: Login\r\nUsername: {USERNAME}\r\nSecret: {SECRET}\r\n\r\n"
            f"Action: Originate\r\nActionID: cb-7-1\r\nChannel: {staff}\r\n"
            f"Context: callhours-callback\r\nExten: {customer}\r\nPriority: 1\r\n"
            f'Async: true\r\nCallerID: "Rueckruf" <{customer}>\r\n'
            f"Timeout: {timeout_ms}\r\n\r\n".encode()
        )
        await asyncio.sleep(0.1)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=10)
        await asyncio.sleep(0.05)
        writer.close()
        reading.cancel()
    for event in events:
        if event.name in ("OriginateResponse", "DialBegin", "DialState", "DialEnd"):
            assert tuple(event.headers) in _layouts(event.name), (event.name, event.headers)
    return events


def _customer_dialend(events: list[AmiEvent]) -> str:
    (end,) = [e for e in events if e.name == "DialEnd" and "Channel" in e]
    assert end["Channel"].startswith("Local/101@agents-")
    assert end["Channel"].endswith(";1")
    return end["DialStatus"]


@pytest.mark.parametrize(
    ("customer", "status"),
    [
        ("01701110001", "ANSWER"),
        ("01701110002", "BUSY"),
        ("01701110004", "CONGESTION"),
        # [agents] hangs up 5.5 s after answering, before the 30 s dial timeout (022: CANCEL).
        ("01701110003", "CANCEL"),
    ],
)
async def test_staff_first_success_then_the_customer_outcome_on_the_staff_leg(
    customer: str, status: str
) -> None:
    events = await _originate("Local/101@agents", customer)
    (response,) = [e for e in events if e.name == "OriginateResponse"]
    assert (response["Response"], response["Reason"]) == ("Success", "4")
    assert response["ActionID"] == "cb-7-1"
    assert (response["Context"], response["Exten"]) == ("callhours-callback", customer)
    assert response["Channel"].endswith(";1")
    assert _customer_dialend(events) == status
    hung_up = {e["Channel"] for e in events if e.name == "Hangup"}
    assert hung_up == {e["Channel"] for e in events if e.name == "Newchannel"}
    assert len(hung_up) == 4


async def test_staff_who_never_answers_fails_with_reason_3() -> None:
    events = await _originate("Local/102@agents-slow", "01701110001", timeout_ms=20000)
    (response,) = [e for e in events if e.name == "OriginateResponse"]
    assert (response["Response"], response["Reason"]) == ("Failure", "3")
    assert response["Channel"] == "Local/102@agents-slow"
    assert response["Uniqueid"] == "<unknown>"
    assert {e["Cause"] for e in events if e.name == "Hangup"} == {"19"}
    assert not [e for e in events if e.name == "DialEnd" and "Channel" in e]
