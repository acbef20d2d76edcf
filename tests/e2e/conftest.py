"""Fixtures of the end-to-end tests: announcements rendered once per session, PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import running_cluster
from support import PRERENDER_AT, PgCluster, example_office, example_settings

from callcenter.usecases.prompts import render_announcements


@pytest.fixture(scope="session")
def sounds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One announcement folder for the session's services: espeak-ng and sox run once per
    text, not once per service start (their CPU would compete with the tests' traffic)."""
    root = tmp_path_factory.mktemp("e2e-data")
    settings = example_settings(root)
    settings = settings.model_copy(
        update={"prompts": settings.prompts.model_copy(update={"sounds_dir": root / "sounds"})}
    )
    asyncio.run(render_announcements(settings, example_office(settings), PRERENDER_AT))
    return root / "sounds"


@pytest.fixture
def pg() -> Iterator[PgCluster]:
    """A PostgreSQL server of this test alone (it may be stopped for an outage)."""
    with running_cluster("callcenter-e2e-pg-") as server:
        yield server
