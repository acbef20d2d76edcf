"""Accounts, API tokens, login sessions and the overview's call counts, on SQLite and
PostgreSQL (the `seeded` engine of tests/integration/conftest.py runs on both)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, update

from callcenter.domain.access import Scope
from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.storage.audit import AuditRepository
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import session_scope
from callcenter.storage.errors import AlreadyExists, InvalidValue, NotFound
from callcenter.storage.models import ApiTokenRow, UserRow, WebSessionRow
from callcenter.storage.web_repository import (
    AccountRepository,
    Role,
    calls_between,
    digest,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
PASSWORD = "ein-langes-passwort"


@pytest.fixture
def accounts(seeded: Engine) -> Engine:
    with session_scope(seeded) as session:
        repository = AccountRepository(session)
        repository.add_user("alice", "admin", PASSWORD, None, "test", NOW)
        repository.add_user("tina", "teamlead", PASSWORD, "auslaender-a", "test", NOW)
    return seeded


def test_users_are_stored_with_an_argon2_hash_and_audited(accounts: Engine) -> None:
    with session_scope(accounts) as session:
        row = session.scalar(select(UserRow).where(UserRow.username == "tina"))
        assert row is not None
        assert row.password_hash.startswith("$argon2id$")
        assert PASSWORD not in row.password_hash
        assert row.team_id == "auslaender-a"
        entry = AuditRepository(session).list(1, "user")[0]
    assert entry.action == "add_user"
    assert entry.after == {
        "username": "tina",
        "role": "teamlead",
        "team": "auslaender-a",
        "disabled": False,
    }
    assert "hash" not in str(entry.after)


@pytest.mark.parametrize(
    ("username", "role", "password", "team", "error", "text"),
    [
        ("bob", "admin", "kurz", None, InvalidValue, "zu kurz"),
        ("bob smith", "admin", PASSWORD, None, InvalidValue, "kein gültiger Benutzername"),
        ("bob", "root", PASSWORD, None, InvalidValue, "unbekannte Rolle"),
        ("bob", "teamlead", PASSWORD, None, InvalidValue, "braucht ein Team"),
        ("bob", "admin", PASSWORD, "auslaender-a", InvalidValue, "Nur eine Teamleitung"),
        ("bob", "teamlead", PASSWORD, "nope", NotFound, "unbekanntes Team"),
        ("alice", "admin", PASSWORD, None, AlreadyExists, "gibt es schon"),
    ],
)
def test_invalid_users_are_refused_with_a_clear_message(
    accounts: Engine,
    username: str,
    role: str,
    password: str,
    team: str | None,
    error: type[Exception],
    text: str,
) -> None:
    with pytest.raises(error, match=text), session_scope(accounts) as session:
        AccountRepository(session).add_user(username, role, password, team, "test", NOW)


def test_login_verification(accounts: Engine) -> None:
    with session_scope(accounts) as session:
        repository = AccountRepository(session)
        account = repository.verify_login("tina", PASSWORD)
        assert account is not None
        assert (account.role, account.team) == (Role.TEAMLEAD, "auslaender-a")
        assert repository.verify_login("tina", "falsch-falsch") is None
        assert repository.verify_login("nobody", PASSWORD) is None
        repository.set_disabled("tina", True, "test", NOW)
        assert repository.verify_login("tina", PASSWORD) is None
        repository.set_disabled("tina", False, "test", NOW)
        assert repository.verify_login("tina", PASSWORD) is not None
        entries = AuditRepository(session).list(2, "user")
    assert [e.action for e in entries] == ["enable_user", "disable_user"]
    assert entries[1].before["disabled"] is False
    assert entries[1].after["disabled"] is True


def test_tokens_are_stored_hashed_shown_once_and_revocable(accounts: Engine) -> None:
    with session_scope(accounts) as session:
        secret = AccountRepository(session).create_token(
            "alice", "portal", "test", NOW, scopes=[Scope.READ]
        )
    assert secret.startswith("cc_")
    with session_scope(accounts) as session:
        row = session.scalar(select(ApiTokenRow))
        assert row is not None
        assert row.token_hash == digest(secret)
        assert secret not in row.token_hash
        found = AccountRepository(session).token_account(secret, NOW)
        assert found is not None
        assert found.account.username == "alice"
        assert found.token.name == "portal"
        assert found.token.granted == {Scope.READ}
        assert AccountRepository(session).token_account(secret + "x", NOW) is None
    with session_scope(accounts) as session:
        row = session.scalar(select(ApiTokenRow))
        assert row is not None
        assert row.last_used_at == NOW
        with pytest.raises(AlreadyExists):
            AccountRepository(session).create_token(
                "alice", "portal", "test", NOW, scopes=[Scope.READ]
            )
    with session_scope(accounts) as session:
        AccountRepository(session).revoke_token("portal", "test", NOW)
        assert AccountRepository(session).token_account(secret, NOW) is None
        with pytest.raises(NotFound):
            AccountRepository(session).revoke_token("portal", "test", NOW)
        listed = AccountRepository(session).list_tokens()
    assert [(t.name, t.username, t.revoked_at) for t in listed] == [("portal", "alice", NOW)]


def test_sessions_expire_end_and_are_swept(accounts: Engine) -> None:
    with session_scope(accounts) as session:
        repository = AccountRepository(session)
        alice = repository.get("alice")
        old_id, _ = repository.create_session(alice, "de", NOW - timedelta(hours=9), 480)
        session_id, csrf = repository.create_session(alice, "en", NOW, 480)
        assert len(csrf) >= 40
        found = repository.session_for(session_id, NOW + timedelta(minutes=479))
        assert found is not None
        assert (found.account.username, found.lang, found.csrf_token) == ("alice", "en", csrf)
        assert repository.session_for(session_id, NOW + timedelta(minutes=480)) is None
        # The expired one was swept when the new login was made.
        assert session.get(WebSessionRow, digest(old_id)) is None
        assert session.get(WebSessionRow, session_id) is None  # only the digest is stored
        repository.set_session_lang(session_id, "de")
        again = repository.session_for(session_id, NOW)
        assert again is not None
        assert again.lang == "de"
        repository.end_session(session_id)
        assert repository.session_for(session_id, NOW) is None


def test_a_new_password_or_a_lock_ends_all_sessions_of_the_user(accounts: Engine) -> None:
    with session_scope(accounts) as session:
        repository = AccountRepository(session)
        tina = repository.get("tina")
        first, _ = repository.create_session(tina, "de", NOW, 480)
        repository.set_password("tina", "noch-ein-passwort", "test", NOW)
        assert repository.session_for(first, NOW) is None
        second, _ = repository.create_session(tina, "de", NOW, 480)
        repository.set_disabled("tina", True, "test", NOW)
        assert repository.session_for(second, NOW) is None
        entry = AuditRepository(session).list(2, "user")[1]
    assert entry.action == "set_password"
    assert "noch-ein-passwort" not in str(entry.after)


def _call(linked: str, team: str, started: datetime, in_hours: bool | None) -> CallRecord:
    return CallRecord(
        linked_id=linked,
        team=team,
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller="pseudonym",
        started=started,
        outcome=Outcome.ANSWERED if in_hours else Outcome.ANNOUNCEMENT,
        in_hours=in_hours,
    )


def test_calls_between_counts_inside_outside_and_unknown(seeded: Engine) -> None:
    start = datetime(2026, 11, 23, tzinfo=BERLIN)
    end = start + timedelta(days=1)
    with session_scope(seeded) as session:
        CallRecordRepository(session).add_many(
            [
                _call("a1", "auslaender-a", start.replace(hour=9), True),
                _call("a2", "auslaender-a", start.replace(hour=10), True),
                _call("a3", "auslaender-a", start.replace(hour=13), False),
                _call("a4", "auslaender-a", start.replace(hour=14), None),
                _call("b1", "auslaender-b", start.replace(hour=8), True),
                _call("before", "auslaender-a", start - timedelta(seconds=1), True),
                _call("after", "auslaender-a", end, False),
            ]
        )
    with session_scope(seeded) as session:
        counts = calls_between(session, start, end)
    assert (counts["auslaender-a"].inside, counts["auslaender-a"].outside) == (2, 1)
    assert counts["auslaender-a"].unknown == 1
    assert counts["auslaender-a"].total == 4
    assert counts["auslaender-b"].inside == 1
    assert "zentrale" not in counts


def test_token_scopes_and_expiry_round_trip_and_expired_tokens_are_refused(
    accounts: Engine,
) -> None:
    expires = NOW + timedelta(days=30)
    with session_scope(accounts) as session:
        secret = AccountRepository(session).create_token(
            "alice",
            "portal",
            "test",
            NOW,
            scopes=[Scope.READ, Scope.CLOSURES],
            expires_at=expires,
        )
        with pytest.raises(InvalidValue):
            AccountRepository(session).create_token("alice", "none", "test", NOW, scopes=[])
        with pytest.raises(InvalidValue):
            AccountRepository(session).create_token(
                "alice", "old", "test", NOW, scopes=[Scope.READ], expires_at=NOW
            )
    with session_scope(accounts) as session:
        [token] = AccountRepository(session).list_tokens()
        assert token.granted == {Scope.READ, Scope.CLOSURES}
        assert token.expires_at == expires
        assert not token.legacy
        assert AccountRepository(session).token_account(secret, expires - timedelta(seconds=1))
        assert AccountRepository(session).token_account(secret, expires) is None
    with session_scope(accounts) as session:
        session.execute(update(ApiTokenRow).values(scopes=None, expires_at=None))
    with session_scope(accounts) as session:
        found = AccountRepository(session).token_account(secret, NOW + timedelta(days=400))
        assert found is not None
        assert found.token.legacy
        assert found.token.granted == {Scope.ADMIN}
