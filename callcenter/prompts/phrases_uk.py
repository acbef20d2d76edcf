"""Ukrainian: "з понеділка по четвер з 9:00 до 12:00, по четвергах також з 14:00 до 17:30"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callcenter.prompts.grouping import HoursGroup, is_every_day
from callcenter.prompts.phrasing import DaySegment, clock_24, join, segments

# Each construction wants its own case, so each is a table.
_FROM = (
    "з понеділка", "з вівторка", "з середи", "з четверга",
    "з п’ятниці", "з суботи", "з неділі",
)  # fmt: skip
_TO = (
    "по понеділок", "по вівторок", "по середу", "по четвер",
    "по п’ятницю", "по суботу", "по неділю",
)  # fmt: skip
_ON = (
    "у понеділок", "у вівторок", "у середу", "у четвер",
    "у п’ятницю", "у суботу", "у неділю",
)  # fmt: skip
_EVERY = ("понеділках", "вівторках", "середах", "четвергах", "п’ятницях", "суботах", "неділях")
_MONTHS = (
    "січня", "лютого", "березня", "квітня", "травня", "червня",
    "липня", "серпня", "вересня", "жовтня", "листопада", "грудня",
)  # fmt: skip


def _segment(part: DaySegment) -> str:
    if part.is_range:
        return f"{_FROM[part.first]} {_TO[part.last]}"
    return "по " + join([_EVERY[day] for day in part.days], " і ")


def days_phrase(days: Sequence[int]) -> str:
    if is_every_day(days):
        return "щодня"
    return join([_segment(part) for part in segments(days)], " і ")


def _at(hour: int) -> str:
    # "об одинадцятій": the preposition takes a "б" before the vowel of 11 (одинадцята).
    return "об" if hour == 11 else "о"


def group_phrase(group: HoursGroup) -> str:
    spans = join([f"з {clock_24(start)} до {clock_24(end)}" for start, end in group.spans], " і ")
    also = " також" if group.additional else ""
    return f"{days_phrase(group.days)}{also} {spans}"


class Ukrainian:
    def hours(self, groups: Sequence[HoursGroup]) -> str:
        return ", ".join(group_phrase(group) for group in groups)

    def moment(self, at: datetime, days_ahead: int) -> str:
        clock = f"{_at(at.hour)} {clock_24(at.time())}"
        if days_ahead == 0:
            return f"сьогодні {clock}"
        if days_ahead == 1:
            return f"завтра {clock}"
        if days_ahead <= 6:
            return f"{_ON[at.weekday()]} {clock}"
        return f"{_ON[at.weekday()]}, {at.day} {_MONTHS[at.month - 1]}, {clock}"
