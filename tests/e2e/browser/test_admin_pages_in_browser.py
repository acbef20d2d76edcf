"""Issue 18's admin pages in Debian's headless chromium with an English browser locale
(en-US): date fields still read 07.12.2026; a future closure is edited and deleted; an admin
creates a user who then logs in with the password shown once; an audit entry's before/after
is read; the callback worklist (issue 20) lists its requests oldest first; axe-core finds no
serious or critical violations on closures, users, audit and worklist. Screenshots of the
users page and the worklist for the README.

One web server for the module (no PBX: these pages only write the database). Only loopback
is reachable."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from axe_playwright_python.async_playwright import Axe
from browser_support import launch_options
from playwright.async_api import Page, Route, async_playwright
from support import PRERENDER_AT, settings_for

from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.simulator import SimClock
from callcenter.storage import web_repository
from callcenter.storage.store import open_store
from callcenter.storage.web_repository import AccountRepository
from callcenter.usecases import callbacks
from callcenter.usecases.callbacks import NumberSeal
from callcenter.usecases.schedule import seed_from_settings
from callcenter.web.app import create_app
from callcenter.web.server import start_web

PASSWORD = "korrekt-pferd-batterie"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "dashboards" / "screenshots"
KEY = bytes(range(32))
OLDER, NEWER = "01705000001", "01705000009"  # fictitious numbers


async def _axe(page: Page, name: str) -> None:
    results = await Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: {serious}"


async def _login(page: Page, base: str, username: str, password: str) -> None:
    await page.goto(base + "/anmelden")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(password)
    await page.locator("form button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*/(zentrale)?$"))


async def test_admin_pages_under_an_english_browser_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        web_repository, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    clock = SimClock(PRERENDER_AT, speed=1)  # Monday 23.11.2026 10:00
    settings = settings_for(tmp_path, 0)
    store = open_store(settings)
    seed_from_settings(store, "test", clock.now())
    with store.session() as session:
        AccountRepository(session).add_user("alice", "admin", PASSWORD, None, "test", clock.now())
    seal = NumberSeal(KEY)
    for number, minutes in ((NEWER, 12), (OLDER, 47)):
        asked = CallbackAsked(
            f"call-{number}", "x", clock.now() - timedelta(minutes=minutes), "auslaender-a",
            "061511", number,
        )  # fmt: skip
        callbacks.record_request(store.session, asked, Pseudonymizer(KEY), seal, 7)
    server = await start_web(create_app(store, settings, clock, seal=seal), "127.0.0.1", 0)
    base = server.url
    blocked: list[str] = []

    async def only_loopback(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "about:", "blob:")):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_options())
            try:
                context = await browser.new_context(locale="en-US", timezone_id="America/New_York")
                await context.route("**/*", only_loopback)
                page = await context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                assert await page.evaluate("navigator.language") == "en-US"
                await _login(page, base, "alice", PASSWORD)

                # --- closures: a period typed the German way --------------------------
                await page.goto(base + "/schliesstage")
                await _axe(page, "Schließtage")
                first = page.locator("#first_day")
                assert await first.get_attribute("type") == "text"
                assert await first.get_attribute("placeholder") == "TT.MM.JJJJ"
                hint = await first.get_attribute("aria-describedby")
                assert hint is not None
                hint_text = await page.locator(f"#{hint}").inner_text()
                assert "frühestens heute (23.11.2026)" in hint_text
                await page.locator("#range_team").select_option("auslaender-b")
                await first.fill("07.12.2026")
                await page.locator("#range_note").fill("Fortbildung")
                await page.locator("#range-title ~ form button[type=submit]").click()
                await page.wait_for_url("**msg=closure_added")
                row = page.locator("table.closures tbody tr", has_text="Fortbildung")
                assert "Mo 07.12.2026 00:00" in await row.inner_text()

                # --- edit it: the date field shows dd.mm.yyyy under en-US -------------
                await row.get_by_role("link", name=re.compile("Bearbeiten")).click()
                await page.wait_for_url("**/bearbeiten")
                await _axe(page, "Schließung bearbeiten")
                assert await page.locator("#start_day").input_value() == "07.12.2026"
                assert await page.locator("#end_day").input_value() == "08.12.2026"
                assert await page.locator("#end_time").input_value() == "00:00"
                await page.locator("#end_day").fill("09.12.2026")
                await page.locator("#end_time").fill("13:30")
                await page.get_by_role("button", name="Speichern").click()
                await page.wait_for_url("**msg=closure_changed")
                row = page.locator("table.closures tbody tr", has_text="Fortbildung")
                assert "Mi 09.12.2026 13:30" in await row.inner_text()

                # --- the audit log shows the change, before and after -----------------
                await page.goto(base + "/protokoll?entity=closure")
                await _axe(page, "Protokoll")
                entry = page.locator("table.audit > tbody > tr", has_text="Schließung geändert")
                changed = entry.locator("tr.changed", has_text="Ende")
                assert await changed.locator("td.before").inner_text() == "Di 08.12.2026 00:00"
                assert await changed.locator("td.after").inner_text() == "Mi 09.12.2026 13:30"
                assert "alice" in await entry.inner_text()
                assert await page.locator("#from").get_attribute("placeholder") == "TT.MM.JJJJ"

                # --- delete the future closure ----------------------------------------
                await page.goto(base + "/schliesstage")
                row = page.locator("table.closures tbody tr", has_text="Fortbildung")
                await row.get_by_role("button", name=re.compile("Löschen")).click()
                await page.wait_for_url("**msg=closure_deleted")
                assert await page.locator("tr", has_text="Fortbildung").count() == 0

                # --- users: create one, who then logs in ------------------------------
                await page.goto(base + "/benutzer")
                await _axe(page, "Benutzer")
                await page.locator("#new_username").fill("lena")
                await page.locator("#new_role").select_option("teamlead")
                await page.locator("#new_team").select_option("auslaender-b")
                await page.locator("#add-user-title ~ form button[type=submit]").click()
                secret = page.locator("#secret-value")
                await secret.wait_for()
                password = await secret.inner_text()
                assert len(password) == 16
                await _axe(page, "Benutzer mit neuem Passwort")
                other = await browser.new_context(locale="en-US")
                await other.route("**/*", only_loopback)
                lena = await other.new_page()
                await _login(lena, base, "lena", password)
                assert "lena" in await lena.locator(".who").inner_text()
                assert await lena.locator("nav a", has_text="Benutzer").count() == 0
                response = await lena.goto(base + "/benutzer")
                assert response is not None
                assert response.status == 403
                await other.close()
                await page.goto(base + "/benutzer")
                await page.screenshot(path=str(SCREENSHOTS / "benutzer.png"), full_page=True)

                # --- the callback worklist: oldest first, with the waiting time ---------
                await page.goto(base + "/rueckrufe/auslaender-a")
                await _axe(page, "Rückrufe")
                rows = page.locator("main table tbody tr")
                assert await rows.count() == 2
                assert OLDER in await rows.nth(0).inner_text()
                assert "47 Min." in await rows.nth(0).inner_text()
                assert NEWER in await rows.nth(1).inner_text()
                await page.screenshot(path=str(SCREENSHOTS / "rueckrufe.png"), full_page=True)
                assert not errors, errors
            finally:
                await browser.close()
    finally:
        await server.stop()
        store.close()
    assert not blocked, blocked
