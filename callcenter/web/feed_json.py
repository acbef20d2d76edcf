"""The public hours feed as a JSON document (both languages, office-zone and ISO instants)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callcenter.domain.hours_feed import HoursDay, HoursFeed, PublicClosure, Span, TeamHours
from callcenter.domain.timeparse import WEEKDAY_NAMES_DE, WEEKDAY_NAMES_EN
from callcenter.web.feed_text import (
    PublicReasons,
    clock,
    closure_title,
    day_de,
    instant_de,
    instant_en,
)


def feed_document(feed: HoursFeed, office: str, tz_name: str, reasons: PublicReasons) -> Any:
    return {
        "office": office,
        "timezone": tz_name,
        "from": feed.first.isoformat(),
        "to": feed.last.isoformat(),
        "weeks": feed.weeks,
        "teams": [_team(team, reasons) for team in feed.teams],
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(moment: datetime | None) -> Any:
    if moment is None:
        return None
    return {"at": moment.isoformat(), "de": instant_de(moment), "en": instant_en(moment)}


def _team(team: TeamHours, reasons: PublicReasons) -> Any:
    return {
        "id": team.id,
        "name_de": team.name_de,
        "name_en": team.name_en,
        "now": {
            "open": team.state.value == "open",
            "reason": None if team.reason is None else team.reason.value,
            "until": _iso(team.until),
        },
        "next_opening": _moment(team.next_opening),
        "days": [_day(day, reasons) for day in team.days],
    }


def _span(span: Span, day: HoursDay) -> Any:
    return {
        "start": clock(span.start, day.day),
        "end": clock(span.end, day.day),
        "start_at": span.start.isoformat(),
        "end_at": span.end.isoformat(),
    }


def _closure(closure: PublicClosure, reasons: PublicReasons) -> Any:
    return {
        "start_at": closure.start.isoformat(),
        "end_at": closure.end.isoformat(),
        "all_teams": closure.all_teams,
        "public_reason": closure.public_reason or None,
        "text_de": closure_title(closure, reasons, "de"),
        "text_en": closure_title(closure, reasons, "en"),
    }


def _day(day: HoursDay, reasons: PublicReasons) -> Any:
    return {
        "date": day.day.isoformat(),
        "date_de": day_de(day.day),
        "weekday_de": WEEKDAY_NAMES_DE[day.day.weekday()],
        "weekday_en": WEEKDAY_NAMES_EN[day.day.weekday()],
        "windows": [_span(span, day) for span in day.windows],
        "holiday": day.holiday,
        "closures": [_closure(closure, reasons) for closure in day.closures],
        "special_openings": [_span(span, day) for span in day.special_openings],
    }
