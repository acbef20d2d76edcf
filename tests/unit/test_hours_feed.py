"""The public hours feed's pure parts: the builder (windows agree with `state_at`, across DST,
closures and windows ending at midnight) and the calendar/JSON wording of public reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from schedule_support import HESSEN, TZ, local, team

from callcenter.domain.hours_feed import build_feed
from callcenter.domain.schedule import Closure, Office, SpecialOpening, State, state_at
from callcenter.web.feed_ics import feed_calendar
from callcenter.web.feed_json import feed_document
from callcenter.web.feed_text import PublicReasons

NOTE = "interner Vermerk: Kollegin krank"
REASONS = PublicReasons(
    de={"training": "Unser Team ist heute bei einer Fortbildung."},
    en={"training": "Our team is at a training course today."},
)


def office(*closures: Closure) -> Office:
    return Office(
        TZ,
        HESSEN,
        (team("a", "Mo-Fr 08:00-12:00", "Sa 20:00-23:59", "So 01:30-03:30"),),
        closures,
        (SpecialOpening("a", date(2027, 3, 27), time(9), time(11), note=NOTE),),
    )


@pytest.mark.parametrize(
    "now", [local(2027, 3, 24, 10), local(2027, 10, 27, 13), local(2027, 3, 28, 2, 59)]
)
def test_windows_agree_with_state_at_every_quarter_hour(now: datetime) -> None:
    closure = Closure.whole_days("a", date(2027, 3, 25), date(2027, 3, 25), TZ, note=NOTE)
    built = office(closure)
    feed = build_feed(built, now, weeks=2)
    (hours,) = feed.teams
    schedule = built.schedule_for("a")
    spans = [(w.start, w.end) for day in hours.days for w in day.windows]
    moment = local(feed.first.year, feed.first.month, feed.first.day).astimezone(UTC)
    end = moment + timedelta(days=14)
    while moment < end:
        published = any(start <= moment < stop for start, stop in spans)
        assert published == (state_at(schedule, moment).state is State.OPEN), moment
        moment += timedelta(minutes=15)
    assert hours.state is state_at(schedule, now).state


def test_spring_forward_night_window_starts_when_the_clock_jumps() -> None:
    feed = build_feed(office(), local(2027, 3, 22, 8), weeks=1)
    sunday = next(day for day in feed.teams[0].days if day.day == date(2027, 3, 28))
    (window,) = sunday.windows
    # 01:30 CET exists; 03:30 CEST is 01:30 UTC: one hour of real time, not two.
    assert window.start.astimezone(UTC) == local(2027, 3, 28, 1, 30).astimezone(UTC)
    assert window.end.astimezone(UTC) - window.start.astimezone(UTC) == timedelta(hours=1)


def test_weeks_out_of_range_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.\.26"):
        build_feed(office(), local(2027, 3, 22, 8), weeks=27)


def test_public_reason_named_note_never() -> None:
    closure = Closure.whole_days(
        "a", date(2027, 3, 25), date(2027, 3, 26), TZ, note=NOTE, public_reason="training"
    )
    built = office(closure)
    feed = build_feed(built, local(2027, 3, 22, 8), weeks=1)
    body = feed_calendar(
        feed,
        title="Telefonische Sprechzeiten – Team a",
        tz_name="Europe/Berlin",
        uid_domain="example.org",
        stamp=local(2027, 3, 1).astimezone(UTC),
        reasons=REASONS,
        office_wide=False,
    )
    assert NOTE.encode() not in body
    calendar = Calendar.from_ical(body)
    closures = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("schliessung-")]
    (event,) = closures
    assert str(event["summary"]) == (
        "Telefonisch nicht erreichbar: Unser Team ist heute bei einer Fortbildung (Team a)"
    )
    assert "Our team is at a training course today" in str(event["description"])
    assert event["dtstart"].dt == date(2027, 3, 25)
    assert event["dtend"].dt == date(2027, 3, 27)
    document = feed_document(feed, "Amt", "Europe/Berlin", REASONS)
    text = repr(document)
    assert NOTE not in text
    thursday = next(d for d in document["teams"][0]["days"] if d["date"] == "2027-03-25")
    assert thursday["closures"][0]["public_reason"] == "training"
    assert thursday["closures"][0]["text_en"].startswith("Not reachable by phone: Our team")


def test_same_schedule_same_bytes() -> None:
    feed = build_feed(office(), local(2027, 3, 22, 8), weeks=2)
    arguments = {
        "title": "x",
        "tz_name": "Europe/Berlin",
        "uid_domain": "example.org",
        "stamp": local(2027, 3, 1).astimezone(UTC),
        "reasons": REASONS,
        "office_wide": True,
    }
    assert feed_calendar(feed, **arguments) == feed_calendar(feed, **arguments)  # type: ignore[arg-type]
