"""`callcenter hours variant` (issue 18): add, list, change and delete a period with its own
call hours, German messages first, refused overlaps and past dates."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest


@pytest.fixture
def cli_now() -> datetime:
    return datetime(2026, 12, 4, 16, 28, tzinfo=ZoneInfo("Europe/Berlin"))


def test_add_list_change_delete_a_variant(cli: Any) -> None:
    added = cli(
        "hours", "variant", "add", "auslaender-a", "Sommerzeiten", "2027-07-01", "2027-08-31",
        "Mo-Fr 08:00-12:00", "Fr 20:00-24:00",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "Sommerzeiten 01.07.2027–31.08.2027" in added.out
    assert "Fr 20:00–24:00" in added.out
    listed = cli("hours", "variant", "list", "auslaender-a")
    assert "Mo 08:00–12:00" in listed.out
    variant_id = listed.out.split()[0].lstrip("#")
    shown = cli("hours", "show", "auslaender-a")
    assert "Sommerzeiten" in shown.out
    overlapping = cli(
        "hours", "variant", "add", "auslaender-a", "August", "2027-08-01", "2027-08-15"
    )
    assert overlapping.code != 0
    assert "überschneidet sich" in overlapping.err
    changed = cli("hours", "variant", "set", variant_id, "--last", "2027-08-15")
    assert changed.code == 0, changed.err
    assert "01.07.2027–15.08.2027" in changed.out
    deleted = cli("hours", "variant", "delete", variant_id)
    assert deleted.code == 0, deleted.err
    assert "keine Zeiträume" in cli("hours", "variant", "list", "auslaender-a").out


def test_a_variant_in_the_past_is_refused(cli: Any) -> None:
    refused = cli("hours", "variant", "add", "auslaender-a", "Herbst", "2026-10-01", "2026-12-31")
    assert refused.code != 0
    assert "liegt vor heute" in refused.err
