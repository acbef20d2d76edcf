"""Signing in and staying signed in: the login's account lookup, browser sessions and API
tokens, for the web app.

These run before anyone is known, so there is no permission check; what stops guessing is
the login throttle of the web app (callcenter.web.ratelimit), and the password itself is
checked there too, off the event loop in its bounded pool, so the transaction here never
waits for argon2.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from callcenter.storage.web_repository import Account, TokenUse, WebSession


class SessionStore(Protocol):
    def login_candidate(self, username: str) -> tuple[Account, str] | None: ...
    def store_rehash(self, account_id: int, old_hash: str, new_hash: str) -> None: ...
    def create_session(
        self, account: Account, lang: str, now: datetime, minutes: int
    ) -> tuple[str, str]: ...
    def session_for(self, session_id: str, now: datetime) -> WebSession | None: ...
    def set_session_lang(self, session_id: str, lang: str) -> None: ...
    def end_session(self, session_id: str) -> None: ...
    def token_account(self, secret: str, now: datetime) -> TokenUse | None: ...


class SessionsUnitOfWork(Protocol):
    @property
    def accounts(self) -> SessionStore: ...


def login_candidate(uow: SessionsUnitOfWork, username: str) -> tuple[Account, str] | None:
    """The enabled account of that name and its stored password hash, to be checked."""
    return uow.accounts.login_candidate(username)


def store_rehash(uow: SessionsUnitOfWork, account_id: int, old_hash: str, new_hash: str) -> None:
    """Keep a hash made with today's cost, unless the password changed meanwhile."""
    uow.accounts.store_rehash(account_id, old_hash, new_hash)


def start_session(
    uow: SessionsUnitOfWork, account: Account, lang: str, now: datetime, minutes: int
) -> tuple[str, str]:
    """A new browser session: its id and CSRF token."""
    return uow.accounts.create_session(account, lang, now, minutes)


def current_session(uow: SessionsUnitOfWork, session_id: str, now: datetime) -> WebSession | None:
    """The session if it exists, has not expired and its account is enabled."""
    return uow.accounts.session_for(session_id, now)


def set_session_language(uow: SessionsUnitOfWork, session_id: str, lang: str) -> None:
    uow.accounts.set_session_lang(session_id, lang)


def end_session(uow: SessionsUnitOfWork, session_id: str) -> None:
    uow.accounts.end_session(session_id)


def token_user(uow: SessionsUnitOfWork, secret: str, now: datetime) -> TokenUse | None:
    """The account and token behind an API secret, if valid now (its last use noted)."""
    return uow.accounts.token_account(secret, now)
