"""Users of the web UI and CLI. Password hashing happens elsewhere; we store the hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.storage.audit import AuditRepository, require_aware
from callcenter.storage.errors import AlreadyExists, NotFound
from callcenter.storage.models import UserRow


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    password_hash: str
    created_at: datetime
    disabled: bool


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=row.role,
        password_hash=row.password_hash,
        created_at=row.created_at,
        disabled=row.disabled,
    )


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._audit = AuditRepository(session)

    def add(self, username: str, role: str, password_hash: str, actor: str, now: datetime) -> User:
        """Create a user; the audit entry leaves the hash out."""
        require_aware(now, "Benutzer")
        row = UserRow(
            username=username,
            role=role,
            password_hash=password_hash,
            created_at=now,
            disabled=False,
        )
        try:
            # Savepoint: a taken name must not poison the caller's transaction.
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as exc:
            raise AlreadyExists(
                f"Benutzer „{username}“ gibt es schon",
                f"user '{username}' already exists",
            ) from exc
        user = _user(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="add_user",
            entity="user",
            entity_id=username,
            after={"username": username, "role": role, "disabled": False},
        )
        return user

    def get(self, username: str) -> User:
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(
                f"Benutzer „{username}“ gibt es nicht",
                f"there is no user '{username}'",
            )
        return _user(row)

    def list(self) -> list[User]:
        return [
            _user(row) for row in self._session.scalars(select(UserRow).order_by(UserRow.username))
        ]
