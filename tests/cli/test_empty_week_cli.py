"""Issue 17 point 5 in the CLI: 'hours set TEAM --none' closes a team for good and so needs
--force; without it nothing changes and the message says what would happen."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def _set_windows(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return len(list(db.execute("SELECT id FROM audit_log WHERE action = 'set_windows'")))


def test_an_empty_week_needs_force(cli, tmp_path: Path) -> None:
    refused = cli("hours", "set", "einbuergerung", "--none")
    assert refused.code == 1
    assert "dauerhaft geschlossen" in refused.err
    assert "--force" in refused.err
    assert _set_windows(tmp_path) == 0
    assert "keine Sprechzeiten" not in cli("hours", "show", "einbuergerung").out

    forced = cli("hours", "set", "einbuergerung", "--none", "--force")
    assert forced.code == 0, forced.err
    assert _set_windows(tmp_path) == 1
    assert "keine Sprechzeiten" in cli("hours", "show", "einbuergerung").out
    state = json.loads(cli("state", "--team", "einbuergerung", "--at", "2026-12-03T10:00").out)
    assert (state["state"], state["reason"]) == ("closed", "hours")
    # Already empty: saving it again changes nothing and needs no confirmation.
    assert cli("hours", "set", "einbuergerung", "--none").code == 0


def test_windows_need_no_force_and_the_help_explains_it(cli) -> None:
    assert cli("hours", "set", "einbuergerung", "Mo 09:00-12:00").code == 0
    flat = " ".join(cli("hours", "set", "--help").out.split())
    assert "--force" in flat
    assert "dauerhaft geschlossen" in flat
