"""The switchboard board's server-sent events: a change arrives without reloading, streams
end cleanly when the client goes away and when the app shuts down."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from callcenter.domain.access import Actor
from callcenter.usecases.schedule import announcement_today
from callcenter.web.board import HUB
from callcenter.web.state import WEB

from .conftest import Browser, WebEnv, signed_in


async def next_board(response: ClientResponse, timeout: float = 10.0) -> dict[str, Any]:
    """The next `board` event's data (comments and other lines are skipped)."""

    async def read() -> dict[str, Any]:
        event = ""
        while True:
            line = (await response.content.readline()).decode()
            if not line:
                raise AssertionError("stream ended")
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "board":
                return dict(json.loads(line[6:]))

    return await asyncio.wait_for(read(), timeout)


def team(board: dict[str, Any], team_id: str) -> dict[str, Any]:
    return next(t for t in board["teams"] if t["id"] == team_id)


async def test_a_closure_reaches_the_open_board_without_reloading(admin: Browser) -> None:
    stream = await admin.get("/zentrale/events")
    assert stream.status == 200
    assert stream.headers["Content-Type"] == "text/event-stream"
    first = await next_board(stream)
    assert team(first, "auslaender-a")["state"] == "open"
    assert team(first, "auslaender-a")["de"]["label"] == "offen bis 12:00"
    created = await admin.api(
        "POST",
        "/api/v1/closures",
        json={"team": "auslaender-a", "today": True, "note": "Personalengpass"},
    )
    assert created.status == 201
    while True:
        board = await next_board(stream)
        if team(board, "auslaender-a")["state"] == "closed":
            break
    closed = team(board, "auslaender-a")
    assert closed["reason"] == "closure"
    # The internal note stays off the board unless whoever set the closure chose to show it.
    assert closed["closure_note"] is None
    assert "Personalengpass" not in json.dumps(board, ensure_ascii=False)
    assert closed["de"]["label"] == "geschlossen – öffnet morgen 09:00"
    assert closed["en"]["reason"] == "closure day (announcement)"
    assert board["version"] > first["version"]
    stream.close()


async def test_the_board_shows_the_public_reason_and_a_note_only_when_chosen(
    admin: Browser,
) -> None:
    stream = await admin.get("/zentrale/events")
    await next_board(stream)
    created = await admin.api(
        "POST",
        "/api/v1/closures",
        json={
            "team": "auslaender-a",
            "today": True,
            "note": "Bitte an Team B verweisen",
            "public_reason": "organisational",
            "note_on_board": True,
        },
    )
    assert created.status == 201
    while True:
        board = await next_board(stream)
        if team(board, "auslaender-a")["state"] == "closed":
            break
    closed = team(board, "auslaender-a")
    assert closed["closure_note"] == "Bitte an Team B verweisen"
    assert closed["closure_public_reason"] == "organisational"
    assert "organisatorisch" in closed["de"]["public_reason"]
    assert "organisational" in closed["en"]["public_reason"]
    page = await (await admin.get("/zentrale")).text()
    assert '<span class="board-note">Bitte an Team B verweisen</span>' in page
    assert "organisatorisch" in page
    stream.close()


async def test_the_board_page_never_shows_a_note_not_meant_for_it(admin: Browser) -> None:
    created = await admin.api(
        "POST",
        "/api/v1/closures",
        json={"team": "auslaender-a", "today": True, "note": "Frau X krank"},
    )
    assert created.status == 201
    page = await (await admin.get("/zentrale")).text()
    assert 'data-team="auslaender-a" data-state="closed"' in page
    assert "Frau X krank" not in page
    board = await (await admin.api("GET", "/api/v1/board")).json()
    assert team(board, "auslaender-a")["closure_note"] is None


async def test_the_board_page_and_every_role_may_watch(env: WebEnv) -> None:
    async for sven in signed_in(env, "sven"):
        page = await (await sven.get("/zentrale")).text()
        assert 'data-team="auslaender-a" data-state="open"' in page
        assert '<span class="board-next-prefix">offen bis</span> <strong>12:00</strong>' in page
        stream = await sven.get("/zentrale/events")
        assert team(await next_board(stream), "einbuergerung")["state"] == "open"
        stream.close()


async def test_a_client_going_away_ends_its_stream_quietly(
    admin: Browser, env: WebEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    streams = [await admin.get("/zentrale/events") for _ in range(3)]
    for stream in streams:
        await next_board(stream)
        stream.close()
    # The server goes on: a change is computed and offered to whoever still listens.
    await admin.api("POST", "/api/v1/closures", json={"team": None, "today": True, "note": "x"})
    hub = env.app[HUB]
    seen = hub.revision
    await hub.wait(seen, 5.0)
    assert hub.revision > seen
    assert (await admin.get("/")).status == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_shutting_down_ends_open_streams(env: WebEnv) -> None:
    server = TestServer(env.app)
    client = TestClient(server)
    await client.start_server()
    try:
        browser = Browser(client)
        assert (await browser.login("alice")).status == 303
        stream = await browser.get("/zentrale/events")
        await next_board(stream)
        closing = asyncio.create_task(server.close())
        # The stream ends (EOF) instead of hanging until the shutdown timeout.
        rest = await asyncio.wait_for(stream.content.read(), 10)
        assert b"event: board" not in rest or rest.endswith(b"\n\n")
        await asyncio.wait_for(closing, 10)
        assert env.app[WEB].stopping.is_set()
    finally:
        await client.close()


async def test_overview_and_board_name_the_next_opening_not_a_reason_change(
    env: WebEnv, admin: Browser
) -> None:
    """A 'Bandansage heute' runs to midnight, then the evening is closed by the hours: the
    next change of open/closed is tomorrow's opening, not 00:00."""
    with env.store.unit_of_work() as uow:
        announcement_today(
            uow,
            Actor.admin("web:alice"),
            "auslaender-a",
            "Personalengpass",
            now=env.clock.now(),
            tz=env.settings.tz,
        )
    page = html.unescape(await (await admin.get("/")).text())
    row = re.search(r'<tr data-team="auslaender-a">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "Schließtag / Bandansage" in row.group(1)
    assert "öffnet morgen 09:00" in row.group(1)
    assert "00:00" not in row.group(1)
    board = await (await admin.api("GET", "/api/v1/board")).json()
    tile = team(board, "auslaender-a")
    assert tile["kind"] == "closure"
    assert tile["next_state_change"].startswith(
        (env.clock.now() + timedelta(days=1)).date().isoformat() + "T09:00"
    )
    assert tile["transfer_number"] == "06151100"
    shown = html.unescape(await (await admin.get("/zentrale")).text())
    board_tile = re.search(r'<li class="board-team closed kind-closure"(.*?)</li>', shown, re.S)
    assert board_tile is not None
    assert "Schließtag / Bandansage" in board_tile.group(1)
    assert '<span class="board-next-prefix">öffnet</span> <strong>morgen 09:00</strong>' in (
        board_tile.group(1)
    )
    assert "Durchstellen an" in board_tile.group(1)
