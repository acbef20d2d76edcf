"""Accounts of the web application: users with roles, API tokens, login sessions, and the
small call counts the overview page shows.

Passwords are hashed with argon2; API tokens and session ids are 256-bit random values
of which only the SHA-256 digest is stored (they are unguessable, so a slow hash adds
nothing). Every change to a user or token is audited; sessions are not, they change no
configuration.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.domain.access import ROLE_NAMES_DE as ROLE_NAMES_DE  # re-exported
from callcenter.domain.access import Role as Role  # re-exported
from callcenter.domain.access import Scope, parse_scopes
from callcenter.storage.audit import AuditRepository, require_aware
from callcenter.storage.errors import AlreadyExists, InvalidValue, NotFound
from callcenter.storage.models import (
    ApiTokenRow,
    CallRecordRow,
    TeamRow,
    UserRow,
    WebSessionRow,
)

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as long as a
# wrong password and the response time does not reveal which names exist. Made at the first
# login, not at import: one argon2 hash costs every CLI command 0.1 s otherwise.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(
            f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD_LENGTH} Zeichen",
            f"the password is too short: at least {MIN_PASSWORD_LENGTH} characters",
        )
    return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(password_hash: str | None, password: str) -> bool:
    """CPU-bound (argon2): run it off the event loop. `None` (no such user) costs the same
    as a wrong password, so the response time does not reveal which names exist."""
    if password_hash is None:
        _verify(_dummy_hash(), password)
        return False
    return _verify(password_hash, password)


def rehashed(password_hash: str, password: str) -> str | None:
    """A new hash when the stored one used older argon2 parameters (CPU-bound too)."""
    return _HASHER.hash(password) if _HASHER.check_needs_rehash(password_hash) else None


def new_secret() -> str:
    """A fresh 256-bit random value, URL-safe (session ids, API tokens, CSRF tokens)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: Role
    team: str | None
    disabled: bool
    created_at: datetime

    def snapshot(self) -> dict[str, object]:
        """What the audit log keeps of an account (never the hash)."""
        return {
            "username": self.username,
            "role": str(self.role),
            "team": self.team,
            "disabled": self.disabled,
        }


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    # None: a token from before scopes, which works as `admin` until it expires or is revoked.
    scopes: frozenset[Scope] | None = None
    expires_at: datetime | None = None  # None: does not expire

    @property
    def legacy(self) -> bool:
        return self.scopes is None

    @property
    def granted(self) -> frozenset[Scope]:
        return frozenset({Scope.ADMIN}) if self.scopes is None else self.scopes

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass(frozen=True)
class TokenUse:
    """A valid bearer token: whose it is and what it may do."""

    account: Account
    token: ApiToken


def scopes_text(scopes: Collection[Scope]) -> str:
    """Stored and shown sorted in the list's order (read, closures, schedule, admin)."""
    return " ".join(scope.value for scope in Scope if scope in scopes)


def _api_token(row: ApiTokenRow, username: str) -> ApiToken:
    return ApiToken(
        id=row.id,
        name=row.name,
        username=username,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        scopes=None if row.scopes is None else parse_scopes(row.scopes),
        expires_at=row.expires_at,
    )


@dataclass(frozen=True)
class WebSession:
    account: Account
    csrf_token: str
    lang: str
    expires_at: datetime


@dataclass(frozen=True)
class CallCounts:
    """Calls of one team in a period by whether they arrived inside the call hours."""

    inside: int = 0
    outside: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.inside + self.outside + self.unknown


def _account(row: UserRow) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        team=row.team_id,
        disabled=row.disabled,
        created_at=row.created_at,
    )


def _require_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidValue(
            f"unbekannte Rolle „{role}“ (erlaubt: admin, teamlead, switchboard)",
            f"unknown role '{role}' (allowed: admin, teamlead, switchboard)",
        ) from None


class AccountRepository:
    """Users, API tokens and web sessions inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._audit = AuditRepository(session)

    # -- users -----------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        role: str,
        password: str,
        team: str | None,
        actor: str,
        now: datetime,
    ) -> Account:
        require_aware(now, "Benutzer")
        if not _USERNAME.match(username):
            raise InvalidValue(
                f"„{username}“ ist kein gültiger Benutzername (Buchstaben, Ziffern, . _ @ -)",
                f"'{username}' is not a valid user name (letters, digits, . _ @ -)",
            )
        valid_role = _require_role(role)
        self._check_team(valid_role, team)
        row = UserRow(
            username=username,
            role=str(valid_role),
            password_hash=hash_password(password),
            created_at=now,
            disabled=False,
            team_id=team,
        )
        self._insert_unique(
            row,
            AlreadyExists(
                f"Benutzer „{username}“ gibt es schon", f"user '{username}' already exists"
            ),
        )
        account = _account(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="add_user",
            entity="user",
            entity_id=username,
            after=account.snapshot(),
        )
        return account

    def get(self, username: str) -> Account:
        return _account(self._user_row(username))

    def get_by_id(self, user_id: int) -> Account | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else _account(row)

    def list_users(self) -> list[Account]:
        rows = self._session.scalars(select(UserRow).order_by(UserRow.username))
        return [_account(row) for row in rows]

    def set_password(self, username: str, password: str, actor: str, now: datetime) -> None:
        """New password; the user's browser sessions end (a stolen login stops working)."""
        require_aware(now, "Passwort")
        row = self._user_row(username)
        row.password_hash = hash_password(password)
        self._session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        self._session.flush()
        self._audit.record(
            actor=actor,
            at=now,
            action="set_password",
            entity="user",
            entity_id=username,
            before={"password": "(alt / old)"},
            after={"password": "(neu / new)"},
        )

    def set_disabled(self, username: str, disabled: bool, actor: str, now: datetime) -> Account:
        """Lock (or unlock) a user; locking ends their sessions, their tokens stop working."""
        require_aware(now, "Benutzer")
        row = self._user_row(username)
        before = _account(row)
        row.disabled = disabled
        if disabled:
            self._session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        self._session.flush()
        after = _account(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="disable_user" if disabled else "enable_user",
            entity="user",
            entity_id=username,
            before=before.snapshot(),
            after=after.snapshot(),
        )
        return after

    def set_role(
        self, username: str, role: str, team: str | None, actor: str, now: datetime
    ) -> Account:
        """Another role and team (a team lead's own team; none for the others)."""
        require_aware(now, "Benutzer")
        row = self._user_row(username)
        before = _account(row)
        valid_role = _require_role(role)
        self._check_team(valid_role, team)
        row.role, row.team_id = str(valid_role), team
        self._session.flush()
        after = _account(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="set_role",
            entity="user",
            entity_id=username,
            before=before.snapshot(),
            after=after.snapshot(),
        )
        return after

    def verify_login(self, username: str, password: str) -> Account | None:
        """The account if name and password match and it is not locked; else None."""
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            _verify(_dummy_hash(), password)
            return None
        if not _verify(row.password_hash, password) or row.disabled:
            return None
        if _HASHER.check_needs_rehash(row.password_hash):
            row.password_hash = _HASHER.hash(password)
        return _account(row)

    def login_candidate(self, username: str) -> tuple[Account, str] | None:
        """The account and its stored hash, for checking the password outside the
        transaction; None when there is no such user or it is locked."""
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None or row.disabled:
            return None
        return _account(row), row.password_hash

    def store_rehash(self, account_id: int, old_hash: str, new_hash: str) -> None:
        """Replace the hash only if no one changed the password meanwhile."""
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == account_id, UserRow.password_hash == old_hash)
            .values(password_hash=new_hash)
        )

    # -- API tokens ------------------------------------------------------------------------

    def create_token(
        self,
        username: str,
        name: str,
        actor: str,
        now: datetime,
        *,
        scopes: Collection[Scope],
        expires_at: datetime | None = None,
    ) -> str:
        """A new token for the user with these scopes, valid until `expires_at` (None:
        no expiry); returns the token itself, which is never stored."""
        require_aware(now, "API-Token")
        if not _TOKEN_NAME.match(name):
            raise InvalidValue(
                f"„{name}“ ist kein gültiger Token-Name (Buchstaben, Ziffern, Leerzeichen . _ -)",
                f"'{name}' is not a valid token name (letters, digits, space . _ -)",
            )
        if not scopes:
            raise InvalidValue(
                "Ein API-Token braucht mindestens einen Bereich (read, closures, schedule, admin)",
                "an API token needs at least one scope (read, closures, schedule, admin)",
            )
        if expires_at is not None:
            require_aware(expires_at, "API-Token: Ablauf")
            if expires_at <= now:
                raise InvalidValue(
                    f"Das Ablaufdatum {expires_at.isoformat()} liegt nicht in der Zukunft",
                    f"the expiry {expires_at.isoformat()} is not in the future",
                )
        user = self._user_row(username)
        secret = "cc_" + new_secret()
        stored_scopes = scopes_text(scopes)
        row = ApiTokenRow(
            user_id=user.id,
            name=name,
            token_hash=digest(secret),
            created_at=now,
            last_used_at=None,
            revoked_at=None,
            scopes=stored_scopes,
            expires_at=expires_at,
        )
        self._insert_unique(
            row,
            AlreadyExists(
                f"Ein API-Token „{name}“ gibt es schon", f"API token '{name}' already exists"
            ),
        )
        self._audit.record(
            actor=actor,
            at=now,
            action="add_api_token",
            entity="api_token",
            entity_id=name,
            after={
                "name": name,
                "user": username,
                "scopes": stored_scopes.split(),
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        return secret

    def revoke_token(self, name: str, actor: str, now: datetime) -> None:
        require_aware(now, "API-Token")
        row = self._session.scalar(select(ApiTokenRow).where(ApiTokenRow.name == name))
        if row is None or row.revoked_at is not None:
            raise NotFound(
                f"Kein gültiges API-Token „{name}“", f"there is no valid API token '{name}'"
            )
        row.revoked_at = now
        self._session.flush()
        self._audit.record(
            actor=actor,
            at=now,
            action="revoke_api_token",
            entity="api_token",
            entity_id=name,
            before={"name": name, "revoked": False},
            after={"name": name, "revoked": True},
        )

    def list_tokens(self) -> list[ApiToken]:
        query = (
            select(ApiTokenRow, UserRow.username)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .order_by(ApiTokenRow.name)
        )
        return [_api_token(row, username) for row, username in self._session.execute(query)]

    def token_account(self, secret: str, now: datetime) -> TokenUse | None:
        """The account and token behind a bearer token, if valid (not revoked, not
        expired, its user not locked); marks it used."""
        row = self._session.scalar(
            select(ApiTokenRow).where(ApiTokenRow.token_hash == digest(secret))
        )
        if row is None or row.revoked_at is not None:
            return None
        if row.expires_at is not None and now >= row.expires_at:
            return None
        user = self._session.get(UserRow, row.user_id)
        if user is None or user.disabled:
            return None
        # Only a coarse "last used": one write per minute at most, not one per request.
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
            row.last_used_at = now
        return TokenUse(_account(user), _api_token(row, user.username))

    # -- web sessions ----------------------------------------------------------------------

    def create_session(
        self, account: Account, lang: str, now: datetime, minutes: int
    ) -> tuple[str, str]:
        """A new login; returns (session id for the cookie, CSRF token)."""
        require_aware(now, "Anmeldung")
        session_id = new_secret()
        csrf = new_secret()
        self._session.add(
            WebSessionRow(
                id_hash=digest(session_id),
                user_id=account.id,
                csrf_token=csrf,
                lang=lang,
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
        )
        # Expired logins are of no use to anyone; sweeping at login keeps the table small.
        self._session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
        self._session.flush()
        return session_id, csrf

    def session_for(self, session_id: str, now: datetime) -> WebSession | None:
        row = self._session.get(WebSessionRow, digest(session_id))
        if row is None or row.expires_at <= now:
            return None
        user = self._session.get(UserRow, row.user_id)
        if user is None or user.disabled:
            return None
        return WebSession(_account(user), row.csrf_token, row.lang, row.expires_at)

    def set_session_lang(self, session_id: str, lang: str) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id_hash == digest(session_id))
            .values(lang=lang)
        )

    def end_session(self, session_id: str) -> None:
        self._session.execute(
            delete(WebSessionRow).where(WebSessionRow.id_hash == digest(session_id))
        )

    # -- internals -------------------------------------------------------------------------

    def _insert_unique(self, row: UserRow | ApiTokenRow, taken: AlreadyExists) -> None:
        """Add a row with a unique name; raise `taken` if the name is in use already."""
        try:
            # Savepoint: a taken name must not poison the caller's transaction.
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as exc:
            raise taken from exc

    def _user_row(self, username: str) -> UserRow:
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"Benutzer „{username}“ gibt es nicht", f"there is no user '{username}'")
        return row

    def _check_team(self, role: Role, team: str | None) -> None:
        if role is Role.TEAMLEAD and not team:
            raise InvalidValue(
                "Eine Teamleitung braucht ein Team (--team)",
                "a team lead needs a team (--team)",
            )
        if role is not Role.TEAMLEAD and team:
            raise InvalidValue(
                "Nur eine Teamleitung gehört zu einem Team",
                "only a team lead belongs to a team",
            )
        if team and self._session.get(TeamRow, team) is None:
            known = ", ".join(self._session.scalars(select(TeamRow.id).order_by(TeamRow.id)))
            raise NotFound(
                f"unbekanntes Team „{team}“ (bekannt: {known})",
                f"unknown team '{team}' (known: {known})",
            )


def calls_between(session: Session, start: datetime, end: datetime) -> dict[str, CallCounts]:
    """Calls per team that started in [start, end), by inside/outside the call hours."""
    require_aware(start, "Anrufe")
    require_aware(end, "Anrufe")
    query = (
        select(CallRecordRow.team, CallRecordRow.in_hours, func.count())
        .where(CallRecordRow.started >= start, CallRecordRow.started < end)
        .group_by(CallRecordRow.team, CallRecordRow.in_hours)
    )
    counts: dict[str, dict[str, int]] = {}
    for team, in_hours, count in session.execute(query):
        key = "unknown" if in_hours is None else ("inside" if in_hours else "outside")
        counts.setdefault(team, {})[key] = int(count)
    return {team: CallCounts(**values) for team, values in counts.items()}


def role_choices() -> Iterable[str]:
    return [str(role) for role in Role]
