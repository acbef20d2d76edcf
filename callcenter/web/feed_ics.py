"""The public hours feed as iCalendar (RFC 5545), generated with the `icalendar` package.

One event per open window (UID: team, date and ordinal of the window that day, so a calendar
app updates an event when the hours change instead of adding a second one), one per holiday
and one per closure (named with its public reason, never its internal note). Times carry the
office zone's TZID with a VTIMEZONE, so subscribers see the right hour across DST changes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from icalendar import Calendar, Event

from callcenter.domain.hours_feed import HoursFeed, PublicClosure, TeamHours
from callcenter.web.feed_text import (
    UNREACHABLE_DE,
    UNREACHABLE_EN,
    PublicReasons,
    closure_title,
    span_label,
)

_REFRESH = "PT1H"
_TZ_MARGIN = timedelta(days=366)


def feed_calendar(
    feed: HoursFeed,
    *,
    title: str,
    tz_name: str,
    uid_domain: str,
    stamp: datetime,
    reasons: PublicReasons,
    office_wide: bool,
) -> bytes:
    """The .ics body; `stamp` (the schedule's last change) is every event's DTSTAMP, so the
    same schedule gives the same bytes (and the same ETag)."""
    calendar = Calendar()
    calendar.add("prodid", "-//callcenter//Telefonische Sprechzeiten//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", tz_name)
    calendar.add("x-published-ttl", _REFRESH)
    calendar["refresh-interval;value=duration"] = _REFRESH
    seen: set[str] = set()
    for team in feed.teams:
        for event in _team_events(team, uid_domain, reasons, office_wide):
            uid = str(event["uid"])
            if uid not in seen:
                seen.add(uid)
                event.add("dtstamp", stamp)
                calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=feed.first - _TZ_MARGIN, last_date=feed.last + _TZ_MARGIN
    )
    return bytes(calendar.to_ical())


def _team_events(
    team: TeamHours, uid_domain: str, reasons: PublicReasons, office_wide: bool
) -> list[Event]:
    events = []
    for day in team.days:
        for index, span in enumerate(day.windows, start=1):
            summary = "Telefonische Sprechzeit"
            if office_wide:
                summary = f"{summary}: {team.name_de}"
            event = _event(f"sprechzeit-{team.id}-{day.day:%Y%m%d}-{index}@{uid_domain}", summary)
            event.add("dtstart", span.start)
            event.add("dtend", span.end)
            event.add(
                "description",
                f"{team.name_de}: telefonisch erreichbar {span_label(span, day.day)} Uhr\n"
                f"{team.name_en}: telephone hours {span_label(span, day.day)}",
            )
            event.add("transp", "TRANSPARENT")
            events.append(event)
        if day.holiday is not None:
            event = _event(
                f"feiertag-{day.day:%Y%m%d}@{uid_domain}",
                f"{UNREACHABLE_DE}: Feiertag ({day.holiday})",
            )
            _all_day(event, day.day, day.day + timedelta(days=1))
            event.add("description", f"{UNREACHABLE_EN}: public holiday ({day.holiday})")
            events.append(event)
        events.extend(_closure_event(c, team, uid_domain, reasons) for c in day.closures)
    return events


def _closure_event(
    closure: PublicClosure, team: TeamHours, uid_domain: str, reasons: PublicReasons
) -> Event:
    who = "alle" if closure.all_teams else team.id
    key = closure.id if closure.id is not None else f"{closure.start:%Y%m%dT%H%M%z}"
    summary = closure_title(closure, reasons, "de")
    description = closure_title(closure, reasons, "en")
    if not closure.all_teams:
        summary = f"{summary} ({team.name_de})"
        description = f"{description} ({team.name_en})"
    event = _event(f"schliessung-{key}-{who}@{uid_domain}", summary)
    if _is_midnight(closure.start) and _is_midnight(closure.end):
        _all_day(event, closure.start.date(), closure.end.date())
    else:
        event.add("dtstart", closure.start)
        event.add("dtend", closure.end)
    event.add("description", description)
    return event


def _event(uid: str, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    return event


def _all_day(event: Event, first: date, end: date) -> None:
    event.add("dtstart", first)
    event.add("dtend", end)
    event.add("transp", "TRANSPARENT")


def _is_midnight(moment: datetime) -> bool:
    return moment.timetz().replace(tzinfo=None) == time(0)
