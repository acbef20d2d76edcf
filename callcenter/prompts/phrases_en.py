"""English: "Monday to Thursday, 9 am to 12 noon, and on Thursdays also 2 pm to 5:30 pm"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from callcenter.domain.timeparse import END_OF_DAY, WEEKDAY_NAMES_EN
from callcenter.prompts.grouping import HoursGroup, day_items, is_every_day
from callcenter.prompts.phrasing import join

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def clock(at: time) -> str:
    """12-hour time; noon and midnight by name, since '12 am/pm' confuses listeners."""
    if at.minute == 0 and at.hour == 12:
        return "12 noon"
    if (at.minute == 0 and at.hour == 0) or at == END_OF_DAY:
        return "12 midnight"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    if at.minute == 0:
        return f"{hour} {suffix}"
    return f"{hour}:{at.minute:02d} {suffix}"


def span(start: time, end: time) -> str:
    return f"{clock(start)} to {clock(end)}"


def days_phrase(days: Sequence[int]) -> str:
    if is_every_day(days):
        return "every day"
    items = [
        WEEKDAY_NAMES_EN[first] if first == last
        else f"{WEEKDAY_NAMES_EN[first]} to {WEEKDAY_NAMES_EN[last]}"
        for first, last in day_items(days)
    ]  # fmt: skip
    return join(items, " and ")


def additional_days_phrase(days: Sequence[int]) -> str:
    """Days on top of ones already named: 'on Thursdays', 'from Monday to Wednesday'."""
    if is_every_day(days):
        return "every day"
    items = day_items(days)
    if all(first == last for first, last in items):
        return "on " + join([f"{WEEKDAY_NAMES_EN[day]}s" for day, _ in items], " and ")
    if len(items) == 1:
        return "from " + days_phrase(days)
    return days_phrase(days)


def group_phrase(group: HoursGroup) -> str:
    spans = join([span(start, end) for start, end in group.spans], " and ")
    if group.additional:
        return f"{additional_days_phrase(group.days)} also {spans}"
    return f"{days_phrase(group.days)}, {spans}"


class English:
    def hours(self, groups: Sequence[HoursGroup]) -> str:
        # Each group already holds a comma ("Monday, 9 am …"): two groups are parted by
        # ", and", longer lists by semicolons so the listener hears where a group ends.
        phrases = [group_phrase(group) for group in groups]
        if len(phrases) <= 2:
            return join(phrases, ", and ")
        return join(phrases, "; and ", sep="; ")

    def moment(self, at: datetime, days_ahead: int) -> str:
        if days_ahead == 0:
            day = "today"
        elif days_ahead == 1:
            day = "tomorrow"
        elif days_ahead <= 6:
            day = WEEKDAY_NAMES_EN[at.weekday()]
        else:
            day = f"{WEEKDAY_NAMES_EN[at.weekday()]}, {at.day} {_MONTHS[at.month - 1]}"
        return f"{day} at {clock(at.time())}"
