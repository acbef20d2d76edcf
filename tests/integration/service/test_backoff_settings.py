"""The AMI reconnect and the record writer's retries are capped by the configuration.

With the old fixed caps (30 s each) a PBX restart or a database outage could leave the
service waiting half a minute after the other side was back. The caps are settings now,
with defaults of a few seconds; the client's and writer's own tests show the cap holds
(tests/integration/ami/test_ami_client.py::test_reconnect_backoff_grows_with_jitter,
tests/integration/writer/test_call_writer_outage.py); here: the settings reach them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from callcenter.bootstrap import ami_settings, record_writer
from callcenter.config import ConfigError, parse_settings
from callcenter.pbx.ami import AmiClient
from callcenter.storage.database import make_engine

MINIMAL = """
[[teams]]
id = "team-a"
name_de = "Team A"
hours = ["Mo-Fr 09:00-12:00"]
"""


def test_defaults_are_a_few_seconds() -> None:
    settings = parse_settings(MINIMAL, Path("office.toml"), environ={})
    assert settings.ami.reconnect_max_seconds == 5.0
    assert settings.database.retry_max_seconds == 5.0
    assert ami_settings(settings).reconnect_max == 5.0


def test_short_caps_reach_the_client_and_the_writer(tmp_path: Path) -> None:
    text = (
        "[ami]\nreconnect_initial_seconds = 0.05\nreconnect_max_seconds = 0.2\n"
        "[database]\nretry_seconds = 0.1\nretry_max_seconds = 0.3\n" + MINIMAL
    )
    settings = parse_settings(text, Path("office.toml"), environ={})
    client_settings = ami_settings(settings)
    assert (client_settings.reconnect_initial, client_settings.reconnect_max) == (0.05, 0.2)
    client = AmiClient(client_settings, rng=random.Random(1))
    delays = [client._backoff.next_delay() for _ in range(8)]
    assert max(delays) <= 0.2 * (1 + client_settings.reconnect_jitter)

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        assert record_writer(settings, engine).retry_max_seconds == 0.3
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "[ami]\nreconnect_initial_seconds = 2\nreconnect_max_seconds = 1\n",
            r"ami: .*reconnect_max_seconds",
        ),
        ("[database]\nretry_max_seconds = 0\n", r"database\.retry_max_seconds: "),
    ],
    ids=["ami-order", "database-zero"],
)
def test_bad_caps_name_the_key(extra: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=r"^office\.toml: " + expected):
        parse_settings(extra + MINIMAL, Path("office.toml"), environ={})
