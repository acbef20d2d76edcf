"""The pilot page's verdict box in Debian's headless chromium: a clear improvement, a pilot
that is too young for a verdict and one that made things worse, each coloured by what it
means for callers. With CALLCENTER_SCREENSHOTS=<folder> the three boxes are saved there
(dashboards/screenshots/verdict-*.png were made so)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from browser_support import block_network_sync, launch_options
from playwright.sync_api import Browser, sync_playwright
from unit.reporting.report_fixture import EFFECTS, build_report

from callcenter.evaluation.model import Estimate, MetricEffect, OfficeReport
from callcenter.evaluation.verdict import verdict
from callcenter.reporting.site import write_site


def _pilot_report(effects: tuple[MetricEffect, ...], weeks: tuple[int, int]) -> OfficeReport:
    report = build_report()
    missing = max(4 - min(weeks), 0)
    level = Estimate(0.71, 0.66, 0.74) if effects is not EFFECTS else Estimate(0.8, 0.77, 0.83)
    pilot = replace(
        report.pilots[0],
        effects=effects,
        weeks_before=weeks[0],
        weeks_during=weeks[1],
        weeks_missing=missing,
        verdict=verdict(effects, weeks, missing, 2, level, 0.75, 30),
    )
    return replace(report, pilots=(pilot,))


def _worse() -> tuple[MetricEffect, ...]:
    flipped = []
    for effect in EFFECTS:
        did = effect.did
        assert did is not None
        flipped.append(
            replace(effect, did=Estimate(-did.value, -did.high, -did.low), before_after=None)
        )
    return tuple(flipped)


CASES = {
    "clear": (EFFECTS, (13, 13), "better", "Besser als vorher"),
    "too-early": (EFFECTS, (2, 2), "too_early", "Zu früh für ein Urteil – noch 2 Wochen"),
    "worse": (_worse(), (6, 6), "worse", "Schlechter als vorher"),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("case", list(CASES))
def test_verdict_box_in_the_browser(browser: Browser, tmp_path: Path, case: str) -> None:
    effects, weeks, direction, headline = CASES[case]
    write_site(_pilot_report(effects, weeks), tmp_path)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    blocked: list[str] = []
    block_network_sync(context, blocked)
    try:
        page = context.new_page()
        page.goto((tmp_path / "pilot.html").as_uri())
        box = page.locator("section.verdict").first
        box.wait_for(state="visible", timeout=20_000)
        assert box.get_attribute("class") == f"verdict {direction}"
        assert headline in box.inner_text()
        # The definitions are one click away.
        definitions = box.locator("details.definitions")
        assert not definitions.locator("dl").is_visible()
        definitions.locator("summary").click()
        assert definitions.locator("dl").is_visible()
        definitions.locator("summary").click()
        colour = box.evaluate("e => getComputedStyle(e).borderLeftColor")
        expected = {"better": "rgb(0, 107, 79)", "worse": "rgb(179, 38, 30)"}
        if direction in expected:
            assert colour == expected[direction]
        folder = os.environ.get("CALLCENTER_SCREENSHOTS")
        target = Path(folder) if folder else tmp_path
        target.mkdir(parents=True, exist_ok=True)
        box.screenshot(path=str(target / f"verdict-{case}.png"))
        assert (target / f"verdict-{case}.png").stat().st_size > 1000
        assert blocked == [] or all(not url.startswith("http") for url in blocked)
    finally:
        context.close()


def test_rank_table_is_not_cut_off(browser: Browser, tmp_path: Path) -> None:
    write_site(build_report(), tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    block_network_sync(context, [])
    try:
        page = context.new_page()
        page.goto((tmp_path / "rollout.html").as_uri())
        page.locator("table.rollout").wait_for(state="visible", timeout=20_000)
        widths = page.evaluate(
            """() => [document.documentElement.scrollWidth, window.innerWidth,
                      document.querySelector('.table-wrap').scrollWidth,
                      document.querySelector('.table-wrap').clientWidth]"""
        )
        assert widths[0] <= widths[1], widths
        assert widths[2] <= widths[3], widths
        reasons = page.locator("table.rollout tr.reason")
        assert reasons.count() == 2
        assert "Demand fits" not in reasons.first.inner_text()  # German page
        assert "Nachfrage passt zu den Pilotzeiten." in reasons.first.inner_text()
        stability = page.locator("p.stability").inner_text()
        assert "der Wochen-Stichproben vorn" in stability
    finally:
        context.close()
