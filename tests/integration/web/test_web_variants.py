"""The hours page's date-range variants (issue 18): add a period, edit its grid fields,
see it in the 14-day preview, messages at the fields, delete it; team leads read only."""

from __future__ import annotations

import html
import re

from aiohttp.test_utils import TestClient, TestServer

from .conftest import Browser, WebEnv, api_token, signed_in

WEEK = {f"day{d}": "" for d in range(7)}
NEW = {"new_name": "Adventszeiten", "new_first": "2026-11-30", "new_last": "2026-12-06"}


def _variant_id(location: str) -> str:
    found = re.search(r"variant=(\d+)", location)
    assert found, location
    return found.group(1)


async def test_add_edit_preview_and_delete_a_period(admin: Browser, env: WebEnv) -> None:
    added = await admin.post("/sprechzeiten/auslaender-a/zeitraum", NEW)
    assert added.status == 303, await added.text()
    vid = _variant_id(added.headers["Location"])
    page = html.unescape(await (await admin.get(added.headers["Location"])).text())
    assert "Zeitraum angelegt." in page
    assert 'aria-current="page">Adventszeiten (' in page
    # It starts as a copy of the base week (Mo-Do 09:00-12:00, Do 14:00-17:30).
    assert 'value="09:00-12:00"' in page
    assert "Zeitraum: Adventszeiten" in page  # the preview's tag on 30 Nov … 6 Dec

    form = {**WEEK, "day0": "07:00-24:00", "day3": "10:00-11:00", "name": "Advent"}
    form.update({"first": "2026-11-30", "last": "2026-12-06"})
    saved = await admin.post(f"/sprechzeiten/auslaender-a/zeitraum/{vid}", form)
    assert saved.status == 303, await saved.text()
    office = env.store.office()
    (variant,) = office.team("auslaender-a").variants
    assert variant.name == "Advent"
    assert [w.label for w in variant.windows] == ["07:00–24:00", "10:00–11:00"]
    page = html.unescape(await (await admin.get(saved.headers["Location"])).text())
    assert 'value="07:00-24:00"' in page
    assert "07:00–24:00" in page  # Monday 30 November in the preview
    assert "Zeitraum: Advent" in page

    overlapping = await admin.post(
        "/sprechzeiten/auslaender-a/zeitraum",
        {"new_name": "Dezember", "new_first": "2026-12-06", "new_last": "2026-12-20"},
    )
    assert overlapping.status == 422
    text = html.unescape(await overlapping.text())
    assert 'id="new_first-error"' in text
    assert "überschneidet sich mit „Advent“" in text

    bad = await admin.post(
        f"/sprechzeiten/auslaender-a/zeitraum/{vid}",
        {**form, "day1": "10:00-12:00, 11:00-13:00"},
    )
    assert bad.status == 422
    text = html.unescape(await bad.text())
    assert 'id="day1-error"' in text
    assert "Dienstag: Fenster 10:00–12:00 und 11:00–13:00 überschneiden sich" in text

    deleted = await admin.post(f"/sprechzeiten/auslaender-a/zeitraum/{vid}/loeschen", {})
    assert deleted.status == 303
    assert env.store.office().team("auslaender-a").variants == ()


async def test_a_period_in_the_past_is_refused_at_its_field(admin: Browser) -> None:
    refused = await admin.post(
        "/sprechzeiten/auslaender-a/zeitraum", {**NEW, "new_first": "2026-11-01"}
    )
    assert refused.status == 422
    text = html.unescape(await refused.text())
    assert 'id="new_first-error"' in text
    assert "liegt vor heute (23.11.2026)" in text


async def test_a_team_lead_reads_but_cannot_add(env: WebEnv) -> None:
    async for lead in signed_in(env, "tina"):
        page = await (await lead.get("/sprechzeiten")).text()
        assert "week_grid.js" not in page
        refused = await lead.post("/sprechzeiten/auslaender-a/zeitraum", NEW)
        assert refused.status == 403


async def test_the_api_reads_a_period_with_the_team_hours(admin: Browser, env: WebEnv) -> None:
    added = await admin.post("/sprechzeiten/auslaender-a/zeitraum", NEW)
    assert added.status == 303, await added.text()
    vid = int(_variant_id(added.headers["Location"]))
    form = {**WEEK, "day0": "07:00-24:00", "name": "Advent"}
    form.update({"first": "2026-11-30", "last": "2026-12-06"})
    saved = await admin.post(f"/sprechzeiten/auslaender-a/zeitraum/{vid}", form)
    assert saved.status == 303, await saved.text()
    token = api_token(env, "alice", "variants")
    async with TestClient(TestServer(env.app)) as client:
        client.session.headers["Authorization"] = f"Bearer {token}"
        answer = await client.get("/api/v1/teams/auslaender-a/hours")
        assert answer.status == 200, await answer.text()
        body = await answer.json()
        other = await (await client.get("/api/v1/teams/auslaender-b/hours")).json()
    assert body["variants"] == [
        {
            "id": vid,
            "name": "Advent",
            "first_day": "2026-11-30",
            "last_day": "2026-12-06",
            "windows": [{"weekday": 0, "start": "07:00", "end": "24:00"}],
            "description": body["variants"][0]["description"],
        }
    ]
    assert body["variants"][0]["description"]  # the same words as the base week's
    assert body["windows"] != body["variants"][0]["windows"]  # the base week is unchanged
    assert other["variants"] == []
