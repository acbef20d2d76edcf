"""Parsing of the small textual forms admins type: weekdays, HH:MM, "Mo-Do 09:00-12:00"."""

from __future__ import annotations

import re
from datetime import time

from callcenter.domain.errors import InvalidTime, UnknownWeekday

WEEKDAY_NAMES_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_SHORT_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")

_WEEKDAY_ALIASES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mo", "mon", "montag", "monday"),
        ("di", "tu", "tue", "dienstag", "tuesday"),
        ("mi", "we", "wed", "mittwoch", "wednesday"),
        ("do", "th", "thu", "donnerstag", "thursday"),
        ("fr", "fri", "freitag", "friday"),
        ("sa", "sat", "samstag", "sonnabend", "saturday"),
        ("so", "su", "sun", "sonntag", "sunday"),
    )
):
    for _name in _names:
        _WEEKDAY_ALIASES[_name] = _index

_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_END_OF_DAY_RE = re.compile(r"^24:00$")
# A window may end at midnight, written 24:00. `time` has no 24:00, so the last instant of the
# day stands for it: it sorts after every other end, a window ending there ends after its
# start, and the dialplan's inclusive last minute comes out as 23:59. Readers that turn an
# end into an instant map it to the next day's midnight (`end_instant_of_day`).
END_OF_DAY = time.max
_RANGE_SEPARATORS = re.compile(r"\s*[-–—]\s*")


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def parse_weekday(text: str, where: str = "") -> int:
    """Weekday name (German or English, long or short) -> 0 (Monday) … 6 (Sunday)."""
    key = text.strip().lower().rstrip(".")
    if key in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[key]
    raise UnknownWeekday(
        f"{_at(where)}unbekannter Wochentag „{text}“ (erlaubt: Mo, Di, Mi, Do, Fr, Sa, So)",
        f"{_at(where)}unknown weekday '{text}' (allowed: Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
        where,
    )


def parse_weekdays(spec: str, where: str = "") -> tuple[int, ...]:
    """'Mo-Do', 'Mo,Mi,Fr', 'Do' or 'Mo-Mi,Fr' -> sorted weekday numbers."""
    days: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            raise UnknownWeekday(
                f"{_at(where)}leere Wochentagsangabe in „{spec}“",
                f"{_at(where)}empty weekday in '{spec}'",
                where,
            )
        bounds = _RANGE_SEPARATORS.split(part)
        if len(bounds) == 1:
            days.add(parse_weekday(bounds[0], where))
        elif len(bounds) == 2:
            first, last = parse_weekday(bounds[0], where), parse_weekday(bounds[1], where)
            if last < first:
                raise UnknownWeekday(
                    f"{_at(where)}Wochentagsbereich „{part}“ läuft rückwärts",
                    f"{_at(where)}weekday range '{part}' runs backwards",
                    where,
                )
            days.update(range(first, last + 1))
        else:
            raise UnknownWeekday(
                f"{_at(where)}Wochentagsangabe „{part}“ nicht verstanden",
                f"{_at(where)}weekday spec '{part}' not understood",
                where,
            )
    return tuple(sorted(days))


def parse_time(text: str, where: str = "", *, allow_end_of_day: bool = False) -> time:
    """'09:00' or '9:00' -> time(9, 0); '24:00' -> END_OF_DAY where an end is read;
    anything else is an InvalidTime."""
    if allow_end_of_day and _END_OF_DAY_RE.match(text.strip()):
        return END_OF_DAY
    match = _TIME_RE.match(text.strip())
    if not match:
        raise InvalidTime(
            f"{_at(where)}„{text}“ ist keine Uhrzeit im Format HH:MM (z. B. 09:00)",
            f"{_at(where)}'{text}' is not a time in HH:MM format (e.g. 09:00)",
            where,
        )
    return time(int(match.group(1)), int(match.group(2)))


def parse_time_range(text: str, where: str = "") -> tuple[time, time]:
    """'09:00-12:00' -> (start, end); order is checked by the window, not here."""
    bounds = _RANGE_SEPARATORS.split(text.strip())
    if len(bounds) != 2:
        raise InvalidTime(
            f"{_at(where)}„{text}“ ist kein Zeitraum im Format HH:MM-HH:MM",
            f"{_at(where)}'{text}' is not a range in HH:MM-HH:MM format",
            where,
        )
    return parse_time(bounds[0], where), parse_time(bounds[1], where, allow_end_of_day=True)


def format_time(value: time) -> str:
    """'09:00'; END_OF_DAY as '24:00'."""
    if value == END_OF_DAY:
        return "24:00"
    return value.strftime("%H:%M")
