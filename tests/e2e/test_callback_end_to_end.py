"""Issue 20's must-show, end to end: a caller outside the hours chooses English, asks for a
callback, the team lead calls back from the worklist, and the evaluation counts it.

Everything is the real thing on loopback: the service (tracker, callback store, Originate,
web app in the same process) against the simulated Asterisk built from the same settings,
which routes with the fallback of the dialplan file the service generated and runs the
include's language menu, callback offer and staff-first call-out. The caller presses keys
as a phone does (DTMF on the caller's `;1`); the team lead uses the web pages over HTTP.
The simulated clock runs 5x; the whole test takes a few seconds.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from support import BERLIN, SECRET
from waiting import wait_for

from callcenter.bootstrap import Service, ServiceOptions
from callcenter.config import Settings, load_settings
from callcenter.domain.callbacks import AttemptOutcome, CallbackStatus
from callcenter.pbx.dialplan_eval import read_contexts
from callcenter.simulator import SimClock, Simulator, schedule_fallback
from callcenter.simulator.file_fallback import DialplanFileFallback
from callcenter.simulator.from_settings import model_from_settings
from callcenter.simulator.wire import SimEvent
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.store import Store, open_store
from callcenter.storage.web_repository import AccountRepository
from callcenter.usecases import callbacks
from callcenter.usecases.evaluation import compute_office_report
from callcenter.usecases.schedule import seed_from_settings

pytestmark = pytest.mark.timeout(60)

TEAM = "auslaender-a"
TEAM_LINE = "06151100"
NUMBER = "01705000001"
PASSWORD = "korrekt-pferd-batterie"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Monday 23 Nov 2026, 18:00: team A (Mo-Do 09:00-12:00, Do 14:00-17:30) is closed.
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=BERLIN)


@dataclass
class Office:
    service: Service
    sim: Simulator
    store: Store
    clock: SimClock
    events: list[SimEvent]


def settings_for(data_dir: Path, sounds_dir: Path, port: int) -> Settings:
    base = load_settings(None, environ={}, data_dir=data_dir)
    return base.model_copy(
        update={
            "ami": base.ami.model_copy(update={"port": port, "heartbeat_interval_seconds": 1.0}),
            "ami_secret": SecretStr(SECRET),
            "prompts": base.prompts.model_copy(update={"sounds_dir": sounds_dir}),
            # The language menu with the callback offer (key 1); callers.languages of the
            # example: de, en, tr, ar, ru, uk, so key 2 is English.
            "callers": base.callers.model_copy(update={"menu": True}),
            "callbacks": base.callbacks.model_copy(update={"extensions": {"tina": "101"}}),
        }
    )


@pytest.fixture
async def office(tmp_path: Path, sounds_dir: Path) -> AsyncIterator[Office]:
    clock = SimClock(NOW, speed=5.0)
    draft = settings_for(tmp_path, sounds_dir, 0)
    store = open_store(draft)
    seed_from_settings(store, "test", clock.now())
    with store.session() as session:
        AccountRepository(session).add_user("tina", "teamlead", PASSWORD, TEAM, "test", NOW)
    # The PBX routes with the include the service writes (read on `dialplan reload`).
    fallback = DialplanFileFallback(
        draft.dialplan_file, before_load=schedule_fallback(store.office())
    )
    sim = Simulator(
        model_from_settings(draft),
        username=draft.ami.username,
        secret=SECRET,
        clock=clock,
        fallback=fallback,
    )
    events: list[SimEvent] = []
    sim.pbx.subscribe(events.append)
    await sim.start()
    settings = settings_for(tmp_path, sounds_dir, sim.port)
    service = Service(settings, clock=clock, options=ServiceOptions(web=True, web_port=0))
    try:
        await service.start()
        yield Office(service, sim, store, clock, events)
    finally:
        await service.stop()
        await sim.stop()
        store.close()


def seen(events: list[SimEvent], name: str, **headers: str) -> bool:
    return any(e.name == name and all(e.get(k) == v for k, v in headers.items()) for e in events)


async def login(http: aiohttp.ClientSession, base: str) -> str:
    async with http.get(f"{base}/anmelden") as page:
        token = CSRF.search(await page.text())
    assert token is not None
    form = {"username": "tina", "password": PASSWORD, "csrf_token": token.group(1)}
    async with http.post(f"{base}/anmelden", data=form, allow_redirects=False) as response:
        assert response.status == 303
    async with http.get(f"{base}/rueckrufe/{TEAM}") as page:
        found = CSRF.search(await page.text())
    assert found is not None
    return found.group(1)


async def test_english_callback_request_called_back_and_counted(office: Office) -> None:
    service, sim, store, clock, events = (
        office.service,
        office.sim,
        office.store,
        office.clock,
        office.events,
    )
    await service.ami.wait_connected(10)
    # The generated include has what the simulator runs: menu, offer, call-out context.
    contexts = read_contexts(service.settings.dialplan_file.read_text("utf-8"))
    assert {"callhours-langmenu", "callhours-callback-offer", "callhours-callback"} <= set(contexts)
    await wait_for(
        lambda: sim.pbx.db.get("callhours", TEAM) and sim.pbx.db.get("callhours", "_heartbeat"),
        10,
        "the pushed state",
    )
    # The BLF lamp of the closed team is lit (recording 025: busy = closed).
    await wait_for(
        lambda: sim.pbx.db.get("CustomDevstate", f"callhours-{TEAM}") == "INUSE", 10, "the lamp"
    )

    call = sim.pbx.originate(TEAM_LINE, NUMBER, "Anrufer", data="120")
    await wait_for(lambda: seen(events, "UserEvent", UserEvent="CallHours"), 10, "routing")
    decided = next(e for e in events if e.get("UserEvent") == "CallHours")
    assert (decided.get("State"), decided.get("Source")) == ("closed:hours", "live")
    assert sim.pbx.send_dtmf(call.one.name, "2")  # in the menu: English
    await wait_for(
        lambda: seen(events, "UserEvent", UserEvent="CallHoursLanguage", MenuLanguage="en"),
        10,
        "the language choice",
    )
    # The English announcement alone is playing, not German then English.
    assert (call.two.app, call.two.app_data) == ("Playback", f"callhours/{TEAM}/closed-hours-en")
    # After it, Read() offers the callback (READSTATUS=ERROR is its first VarSet, 021).
    await wait_for(
        lambda: seen(events, "VarSet", Variable="READSTATUS", Value="ERROR"), 15, "the offer"
    )
    assert sim.pbx.send_dtmf(call.one.name, "1")

    def requests() -> list[callbacks.CallbackRequest]:
        return callbacks.requests_between(
            store.session, NOW - timedelta(days=1), NOW + timedelta(days=2)
        )

    await wait_for(lambda: len(requests()) == 1, 10, "the callback request")
    (request,) = requests()
    assert (request.team, request.dialled, request.status) == (
        TEAM,
        TEAM_LINE,
        CallbackStatus.OPEN,
    )

    assert service.web is not None
    web = service.web.url
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        csrf = await login(http, web)
        async with http.get(f"{web}/rueckrufe/{TEAM}") as page:
            assert page.status == 200
            assert NUMBER in await page.text()  # the team's own worklist shows the number
        async with http.post(
            f"{web}/rueckrufe/{TEAM}/{request.id}/anrufen",
            data={"csrf_token": csrf},
            allow_redirects=False,
        ) as response:
            assert response.status == 303

    # The Originate reached the simulated PBX: staff phone 101 first, then the caller.
    action = f"cb-{request.id}-1"
    await wait_for(
        lambda: seen(events, "OriginateResponse", ActionID=action), 15, "OriginateResponse"
    )
    response_event = next(e for e in events if e.get("ActionID") == action)
    assert (response_event.get("Response"), response_event.get("Channel", "")[:16]) == (
        "Success",
        "Local/101@agents",
    )

    def outcome() -> AttemptOutcome | None:
        (current,) = requests()
        return current.attempts[0].outcome if current.attempts else None

    await wait_for(lambda: outcome() is not None, 15, "the attempt's outcome")
    assert outcome() is AttemptOutcome.REACHED
    (done,) = requests()
    assert done.status is CallbackStatus.DONE
    assert not done.number  # erased once the caller was reached

    def record_stored() -> bool:
        with store.session() as session:
            return CallRecordRepository(session).count() >= 1

    await wait_for(record_stored, 15, "the caller's call record")
    with store.session() as session:
        record = CallRecordRepository(session).get(call.linkedid)
    assert (record.team, record.language, record.callback_requested) == (TEAM, "en", True)
    assert NUMBER[1:] not in repr(record)

    report = compute_office_report(
        store, date(2026, 11, 23), date(2026, 11, 23), [TEAM], now=clock.now()
    )
    (figures,) = report.callers.callbacks
    assert (figures.requests, figures.within_24h) == (1, 1)
    assert report.callers.languages == ((TEAM, "hours", "en", 1),)
