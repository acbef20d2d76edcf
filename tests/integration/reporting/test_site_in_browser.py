"""The site in Debian's headless chromium from file://, with every network request aborted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import block_network_sync, launch_options
from playwright.sync_api import Browser, Page, sync_playwright
from unit.reporting.report_fixture import HOSTILE_NAME, build_report

from callcenter.reporting.site import write_site

CHART = ".js-plotly-plot"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(build_report(names={"auslaender-b": HOSTILE_NAME}), out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    def __init__(self, page: Page, blocked: list[str], problems: list[str]) -> None:
        self.page, self.blocked, self.problems = page, blocked, problems


@pytest.fixture
def visit(browser: Browser) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    problems: list[str] = []
    block_network_sync(context, blocked)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )

    def go(path: Path) -> Visit:
        page.goto(path.as_uri())
        page.wait_for_selector(f"{CHART} .main-svg", timeout=20_000)
        page.wait_for_load_state("load")
        return Visit(page, blocked, problems)

    try:
        yield go
    finally:
        context.close()


def drawn_charts(page: Page) -> list[dict[str, Any]]:
    """Per rendered chart: its svg count, drawn marks and the numbers plotly holds."""
    result: list[dict[str, Any]] = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map(node => ({
            svgs: node.querySelectorAll('.main-svg').length,
            marks: node.querySelectorAll(
                '.point, .scatterlayer .trace path.js-line, .heatmaplayer image, .table .cell'
            ).length,
            values: node.data.flatMap(trace => [].concat(trace.y || [], trace.x || []))
                .filter(value => typeof value === 'number'),
            title: (node.layout.title && node.layout.title.text) || '',
        }))""",
        CHART,
    )
    return result


def test_index_renders_every_chart_offline(site: Path, visit: Any) -> None:
    seen = visit(site / "index.html")
    charts = drawn_charts(seen.page)
    assert len(charts) == seen.page.locator("section.chart").count() == 3
    for chart in charts:
        assert chart["svgs"] >= 1
        assert chart["marks"] > 0, chart["title"]
        assert chart["values"], chart["title"]
    # Team calls inside the hours, as drawn: 175, 210 and 120.
    assert charts[0]["values"][:3] == [175, 210, 120]
    assert seen.blocked == []  # the site asked for nothing outside its files
    assert seen.problems == []
    assert seen.page.evaluate("window.Plotly !== undefined")


def test_team_page_renders_its_seven_charts_with_data_points(site: Path, visit: Any) -> None:
    seen = visit(site / "team-auslaender-a.html")
    charts = drawn_charts(seen.page)
    assert len(charts) == 7
    assert all(chart["marks"] > 0 for chart in charts)
    bars = seen.page.locator(f"{CHART} >> nth=0").locator(".bars .point path")
    assert bars.count() == 6  # three weeks × inside/outside
    windows = seen.page.locator(f"{CHART} >> nth=4").locator(".shapelayer path")
    assert windows.count() == 3  # the three call-hour windows on the heatmap
    assert seen.blocked == []
    assert seen.problems == []


def test_hostile_team_name_is_shown_as_text_and_never_runs(site: Path, visit: Any) -> None:
    seen = visit(site / "team-auslaender-b.html")
    assert seen.page.evaluate("window.__pwned === undefined")
    assert seen.page.locator("img[src=x]").count() == 0
    assert HOSTILE_NAME in seen.page.locator("h1").inner_text()
    title = seen.page.locator(f"{CHART} >> nth=0").locator(".gtitle").text_content()
    assert "</script><script>window.__pwned = 1</script>" in (title or "")
    assert seen.problems == []


def test_english_pages_render_too(site: Path, visit: Any) -> None:
    seen = visit(site / "en" / "pilot.html")
    charts = drawn_charts(seen.page)
    assert len(charts) == 3
    assert charts[0]["title"].startswith("Effect of the call hours")
    assert seen.page.locator("html").get_attribute("lang") == "en"
    assert seen.blocked == []
    assert seen.problems == []


def test_the_network_guard_sees_and_aborts_outside_requests(
    tmp_path: Path, browser: Browser
) -> None:
    # Proves the offline checks above can fail: a page that does load from outside is caught.
    page_file = tmp_path / "leaky.html"
    page_file.write_text(
        '<!doctype html><script src="https://cdn.plot.ly/plotly-2.0.0.min.js"></script>'
        '<img src="http://example.invalid/x.png">',
        encoding="utf-8",
    )
    context = browser.new_context()
    blocked: list[str] = []
    block_network_sync(context, blocked)
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
    finally:
        context.close()
    assert sorted(blocked) == [
        "http://example.invalid/x.png",
        "https://cdn.plot.ly/plotly-2.0.0.min.js",
    ]
