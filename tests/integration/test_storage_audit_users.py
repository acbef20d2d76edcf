"""AuditRepository and the users of AccountRepository on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from callcenter.storage.audit import AuditRepository
from callcenter.storage.database import session_scope
from callcenter.storage.errors import AlreadyExists, NotFound
from callcenter.storage.models import UserRow
from callcenter.storage.web_repository import AccountRepository

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 2, 1, 10, 0, tzinfo=BERLIN)
PASSWORD = "ein-langes-passwort"
TEAM = "auslaender-a"  # a team of the seeded office


def test_audit_list_is_newest_first_limited_and_filtered(engine: Engine) -> None:
    with session_scope(engine) as session:
        audit = AuditRepository(session)
        for n in range(5):
            entity = "closure" if n % 2 else "team"
            audit.record(
                actor=f"a{n}",
                at=NOW + timedelta(minutes=n),
                action=f"{entity}.x",
                entity=entity,
                entity_id=str(n),
                before={"n": n - 1} if n else None,
                after={"n": n, "list": [1, "zwei", None], "umlaut": "Schließung"},
            )
    with session_scope(engine) as session:
        audit = AuditRepository(session)
        everything = audit.list()
        assert [e.actor for e in everything] == ["a4", "a3", "a2", "a1", "a0"]
        assert [e.actor for e in audit.list(limit=2)] == ["a4", "a3"]
        assert [e.entity_id for e in audit.list(entity="closure")] == ["3", "1"]
    oldest = everything[-1]
    assert oldest.before is None  # SQL NULL, not the JSON value null
    assert oldest.after == {"n": 0, "list": [1, "zwei", None], "umlaut": "Schließung"}
    assert oldest.at == NOW


def test_users_are_added_listed_and_audited_without_the_hash(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        users = AccountRepository(session)
        added = users.add_user("mueller", "admin", PASSWORD, None, "root", NOW)
        users.add_user("abel", "teamlead", "ein-anderes-passwort", TEAM, "root", NOW)
    assert added.id > 0
    assert added.created_at == NOW
    with session_scope(seeded) as session:
        users = AccountRepository(session)
        assert [u.username for u in users.list_users()] == ["abel", "mueller"]
        stored = users.get("mueller")
        password_hash = session.scalar(
            select(UserRow.password_hash).where(UserRow.username == "mueller")
        )
        # The stored hash is the one of mueller's password, not of abel's.
        logged_in = users.verify_login("mueller", PASSWORD)
        entries = AuditRepository(session).list(entity="user")
    assert stored == added
    assert password_hash is not None
    assert password_hash.startswith("$argon2id$")
    assert logged_in == added
    assert stored.disabled is False
    assert stored.created_at.utcoffset() == timedelta(0)
    assert [(e.action, e.entity_id, e.actor) for e in entries] == [
        ("add_user", "abel", "root"),
        ("add_user", "mueller", "root"),
    ]
    assert "hash" not in repr(entries)
    assert PASSWORD not in repr(entries)


def test_duplicate_username_is_refused_and_the_session_stays_usable(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        AccountRepository(session).add_user("mueller", "admin", PASSWORD, None, "root", NOW)
    with session_scope(seeded) as session:
        users = AccountRepository(session)
        with pytest.raises(AlreadyExists, match="Benutzer „mueller“ gibt es schon"):
            users.add_user("mueller", "teamlead", PASSWORD, TEAM, "root", NOW)
        users.add_user("schmidt", "switchboard", PASSWORD, None, "root", NOW)
    with session_scope(seeded) as session:
        users = AccountRepository(session)
        assert [(u.username, u.role) for u in users.list_users()] == [
            ("mueller", "admin"),
            ("schmidt", "switchboard"),
        ]
        assert len(AuditRepository(session).list(entity="user")) == 2


def test_unknown_user(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(NotFound) as raised:
        AccountRepository(session).get("nobody")
    assert str(raised.value) == "Benutzer „nobody“ gibt es nicht"
