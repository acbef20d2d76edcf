"""Fixtures for the web app: a seeded store, three users (one per role), a settable clock,
a fake live view, and a test client that can sign in and post forms with their CSRF token."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from callcenter.config import Settings, load_settings
from callcenter.domain.access import Scope
from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.schedule import State
from callcenter.storage import web_repository
from callcenter.storage.store import Store, open_store
from callcenter.storage.web_repository import AccountRepository
from callcenter.usecases.schedule import seed_from_settings
from callcenter.web.app import create_app
from callcenter.web.ratelimit import LoginLimiter

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 23 Nov 2026, 10:00: team A (Mo-Do 09-12) is open, its 12:00 close is ahead.
START = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
PASSWORD = "korrekt-pferd-batterie"


def answered_call(n: int, team: str = "auslaender-a") -> CallRecord:
    """An answered team-line call `n` minutes before START (a new record for the writer)."""
    started = START - timedelta(minutes=n)
    return CallRecord(
        linked_id=f"1772438405.{n}",
        team=team,
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=f"pseudo-{n:05d}",
        started=started,
        outcome=Outcome.ANSWERED,
        state_at_arrival=State.OPEN,
        source=DecisionSource.LIVE,
        in_hours=True,
        answered=started + timedelta(seconds=12),
        ended=started + timedelta(minutes=2),
        wait_seconds=12.0,
    )


USERS = {
    "alice": ("admin", None),
    "tina": ("teamlead", "auslaender-a"),
    "sven": ("switchboard", None),
}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def seconds_until(self, at: datetime) -> float:
        return (at - self.current).total_seconds()

    def real_seconds(self, simulated: float) -> float:
        return max(0.0, simulated)


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@dataclass
class FakeLive:
    connected: bool = True
    waiting: dict[str, int] = field(default_factory=lambda: {"auslaender-a": 3})
    heartbeat: datetime | None = START - timedelta(seconds=2)

    def pbx_connected(self) -> bool:
        return self.connected

    def waiting_by_team(self) -> Mapping[str, int]:
        return self.waiting

    def last_heartbeat(self) -> datetime | None:
        return self.heartbeat


@dataclass
class WebEnv:
    settings: Settings
    store: Store
    clock: FakeClock
    monotonic: FakeMonotonic
    live: FakeLive
    app: web.Application


def make_settings(data_dir: Path, db_url: str = "") -> Settings:
    base = load_settings(None, environ={}, data_dir=data_dir)
    if db_url:
        base = base.model_copy(
            update={"database": base.database.model_copy(update={"url": db_url})}
        )
    return base


def make_env(data_dir: Path, db_url: str = "", *, seeded: bool = False) -> WebEnv:
    """The web app on a store; `seeded`: the database already holds schedule and users."""
    settings = make_settings(data_dir, db_url)
    store = open_store(settings, migrate=not seeded) if seeded else seed_store(settings)
    clock = FakeClock(START)
    monotonic = FakeMonotonic()
    live = FakeLive()
    limiter = LoginLimiter.from_settings(settings.web, monotonic)
    app = create_app(store, settings, clock, live, limiter=limiter)
    return WebEnv(settings, store, clock, monotonic, live, app)


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with parameters for tests: the production cost (64 MiB, 3 passes) takes
    ~0.5 s per hash on a busy 2-core machine, and these tests sign in hundreds of times."""
    monkeypatch.setattr(web_repository, "_HASHER", CHEAP_HASHER)
    monkeypatch.setattr(web_repository, "_DUMMY_HASH", CHEAP_HASHER.hash("dummy-password"))


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file with the three users, built once and copied per test."""
    folder = tmp_path_factory.mktemp("web-template")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(web_repository, "_HASHER", CHEAP_HASHER)
        store = seed_store(make_settings(folder))
    with store.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return folder / "callcenter.sqlite3"


def seed_store(settings: Settings) -> Store:
    store = open_store(settings)
    seed_from_settings(store, "test-seed", START)
    with store.session() as session:
        accounts = AccountRepository(session)
        for name, (role, team) in USERS.items():
            accounts.add_user(name, role, PASSWORD, team, "test-seed", START)
    return store


@pytest.fixture
def env(tmp_path: Path, seeded_database: Path) -> Iterator[WebEnv]:
    shutil.copyfile(seeded_database, tmp_path / "callcenter.sqlite3")
    built = make_env(tmp_path, seeded=True)
    try:
        yield built
    finally:
        built.store.close()


class Browser:
    """A test client that signs in like a browser and sends forms with their CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    async def login(self, username: str, password: str = PASSWORD) -> Any:
        page = await self.client.get("/anmelden")
        token = CSRF_FIELD.search(await page.text())
        assert token is not None
        response = await self.client.post(
            "/anmelden",
            data={"username": username, "password": password, "csrf_token": token.group(1)},
            allow_redirects=False,
        )
        if response.status == 303:
            await self.refresh_csrf()
        return response

    async def refresh_csrf(self) -> None:
        page = await self.client.get("/zentrale")
        found = CSRF_FIELD.search(await page.text())
        assert found is not None
        self.csrf = found.group(1)

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.client.get(path, allow_redirects=False, **kwargs)

    async def post(self, path: str, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        form = {"csrf_token": self.csrf, **(data or {})}
        return await self.client.post(path, data=form, allow_redirects=False, **kwargs)

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)


@pytest.fixture
async def client(env: WebEnv) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(env.app)) as test_client:
        yield test_client


@pytest.fixture
async def admin(client: TestClient) -> Browser:
    browser = Browser(client)
    assert (await browser.login("alice")).status == 303
    return browser


async def signed_in(env: WebEnv, username: str) -> AsyncIterator[Browser]:
    async with TestClient(TestServer(env.app)) as test_client:
        browser = Browser(test_client)
        assert (await browser.login(username)).status == 303
        yield browser


def api_token(
    env: WebEnv,
    username: str,
    name: str,
    scopes: Collection[Scope] = (Scope.ADMIN,),
    expires_at: datetime | None = None,
) -> str:
    """A token for the user (by default with every scope: the role alone decides)."""
    with env.store.session() as session:
        return AccountRepository(session).create_token(
            username, name, "test-seed", START, scopes=scopes, expires_at=expires_at
        )
