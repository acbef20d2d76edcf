"""The simulator's AMI server through our real `AmiClient` and raw sockets (loopback only)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sim_replay import SECRET, USERNAME, make_simulator
from sim_traces import TRACE_DIR

from callcenter.pbx.ami import AmiClient, AmiEvent, AmiSettings, LoginRefused
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.simulator.simulator import Simulator

pytestmark = pytest.mark.timeout(10)

SATURDAY = datetime(2026, 11, 21, 8, 47, tzinfo=UTC)  # when trace 015 was recorded


def settings(sim: Simulator, **overrides: object) -> AmiSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": sim.port,
        "username": USERNAME,
        "secret": SECRET,
        "connect_timeout": 1.0,
        "login_timeout": 2.0,
        "action_timeout": 1.0,
        "ping_interval": 30.0,
        "reconnect_initial": 0.05,
        "reconnect_max": 0.2,
    }
    values.update(overrides)
    return AmiSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = make_simulator(SATURDAY, speed=20.0, refuse_delay=0.3)
    async with simulator:
        yield simulator


async def test_db_actions_and_commands_through_the_real_client(sim: Simulator) -> None:
    client = AmiClient(settings(sim))
    try:
        await client.connect(timeout=2)
        await client.db_put("callhours", "auslaender-a", "open")
        await client.db_put("callhours", "_heartbeat", "1795250986")
        await client.db_put("callhours", "_scratch", "to-be-deleted")
        assert await client.db_get("callhours", "auslaender-a") == "open"
        assert await client.db_get("callhours", "no-such-team") is None
        assert await client.db_del("callhours", "_scratch") is True
        assert await client.db_del("callhours", "_scratch") is False
        assert await client.db_get_tree("callhours") == {
            "/callhours/_heartbeat": "1795250986",
            "/callhours/auslaender-a": "open",
        }
        # Byte for byte what Asterisk 22 printed in trace 015.
        assert await client.command("database show callhours") == (
            "/callhours/_heartbeat                             : 1795250986               ",
            "/callhours/auslaender-a                           : open                     ",
            "2 results found.",
        )
        assert await client.command("dialplan reload") == ("Dialplan reloaded.",)
        assert await client.ping() >= 0
        assert sim.pbx.db.get("callhours", "auslaender-a") == "open"
    finally:
        await client.close()


async def test_core_show_channels_lists_a_running_call(sim: Simulator) -> None:
    client = AmiClient(settings(sim))
    try:
        await client.connect(timeout=2)
        await client.db_put("callhours", "auslaender-a", "open")
        await client.db_put("callhours", "_heartbeat", str(int(sim.clock.time())))
        bridged = client.subscribe(["BridgeEnter"])
        result = await client.action(
            "Originate",
            {
                "Channel": "Local/061511001@from-pstn",
                "Application": "Wait",
                "Data": "20",
                "CallerID": '"Test" <01701234515>',
                "Async": "true",
            },
        )
        assert result.message == "Originate successfully queued"
        async with asyncio.timeout(3):
            async for event in bridged:
                if event.get("BridgeNumChannels") == "2":
                    break
        channels = await client.core_show_channels()
        apps = sorted((c["Channel"].rsplit("-", 1)[0], c["Application"]) for c in channels)
        assert apps == [
            ("Local/061511001@from-pstn", "AppDial2"),
            ("Local/061511001@from-pstn", "Dial"),
            ("Local/101@agents", ""),
            ("Local/101@agents", ""),
        ]
        dial = next(c for c in channels if c["Application"] == "Dial")
        assert dial["ApplicationData"] == "Local/101@agents,20"
        assert dial["BridgeId"]
        await asyncio.wait_for(sim.pbx.wait_idle(), 3)
        assert sim.report.outcomes == {"direct_answered": 1}
    finally:
        await client.close()


async def test_refused_login_is_the_recorded_answer(sim: Simulator) -> None:
    watcher = AmiClient(settings(sim))
    try:
        await watcher.connect(timeout=2)
        alerts = watcher.subscribe(["InvalidPassword"])
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        assert await reader.readline() == b"Asterisk Call Manager/11.0.0\r\n"
        writer.write(
            b"Action: Login\r\nActionID: login-1\r\nUsername: callhours\r\n"
            b"Secret: wrong-secret\r\nEvents: on\r\n\r\n"
        )
        async with asyncio.timeout(2):
            alert = await anext(aiter(alerts))
            answer = await reader.read()  # then the server closes the connection
        recorded = (TRACE_DIR / "015_actions_only.badlogin.ami").read_bytes()
        assert answer == recorded.partition(b"\r\n")[2]
        assert alert["AccountID"] == "callhours"
        writer.close()

        refused = AmiClient(settings(sim, secret="wrong-secret"))
        with pytest.raises(LoginRefused, match="Authentication failed"):
            await refused.connect(timeout=2)
        await refused.close()
    finally:
        await watcher.close()


async def test_events_reach_every_client_that_asked_for_them(sim: Simulator) -> None:
    first, second = AmiClient(settings(sim)), AmiClient(settings(sim))
    quiet = AmiClient(settings(sim, events="off"))
    try:
        for client in (first, second, quiet):
            await client.connect(timeout=2)
        subs = [c.subscribe(["UserEvent"]) for c in (first, second, quiet)]
        result = await first.action("UserEvent", {"UserEvent": "Probe", "Team": "x"})
        assert result.ok
        for sub in subs[:2]:
            async with asyncio.timeout(1):
                event = await anext(aiter(sub))
            assert (event["UserEvent"], event["Team"], event["Privilege"]) == (
                "Probe",
                "x",
                "user,all",
            )
            assert event.timestamp is not None
        await asyncio.sleep(0.1)
        assert len(subs[2]) == 0
    finally:
        for client in (first, second, quiet):
            await client.close()


async def test_raw_session_unknown_action_and_logoff(sim: Simulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    parser = FrameParser()
    writer.write(
        f"Action: Login\r\nActionID: login-1\r\nUsername: {USERNAME}\r\n"
        f"Secret: {SECRET}\r\nEvents: on\r\n\r\n".encode()
        + b"Action: NoSuchAction\r\nActionID: unknown-1\r\n\r\n"
        + b"Action: Logoff\r\nActionID: bye\r\n\r\n"
    )
    async with asyncio.timeout(2):
        data = await reader.read()  # until the server closes after Logoff
    messages = parser.feed(data)
    texts = [getattr(m, "headers", {}).get("Message") for m in messages]
    assert "Authentication accepted" in texts
    assert (
        "Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available "
        "commands." in texts
    )
    names = [m.name for m in messages if isinstance(m, AmiEvent)]
    assert names[:2] == ["FullyBooted", "SuccessfulAuth"]
    assert "RequestBadFormat" in names
    assert texts[-1] == "Thanks for all the fish."
    writer.close()
