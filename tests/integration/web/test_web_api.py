"""The JSON API: every endpoint for every role, error bodies, validation, audit actors, and
the OpenAPI document against the app's real routes."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from callcenter.storage.audit import AuditRepository
from callcenter.web.api import ENDPOINTS
from callcenter.web.openapi import OPENAPI_PATH

from .conftest import BERLIN, START, WebEnv, api_token

ROLES = ("admin", "teamlead", "switchboard")
USER_OF = {"admin": "alice", "teamlead": "tina", "switchboard": "sven"}
A = "/api/v1"


def _wav(tmp: Path) -> bytes:
    path = tmp / "tone.wav"
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", str(path), "synth", "1.5", "sine", "440"],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


# (method, route template, concrete path, JSON body, expected status per role)
MATRIX: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("GET", "/me", "/me", None, {"admin": 200, "teamlead": 200, "switchboard": 200}),
    ("GET", "/overview", "/overview", None, {"admin": 200, "teamlead": 200, "switchboard": 403}),
    ("GET", "/board", "/board", None, {"admin": 200, "teamlead": 200, "switchboard": 200}),
    (
        "GET",
        "/teams/{team}/hours",
        "/teams/auslaender-a/hours",
        None,
        {"admin": 200, "teamlead": 200, "switchboard": 403},
    ),
    (
        "PUT",
        "/teams/{team}/hours",
        "/teams/auslaender-a/hours",
        {"windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]},
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "GET",
        "/teams/{team}/preview",
        "/teams/auslaender-a/preview?days=3",
        None,
        {"admin": 200, "teamlead": 200, "switchboard": 403},
    ),
    (
        "PUT",
        "/teams/{team}/holidays",
        "/teams/auslaender-b/holidays",
        {"enabled": True, "ignored": ["Fronleichnam"]},
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    ("GET", "/closures", "/closures", None, {"admin": 200, "teamlead": 200, "switchboard": 403}),
    (
        "POST",
        "/closures",
        "/closures",
        {"team": "auslaender-a", "today": True, "note": "Krank"},
        {"admin": 201, "teamlead": 201, "switchboard": 403},
    ),
    (
        "POST",
        "/closures/{closure_id}/end",
        "/closures/1/end",
        {"at": "2026-12-24T12:00:00+01:00"},
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "PATCH",
        "/closures/{closure_id}",
        "/closures/1",
        {"note": "Heiligabend – nur vormittags"},
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "DELETE",
        "/closures/{closure_id}",
        "/closures/1",
        None,
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "GET",
        "/holidays",
        "/holidays?year=2027",
        None,
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "PUT",
        "/holidays/state",
        "/holidays/state",
        {"state": "BY"},
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    ("GET", "/openings", "/openings", None, {"admin": 200, "teamlead": 403, "switchboard": 403}),
    (
        "POST",
        "/openings",
        "/openings",
        {"team": "einbuergerung", "day": "2026-12-05", "start": "09:00", "end": "12:00"},
        {"admin": 201, "teamlead": 403, "switchboard": 403},
    ),
    ("GET", "/pilots", "/pilots", None, {"admin": 200, "teamlead": 200, "switchboard": 403}),
    (
        "POST",
        "/pilots",
        "/pilots",
        {"team": "auslaender-a", "start": "2026-01-05", "end": "2026-02-27"},
        {"admin": 201, "teamlead": 201, "switchboard": 403},
    ),
    (
        "GET",
        "/prompts",
        "/prompts?team=auslaender-a",
        None,
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "PUT",
        "/prompts/{team}/{reason}/{lang}/recording",
        "/prompts/auslaender-a/closure/de/recording",
        "WAV",
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    (
        "DELETE",
        "/prompts/{team}/{reason}/{lang}/recording",
        "/prompts/auslaender-a/closure/de/recording",
        None,
        {"admin": 200, "teamlead": 403, "switchboard": 403},
    ),
    ("GET", "/audit", "/audit?limit=5", None, {"admin": 200, "teamlead": 403, "switchboard": 403}),
    (
        "GET",
        "/evaluation",
        "/evaluation",
        None,
        {"admin": 200, "teamlead": 200, "switchboard": 403},
    ),
    # Callback numbers need the running service's seal: without it, the list is 409.
    (
        "GET",
        "/teams/{team}/callbacks",
        "/teams/auslaender-a/callbacks",
        None,
        {"admin": 409, "teamlead": 409, "switchboard": 403},
    ),
    (
        "POST",
        "/callbacks/{request_id}/call",
        "/callbacks/1/call",
        None,
        {"admin": 404, "teamlead": 404, "switchboard": 403},
    ),
]


def test_the_matrix_covers_every_endpoint() -> None:
    covered = {(method, template) for method, template, *_ in MATRIX}
    assert covered == {(e.method, e.path) for e in ENDPOINTS}


@pytest.mark.parametrize("role", ROLES)
async def test_every_endpoint_for_every_role(env: WebEnv, role: str, tmp_path: Path) -> None:
    token = api_token(env, USER_OF[role], f"matrix-{role}")
    headers = {"Authorization": f"Bearer {token}"}
    wav = _wav(tmp_path)
    async with TestClient(TestServer(env.app)) as client:
        for method, template, path, body, expected in MATRIX:
            if body == "WAV":
                response = await client.request(
                    method, A + path, data=wav, headers={**headers, "Content-Type": "audio/wav"}
                )
            else:
                response = await client.request(method, A + path, json=body, headers=headers)
            assert response.status == expected[role], (
                role,
                method,
                template,
                await response.text(),
            )
            assert response.content_type == "application/json"
            payload = await response.json()
            if response.status == 403:
                assert payload["error"]["code"] == "forbidden"
                assert payload["error"]["message_de"] == "Dafür fehlt Ihnen die Berechtigung."


async def test_no_token_no_access(client: TestClient) -> None:
    for endpoint in ENDPOINTS:
        path = re.sub(r"{closure_id}", "1", endpoint.full_path)
        path = path.format(team="auslaender-a", reason="hours", lang="de", request_id="1")
        response = await client.request(endpoint.method, path)
        assert response.status == 401, endpoint.full_path


async def test_changes_through_the_api_are_audited_with_the_token_name(env: WebEnv) -> None:
    token = api_token(env, "tina", "ticketsystem")
    async with TestClient(TestServer(env.app)) as client:
        response = await client.post(
            f"{A}/closures",
            json={"team": "auslaender-a", "today": True, "note": "Personalengpass"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status == 201
        body = await response.json()
        assert body["created_by"] == "api:ticketsystem"
        assert body["active"] is True
        # Issue 15: "Bandansage heute" starts now, not at midnight (the morning stays as the
        # callers met it); it still ends at midnight.
        assert datetime.fromisoformat(body["start"]) == START
        assert datetime.fromisoformat(body["end"]) == datetime(2026, 11, 24, tzinfo=BERLIN)
    with env.store.session() as session:
        entry = AuditRepository(session).list(1)[0]
    assert entry.actor == "api:ticketsystem"
    assert entry.action == "add_closure"
    assert entry.before is None
    assert entry.after["note"] == "Personalengpass"


@pytest.fixture
async def admin_api(env: WebEnv):
    token = api_token(env, "alice", "tests")
    async with TestClient(TestServer(env.app)) as client:
        client.session.headers["Authorization"] = f"Bearer {token}"
        yield client


async def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    body = await response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message_de", "message_en", "field"}
    assert body["error"]["message_de"]
    assert body["error"]["message_en"]
    return dict(body["error"])


async def test_a_window_may_end_at_midnight_but_not_start_there(admin_api: TestClient) -> None:
    # The week grid draws windows up to 24:00; the API reads and writes them the same way.
    week = {"windows": [{"weekday": 4, "start": "07:00", "end": "24:00"}]}
    saved = await admin_api.put(f"{A}/teams/auslaender-a/hours", json=week)
    assert saved.status == 200, await saved.text()
    read = await (await admin_api.get(f"{A}/teams/auslaender-a/hours")).json()
    assert read["windows"] == week["windows"]
    starting = await admin_api.put(
        f"{A}/teams/auslaender-a/hours",
        json={"windows": [{"weekday": 4, "start": "24:00", "end": "24:00"}]},
    )
    assert (await _error(starting, 422))["field"] == "windows.0.start"


async def test_bad_input_is_400_or_422_with_a_message_and_field(admin_api: TestClient) -> None:
    not_json = await admin_api.put(
        f"{A}/teams/auslaender-a/hours",
        data="{windows:",
        headers={"Content-Type": "application/json"},
    )
    assert (await _error(not_json, 400))["code"] == "invalid_json"
    form = await admin_api.put(f"{A}/teams/auslaender-a/hours", data={"windows": "x"})
    assert (await _error(form, 400))["code"] == "content_type"
    bad_time = await admin_api.put(
        f"{A}/teams/auslaender-a/hours",
        json={"windows": [{"weekday": 0, "start": "9:00", "end": "12:00"}]},
    )
    error = await _error(bad_time, 422)
    assert error["field"] == "windows.0.start"
    extra = await admin_api.put(
        f"{A}/teams/auslaender-a/hours", json={"windows": [], "hacker": True}
    )
    assert (await _error(extra, 422))["field"] == "hacker"
    overlap = await admin_api.put(
        f"{A}/teams/auslaender-a/hours",
        json={
            "windows": [
                {"weekday": 2, "start": "09:00", "end": "12:00"},
                {"weekday": 2, "start": "11:00", "end": "13:00"},
            ]
        },
    )
    error = await _error(overlap, 422)
    assert error["code"] == "invalid_schedule"
    assert "überschneiden sich" in error["message_de"]
    assert "overlap" in error["message_en"]
    backwards = await admin_api.put(
        f"{A}/teams/auslaender-a/hours",
        json={"windows": [{"weekday": 2, "start": "12:00", "end": "09:00"}]},
    )
    assert (await _error(backwards, 422))["code"] == "invalid_schedule"
    unknown = await admin_api.get(f"{A}/teams/nope/hours")
    error = await _error(unknown, 404)
    assert (error["code"], error["field"]) == ("unknown_team", "team")
    two_forms = await admin_api.post(
        f"{A}/closures", json={"today": True, "first_day": "2026-12-01", "note": "x"}
    )
    assert "genau eine Angabe" in (await _error(two_forms, 422))["message_de"]
    naive = await admin_api.post(
        f"{A}/closures",
        json={"start": "2026-12-01T08:00:00", "end": "2026-12-01T12:00:00", "note": "x"},
    )
    await _error(naive, 422)
    bad_query = await admin_api.get(f"{A}/audit?limit=0")
    assert (await _error(bad_query, 422))["field"] == "limit"
    state = await admin_api.put(f"{A}/holidays/state", json={"state": "XX"})
    assert "unbekanntes Bundesland" in (await _error(state, 422))["message_de"]


async def test_closure_life_cycle_and_conflicts(env: WebEnv, admin_api: TestClient) -> None:
    created = await admin_api.post(
        f"{A}/closures",
        json={
            "team": "aufenthalt-eu",
            "first_day": "2026-11-23",
            "last_day": "2026-11-24",
            "note": "Umzug",
        },
    )
    assert created.status == 201
    closure = await created.json()
    # Issue 15: a range from today starts now; ended half an hour later it lasted 30 minutes.
    assert datetime.fromisoformat(closure["start"]) == START
    env.clock.current = START + timedelta(minutes=30)
    ended = await admin_api.post(f"{A}/closures/{closure['id']}/end")
    assert ended.status == 200
    body = await ended.json()
    assert body["active"] is False
    assert datetime.fromisoformat(body["end"]) == START + timedelta(minutes=30)
    again = await admin_api.post(f"{A}/closures/{closure['id']}/end")
    assert (await _error(again, 409))["code"] == "closure_over"
    missing = await admin_api.post(f"{A}/closures/999/end")
    assert (await _error(missing, 404))["code"] == "not_found"
    listed = await (
        await admin_api.get(f"{A}/closures?team=aufenthalt-eu&include_past=true")
    ).json()
    assert closure["id"] in [c["id"] for c in listed["closures"]]


async def test_board_overview_and_preview_contents(admin_api: TestClient) -> None:
    board = await (await admin_api.get(f"{A}/board")).json()
    team_a = next(t for t in board["teams"] if t["id"] == "auslaender-a")
    assert team_a["state"] == "open"
    assert team_a["reason"] is None
    assert team_a["until"].startswith("2026-11-23T12:00:00")
    team_b = next(t for t in board["teams"] if t["id"] == "auslaender-b")
    assert team_b["until"].startswith("2026-11-23T16:00:00")
    overview = await (await admin_api.get(f"{A}/overview")).json()
    assert overview["pbx_connected"] is True
    assert next(t for t in overview["teams"] if t["id"] == "auslaender-a")["waiting"] == 3
    preview = await (
        await admin_api.get(f"{A}/teams/auslaender-a/preview?start=2026-12-21&days=7")
    ).json()
    days = {d["day"]: d for d in preview["days"]}
    assert days["2026-12-24"]["closures"] == ["Heiligabend – Dienststelle geschlossen"]
    assert days["2026-12-24"]["open"] == []
    assert days["2026-12-25"]["holiday"] == "Erster Weihnachtstag"
    assert [i["start"][11:16] for i in days["2026-12-21"]["open"]] == ["09:00"]


async def test_recording_upload_errors(admin_api: TestClient) -> None:
    noise = await admin_api.put(
        f"{A}/prompts/auslaender-a/hours/de/recording",
        data=b"not audio at all",
        headers={"Content-Type": "audio/wav"},
    )
    error = await _error(noise, 400)
    assert error["code"] == "recording_not_audio"
    wrong = await admin_api.put(
        f"{A}/prompts/auslaender-a/hours/de/recording",
        data=b"x",
        headers={"Content-Type": "text/plain"},
    )
    assert (await _error(wrong, 400))["code"] == "content_type"
    slot = await admin_api.delete(f"{A}/prompts/auslaender-a/weekend/de/recording")
    assert (await _error(slot, 404))["code"] == "unknown_prompt"


async def test_openapi_document_matches_the_routes(client: TestClient, env: WebEnv) -> None:
    response = await client.get(OPENAPI_PATH)
    assert response.status == 200
    document = await response.json()
    assert document["openapi"] == "3.1.0"
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = set()
    for resource in env.app.router.resources():
        info = resource.get_info()
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/"):
            for route in resource:
                if route.method != "HEAD":
                    routed.add((route.method, path))
    assert routed == documented
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path == OPENAPI_PATH:
                continue
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
            assert operation["summary"]
    schemas = document["components"]["schemas"]
    assert "ErrorResponse" in schemas
    assert "ClosureBody" in schemas


async def test_evaluation_api_without_the_modules(
    admin_api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callcenter.web import evaluation

    monkeypatch.setattr(evaluation, "_modules", lambda: None)
    body = await (await admin_api.get(f"{A}/evaluation")).json()
    assert body["available"] is False
    assert body["figures"] == []
    assert "noch keine auswertung" in body["message_de"].lower()
    bad = await admin_api.get(f"{A}/evaluation?from=2026-05-01&to=2026-04-01")
    assert (await _error(bad, 422))["field"] == "to"
