"""Users of the web application and their API tokens (admins only).

The permission check is here, like every use case's; validation of names and the audit
entries of account changes still live in callcenter.storage.web_repository.AccountRepository
(which also serves logins and sessions), to be moved here with the login work of issue 17.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from callcenter.domain.access import Actor, Role, Scope, require_role
from callcenter.storage.web_repository import Account, ApiToken


class AccountStore(Protocol):
    def add_user(
        self,
        username: str,
        role: str,
        password: str,
        team: str | None,
        actor: str,
        now: datetime,
    ) -> Account: ...
    def set_password(self, username: str, password: str, actor: str, now: datetime) -> None: ...
    def set_disabled(self, username: str, disabled: bool, actor: str, now: datetime) -> Account: ...
    def create_token(
        self,
        username: str,
        name: str,
        actor: str,
        now: datetime,
        *,
        scopes: Collection[Scope],
        expires_at: datetime | None = None,
    ) -> str: ...
    def revoke_token(self, name: str, actor: str, now: datetime) -> None: ...
    def list_users(self) -> list[Account]: ...
    def list_tokens(self) -> list[ApiToken]: ...


class AccountsUnitOfWork(Protocol):
    @property
    def accounts(self) -> AccountStore: ...


def add_user(
    uow: AccountsUnitOfWork,
    actor: Actor,
    username: str,
    role: str,
    password: str,
    team: str | None,
    *,
    now: datetime,
) -> Account:
    require_role(actor, Role.ADMIN)
    return uow.accounts.add_user(username, role, password, team, actor.name, now)


def set_password(
    uow: AccountsUnitOfWork, actor: Actor, username: str, password: str, *, now: datetime
) -> None:
    """A new password; the user's browser sessions end."""
    require_role(actor, Role.ADMIN)
    uow.accounts.set_password(username, password, actor.name, now)


def set_disabled(
    uow: AccountsUnitOfWork, actor: Actor, username: str, disabled: bool, *, now: datetime
) -> Account:
    """Lock (or unlock) a user; locking ends their sessions, their tokens stop working."""
    require_role(actor, Role.ADMIN)
    return uow.accounts.set_disabled(username, disabled, actor.name, now)


def create_token(
    uow: AccountsUnitOfWork,
    actor: Actor,
    username: str,
    name: str,
    *,
    now: datetime,
    scopes: Collection[Scope],
    expires_at: datetime | None,
) -> str:
    """A new API token for the user with these scopes (at least one; `admin` implies all),
    valid until `expires_at` (None: no expiry); returns the token itself, never stored.
    The token never does more than its user's role allows."""
    require_role(actor, Role.ADMIN)
    return uow.accounts.create_token(
        username, name, actor.name, now, scopes=scopes, expires_at=expires_at
    )


def revoke_token(uow: AccountsUnitOfWork, actor: Actor, name: str, *, now: datetime) -> None:
    require_role(actor, Role.ADMIN)
    uow.accounts.revoke_token(name, actor.name, now)


def users_and_tokens(uow: AccountsUnitOfWork, actor: Actor) -> tuple[list[Account], list[ApiToken]]:
    require_role(actor, Role.ADMIN)
    return uow.accounts.list_users(), uow.accounts.list_tokens()
