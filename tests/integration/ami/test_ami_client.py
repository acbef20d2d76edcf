"""AmiClient against the fake Asterisk (real Asterisk 22 answers) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import random

import pytest
from fake_ami import FakeAmi, fast_settings
from waiting import wait_for

from callcenter.pbx.ami import (
    ActionFailed,
    ActionTimeout,
    AmiClient,
    AmiEvent,
    ConnectionLost,
    LoginRefused,
    NotAsterisk,
    NotConnected,
    SessionInfo,
)

pytestmark = pytest.mark.timeout(10)


# -- login --------------------------------------------------------------------------------


async def test_login_and_every_convenience_method(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        session = await client.connect(timeout=2)
        assert session == SessionInfo(1, "Asterisk Call Manager/11.0.0")
        (login,) = server.actions("Login")
        assert login.fields == {
            "Username": "callhours",
            "Secret": "callhours-secret",
            "Events": "on",
        }

        await client.db_put("callhours", "auslaender-a", "open")
        assert await client.db_get("callhours", "auslaender-a") == "open"
        assert await client.db_get("callhours", "no-such-team") is None
        assert await client.db_del("callhours", "_scratch") is True
        assert await client.db_get_tree("callhours") == {
            "/callhours/_heartbeat": "1795250986",
            "/callhours/auslaender-a": "open",
        }
        assert await client.ping() >= 0
        assert await client.command("dialplan reload") == ("Dialplan reloaded.",)
        assert await client.command("database show callhours") == (
            "/callhours/_heartbeat                             : 1795250986               ",
            "/callhours/auslaender-a                           : open                     ",
            "2 results found.",
        )
        channels = await client.core_show_channels()
        assert len(channels) == 8
        assert {event.name for event in channels} == {"CoreShowChannel"}

        ids = [r.action_id for r in server.received]
        assert len(ids) == len(set(ids)), "every action gets its own ActionID"
    finally:
        await client.close()


async def test_refused_login_is_a_clear_error_and_never_retried(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, secret="wrong-secret"))
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        with pytest.raises(LoginRefused, match="Authentication failed") as refused:
            await client.connect(timeout=3)
        assert loop.time() - started >= 0.9  # Asterisk's own ~1 s delay, as recorded
        assert refused.value.username == "callhours"
        await asyncio.sleep(0.5)  # several backoff periods: nothing may happen
        assert server.connections == 1
        assert isinstance(client.failure, LoginRefused)
        with pytest.raises(NotConnected):
            await client.ping()
    finally:
        await client.close()


async def test_md5_challenge_login(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, auth="md5"))
    try:
        await client.connect(timeout=2)
        (login,) = server.actions("Login")
        assert "Secret" not in login.fields
        assert login.fields["AuthType"] == "MD5"
        assert [r.name for r in server.received[:2]] == ["Challenge", "Login"]
    finally:
        await client.close()


async def test_md5_login_with_wrong_secret_is_refused(server: FakeAmi) -> None:
    server.refuse_delay = 0.05
    client = AmiClient(fast_settings(server, auth="md5", secret="nope"))
    try:
        with pytest.raises(LoginRefused):
            await client.connect(timeout=2)
    finally:
        await client.close()


async def test_a_peer_that_is_not_asterisk_is_rejected(server: FakeAmi) -> None:
    server.banner = b"SSH-2.0-OpenSSH_9.6\r\n"
    client = AmiClient(fast_settings(server))
    try:
        with pytest.raises(NotAsterisk, match=r"SSH-2\.0"):
            await client.connect(timeout=2)
        assert server.connections == 1
    finally:
        await client.close()


# -- actions ------------------------------------------------------------------------------


async def test_action_timeout_leaves_the_connection_up(server: FakeAmi) -> None:
    server.silent.add("DBGet")
    client = AmiClient(fast_settings(server, action_timeout=0.2, ping_interval=30))
    try:
        await client.connect(timeout=2)
        with pytest.raises(ActionTimeout) as timed_out:
            await client.db_get("callhours", "auslaender-a")
        assert timed_out.value.action == "DBGet"
        assert isinstance(timed_out.value, TimeoutError)
        await client.db_put("callhours", "auslaender-a", "open")
        assert client.session == SessionInfo(1, "Asterisk Call Manager/11.0.0")
    finally:
        await client.close()


async def test_late_list_after_a_timeout_does_not_leak_to_subscribers(server: FakeAmi) -> None:
    server.delays["DBGetTree"] = 0.3
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        events = client.subscribe()
        with pytest.raises(ActionTimeout):
            await client.action("DBGetTree", {"Family": "callhours"}, timeout=0.1)
        await asyncio.sleep(0.4)  # the late response and its list arrive now
        server.delays.clear()
        assert await client.db_get_tree("callhours") == {
            "/callhours/_heartbeat": "1795250986",
            "/callhours/auslaender-a": "open",
        }
        names = []
        while len(events):
            names.append((await events.get(timeout=0.1)).name)
        assert "DBGetTreeResponse" not in names
        assert "DBGetTreeComplete" not in names
    finally:
        await client.close()


async def test_eventlist_is_returned_whole_even_in_tiny_writes(server: FakeAmi) -> None:
    server.write_chunk = 5
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        events = client.subscribe()
        result = await client.action("CoreShowChannels")
        assert result.ok
        assert result.response.starts_list
        assert [event.name for event in result.events] == ["CoreShowChannel"] * 8
        assert result.complete is not None
        assert result.complete["ListItems"] == "8"
        assert result.events[0]["ApplicationData"] == "20"
        assert result.events[1]["BridgeId"] == "6d4bcd7c-68ee-4836-b1db-fefcfb4f2a48"
        assert len(events) == 2  # FullyBooted, SuccessfulAuth; no list items
    finally:
        await client.close()


async def test_error_responses(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        result = await client.action("NoSuchAction")
        assert not result.ok
        assert result.message.startswith("Invalid/unknown command: NoSuchAction.")
        with pytest.raises(ActionFailed, match="fake server: no recording"):
            await client.command("core show uptime")
    finally:
        await client.close()


async def test_cr_lf_in_a_value_is_refused_before_sending(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        with pytest.raises(ValueError, match="CR or LF"):
            await client.db_put("callhours", "x", "open\r\n\r\nAction: Originate")
        assert [r.name for r in server.received] == ["Login"]
    finally:
        await client.close()


async def test_actions_before_connect_raise_not_connected(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server))
    with pytest.raises(NotConnected):
        await client.db_put("callhours", "x", "open")
    await client.close()


# -- events -------------------------------------------------------------------------------


async def test_events_reach_subscribers_in_order_with_name_filter(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        all_events = client.subscribe()
        hangups = client.subscribe({"Hangup"})
        await client.connect(timeout=2)
        trace = server.recording
        frames = [f for f in trace.frames if f.startswith(b"Event: ")]
        await server.push(b"".join(frames))
        expected = [f.split(b"\r\n")[0].removeprefix(b"Event: ").decode() for f in frames]
        received = [(await all_events.get(timeout=1)).name for _ in range(len(expected) + 2)]
        assert received[:2] == ["FullyBooted", "SuccessfulAuth"]  # from the login
        assert received[2:] == expected
        assert len(hangups) == expected.count("Hangup") > 0
    finally:
        await client.close()
    assert all_events.closed


async def test_slow_subscriber_memory_is_bounded(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        events = client.subscribe(maxsize=10)
        await server.push(
            b"".join(f"Event: UserEvent\r\nSeq: {n}\r\n\r\n".encode() for n in range(50))
        )
        await client.ping()  # the pushed events were read before the Pong
        assert len(events) == 10
        assert events.dropped == 40
        assert [(await events.get())["Seq"] for _ in range(10)] == [str(n) for n in range(40, 50)]
    finally:
        await client.close()


async def test_utf8_name_split_across_tcp_writes(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        events = client.subscribe({"Newchannel"})
        frame = "Event: Newchannel\r\nCallerIDName: José\r\nUniqueid: 1.1\r\n\r\n".encode()
        cut = frame.index(b"\xc3") + 1  # between the two bytes of "é"
        await server.push(frame[:cut])
        await asyncio.sleep(0.05)
        await server.push(frame[cut:])
        event = await events.get(timeout=1)
        assert event["CallerIDName"] == "José"
    finally:
        await client.close()


# -- connection loss ----------------------------------------------------------------------


async def test_watchdog_drops_a_hung_server_and_reconnects(server: FakeAmi) -> None:
    server.hang_connections.add(1)
    sessions: list[SessionInfo] = []

    async def on_reconnect(session: SessionInfo) -> None:
        sessions.append(session)

    client = AmiClient(fast_settings(server), on_reconnect=on_reconnect)
    try:
        await client.connect(timeout=2)
        took = await wait_for(lambda: len(sessions) == 2, 3, "the second session")
        assert took < 1.0  # interval 0.1 + ping timeout 0.2 + backoff
        assert [s.number for s in sessions] == [1, 2]
        assert server.connections == 2
        assert server.actions("Ping")[0].connection == 1
        assert await client.db_get("callhours", "auslaender-a") == "open"
    finally:
        await client.close()


async def test_in_flight_actions_fail_and_are_never_resent(server: FakeAmi) -> None:
    server.silent.add("DBGet")
    server.drop_on.add("Originate")
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        await client.connect(timeout=2)
        waiting = asyncio.ensure_future(client.db_get("callhours", "auslaender-a"))
        await wait_for(lambda: bool(server.actions("DBGet")), 3, "the DBGet sent")
        originate = {"Channel": "Local/06151100@from-pstn", "Application": "Wait", "Data": "5"}
        with pytest.raises(ConnectionLost, match="not re-sent"):
            await client.action("Originate", originate)
        with pytest.raises(ConnectionLost, match="DBGet"):
            await waiting
        await client.wait_connected(timeout=2)
        assert client.session is not None
        assert client.session.number == 2
        await client.ping()
        await asyncio.sleep(0.2)
        assert len(server.actions("Originate")) == 1
        assert len(server.actions("DBGet")) == 1
    finally:
        await client.close()


async def test_server_restart_relogin_and_state_pushed_again(server: FakeAmi) -> None:
    states = {"auslaender-a": "open", "zentrale": "closed:hours"}

    async def push_state(session: SessionInfo) -> None:
        for team, state in states.items():
            await client.db_put("callhours", team, state)
        await client.db_put("callhours", "_heartbeat", "1795250986")

    client = AmiClient(fast_settings(server), on_reconnect=push_state)
    try:
        await client.connect(timeout=2)
        await wait_for(lambda: len(server.actions("DBPut")) == 3, 3, "the first three DBPuts")
        await server.restart(downtime=0.2)
        await wait_for(lambda: len(server.actions("DBPut")) == 6, 3, "three DBPuts again")
        second = [(r.fields["Key"], r.fields["Val"]) for r in server.actions("DBPut")[3:]]
        assert second == [
            ("auslaender-a", "open"),
            ("zentrale", "closed:hours"),
            ("_heartbeat", "1795250986"),
        ]
        assert {r.connection for r in server.actions("DBPut")[3:]} == {server.connections}
        newest = next(r for r in server.received if r.connection == server.connections)
        assert newest.name == "Login"
    finally:
        await client.close()


async def test_reconnect_backoff_grows_with_jitter(server: FakeAmi) -> None:
    server.close_on_accept = True  # accept, then hang up before the banner
    client = AmiClient(
        fast_settings(server, reconnect_initial=0.05, reconnect_max=0.4, reconnect_jitter=0.1),
        rng=random.Random(3),
    )
    try:
        await client.start()
        await wait_for(lambda: server.connections >= 6, 3, "six connection attempts")
        gaps = [b - a for a, b in zip(server.accept_times, server.accept_times[1:], strict=False)]
        for gap, base in zip(gaps, [0.05, 0.1, 0.2, 0.4, 0.4], strict=False):
            assert base * 0.9 - 0.005 <= gap <= base * 1.1 + 0.1, (gaps, base)
        assert not client.connected
    finally:
        await client.close()


async def test_close_cancels_and_awaits_every_task(server: FakeAmi) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow_callback(session: SessionInfo) -> None:
        started.set()
        await release.wait()

    client = AmiClient(fast_settings(server), on_reconnect=slow_callback)
    events = client.subscribe()
    await client.connect(timeout=2)
    await started.wait()
    ours = {t for t in asyncio.all_tasks() if t.get_name().startswith("ami-")}
    # Reading is the connection's Protocol callback, not a task.
    assert {t.get_name() for t in ours} == {
        "ami-supervisor",
        "ami-watchdog",
        "ami-on-reconnect",
    }
    await client.close()
    assert all(task.done() for task in ours)
    assert [r.name for r in server.received][-1] == "Logoff"
    assert [event.name async for event in events] == ["FullyBooted", "SuccessfulAuth"]
    with pytest.raises(NotConnected):
        await client.ping()
    await client.close()  # idempotent


async def test_events_keep_flowing_after_reconnect(server: FakeAmi) -> None:
    client = AmiClient(fast_settings(server, ping_interval=30))
    try:
        events = client.subscribe({"UserEvent"})
        await client.connect(timeout=2)
        await server.push(b"Event: UserEvent\r\nSeq: 1\r\n\r\n")
        await server.drop_all()
        await wait_for(
            lambda: client.session is not None and client.session.number == 2,
            3,
            "the second session",
        )
        await server.push(b"Event: UserEvent\r\nSeq: 2\r\n\r\n")
        got: list[AmiEvent] = [await events.get(timeout=1), await events.get(timeout=1)]
        assert [e["Seq"] for e in got] == ["1", "2"]
    finally:
        await client.close()
