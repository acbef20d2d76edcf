"""Who may change what: roles, the actor of a change, and the two permission rules.

Admins change everything; a team lead changes only their own team (never 'all teams');
the switchboard only reads. The CLI acts as an admin (whoever runs it owns the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callcenter.domain.errors import PermissionDenied

FORBIDDEN_DE = "Dafür fehlt Ihnen die Berechtigung."
FORBIDDEN_EN = "You are not allowed to do this."


class Role(StrEnum):
    ADMIN = "admin"
    TEAMLEAD = "teamlead"
    SWITCHBOARD = "switchboard"


ROLE_NAMES_DE = {
    Role.ADMIN: "Administration",
    Role.TEAMLEAD: "Teamleitung",
    Role.SWITCHBOARD: "Telefonzentrale",
}


@dataclass(frozen=True)
class Actor:
    """Who makes a change: `name` goes to the audit log ('web:anna', 'cli:root')."""

    name: str
    role: Role
    team: str | None = None

    @classmethod
    def admin(cls, name: str) -> Actor:
        return cls(name, Role.ADMIN)

    def has(self, *roles: Role) -> bool:
        return self.role in roles

    def may_change_team(self, team: str | None) -> bool:
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.TEAMLEAD and team is not None and team == self.team


def require_role(actor: Actor, *roles: Role) -> None:
    if not actor.has(*roles):
        raise PermissionDenied(FORBIDDEN_DE, FORBIDDEN_EN)


def require_team(actor: Actor, team: str | None) -> None:
    if not actor.may_change_team(team):
        raise PermissionDenied(FORBIDDEN_DE, FORBIDDEN_EN)


class Scope(StrEnum):
    """What an API token may do, whatever its user's role allows beyond that: `read`
    (everything that only reads), `closures` (closures and 'Bandansage heute'),
    `schedule` (call hours, holidays, special openings, pilots), `admin` (everything,
    including users, tokens and announcements)."""

    READ = "read"
    CLOSURES = "closures"
    SCHEDULE = "schedule"
    CALLBACKS = "callbacks"  # the team's callback worklist (numbers!) and "Anrufen"
    ADMIN = "admin"


SCOPE_NAMES_DE = {
    Scope.READ: "lesen",
    Scope.CLOSURES: "Schließtage und „Bandansage heute“",
    Scope.SCHEDULE: "Sprechzeiten, Feiertage, Sonderöffnungen, Pilotphasen",
    Scope.CALLBACKS: "Rückrufwünsche des eigenen Teams (mit Rufnummern) und „Anrufen“",
    Scope.ADMIN: "alles (auch Benutzer, Tokens, Ansagen)",
}


def scope_allows(granted: frozenset[Scope], needed: Scope) -> bool:
    """`admin` implies every scope; any other grants only itself."""
    return Scope.ADMIN in granted or needed in granted


def parse_scopes(text: str) -> frozenset[Scope]:
    """Scopes as stored ('closures read'); an unknown name is a stored error, ignored."""
    known = {scope.value: scope for scope in Scope}
    return frozenset(known[name] for name in text.split() if name in known)
