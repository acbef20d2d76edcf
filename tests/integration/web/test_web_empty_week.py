"""Issue 17 point 5 in the web and the API: a week without call hours closes the team for
good; the hours page asks for a confirmation step, the API wants `force: true` (else 409
with a German and an English message that says what would happen)."""

from __future__ import annotations

import html

from aiohttp.test_utils import TestClient, TestServer

from callcenter.storage.audit import AuditRepository

from .conftest import Browser, WebEnv, api_token

EMPTY_WEEK = {f"day{d}": "" for d in range(7)}


def _windows(env: WebEnv, team: str) -> int:
    return len(env.store.office().team(team).windows)


def _set_windows_audited(env: WebEnv) -> int:
    with env.store.session() as session:
        return sum(e.action == "set_windows" for e in AuditRepository(session).list(50))


async def test_the_hours_page_asks_before_closing_a_team_for_good(
    admin: Browser, env: WebEnv
) -> None:
    before = _windows(env, "auslaender-a")
    assert before > 0
    page = await (await admin.get("/sprechzeiten/auslaender-a")).text()
    assert 'name="force"' not in page  # the step appears only when needed
    refused = await admin.post("/sprechzeiten/auslaender-a", EMPTY_WEEK)
    assert refused.status == 409
    text = html.unescape(await refused.text())
    assert 'id="force-error"' in text
    assert "dauerhaft geschlossen" in text
    assert '<input id="force" name="force" type="checkbox"' in text
    assert _windows(env, "auslaender-a") == before
    assert _set_windows_audited(env) == 0
    confirmed = await admin.post("/sprechzeiten/auslaender-a", {**EMPTY_WEEK, "force": "on"})
    assert confirmed.status == 303
    assert _windows(env, "auslaender-a") == 0
    assert _set_windows_audited(env) == 1


async def test_the_api_wants_force_for_an_empty_week(env: WebEnv) -> None:
    token = api_token(env, "alice", "portal")
    headers = {"Authorization": f"Bearer {token}"}
    path = "/api/v1/teams/einbuergerung/hours"
    async with TestClient(TestServer(env.app)) as client:
        refused = await client.put(path, json={"windows": []}, headers=headers)
        assert refused.status == 409
        error = (await refused.json())["error"]
        assert error["code"] == "confirmation_required"
        assert error["field"] == "force"
        assert "dauerhaft geschlossen" in error["message_de"]
        assert "force: true" in error["message_de"]
        assert "closed for good" in error["message_en"]
        assert _windows(env, "einbuergerung") > 0
        forced = await client.put(path, json={"windows": [], "force": True}, headers=headers)
        assert forced.status == 200, await forced.text()
        assert (await forced.json())["windows"] == []
        again = await client.put(path, json={"windows": []}, headers=headers)
        assert again.status == 200  # already empty: nothing is closed by it
        reopened = await client.put(
            path, json={"windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]},
            headers=headers,
        )  # fmt: skip
        assert reopened.status == 200
    assert _windows(env, "einbuergerung") == 1
