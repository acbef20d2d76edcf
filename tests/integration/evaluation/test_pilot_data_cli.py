"""`callcenter pilot-data load|tally` in-process against a fresh SQLite data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from callcenter.cli import main

PILOT_DATA = Path(__file__).resolve().parents[3] / "pilot_data"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            main(["--actor", "test:admin", *args])
        captured = capsys.readouterr()
        code = ended.value.code if isinstance(ended.value.code, int) else 0
        return code, captured.out, captured.err

    return run


def _calls(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM call_records").fetchone()[0])


def test_load_prints_progress_and_is_repeatable(cli, tmp_path: Path) -> None:
    code, out, err = cli("pilot-data", "load", "--scale", "0.05", "--seed", "2")
    assert code == 0, err
    assert "Erzeuge synthetische Pilotdaten (Seed 2, Maßstab 0.05" in out
    assert "Anrufe gespeichert / calls stored" in out
    loaded = _calls(tmp_path)
    assert loaded > 1000
    assert f"{loaded:,}".replace(",", ".") in out
    code, out, _ = cli("pilot-data", "load", "--scale", "0.05", "--seed", "2")
    assert code == 0
    assert "schon geladen" in out
    assert _calls(tmp_path) == loaded


def test_parameter_file_and_bad_parameters(cli, tmp_path: Path) -> None:
    changed = tmp_path / "p.toml"
    text = (PILOT_DATA / "synthetic_params.toml").read_text("utf-8")
    changed.write_text(text.replace("scale = 1.0", "scale = 0.04"), "utf-8")
    code, out, err = cli("pilot-data", "load", "--params", str(changed))
    assert code == 0, err
    assert "Maßstab 0.04" in out
    broken = tmp_path / "broken.toml"
    broken.write_text("speed = 3\n", "utf-8")
    code, _, err = cli("pilot-data", "load", "--params", str(broken))
    assert code == 1
    assert "unbekannter Parameter „speed“" in err
    assert "Traceback" not in err


def test_tally_writes_the_shipped_sheet(cli, tmp_path: Path) -> None:
    out_file = tmp_path / "tally.csv"
    code, out, err = cli("pilot-data", "tally", "-o", str(out_file))
    assert code == 0, err
    assert out_file.read_text("utf-8") == (PILOT_DATA / "tally_synthetic.csv").read_text("utf-8")
    code, out, _ = cli("pilot-data", "tally", "--scale", "0.05", "-o", "-")
    assert code == 0
    assert out.startswith(
        "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen,notiz,anzahl,vorsprachen\n"
    )
    # Each working day of the two tally weeks ends with its walk-ins line.
    walk_in_lines = [line for line in out.splitlines() if line.split(",")[1:2] == [""]]
    assert len(walk_in_lines) == 10
