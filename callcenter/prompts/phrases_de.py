"""German: "Montag bis Donnerstag von 9 bis 12 Uhr und donnerstags zusätzlich von 14 bis 17 Uhr"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from callcenter.domain.timeparse import END_OF_DAY, WEEKDAY_NAMES_DE
from callcenter.prompts.grouping import HoursGroup, day_items, is_every_day
from callcenter.prompts.phrasing import join

# Days that come on top of ones already named read as habits: "donnerstags zusätzlich".
_ADVERBS = ("montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags")
_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def clock(at: time) -> str:
    """'9', '17:30' — the word 'Uhr' is added once per span, after its end; an end at
    midnight is '24'."""
    if at == END_OF_DAY:
        return "24"
    return str(at.hour) if at.minute == 0 else f"{at.hour}:{at.minute:02d}"


def span(start: time, end: time) -> str:
    return f"von {clock(start)} bis {clock(end)} Uhr"


def days_phrase(days: Sequence[int], adverbial: bool = False) -> str:
    if is_every_day(days):
        return "täglich"
    names = _ADVERBS if adverbial else WEEKDAY_NAMES_DE
    items = [
        names[first] if first == last else f"{names[first]} bis {names[last]}"
        for first, last in day_items(days)
    ]
    return join(items, " und ")


def group_phrase(group: HoursGroup) -> str:
    spans = join([span(start, end) for start, end in group.spans], " und ")
    if group.additional:
        return f"{days_phrase(group.days, adverbial=True)} zusätzlich {spans}"
    return f"{days_phrase(group.days)} {spans}"


class German:
    def hours(self, groups: Sequence[HoursGroup]) -> str:
        return join([group_phrase(group) for group in groups], " und ")

    def moment(self, at: datetime, days_ahead: int) -> str:
        if days_ahead == 0:
            day = "heute"
        elif days_ahead == 1:
            day = "morgen"
        elif days_ahead <= 6:
            day = WEEKDAY_NAMES_DE[at.weekday()]
        else:
            day = f"{WEEKDAY_NAMES_DE[at.weekday()]}, {at.day}. {_MONTHS[at.month - 1]}"
        return f"{day}, {clock(at.time())} Uhr"
