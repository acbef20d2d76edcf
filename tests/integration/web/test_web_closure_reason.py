"""Issue 17 point 4 in the web form and the API: a closure's public reason is picked from the
templates' list (unknown keys are refused, naming the allowed ones), its note is internal and
reaches the board only when chosen."""

from __future__ import annotations

import html
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from callcenter.domain.schedule import Closure
from callcenter.storage.audit import AuditRepository

from .conftest import WebEnv, api_token, signed_in

A = "/api/v1"


def _mine(env: WebEnv) -> list[Closure]:
    return [c for c in env.store.office().closures if c.created_by != "test-seed"]


async def test_the_closures_page_offers_the_public_reasons_and_labels_the_note_internal(
    env: WebEnv,
) -> None:
    async for alice in signed_in(env, "alice"):
        page = html.unescape(await (await alice.get("/schliesstage")).text())
        assert '<select id="today_reason" name="today_reason"' in page
        assert '<option value="organisational">Das hat organisatorische Gründe.</option>' in page
        assert "Vermerk (intern, nie angesagt)" in page
        assert "Vermerk auf der Tafel der Zentrale zeigen" in page
        assert 'name="range_on_board" type="checkbox"' in page


async def test_the_form_stores_reason_note_and_board_flag(env: WebEnv) -> None:
    async for alice in signed_in(env, "alice"):
        added = await alice.post(
            "/schliesstage/heute",
            {
                "today_team": "auslaender-a",
                "today_reason": "training",
                "today_note": "Frau X krank",
                "today_on_board": "on",
            },
        )
        assert added.status == 303
        ranged = await alice.post(
            "/schliesstage/zeitraum",
            {"range_team": "auslaender-b", "first_day": "2026-12-01", "range_reason": "technical"},
        )
        assert ranged.status == 303
        today, days = _mine(env)
        assert (today.public_reason, today.note, today.note_on_board) == (
            "training",
            "Frau X krank",
            True,
        )
        assert (days.public_reason, days.note, days.note_on_board) == ("technical", "", False)
        listed = html.unescape(await (await alice.get("/schliesstage")).text())
        assert "auf der Tafel" in listed


async def test_the_form_refuses_an_unknown_reason_and_a_closure_without_any(env: WebEnv) -> None:
    async for alice in signed_in(env, "alice"):
        forged = await alice.post(
            "/schliesstage/heute",
            {"today_team": "auslaender-a", "today_reason": "krank", "today_note": "x"},
        )
        assert forged.status == 422
        text = html.unescape(await forged.text())
        assert "Öffentlicher Grund „krank“ ist unbekannt" in text
        assert 'id="today_reason-error">Öffentlicher Grund' in text
        empty = await alice.post("/schliesstage/heute", {"today_team": "auslaender-a"})
        assert empty.status == 422
        assert "öffentlichen Grund wählen oder einen Vermerk" in html.unescape(await empty.text())
        assert _mine(env) == []


async def _api(client: TestClient, token: str, method: str, path: str, body: Any = None) -> Any:
    return await client.request(
        method, A + path, json=body, headers={"Authorization": f"Bearer {token}"}
    )


async def test_the_api_takes_public_reason_and_note_on_board(env: WebEnv) -> None:
    token = api_token(env, "alice", "portal")
    async with TestClient(TestServer(env.app)) as client:
        created = await _api(
            client,
            token,
            "POST",
            "/closures",
            {
                "team": "auslaender-a",
                "today": True,
                "public_reason": "organisational",
                "note": "Frau X krank",
            },
        )
        assert created.status == 201, await created.text()
        body = await created.json()
        assert (body["public_reason"], body["note"], body["note_on_board"]) == (
            "organisational",
            "Frau X krank",
            False,
        )
        status = await (await _api(client, token, "GET", "/board")).json()
        team_a = next(t for t in status["teams"] if t["id"] == "auslaender-a")
        assert team_a["closure_note"] is None
        assert team_a["closure_public_reason"] == "organisational"

        changed = await _api(
            client, token, "PATCH", f"/closures/{body['id']}", {"note_on_board": True}
        )
        assert changed.status == 200, await changed.text()
        assert (await changed.json())["note_on_board"] is True
        status = await (await _api(client, token, "GET", "/board")).json()
        team_a = next(t for t in status["teams"] if t["id"] == "auslaender-a")
        assert team_a["closure_note"] == "Frau X krank"

        unknown = await _api(
            client, token, "PATCH", f"/closures/{body['id']}", {"public_reason": "krank"}
        )
        assert unknown.status == 422
        error = (await unknown.json())["error"]
        assert "organisational, training, staff_meeting, technical" in error["message_de"]
        assert "unknown public reason 'krank'" in error["message_en"]
        assert error["field"] == "public_reason"
        nothing = await _api(client, token, "POST", "/closures", {"team": None, "today": True})
        assert nothing.status == 422
    with env.store.session() as session:
        actions = [e.action for e in AuditRepository(session).list(10, "closure")]
    assert actions == ["change_closure", "add_closure"]
