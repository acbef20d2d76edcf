"""Throughput of the AMI frame parser and of AmiClient end to end, beside a readuntil baseline.

Run with `make bench` (or `pytest tests/bench -s`). The frames are real Asterisk 22 events
from the traces (those of 380-470 bytes, ~424 on average), repeated to 200,000. The
blasting server is a plain thread with a blocking socket, so that its cost is not charged
to the asyncio loop being measured. Only correctness is asserted; the figures are printed.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import threading
import time
from pathlib import Path

from recordings import ASTERISK22

from callcenter.pbx.ami import AmiClient, AmiEvent, AmiSettings, FrameParser

EVENTS = 200_000
ROUNDS = 3
REPO = Path(__file__).resolve().parents[2]
TRACES = ASTERISK22
BANNER = b"Asterisk Call Manager/11.0.0\r\n"
LOGIN_OK = b"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n"
PONG = b"Response: Success\r\nActionID: {id}\r\nPing: Pong\r\nTimestamp: 1795250986.479913\r\n\r\n"


def real_event_frames() -> list[bytes]:
    frames = []
    for path in sorted((TRACES / "traces").glob("*.ami")):
        body = path.read_bytes().partition(b"\r\n")[2]
        for frame in body[:-4].split(b"\r\n\r\n"):
            if frame.startswith(b"Event: ") and 380 <= len(frame) + 4 <= 470:
                frames.append(frame + b"\r\n\r\n")
    return frames


FRAMES = real_event_frames()
STREAM = b"".join(FRAMES[i % len(FRAMES)] for i in range(EVENTS))
MEAN_SIZE = len(STREAM) / EVENTS


class BlastServer:
    """Banner, answers Login, and on the first Ping sends the Pong followed by STREAM."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self._sock.accept()
        with conn:
            conn.sendall(BANNER)
            buffer = b""
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    frame, buffer = buffer.split(b"\r\n\r\n", 1)
                    fields = dict(line.split(": ", 1) for line in frame.decode().split("\r\n"))
                    action_id = fields["ActionID"].encode()
                    if fields["Action"] == "Login":
                        conn.sendall(LOGIN_OK.replace(b"{id}", action_id))
                    elif fields["Action"] == "Ping":
                        conn.sendall(PONG.replace(b"{id}", action_id) + STREAM)
                    elif fields["Action"] == "Logoff":
                        return

    def close(self) -> None:
        self._sock.close()
        self._thread.join(timeout=5)


async def readuntil_baseline() -> tuple[float, int]:
    """The simplest asyncio reader: one readuntil per frame, headers into a dict."""
    server = BlastServer()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        await reader.readuntil(b"\r\n")
        writer.write(b"Action: Login\r\nActionID: 1\r\nUsername: u\r\nSecret: s\r\n\r\n")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"Action: Ping\r\nActionID: 2\r\n\r\n")
        await reader.readuntil(b"\r\n\r\n")
        started = time.perf_counter()
        count = 0
        hangups = 0
        while count < EVENTS:
            frame = await reader.readuntil(b"\r\n\r\n")
            text = frame[:-4].decode("utf-8", "replace")
            headers = dict(line.split(": ", 1) for line in text.split("\r\n"))
            count += 1
            hangups += headers["Event"] == "Hangup"
        elapsed = time.perf_counter() - started
        writer.write(b"Action: Logoff\r\nActionID: 3\r\n\r\n")
        return elapsed, hangups
    finally:
        writer.close()
        await writer.wait_closed()
        server.close()


async def client_end_to_end() -> tuple[float, int]:
    """AmiClient: parsed, typed events through a subscription, consumed with async for."""
    server = BlastServer()
    settings = AmiSettings(port=server.port, username="u", secret="s", ping_interval=60)
    client = AmiClient(settings)
    try:
        await client.connect(timeout=5)
        events = client.subscribe(maxsize=EVENTS)
        await client.ping()
        started = time.perf_counter()
        count = 0
        hangups = 0
        async for event in events:
            count += 1
            hangups += event.name == "Hangup"
            if count == EVENTS:
                break
        elapsed = time.perf_counter() - started
        assert events.dropped == 0
        return elapsed, hangups
    finally:
        await client.close()
        server.close()


def parser_only() -> tuple[float, int]:
    chunks = [STREAM[i : i + 65536] for i in range(0, len(STREAM), 65536)]
    parser = FrameParser(expect_banner=False)
    started = time.perf_counter()
    hangups = 0
    for chunk in chunks:
        for message in parser.feed(chunk):
            hangups += message.name == "Hangup"  # type: ignore[union-attr]
    elapsed = time.perf_counter() - started
    assert parser.stats.messages == EVENTS
    assert parser.stats.malformed == 0
    return elapsed, hangups


def test_ami_throughput() -> None:
    expected_hangups = sum(
        FRAMES[i % len(FRAMES)].startswith(b"Event: Hangup\r\n") for i in range(EVENTS)
    )
    results: dict[str, list[float]] = {"parser": [], "readuntil": [], "client": []}
    for round_number in range(ROUNDS):
        # Interleaved, so that machine noise hits all three alike; baseline and client take
        # turns at going first, so that neither always runs right after the other.
        elapsed, hangups = parser_only()
        assert hangups == expected_hangups
        results["parser"].append(EVENTS / elapsed)
        pair = [("readuntil", readuntil_baseline), ("client", client_end_to_end)]
        for name, scenario in pair if round_number % 2 == 0 else pair[::-1]:
            elapsed, hangups = asyncio.run(scenario())
            assert hangups == expected_hangups
            results[name].append(EVENTS / elapsed)

    best = {name: max(rates) for name, rates in results.items()}
    print(f"\nAMI throughput, {EVENTS:,} real Asterisk 22 events, mean {MEAN_SIZE:.0f} bytes,")
    print(f"best of {ROUNDS} interleaved rounds (median in brackets):")
    labels = {
        "parser": "FrameParser.feed, 64 KiB chunks",
        "readuntil": "baseline readuntil + dict over loopback",
        "client": "AmiClient end to end over loopback",
    }
    for name, label in labels.items():
        median = statistics.median(results[name])
        print(f"  {label:42s} {best[name]:>10,.0f} events/s  ({median:,.0f})")
    rounds = ", ".join(
        f"{client / baseline:.2f}"
        for client, baseline in zip(results["client"], results["readuntil"], strict=True)
    )
    print(f"  client / readuntil baseline: {best['client'] / best['readuntil']:.2f}x")
    print(f"  (round by round: {rounds})")


def test_sample_frames_are_real_and_about_424_bytes() -> None:
    assert len(FRAMES) > 100
    assert 400 <= MEAN_SIZE <= 450
    assert isinstance(FrameParser(expect_banner=False).feed(FRAMES[0])[0], AmiEvent)
