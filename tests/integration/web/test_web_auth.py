"""Signing in and out, cookies, CSRF, login rate limiting, session expiry, API tokens."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from aiohttp.test_utils import TestClient, TestServer

from callcenter.storage.web_repository import AccountRepository
from callcenter.web.app import create_app

from .conftest import (
    CSRF_FIELD,
    PASSWORD,
    START,
    Browser,
    WebEnv,
    api_token,
    make_env,
    signed_in,
)


async def test_anonymous_pages_redirect_to_the_login_and_api_says_401(client: TestClient) -> None:
    response = await client.get("/sprechzeiten?team=auslaender-a", allow_redirects=False)
    assert response.status == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/anmelden"
    assert parse_qs(location.query)["next"] == ["/sprechzeiten?team=auslaender-a"]
    api = await client.get("/api/v1/overview")
    assert api.status == 401
    body = await api.json()
    assert body["error"]["code"] == "unauthorized"
    assert "API-Token" in body["error"]["message_de"]
    assert "API token" in body["error"]["message_en"]
    # A form post without a session is refused, not redirected (nothing is changed).
    post = await client.post("/schliesstage/heute", data={"today_note": "x"})
    assert post.status == 401


async def test_login_sets_a_hardened_session_cookie_and_follows_next(client: TestClient) -> None:
    browser = Browser(client)
    page = await client.get("/anmelden?next=/feiertage")
    html = await page.text()
    token = CSRF_FIELD.search(html)
    assert token is not None
    assert 'name="next" value="/feiertage"' in html
    response = await client.post(
        "/anmelden",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "/feiertage",
        },
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/feiertage"
    cookie = response.cookies["cc_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # plain http on loopback, secure_cookies = "auto"
    assert int(cookie["max-age"]) == 480 * 60
    assert len(cookie.value) >= 40  # 256 random bits, URL-safe
    browser.csrf = ""
    assert (await browser.get("/feiertage")).status == 200


async def test_login_refuses_foreign_redirect_targets(env: WebEnv) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil"):
        async with TestClient(TestServer(env.app)) as client:
            page = await client.get("/anmelden")
            token = CSRF_FIELD.search(await page.text())
            assert token is not None
            response = await client.post(
                "/anmelden",
                data={
                    "username": "alice",
                    "password": PASSWORD,
                    "csrf_token": token.group(1),
                    "next": target,
                },
                allow_redirects=False,
            )
            assert response.status == 303
            assert response.headers["Location"] == "/"


async def test_wrong_password_rerenders_the_form_with_a_message_and_the_name(
    client: TestClient,
) -> None:
    browser = Browser(client)
    response = await browser.login("alice", "falsch-falsch-falsch")
    assert response.status == 401
    html = await response.text()
    assert "Benutzername oder Passwort ist falsch." in html
    assert 'value="alice"' in html
    assert "cc_session" not in response.cookies


async def test_login_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    await client.get("/anmelden")
    response = await client.post(
        "/anmelden", data={"username": "alice", "password": PASSWORD}, allow_redirects=False
    )
    assert response.status == 403
    assert "Sicherheitsmerkmal" in await response.text()
    wrong = await client.post(
        "/anmelden",
        data={"username": "alice", "password": PASSWORD, "csrf_token": "not-the-cookie"},
        allow_redirects=False,
    )
    assert wrong.status == 403


async def test_login_is_paused_after_too_many_failures_per_user_and_address(
    env: WebEnv, client: TestClient
) -> None:
    browser = Browser(client)
    attempts = env.settings.web.login_attempts
    for _ in range(attempts):
        assert (await browser.login("alice", "falsch-falsch-falsch")).status == 401
    # Even the right password is refused now, with the pause named.
    blocked = await browser.login("alice")
    assert blocked.status == 429
    assert "Zu viele Fehlversuche" in await blocked.text()
    # Another user from the same address is not affected.
    async for _tina in signed_in(env, "tina"):
        pass
    # After the window the user may try again.
    env.monotonic.value += env.settings.web.login_window_minutes * 60 + 1
    assert (await browser.login("alice")).status == 303


async def test_a_successful_login_clears_the_failure_count(env: WebEnv, client: TestClient) -> None:
    browser = Browser(client)
    for _ in range(env.settings.web.login_attempts - 1):
        await browser.login("alice", "falsch-falsch-falsch")
    assert (await browser.login("alice")).status == 303
    await browser.post("/abmelden")
    for _ in range(env.settings.web.login_attempts - 1):
        await browser.login("alice", "falsch-falsch-falsch")
    assert (await browser.login("alice")).status == 303


async def test_sessions_expire_after_the_configured_minutes(env: WebEnv, admin: Browser) -> None:
    assert (await admin.get("/")).status == 200
    env.clock.current = START + timedelta(minutes=env.settings.web.session_minutes - 1)
    assert (await admin.get("/")).status == 200
    env.clock.current = START + timedelta(minutes=env.settings.web.session_minutes)
    response = await admin.get("/")
    assert response.status == 303
    assert response.headers["Location"].startswith("/anmelden")
    assert (await admin.api("GET", "/api/v1/me")).status == 401


async def test_logout_ends_the_session_on_the_server(admin: Browser) -> None:
    cookie = admin.client.session.cookie_jar.filter_cookies(admin.client.make_url("/"))
    stolen = cookie["cc_session"].value
    response = await admin.post("/abmelden")
    assert response.status == 303
    assert response.headers["Location"].startswith("/anmelden?msg=logged_out")
    # Replaying the old cookie does not work: the session is gone server-side.
    replay = await admin.client.get(
        "/", headers={"Cookie": f"cc_session={stolen}"}, allow_redirects=False
    )
    assert replay.status == 303
    page = await admin.client.get(response.headers["Location"])
    assert "Sie sind abgemeldet." in await page.text()


async def test_forms_without_or_with_a_wrong_csrf_token_are_refused(admin: Browser) -> None:
    missing = await admin.client.post(
        "/schliesstage/heute",
        data={"today_team": "auslaender-a", "today_note": "Personalengpass"},
        allow_redirects=False,
    )
    assert missing.status == 403
    assert "Sicherheitsmerkmal" in await missing.text()
    wrong = await admin.client.post(
        "/schliesstage/heute",
        data={"today_team": "auslaender-a", "today_note": "x", "csrf_token": "forged"},
        allow_redirects=False,
    )
    assert wrong.status == 403
    api = await admin.client.post(
        "/api/v1/closures", json={"team": "auslaender-a", "today": True, "note": "x"}
    )
    assert api.status == 403
    assert (await api.json())["error"]["code"] == "csrf"
    closures = await admin.api("GET", "/api/v1/closures?team=auslaender-a")
    notes = [c["note"] for c in (await closures.json())["closures"]]
    assert "x" not in notes
    assert "Personalengpass" not in notes


async def test_browser_may_use_the_api_with_its_session_and_csrf_header(admin: Browser) -> None:
    response = await admin.api(
        "POST", "/api/v1/closures", json={"team": "auslaender-a", "today": True, "note": "x"}
    )
    assert response.status == 201
    assert (await response.json())["created_by"] == "web:alice"


async def test_disabled_users_cannot_sign_in_and_lose_their_sessions(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        assert (await tina.get("/")).status == 200
        with env.store.session() as session:
            AccountRepository(session).set_disabled("tina", True, "test", START)
        assert (await tina.get("/")).status == 303
        assert (await tina.login("tina")).status == 401


async def test_a_new_password_ends_the_old_sessions(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        with env.store.session() as session:
            AccountRepository(session).set_password("tina", "ganz-neues-passwort", "test", START)
        assert (await tina.get("/")).status == 303
        assert (await tina.login("tina", "ganz-neues-passwort")).status == 303


async def test_bearer_tokens_authenticate_and_revoked_ones_do_not(env: WebEnv) -> None:
    token = api_token(env, "alice", "portal")
    async with TestClient(TestServer(env.app)) as client:
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status == 200
        assert await me.json() == {
            "username": "alice",
            "role": "admin",
            "team": None,
            "via": "token",
            "actor": "api:portal",
        }
        # A token needs no CSRF token: it is not sent by the browser on its own.
        created = await client.post(
            "/api/v1/closures",
            json={"team": None, "today": True, "note": "Betriebsversammlung"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status == 201
        for header in (f"Bearer {token}x", "Basic YWxpY2U6eA==", "Bearer "):
            assert (await client.get("/api/v1/me", headers={"Authorization": header})).status == 401
        with env.store.session() as session:
            AccountRepository(session).revoke_token("portal", "test", START)
        revoked = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert revoked.status == 401


async def test_the_language_switch_is_remembered_in_the_session(admin: Browser) -> None:
    english = await admin.get("/?lang=en")
    html = await english.text()
    assert '<html lang="en">' in html
    assert "Overview" in html
    again = await admin.get("/sprechzeiten")
    assert "Call hours" in await again.text()
    back = await admin.get("/?lang=de")
    assert "Übersicht" in await back.text()


async def test_security_headers_on_every_page(admin: Browser) -> None:
    response = await admin.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


async def test_cookies_are_secure_when_configured(tmp_path: Path, seeded_database: Path) -> None:
    shutil.copyfile(seeded_database, tmp_path / "callcenter.sqlite3")
    env = make_env(tmp_path, seeded=True)
    settings = env.settings.model_copy(
        update={"web": env.settings.web.model_copy(update={"secure_cookies": True})}
    )
    app = create_app(env.store, settings, env.clock, env.live)
    try:
        async with TestClient(TestServer(app)) as client:
            page = await client.get("/anmelden")
            assert page.cookies["cc_login"]["secure"]
            token = CSRF_FIELD.search(await page.text())
            assert token is not None
            response = await client.post(
                "/anmelden",
                data={"username": "alice", "password": PASSWORD, "csrf_token": token.group(1)},
                headers={"Cookie": f"cc_login={token.group(1)}"},
                allow_redirects=False,
            )
            assert response.status == 303
            assert response.cookies["cc_session"]["secure"]
    finally:
        env.store.close()


async def test_login_in_english_keeps_english_and_refuses_huge_posts(client: TestClient) -> None:
    huge = await client.post("/anmelden", data={"username": "x" * 20_000, "password": "y"})
    assert huge.status == 413
    page = await client.get("/anmelden?lang=en")
    html = await page.text()
    assert "Log in" in html
    token = CSRF_FIELD.search(html)
    assert token is not None
    wrong = await client.post(
        "/anmelden",
        data={"username": "alice", "password": "x", "csrf_token": token.group(1), "lang": "en"},
        allow_redirects=False,
    )
    assert wrong.status == 401
    assert "Wrong user name or password." in await wrong.text()
    ok = await client.post(
        "/anmelden",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "lang": "en",
        },
    )
    assert "Overview" in await ok.text()
