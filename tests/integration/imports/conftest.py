"""An office like the example configuration on SQLite and PostgreSQL, plus the real files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from recordings import ASTERISK22
from sqlalchemy import Engine, MetaData, select

from callcenter.config import Settings, example_config_text, parse_settings
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.imports.common import CallImportSetup
from callcenter.privacy import load_or_create_key
from callcenter.storage.models import Base
from callcenter.storage.store import Store, open_store
from callcenter.usecases.schedule import seed_from_settings

REPO = Path(__file__).resolve().parents[3]
TRACES = ASTERISK22
MASTER_CSV = TRACES / "Master.csv"
QUEUE_LOG = TRACES / "queue_log"
TALLY_EXAMPLE = REPO / "pilot_data" / "tally_example.csv"
# The recording box ran in UTC, so its cdr_csv wrote UTC wall times (README of the traces).
TRACE_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
ACTOR = "test:import"


def config_file(tmp_path: Path, db_url: str) -> Path:
    """The example configuration, pointed at the test database."""
    text = example_config_text().replace('url = ""', f'url = "{db_url}"', 1)
    path = tmp_path / "callcenter.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    path = config_file(tmp_path, db_url)
    return parse_settings(path.read_text("utf-8"), path, data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings)
    seed_from_settings(store, ACTOR, NOW)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def key(settings: Settings) -> bytes:
    return load_or_create_key(settings.key_file)


@pytest.fixture
def setup(store: Store, settings: Settings, key: bytes) -> CallImportSetup:
    office = store.office()
    return CallImportSetup(
        plan=LinePlan(office, settings.switchboard.numbers, settings.switchboard.queue),
        pseudonyms=Pseudonymizer(key),
        calendar=OfficeCalendar(office),
    )


Dump = Callable[[], dict[str, list[tuple[object, ...]]]]


@pytest.fixture
def dump(store: Store) -> Dump:
    """Every row of every table (as the models know them), to compare or to grep."""

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        with store.engine.connect() as connection:
            return {
                name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for name, table in Base.metadata.tables.items()
            }

    return snapshot


def all_text(engine: Engine) -> str:
    """Every cell of every table in the database (also tables the models do not know)."""
    metadata = MetaData()
    metadata.reflect(engine)
    cells: list[str] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                cells.extend(repr(value) for value in row)
    return "\n".join(cells)
