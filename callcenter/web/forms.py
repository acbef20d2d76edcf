"""Reading form fields: each parser names the field and returns German + English messages.

A form collects every problem at once (`FormErrors`) so the page can show all of them at
their fields, with the values the user typed kept in the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from callcenter.domain.errors import ScheduleError
from callcenter.domain.schedule import Team, Window, wall_to_instant
from callcenter.domain.timeparse import format_time, parse_time, parse_time_range
from callcenter.web import i18n

_SEPARATORS = re.compile(r"[,;\n]+")
# The pages show dates as 07.12.2026 whatever the browser's locale (text fields, not the
# browser's date picker, which follows the browser's language); ISO is accepted as well,
# for bookmarks, scripts and the API's habits.
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
DATE_PATTERN = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}"
TIME_PATTERN = r"([01]?\d|2[0-3]):[0-5]\d"


def to_date(raw: str) -> date:
    """'07.12.2026', '7.12.2026' or '2026-12-07'; ValueError otherwise."""
    raw = raw.strip()
    try:
        german = _GERMAN_DATE.fullmatch(raw)
        if german:
            day, month, year = (int(part) for part in german.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValueError(f"not a date: {raw!r}")


def german_date(value: object) -> str:
    """A date (or an ISO date text) as a field shows it: 07.12.2026; other text as typed."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    text_value = "" if value is None else str(value)
    try:
        return f"{to_date(text_value):%d.%m.%Y}" if "-" in text_value else text_value
    except ValueError:
        return text_value


@dataclass
class FormErrors:
    """Field name → (German, English) message; `general` for errors not tied to a field."""

    fields: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, name: str, de: str, en: str) -> None:
        self.fields.setdefault(name, (de, en))

    def add_key(self, name: str, key: str, **values: object) -> None:
        self.add(name, *i18n.both(key, **values))

    def __bool__(self) -> bool:
        return bool(self.fields)

    def for_lang(self, lang: str) -> dict[str, str]:
        return {name: (en if lang == "en" else de) for name, (de, en) in self.fields.items()}


def text(form: Mapping[str, object], name: str, limit: int = 500) -> str:
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def parse_day(form: Mapping[str, object], name: str, errors: FormErrors) -> date | None:
    raw = text(form, name, 40)
    if not raw:
        return None
    try:
        return to_date(raw)
    except ValueError:
        errors.add_key(name, "invalid_date", text=raw)
        return None


def require_day(form: Mapping[str, object], name: str, errors: FormErrors) -> date | None:
    value = parse_day(form, name, errors)
    if value is None and name not in errors.fields:
        errors.add_key(name, "required")
    return value


def parse_clock(form: Mapping[str, object], name: str, errors: FormErrors) -> time | None:
    raw = text(form, name, 20)
    if not raw:
        errors.add_key(name, "required")
        return None
    try:
        return parse_time(raw)
    except ScheduleError:
        errors.add_key(name, "invalid_time", text=raw)
        return None


def parse_instant(
    form: Mapping[str, object],
    day_name: str,
    clock_name: str,
    tz: tzinfo,
    errors: FormErrors,
) -> datetime | None:
    """A date field and a time field (office time) as one instant; both are required."""
    day = require_day(form, day_name, errors)
    clock = parse_clock(form, clock_name, errors)
    if day is None or clock is None:
        return None
    return wall_to_instant(day, clock, tz)


def day_windows(weekday: int, raw: str, lang_field: str, errors: FormErrors) -> list[Window]:
    """'09:00-12:00, 14:00-17:30' on one weekday; problems go to that day's field."""
    windows: list[Window] = []
    for part in (p.strip() for p in _SEPARATORS.split(raw)):
        if not part:
            continue
        try:
            start, end = parse_time_range(part)
            windows.append(Window(weekday, start, end))
        except ScheduleError as exc:
            errors.add(lang_field, exc.de, exc.en)
            return []
    try:
        # The domain's own overlap check, for this one day, so the message lands at its field.
        Team(id="form", name_de="form", windows=tuple(windows))
    except ScheduleError as exc:
        de = exc.de.replace("Team „form“, ", "")
        en = exc.en.replace("team 'form', ", "")
        errors.add(lang_field, de, en)
        return []
    return windows


def week_windows(form: Mapping[str, object], errors: FormErrors) -> list[Window]:
    """The week grid's seven fields day0 … day6."""
    windows: list[Window] = []
    for weekday in range(7):
        windows.extend(
            day_windows(weekday, text(form, f"day{weekday}", 300), f"day{weekday}", errors)
        )
    return windows


def format_day_windows(windows: tuple[Window, ...], weekday: int) -> str:
    return ", ".join(
        f"{format_time(w.start)}-{format_time(w.end)}"
        for w in sorted(windows)
        if w.weekday == weekday
    )
