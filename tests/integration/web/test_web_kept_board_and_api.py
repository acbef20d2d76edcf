"""The board page and the API overview kept between requests (issue 19, web throughput), and
every input that must end a kept copy at once: a schedule change (a closure switched on), a
team's status changing within the minute, a new minute, a new call, the live PBX facts, the
person asking and their role. Counted, never timed."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from callcenter.domain.access import Actor
from callcenter.domain.schedule import Closure
from callcenter.prompts.templates import DEFAULT_DIRECTORY
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.usecases import accounts, sessions
from callcenter.usecases import schedule as schedule_cases
from callcenter.web import api as api_module
from callcenter.web import public_reasons as public_reasons_module
from callcenter.web import render as render_module
from callcenter.web.api_models import OverviewOut, OverviewTeamOut
from callcenter.web.identity_cache import IdentityCache
from callcenter.web.middleware import SESSION_COOKIE
from callcenter.web.pages import overview_rows
from callcenter.web.state import WEB
from callcenter.web.versions import VersionProbe

from .conftest import START, Browser, WebEnv, answered_call, signed_in

ADMIN = Actor.admin("test:admin")
TEAM = "auslaender-a"


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _tile_state(page: str, team: str = TEAM) -> str:
    found = re.search(rf'data-team="{team}" data-state="(\w+)"', page)
    assert found is not None, page
    return found.group(1)


async def _board(browser: Browser) -> str:
    response = await browser.get("/zentrale")
    assert response.status == 200
    text: str = await response.text()
    return text


async def test_the_board_is_kept_until_a_closure_is_switched_on(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = _counting(monkeypatch, render_module, "render")
    env.clock.current = START + timedelta(minutes=1)  # (signing in viewed the board at 10:00)
    first = await _board(admin)
    assert await _board(admin) == first
    assert len(renders) == 1  # the second view: kept
    assert _tile_state(first) == "open"

    switched = await admin.post("/schliesstage/heute", {"today_team": TEAM, "today_note": "x"})
    assert switched.status == 303
    # The same minute, the same person: the new schedule shows at the very next view.
    assert _tile_state(await _board(admin)) == "closed"


async def test_a_status_changing_within_the_minute_is_shown(env: WebEnv, admin: Browser) -> None:
    # Stored before the first view (no data change afterwards): it starts 30 s later.
    closure = Closure(TEAM, START + timedelta(seconds=30), START + timedelta(hours=1), "Umzug")
    with env.store.unit_of_work() as uow:
        schedule_cases.add_closure(uow, ADMIN, closure, now=START)
    assert _tile_state(await _board(admin)) == "open"
    env.clock.current = START + timedelta(seconds=40)  # still 10:00
    assert _tile_state(await _board(admin)) == "closed"


async def test_a_new_minute_renders_the_board_again(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = _counting(monkeypatch, render_module, "render")
    assert "23.11.2026 10:00" in await _board(admin)
    assert renders == []  # kept since signing in, which viewed the board
    env.clock.current = START + timedelta(minutes=1)
    assert "23.11.2026 10:01" in await _board(admin)
    assert len(renders) == 1


async def test_the_board_is_kept_per_person_and_role(env: WebEnv, admin: Browser) -> None:
    alices = await _board(admin)
    assert "<strong>alice</strong>" in alices
    async for tina in signed_in(env, "tina"):
        page = await _board(tina)
        assert "<strong>tina</strong>" in page
        assert "<strong>alice</strong>" not in page
        assert 'href="/sprechzeiten"' in page  # a team lead's navigation
        with env.store.unit_of_work() as uow:
            accounts.set_role(uow, ADMIN, "tina", "switchboard", None, now=START)
        page = await _board(tina)
        assert "<strong>tina</strong>" in page
        assert 'href="/sprechzeiten"' not in page  # the switchboard's: no call hours
    assert await _board(admin) == alices


async def _overview(browser: Browser) -> tuple[str, dict[str, Any]]:
    response = await browser.get("/api/v1/overview")
    assert response.status == 200
    text: str = await response.text()
    return text, json.loads(text)


def _team(body: dict[str, Any], team: str = TEAM) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in body["teams"] if t["id"] == team)
    return found


async def test_the_api_overview_is_the_models_own_serialization(
    env: WebEnv, admin: Browser
) -> None:
    for _ in range(2):  # computed, then kept
        text, _body = await _overview(admin)
        state = env.app[WEB]
        rows = await overview_rows(state)
        expected = OverviewOut(
            now=env.clock.current,
            pbx_connected=env.live.connected,
            last_heartbeat=env.live.heartbeat,
            teams=[
                OverviewTeamOut(
                    **api_module._status_out(row.status),
                    calls_today_inside=row.calls.inside,
                    calls_today_outside=row.calls.outside,
                    calls_today_unknown=row.calls.unknown,
                    waiting=row.waiting,
                )
                for row in rows
            ],
        )
        assert text == expected.model_dump_json(by_alias=True)


async def test_the_api_overview_keeps_only_the_teams_and_says_now_each_time(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps = _counting(monkeypatch, api_module._OVERVIEW_TEAMS, "dump_json")
    _, first = await _overview(admin)
    env.clock.current = START + timedelta(seconds=5)
    env.live.connected = False
    env.live.heartbeat = START + timedelta(seconds=4)
    _, second = await _overview(admin)
    assert len(dumps) == 1  # the teams: kept
    assert second["teams"] == first["teams"]
    assert datetime.fromisoformat(second["now"]) == START + timedelta(seconds=5)
    assert second["pbx_connected"] is False
    assert datetime.fromisoformat(second["last_heartbeat"]) == START + timedelta(seconds=4)


async def test_the_api_overview_shows_a_new_call_waiting_callers_and_a_closure_at_once(
    env: WebEnv, admin: Browser, tmp_path: Path
) -> None:
    _, first = await _overview(admin)
    async with CallRecordWriter(env.store.engine, tmp_path / "spool", max_delay=0.01) as writer:
        await writer.submit(answered_call(1))
    _, body = await _overview(admin)
    assert _team(body)["calls_today_inside"] == _team(first)["calls_today_inside"] + 1

    env.live.waiting = {TEAM: 9}
    _, body = await _overview(admin)
    assert _team(body)["waiting"] == 9

    assert _team(body)["state"] == "open"
    switched = await admin.post("/schliesstage/heute", {"today_team": TEAM, "today_note": "x"})
    assert switched.status == 303
    _, body = await _overview(admin)
    assert _team(body)["state"] == "closed"


async def test_an_edited_public_reason_shows_on_the_board_within_a_second(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "vorlagen"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    state = env.app[WEB]
    state.settings = env.settings.model_copy(
        update={"prompts": env.settings.prompts.model_copy(update={"templates_dir": folder})}
    )
    clock = [100.0]
    monkeypatch.setattr(public_reasons_module, "_monotonic", lambda: clock[0])
    closure = Closure(TEAM, START, START + timedelta(hours=1), public_reason="organisational")
    with env.store.unit_of_work() as uow:
        schedule_cases.add_closure(uow, ADMIN, closure, now=START, reasons=["organisational"])
    assert "Das hat organisatorische Gründe." in await _board(admin)

    german = folder / "de.toml"
    text = german.read_text("utf-8")
    edited = text.replace("Das hat organisatorische Gründe.", "Wir ziehen um.")
    assert edited != text
    german.write_text(edited, "utf-8")
    os.utime(german, (1e9, 1e9))  # a new stamp even within the file system's resolution
    assert "Das hat organisatorische Gründe." in await _board(admin)  # looked at < 1 s ago
    clock[0] += public_reasons_module.RECHECK_SECONDS
    page = await _board(admin)
    assert "Wir ziehen um." in page
    assert "Das hat organisatorische Gründe." not in page


async def test_the_session_cookie_is_read_from_whatever_header_carries_it(
    env: WebEnv, admin: Browser
) -> None:
    session = next(c.value for c in admin.client.session.cookie_jar if c.key == SESSION_COOKIE)
    cases = [
        (f"{SESSION_COOKIE}={session}", 200),
        (f"theme=dunkel; {SESSION_COOKIE}={session}; other=1", 200),
        (f'{SESSION_COOKIE}="{session}"', 200),
        ("theme=dunkel", 303),
        (f"{SESSION_COOKIE}x={session}", 303),
        (f"{SESSION_COOKIE}=falsch", 303),
    ]
    async with TestClient(TestServer(env.app)) as bare:  # sends only the header given
        for header, status in cases * 2:  # parsed, then kept per header text
            response = await bare.get(
                "/zentrale", headers={"Cookie": header}, allow_redirects=False
            )
            assert response.status == status, header


def test_requests_asking_for_an_expired_version_at_once_share_one_read() -> None:
    reads: list[int] = []
    started, release = threading.Event(), threading.Event()

    def read() -> tuple[int, ...]:
        reads.append(1)
        started.set()
        release.wait(10)
        return (len(reads),)

    probe = VersionProbe(read, writes=lambda: 0)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(probe.current)
        assert started.wait(10)
        waiting = [pool.submit(probe.current) for _ in range(7)]
        release.set()
        results = {first.result(10), *(f.result(10) for f in waiting)}
    assert results == {(1,)}
    assert len(reads) == 1


async def test_requests_of_one_session_share_one_lookup_when_its_identity_expired(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups: list[int] = []
    real = sessions.current_session

    def slow(*args: Any, **kwargs: Any) -> Any:
        lookups.append(1)
        time.sleep(0.2)  # (in a worker thread) long enough for all of them to ask
        return real(*args, **kwargs)

    monkeypatch.setattr(sessions, "current_session", slow)
    env.app[WEB].identities = IdentityCache(
        ttl=2.0, writes=env.store.auth_writes, monotonic=env.monotonic
    )
    assert (await admin.get("/zentrale")).status == 200
    env.monotonic.value += 2.0  # the kept identity expired
    before = len(lookups)
    answers = await asyncio.gather(*(admin.get("/zentrale") for _ in range(6)))
    assert [response.status for response in answers] == [200] * 6
    assert len(lookups) == before + 1
    assert env.app[WEB].session_lookups == {}
