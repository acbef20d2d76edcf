"""`callcenter tally walk-ins`, in-process against a fresh SQLite data directory."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.cli import main

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            main(["--actor", "test:teamlead", *args])
        captured = capsys.readouterr()
        code = ended.value.code if isinstance(ended.value.code, int) else 0
        return code, captured.out, captured.err

    return run


def _rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return list(db.execute(sql))


def _walk_ins(tmp_path: Path) -> list[tuple[object, ...]]:
    return _rows(
        tmp_path,
        "SELECT team, day, hour, count, walk_ins FROM tally_entries ORDER BY team, day",
    )


def test_enter_replace_and_clear_a_days_walk_ins(cli, tmp_path: Path) -> None:
    code, out, err = cli(
        "tally", "walk-ins", "--team", "auslaender-a", "--day", "2026-09-07", "--count", "14"
    )
    assert code == 0, err
    assert out == (
        "auslaender-a 07.09.2026: Vorsprachen ohne Termin 14 (vorher –) / walk-ins 14 (before –)\n"
    )
    assert _walk_ins(tmp_path) == [("auslaender-a", "2026-09-07", None, 0, 14)]
    code, out, _ = cli(
        "tally", "walk-ins", "--team", "auslaender-a", "--day", "2026-09-07", "--count", "12"
    )
    assert code == 0
    assert "12 (vorher 14)" in out
    assert _walk_ins(tmp_path) == [("auslaender-a", "2026-09-07", None, 0, 12)]
    code, out, _ = cli(
        "tally", "walk-ins", "--team", "auslaender-a", "--day", "2026-09-07", "--count", "12"
    )
    assert out == "auslaender-a 07.09.2026: unverändert / unchanged (12)\n"
    code, out, _ = cli(
        "tally", "walk-ins", "--team", "auslaender-a", "--day", "2026-09-07", "--clear"
    )
    assert code == 0
    assert "Eintrag von Hand gelöscht (vorher 12)" in out
    assert _walk_ins(tmp_path) == []
    audit = _rows(
        tmp_path, "SELECT actor, action, entity_id FROM audit_log WHERE entity = 'walk_ins'"
    )
    assert audit == [
        ("test:teamlead", "set_walk_ins", "auslaender-a 2026-09-07"),
        ("test:teamlead", "set_walk_ins", "auslaender-a 2026-09-07"),
        ("test:teamlead", "clear_walk_ins", "auslaender-a 2026-09-07"),
    ]


def test_the_day_defaults_to_today_and_a_sheet_of_the_same_day_is_named(
    cli, tmp_path: Path
) -> None:
    before = datetime.now(BERLIN).date().isoformat()
    code, _, err = cli("tally", "walk-ins", "--team", "einbuergerung", "--count", "0")
    after = datetime.now(BERLIN).date().isoformat()
    assert code == 0, err
    ((team, day, _, _, walk_ins),) = _walk_ins(tmp_path)
    assert (team, walk_ins) == ("einbuergerung", 0)
    assert day in {before, after}  # the office's today (either side of a midnight)
    sheet = tmp_path / "vorsprachen.csv"
    sheet.write_text("datum;team;vorsprachen\n2026-09-07;auslaender-a;5\n", "utf-8")
    code, _, err = cli("import", "tally", str(sheet))
    assert code == 0, err
    code, out, _ = cli(
        "tally", "walk-ins", "--team", "auslaender-a", "--day", "2026-09-07", "--count", "2"
    )
    assert code == 0
    assert "Achtung: außerdem 5 in vorsprachen.csv Zeile 2; die Auswertung zählt 7" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--team", "nobody", "--count", "3"], "unbekanntes Team „nobody“"),
        (["--team", "auslaender-a", "--count", "-1"], "-1 is not in the range"),
        (["--team", "auslaender-a", "--count", "x"], "'x' is not a valid integer"),
        (["--team", "auslaender-a"], "--count N oder --clear angeben"),
        (["--team", "auslaender-a", "--count", "2", "--clear"], "--count N oder --clear"),
        (["--team", "auslaender-a", "--day", "2099-01-01", "--count", "1"], "in der Zukunft"),
        (["--team", "auslaender-a", "--day", "7.9.2026", "--count", "1"], "kein Datum"),
    ],
)
def test_bad_input_is_refused_with_one_clear_line(
    cli, tmp_path: Path, args: list[str], words: str
) -> None:
    code, _, err = cli("tally", "walk-ins", *args)
    assert code != 0
    assert words in err
    assert "Traceback" not in err
    if (tmp_path / "data" / "callcenter.sqlite3").exists():
        assert _walk_ins(tmp_path) == []
