"""Issue 17 point 4 in the CLI: --public-reason (checked against the templates' keys),
--note as the internal note, --note-on-board; for 'closure add', '--today' and 'change'."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 4, 10, 28, 30, tzinfo=BERLIN)


@pytest.fixture
def cli_now() -> datetime:
    return NOW


def _closures(tmp_path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return list(
            db.execute(
                "SELECT id, note, public_reason, note_on_board FROM closures "
                "WHERE note NOT LIKE '%Dienststelle geschlossen' ORDER BY id"  # not the seeded
            )
        )


def test_the_help_names_the_reasons_and_calls_the_note_internal(cli) -> None:
    for command in (("closure", "add"), ("closure", "change")):
        shown = cli(*command, "--help")
        flat = " ".join(shown.out.split())
        assert "--public-reason KEY" in flat
        assert "organisational, training, staff_meeting, technical" in flat
        assert "Vermerk (intern, nie angesagt)" in flat
        assert "--note-on-board" in flat


def test_bandansage_heute_and_a_change_store_reason_and_board_flag(cli, tmp_path: Path) -> None:
    today = cli(
        "closure",
        "add",
        "--team",
        "auslaender-a",
        "--today",
        "--public-reason",
        "staff_meeting",
        "--note",
        "Frau X krank",
    )
    assert today.code == 0, today.err
    assert "[staff_meeting] Frau X krank" in today.out
    ((closure_id, *stored),) = _closures(tmp_path)
    assert stored == ["Frau X krank", "staff_meeting", 0]
    changed = cli(
        "closure", "change", str(closure_id), "--public-reason", "training", "--note-on-board"
    )
    assert changed.code == 0, changed.err
    assert _closures(tmp_path) == [(closure_id, "Frau X krank", "training", 1)]
    off = cli("closure", "change", str(closure_id), "--note-off-board")
    assert off.code == 0, off.err
    assert _closures(tmp_path)[0][3] == 0
    listed = cli("closure", "list")
    assert "[training] Frau X krank" in listed.out


def test_an_unknown_public_reason_is_refused_naming_the_allowed_keys(cli, tmp_path: Path) -> None:
    refused = cli(
        "closure",
        "add",
        "--team",
        "auslaender-a",
        "--from",
        "2026-12-07",
        "--public-reason",
        "personalengpass",
    )
    assert refused.code == 1
    assert "„personalengpass“ ist unbekannt" in refused.err
    assert "organisational, training, staff_meeting, technical" in refused.err
    assert _closures(tmp_path) == []
    added = cli(
        "closure", "add", "--team", "auslaender-a", "--from", "2026-12-07",
        "--public-reason", "technical", "--note-on-board", "--note", "Umzug",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert [row[1:] for row in _closures(tmp_path)] == [("Umzug", "technical", 1)]
