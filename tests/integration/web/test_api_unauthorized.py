"""The API's 401 explains the token: missing, sent the wrong way, or refused; in German and
English, with the RFC 6750 challenge. It never mentions a browser session."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from callcenter.storage.web_repository import AccountRepository

from .conftest import START, WebEnv, api_token


async def _unauthorized(client: TestClient, headers: dict[str, str]) -> tuple[dict[str, str], str]:
    response = await client.get("/api/v1/overview", headers=headers)
    assert response.status == 401
    error = (await response.json())["error"]
    assert error["code"] == "unauthorized"
    for text in (error["message_de"], error["message_en"]):
        assert "Sitzung" not in text
        assert "session" not in text.lower()
    return error, response.headers["WWW-Authenticate"]


async def test_without_a_token_the_401_says_how_to_send_one(client: TestClient) -> None:
    error, challenge = await _unauthorized(client, {})
    assert "API-Token nötig" in error["message_de"]
    assert "Authorization: Bearer <Token>" in error["message_de"]
    assert "needs an API token" in error["message_en"]
    assert challenge == 'Bearer realm="callcenter"'


@pytest.mark.parametrize("header", ["Basic YWxpY2U6eA==", "Bearer", "Token cc_abc"])
async def test_another_scheme_is_named_as_the_problem(client: TestClient, header: str) -> None:
    error, challenge = await _unauthorized(client, {"Authorization": header})
    assert "Authorization: Bearer <Token>" in error["message_de"]
    assert "nimmt die API nicht an" in error["message_de"]
    assert "accepts no other scheme" in error["message_en"]
    assert challenge == 'Bearer realm="callcenter"'


async def test_an_unknown_or_revoked_token_is_refused_as_invalid(
    env: WebEnv, client: TestClient
) -> None:
    token = api_token(env, "alice", "portal")
    assert (
        await client.get("/api/v1/overview", headers={"Authorization": f"Bearer {token}"})
    ).status == 200
    with env.store.session() as session:
        AccountRepository(session).revoke_token("portal", "test", START)
    for secret in (token, "cc_not-a-token"):
        error, challenge = await _unauthorized(client, {"Authorization": f"Bearer {secret}"})
        assert "unbekannt, abgelaufen oder widerrufen" in error["message_de"]
        assert "unknown, expired or revoked" in error["message_en"]
        assert challenge == 'Bearer realm="callcenter", error="invalid_token"'
