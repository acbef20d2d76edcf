"""Issue 17 point 3: API tokens have scopes (read, closures, schedule, admin; admin implies
all) and an expiry; every endpoint needs one scope and says which when it is missing; a
revoked or expired token is refused; use is recorded; tokens from before scopes work as
admin with a warning in the log, once an hour per token."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from callcenter.domain.access import Scope
from callcenter.storage.models import ApiTokenRow
from callcenter.storage.web_repository import AccountRepository
from callcenter.web.api import ENDPOINTS

from .conftest import START, WebEnv, api_token

# Written out here, not derived from the route table: a new endpoint must be placed in it.
NEEDED = {
    ("GET", "/me"): Scope.READ,
    ("GET", "/overview"): Scope.READ,
    ("GET", "/board"): Scope.READ,
    ("GET", "/teams/{team}/hours"): Scope.READ,
    ("PUT", "/teams/{team}/hours"): Scope.SCHEDULE,
    ("GET", "/teams/{team}/preview"): Scope.READ,
    ("PUT", "/teams/{team}/holidays"): Scope.SCHEDULE,
    ("GET", "/closures"): Scope.READ,
    ("POST", "/closures"): Scope.CLOSURES,
    ("POST", "/closures/{closure_id}/end"): Scope.CLOSURES,
    ("PATCH", "/closures/{closure_id}"): Scope.CLOSURES,
    ("DELETE", "/closures/{closure_id}"): Scope.CLOSURES,
    ("GET", "/holidays"): Scope.READ,
    ("PUT", "/holidays/state"): Scope.SCHEDULE,
    ("GET", "/openings"): Scope.READ,
    ("POST", "/openings"): Scope.SCHEDULE,
    ("GET", "/pilots"): Scope.READ,
    ("POST", "/pilots"): Scope.SCHEDULE,
    ("GET", "/prompts"): Scope.ADMIN,
    ("PUT", "/prompts/{team}/{reason}/{lang}/recording"): Scope.ADMIN,
    ("DELETE", "/prompts/{team}/{reason}/{lang}/recording"): Scope.ADMIN,
    ("GET", "/audit"): Scope.READ,
    ("GET", "/evaluation"): Scope.READ,
    ("GET", "/teams/{team}/callbacks"): Scope.CALLBACKS,
    ("POST", "/callbacks/{request_id}/call"): Scope.CALLBACKS,
}
PATH_VALUES = {
    "{team}": "auslaender-a",
    "{closure_id}": "999999",
    "{reason}": "hours",
    "{lang}": "de",
    "{request_id}": "999999",
}


def _path(template: str) -> str:
    for name, value in PATH_VALUES.items():
        template = template.replace(name, value)
    return "/api/v1" + template


async def _call(client: TestClient, token: str, method: str, path: str, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    return await client.request(method, path, headers=headers, **kw)


def test_every_endpoint_has_the_scope_the_table_says() -> None:
    assert {(e.method, e.path): e.scope for e in ENDPOINTS} == NEEDED


async def test_scope_matrix_over_every_endpoint(env: WebEnv) -> None:
    tokens = {scope: api_token(env, "alice", f"only-{scope}", [scope]) for scope in Scope}
    async with TestClient(TestServer(env.app)) as client:
        for endpoint in ENDPOINTS:
            needed = NEEDED[(endpoint.method, endpoint.path)]
            for scope, token in tokens.items():
                # An empty JSON body: an allowed request fails later (validation, not found)
                # or passes; only a missing scope answers 403 before reading the body.
                body = {"json": {}} if endpoint.body is not None else {}
                response = await _call(client, token, endpoint.method, _path(endpoint.path), **body)
                where = f"{endpoint.method} {endpoint.path} with {scope}"
                if scope in (needed, Scope.ADMIN):
                    assert response.status != 403, where
                else:
                    assert response.status == 403, where
                    error = (await response.json())["error"]
                    assert error["code"] == "scope_missing", where
                    assert f"Bereich „{needed}“" in error["message_de"], where
                    assert f"scope '{needed}'" in error["message_en"], where


async def test_a_portal_token_switches_bandansage_heute_and_nothing_else(env: WebEnv) -> None:
    portal = api_token(env, "alice", "portal", [Scope.CLOSURES])
    async with TestClient(TestServer(env.app)) as client:
        closed = await _call(
            client,
            portal,
            "POST",
            "/api/v1/closures",
            json={"team": "auslaender-a", "today": True, "public_reason": "organisational"},
        )
        assert closed.status == 201, await closed.text()
        hours = await _call(
            client, portal, "PUT", "/api/v1/teams/auslaender-a/hours", json={"windows": []}
        )
        assert hours.status == 403
        # Not even reading: that is another scope.
        assert (await _call(client, portal, "GET", "/api/v1/closures")).status == 403


async def test_the_role_still_limits_a_token(env: WebEnv) -> None:
    lead = api_token(env, "tina", "tl-portal", [Scope.ADMIN])
    async with TestClient(TestServer(env.app)) as client:
        response = await _call(
            client, lead, "PUT", "/api/v1/teams/auslaender-a/hours", json={"windows": []}
        )
        assert response.status == 403
        assert (await response.json())["error"]["code"] == "forbidden"


async def test_tokens_on_pages_read_with_read_and_change_only_with_admin(env: WebEnv) -> None:
    reader = api_token(env, "alice", "reader", [Scope.READ])
    closer = api_token(env, "alice", "closer", [Scope.CLOSURES])
    admin = api_token(env, "alice", "all", [Scope.ADMIN])
    form = {"today_team": "auslaender-a", "today_note": "x"}
    async with TestClient(TestServer(env.app)) as client:
        assert (await _call(client, reader, "GET", "/schliesstage")).status == 200
        assert (await _call(client, closer, "GET", "/schliesstage")).status == 403
        refused = await _call(client, reader, "POST", "/schliesstage/heute", data=form)
        assert refused.status == 403
        assert "admin" in await refused.text()
        allowed = await _call(
            client, admin, "POST", "/schliesstage/heute", data=form, allow_redirects=False
        )
        assert allowed.status == 303


async def test_expired_and_revoked_tokens_are_refused_and_use_is_recorded(env: WebEnv) -> None:
    expiring = api_token(env, "alice", "short", [Scope.READ], expires_at=START + timedelta(days=1))
    revoked = api_token(env, "alice", "gone", [Scope.READ])
    async with TestClient(TestServer(env.app)) as client:
        env.clock.current = START + timedelta(hours=5)
        assert (await _call(client, expiring, "GET", "/api/v1/me")).status == 200
        assert (await _call(client, revoked, "GET", "/api/v1/me")).status == 200
        with env.store.session() as session:
            used = {t.name: t.last_used_at for t in AccountRepository(session).list_tokens()}
            AccountRepository(session).revoke_token("gone", "test", env.clock.current)
        assert used["short"] == START + timedelta(hours=5)
        assert used["gone"] == START + timedelta(hours=5)
        assert (await _call(client, revoked, "GET", "/api/v1/me")).status == 401
        env.clock.current = START + timedelta(days=1)
        expired = await _call(client, expiring, "GET", "/api/v1/me")
        assert expired.status == 401
        assert "invalid_token" in expired.headers["WWW-Authenticate"]


async def test_a_token_from_before_scopes_works_as_admin_and_is_warned_about_hourly(
    env: WebEnv, caplog: pytest.LogCaptureFixture
) -> None:
    old = api_token(env, "alice", "old-portal", [Scope.READ])
    with env.store.session() as session:
        session.execute(update(ApiTokenRow).values(scopes=None))
    caplog.set_level(logging.WARNING, logger="callcenter.web.middleware")

    def warnings() -> int:
        return sum("'old-portal'" in r.getMessage() for r in caplog.records)

    async with TestClient(TestServer(env.app)) as client:
        for _ in range(3):
            response = await _call(
                client, old, "PUT", "/api/v1/holidays/state", json={"state": "HE"}
            )
            assert response.status == 200, await response.text()
        assert warnings() == 1
        assert "has no scopes and is used as admin" in caplog.records[-1].getMessage()
        env.clock.current = START + timedelta(minutes=59)
        await _call(client, old, "GET", "/api/v1/me")
        assert warnings() == 1
        env.clock.current = START + timedelta(minutes=61)
        await _call(client, old, "GET", "/api/v1/me")
        assert warnings() == 2
        with env.store.session() as session:
            AccountRepository(session).revoke_token("old-portal", "test", env.clock.current)
        assert (await _call(client, old, "GET", "/api/v1/me")).status == 401
