"""Russian: "с понедельника по четверг с 9:00 до 12:00, по четвергам также с 14:00 до 17:30"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callcenter.prompts.grouping import HoursGroup, is_every_day
from callcenter.prompts.phrasing import DaySegment, clock_24, join, segments

# Every construction wants its own case (and "со" before "вт…"/"ср…"), so each is a table.
_FROM = (
    "с понедельника", "со вторника", "со среды", "с четверга",
    "с пятницы", "с субботы", "с воскресенья",
)  # fmt: skip
_TO = (
    "по понедельник", "по вторник", "по среду", "по четверг",
    "по пятницу", "по субботу", "по воскресенье",
)  # fmt: skip
_ON = (
    "в понедельник", "во вторник", "в среду", "в четверг",
    "в пятницу", "в субботу", "в воскресенье",
)  # fmt: skip
_EVERY = (
    "понедельникам", "вторникам", "средам", "четвергам",
    "пятницам", "субботам", "воскресеньям",
)  # fmt: skip
_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def _segment(part: DaySegment) -> str:
    if part.is_range:
        return f"{_FROM[part.first]} {_TO[part.last]}"
    return "по " + join([_EVERY[day] for day in part.days], " и ")


def days_phrase(days: Sequence[int]) -> str:
    if is_every_day(days):
        return "ежедневно"
    return join([_segment(part) for part in segments(days)], " и ")


def group_phrase(group: HoursGroup) -> str:
    spans = join([f"с {clock_24(start)} до {clock_24(end)}" for start, end in group.spans], " и ")
    also = " также" if group.additional else ""
    return f"{days_phrase(group.days)}{also} {spans}"


class Russian:
    def hours(self, groups: Sequence[HoursGroup]) -> str:
        return ", ".join(group_phrase(group) for group in groups)

    def moment(self, at: datetime, days_ahead: int) -> str:
        clock = clock_24(at.time())
        if days_ahead == 0:
            return f"сегодня в {clock}"
        if days_ahead == 1:
            return f"завтра в {clock}"
        if days_ahead <= 6:
            return f"{_ON[at.weekday()]} в {clock}"
        return f"{_ON[at.weekday()]}, {at.day} {_MONTHS[at.month - 1]}, в {clock}"
