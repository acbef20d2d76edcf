"""`callcenter users`: add, passwd, list, disable, token, revoke — in-process, on SQLite."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from callcenter.cli import main

from .conftest import make_settings


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))

    def run(*args: str, stdin: str = "") -> Run:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as ended:
            main(["--actor", "test:admin", *args])
        captured = capsys.readouterr()
        code = ended.value.code if isinstance(ended.value.code, int) else 0
        return Run(code, captured.out, captured.err)

    return run


def audit(tmp_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return list(
            db.execute(
                "SELECT actor, action, entity_id FROM audit_log WHERE "
                "entity IN ('user', 'api_token') ORDER BY id"
            )
        )


def test_users_life_cycle(cli, tmp_path: Path) -> None:
    added = cli(
        "users",
        "add",
        "tina",
        "--role",
        "teamlead",
        "--team",
        "auslaender-a",
        "--password-stdin",
        stdin="ein-sicheres-passwort\n",
    )
    assert added.code == 0, added.err
    assert "Benutzer tina angelegt (Teamleitung, Team auslaender-a)" in added.out
    token = cli("users", "token", "ticketsystem", "--user", "tina", "--scope", "closures")
    assert token.code == 0
    secret = token.out.strip()
    assert secret.startswith("cc_")
    assert "nur jetzt sichtbar" in token.err
    listed = cli("users", "list")
    assert "tina" in listed.out
    assert "teamlead" in listed.out
    assert "Token 'ticketsystem' (tina)" in listed.out
    assert secret not in listed.out
    assert cli("users", "passwd", "tina", "--password-stdin", stdin="noch-ein-passwort\n").code == 0
    assert cli("users", "disable", "tina").code == 0
    assert "gesperrt" in cli("users", "list").out
    assert cli("users", "revoke", "ticketsystem").code == 0
    assert [action for _actor, action, _id in audit(tmp_path)] == [
        "add_user",
        "add_api_token",
        "set_password",
        "disable_user",
        "revoke_api_token",
    ]
    assert {actor for actor, _action, _id in audit(tmp_path)} == {"test:admin"}
    # The password was stored as an argon2 hash only.
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        stored = db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "x", "--role", "admin", "--password-stdin"), "kurz\n", "zu kurz"),
        (
            ("users", "add", "x", "--role", "teamlead", "--password-stdin"),
            "lang-genug-123\n",
            "braucht ein Team",
        ),
        (
            ("users", "add", "x", "--role", "teamlead", "--team", "nope", "--password-stdin"),
            "lang-genug-123\n",
            "unbekanntes Team „nope“",
        ),
        (
            ("users", "passwd", "nobody", "--password-stdin"),
            "lang-genug-123\n",
            "Benutzer „nobody“ gibt es nicht",
        ),
        (("users", "token", "t", "--user", "nobody", "--scope", "read"), "", "gibt es nicht"),
    ],
)
def test_users_errors_are_one_clear_line(cli, args, stdin: str, message: str) -> None:
    result = cli(*args, stdin=stdin)
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err


def test_example_config_has_a_web_section() -> None:
    settings = make_settings(Path("/nonexistent"))
    assert settings.web.host == "127.0.0.1"
    assert settings.web.port == 8080
    assert settings.web.session_minutes == 480
    assert settings.web.secure_cookies == "auto"


def test_tokens_have_scopes_and_an_expiry_and_are_listed_and_revoked(cli, tmp_path: Path) -> None:
    added = cli("users", "add", "anna", "--role", "admin", "--password-stdin", stdin="x" * 12)
    assert added.code == 0, added.err
    unscoped = cli("users", "token", "portal", "--user", "anna")
    assert unscoped.code == 2
    assert "--scope" in unscoped.err
    wrong = cli("users", "token", "portal", "--user", "anna", "--scope", "everything")
    assert wrong.code == 2
    assert "read" in wrong.err
    assert "closures" in wrong.err
    made = cli(
        "users", "token", "portal", "--user", "anna", "--scope", "closures", "--scope", "read",
        "--expires", "2099-06-30",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert "scopes read closures" in made.err
    assert "gültig bis / valid until" in made.err
    assert "01.07.2099 00:00" in made.err
    default = cli("users", "token", "ticket", "--user", "anna", "--scope", "admin")
    assert default.code == 0, default.err
    past = cli(
        "users", "token", "late", "--user", "anna", "--scope", "read", "--expires", "2001-01-01"
    )
    assert past.code == 1
    assert "nicht in der Zukunft" in past.err
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        rows = dict(db.execute("SELECT name, scopes FROM api_tokens"))
    assert rows == {"portal": "read closures", "ticket": "admin"}
    listed = cli("users", "tokens").out
    assert "Token 'portal' (anna): Bereiche / scopes read closures; gültig bis" in listed
    assert "zuletzt benutzt / last used nie / never" in listed
    assert cli("users", "revoke", "portal").code == 0
    assert "Token 'portal' (anna): Bereiche / scopes read closures; widerrufen" in (
        cli("users", "tokens").out
    )
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        db.execute("UPDATE api_tokens SET scopes = NULL WHERE name = 'ticket'")
    assert "admin (altes Token ohne Bereiche / legacy token without scopes)" in (
        cli("users", "tokens").out
    )
    audit_after = [a for _actor, a, name in audit(tmp_path) if name == "portal"]
    assert audit_after == ["add_api_token", "revoke_api_token"]


def test_users_role_changes_role_and_team_and_keeps_the_last_admin(cli, tmp_path: Path) -> None:
    for name, role in (("anna", "admin"), ("tom", "switchboard")):
        added = cli("users", "add", name, "--role", role, "--password-stdin", stdin="x" * 12 + "\n")
        assert added.code == 0, added.err
    promoted = cli("users", "role", "tom", "--role", "teamlead", "--team", "auslaender-b")
    assert promoted.code == 0, promoted.err
    assert "tom: Teamleitung, Team auslaender-b" in promoted.out
    last = cli("users", "role", "anna", "--role", "switchboard")
    assert last.code != 0
    assert "letzte aktive Administration" in last.err
    assert audit(tmp_path)[-1] == ("test:admin", "set_role", "tom")
