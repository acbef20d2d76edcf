"""The announcement inside a date-range variant of the week (issue 18) names the variant's
hours and its next opening; a window ending at 24:00 is spoken as midnight."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from prompts_support import EXAMPLE, local, schedule

from callcenter.domain.schedule import Reason, TeamSchedule, WeekVariant, windows_from_spec
from callcenter.prompts.templates import load_template
from callcenter.prompts.text import Contact, announcement_text

SUMMER = WeekVariant(
    "Sommerzeiten",
    date(2025, 7, 1),
    date(2025, 8, 31),
    windows_from_spec("Mo-Fr 08:00-11:00") + windows_from_spec("Sa 20:00-24:00"),
)


def _schedule() -> TeamSchedule:
    base = schedule(*EXAMPLE)
    return replace(base, team=replace(base.team, variants=(SUMMER,)))


def test_inside_the_variant_the_announcement_names_its_hours_and_next_opening() -> None:
    text = announcement_text(
        _schedule(), Reason.HOURS, load_template("de"), local(2025, 7, 3, 18), Contact()
    )
    assert "Montag bis Freitag von 8 bis 11 Uhr" in text
    assert "von 20 bis 24 Uhr" in text
    assert "Ab morgen, 8 Uhr" in text
    english = announcement_text(
        _schedule(), Reason.HOURS, load_template("en"), local(2025, 7, 3, 18), Contact()
    )
    assert "12 midnight" in english


def test_before_the_variant_the_base_week_is_announced() -> None:
    text = announcement_text(
        _schedule(), Reason.HOURS, load_template("de"), local(2025, 6, 26, 18), Contact()
    )
    assert "Montag bis Donnerstag von 9 bis 12 Uhr" in text
    assert "8 bis 11" not in text
