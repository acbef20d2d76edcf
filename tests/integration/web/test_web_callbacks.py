"""The callback worklist page, its stream and its API: only the team's staff, numbers
shown only to them, "Anrufen" through the running service, outcomes on the list."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from callcenter.config import CallbackSettings
from callcenter.domain.access import Actor, Role, Scope
from callcenter.domain.callbacks import AttemptOutcome
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.usecases import callbacks
from callcenter.usecases.callbacks import NumberSeal, StartedAttempt
from callcenter.web.app import create_app
from callcenter.web.ratelimit import LoginLimiter

from .conftest import START, Browser, FakeMonotonic, WebEnv, api_token

KEY = bytes(range(32))
SEAL = NumberSeal(KEY)
OLDER, NEWER = "01705000001", "01705000009"


@dataclass
class FakeDialer:
    """The running service's "Anrufen": records the attempt, remembers the Originate."""

    env: WebEnv
    originated: list[tuple[int, int, str, str]] = field(default_factory=list)

    connected: bool = True

    def pbx_connected(self) -> bool:
        return self.connected

    def waiting_by_team(self) -> Mapping[str, int]:
        return {}

    def last_heartbeat(self) -> datetime | None:
        return None

    async def call_back(self, actor: Actor, request_id: int, extension: str) -> StartedAttempt:
        started = callbacks.start_attempt(
            self.env.store.session, actor, request_id, extension, SEAL, self.env.clock.now()
        )
        self.originated.append((request_id, started.attempt, extension, started.number))
        return started


@pytest.fixture
def cb_env(env: WebEnv) -> tuple[WebEnv, FakeDialer]:
    settings = env.settings.model_copy(
        update={"callbacks": CallbackSettings(extensions={"tina": "101"})}
    )
    dialer = FakeDialer(env)
    limiter = LoginLimiter.from_settings(settings.web, FakeMonotonic())
    env.app = create_app(env.store, settings, env.clock, dialer, limiter=limiter, seal=SEAL)
    for number, minutes in ((NEWER, 10), (OLDER, 50)):
        event = CallbackAsked(
            f"call-{number}",
            "x",
            START - timedelta(minutes=minutes),
            "auslaender-a",
            "061511",
            number,
        )
        callbacks.record_request(env.store.session, event, Pseudonymizer(KEY), SEAL, 7)
    return env, dialer


async def browser(env: WebEnv, user: str) -> AsyncIterator[Browser]:
    async with TestClient(TestServer(env.app)) as client:
        signed = Browser(client)
        assert (await signed.login(user)).status == 303
        yield signed


async def test_the_team_lead_sees_the_numbers_oldest_first(
    cb_env: tuple[WebEnv, FakeDialer],
) -> None:
    env, _ = cb_env
    async for tina in browser(env, "tina"):
        assert (await tina.get("/rueckrufe")).headers["Location"] == "/rueckrufe/auslaender-a"
        page = await tina.get("/rueckrufe/auslaender-a")
        html = await page.text()
        assert page.status == 200
        assert html.index(OLDER) < html.index(NEWER)
        assert "50 Min." in html
        assert "Anrufen" in html


@pytest.mark.parametrize("user", ["sven"])
async def test_others_never_see_the_list(cb_env: tuple[WebEnv, FakeDialer], user: str) -> None:
    env, _ = cb_env
    async for other in browser(env, user):
        page = await other.get("/rueckrufe/auslaender-a")
        assert page.status == 403
        assert OLDER not in await page.text()
        stream = await other.get("/rueckrufe/auslaender-a/events")
        assert stream.status == 403


async def test_the_page_names_the_team_and_says_why_calling_is_not_offered(
    cb_env: tuple[WebEnv, FakeDialer],
) -> None:
    env, dialer = cb_env
    async for tina in browser(env, "tina"):
        html = await (await tina.get("/rueckrufe/auslaender-a")).text()
        assert "Rückrufwünsche – Ausländerbehörde Team A" in html
        assert 'id="cannot-call"' not in html
        assert "/anrufen" in html
        dialer.connected = False
        html = await (await tina.get("/rueckrufe/auslaender-a")).text()
        assert "keine Verbindung zur Telefonanlage" in html
        assert "/anrufen" not in html
    dialer.connected = True
    async for alice in browser(env, "alice"):  # an admin without an extension of her own
        html = await (await alice.get("/rueckrufe/auslaender-a")).text()
        assert "für Sie ist keine Nebenstelle eingetragen" in html
        assert "/anrufen" not in html
        assert OLDER in html


async def test_an_admin_chooses_the_team_from_the_navigation(
    cb_env: tuple[WebEnv, FakeDialer],
) -> None:
    env, _ = cb_env
    async for alice in browser(env, "alice"):
        page = await alice.get("/rueckrufe")
        html = await page.text()
        assert page.status == 200
        assert 'href="/rueckrufe"' in html  # in the navigation
        assert '<a href="/rueckrufe/auslaender-a">Ausländerbehörde Team A' in html
        assert OLDER not in html  # the chooser shows no numbers


async def test_call_originates_and_the_outcome_leaves_the_list(
    cb_env: tuple[WebEnv, FakeDialer],
) -> None:
    env, dialer = cb_env
    (older, _newer) = callbacks.open_requests(
        env.store.session,
        Actor("t", Role.TEAMLEAD, "auslaender-a"),
        "auslaender-a",
        SEAL,
        START,  # type: ignore[arg-type]
    )
    async for tina in browser(env, "tina"):
        response = await tina.post(f"/rueckrufe/auslaender-a/{older.id}/anrufen")
        assert response.status == 303
        assert dialer.originated == [(older.id, 1, "101", OLDER)]
        # While it runs, no second "Anrufen" for that request.
        again = await tina.post(f"/rueckrufe/auslaender-a/{older.id}/anrufen")
        assert again.status == 409
        callbacks.finish_attempt(
            env.store.session, older.id, 1, AttemptOutcome.REACHED, START + timedelta(seconds=40)
        )
        html = await (await tina.get("/rueckrufe/auslaender-a")).text()
        assert OLDER not in html
        assert NEWER in html


async def test_the_stream_sends_the_list(cb_env: tuple[WebEnv, FakeDialer]) -> None:
    env, _ = cb_env
    async for tina in browser(env, "tina"):
        response = await tina.get("/rueckrufe/auslaender-a/events")
        assert response.status == 200
        buffer = b""
        while b"event: worklist" not in buffer or not buffer.endswith(b"\n\n"):
            buffer += await response.content.readany()
        data = buffer.split(b"data: ", 1)[1].split(b"\n", 1)[0]
        payload = json.loads(data)
        assert [item["number"] for item in payload["items"]] == [OLDER, NEWER]
        response.close()


async def test_api_needs_the_callbacks_scope(cb_env: tuple[WebEnv, FakeDialer]) -> None:
    env, dialer = cb_env
    granted = api_token(env, "tina", "ticket", scopes=(Scope.CALLBACKS,))
    read_only = api_token(env, "tina", "portal", scopes=(Scope.READ,))
    async with TestClient(TestServer(env.app)) as client:
        listed = await client.get("/api/v1/teams/auslaender-a/callbacks", headers=auth(granted))
        assert listed.status == 200
        items = (await listed.json())["items"]
        assert [i["number"] for i in items] == [OLDER, NEWER]
        refused = await client.get("/api/v1/teams/auslaender-a/callbacks", headers=auth(read_only))
        assert refused.status == 403
        called = await client.post(
            f"/api/v1/callbacks/{items[1]['id']}/call", headers=auth(granted)
        )
        assert called.status == 202
        assert (await called.json())["attempt"] == 1
        assert dialer.originated == [(items[1]["id"], 1, "101", NEWER)]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
