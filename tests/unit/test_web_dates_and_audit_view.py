"""German date fields (dd.mm.yyyy and ISO read alike) and the audit log's wording: actors in
words, local times, windows per weekday, no phone numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.domain.audit import AuditEntry
from callcenter.web import audit_view
from callcenter.web.actor_names import actor_label
from callcenter.web.forms import german_date, to_date

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("07.12.2026", date(2026, 12, 7)),
        ("7.1.2027", date(2027, 1, 7)),
        ("2026-12-07", date(2026, 12, 7)),
    ],
)
def test_german_and_iso_dates_are_read(typed: str, day: date) -> None:
    assert to_date(typed) == day


@pytest.mark.parametrize("typed", ["12/07/2026", "31.02.2026", "2026-2-7", "07.12.26", "", "heute"])
def test_other_dates_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        to_date(typed)


def test_fields_show_dates_the_german_way_and_keep_other_text() -> None:
    assert german_date("2026-12-07") == "07.12.2026"
    assert german_date(date(2026, 1, 5)) == "05.01.2026"
    assert german_date("12/07/2026") == "12/07/2026"
    assert german_date("") == ""


@pytest.mark.parametrize(
    ("actor", "de", "en"),
    [
        ("cli:root", "Kommandozeile (root)", "Command line (root)"),
        ("web:anna", "anna", "anna"),
        ("api:portal", "API-Token „portal“", "API token 'portal'"),
        ("test-seed", "System (test-seed)", "System (test-seed)"),
    ],
)
def test_actors_in_words(actor: str, de: str, en: str) -> None:
    assert actor_label(actor, "de") == de
    assert actor_label(actor, "en") == en


def _entry(action: str, entity: str, before: object, after: object) -> AuditEntry:
    return AuditEntry(
        1, datetime(2026, 12, 3, 23, tzinfo=UTC), "cli:root", action, entity, "a", before, after
    )


def test_a_closure_change_lists_fields_in_local_time_with_the_changed_ones_marked() -> None:
    before = {"team": "a", "end": "2026-12-08T23:00:00+00:00", "note": "Anruf 0171 2345678"}
    after = {**before, "end": "2026-12-09T12:30:00+00:00"}
    shown = audit_view.view(_entry("change_closure", "closure", before, after), BERLIN, "de")
    assert shown.at == "Fr 04.12.2026 00:00"
    assert shown.action == "Schließung geändert"
    assert shown.actor == "Kommandozeile (root)"
    by_label = {f.label: f for f in shown.fields}
    assert by_label["Ende"] == audit_view.FieldChange(
        "Ende", "Mi 09.12.2026 00:00", "Mi 09.12.2026 13:30", True
    )
    assert not by_label["Team"].changed
    assert by_label["Vermerk"].before == f"Anruf {audit_view.MASK}"


def test_windows_read_per_weekday() -> None:
    before = [{"weekday": 0, "start": "09:00", "end": "12:00"}]
    after = [*before, {"weekday": 0, "start": "14:00", "end": "16:00"}]
    fields = audit_view.field_changes(_entry("set_windows", "team", before, after), BERLIN, "de")
    monday = next(f for f in fields if f.label == "Montag")
    assert (monday.before, monday.after, monday.changed) == (
        "09:00–12:00",
        "09:00–12:00, 14:00–16:00",
        True,
    )
    assert not next(f for f in fields if f.label == "Dienstag").changed


def test_dates_and_times_are_not_taken_for_phone_numbers() -> None:
    assert (
        audit_view.mask_numbers("2026-12-07 bis 07.12.2026 10:00")
        == "2026-12-07 bis 07.12.2026 10:00"
    )
    assert audit_view.mask_numbers("Rückruf +49 171 2345678") == f"Rückruf {audit_view.MASK}"
