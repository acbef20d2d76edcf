"""Overflow to `callback` and `announcement` (issue 20) on the simulated PBX, read by the
tracker: the queue times out, `UserEvent(QueueOverflow, To: ...)` follows (024's shape),
then the callback offer (021's `Read()`) or the team's announcement ends the call.

The simulator's AMI bytes go through the real parser and translator into the tracker, as in
the service; the record says where the call ended (`overflow`, outcome, callback asked).
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

import pytest

from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.pbx_events import CallbackAsked, PbxEvent, QueueOverflowed
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.translate import translate
from callcenter.simulator.clock import SimClock
from callcenter.simulator.model import PhoneBehaviour, fixed, fixed_seconds, recorded_model
from callcenter.simulator.simulator import Simulator

from .trace_support import PSEUDONYMS, RECEIVED, TEAM, new_tracker

pytestmark = pytest.mark.timeout(30)

USERNAME, SECRET = "callhours", "callhours-secret"
CALLER = "01704000002"
# Monday 23 Nov 2026, 10:00 Berlin: team A is open (the service's state is put in AstDB).
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
QUEUE_TIMEOUT = 5.0


async def _overflowing_call(
    to: str, keys: list[tuple[float, str]]
) -> tuple[list[PbxEvent], list[CallRecord]]:
    """One open team-line call nobody answers: the queue times out after 5 s and overflows
    to `to`. `keys`: (simulated seconds after the call starts, key or `hangup`)."""
    base = recorded_model()
    queues = dict(base.queues)
    queues[TEAM] = dataclasses.replace(queues[TEAM], wait_timeout=QUEUE_TIMEOUT)
    never = PhoneBehaviour(fixed(None), fixed_seconds(0.0))
    model = dataclasses.replace(
        base,
        queues=queues,
        phones={**base.phones, "agents": never, "agents-slow": never},
        overflow={TEAM: (to, "")},
        callback_key="1" if to == "callback" else "",
    )
    clock = SimClock(MONDAY, 20.0)
    sim = Simulator(model, username=USERNAME, secret=SECRET, clock=clock)
    messages: list[AmiEvent] = []
    async with sim:
        sim.pbx.db.put("callhours", TEAM, "open")
        sim.pbx.db.put("callhours", "_heartbeat", str(int(clock.time())))
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        parser = FrameParser()

        async def read() -> None:
            while data := await reader.read(65536):
                messages.extend(m for m in parser.feed(data) if isinstance(m, AmiEvent))

        reading = asyncio.create_task(read())
        writer.write(
            f"Action: Login\r\nUsername: {USERNAME}\r\nSecret: {SECRET}\r\n\r\n"
            "Action: Originate\r\nActionID: orig-1\r\nChannel: Local/06151100@from-pstn\r\n"
            f'Application: Wait\r\nData: 60\r\nCallerID: "Test" <{CALLER}>\r\n'
            "Async: true\r\n\r\n".encode()
        )
        started = clock.time()
        for at, key in keys:
            await clock.sleep_until(started + at)
            one = next(e["Channel"] for e in messages if e.name == "Newchannel")
            if key == "hangup":
                action = f"Action: Hangup\r\nChannel: {one}\r\nCause: 16\r\n\r\n"
            else:
                action = f"Action: PlayDTMF\r\nChannel: {one}\r\nDigit: {key}\r\n\r\n"
            writer.write(action.encode())
        await asyncio.sleep(0.05)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=15)
        await asyncio.sleep(0.05)
        writer.close()
        reading.cancel()
    events = [e for m in messages if (e := translate(m, RECEIVED)) is not None]
    tracker = new_tracker()
    records = tracker.feed_all(events)
    assert tracker.open_count == 0
    return events, records


async def test_overflow_to_a_callback_records_the_request_and_where_the_call_ended() -> None:
    # Timeout at 5 s, then Read(): offer prompt 2.5 s; the caller presses 1 at 7 s.
    events, records = await _overflowing_call("callback", [(7.0, "1")])
    (overflow,) = [e for e in events if isinstance(e, QueueOverflowed)]
    assert (overflow.from_queue, overflow.destination, overflow.status) == (
        TEAM,
        "callback",
        "TIMEOUT",
    )
    (asked,) = [e for e in events if isinstance(e, CallbackAsked)]
    assert (asked.team, asked.dialled, asked.number) == (TEAM, "06151100", CALLER)
    (record,) = records
    assert (record.overflow, record.callback_requested) == ("callback", True)
    # The include's Hangup() after the confirmation ended it, no person answered.
    assert record.outcome is Outcome.ANNOUNCEMENT
    assert record.answered is None
    assert record.caller == PSEUDONYMS.caller(CALLER)
    assert CALLER not in repr(record)


async def test_overflow_to_a_callback_without_the_key_is_no_request() -> None:
    _events, (record,) = await _overflowing_call("callback", [])
    assert (record.overflow, record.callback_requested) == ("callback", False)
    assert record.outcome is Outcome.ANNOUNCEMENT


async def test_overflow_to_the_announcement_heard_or_hung_up_on() -> None:
    _events, (heard,) = await _overflowing_call("announcement", [])
    assert (heard.overflow, heard.outcome, heard.callback_requested) == (
        "announcement",
        Outcome.ANNOUNCEMENT,
        False,
    )
    # The caller hangs up 1 s into the announcement.
    _events, (left,) = await _overflowing_call("announcement", [(QUEUE_TIMEOUT + 1.0, "hangup")])
    assert (left.overflow, left.outcome) == ("announcement", Outcome.ANNOUNCEMENT_HANGUP)
