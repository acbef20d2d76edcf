"""Turkish: "pazartesiden perşembeye kadar saat 9:00 ile 12:00 arasında, perşembe günleri ayrıca …".

Day names are lower case as the TDK spelling rules ask, except inside a full date
("5 Ocak Pazartesi"). Times never take a case suffix ("ile … arasında"), because the
suffix would depend on how the number is spoken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callcenter.prompts.grouping import HoursGroup, is_every_day
from callcenter.prompts.phrasing import DaySegment, clock_24, join, segments

_DAYS = ("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar")
_FROM = (
    "pazartesiden", "salıdan", "çarşambadan", "perşembeden",
    "cumadan", "cumartesiden", "pazardan",
)  # fmt: skip
_TO = ("pazartesiye", "salıya", "çarşambaya", "perşembeye", "cumaya", "cumartesiye", "pazara")
_MONTHS = (
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran",
    "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık",
)  # fmt: skip


def _segment(part: DaySegment) -> str:
    if part.is_range:
        return f"{_FROM[part.first]} {_TO[part.last]} kadar"
    return join([_DAYS[day] for day in part.days], " ve ") + " günleri"


def days_phrase(days: Sequence[int]) -> str:
    if is_every_day(days):
        return "her gün"
    return join([_segment(part) for part in segments(days)], " ve ")


def group_phrase(group: HoursGroup) -> str:
    spans = join(
        [f"saat {clock_24(start)} ile {clock_24(end)} arasında" for start, end in group.spans],
        " ve ",
    )
    also = " ayrıca" if group.additional else ""
    return f"{days_phrase(group.days)}{also} {spans}"


class Turkish:
    def hours(self, groups: Sequence[HoursGroup]) -> str:
        return ", ".join(group_phrase(group) for group in groups)

    def moment(self, at: datetime, days_ahead: int) -> str:
        clock = f"saat {clock_24(at.time())}"
        if days_ahead == 0:
            return f"bugün, {clock}"
        if days_ahead == 1:
            return f"yarın, {clock}"
        if days_ahead <= 6:
            return f"{_DAYS[at.weekday()]}, {clock}"
        day_name = _DAYS[at.weekday()].capitalize()
        return f"{at.day} {_MONTHS[at.month - 1]} {day_name}, {clock}"
