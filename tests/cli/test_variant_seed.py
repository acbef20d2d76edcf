"""Date-range variants ("Sommerzeiten") seeded from the configuration file: stored like the
ones the CLI and the web add, and a broken one named by its key before anything is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from callcenter.config import example_config_text

VARIANT = """
[[teams.variants]]
name = "Sommerzeiten"
first_day = 2027-07-05
last_day = 2027-08-13
hours = ["Mo-Fr 08:00-11:00", "Do 14:00-16:00"]
"""


def config_with(tmp_path: Path, variant: str) -> Path:
    # The first team of the example config gets the variant (its table ends at the 2nd [[teams]]).
    text = example_config_text()
    first, second = text.split("[[teams]]", 2)[1:]
    config = tmp_path / "office.toml"
    config.write_text(text.replace(f"[[teams]]{second}", f"{variant}\n[[teams]]{second}", 1))
    assert "[[teams]]" + first in config.read_text()
    return config


def test_a_variant_in_the_file_is_seeded_and_routes_its_dates(cli: Any, tmp_path: Path) -> None:
    config = config_with(tmp_path, VARIANT)
    listed = cli("--config", str(config), "hours", "variant", "list", "auslaender-a")
    assert listed.code == 0, listed.err
    assert "Sommerzeiten 05.07.2027–13.08.2027" in listed.out
    assert "Do 14:00–16:00" in listed.out
    # Thursday 11:30: the base week is open (09–12), the variant is not (08–11).
    state = cli("--config", str(config), "state", "--team", "auslaender-a",
                "--at", "2027-07-08T11:30")  # fmt: skip
    assert '"state": "closed"' in state.out
    base = cli("--config", str(config), "state", "--team", "auslaender-a",
               "--at", "2027-09-09T11:30")  # fmt: skip
    assert '"state": "open"' in base.out


def test_a_variant_ending_before_it_starts_is_named_and_nothing_is_seeded(
    cli: Any, tmp_path: Path
) -> None:
    config = config_with(tmp_path, VARIANT.replace("2027-08-13", "2027-06-01"))
    result = cli("--config", str(config), "hours", "variant", "list", "auslaender-a")
    assert result.code != 0
    assert "teams[0] (auslaender-a).variants[0]" in result.err
    assert str(config) in result.err
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM teams").fetchone() == (0,)
