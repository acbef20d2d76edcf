"""The commands end to end: import the real files, export, purge — and no raw caller number
anywhere: not in the exports, not in any table, not in the output or the logs."""

from __future__ import annotations

import csv
import json
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcenter.cli import main
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.privacy import load_or_create_key
from callcenter.storage.database import make_engine
from callcenter.storage.models import AuditRow, CallRecordRow

from .conftest import MASTER_CSV, QUEUE_LOG, TALLY_EXAMPLE, all_text, config_file


def _caller_numbers() -> set[str]:
    """Every caller number the recorded run dialled from, read straight from the files."""
    numbers: set[str] = set()
    with MASTER_CSV.open(newline="", encoding="utf-8") as master:
        for row in csv.reader(master):
            numbers.add(row[1])  # src
            numbers.update(re.findall(r"<(\d+)>", row[4]))  # clid
    for line in QUEUE_LOG.read_text("utf-8").splitlines():
        fields = line.split("|")
        if fields[4] == "ENTERQUEUE":
            numbers.add(fields[6])
    return {number for number in numbers if number}


CALLERS = _caller_numbers()


class Cli:
    def __init__(self, config: Path, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.config, self.data, self.capsys = config, data, capsys
        self.seen = ""

    def __call__(self, *args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            main(
                ["--config", str(self.config), "--data-dir", str(self.data), "--actor", "t", *args]
            )
        out, err = self.capsys.readouterr()
        self.seen += out + err
        code = ended.value.code if isinstance(ended.value.code, int) else 0
        return code, out, err


@pytest.fixture
def cli(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(config_file(tmp_path, db_url), tmp_path / "data", capsys)


def test_numbers_we_read_are_the_recorded_callers() -> None:
    # README: the scenarios with rows (01-03, 09, 12, 13, 15 with two callers, 16) and the
    # burst's 01709876001…020.
    assert "01701234501" in CALLERS
    assert "01709876020" in CALLERS
    assert len(CALLERS) == 9 + 20


def test_import_export_and_no_raw_number_anywhere(
    cli: Cli, tmp_path: Path, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, err = cli("import", "cdr", str(MASTER_CSV), "--timezone", "UTC")
    assert code == 0, err
    assert "47 gelesen / read; Anrufe / calls: 15 neu / new, 0 einem Live-Anruf" in out
    code, out, err = cli("import", "queue-log", str(QUEUE_LOG))
    assert code == 0, err
    # 26 queue calls; the 12 that have Master.csv rows are found by their ;2 leg's id
    # (queue_log's callid), the 14 others (no member rang: no CDR) are new.
    assert "75 gelesen / read; Anrufe / calls: 14 neu / new, 0 einem Live-Anruf" in out
    assert "12 Duplikate / duplicates, 0 abgewiesen / rejected" in out
    assert cli("import", "tally", str(TALLY_EXAMPLE))[0] == 0
    again = cli("import", "cdr", str(MASTER_CSV), "--timezone", "UTC")[1]
    assert "calls: 0 neu / new, 0 einem Live-Anruf" in again
    assert "15 Duplikate / duplicates" in again

    csv_file, jsonl_file = tmp_path / "calls.csv", tmp_path / "calls.jsonl"
    assert cli("calls", "export", "--format", "csv", "-o", str(csv_file))[0] == 0
    assert cli("calls", "export", "--format", "jsonl", "-o", str(jsonl_file))[0] == 0
    with csv_file.open(newline="", encoding="utf-8") as exported:
        csv_rows = list(csv.DictReader(exported))
    json_rows = [json.loads(line) for line in jsonl_file.read_text("utf-8").splitlines()]
    assert len(csv_rows) == len(json_rows) == 15 + 14
    assert [row["linked_id"] for row in csv_rows] == [row["linked_id"] for row in json_rows]
    key = load_or_create_key(tmp_path / "data" / "pseudonym.key")
    pseudonyms = {Pseudonymizer(key).caller(number) for number in CALLERS}
    assert {row["caller"] for row in json_rows} <= pseudonyms
    assert Pseudonymizer(key).caller("01701234501") in {row["caller"] for row in csv_rows}

    engine = make_engine(db_url)
    try:
        database = all_text(engine)
        with engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(CallRecordRow))
            imports = connection.scalar(
                select(func.count()).select_from(AuditRow).where(AuditRow.entity == "import")
            )
    finally:
        engine.dispose()
    assert stored == 15 + 14
    assert imports == 4
    exports = csv_file.read_text("utf-8") + jsonl_file.read_text("utf-8")
    logs = "\n".join(record.getMessage() for record in caplog.records)
    for number in CALLERS:
        for where, text in (
            ("export", exports),
            ("database", database),
            ("output", cli.seen),
            ("logs", logs),
        ):
            assert number not in text, f"raw caller number {number} in the {where}"


def test_export_filters_by_day_and_team_and_streams_to_stdout(cli: Cli) -> None:
    cli("import", "queue-log", str(QUEUE_LOG))
    code, out, err = cli(
        "calls",
        "export",
        "--format",
        "jsonl",
        "--from",
        "2026-11-21",
        "--to",
        "2026-11-21",
        "--team",
        "auslaender-a",
    )
    assert code == 0, err
    assert len(out.splitlines()) == 26
    assert "26 Anrufe exportiert" in err
    assert cli("calls", "export", "--format", "csv", "--to", "2026-11-20")[1].splitlines() == [
        ",".join(
            [
                "linked_id",
                "team",
                "line_kind",
                "dialled",
                "caller",
                "started",
                "answered",
                "ended",
                "outcome",
                "state_at_arrival",
                "reason_at_arrival",
                "source",
                "in_hours",
                "wait_seconds",
                "talk_seconds",
                "answered_by",
                "pilot",
                "complete",
            ]
        )
    ]
    assert cli("calls", "export", "--format", "csv", "--team", "auslaender-b")[2].startswith("0 ")
    code, _, err = cli("calls", "export", "--format", "csv", "--team", "nobody")
    assert code == 1
    assert "nobody" in err


def test_purge_command_dry_run_then_real(cli: Cli) -> None:
    cli("import", "queue-log", str(QUEUE_LOG))
    # The example configuration keeps 90 days; the recording is from 2026-11-21, so
    # everything is younger than that today only if today is before 2027-02-19.
    code, out, _ = cli("purge", "--dry-run")
    assert code == 0
    assert "würden bereinigt / would be cleared" in out
    code, out, _ = cli("purge")
    assert code == 0
    assert "bereinigt / cleared" in out


def test_broken_file_gives_one_error_line_in_the_chosen_language(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "Master.csv"
    broken.write_text('"","0170","06151100"\n', "utf-8")
    code, _, err = cli("import", "cdr", str(broken))
    assert code == 1
    assert err.splitlines()[-1].startswith(
        f"Fehler: Import abgelehnt, nichts gespeichert: {broken}, Zeile 1: 3 Spalten"
    )
    code, _, err = cli("--lang", "en", "import", "cdr", str(broken))
    assert err.splitlines()[-1].startswith(
        f"Fehler: import refused, nothing was written: {broken}, line 1: 3 columns"
    )
