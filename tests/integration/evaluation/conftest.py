"""The example configuration's office on SQLite and PostgreSQL, for the evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.config import Settings, example_config_text, parse_settings
from callcenter.storage.store import Store, open_store
from callcenter.usecases.schedule import seed_from_settings

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=BERLIN)
ACTOR = "test:evaluation"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    text = example_config_text().replace('url = ""', f'url = "{db_url}"', 1)
    path = tmp_path / "callcenter.toml"
    path.write_text(text, "utf-8")
    return parse_settings(text, path, data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings)
    seed_from_settings(store, ACTOR, NOW)
    try:
        yield store
    finally:
        store.close()
