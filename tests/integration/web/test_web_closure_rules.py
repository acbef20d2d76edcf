"""Issue 15 in the web forms and the API: closures cannot start before now, 'Bandansage
heute' starts now, long closures need a confirmation, future closures can be changed and
deleted, running ones ended now; every change audited with before/after."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from callcenter.domain.schedule import Closure
from callcenter.storage.audit import AuditRepository

from .conftest import BERLIN, START, WebEnv, api_token, signed_in

A = "/api/v1"
AT_16_28 = START.replace(hour=16, minute=28, second=30)  # Monday 2026-11-23
MIDNIGHT = datetime(2026, 11, 24, tzinfo=BERLIN)


def _mine(env: WebEnv) -> list[Closure]:
    """Closures added by the tests (the example's own are seeded by 'test-seed')."""
    return [c for c in env.store.office().closures if c.created_by != "test-seed"]


def _audit(env: WebEnv) -> list[Any]:
    with env.store.session() as session:
        return AuditRepository(session).list(50, "closure")


# -- web forms -----------------------------------------------------------------------------


async def test_a_team_lead_cannot_close_from_2026_to_2099_in_the_form(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        refused = await tina.post(
            "/schliesstage/zeitraum",
            {
                "range_team": "auslaender-a",
                "first_day": "2026-01-01",
                "last_day": "2099-12-31",
                "range_note": "Umbau",
            },
        )
        assert refused.status == 422
        text = html.unescape(await refused.text())
        assert "Beginn 01.01.2026 00:00 liegt vor jetzt (23.11.2026 10:00)" in text
        unconfirmed = await tina.post(
            "/schliesstage/zeitraum",
            {
                "range_team": "auslaender-a",
                "first_day": "2026-11-23",
                "last_day": "2099-12-31",
                "range_note": "Umbau",
            },
        )
        assert unconfirmed.status == 422
        assert "länger als 31 Tage" in html.unescape(await unconfirmed.text())
        assert _mine(env) == []
        assert _audit(env) == []
        confirmed = await tina.post(
            "/schliesstage/zeitraum",
            {
                "range_team": "auslaender-a",
                "first_day": "2026-11-23",
                "last_day": "2099-12-31",
                "range_note": "Umbau",
                "confirm_long": "on",
            },
        )
        assert confirmed.status == 303
        [closure] = _mine(env)
        assert closure.start == START  # from today means from now


async def test_bandansage_heute_at_16_28_is_stored_from_16_28(env: WebEnv) -> None:
    env.clock.current = AT_16_28
    async for tina in signed_in(env, "tina"):
        response = await tina.post(
            "/schliesstage/heute", {"today_team": "auslaender-a", "today_note": "Krank"}
        )
        assert response.status == 303
        [closure] = _mine(env)
        assert (closure.start, closure.end) == (AT_16_28.replace(second=0), MIDNIGHT)
        until = await tina.post(
            "/schliesstage/heute",
            {"today_team": "auslaender-a", "today_note": "Schulung", "until": "17:45"},
        )
        assert until.status == 303
        assert _mine(env)[-1].end == AT_16_28.replace(hour=17, minute=45, second=0)
        late = await tina.post(
            "/schliesstage/heute",
            {"today_team": "auslaender-a", "today_note": "x", "until": "12:00"},
        )
        assert late.status == 422
        assert "schon vorbei" in html.unescape(await late.text())


async def test_future_closures_are_changed_and_deleted_in_the_page(env: WebEnv) -> None:
    async for alice in signed_in(env, "alice"):
        await alice.post(
            "/schliesstage/zeitraum",
            {"range_team": "auslaender-b", "first_day": "2026-12-07", "range_note": "Schulung"},
        )
        [closure] = _mine(env)
        page = await (await alice.get("/schliesstage")).text()
        assert f'action="/schliesstage/{closure.id}/loeschen"' in page
        assert f'action="/schliesstage/{closure.id}/beenden"' not in page
        not_started = await alice.post(f"/schliesstage/{closure.id}/beenden")
        assert not_started.status == 409
        assert "hat noch nicht begonnen" in html.unescape(await not_started.text())
        changed = await alice.post(
            f"/schliesstage/{closure.id}/aendern", {"new_end": "2026-12-09T12:00"}
        )
        assert changed.status == 303
        assert _mine(env)[0].end == datetime(2026, 12, 9, 12, tzinfo=BERLIN)
        deleted = await alice.post(f"/schliesstage/{closure.id}/loeschen")
        assert deleted.status == 303
        assert _mine(env) == []
        actions = [(e.action, e.before is not None, e.after is not None) for e in _audit(env)]
        assert actions == [
            ("delete_closure", True, False),
            ("change_closure", True, True),
            ("add_closure", False, True),
        ]


async def test_a_running_closure_cannot_be_deleted_only_ended(env: WebEnv) -> None:
    async for alice in signed_in(env, "alice"):
        await alice.post(
            "/schliesstage/heute", {"today_team": "auslaender-a", "today_note": "Krank"}
        )
        [closure] = _mine(env)
        env.clock.current = START + timedelta(minutes=5)
        refused = await alice.post(f"/schliesstage/{closure.id}/loeschen")
        assert refused.status == 422
        assert "stattdessen jetzt beenden" in html.unescape(await refused.text())
        backdated = await alice.post(
            f"/schliesstage/{closure.id}/aendern", {"new_end": "2026-11-23T09:00"}
        )
        assert backdated.status == 422
        assert (await alice.post(f"/schliesstage/{closure.id}/beenden")).status == 303
        assert _mine(env)[0].end == START + timedelta(minutes=5)


# -- API -----------------------------------------------------------------------------------


async def _api(client: TestClient, token: str, method: str, path: str, body: Any = None) -> Any:
    return await client.request(
        method, A + path, json=body, headers={"Authorization": f"Bearer {token}"}
    )


async def test_the_api_applies_the_same_rules(env: WebEnv) -> None:
    env.clock.current = AT_16_28
    tina = api_token(env, "tina", "portal")
    async with TestClient(TestServer(env.app)) as client:
        hostile = await _api(
            client,
            tina,
            "POST",
            "/closures",
            {
                "team": "auslaender-a",
                "first_day": "2026-01-01",
                "last_day": "2099-12-31",
                "note": "Umbau",
            },
        )
        assert hostile.status == 422
        error = (await hostile.json())["error"]
        assert error["code"] == "past_read_only"
        assert "liegt vor jetzt" in error["message_de"]
        assert "the past cannot be changed" in error["message_en"]
        body = {
            "team": "auslaender-a",
            "start": "2026-11-30T08:00:00+01:00",
            "end": "2027-03-01T08:00:00+01:00",
            "note": "Umbau",
        }
        unconfirmed = await _api(client, tina, "POST", "/closures", body)
        assert (await unconfirmed.json())["error"]["code"] == "confirmation_required"
        long = await _api(client, tina, "POST", "/closures", {**body, "confirm_long": True})
        assert long.status == 201
        today = await _api(
            client,
            tina,
            "POST",
            "/closures",
            {"team": "auslaender-a", "today": True, "note": "Krank"},
        )
        assert today.status == 201
        started = datetime.fromisoformat((await today.json())["start"])
        assert started == AT_16_28.replace(second=0)
        future = (await long.json())["id"]
        not_started = await _api(client, tina, "POST", f"/closures/{future}/end")
        assert not_started.status == 409
        assert (await not_started.json())["error"]["code"] == "closure_not_started"
        moved = await _api(
            client, tina, "PATCH", f"/closures/{future}", {"end": "2026-12-01T08:00:00+01:00"}
        )
        assert moved.status == 200
        assert datetime.fromisoformat((await moved.json())["end"]) == datetime(
            2026, 12, 1, 8, tzinfo=BERLIN
        )
        gone = await _api(client, tina, "DELETE", f"/closures/{future}")
        assert gone.status == 200
        again = await _api(client, tina, "DELETE", f"/closures/{future}")
        assert again.status == 404
    actions = [e.action for e in _audit(env)]
    assert actions == ["delete_closure", "change_closure", "add_closure", "add_closure"]
