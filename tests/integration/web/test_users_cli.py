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
