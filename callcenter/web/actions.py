"""The web's bridge to the use cases (callcenter.usecases): who asks, and one transaction in a
worker thread. Pages and API call use cases only through `run`; the permission checks,
validation, rules and auditing are the use cases', the same as for the CLI.

Every change is one audited transaction; the running service notices the new audit entry
and pushes the state to the PBX.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from callcenter.domain.access import Actor, Role
from callcenter.domain.access import require_role as _require_role
from callcenter.domain.access import require_team as _require_team
from callcenter.storage.unit_of_work import SqlUnitOfWork
from callcenter.web.state import Identity, WebState

T = TypeVar("T")


def actor_of(identity: Identity) -> Actor:
    """The signed-in user as the use cases' actor ('web:anna' or 'api:portal' in the log)."""
    return Actor(identity.actor, identity.role, identity.account.team)


async def run(state: WebState, work: Callable[[SqlUnitOfWork], T]) -> T:
    """Run a use case in one transaction in a worker thread (SQLAlchemy here is blocking)."""
    return await state.run(work)


def require(identity: Identity, *roles: Role) -> None:
    """Which pages a role may see at all (the use cases check every change again)."""
    _require_role(actor_of(identity), *roles)


def require_team(identity: Identity, team: str | None) -> None:
    _require_team(actor_of(identity), team)


def upload_dir(state: WebState) -> Path:
    """Where uploads wait while they are checked (same disk as the sounds, not /tmp)."""
    path = state.settings.data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cleanup_uploads(state: WebState) -> None:
    """Left-overs of an upload interrupted by a crash; called at start-up."""
    path = state.settings.data_dir / "uploads"
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
