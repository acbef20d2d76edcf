"""The app's typed state (one `web.AppKey`) and the signed-in identity of a request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeVar

from aiohttp import web

from callcenter.clock import Clock
from callcenter.config import Settings
from callcenter.domain.access import Scope, scope_allows
from callcenter.domain.schedule import Office
from callcenter.storage.store import Store
from callcenter.storage.unit_of_work import SqlUnitOfWork
from callcenter.storage.web_repository import Account, ApiToken, CallCounts, Role
from callcenter.usecases.audit import calls_between
from callcenter.usecases.result_cache import ResultCache
from callcenter.web.identity_cache import IdentityCache
from callcenter.web.live import LiveView
from callcenter.web.page_cache import PageCache
from callcenter.web.ratelimit import LoginLimiter
from callcenter.web.versions import VersionProbe

T = TypeVar("T")


@dataclass
class WebState:
    """Everything a handler needs; the database is used from worker threads only."""

    store: Store
    settings: Settings
    clock: Clock
    live: LiveView | None
    limiter: LoginLimiter
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # Token name -> when its "token without scopes" warning was last logged.
    legacy_token_warned: dict[str, datetime] = field(default_factory=dict)
    # Evaluation results per data version: the office report per (teams, period, settings),
    # the page's figures per (team, period, language); see callcenter.usecases.result_cache.
    # Calls that arrived since do not void them: the page shows them as of their time while
    # they are computed anew (`refreshes` holds those computations).
    reports: ResultCache[object] = field(default_factory=lambda: ResultCache(past=Store.past_of))
    evaluations: ResultCache[object] = field(
        default_factory=lambda: ResultCache(past=Store.past_of)
    )
    refreshes: set[asyncio.Future[bool]] = field(default_factory=set)
    # Evaluations are computed here, one at a time, not on the default executor: over 10M
    # calls one takes 20 s and 1 GiB, so several at once (teams × languages renewing after
    # a call) would hold every default worker (closure edits on the control socket, the
    # board's reads) and add up their memory, and under the GIL they would not finish
    # sooner side by side. A page asked for again meanwhile finds the result kept.
    evaluation_worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="evaluation")
    )
    # The schedule as every page reads it, loaded again only when the past half of the data
    # version changes (every schedule or settings edit does; arriving calls and callback
    # work do not): one small query per request instead of loading every team's schedule.
    # Kept under that half itself, not with `past=`: the office has nothing to show "as of".
    offices: ResultCache[Office] = field(default_factory=lambda: ResultCache(1))
    # Calls per team of a day (the overview's counts) per data version.
    day_counts: ResultCache[Mapping[str, CallCounts]] = field(
        default_factory=lambda: ResultCache(4)
    )
    # Rendered pages per identity, minute and data (callcenter.web.page_cache).
    pages: PageCache = field(default_factory=PageCache)
    # The session cookie's value per Cookie header text (middleware._session_cookie).
    session_cookies: dict[str, str] = field(default_factory=dict)
    # Session lookups under way, shared by the requests that wait for them.
    session_lookups: dict[str, asyncio.Future[Identity | None]] = field(default_factory=dict)
    # Sessions and tokens already looked up (callcenter.web.identity_cache).
    # A token's identity comes with the token (its "no scopes" warning is due per use).
    # Set in __post_init__ (both watch this store's writes).
    identities: IdentityCache[tuple[Identity, ApiToken | None]] = field(init=False)
    # The data version for the office and the day's counts, without a database read per
    # request (callcenter.web.versions).
    versions: VersionProbe = field(init=False)

    def __post_init__(self) -> None:
        self.identities = IdentityCache(writes=self.store.auth_writes)
        self.versions = VersionProbe(self.store.data_version, writes=self.store.local_writes)

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.settings.tz)

    async def run(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        """Run a use case in one transaction in a worker thread (SQLAlchemy here is blocking)."""

        def go() -> T:
            with self.store.unit_of_work() as uow:
                return work(uow)

        return await asyncio.to_thread(go)

    async def office(self) -> Office:
        known = self.versions.cached()
        kept = None if known is None else _kept(self.offices, Store.past_of(known), "office")
        return kept if kept is not None else await asyncio.to_thread(self.current_office)

    async def call_counts(self, start: datetime, end: datetime) -> Mapping[str, CallCounts]:
        """Calls per team in [start, end), counted again only when the data changed."""

        def count() -> Mapping[str, CallCounts]:
            with self.store.unit_of_work() as uow:
                return calls_between(uow, start, end)

        kept = _kept(self.day_counts, self.versions.cached(), (start, end))
        if kept is not None:
            return kept
        return await asyncio.to_thread(
            self.day_counts.get_or_compute, self.versions.current, (start, end), count
        )

    async def schedule_version(self) -> int:
        """The newest audit id (Store.schedule_version), read as the data version is."""
        version = self.versions.cached()
        if version is None:
            version = await asyncio.to_thread(self.versions.current)
        return self.store.schedule_version_of(version)

    def current_office(self) -> Office:
        """Blocking: the schedule of the current data version."""
        return self.offices.get_or_compute(self._current_past, "office", self.store.office)

    def _current_past(self) -> Hashable:
        return Store.past_of(self.versions.current())


def _kept(cache: ResultCache[T], version: Hashable | None, key: Hashable) -> T | None:
    """A result kept for the known current version, looked up on the loop (no thread)."""
    if version is None:
        return None
    found, result = cache.peek(version, key)
    return result if found else None


@dataclass(frozen=True)
class Identity:
    """Who is asking: a browser session (with its CSRF token) or an API token."""

    account: Account
    via: Literal["session", "token"]
    actor: str  # for the audit log: "web:<user>" or "api:<token name>"
    lang: str = "de"
    csrf: str | None = None
    session_id: str | None = None
    # An API token's scopes; None for a browser session (the role alone decides).
    scopes: frozenset[Scope] | None = None

    @property
    def role(self) -> Role:
        return self.account.role

    def may_use(self, scope: Scope) -> bool:
        """Whether a token's scopes cover `scope` (a session: always; its role still counts)."""
        return self.scopes is None or scope_allows(self.scopes, scope)

    def has(self, *roles: Role) -> bool:
        return self.account.role in roles

    def may_change_team(self, team: str | None) -> bool:
        """Admins change everything; a team lead only their own team (never 'all teams')."""
        if self.account.role is Role.ADMIN:
            return True
        return self.account.role is Role.TEAMLEAD and team is not None and team == self.account.team


WEB = web.AppKey("callcenter_web", WebState)
IDENTITY = web.RequestKey("callcenter_identity", Identity)
LANG = web.RequestKey("callcenter_lang", str)


def state_of(request: web.Request) -> WebState:
    return request.app[WEB]


def identity_of(request: web.Request) -> Identity:
    """The signed-in identity; the auth middleware guarantees one on non-public routes."""
    return request[IDENTITY]


def lang_of(request: web.Request) -> str:
    lang: str = request.get(LANG, "de")
    return lang
