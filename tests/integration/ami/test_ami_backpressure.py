"""Back-pressure: a slow subscriber holds the socket briefly instead of losing events,
and a stuck one cannot hold it long enough to starve pings and actions."""

from __future__ import annotations

import asyncio
import logging

import pytest
from fake_ami import FakeAmi, fast_settings

from callcenter.pbx.ami import AmiClient

EVENTS = 20_000


def small_events(count: int) -> bytes:
    # ~60 bytes each: one 32 KiB read brings ~550 of them, well below the queue's headroom.
    return b"".join(
        f"Event: UserEvent\r\nUserEvent: Flood\r\nSeq: {n}\r\n\r\n".encode() for n in range(count)
    )


async def test_a_slow_consumer_loses_nothing_while_reading_pauses(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30, action_timeout=2.0))
    try:
        await client.connect(timeout=2)
        events = client.subscribe({"UserEvent"}, maxsize=4_000)
        pusher = asyncio.create_task(server.push(small_events(EVENTS)))
        seen = []
        while len(seen) < EVENTS:
            try:
                event = await events.get(timeout=0.5)
            except TimeoutError:
                break  # nothing more is coming: some were dropped
            seen.append(int(event["Seq"]))
            await asyncio.sleep(0)  # one event per loop turn: far slower than the reader
        await pusher
        assert events.dropped == 0
        assert seen == list(range(EVENTS))
        assert client.session is not None
        assert client.session.number == 1
    finally:
        await client.close()


async def test_a_stuck_consumer_cannot_starve_pings(
    server: FakeAmi, caplog: pytest.LogCaptureFixture
) -> None:
    # ping_timeout 0.2 s: reading may pause for at most 0.1 s at a time.
    client = AmiClient(fast_settings(server, ping_interval=0.05))
    try:
        await client.connect(timeout=2)
        stuck = client.subscribe({"UserEvent"}, maxsize=100)  # never read
        with caplog.at_level(logging.WARNING, logger="callcenter.pbx.ami.client"):
            await server.push(small_events(5_000))
            for _ in range(5):
                await client.ping(timeout=0.5)
                await server.push(small_events(1_000))
            await asyncio.sleep(0.5)  # several watchdog pings while the queue stays full
        assert "AMI subscriber too slow" in caplog.text
        assert len(stuck) == 100
        assert stuck.dropped > 0
        assert client.session is not None
        assert client.session.number == 1  # the watchdog never had to drop the connection
        assert server.connections == 1
    finally:
        await client.close()
