"""The announcements page and the switchboard board in Debian's headless chromium (German
locale), one web server for the module: play a rendered announcement (the audio element
loads a non-empty file with a duration), preview the office's own phrases before saving,
switch a 'Bandansage heute' on and watch the board change colour, symbol and words without
reloading; axe-core finds no serious or critical violations. Screenshots for the README.
Only loopback is reachable."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from axe_playwright_python.async_playwright import Axe
from browser_support import LAUNCH_ARGS, chromium_path, german_env
from playwright.async_api import Page, Route, async_playwright
from support import PRERENDER_AT, settings_for

from callcenter.domain.access import Actor
from callcenter.prompts.templates import public_reason_keys
from callcenter.simulator import SimClock
from callcenter.storage import web_repository
from callcenter.storage.store import open_store
from callcenter.storage.web_repository import AccountRepository
from callcenter.usecases.schedule import announcement_today, seed_from_settings
from callcenter.web.app import create_app
from callcenter.web.server import start_web

SCREENSHOTS = Path(__file__).resolve().parents[3] / "dashboards" / "screenshots"
PASSWORD = "korrekt-pferd-batterie"
TEAM = "einbuergerung"


async def no_serious_violations(page: Page, name: str) -> None:
    results = await Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: {serious}"


async def test_play_preview_and_watch_the_board(
    tmp_path: Path, sounds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        web_repository, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    clock = SimClock(PRERENDER_AT, speed=1)
    sounds = tmp_path / "sounds"
    shutil.copytree(sounds_dir, sounds)
    settings = settings_for(tmp_path, 0, sounds_dir=sounds)
    store = open_store(settings)
    seed_from_settings(store, "test", clock.now())
    with store.session() as session:
        AccountRepository(session).add_user("alice", "admin", PASSWORD, None, "test", clock.now())
    web = await start_web(create_app(store, settings, clock), "127.0.0.1", 0)
    base = web.url
    blocked: list[str] = []

    async def only_loopback(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in ("127.0.0.1", "localhost") or url.startswith(
            ("data:", "blob:")
        ):
            await route.continue_()
        else:
            blocked.append(url)
            await route.abort()

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=[
                    *LAUNCH_ARGS,
                    "--lang=de-DE",
                    "--autoplay-policy=no-user-gesture-required",
                ],
                env=german_env(),
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

                # --- play a rendered announcement ----------------------------------------
                await page.goto(f"{base}/ansagen?team={TEAM}")
                await no_serious_violations(page, "Ansagen")
                audio = page.locator('section[data-slot="closed-hours-de"] audio')
                played: dict[str, Any] = await audio.evaluate(
                    """async (el) => {
                        const bytes = (await (await fetch(el.src)).arrayBuffer()).byteLength;
                        el.preload = "auto";
                        const loaded = new Promise((ok, fail) => {
                            el.addEventListener("loadedmetadata", ok, {once: true});
                            el.addEventListener("error", () => fail(String(el.error?.code)),
                                                {once: true});
                        });
                        el.load();
                        await loaded;
                        await el.play();
                        return {bytes, duration: el.duration, paused: el.paused};
                    }"""
                )
                assert played["bytes"] > 1000, played
                assert played["duration"] > 0, played
                assert played["paused"] is False, played

                # --- preview the office's phrases, then save -----------------------------
                await page.get_by_label("Web-Adresse für Termine").fill("www.darmstadt.de/termin")
                await page.get_by_role("button", name="Vorschau").click()
                await page.wait_for_selector("#phrases-preview")
                text = await page.locator(
                    'section[data-slot="closed-hours-de"] .prompt-text'
                ).inner_text()
                assert "www.darmstadt.de/termin" in text
                await no_serious_violations(page, "Ansagen (Vorschau)")
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SCREENSHOTS / "ansagen-vorschau.png"))
                await page.get_by_role("button", name="Speichern").click()
                await page.wait_for_url("**msg=phrases_saved")
                assert "Textbausteine gespeichert" in await page.locator("p.notice").inner_text()

                # --- the board: a Bandansage switched on changes colour, symbol, words ---
                board = await context.new_page()
                await board.goto(base + "/zentrale")
                tile = board.locator(f'li[data-team="{TEAM}"]')
                assert await tile.get_attribute("data-kind") == "open"
                colour_open = await tile.evaluate("el => getComputedStyle(el).backgroundColor")
                await no_serious_violations(board, "Telefonzentrale")
                loads = 0

                def count_load(_: Any) -> None:
                    nonlocal loads
                    loads += 1

                board.on("load", count_load)
                with store.unit_of_work() as uow:
                    announcement_today(
                        uow,
                        Actor.admin("web:alice"),
                        TEAM,
                        "Personalversammlung",
                        now=clock.now(),
                        tz=settings.tz,
                        public_reason="organisational",
                        reasons=public_reason_keys(settings.prompts.templates_dir),
                    )
                await board.wait_for_selector(
                    f'li[data-team="{TEAM}"][data-kind="closure"]', timeout=10_000
                )
                assert loads == 0, "the board reloaded instead of updating itself"
                colour_closed = await tile.evaluate("el => getComputedStyle(el).backgroundColor")
                assert colour_closed != colour_open
                words = await tile.inner_text()
                assert "Schließtag / Bandansage" in words
                assert "✖" in words
                assert "öffnet" in words
                assert "06151300" in words
                assert "organisatorische Gründe" in words
                assert "Personalversammlung" not in words  # the internal note stays off
                await no_serious_violations(board, "Telefonzentrale mit Bandansage")
                await board.screenshot(
                    path=str(SCREENSHOTS / "telefonzentrale-gruende.png"), full_page=True
                )
                assert not errors, errors
            finally:
                await browser.close()
    finally:
        await web.stop()
        store.close()
    assert not blocked, f"requests that would have left the machine: {blocked}"
