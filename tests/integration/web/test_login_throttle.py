"""Login throttling: per user name (a growing wait, never a lock), per client address
(X-Forwarded-For only from trusted proxies) and a global budget; Retry-After on every 429;
passwords checked in a bounded pool so that a flood leaves /healthz and the pages alone."""

from __future__ import annotations

import asyncio
import re
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from argon2 import PasswordHasher

from callcenter.storage import web_repository
from callcenter.storage.store import open_store
from callcenter.web.app import create_app
from callcenter.web.forwarded import client_address
from callcenter.web.ratelimit import LoginLimiter

from .conftest import (
    CHEAP_HASHER,
    CSRF_FIELD,
    PASSWORD,
    START,
    FakeClock,
    FakeLive,
    FakeMonotonic,
    WebEnv,
    make_settings,
)

WRONG = "falsch-falsch-falsch"
LIMITS = {
    "login_attempts": 3,
    "login_max_delay_seconds": 60,
    "login_window_minutes": 15,
    "login_address_attempts": 6,
    "login_global_attempts": 40,
    "login_hash_workers": 2,
    "login_hash_queue": 2,
}


def build_env(folder: Path, seeded: Path, **web: Any) -> WebEnv:
    shutil.copyfile(seeded, folder / "callcenter.sqlite3")
    settings = make_settings(folder)
    web_settings = settings.web.model_copy(update={**LIMITS, **web})
    settings = settings.model_copy(update={"web": web_settings})
    store = open_store(settings, migrate=False)
    clock = FakeClock(START)
    monotonic = FakeMonotonic()
    live = FakeLive()
    limiter = LoginLimiter.from_settings(settings.web, monotonic)
    app = create_app(store, settings, clock, live, limiter=limiter)
    return WebEnv(settings, store, clock, monotonic, live, app)


@pytest.fixture
def proxied(tmp_path: Path, seeded_database: Path) -> Iterator[WebEnv]:
    """Behind a reverse proxy on loopback: X-Forwarded-For names the client."""
    env = build_env(tmp_path, seeded_database, trusted_proxies=("127.0.0.1",))
    try:
        yield env
    finally:
        env.store.close()


class Login:
    """One browser (its own cookies) at one client address."""

    def __init__(self, client: TestClient, address: str | None = None) -> None:
        self.client = client
        self.address = address

    async def attempt(self, username: str, password: str = PASSWORD, **extra: str) -> Any:
        page = await self.client.get("/anmelden")
        token = CSRF_FIELD.search(await page.text())
        assert token is not None
        headers = {"X-Forwarded-For": self.address} if self.address else {}
        response = await self.client.post(
            "/anmelden",
            data={"username": username, "password": password, "csrf_token": token.group(1)},
            headers={**headers, **extra},
            allow_redirects=False,
        )
        await response.read()
        return response


def forget_session(client: TestClient) -> None:
    """The browser closed: the session cookie is gone, the device cookie stays."""
    client.session.cookie_jar.clear(lambda cookie: cookie.key == "cc_session")


@pytest.fixture
async def clients(proxied: WebEnv) -> AsyncIterator[list[TestClient]]:
    """Three browsers with separate cookie jars."""
    async with (
        TestClient(TestServer(proxied.app)) as one,
        TestClient(TestServer(proxied.app)) as two,
        TestClient(TestServer(proxied.app)) as three,
    ):
        yield [one, two, three]


async def refused(response: Any) -> int:
    """A 429 names its wait in Retry-After (whole seconds) and in the page."""
    assert response.status == 429
    seconds = int(response.headers["Retry-After"])
    assert seconds >= 1
    html = await response.text()
    assert re.search(r"Bitte in \d+ (Sekunden?|Minuten) erneut versuchen", html)
    return seconds


async def test_a_spray_over_many_names_from_one_address_is_stopped(
    proxied: WebEnv, clients: list[TestClient]
) -> None:
    sprayer = Login(clients[0], "203.0.113.7")
    for n in range(LIMITS["login_address_attempts"]):
        assert (await sprayer.attempt(f"user{n}", WRONG)).status == 401
    # The next name, even a real one with the right password, waits: it is that address.
    wait = await refused(await sprayer.attempt("alice"))
    assert wait == LIMITS["login_window_minutes"] * 60
    assert (await refused(await sprayer.attempt("user99", WRONG))) == wait
    # Someone else behind the same proxy is not affected.
    assert (await Login(clients[1], "198.51.100.20").attempt("alice")).status == 303
    # Once the failures are old enough, the address may try again.
    proxied.monotonic.value += wait
    assert (await sprayer.attempt("tina")).status == 303


async def test_a_stranger_slows_a_named_user_down_but_cannot_lock_them_out(
    proxied: WebEnv, clients: list[TestClient]
) -> None:
    stranger_client, user_client, known_client = clients
    # alice signed in on this browser before: it holds her device cookie.
    known = Login(known_client, "198.51.100.30")
    first = await known.attempt("alice")
    assert first.status == 303
    device = first.cookies["cc_device"]
    assert device["httponly"]
    assert device["samesite"] == "Strict"
    assert device["path"] == "/anmelden"
    forget_session(known_client)

    free = LIMITS["login_attempts"]
    waits = []
    # The stranger comes from ever new addresses, so only the per-user-name layer holds.
    for n in range(free + 8):
        stranger = Login(stranger_client, f"192.0.2.{n + 1}")
        response = await stranger.attempt("alice", WRONG)
        if response.status == 429:
            seconds = await refused(response)
            waits.append(seconds)
            proxied.monotonic.value += seconds
            response = await stranger.attempt("alice", WRONG)
        assert response.status == 401
    # 1 s, 2 s, 4 s … doubling, capped: a wait that always ends.
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]

    # The real user on a new browser waits too, then the right password still works.
    user = Login(user_client, "198.51.100.40")
    wait = await refused(await user.attempt("alice"))
    assert wait <= LIMITS["login_max_delay_seconds"]
    proxied.monotonic.value += wait
    assert (await user.attempt("alice")).status == 303

    # Meanwhile the stranger starts again; the browser alice used before does not wait.
    for n in range(free + 2):
        await Login(stranger_client, f"192.0.2.{100 + n}").attempt("alice", WRONG)
    assert (await Login(stranger_client, "192.0.2.200").attempt("alice", WRONG)).status == 429
    assert (await known.attempt("alice")).status == 303


async def test_the_global_budget_stops_a_spray_from_many_addresses(
    proxied: WebEnv, clients: list[TestClient]
) -> None:
    known_client, sprayer_client, other_client = clients
    known = Login(known_client, "198.51.100.30")
    assert (await known.attempt("tina")).status == 303
    forget_session(known_client)

    for n in range(LIMITS["login_global_attempts"]):
        response = await Login(sprayer_client, f"10.0.{n // 250}.{n % 250 + 1}").attempt(
            f"user{n}", WRONG
        )
        assert response.status == 401
    # A fresh address and name: the budget is spent for everyone without a known browser.
    wait = await refused(await Login(other_client, "10.9.9.9").attempt("alice"))
    assert wait == LIMITS["login_window_minutes"] * 60
    # A browser that signed in before still gets in (the budget is a brake on guessing).
    assert (await known.attempt("tina")).status == 303
    proxied.monotonic.value += wait
    assert (await Login(other_client, "10.9.9.9").attempt("alice")).status == 303


async def test_forwarded_for_counts_only_from_listed_proxies(
    tmp_path: Path, seeded_database: Path
) -> None:
    env = build_env(tmp_path, seeded_database, trusted_proxies=("10.255.0.0/16",))
    try:
        async with TestClient(TestServer(env.app)) as client:
            # Loopback is no listed proxy: a forged header per request changes nothing.
            for n in range(LIMITS["login_address_attempts"]):
                response = await Login(client, f"192.0.2.{n + 1}").attempt(f"user{n}", WRONG)
                assert response.status == 401
            await refused(await Login(client, "192.0.2.250").attempt("alice"))
    finally:
        env.store.close()


def _request(peer: str, *forwarded: str) -> web.Request:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda key, default=None: (
        (peer, 40000) if key == "peername" else default
    )
    headers = [("X-Forwarded-For", value) for value in forwarded]
    return make_mocked_request("POST", "/anmelden", headers=headers, transport=transport)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        # No proxies configured: the header is ignored.
        ("203.0.113.5", ("198.51.100.1",), (), "203.0.113.5"),
        # The peer is not a listed proxy: ignored too.
        ("203.0.113.5", ("198.51.100.1",), ("10.0.0.1",), "203.0.113.5"),
        # A listed proxy: the entry it appended is the client.
        ("10.0.0.1", ("198.51.100.1",), ("10.0.0.1",), "198.51.100.1"),
        # Entries the client wrote itself (left of the proxy's) prove nothing.
        ("10.0.0.1", ("6.6.6.6, 198.51.100.1",), ("10.0.0.1",), "198.51.100.1"),
        # Two proxies in a row, as network and address; the header split over two lines.
        ("10.0.0.1", ("6.6.6.6, 198.51.100.1", "10.1.2.3"), ("10.0.0.0/8",), "198.51.100.1"),
        # One spelling per address: port and IPv4-mapped IPv6 removed.
        ("10.0.0.1", ("198.51.100.1:51000",), ("10.0.0.1",), "198.51.100.1"),
        ("10.0.0.1", ("::ffff:198.51.100.1",), ("10.0.0.1",), "198.51.100.1"),
        ("::1", ("[2001:db8::7]:443",), ("::1",), "2001:db8::7"),
        # Only proxies or nothing in the header: the proxy itself asked.
        ("10.0.0.1", ("10.0.0.2",), ("10.0.0.0/24",), "10.0.0.1"),
        ("10.0.0.1", (), ("10.0.0.1",), "10.0.0.1"),
    ],
)
def test_client_address(
    peer: str, forwarded: tuple[str, ...], trusted: tuple[str, ...], client: str
) -> None:
    assert client_address(_request(peer, *forwarded), trusted) == client


class GatedHasher:
    """Real (cheap) argon2 that waits for the test's go, counting how many run at once."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.threads: set[str] = set()

    def verify(self, password_hash: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            self.gate.wait()
            return self.inner.verify(password_hash, password)
        finally:
            with self.lock:
                self.running -= 1

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self.inner.check_needs_rehash(password_hash)

    def hash(self, password: str) -> str:
        return self.inner.hash(password)


async def test_a_login_flood_waits_in_a_bounded_pool_and_health_and_pages_stay_up(
    proxied: WebEnv, clients: list[TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = GatedHasher(CHEAP_HASHER)
    monkeypatch.setattr(web_repository, "_HASHER", hasher)
    admin_client, flood_client, health_client = clients
    hasher.gate.set()
    assert (await Login(admin_client, "198.51.100.30").attempt("alice")).status == 303
    hasher.gate.clear()

    workers, queue = LIMITS["login_hash_workers"], LIMITS["login_hash_queue"]
    await flood_client.get("/anmelden")  # one login cookie for all, set before the flood
    flood = [
        asyncio.create_task(Login(flood_client, f"10.1.0.{n + 1}").attempt(f"user{n}", WRONG))
        for n in range(10)
    ]
    while hasher.running < workers:
        await asyncio.sleep(0.01)
    # Everyone beyond the pool and its queue is refused at once, with a Retry-After.
    done: set[asyncio.Task[Any]] = set()
    while len(done) < len(flood) - workers - queue:
        await asyncio.wait(flood, return_when=asyncio.FIRST_COMPLETED)
        done = {task for task in flood if task.done()}
    for task in done:
        assert await refused(task.result()) >= 1

    # The hashes are stuck, yet the database probe of /healthz and the pages answer.
    health = await health_client.get("/healthz")
    assert (await health.json())["checks"]["database"]["ok"] is True
    assert (await admin_client.get("/zentrale")).status == 200
    assert hasher.running == workers

    hasher.gate.set()
    rest = await asyncio.gather(*(task for task in flood if task not in done))
    assert [response.status for response in rest] == [401] * (workers + queue)
    assert hasher.most == workers
    assert all(name.startswith("password-check") for name in hasher.threads)
