"""The evaluation page and API with real data: the synthetic pilot data set, small scale,
through the evaluation and the same plotly figures as the standalone report."""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
from datetime import timedelta

import pytest

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.schedule import Reason, State
from callcenter.evaluation.synthetic import SyntheticParams
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.usecases.pilot_data import load_synthetic_pilot_data
from callcenter.web.state import WEB

from .conftest import START, Browser, WebEnv, api_token, signed_in


@pytest.fixture
def with_data(env: WebEnv) -> WebEnv:
    written = load_synthetic_pilot_data(env.store, SyntheticParams(scale=0.03), seed=3, now=START)
    assert written > 1000
    return env


def figures_in(page: str) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/json" class="figure-data"[^>]*>(.*?)</script>', page, re.S
    )
    return [json.loads(block) for block in blocks]


def points(figure: dict) -> int:
    total = 0
    for trace in figure.get("data", []):
        for key in ("x", "y", "z", "values"):
            value = trace.get(key)
            if isinstance(value, list):
                total += len(value)
                break
    return total


async def test_team_page_embeds_figures_with_data(with_data: WebEnv, admin: Browser) -> None:
    response = await admin.get("/auswertung?team=auslaender-a")
    assert response.status == 200
    page = await response.text()
    figures = figures_in(page)
    assert len(figures) >= 5
    assert all(points(f) > 0 for f in figures[:3])
    assert '<script src="/static/vendor/plotly.min.js"></script>' in page
    captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", page)
    assert any("innerhalb" in html.unescape(c) for c in captions)
    # The JSON cannot close its script element early, whatever a team is called.
    assert all(
        "</" not in block
        for block in re.findall(r'class="figure-data"[^>]*>(.*?)</script>', page, re.S)
    )


async def test_all_teams_in_english_and_for_a_team_lead(with_data: WebEnv) -> None:
    async for tina in signed_in(with_data, "tina"):
        page = await (await tina.get("/auswertung?lang=en")).text()
        figures = figures_in(page)
        assert figures
        assert any(points(f) > 0 for f in figures)
        assert "Evaluation" in page


async def test_evaluation_api_returns_the_figures(with_data: WebEnv) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    token = api_token(with_data, "alice", "portal")
    async with TestClient(TestServer(with_data.app)) as client:
        response = await client.get(
            "/api/v1/evaluation?team=auslaender-a&from=2026-05-18&to=2026-11-15",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status == 200
        body = await response.json()
    assert body["available"] is True
    assert body["figures"]
    assert all(f["title"] for f in body["figures"])
    assert points(body["figures"][0]["figure"]) > 0


async def test_a_period_too_long_or_backwards_is_refused(admin: Browser) -> None:
    long = await admin.get("/auswertung?from=2020-01-01&to=2026-01-01")
    assert long.status == 422
    assert "zu lang" in html.unescape(await long.text())
    future = await admin.get("/auswertung?from=2027-01-01")
    assert future.status == 422


async def test_callback_language_and_overflow_figures_on_the_page(
    with_data: WebEnv, admin: Browser
) -> None:
    record = CallRecord(
        linked_id="menu-1",
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller="menu-caller",
        started=START - timedelta(days=1),
        outcome=Outcome.ANNOUNCEMENT,
        state_at_arrival=State.CLOSED,
        reason_at_arrival=Reason.HOURS,
        language="tr",
    )
    with with_data.store.session() as session:
        assert CallRecordRepository(session).add(record)
    page = await (await admin.get("/auswertung?team=auslaender-a")).text()
    assert "Rückrufe, Sprachwahl, Überlauf" in page
    assert "Sprachwahl (außerhalb der Sprechzeiten): Türkisch</td>" in page


async def test_a_new_call_shows_the_figures_as_of_earlier_then_the_renewed_ones(
    with_data: WebEnv, admin: Browser
) -> None:
    """On a busy day calls arrive more often than the evaluation is computed: the page then
    shows the kept figures with their time and computes them anew in the background; a
    change of the past (a tally entry) is never shown from before."""
    first = await (await admin.get("/auswertung?team=auslaender-a")).text()
    assert 'id="evaluation-as-of"' not in first
    record = CallRecord(
        linked_id="late-1",
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller="late-caller",
        started=START - timedelta(hours=1),
        outcome=Outcome.ANNOUNCEMENT,
        state_at_arrival=State.CLOSED,
        reason_at_arrival=Reason.HOURS,
        language="uk",
    )
    with with_data.store.session() as session:
        assert CallRecordRepository(session).add(record)
    kept = await (await admin.get("/auswertung?team=auslaender-a")).text()
    assert 'id="evaluation-as-of"' in kept
    assert "Stand " in kept
    assert "Ukrainisch" not in kept  # the figures from before the call
    state = with_data.app[WEB]
    for _ in range(200):  # the renewal runs in a worker thread
        if not state.refreshes:
            break
        await asyncio.sleep(0.05)
    assert not state.refreshes
    renewed = await (await admin.get("/auswertung?team=auslaender-a")).text()
    assert 'id="evaluation-as-of"' not in renewed
    assert "Sprachwahl (außerhalb der Sprechzeiten): Ukrainisch</td>" in renewed


async def test_readers_of_a_page_not_yet_computed_share_one_computation(
    with_data: WebEnv, admin: Browser
) -> None:
    """Ten team leads opening the same page before it was ever computed: it is computed once
    on the evaluation worker, the others wait for it and get the same figures."""
    state = with_data.app[WEB]
    before = state.evaluations.computed
    pages = await asyncio.gather(*(admin.get("/auswertung?team=auslaender-b") for _ in range(10)))
    texts = [await page.text() for page in pages]
    assert all(page.status == 200 for page in pages)
    assert state.evaluations.computed - before == 1
    assert len({figures_in(text).__repr__() for text in texts}) == 1


async def test_kept_figures_are_served_while_the_evaluation_worker_is_busy(
    with_data: WebEnv, admin: Browser
) -> None:
    """A computation over millions of calls takes many seconds: a page whose figures are
    kept never waits behind it, and a page that needs computing waits its turn."""
    state = with_data.app[WEB]
    kept = await admin.get("/auswertung?team=auslaender-a")
    assert kept.status == 200
    release = threading.Event()
    busy = asyncio.get_running_loop().run_in_executor(state.evaluation_worker, release.wait, 30)
    try:
        again = await asyncio.wait_for(admin.get("/auswertung?team=auslaender-a"), 10)
        assert again.status == 200
        queued = asyncio.ensure_future(admin.get("/auswertung?team=einbuergerung"))
        await asyncio.sleep(0.5)
        assert not queued.done(), "computed beside the busy worker"
    finally:
        release.set()
    assert await busy
    assert (await asyncio.wait_for(queued, 30)).status == 200
