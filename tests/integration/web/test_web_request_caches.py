"""What a page view keeps between requests (issue 19: no database round trip per view) and
the changes that end it at once: signed-in identities (web/identity_cache.py), the data
version of the office and the day's counts (web/versions.py). Counted, never timed."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from callcenter.domain.access import Actor
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.usecases import accounts, sessions
from callcenter.web import readmodels
from callcenter.web import render as render_module
from callcenter.web import state as state_module
from callcenter.web.identity_cache import IdentityCache
from callcenter.web.state import WEB
from callcenter.web.versions import VersionProbe

from ..sample_office import sample_office
from .conftest import START, Browser, WebEnv, answered_call, api_token, signed_in

ADMIN = Actor.admin("test:admin")


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _change(env: WebEnv, work: Callable[[Any], object]) -> None:
    """A change made by this process, as a form or the CLI in `serve` makes it."""
    with env.store.unit_of_work() as uow:
        work(uow)


async def test_page_views_after_the_first_look_up_no_session(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = _counting(monkeypatch, sessions, "current_session")
    for path in ("/", "/zentrale", "/sprechzeiten", "/api/v1/overview"):
        assert (await admin.get(path)).status == 200, path
    assert lookups == []  # signed in by the login's own page view


async def test_a_locked_user_is_refused_at_the_next_request(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        assert (await tina.get("/")).status == 200
        _change(env, lambda uow: accounts.set_disabled(uow, ADMIN, "tina", True, now=START))
        refused = await tina.get("/")
        assert refused.status == 303
        assert refused.headers["Location"].startswith("/anmelden")


async def test_a_new_role_counts_at_the_next_request(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        assert (await tina.get("/")).status == 200
        _change(
            env, lambda uow: accounts.set_role(uow, ADMIN, "tina", "switchboard", None, now=START)
        )
        moved = await tina.get("/")
        assert moved.status == 303
        assert moved.headers["Location"] == "/zentrale"  # the switchboard's page


async def test_a_revoked_token_is_refused_at_the_next_request(env: WebEnv, admin: Browser) -> None:
    secret = api_token(env, "alice", "portal")
    headers = {"Authorization": f"Bearer {secret}"}
    for _ in range(2):
        assert (await admin.client.get("/api/v1/me", headers=headers)).status == 200
    _change(env, lambda uow: accounts.revoke_token(uow, ADMIN, "portal", now=START))
    assert (await admin.client.get("/api/v1/me", headers=headers)).status == 401


async def test_a_lock_by_another_process_counts_within_the_ttl(
    env: WebEnv, admin: Browser, tmp_path: Path
) -> None:
    # Another process's write is not counted here: the kept identity holds for the ttl.
    env.app[WEB].identities = IdentityCache(
        ttl=2.0, writes=env.store.auth_writes, monotonic=env.monotonic
    )
    async for tina in signed_in(env, "tina"):
        assert (await tina.get("/")).status == 200
        with sqlite3.connect(tmp_path / "callcenter.sqlite3") as other_process:
            other_process.execute("UPDATE users SET disabled = 1 WHERE username = 'tina'")
        assert (await tina.get("/")).status == 200
        env.monotonic.value += 2.0
        assert (await tina.get("/")).status == 303


async def test_a_session_is_not_kept_past_its_expiry(env: WebEnv, admin: Browser) -> None:
    assert (await admin.get("/")).status == 200
    env.clock.current = START + timedelta(minutes=env.settings.web.session_minutes)
    assert (await admin.get("/")).status == 303


def _inside_calls(page: str) -> int:
    row = re.search(r'<tr data-team="auslaender-a">(.*?)</tr>', page, re.S)
    assert row is not None
    return int(re.findall(r'<td class="num">(\d+)</td>', row.group(1))[0])


async def test_overview_counts_and_schedule_are_read_again_only_after_a_change(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counts = _counting(monkeypatch, state_module, "calls_between")
    offices = _counting(monkeypatch, env.store, "office")
    first = await (await admin.get("/")).text()
    before = (len(counts), len(offices))
    again = await (await admin.get("/")).text()
    assert (len(counts), len(offices)) == before  # unchanged: served
    assert _inside_calls(again) == _inside_calls(first)

    async with CallRecordWriter(env.store.engine, tmp_path / "spool", max_delay=0.01) as writer:
        await writer.submit(answered_call(1))
    page = await (await admin.get("/")).text()
    assert _inside_calls(page) == _inside_calls(first) + 1
    assert len(counts) == before[0] + 1
    loaded = len(offices)
    assert loaded == before[1]  # a new call leaves the schedule as it was: not read again
    await admin.get("/")
    assert len(offices) == loaded

    response = await admin.post(
        "/schliesstage/heute",
        {"today_team": "auslaender-a", "today_note": "Betriebsausflug", "today_reason": ""},
    )
    assert response.status == 303
    page = await (await admin.get("/")).text()
    assert len(offices) > loaded  # a schedule edit changes the past: read again at once
    assert "Betriebsausflug" in page


def test_the_version_is_read_again_after_a_write_here_or_after_the_ttl() -> None:
    reads: list[int] = []
    writes = [0]
    clock = [100.0]

    def read() -> tuple[int, ...]:
        reads.append(1)
        return (writes[0], len(reads))

    probe = VersionProbe(read, ttl=1.0, monotonic=lambda: clock[0], writes=lambda: writes[0])
    assert probe.cached() is None  # nothing known yet: read it off the loop
    first = probe.current()
    assert probe.cached() == first
    assert probe.current() == first
    assert len(reads) == 1
    writes[0] += 1  # this process committed a watched write
    assert probe.cached() is None
    second = probe.current()
    assert second != first
    assert len(reads) == 2
    clock[0] += 1.0  # another process may have written meanwhile
    assert probe.cached() is None
    assert probe.current() != second
    assert len(reads) == 3


def test_identities_are_bounded_and_voided_by_a_change_during_the_lookup() -> None:
    writes = [0]
    cache: IdentityCache[str] = IdentityCache(size=2, writes=lambda: writes[0])
    seen = cache.version()
    writes[0] += 1  # a logout committed while the session was being looked up
    cache.put(("session", "a"), "alice", seen, None)
    assert cache.get(("session", "a"), START) is None
    for key in ("a", "b", "c"):
        cache.put(("session", key), key, cache.version(), None)
    assert len(cache) == 2
    assert cache.get(("session", "a"), START) is None
    assert cache.get(("session", "c"), START) == "c"


def test_no_event_loop_needed_for_the_probe() -> None:
    # The probe is used from the loop (cached) and from worker threads (current).
    probe = VersionProbe(lambda: (1, 2), writes=lambda: 0)
    assert asyncio.run(asyncio.to_thread(probe.current)) == (1, 2)
    assert probe.cached() == (1, 2)


def test_previews_are_kept_per_schedule_and_equal_fresh_ones() -> None:
    office = sample_office()
    team_id = office.team_ids[0]
    first = START.date()
    kept = readmodels.preview(office, team_id, first)
    fresh = [
        readmodels.preview_day(office.schedule_for(team_id), first + timedelta(days=n))
        for n in range(readmodels.PREVIEW_DAYS)
    ]
    assert kept == fresh
    assert readmodels.preview(office, team_id, first) == kept
    closed = replace(office, teams=tuple(replace(t, windows=()) for t in office.teams))
    assert readmodels.preview(closed, team_id, first) != kept  # a new schedule: computed
    assert all(not day.open for day in readmodels.preview(closed, team_id, first))


async def test_pages_are_kept_per_person_minute_and_data(
    env: WebEnv, admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = _counting(monkeypatch, render_module, "render")
    first = await (await admin.get("/")).text()
    assert await (await admin.get("/")).text() == first
    assert len(renders) == 1  # the second view: kept

    env.live.waiting = {"auslaender-a": 7}  # live data: rendered again
    assert '<td class="num">7</td>' in await (await admin.get("/")).text()
    env.clock.current = START + timedelta(minutes=1)  # the clock shows another minute
    assert fmt_minute(START + timedelta(minutes=1)) in await (await admin.get("/")).text()
    assert len(renders) == 3

    async for tina in signed_in(env, "tina"):  # another person: never alice's page
        page = await (await tina.get("/")).text()
        assert "<strong>tina</strong>" in page
        assert "<strong>alice</strong>" not in page

    hours = await (await admin.get("/sprechzeiten?team=auslaender-a")).text()
    before = len(renders)
    assert await (await admin.get("/sprechzeiten?team=auslaender-a")).text() == hours
    assert len(renders) == before
    week = {f"day{d}": "" for d in range(7)} | {"day0": "08:00-11:00"}
    changed = await admin.post("/sprechzeiten/auslaender-a", week)
    assert changed.status == 303
    page = await (await admin.get("/sprechzeiten?team=auslaender-a")).text()
    assert 'value="08:00-11:00"' in page
    assert page != hours


def fmt_minute(at: datetime) -> str:
    return f"{at:%d.%m.%Y %H:%M}"
