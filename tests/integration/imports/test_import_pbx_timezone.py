"""`[pbx] timezone` (default UTC) in `import cdr`, `--timezone` over it, a wrong zone made
visible: the import reports the hour shift against the live records of the same calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from recordings import ASTERISK22

from callcenter.config import parse_settings
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.tracker import CallTracker
from callcenter.privacy import load_or_create_key
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

from ..tracker.trace_support import events_of
from .conftest import NOW, config_file
from .test_export_privacy import Cli

MASTER_017 = ASTERISK22 / "groups" / "017" / "Master.csv"


@pytest.fixture
def cli(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(config_file(tmp_path, db_url), tmp_path / "data", capsys)


def with_pbx_zone(cli: Cli, zone: str) -> None:
    text = cli.config.read_text("utf-8")
    assert '\ntimezone = "UTC"\n' in text  # [pbx]; the office's zone is Europe/Berlin
    cli.config.write_text(text.replace('\ntimezone = "UTC"\n', f'\ntimezone = "{zone}"\n'), "utf-8")


def store_live_017(cli: Cli) -> None:
    """The live log of recording 017, as the service with this configuration writes it."""
    settings = parse_settings(cli.config.read_text("utf-8"), cli.config, data_dir=cli.data)
    key = load_or_create_key(settings.key_file)
    store = open_store(settings)
    try:
        seed_from_settings(store, "t", NOW)
        tracker = CallTracker(Pseudonymizer(key), OfficeCalendar(store.office()))
        records = tracker.feed_all(events_of("017_three_views_cdr_base"))
        with store.session() as session:
            CallRecordRepository(session).add_many(records)
    finally:
        store.close()


def test_help_states_the_default_zone(cli: Cli) -> None:
    code, out, _ = cli("import", "cdr", "--help")
    assert code == 0
    text = " ".join(out.split())  # click wraps the lines
    assert "Die Zeiten der Datei gelten in [pbx] timezone (Standard: UTC)" in text
    assert "The file's times are read in [pbx] timezone (default: UTC)" in text
    assert "--timezone" in text


def test_the_configured_zone_fits_and_a_wrong_one_shows_its_hours(cli: Cli) -> None:
    store_live_017(cli)
    # The recording box ran in UTC: the default reads it right.
    code, out, err = cli("import", "cdr", str(MASTER_017))
    assert code == 0, err
    # c5 dialled 061511109, a number the example office does not have: no team's call.
    assert "0 neu / new, 7 einem Live-Anruf zugeordnet / matched to a live call" in out
    assert "1 ignoriert / ignored" in out
    assert "Zeitzone passt" in out
    assert "WARNUNG" not in err
    # --timezone overrides it: read as Berlin wall time, the file lies an hour early.
    code, out, err = cli("import", "cdr", str(MASTER_017), "--timezone", "Europe/Berlin")
    assert code == 0, err
    assert "0 neu / new, 7 einem Live-Anruf" in out
    assert "WARNUNG: die Zeiten der Datei liegen -1 h neben denen von 7 Live-Anrufen" in err


def test_the_configured_zone_is_used_without_the_option(cli: Cli) -> None:
    with_pbx_zone(cli, "Asia/Tokyo")
    store_live_017(cli)
    code, _out, err = cli("import", "cdr", str(MASTER_017))
    assert code == 0, err
    assert "-9 h" in err  # Tokyo wall time 15:45 is 06:45 UTC
