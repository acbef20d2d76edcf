"""Users of the web application and their API tokens (admins only).

The permission check is here, like every use case's; validation of names and the audit
entries of account changes still live in callcenter.storage.web_repository.AccountRepository
(which also serves logins and sessions), to be moved here with the login work of issue 17.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from callcenter.domain.access import Actor, Role, Scope, require_role
from callcenter.domain.errors import CallcenterError
from callcenter.storage.web_repository import Account, ApiToken

_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


class LastAdmin(CallcenterError):
    """The change would leave no enabled administrator."""

    kind = "conflict"
    code = "last_admin"
    default_field = "role"


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
    def set_role(
        self, username: str, role: str, team: str | None, actor: str, now: datetime
    ) -> Account: ...
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


def reset_password(uow: AccountsUnitOfWork, actor: Actor, username: str, *, now: datetime) -> str:
    """A generated password (shown once to the admin, never stored in clear); the user's
    browser sessions end."""
    password = generated_password()
    set_password(uow, actor, username, password, now=now)
    return password


def generated_password() -> str:
    """16 characters from an alphabet without look-alikes (0/O, 1/l/I): ~93 bits."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))


def set_disabled(
    uow: AccountsUnitOfWork, actor: Actor, username: str, disabled: bool, *, now: datetime
) -> Account:
    """Lock (or unlock) a user; locking ends their sessions, their tokens stop working.
    The last enabled administrator cannot be locked: nobody could unlock them."""
    require_role(actor, Role.ADMIN)
    if disabled:
        _keep_an_admin(uow, username)
    return uow.accounts.set_disabled(username, disabled, actor.name, now)


def set_role(
    uow: AccountsUnitOfWork,
    actor: Actor,
    username: str,
    role: str,
    team: str | None,
    *,
    now: datetime,
) -> Account:
    """Another role (and team: only a team lead has one). The last enabled administrator
    keeps the role."""
    require_role(actor, Role.ADMIN)
    if role != Role.ADMIN:
        _keep_an_admin(uow, username)
    return uow.accounts.set_role(username, role, team or None, actor.name, now)


def _keep_an_admin(uow: AccountsUnitOfWork, username: str) -> None:
    admins = [
        a.username for a in uow.accounts.list_users() if a.role is Role.ADMIN and not a.disabled
    ]
    if admins == [username]:
        raise LastAdmin(
            f"„{username}“ ist die letzte aktive Administration; sperren oder herabstufen "
            "würde niemanden mehr übrig lassen, der Benutzer verwalten kann. Zuerst eine "
            "weitere Administration anlegen.",
            f"'{username}' is the last active administrator; locking or demoting them would "
            "leave nobody who can manage users. Add another administrator first.",
        )


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
