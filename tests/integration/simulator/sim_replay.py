"""Replays a recording script's actions against the simulator, at accelerated speed.

The recorded actions go over TCP as recorded (same ActionIDs, same relative timing in
simulated seconds); channel names in Hangup/BlindTransfer/Redirect are translated from
the recording's channels to the simulator's by their order of first appearance.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sim_traces import Namer, Send, load_events, recorded_sends

from callcenter.domain.schedule import Office, Team, windows_from_spec
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.simulator.clock import SimClock
from callcenter.simulator.model import PbxModel, recorded_model
from callcenter.simulator.routing import schedule_fallback
from callcenter.simulator.simulator import Simulator

USERNAME = "callhours"
SECRET = "callhours-secret"
SPEED = 25.0
_CHANNEL_FIELDS = ("Channel",)


def recorded_office() -> Office:
    """The compiled fallback of the recorded dialplan: `GotoIfTime(09:00-11:59,mon-thu,...)`."""
    team = Team(
        "auslaender-a",
        "Team A",
        windows=windows_from_spec("Mo-Do 09:00-12:00"),
        queue="auslaender-a",
        team_lines=("06151100",),
        direct_lines=("_0615110XX",),
    )
    return Office(ZoneInfo("Europe/Berlin"), {}, (team,))


def make_simulator(
    start: datetime, speed: float = SPEED, model: PbxModel | None = None, **kwargs: object
) -> Simulator:
    return Simulator(
        model or recorded_model(),
        username=USERNAME,
        secret=SECRET,
        clock=SimClock(start, speed),
        fallback=schedule_fallback(recorded_office()),
        seed=1,
        **kwargs,  # type: ignore[arg-type]
    )


@dataclass
class Replay:
    trace: Path
    events: list[AmiEvent] = field(default_factory=list)
    responses: list[dict[str, str]] = field(default_factory=list)


def trace_start(path: Path) -> datetime:
    """When the recording logged in (its SuccessfulAuth): the simulated clock starts there."""
    auth = next(e for e in load_events(path) if e.name == "SuccessfulAuth")
    assert auth.timestamp is not None
    return datetime.fromtimestamp(auth.timestamp, UTC)


def _recorded_channel_names(*paths: Path) -> dict[str, str]:
    namer = Namer()
    names: dict[str, str] = {}
    for path in paths:
        for event in load_events(path):
            if event.name == "Newchannel":
                names[event["Channel"]] = namer.channel(event["Channel"])
    return names


async def replay(path: Path, speed: float = SPEED, model: PbxModel | None = None) -> Replay:
    """Run the recording's actions against a fresh simulator; every event it sent back."""
    (result,) = await replay_sessions([path], speed, model)
    return result


def _login_at(path: Path) -> float:
    """The sidecar time of the recording's Login (recorders of one run share the clock)."""
    lines = Path(f"{path}.session.jsonl").read_text().splitlines()
    return next(e["t"] for e in map(json.loads, lines) if e["dir"] == "send")


def _closed_at(path: Path) -> float | None:
    """When the recorder dropped the connection itself (019: "closing the AMI socket")."""
    lines = Path(f"{path}.session.jsonl").read_text().splitlines()
    for entry in map(json.loads, lines):
        if entry["dir"] == "note" and entry["data"].startswith("closing the AMI socket"):
            return float(entry["t"])
    return None


async def replay_sessions(
    paths: list[Path], speed: float = SPEED, model: PbxModel | None = None
) -> list[Replay]:
    """The recordings of consecutive AMI connections to one PBX (019 then 019b), each
    replayed on its own connection at its recorded time; a connection the recorder
    dropped is dropped at the same instant. The events each connection received."""
    results = [Replay(path) for path in paths]
    recorded_names = _recorded_channel_names(*paths)
    first_login = _login_at(paths[0])
    sim = make_simulator(trace_start(paths[0]), speed, model)
    async with sim:
        started = sim.clock.time()
        sim_namer = Namer()
        sim_names: dict[str, str] = {}

        def seen(message: AmiEvent) -> None:
            if message.name == "Newchannel":
                channel = message["Channel"]
                sim_names.setdefault(sim_namer.channel(channel), channel)

        for index, (path, result) in enumerate(zip(paths, results, strict=True)):
            offset = _login_at(path) - first_login
            await sim.clock.sleep_until(started + offset)
            closed = _closed_at(path)
            until = None if closed is None else started + closed - first_login
            last = index == len(paths) - 1
            await _session(sim, path, result, started + offset, until, last, seen,
                           recorded_names, sim_names)  # fmt: skip
    return results


async def _session(
    sim: Simulator,
    path: Path,
    result: Replay,
    start: float,
    until: float | None,
    last: bool,
    seen: Callable[[AmiEvent], None],
    recorded_names: dict[str, str],
    sim_names: dict[str, str],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    parser = FrameParser()

    async def read() -> None:
        while data := await reader.read(65536):
            for message in parser.feed(data):
                if isinstance(message, AmiEvent):
                    result.events.append(message)
                    seen(message)
                elif hasattr(message, "headers"):
                    result.responses.append(dict(message.headers))

    reading = asyncio.create_task(read())
    try:
        for send in recorded_sends(path):
            await sim.clock.sleep_until(start + send.at)
            await _channels_seen(send, recorded_names, sim_names)
            writer.write(_translate(send, recorded_names, sim_names))
            await writer.drain()
        if until is not None:
            await sim.clock.sleep_until(until)
        elif last:
            await asyncio.sleep(0.05)
            await asyncio.wait_for(sim.pbx.wait_idle(), timeout=10)
            await asyncio.sleep(0.05)
    finally:
        writer.close()
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await reading


async def _channels_seen(
    send: Send, recorded: dict[str, str], simulated: dict[str, str], timeout: float = 5.0
) -> None:
    """On a loaded machine the reader may not have parsed the Newchannel an action names
    yet, although the simulator created it: wait for it rather than fail the replay."""
    needed = [
        recorded[value]
        for key, value in send.fields
        if key in _CHANNEL_FIELDS and value in recorded
    ]
    deadline = asyncio.get_running_loop().time() + timeout
    while any(name not in simulated for name in needed):
        if asyncio.get_running_loop().time() > deadline:
            return  # _translate then names the channel that never appeared
        await asyncio.sleep(0.01)


def _translate(send: Send, recorded: dict[str, str], simulated: dict[str, str]) -> bytes:
    lines = [f"Action: {send.name}"]
    for key, value in send.fields:
        if key in _CHANNEL_FIELDS and value in recorded:
            value = simulated[recorded[value]]
        lines.append(f"{key}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
