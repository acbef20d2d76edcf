"""The event pump hands the caller's callback request (number included) to its handler
and the call's record (pseudonym only) to the sink: recording 021 as the generated
dialplan would make Asterisk send it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from callcenter.domain.calls import CallRecord
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.ami.subscription import EventSubscription
from callcenter.service import EventPump

from ..tracker.trace_support import PSEUDONYMS, new_tracker, with_routing

NUMBER = "01705000001"


class FakeAmi:
    """Only what the pump's event loop uses: one subscription, fed by the test."""

    connected = False

    def __init__(self) -> None:
        self.subscription = EventSubscription(None, 100_000)

    def subscribe(self) -> EventSubscription:
        return self.subscription


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


class Sink:
    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    async def submit(self, record: CallRecord) -> None:
        self.records.append(record)


async def test_the_request_goes_to_the_handler_the_record_to_the_sink() -> None:
    ami, sink = FakeAmi(), Sink()
    asked: list[CallbackAsked] = []

    async def on_callback(event: CallbackAsked) -> None:
        asked.append(event)

    pump = EventPump(
        ami,  # type: ignore[arg-type]
        new_tracker(),
        sink,
        None,  # type: ignore[arg-type]  # schedule: used only at login
        None,  # type: ignore[arg-type]  # pusher: used only at login
        Clock(),  # type: ignore[arg-type]
        on_callback=on_callback,
    )
    raw = "\r\n\r\n".join(with_routing("021_read_callback_request", "closed:hours"))
    for message in FrameParser().feed(raw.encode("utf-8")):
        if isinstance(message, AmiEvent):
            ami.subscription.offer(message)
    pump.start()
    async with asyncio.timeout(10):
        while len(sink.records) < 2:
            await asyncio.sleep(0.01)
    await pump.stop()
    assert [(e.number, e.team, e.linked_id) for e in asked] == [
        (NUMBER, "auslaender-a", "1796399305.233")
    ]
    requested = [r for r in sink.records if r.callback_requested]
    assert [r.caller for r in requested] == [PSEUDONYMS.caller(NUMBER)]
    assert all(NUMBER[1:] not in repr(r) for r in sink.records)


async def test_a_failing_handler_does_not_stop_call_logging(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ami, sink = FakeAmi(), Sink()

    async def broken(event: CallbackAsked) -> None:
        raise RuntimeError("database down")

    pump = EventPump(
        ami,  # type: ignore[arg-type]
        new_tracker(),
        sink,
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        Clock(),  # type: ignore[arg-type]
        on_callback=broken,
    )
    raw = "\r\n\r\n".join(with_routing("021_read_callback_request", "closed:hours"))
    for message in FrameParser().feed(raw.encode("utf-8")):
        if isinstance(message, AmiEvent):
            ami.subscription.offer(message)
    pump.start()
    async with asyncio.timeout(10):
        while len(sink.records) < 2:
            await asyncio.sleep(0.01)
    await pump.stop()
    assert len(sink.records) == 2
    assert "not stored: RuntimeError" in caplog.text
    assert NUMBER[1:] not in caplog.text  # the log never holds the number
