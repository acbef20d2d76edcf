"""Wording and formats shared by the public hours feed's JSON, iCalendar and HTML snippet.

German formats whatever the reader's locale: dd.mm.yyyy and 24-hour times. A window ending
at the next midnight reads "24:00".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from callcenter.domain.hours_feed import PublicClosure, Span
from callcenter.domain.timeparse import WEEKDAY_NAMES_DE, WEEKDAY_NAMES_EN, WEEKDAY_SHORT_DE

WEEKDAY_SHORT_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
UNREACHABLE_DE = "Telefonisch nicht erreichbar"
UNREACHABLE_EN = "Not reachable by phone"


@dataclass(frozen=True)
class PublicReasons:
    """Public reason key -> the sentence in German and in English (from the announcement
    templates, so the website says what the caller hears)."""

    de: Mapping[str, str]
    en: Mapping[str, str]

    def text(self, key: str, lang: str) -> str:
        if not key:
            return ""
        table = self.en if lang == "en" else self.de
        return table.get(key, "").strip()


def day_de(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def long_day_de(day: date) -> str:
    return f"{WEEKDAY_NAMES_DE[day.weekday()]}, {day:%d.%m.%Y}"


def long_day_en(day: date) -> str:
    return f"{WEEKDAY_NAMES_EN[day.weekday()]}, {day:%d.%m.%Y}"


def clock(moment: datetime, day: date | None = None) -> str:
    """'09:00'; '24:00' for the midnight that ends `day`."""
    if day is not None and moment.date() > day and moment.hour == 0 and moment.minute == 0:
        return "24:00"
    return f"{moment:%H:%M}"


def span_label(span: Span, day: date) -> str:
    return f"{clock(span.start, day)}–{clock(span.end, day)}"


def instant_de(moment: datetime) -> str:
    return f"{WEEKDAY_SHORT_DE[moment.weekday()]} {moment:%d.%m.%Y}, {moment:%H:%M} Uhr"


def instant_en(moment: datetime) -> str:
    return f"{WEEKDAY_SHORT_EN[moment.weekday()]} {moment:%d.%m.%Y}, {moment:%H:%M}"


def closure_title(closure: PublicClosure, reasons: PublicReasons, lang: str) -> str:
    """'Telefonisch nicht erreichbar: <public reason>' — never the internal note."""
    head = UNREACHABLE_EN if lang == "en" else UNREACHABLE_DE
    reason = reasons.text(closure.public_reason, lang).rstrip(".")
    return f"{head}: {reason}" if reason else head
