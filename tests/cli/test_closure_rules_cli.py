"""Issue 15 in the CLI: the past is read-only (closures), tally sheets by content. The clock
is fixed at Friday 2026-12-04 16:28:30 (CliContext.now), the database is a fresh SQLite."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 4, 16, 28, 30, tzinfo=BERLIN)


@pytest.fixture
def cli_now() -> datetime:
    return NOW


def _db(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return list(db.execute(sql))


def _closures(tmp_path: Path) -> list[tuple[object, ...]]:
    return _db(
        tmp_path,
        "SELECT id, team_id, starts_at, ends_at, note FROM closures "
        "WHERE note NOT LIKE '%Dienststelle geschlossen' ORDER BY id",  # not the seeded
    )


def test_a_closure_from_2026_to_2099_is_refused(cli, tmp_path: Path) -> None:
    result = cli(
        "closure", "add", "--team", "auslaender-a", "--from", "2026-01-01", "--to", "2099-12-31"
    )
    assert result.code == 1
    assert "Beginn 01.01.2026 00:00 liegt vor jetzt (04.12.2026 16:28)" in result.err
    assert _closures(tmp_path) == []
    long = cli(
        "closure", "add", "--team", "auslaender-a", "--from", "2026-12-04", "--to", "2099-12-31"
    )
    assert long.code == 1
    assert "--confirm-long" in long.err
    assert _closures(tmp_path) == []
    confirmed = cli(
        "closure",
        "add",
        "--team",
        "auslaender-a",
        "--from",
        "2026-12-04",
        "--to",
        "2099-12-31",
        "--confirm-long",
    )
    assert confirmed.code == 0, confirmed.err
    assert "Fr 04.12.2026 16:28 bis" in confirmed.out


def test_bandansage_heute_at_16_28_is_stored_from_16_28(cli, tmp_path: Path) -> None:
    result = cli("closure", "add", "--team", "auslaender-a", "--today", "--note", "Krank")
    assert result.code == 0, result.err
    [(_id, team, start, end, note)] = _closures(tmp_path)
    assert (team, note) == ("auslaender-a", "Krank")
    assert datetime.fromisoformat(str(start)).astimezone(BERLIN) == datetime(
        2026, 12, 4, 16, 28, tzinfo=BERLIN
    )
    assert datetime.fromisoformat(str(end)).astimezone(BERLIN) == datetime(
        2026, 12, 5, tzinfo=BERLIN
    )
    until = cli(
        "closure", "add", "--team", "auslaender-b", "--today", "--until", "17:30", "--note", "x"
    )
    assert until.code == 0, until.err
    assert "bis Fr 04.12.2026 17:30" in until.out


def test_future_closures_change_and_delete_running_ones_end_now(cli, tmp_path: Path) -> None:
    added = cli("closure", "add", "--team", "einbuergerung", "--from", "2026-12-14", "--note", "S")
    closure_id = added.out.split("#")[1].split()[0]
    not_started = cli("closure", "end", closure_id)
    assert not_started.code == 1
    assert "hat noch nicht begonnen (Beginn 14.12.2026 00:00)" in not_started.err
    changed = cli("closure", "change", closure_id, "--to", "2026-12-16T00:00", "--note", "Umzug")
    assert changed.code == 0, changed.err
    assert "bis Mi 16.12.2026 00:00 – Umzug" in changed.out
    assert cli("closure", "delete", closure_id).code == 0
    assert _closures(tmp_path) == []
    running = cli("closure", "add", "--team", "einbuergerung", "--today", "--note", "Krank")
    running_id = running.out.split("#")[1].split()[0]
    refused = cli("closure", "delete", running_id)
    assert refused.code == 1
    assert "jetzt beenden" in refused.err
    past = cli("closure", "end", running_id, "--at", "2026-12-04T12:00")
    assert past.code == 1
    assert "liegt vor jetzt" in past.err
    assert cli("closure", "end", running_id).code == 0
    actions = [
        row[0] for row in _db(tmp_path, "SELECT action FROM audit_log WHERE entity = 'closure'")
    ]
    assert actions == [
        "add_closure",
        "change_closure",
        "delete_closure",
        "add_closure",
        "end_closure",
    ]


SHEET = (
    "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen\n"
    "2026-09-07,09:10,auslaender-a,ja,ja\n"
    "2026-09-07,10:10,auslaender-a,ja,nein\n"
)


def test_tally_sheets_by_content_and_replace(cli, tmp_path: Path) -> None:
    first = tmp_path / "a" / "liste.csv"
    first.parent.mkdir()
    first.write_text(SHEET, "utf-8")
    assert cli("import", "tally", str(first)).code == 0
    copy = tmp_path / "kopie.csv"
    copy.write_text(SHEET, "utf-8")
    same = cli("import", "tally", str(copy))
    assert same.code == 0, same.err
    assert "unverändert – dieselbe Strichliste wurde schon als liste.csv importiert" in same.out
    other = tmp_path / "b" / "liste.csv"
    other.parent.mkdir()
    other.write_text(SHEET.replace("10:10,auslaender-a,ja,nein", "10:10,auslaender-a,ja,ja"))
    refused = cli("import", "tally", str(other))
    assert refused.code == 1
    assert f"Strichliste {other}, Zeile 2" in refused.err
    assert "Strichliste liste.csv, Zeile 2" in refused.err
    replaced = cli("import", "tally", str(other), "--replace")
    assert replaced.code == 0, replaced.err
    assert "2 Einträge aus liste.csv ersetzt (protokolliert)" in replaced.out
    answered = _db(tmp_path, "SELECT answered FROM tally_entries ORDER BY source_line")
    assert answered == [(1,), (1,)]
    actions = [row[0] for row in _db(tmp_path, "SELECT action FROM audit_log")]
    assert actions.count("replace_tally") == 1
