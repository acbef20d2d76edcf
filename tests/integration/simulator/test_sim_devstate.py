"""Conformance with recordings 025/025b: Setvar/Getvar DEVICE_STATE and the events they
cause, and the custom device states across a PBX restart.

Every Setvar and Getvar of 025 is sent to a fresh simulator in the recorded order (same
ActionIDs, values, devices, including the refused ones); the simulator's answer and the
events that follow it before the next action must be the recorded ones. ExtensionStatus
and DeviceStateChange of one change come in either order (README-025 surprise 2), and list
items in Asterisk's hash order, so what follows an answer is compared as a multiset;
Timestamps aside. 025b: a second simulator started on the first one's AstDB (the restart)
answers every action of 025b as recorded and pushes nothing to the new session.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest
from recordings import ASTERISK22
from sim_replay import SECRET, USERNAME, trace_start

from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.simulator.astdb import AstDb
from callcenter.simulator.clock import SimClock
from callcenter.simulator.model import Member, QueueConfig, recorded_model
from callcenter.simulator.simulator import Simulator

TRACE = ASTERISK22 / "traces" / "025_custom_device_state_blf.ami"
RESTART_TRACE = ASTERISK22 / "traces" / "025b_custom_device_state_after_restart.ami"
# 025b's DeviceStateList names the queues of config-v3/queues.conf besides the recorded two.
V3_QUEUES = {
    name: QueueConfig(name, (Member(f"Local/{exten}@agents", f"Agent {exten}"),))
    for name, exten in (("auslaender-b", 201), ("einbuergerung", 301), ("aufenthalt-eu", 401))
}
_IGNORED = {"Timestamp"}

pytestmark = pytest.mark.timeout(20)


Frame = tuple[str, tuple[tuple[str, str], ...]]
BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def _frames(chunks: list[str], parser: FrameParser | None = None) -> list[Frame]:
    if parser is None:
        parser = FrameParser()
        parser.feed(BANNER)
    out = []
    for message in parser.feed("".join(chunks).encode()):
        if not hasattr(message, "headers"):
            continue  # the banner
        kind = message.name if isinstance(message, AmiEvent) else "Response"
        headers = tuple((k, v) for k, v in message.headers.items() if k not in _IGNORED)
        out.append((kind, headers))
    return out


def _recorded_rounds(
    path: Path, actions: tuple[str, ...] = ("Setvar", "Getvar")
) -> list[tuple[str, list[Frame]]]:
    """(raw action, what Asterisk sent back until the next action), for those `actions`."""
    entries = [json.loads(line) for line in Path(f"{path}.session.jsonl").read_text().splitlines()]
    rounds = []
    prefixes = tuple(f"Action: {name}\r\n" for name in actions)
    for index, entry in enumerate(entries):
        if entry["dir"] != "send" or not entry["data"].startswith(prefixes):
            continue
        received = []
        for later in entries[index + 1 :]:
            if later["dir"] == "send":
                break
            if later["dir"] == "recv":
                received.append(later["data"])
        rounds.append((entry["data"], _frames(received)))
    return rounds


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: str, parser: FrameParser
) -> list[Frame]:
    writer.write(raw.encode())
    await writer.drain()
    chunks = []
    while True:
        try:
            data = await asyncio.wait_for(reader.read(65536), timeout=0.1)
        except TimeoutError:
            break
        if not data:
            break
        chunks.append(data.decode())
    return _frames(chunks, parser)


def _multiset(frames: list[Frame]) -> Counter[object]:
    return Counter(frames)


async def test_setvar_and_getvar_follow_recording_025() -> None:
    rounds = _recorded_rounds(TRACE)
    assert len(rounds) >= 30  # the recording's 16 rounds on a, plus b, c and the errors
    # The recording's hints: auslaender-a and -b; auslaender-c has none (surprise 8).
    model = dataclasses.replace(recorded_model(), hinted_teams=("auslaender-a", "auslaender-b"))
    sim = Simulator(
        model, username=USERNAME, secret=SECRET, clock=SimClock(trace_start(TRACE), 25.0)
    )
    async with sim:
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        parser = FrameParser()
        login = f"Action: Login\r\nUsername: {USERNAME}\r\nSecret: {SECRET}\r\n\r\n"
        await _exchange(reader, writer, login, parser)
        try:
            for raw, recorded in rounds:
                simulated = await _exchange(reader, writer, raw, parser)
                # The answer comes first; the events of one change in either order.
                assert simulated[:1] == recorded[:1], raw
                assert _multiset(simulated[1:]) == _multiset(recorded[1:]), raw
        finally:
            writer.close()
    seen = {kind for _raw, frames in rounds for kind, _ in frames}
    assert {"Response", "ExtensionStatus", "DeviceStateChange"} <= seen


async def _replay_rounds(
    sim: Simulator, rounds: list[tuple[str, list[Frame]]], *, compare: bool = True
) -> list[Frame]:
    """Log in, send each round's action; what came back before the first action too."""
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    parser = FrameParser()
    login = f"Action: Login\r\nUsername: {USERNAME}\r\nSecret: {SECRET}\r\n\r\n"
    after_login = await _exchange(reader, writer, login, parser)
    try:
        for raw, recorded in rounds:
            simulated = await _exchange(reader, writer, raw, parser)
            if compare:
                assert simulated[:1] == recorded[:1], raw
                assert _multiset(simulated[1:]) == _multiset(recorded[1:]), raw
    finally:
        writer.close()
    return after_login


async def test_custom_states_survive_a_restart_like_recording_025b() -> None:
    model = dataclasses.replace(
        recorded_model(),
        hinted_teams=("auslaender-a", "auslaender-b"),
        queues={**recorded_model().queues, **V3_QUEUES},
    )
    db = AstDb()
    before = Simulator(
        model, username=USERNAME, secret=SECRET, clock=SimClock(trace_start(TRACE), 25.0), db=db
    )
    async with before:  # 025's Setvars leave a=BUSY, b=INUSE, c=INUSE
        await _replay_rounds(before, _recorded_rounds(TRACE, ("Setvar",)), compare=False)
    actions = ("Getvar", "Setvar", "ExtensionState", "ExtensionStateList", "DeviceStateList")
    rounds = _recorded_rounds(RESTART_TRACE, (*actions, "DBGetTree"))
    assert len(rounds) == 16
    after = Simulator(
        model,
        username=USERNAME,
        secret=SECRET,
        clock=SimClock(trace_start(RESTART_TRACE), 25.0),
        db=db,
    )
    async with after:
        after_login = await _replay_rounds(after, rounds)
    # Nothing is pushed to the reconnecting client (surprise 12): FullyBooted and the
    # security event only, no ExtensionStatus or DeviceStateChange.
    assert [kind for kind, _ in after_login] == ["Response", "FullyBooted", "SuccessfulAuth"]
    listed = {kind for _raw, frames in rounds for kind, _ in frames}
    assert {"ExtensionStateListComplete", "DeviceStateListComplete", "DBGetTreeResponse"} <= listed
