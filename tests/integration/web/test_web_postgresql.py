"""The web app on PostgreSQL: sign-in, a schedule change, the API, the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from callcenter.storage.audit import AuditRepository

from .conftest import Browser, WebEnv, api_token, make_env

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_env(tmp_path: Path, postgres_database: str) -> Iterator[WebEnv]:
    built = make_env(tmp_path, postgres_database)
    try:
        yield built
    finally:
        built.store.close()


async def test_the_web_app_on_postgresql(pg_env: WebEnv) -> None:
    async with TestClient(TestServer(pg_env.app)) as client:
        admin = Browser(client)
        assert (await admin.login("alice")).status == 303
        grid = {f"day{d}": "" for d in range(7)}
        grid["day0"] = "13:00-15:00"
        assert (await admin.post("/sprechzeiten/auslaender-a", grid)).status == 303
        overview = await (await admin.get("/")).text()
        assert "geschlossen" in overview
        token = api_token(pg_env, "tina", "portal")
        created = await client.post(
            "/api/v1/closures",
            json={"team": "auslaender-a", "today": True, "note": "Personalengpass"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status == 201
        assert (await admin.get("/protokoll")).status == 200
    with pg_env.store.session() as session:
        actors = [e.actor for e in AuditRepository(session).list(3)]
    assert actors == ["api:portal", "test-seed", "web:alice"]  # test-seed: the token
