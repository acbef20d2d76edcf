"""What every language's phrase module provides, and the small helpers they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol

from callcenter.domain.timeparse import END_OF_DAY
from callcenter.prompts.grouping import HoursGroup, day_items


class Phrasing(Protocol):
    """Grammar of one language: weekly hours and a moment ("tomorrow at 9") in words."""

    def hours(self, groups: Sequence[HoursGroup]) -> str:
        """The weekly hours as one phrase (groups are never empty)."""
        ...

    def moment(self, at: datetime, days_ahead: int) -> str:
        """A local wall-clock instant, said relative to today (`days_ahead` 0 = today)."""
        ...


def join(items: Sequence[str], last: str, sep: str = ", ") -> str:
    """'a', 'a<last>b', 'a<sep>b<last>c'."""
    if len(items) <= 1:
        return "".join(items)
    return sep.join(items[:-1]) + last + items[-1]


def clock_24(at: time) -> str:
    """24-hour time as most languages write it on a sign: 9:00, 17:30; a window's end at
    midnight as 24:00."""
    if at == END_OF_DAY:
        return "24:00"
    return f"{at.hour}:{at.minute:02d}"


@dataclass(frozen=True)
class DaySegment:
    """A range of three or more weekdays (`first`..`last`) or a list of single weekdays."""

    days: tuple[int, ...]
    is_range: bool = False

    @property
    def first(self) -> int:
        return self.days[0]

    @property
    def last(self) -> int:
        return self.days[-1]


def segments(days: Sequence[int]) -> list[DaySegment]:
    """Day items with neighbouring single days collected into one segment.

    Languages that mark single days with one shared word ("по понедельникам и средам",
    "pazartesi ve çarşamba günleri") need the singles together.
    """
    parts: list[DaySegment] = []
    singles: list[int] = []
    for first, last in day_items(days):
        if first == last:
            singles.append(first)
            continue
        if singles:
            parts.append(DaySegment(tuple(singles)))
            singles = []
        parts.append(DaySegment((first, last), is_range=True))
    if singles:
        parts.append(DaySegment(tuple(singles)))
    return parts
