"""The week grid editor in Debian's headless chromium (issue 18), with the service and the
built-in simulated PBX: draw a window on Monday by mouse drag, save, and see the
simulator's AstDB follow within 1 s; a client-side message at a field in the server's words;
a period with its own hours in the 14-day preview; axe-core on the hours page.

One server per module (this module has one scenario). Only loopback is reachable.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from axe_playwright_python.async_playwright import Axe
from browser_support import LAUNCH_ARGS, chromium_path
from playwright.async_api import Page, Route, async_playwright
from support import PRERENDER_AT, settings_for, wait_for

from callcenter.bootstrap import Service
from callcenter.domain.access import Actor
from callcenter.domain.schedule import windows_from_spec
from callcenter.simulator import SimClock, Simulator, recorded_model, schedule_fallback
from callcenter.storage import web_repository
from callcenter.storage.store import open_store
from callcenter.storage.web_repository import AccountRepository
from callcenter.usecases import schedule
from callcenter.usecases.schedule import seed_from_settings
from callcenter.web.app import create_app
from callcenter.web.server import WebServer, start_web

logger = logging.getLogger(__name__)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "dashboards" / "screenshots"
PASSWORD = "korrekt-pferd-batterie"
LOOPBACK = {"127.0.0.1", "localhost"}
TEAM = "auslaender-a"


@dataclass
class Running:
    sim: Simulator
    service: Service
    web: WebServer


@pytest.fixture
async def running(
    tmp_path: Path, sounds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    monkeypatch.setattr(
        web_repository, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    # Monday 23 Nov 2026, 10:00 (PRERENDER_AT): team A's Monday is 13:00-15:00 here, so the
    # team is closed until a window drawn over 10:00 opens it.
    clock = SimClock(PRERENDER_AT, speed=1)
    sounds = tmp_path / "sounds"
    shutil.copytree(sounds_dir, sounds)
    seed_settings = settings_for(tmp_path, 0, sounds_dir=sounds)
    store = open_store(seed_settings)
    seed_from_settings(store, "test", clock.now())
    week = windows_from_spec("Mo 13:00-15:00") + windows_from_spec("Di-Do 09:00-12:00")
    with store.unit_of_work() as uow:
        schedule.set_windows(uow, Actor.admin("test"), TEAM, week, now=clock.now())
    with store.session() as session:
        AccountRepository(session).add_user("alice", "admin", PASSWORD, None, "test", clock.now())
    sim = Simulator(
        recorded_model(),
        username=seed_settings.ami.username,
        secret="demo",
        clock=clock,
        fallback=schedule_fallback(store.office()),
    )
    await sim.start()
    settings = settings_for(tmp_path, sim.port, sounds_dir=sounds)
    service = Service(settings, clock=clock)
    await service.start()
    web = await start_web(create_app(store, settings, clock), "127.0.0.1", 0)
    try:
        yield Running(sim, service, web)
    finally:
        await web.stop()
        await service.stop()
        await sim.stop()
        store.close()


async def serious_violations(page: Page) -> list[str]:
    results = await Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def drag_on_day(page: Page, day: int, start_minute: int, end_minute: int) -> None:
    bar = page.locator(f'.week-grid .bar[data-day="{day}"]')
    box = await bar.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2

    def x(minute: int) -> float:
        return box["x"] + box["width"] * minute / (24 * 60)

    await page.mouse.move(x(start_minute), y)
    await page.mouse.down()
    await page.mouse.move(x(end_minute), y, steps=8)
    await page.mouse.up()


async def test_draw_a_window_and_the_pbx_follows(running: Running) -> None:
    db = running.sim.pbx.db
    await wait_for(lambda: db.get("callhours", TEAM) == "closed:hours", 10, "first push")
    base = running.web.url
    blocked: list[str] = []

    async def only_loopback(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK or url.startswith(("data:", "blob:")):
            await route.continue_()
        else:
            blocked.append(url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=[*LAUNCH_ARGS, "--disable-quic"]
        )
        try:
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900},
                locale="de-DE",
                timezone_id="Europe/Berlin",
            )
            await context.route("**/*", only_loopback)
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(base + "/anmelden")
            await page.get_by_label("Benutzername").fill("alice")
            await page.get_by_label("Passwort").fill(PASSWORD)
            await page.get_by_role("button", name="Anmelden").click()
            await page.wait_for_url(base + "/")

            await page.goto(f"{base}/sprechzeiten?team={TEAM}")
            assert await serious_violations(page) == []
            monday = page.locator("#day0")
            assert await monday.input_value() == "13:00-15:00"
            # The field is wide enough to show what it holds.
            assert await monday.evaluate("e => e.scrollWidth <= e.clientWidth")

            # --- draw 09:00-11:00 on Monday by mouse; the field follows ---------------------
            await drag_on_day(page, 0, 9 * 60, 11 * 60)
            assert await monday.input_value() == "09:00-11:00, 13:00-15:00"
            # Resize it by its right edge to 11:45 (15-minute steps).
            window = page.locator('.week-grid .bar[data-day="0"] .window').first
            handle = await window.locator(".handle.end").bounding_box()
            bar = await page.locator('.week-grid .bar[data-day="0"]').bounding_box()
            assert handle is not None
            assert bar is not None
            y = handle["y"] + handle["height"] / 2
            await page.mouse.move(handle["x"] + handle["width"] / 2, y)
            await page.mouse.down()
            await page.mouse.move(bar["x"] + bar["width"] * (11 * 60 + 44) / 1440, y, steps=6)
            await page.mouse.up()
            assert await monday.input_value() == "09:00-11:45, 13:00-15:00"
            await screenshot(page, "sprechzeiten-raster")

            saved_at = time.monotonic()
            await page.get_by_role("button", name="Speichern").click()
            await wait_for(lambda: db.get("callhours", TEAM) == "open", 5, "drawn window pushed")
            took = time.monotonic() - saved_at
            logger.info("grid drawn -> AstDB after %.2f s", took)
            assert took < 1.0, f"AstDB showed the new state after {took:.2f} s"
            await page.wait_for_url("**msg=saved")
            assert await page.locator("#day0").input_value() == "09:00-11:45, 13:00-15:00"

            # --- the same message at the field as the server gives, before saving ------------
            await page.locator("#day1").fill("10:00-12:00, 11:00-13:00")
            check = page.locator("#day1-check")
            await check.wait_for(state="visible")
            message = "Dienstag: Fenster 10:00–12:00 und 11:00–13:00 überschneiden sich"
            assert await check.inner_text() == message
            await page.get_by_role("button", name="Speichern").click()
            await page.wait_for_selector("#day1-error")
            assert await page.locator("#day1-error").inner_text() == message
            assert await serious_violations(page) == []

            # --- copy Wednesday to Monday and Friday (keyboard-usable tools) ---------------
            await page.goto(f"{base}/sprechzeiten?team={TEAM}")
            await page.locator("#copy-from").select_option("2")
            await page.locator('input.copy-to[value="4"]').check()
            await page.get_by_role("button", name="Kopieren").click()
            assert await page.locator("#day4").input_value() == "09:00-12:00"

            # --- a period with its own hours, shown in the preview -------------------------
            await page.locator("#new_name").fill("Adventszeiten")
            await page.locator("#new_first").fill("2026-11-24")
            await page.locator("#new_last").fill("2026-11-30")
            await page.get_by_role("button", name="Zeitraum anlegen").click()
            await page.wait_for_url("**msg=variant_added")
            row = page.locator('table.preview tr[data-variant="Adventszeiten"]').first
            assert "Zeitraum: Adventszeiten" in await row.inner_text()
            await drag_on_day(page, 1, 18 * 60, 24 * 60)
            assert (await page.locator("#day1").input_value()).endswith("18:00-24:00")
            assert await serious_violations(page) == []
            await page.get_by_role("button", name="Speichern").click()
            await page.wait_for_url("**msg=saved")
            tuesday = page.locator("table.preview tbody tr").nth(1)
            assert "18:00–24:00" in await tuesday.inner_text()
            assert not errors, errors
        finally:
            await browser.close()
    assert not blocked, f"requests that would have left the machine: {blocked}"


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
