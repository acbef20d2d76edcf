"""Arabic (Modern Standard): "من الاثنين إلى الخميس، من الساعة 9:00 إلى الساعة 12:00، …".

"و" (and) is written joined to the next word, so lists are joined with " و".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callcenter.prompts.grouping import HoursGroup, is_every_day
from callcenter.prompts.phrasing import DaySegment, clock_24, segments

_DAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
_AND = " و"


def _segment(part: DaySegment) -> str:
    if part.is_range:
        return f"من {_DAYS[part.first]} إلى {_DAYS[part.last]}"
    if len(part.days) == 1:
        return f"يوم {_DAYS[part.first]}"
    return "أيام " + _AND.join(_DAYS[day] for day in part.days)


def days_phrase(days: Sequence[int]) -> str:
    if is_every_day(days):
        return "يوميًا"
    return _AND.join(_segment(part) for part in segments(days))


def group_phrase(group: HoursGroup) -> str:
    spans = _AND.join(
        f"من الساعة {clock_24(start)} إلى الساعة {clock_24(end)}" for start, end in group.spans
    )
    also = "أيضًا " if group.additional else ""
    return f"{also}{days_phrase(group.days)}، {spans}"


class Arabic:
    def hours(self, groups: Sequence[HoursGroup]) -> str:
        return "، و".join(group_phrase(group) for group in groups)

    def moment(self, at: datetime, days_ahead: int) -> str:
        clock = f"الساعة {clock_24(at.time())}"
        if days_ahead == 0:
            return f"اليوم، {clock}"
        if days_ahead == 1:
            return f"الغد، {clock}"
        if days_ahead <= 6:
            return f"يوم {_DAYS[at.weekday()]}، {clock}"
        return f"يوم {_DAYS[at.weekday()]} {at.day} {_MONTHS[at.month - 1]}، {clock}"
