"""`callcenter report` in-process against a fresh SQLite data directory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.cli import main
from callcenter.config import load_settings
from callcenter.evaluation.synthetic import SyntheticParams
from callcenter.storage.store import open_store
from callcenter.usecases.pilot_data import load_synthetic_pilot_data
from callcenter.usecases.schedule import seed_from_settings


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.delenv("CALLCENTER_LANG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        with pytest.raises(SystemExit) as ended:
            main(["--actor", "test:admin", *args])
        captured = capsys.readouterr()
        code = ended.value.code if isinstance(ended.value.code, int) else 0
        return Run(code, captured.out, captured.err)

    return run


def test_without_calls_it_says_so_and_names_the_loader(cli, tmp_path: Path) -> None:
    result = cli("report")
    assert result.code == 1
    assert "keine Anrufe" in result.err
    assert "callcenter pilot-data load" in result.err
    assert not (tmp_path / "dashboards" / "index.html").exists()


def test_bad_arguments_are_refused_before_any_work(cli) -> None:
    result = cli("report", "--from", "2026-13-01")
    assert result.code == 2
    assert "JJJJ-MM-TT" in result.err
    result = cli("report", "--from", "2026-09-01", "--to", "2026-08-01")
    assert result.code == 2
    assert "--to liegt vor --from" in result.err
    result = cli("report", "--team", "no-such-team")
    assert result.code == 1
    assert "no-such-team" in result.err


def load_small_synthetic_data(data_dir: Path) -> int:
    settings = load_settings(None, environ={}, data_dir=data_dir)
    store = open_store(settings)
    try:
        seed_from_settings(store, "test:admin", datetime.now(UTC))
        return load_synthetic_pilot_data(store, replace(SyntheticParams(), scale=0.05), seed=7)
    finally:
        store.close()


def test_report_writes_the_site_and_the_pdf_from_the_database(cli, tmp_path: Path) -> None:
    assert load_small_synthetic_data(tmp_path / "data") > 1000
    result = cli("report", "--out", "site")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Berechne Kennzahlen …"
    assert "Schreibe Seite auslaender-a …" in lines
    assert "Schreibe Seite auslaender-a (en) …" in lines
    site = tmp_path / "site"
    assert lines[-1].startswith("Fertig in ")
    assert lines[-1].endswith(str((site / "index.html").resolve()))
    for team in ("auslaender-a", "auslaender-b", "einbuergerung", "aufenthalt-eu"):
        assert (site / f"team-{team}.html").is_file()
        assert (site / "en" / f"team-{team}.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Synthetische Beispieldaten" in index
    pilot = (site / "pilot.html").read_text(encoding="utf-8")
    assert "Pilotphase: " in pilot
    assert pilot.count("Plotly.newPlot(") >= 2
    assert (site / "pilot.pdf").read_bytes().startswith(b"%PDF-")


def test_report_for_chosen_teams_in_english_without_pdf(cli, tmp_path: Path) -> None:
    load_small_synthetic_data(tmp_path / "data")
    result = cli(
        "report", "--team", "auslaender-a", "--team", "auslaender-b", "--no-pdf", "--lang", "en"
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "Computing metrics …"
    site = tmp_path / "dashboards"  # the default, in the current directory
    assert result.out.splitlines()[-1].endswith(str((site / "index.html").resolve()))
    assert '<html lang="en">' in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "de" / "index.html").is_file()
    assert not (site / "pilot.pdf").exists()
    team_pages = sorted(page.name for page in site.glob("team-*.html"))
    assert team_pages == ["team-auslaender-a.html", "team-auslaender-b.html"]
