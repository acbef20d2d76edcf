"""Tally sheets by content and key, and walk-ins by hand, against in-memory repositories."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from usecase_fakes import BERLIN, GENERATED, FakeUnitOfWork

from callcenter.domain.access import Actor, Role
from callcenter.domain.errors import PermissionDenied
from callcenter.domain.tally import TallyEntry
from callcenter.usecases import tally
from callcenter.usecases.tally import TallyConflict, WalkInsRefused, sheet_identity

NOW = datetime(2026, 12, 4, 16, 28, tzinfo=BERLIN)
ADMIN = Actor.admin("cli:root")
MONDAY = date(2026, 9, 7)


def _entry(
    source: str,
    line: int,
    team: str = "auslaender-a",
    day: date = MONDAY,
    hour: int | None = 9,
    count: int = 1,
    walk_ins: int | None = None,
) -> TallyEntry:
    return TallyEntry(team, day, hour, True, True, count, source, line, walk_ins=walk_ins)


def _import(
    uow: FakeUnitOfWork, entries: list[TallyEntry], file: str, sheet: str, replace: bool = False
) -> tally.SheetImport:
    return tally.import_sheet(
        uow,
        ADMIN,
        entries,
        file=file,
        sheet=sheet,
        read=len(entries),
        ignored=0,
        now=NOW,
        replace=replace,
    )


def test_the_identity_is_the_content_and_the_team_filter_not_the_name() -> None:
    content = b"datum,uhrzeit\n2026-09-07,09:00\n"
    assert sheet_identity(content, None) == sheet_identity(bytes(content), None)
    assert sheet_identity(content, None) != sheet_identity(content + b"\n", None)
    assert sheet_identity(content, "auslaender-a") != sheet_identity(content, "auslaender-b")


def test_the_same_content_again_changes_nothing_and_says_under_which_name() -> None:
    uow = FakeUnitOfWork()
    _import(uow, [_entry("a.csv", 2), _entry("a.csv", 3, hour=10)], "a.csv", "h1")
    rows, audits = list(uow.tally.rows), len(uow.audit.entries)
    again = _import(uow, [_entry("b.csv", 2), _entry("b.csv", 3, hour=10)], "b.csv", "h1")
    assert (again.imported, again.duplicates, again.unchanged_as) == (0, 2, "a.csv")
    assert uow.tally.rows == rows
    assert len(uow.audit.entries) == audits


def test_a_different_sheet_touching_entries_is_refused_naming_both_and_the_first_line() -> None:
    uow = FakeUnitOfWork()
    _import(uow, [_entry("a.csv", 2, hour=9), _entry("a.csv", 3, hour=11)], "a.csv", "h1")
    rows = list(uow.tally.rows)
    incoming = [
        _entry("b.csv", 2, hour=8),  # an hour nobody entered: fine on its own
        _entry("b.csv", 3, hour=11),  # touches a.csv line 3
        _entry("b.csv", 4, hour=9),
    ]
    with pytest.raises(TallyConflict) as refused:
        _import(uow, incoming, "ordner/b.csv", "h2")
    assert refused.value.de.startswith(
        "Strichliste ordner/b.csv, Zeile 3 (Team auslaender-a, 07.09.2026, 11 Uhr) überschneidet "
        "sich mit der schon importierten Strichliste a.csv, Zeile 3"
    )
    assert "--replace" in refused.value.en
    assert uow.tally.rows == rows


def test_replace_removes_the_touched_entries_of_other_sheets_only_and_is_audited() -> None:
    uow = FakeUnitOfWork()
    _import(uow, [_entry("a.csv", 2, hour=9), _entry("a.csv", 3, hour=11)], "a.csv", "h1")
    _import(uow, [_entry("c.csv", 2, team="auslaender-b", hour=9)], "c.csv", "h3")
    result = _import(uow, [_entry("b.csv", 2, hour=9, count=4)], "b.csv", "h2", replace=True)
    assert (result.imported, result.replaced, result.replaced_sources) == (1, 1, ("a.csv",))
    kept = sorted((r.entry.source_file, r.entry.source_line) for r in uow.tally.rows)
    assert kept == [("a.csv", 3), ("b.csv", 2), ("c.csv", 2)]
    replaced = next(e for e in uow.audit.entries if e.action == "replace_tally")
    assert replaced.before == {"entries": 1, "sources": {"a.csv": 1}, "calls": 1, "walk_ins": 0}
    assert replaced.after == {"file": "b.csv", "entries": 1, "calls": 4, "walk_ins": 0}


def test_walk_ins_are_keyed_by_day_calls_by_hour() -> None:
    uow = FakeUnitOfWork()
    _import(uow, [_entry("a.csv", 2, hour=None, count=0, walk_ins=5)], "a.csv", "h1")
    # Calls of that day do not touch its walk-ins …
    calls = _import(uow, [_entry("b.csv", 2, hour=9)], "b.csv", "h2")
    assert calls.imported == 1
    # … walk-ins of that day on a call line do.
    with pytest.raises(TallyConflict, match="Vorsprachen"):
        _import(uow, [_entry("c.csv", 2, hour=14, walk_ins=2)], "c.csv", "h3")


def test_only_admins_import_sheets() -> None:
    lead = Actor("web:tl", Role.TEAMLEAD, "auslaender-a")
    with pytest.raises(PermissionDenied):
        _import_as(lead)


def _import_as(actor: Actor) -> None:
    tally.import_sheet(
        FakeUnitOfWork(), actor, [], file="x.csv", sheet="h", read=0, ignored=0, now=NOW
    )


def test_a_hand_entry_replaces_synthetic_walk_ins_and_reports_the_sheets() -> None:
    uow = FakeUnitOfWork()
    _import(uow, [_entry("a.csv", 2, hour=None, count=0, walk_ins=5)], "a.csv", "h1")
    uow.tally.add([_entry(f"{GENERATED}t1", 1, hour=None, count=0, walk_ins=9)], "gen")
    lead = Actor("web:tl", Role.TEAMLEAD, "auslaender-a")
    day = tally.set_walk_ins(uow, lead, "auslaender-a", MONDAY, 3, now=NOW, tz=BERLIN)
    assert (day.before, day.after, day.generated_removed, day.total) == (None, 3, 1, 8)
    assert [(s.source_file, s.walk_ins) for s in day.others] == [("a.csv", 5)]
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.entity_id, entry.after) == (
        "set_walk_ins",
        "auslaender-a 2026-09-07",
        {"walk_ins": 3, "synthetic_replaced": 1},
    )
    with pytest.raises(PermissionDenied):
        tally.set_walk_ins(uow, lead, "auslaender-b", MONDAY, 3, now=NOW, tz=BERLIN)
    with pytest.raises(WalkInsRefused, match="in der Zukunft"):
        tally.set_walk_ins(uow, lead, "auslaender-a", date(2026, 12, 5), 3, now=NOW, tz=BERLIN)
