"""The app's typed state (one `web.AppKey`) and the signed-in identity of a request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
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
from callcenter.storage.web_repository import Account, CallCounts, Role
from callcenter.usecases.audit import calls_between
from callcenter.usecases.result_cache import ResultCache
from callcenter.web.live import LiveView
from callcenter.web.ratelimit import LoginLimiter

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
    reports: ResultCache[object] = field(default_factory=ResultCache)
    evaluations: ResultCache[object] = field(default_factory=ResultCache)
    # The schedule as every page reads it, loaded again only when the data version changes:
    # one small query per request instead of loading every team's schedule.
    offices: ResultCache[Office] = field(default_factory=lambda: ResultCache(1))
    # Calls per team of a day (the overview's counts) per data version.
    day_counts: ResultCache[Mapping[str, CallCounts]] = field(
        default_factory=lambda: ResultCache(4)
    )

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.settings.tz)

    async def run(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        """Run a use case in one transaction in a worker thread (SQLAlchemy here is blocking)."""

        def go() -> T:
            with self.store.unit_of_work() as uow:
                return work(uow)

        return await asyncio.to_thread(go)

    async def office(self) -> Office:
        return await asyncio.to_thread(self.current_office)

    async def call_counts(self, start: datetime, end: datetime) -> Mapping[str, CallCounts]:
        """Calls per team in [start, end), counted again only when the data changed."""

        def count() -> Mapping[str, CallCounts]:
            with self.store.unit_of_work() as uow:
                return calls_between(uow, start, end)

        return await asyncio.to_thread(
            self.day_counts.get_or_compute, self.store.data_version, (start, end), count
        )

    def current_office(self) -> Office:
        """Blocking: the schedule of the current data version."""
        return self.offices.get_or_compute(self.store.data_version, "office", self.store.office)


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
