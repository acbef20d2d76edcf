"""The simulator runs the generated language menu and takes a caller's key like Asterisk.

The caller's key goes in as AMI `PlayDTMF` on the caller's `;1` (or `send_dtmf`); what
comes out follows 020/021: `DTMFBegin`/`DTMFEnd` only on `;2`, `Direction: Received`,
`DurationMs: 100`, with the recorded header layout, then the dialplan's
`UserEvent: CallHoursLanguage` in the envelope of 021's `UserEvent: CallbackRequested`.
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
from callcenter.simulator.model import recorded_model
from callcenter.simulator.simulator import Simulator

pytestmark = pytest.mark.timeout(20)

SATURDAY = datetime(2026, 11, 21, 8, 47, tzinfo=UTC)  # closed: no AstDB state, no fallback


def _layouts(trace: str, name: str) -> set[tuple[str, ...]]:
    return {tuple(e.headers) for e in load_events(TRACE_DIR / f"{trace}.ami") if e.name == name}


async def _call(keys: list[tuple[float, str]], callback_key: str = "") -> list[AmiEvent]:
    """One closed team-line call; `keys`: (simulated seconds after the call starts, key);
    the key `hangup` hangs the caller up instead (AMI Hangup on `;1`, as 021 did)."""
    model = dataclasses.replace(
        recorded_model(), menu_languages=("de", "en", "tr"), callback_key=callback_key
    )
    sim = Simulator(model, username=USERNAME, secret=SECRET, clock=SimClock(SATURDAY, 25.0))
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
            "Action: Originate\r\nActionID: orig-1\r\nChannel: Local/06151100@from-pstn\r\n"
            'Application: Wait\r\nData: 60\r\nCallerID: "Test" <01704000002>\r\n'
            "Async: true\r\n\r\n".encode()
        )
        started = sim.clock.time()
        for at, key in keys:
            await sim.clock.sleep_until(started + at)
            one = next(e["Channel"] for e in events if e.name == "Newchannel")
            if key == "hangup":
                action = f"Action: Hangup\r\nChannel: {one}\r\nCause: 16\r\n\r\n"
            else:
                action = f"Action: PlayDTMF\r\nChannel: {one}\r\nDigit: {key}\r\n\r\n"
            writer.write(action.encode())
        await asyncio.sleep(0.05)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=10)
        await asyncio.sleep(0.05)
        writer.close()
        reading.cancel()
    return events


def _language_events(events: list[AmiEvent]) -> list[AmiEvent]:
    return [e for e in events if e.name == "UserEvent" and e["UserEvent"] == "CallHoursLanguage"]


async def test_key_two_chooses_english_with_the_recorded_dtmf_and_userevent_shape() -> None:
    events = await _call([(2.0, "2")])
    dtmf = [e for e in events if e.name in ("DTMFBegin", "DTMFEnd")]
    assert [e.name for e in dtmf] == ["DTMFBegin", "DTMFEnd"]
    assert all(e["Channel"].endswith(";2") and e["Direction"] == "Received" for e in dtmf)
    assert dtmf[1]["DurationMs"] == "100"
    assert all(e["Digit"] == "2" for e in dtmf)
    assert tuple(dtmf[0].headers) in _layouts("020_dtmf_language_menu", "DTMFBegin")
    assert tuple(dtmf[1].headers) in _layouts("020_dtmf_language_menu", "DTMFEnd")
    assert dtmf[0]["Privilege"] == "dtmf,all"
    (chosen,) = _language_events(events)
    assert (chosen["Team"], chosen["MenuLanguage"]) == ("auslaender-a", "en")
    assert chosen["CallUniqueid"] == chosen["Uniqueid"]  # ${UNIQUEID} of ;2
    recorded = next(iter(_layouts("021_read_callback_request", "UserEvent")))
    channel_part = recorded[: recorded.index("UserEvent") + 1]
    assert tuple(chosen.headers)[: len(channel_part)] == channel_part
    assert chosen["Privilege"] == "user,all"
    # The key ends the menu at once: English only (6.84 s), not German then English.
    hangup = next(e for e in events if e.name == "Hangup" and e["Channel"].endswith(";2"))
    assert hangup.timestamp is not None
    assert chosen.timestamp is not None
    assert 6.0 < hangup.timestamp - chosen.timestamp < 8.0


async def test_no_key_plays_the_default_languages() -> None:
    events = await _call([])
    (chosen,) = _language_events(events)
    assert chosen["MenuLanguage"] == "default"
    assert chosen["Exten"] == "t"
    assert not [e for e in events if e.name.startswith("DTMF")]


async def test_a_wrong_key_repeats_the_menu_once() -> None:
    events = await _call([(1.0, "7"), (3.0, "3")])
    (chosen,) = _language_events(events)
    assert (chosen["MenuLanguage"], chosen["Exten"]) == ("tr", "3")
    twice_wrong = await _call([(1.0, "7"), (3.0, "8")])
    assert [e["MenuLanguage"] for e in _language_events(twice_wrong)] == ["default"]


async def test_the_choice_has_its_own_header_beside_the_channel_language() -> None:
    # Every channel event carries `Language:` (the channel's, "en" here); a menu choice in a
    # second `Language:` header would be shadowed by it.
    events = await _call([(2.0, "3")])
    (chosen,) = _language_events(events)
    assert (chosen["Language"], chosen["MenuLanguage"]) == ("en", "tr")


def _read_vars(events: list[AmiEvent]) -> list[tuple[str, str]]:
    return [
        (e["Variable"], e["Value"])
        for e in events
        if e.name == "VarSet" and e["Variable"] in ("READSTATUS", "CBDIGIT")
    ]


async def test_callback_key_after_the_announcement_raises_021s_userevent() -> None:
    # Key 2 at 2 s: English (6.84 s) until about 9 s; then the offer; key 1 at 10 s.
    events = await _call([(2.0, "2"), (10.0, "1")], callback_key="1")
    assert _read_vars(events) == [("READSTATUS", "ERROR"), ("CBDIGIT", "1"), ("READSTATUS", "OK")]
    (request,) = [e for e in events if e.get("UserEvent") == "CallbackRequested"]
    recorded = next(iter(_layouts("021_read_callback_request", "UserEvent")))
    assert tuple(request.headers) == recorded
    assert (request["Number"], request["Dialled"], request["Team"]) == (
        "01704000002",
        "06151100",
        "auslaender-a",
    )
    assert request["CallUniqueid"] == request["Uniqueid"]
    assert sum(e.name == "DTMFEnd" for e in events) == 2
    varsets = [e for e in events if e.name == "VarSet" and e["Variable"] == "READSTATUS"]
    assert all(tuple(e.headers) in _layouts("021_read_callback_request", "VarSet") for e in varsets)


async def test_hanging_up_during_the_offer_reads_as_hangup_like_021() -> None:
    events = await _call([(2.0, "2"), (10.0, "hangup")], callback_key="1")
    assert _read_vars(events) == [
        ("READSTATUS", "ERROR"),
        ("CBDIGIT", ""),
        ("READSTATUS", "HANGUP"),
    ]
    assert not [e for e in events if e.get("UserEvent") == "CallbackRequested"]
    channels = {e["Channel"] for e in events if e.name == "Newchannel"}
    assert {e["Channel"] for e in events if e.name == "Hangup"} == channels
