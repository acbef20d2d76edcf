"""A callback from end to end over a real AMI socket, with Asterisk's recorded frames.

The PBX side is the fake AMI server playing what Asterisk 22 sent in the recordings: the
caller of 021 (outside the hours, routed and choosing English as the generated dialplan
reports it, then pressing the callback key), and for "Anrufen" the Originate answer and the
staff-first call of 022 (`cb-answer`: staff answers, the caller answers). The service, its
database and its web app are the real ones. The same flow against the simulator:
tests/e2e/test_callback_end_to_end.py.

Steps: the request appears in the team's worklist (with the number, only there); "Anrufen"
sends the contract's Originate; the outcome "reached" is stored and the number erased; the
evaluation counts the request as fulfilled within 24 hours.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
import pytest
from fake_ami import FakeAmi, Recording
from pydantic import SecretStr
from recordings import ASTERISK22
from waiting import wait_for

from callcenter.bootstrap import Service, ServiceOptions
from callcenter.config import CallbackSettings, load_settings
from callcenter.domain.callbacks import AttemptOutcome, CallbackStatus
from callcenter.simulator import SimClock
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.store import open_store
from callcenter.storage.web_repository import AccountRepository
from callcenter.usecases import callbacks
from callcenter.usecases.evaluation import compute_office_report
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(60)

NUMBER = "01705000001"
CALLER_LINKED = "1796399305.233"
PASSWORD = "korrekt-pferd-batterie"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The recording day (2026-12-04, a Friday, 17:48 Berlin): outside team A's hours.
NOW = datetime(2026, 12, 4, 16, 48, 30, tzinfo=UTC)
TRACES = ASTERISK22 / "traces"


def frames(name: str) -> list[str]:
    return (TRACES / f"{name}.ami").read_bytes().decode("utf-8").split("\r\n\r\n")[1:]


def headers(frame: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in frame.split("\r\n") if ": " in line)


def user_event(envelope: dict[str, str], context: str, **fields: str) -> str:
    """A UserEvent with the envelope Asterisk recorded for 021's CallbackRequested."""
    keys = (
        "Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
        "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode",
    )  # fmt: skip
    lines = ["Event: UserEvent", "Privilege: user,all", f"Timestamp: {envelope['Timestamp']}"]
    lines += [f"{key}: {envelope.get(key, '')}" for key in keys]
    lines += [
        f"Context: {context}",
        f"Exten: {envelope['Exten']}",
        "Priority: 1",
        f"Uniqueid: {envelope['Uniqueid']}",
        f"Linkedid: {envelope['Linkedid']}",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\r\n".join(lines)


def caller_frames() -> bytes:
    """021's pressing caller, routed (closed: hours) and choosing English first."""
    out: list[str] = []
    routed = False
    for frame in frames("021_read_callback_request"):
        h = headers(frame)
        if h.get("Linkedid") != CALLER_LINKED:
            continue
        out.append(frame)
        inbound = h.get("Context") == "from-pstn" and h.get("Channel", "").endswith(";2")
        if frame.startswith("Event: Newexten\r\n") and inbound and not routed:
            routed = True
            out.append(
                user_event(
                    h,
                    "callhours-route",
                    UserEvent="CallHours",
                    Team="auslaender-a",
                    Line="team",
                    Dialled=h["Exten"],
                    State="closed:hours",
                    Reason="hours",
                    Source="live",
                )
            )
            out.append(
                user_event(
                    h,
                    "callhours-menu",
                    UserEvent="CallHoursLanguage",
                    Team="auslaender-a",
                    MenuLanguage="en",
                    CallUniqueid=h["Uniqueid"],
                )
            )
    assert routed
    return ("\r\n\r\n".join(out) + "\r\n\r\n").encode("utf-8")


def staff_first_frames(action_id: str) -> bytes:
    """022's `cb-answer` call: its OriginateResponse and the staff leg's dial events."""
    wanted: list[str] = []
    staff = "1796399315.241"
    for frame in frames("022_callback_originate"):
        h = headers(frame)
        if h.get("ActionID") == "cb-answer" and frame.startswith("Event: OriginateResponse"):
            wanted.append(frame.replace("ActionID: cb-answer", f"ActionID: {action_id}"))
        elif h.get("Uniqueid") == staff and h.get("Event") in ("DialEnd", "Hangup"):
            wanted.append(frame)
    assert len(wanted) >= 2
    return ("\r\n\r\n".join(wanted) + "\r\n\r\n").encode("utf-8")


class CallbackRecording(Recording):
    """015's answers, and for an Originate only its recorded response line (not the
    recorded call's later events, which belong to 015's own originates)."""

    def reply(self, name: str, fields: dict[str, str], action_id: str) -> bytes:
        if name == "Originate":
            return (
                f"Response: Success\r\nActionID: {action_id}\r\n"
                "Message: Originate successfully queued\r\n\r\n"
            ).encode()
        return super().reply(name, fields, action_id)


async def login(http: aiohttp.ClientSession, base: str) -> str:
    async with http.get(f"{base}/anmelden") as page:
        token = CSRF.search(await page.text())
    assert token is not None
    form = {"username": "tina", "password": PASSWORD, "csrf_token": token.group(1)}
    async with http.post(f"{base}/anmelden", data=form, allow_redirects=False) as response:
        assert response.status == 303
    async with http.get(f"{base}/rueckrufe/auslaender-a") as page:
        found = CSRF.search(await page.text())
    assert found is not None
    return found.group(1)


@pytest.fixture
async def pbx() -> AsyncIterator[FakeAmi]:
    server = FakeAmi(CallbackRecording())
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_callback_from_key_press_to_the_115_figure(pbx: FakeAmi, tmp_path: Path) -> None:
    clock = SimClock(NOW, speed=1.0)
    base = load_settings(None, environ={}, data_dir=tmp_path)
    settings = base.model_copy(
        update={
            "ami": base.ami.model_copy(update={"port": pbx.port, "username": pbx.username}),
            "ami_secret": SecretStr(pbx.secret),
            "callbacks": CallbackSettings(extensions={"tina": "101"}),
        }
    )
    store = open_store(settings)
    seed_from_settings(store, "test", clock.now())
    with store.session() as session:
        AccountRepository(session).add_user(
            "tina", "teamlead", PASSWORD, "auslaender-a", "test", clock.now()
        )
    service = Service(settings, clock=clock, options=ServiceOptions(web=True, web_port=0))
    await service.start()
    try:
        await service.ami.wait_connected(10)
        await pbx.push(caller_frames())

        def requests() -> list[callbacks.CallbackRequest]:
            return callbacks.requests_between(
                store.session, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)
            )

        # Database reads off the loop: a blocking poll every 10 ms would starve the service
        # that shares this event loop (its web, its AMI reader and its writes).
        async def one_request() -> bool:
            return len(await asyncio.to_thread(requests)) == 1

        await wait_for(one_request, 10, "the callback request", step=0.05)
        assert service.web is not None
        web = service.web.url
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=20)
        ) as http:
            csrf = await login(http, web)
            async with http.get(f"{web}/rueckrufe/auslaender-a") as page:
                assert NUMBER in await page.text()  # the team's staff see the number
            (request,) = requests()
            async with http.post(
                f"{web}/rueckrufe/auslaender-a/{request.id}/anrufen",
                data={"csrf_token": csrf},
                allow_redirects=False,
            ) as response:
                assert response.status == 303
        (originate,) = pbx.actions("Originate")
        assert originate.action_id == f"cb-{request.id}-1"
        assert originate.fields == {
            "Channel": "Local/101@agents",
            "Context": "callhours-callback",
            "Exten": NUMBER,
            "Priority": "1",
            "Async": "true",
            "CallerID": f'"Rueckruf" <{NUMBER}>',
            "Timeout": "30000",
        }
        # Broadcast responses of other sessions first: ignored.
        await pbx.push(staff_first_frames("orig-someone-else"))
        await pbx.push(staff_first_frames(originate.action_id))

        def outcome() -> AttemptOutcome | None:
            (current,) = requests()
            return current.attempts[0].outcome if current.attempts else None

        async def outcome_known() -> bool:
            return await asyncio.to_thread(outcome) is not None

        await wait_for(outcome_known, 10, "the attempt's outcome", step=0.05)
        (done,) = requests()
        assert outcome() is AttemptOutcome.REACHED
        assert done.status is CallbackStatus.DONE

        def calls_stored() -> int:
            with store.session() as session:
                return CallRecordRepository(session).count()

        # The call's own record (language, callback asked) comes through the record writer.
        async def one_call_stored() -> bool:
            return await asyncio.to_thread(calls_stored) == 1

        await wait_for(one_call_stored, 10, "the caller's call record", step=0.05)
        with store.session() as session:
            record = CallRecordRepository(session).get(CALLER_LINKED)
        assert (record.language, record.callback_requested) == ("en", True)
        assert NUMBER[1:] not in repr(record)
        report = compute_office_report(
            store, date(2026, 12, 4), date(2026, 12, 4), ["auslaender-a"], now=clock.now()
        )
        (figures,) = report.callers.callbacks
        assert (figures.requests, figures.within_24h) == (1, 1)
        assert report.callers.languages == (("auslaender-a", "hours", "en", 1),)
    finally:
        await service.stop()
        store.close()
