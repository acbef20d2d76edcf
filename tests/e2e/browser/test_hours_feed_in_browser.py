"""The public "today" snippet in Debian's headless chromium: another site (another origin)
frames it and sees today's hours, while framing a page of the admin app is refused; axe-core
finds no serious violations in the snippet (its screenshot is the README's). Only loopback
is reachable."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from axe_playwright_python.async_playwright import Axe
from browser_support import launch_options
from playwright.async_api import Route, async_playwright
from support import PRERENDER_AT, settings_for

from callcenter.simulator import SimClock
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings
from callcenter.web.app import create_app
from callcenter.web.server import start_web

SCREENSHOTS = Path(__file__).resolve().parents[3] / "dashboards" / "screenshots"
OFFICE_SITE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Website des Amts</title></head>
<body>
<iframe name="snippet" title="Sprechzeiten" src="{app}/sprechzeiten/auslaender-a/heute"></iframe>
<iframe name="login" title="Anmelden" src="{app}/anmelden"></iframe>
</body></html>
"""


async def test_snippet_is_framed_by_another_site_the_admin_pages_are_not(tmp_path: Path) -> None:
    clock = SimClock(PRERENDER_AT, speed=1)
    settings = settings_for(tmp_path, 0)
    store = open_store(settings)
    seed_from_settings(store, "test", clock.now())
    app = await start_web(create_app(store, settings, clock), "127.0.0.1", 0)

    async def office_site(_: web.Request) -> web.Response:
        return web.Response(text=OFFICE_SITE.format(app=app.url), content_type="text/html")

    site_app = web.Application()
    site_app.router.add_get("/", office_site)
    site = await start_web(site_app, "127.0.0.1", 0)
    blocked: list[str] = []

    async def only_loopback(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "about:")):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_options())
            try:
                page = await browser.new_page()
                await page.route("**/*", only_loopback)
                await page.goto(site.url + "/")
                snippet = page.frame(name="snippet")
                assert snippet is not None
                text = await snippet.inner_text("body")
                assert "Telefonische Sprechzeiten heute" in text
                assert "09:00–12:00 Uhr" in text
                login = page.frame(name="login")
                assert login is not None
                # Refused by X-Frame-Options/frame-ancestors: no login form inside the frame.
                assert await login.locator("input[type=password]").count() == 0
                await page.goto(app.url + "/sprechzeiten/heute")
                results = await Axe().run(page)
                serious = [
                    v["id"]
                    for v in results.response["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                assert not serious
                await page.set_viewport_size({"width": 520, "height": 400})
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(
                    path=str(SCREENSHOTS / "sprechzeiten-heute.png"), full_page=True
                )
            finally:
                await browser.close()
    finally:
        await site.stop()
        await app.stop()
        store.close()
    assert not blocked
