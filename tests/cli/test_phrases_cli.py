"""`callcenter prompts phrases`: the office's phrases from the command line, through the same
use case as the announcements page (validation and audit once)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def phrase_audits(tmp_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return list(
            db.execute(
                "SELECT actor, before, after FROM audit_log WHERE action = 'save_phrases' "
                "ORDER BY id"
            )
        )


def test_show_lists_the_configured_phrases(cli) -> None:
    result = cli("prompts", "phrases")
    assert result.code == 0, result.err
    assert "Web-Adresse für Termine / Web address for appointments: www." in result.out
    assert "Kontakt-E-Mail / Contact e-mail: " in result.out


def test_set_one_phrase_keeps_the_other_and_is_audited(cli, tmp_path: Path) -> None:
    before = cli("prompts", "phrases").out
    url_line = next(line for line in before.splitlines() if "Web-Adresse" in line)
    result = cli("prompts", "phrases", "--email", "  info@stadt.de ")
    assert result.code == 0, result.err
    assert "gespeichert / saved" in result.out
    assert "Contact e-mail: info@stadt.de" in result.out
    assert url_line in result.out
    ((actor, old, new),) = phrase_audits(tmp_path)
    assert actor == "test:admin"
    assert "info@stadt.de" in new
    assert "info@stadt.de" not in old
    again = cli("prompts", "phrases", "--email", "info@stadt.de")
    assert "unverändert / unchanged" in again.out
    assert len(phrase_audits(tmp_path)) == 1


def test_an_invalid_address_names_the_field_and_saves_nothing(cli, tmp_path: Path) -> None:
    result = cli("prompts", "phrases", "--url", "keine adresse", "--email", "a@b.de")
    assert result.code == 1
    assert "Web-Adresse für Termine" in result.err
    assert "keine adresse" in result.err
    assert phrase_audits(tmp_path) == []
    assert "a@b.de" not in cli("prompts", "phrases").out
