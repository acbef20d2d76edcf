"""The public hours feed (JSON, iCalendar, "today" snippet): public, cached, faithful to the
schedule (holidays, closures, special openings, DST changes), and never showing a note."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from icalendar import Calendar

from callcenter.domain.schedule import Closure, SpecialOpening, State, state_at

from ..schedule_commands import ScheduleCommands
from .conftest import BERLIN, START, Browser, WebEnv

SECRET_NOTE = "Vermerk-GEHEIM-Personalversammlung"
FEED_PATHS = (
    "/sprechzeiten.json",
    "/sprechzeiten.ics",
    "/sprechzeiten/heute",
    "/sprechzeiten/auslaender-a.json",
    "/sprechzeiten/auslaender-a.ics",
    "/sprechzeiten/auslaender-a/heute",
)


def add_closure(env: WebEnv, closure: Closure) -> None:
    with env.store.session() as session:
        ScheduleCommands(session).add_closure(closure, "test", START)


def add_opening(env: WebEnv, opening: SpecialOpening) -> None:
    with env.store.session() as session:
        ScheduleCommands(session).add_opening(opening, "test", START)


def training_closure(first: date, last: date, team: str | None = "auslaender-a") -> Closure:
    return Closure.whole_days(team, first, last, BERLIN, note=SECRET_NOTE, public_reason="training")


async def get_json(client: TestClient, path: str) -> Any:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(await response.text())


async def get_calendar(client: TestClient, path: str) -> Calendar:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(await response.read())


def events(calendar: Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def utc(value: Any) -> datetime:
    moment: datetime = value.dt
    return moment.astimezone(UTC)


async def test_every_feed_path_is_public_and_cached(client: TestClient) -> None:
    for path in FEED_PATHS:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 200, path
        assert response.headers["Cache-Control"] == "public, max-age=300", path
        assert response.headers["ETag"].startswith('"'), path
        assert response.headers["Last-Modified"].endswith(" GMT"), path


async def test_json_matches_state_at_every_half_hour(env: WebEnv, client: TestClient) -> None:
    add_closure(env, training_closure(date(2026, 11, 26), date(2026, 11, 26)))
    add_opening(env, SpecialOpening("auslaender-a", date(2026, 12, 5), time(10), time(13)))
    document = await get_json(client, "/sprechzeiten.json?weeks=3")
    office = env.store.office()
    assert [team["id"] for team in document["teams"]] == list(office.team_ids)
    for team in document["teams"]:
        schedule = office.schedule_for(team["id"])
        spans = [
            (datetime.fromisoformat(w["start_at"]), datetime.fromisoformat(w["end_at"]))
            for day in team["days"]
            for w in day["windows"]
        ]
        moment = datetime(2026, 11, 23, 0, 0, tzinfo=BERLIN)
        while moment < datetime(2026, 12, 14, tzinfo=BERLIN):
            published = any(start <= moment < end for start, end in spans)
            expected = state_at(schedule, moment).state is State.OPEN
            assert published == expected, (team["id"], moment)
            moment += timedelta(minutes=30)
        now = state_at(schedule, env.clock.now())
        assert team["now"]["open"] == (now.state is State.OPEN)
    team_a = next(t for t in document["teams"] if t["id"] == "auslaender-a")
    thursday = next(d for d in team_a["days"] if d["date"] == "2026-11-26")
    assert thursday["windows"] == []
    assert thursday["closures"][0]["text_de"].startswith("Telefonisch nicht erreichbar")
    assert thursday["closures"][0]["text_en"].startswith("Not reachable by phone")
    saturday = next(d for d in team_a["days"] if d["date"] == "2026-12-05")
    assert saturday["date_de"] == "05.12.2026"
    assert saturday["special_openings"][0]["start"] == "10:00"
    assert [w["start"] + "-" + w["end"] for w in saturday["windows"]] == ["10:00-13:00"]


async def test_holiday_and_next_opening(env: WebEnv, client: TestClient) -> None:
    env.clock.current = datetime(2026, 12, 24, 18, 0, tzinfo=BERLIN)
    document = await get_json(client, "/sprechzeiten/auslaender-a.json?weeks=1")
    (team,) = document["teams"]
    christmas = next(d for d in team["days"] if d["date"] == "2026-12-25")
    assert christmas["holiday"]
    assert christmas["windows"] == []
    assert team["now"]["open"] is False
    # Thu 24.12. closed after 17:30, Fri 25./Sat/Sun/Mon 28.12. … Team A opens Mon 09:00.
    assert team["next_opening"]["at"] == "2026-12-28T09:00:00+01:00"
    assert team["next_opening"]["de"] == "Mo 28.12.2026, 09:00 Uhr"
    calendar = await get_calendar(client, "/sprechzeiten/auslaender-a.ics?weeks=1")
    holidays = [e for e in events(calendar) if str(e["uid"]).startswith("feiertag-20261225")]
    assert len(holidays) == 1
    assert holidays[0]["dtstart"].dt == date(2026, 12, 25)
    assert str(holidays[0]["summary"]).startswith("Telefonisch nicht erreichbar: Feiertag")


async def test_ics_windows_keep_wall_time_over_both_dst_changes(
    env: WebEnv, client: TestClient
) -> None:
    # Last Sunday of March 2027 is the 28th, of October the 31st.
    for today, before, after in (
        (datetime(2027, 3, 22, 8, tzinfo=BERLIN), date(2027, 3, 25), date(2027, 3, 30)),
        (datetime(2027, 10, 25, 8, tzinfo=BERLIN), date(2027, 10, 28), date(2027, 11, 2)),
    ):
        env.clock.current = today
        calendar = await get_calendar(client, "/sprechzeiten/auslaender-a.ics?weeks=2")
        assert calendar["version"] == "2.0"
        (zone,) = calendar.walk("VTIMEZONE")
        assert str(zone["tzid"]) == "Europe/Berlin"
        starts = {utc(e["dtstart"]) for e in events(calendar) if "sprechzeit" in str(e["uid"])}
        for day in (before, after):
            nine = datetime.combine(day, time(9), BERLIN)
            assert nine.astimezone(UTC) in starts, day
        offsets = {datetime.combine(day, time(9), BERLIN).utcoffset() for day in (before, after)}
        assert offsets == {timedelta(hours=1), timedelta(hours=2)}
        document = await get_json(client, "/sprechzeiten/auslaender-a.json?weeks=2")
        days = {d["date"]: d for d in document["teams"][0]["days"]}
        for day in (before, after):
            first = days[day.isoformat()]["windows"][0]
            assert first["start"] == "09:00"
            expected = datetime.combine(day, time(9), BERLIN).astimezone(UTC)
            assert datetime.fromisoformat(first["start_at"]).astimezone(UTC) == expected
        office = env.store.office()
        schedule = office.schedule_for("auslaender-a")
        for event in events(calendar):
            if "sprechzeit" in str(event["uid"]):
                middle = utc(event["dtstart"]) + (utc(event["dtend"]) - utc(event["dtstart"])) / 2
                assert state_at(schedule, middle).state is State.OPEN
                assert state_at(schedule, utc(event["dtend"])).state is State.CLOSED


async def test_closure_over_the_autumn_change(env: WebEnv, client: TestClient) -> None:
    # Fri 29.10.2027 00:00 CEST to Tue 02.11.2027 00:00 CET: 97 hours, four calendar days.
    add_closure(env, training_closure(date(2027, 10, 29), date(2027, 11, 1), team=None))
    env.clock.current = datetime(2027, 10, 25, 8, tzinfo=BERLIN)
    document = await get_json(client, "/sprechzeiten/auslaender-a.json?weeks=2")
    days = {d["date"]: d for d in document["teams"][0]["days"]}
    (closure,) = days["2027-10-31"]["closures"]
    assert closure["start_at"] == "2027-10-29T00:00:00+02:00"
    assert closure["end_at"] == "2027-11-02T00:00:00+01:00"
    assert closure["all_teams"] is True
    assert days["2027-11-01"]["windows"] == []
    assert [w["start_at"] for w in days["2027-11-02"]["windows"]] == ["2027-11-02T09:00:00+01:00"]
    calendar = await get_calendar(client, "/sprechzeiten/auslaender-a.ics?weeks=2")
    (event,) = [e for e in events(calendar) if str(e["uid"]).startswith("schliessung-")]
    assert event["dtstart"].dt == date(2027, 10, 29)
    assert event["dtend"].dt == date(2027, 11, 2)
    windows = [e for e in events(calendar) if str(e["uid"]).startswith("sprechzeit-")]
    assert not [
        e for e in windows if date(2027, 10, 29) <= e["dtstart"].dt.date() < date(2027, 11, 2)
    ]


async def test_ics_closures_uids_are_stable_and_named_by_public_reason(
    env: WebEnv, client: TestClient
) -> None:
    add_closure(env, training_closure(date(2026, 11, 30), date(2026, 12, 1)))
    first = await get_calendar(client, "/sprechzeiten/auslaender-a.ics")
    closures = [e for e in events(first) if str(e["uid"]).startswith("schliessung-")]
    training = [e for e in closures if e["dtstart"].dt == date(2026, 11, 30)]
    assert len(training) == 1
    assert str(training[0]["summary"]).startswith("Telefonisch nicht erreichbar")
    assert training[0]["dtstart"].dt == date(2026, 11, 30)
    assert training[0]["dtend"].dt == date(2026, 12, 2)
    # A day later: the same events keep their UIDs (calendar apps update, not duplicate).
    env.clock.current = START + timedelta(days=1)
    second = await get_calendar(client, "/sprechzeiten/auslaender-a.ics")
    uids_first = {str(e["uid"]) for e in events(first)}
    uids_second = {str(e["uid"]) for e in events(second)}
    assert len(uids_second) == len(events(second))
    assert str(training[0]["uid"]) in uids_second
    assert len(uids_first & uids_second) > len(uids_first) * 0.9


async def test_internal_note_never_published(env: WebEnv, client: TestClient) -> None:
    # From now (closures cannot start in the past) through tomorrow, for every team.
    add_closure(
        env,
        Closure(None, START, datetime(2026, 11, 25, tzinfo=BERLIN), note=SECRET_NOTE,
                public_reason="training"),
    )  # fmt: skip
    for path in FEED_PATHS:
        body = await (await client.get(path)).text()
        assert "Telefonisch nicht erreichbar" in body, path
        assert SECRET_NOTE not in body, path
        assert "Personalversammlung" not in body, path
        assert "Samstags-Servicetag" not in body, path  # the seed's special opening note


async def test_conditional_requests(env: WebEnv, client: TestClient) -> None:
    for path in FEED_PATHS:
        response = await client.get(path)
        etag = response.headers["ETag"]
        again = await client.get(path, headers={"If-None-Match": etag})
        assert again.status == 304, path
        assert again.headers["ETag"] == etag
        assert await again.read() == b""
        other = await client.get(path, headers={"If-None-Match": '"something-else"'})
        assert other.status == 200, path
        since = response.headers["Last-Modified"]
        assert (await client.get(path, headers={"If-Modified-Since": since})).status == 304
    before = (await client.get("/sprechzeiten.ics")).headers["ETag"]
    add_closure(env, training_closure(date(2026, 12, 2), date(2026, 12, 2)))
    changed = await client.get("/sprechzeiten.ics", headers={"If-None-Match": before})
    assert changed.status == 200
    assert changed.headers["ETag"] != before


async def test_weeks_bounds_give_400(client: TestClient) -> None:
    for weeks in ("0", "27", "abc", "-1", "2.5", "²", "", "99999999999999999999"):
        response = await client.get(f"/sprechzeiten.json?weeks={weeks}")
        assert response.status == 400, weeks
        error = (await response.json())["error"]
        assert error["field"] == "weeks"
        assert "1 bis 26" in error["message_de"]
        assert "1 to 26" in error["message_en"]
        ics = await client.get(f"/sprechzeiten/auslaender-a.ics?weeks={weeks}")
        assert ics.status == 400, weeks
        assert "1 bis 26" in await ics.text()
    assert (await client.get("/sprechzeiten.json?weeks=26")).status == 200
    document = await (await client.get("/sprechzeiten.json?weeks=1")).json()
    assert len(document["teams"][0]["days"]) == 7


async def test_unknown_team_is_404(client: TestClient) -> None:
    response = await client.get("/sprechzeiten/gibtsnicht.json")
    assert response.status == 404
    error = (await response.json())["error"]
    assert "Unbekanntes Team „gibtsnicht“" in error["message_de"]
    assert "unknown team 'gibtsnicht'" in error["message_en"]
    for path in ("/sprechzeiten/gibtsnicht.ics", "/sprechzeiten/gibtsnicht/heute"):
        page = await client.get(path)
        assert page.status == 404, path
        text = await page.text()
        assert "gibtsnicht" in text


async def test_snippet_is_framable_and_nothing_else(env: WebEnv, admin: Browser) -> None:
    response = await admin.get("/sprechzeiten/auslaender-a/heute")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "default-src 'none'" in csp
    html = await response.text()
    assert "<script" not in html
    assert "<form" not in html
    assert "Telefonische Sprechzeiten heute" in html
    assert "Montag, 23.11.2026" in html
    assert "09:00–12:00 Uhr" in html
    assert "Jetzt erreichbar bis 12:00 Uhr" in html
    for path in ("/sprechzeiten", "/sprechzeiten.json", "/sprechzeiten.ics", "/zentrale"):
        other = await admin.get(path)
        assert other.headers["X-Frame-Options"] == "DENY", path
    office = await admin.get("/sprechzeiten/heute")
    assert "X-Frame-Options" not in office.headers
    text = await office.text()
    assert "Einbürgerung" in text
    assert "Ausländerbehörde Team B" in text


async def test_snippet_when_closed_names_next_opening(env: WebEnv, client: TestClient) -> None:
    # Friday: team A has no hours; the seed's Saturday service day is its next opening.
    env.clock.current = datetime(2026, 11, 27, 13, 0, tzinfo=BERLIN)
    html = await (await client.get("/sprechzeiten/auslaender-a/heute")).text()
    assert "Heute keine telefonische Sprechzeit" in html
    assert "Nächste Sprechzeit: Sa 28.11.2026, 09:00 Uhr" in html
    assert "Next telephone hours: Sat 28.11.2026, 09:00" in html
    assert "Samstags-Servicetag" not in html  # a special opening's note is internal too
    env.clock.current = datetime(2026, 11, 28, 14, 0, tzinfo=BERLIN)
    html = await (await client.get("/sprechzeiten/auslaender-a/heute")).text()
    assert "09:00–13:00 Uhr" in html
    assert "Nächste Sprechzeit: Mo 30.11.2026, 09:00 Uhr" in html


async def test_feed_paths_are_read_only_without_sign_in(client: TestClient) -> None:
    for path in ("/sprechzeiten/auslaender-a.json", "/sprechzeiten/auslaender-a"):
        response = await client.post(path, data={"x": "1"}, allow_redirects=False)
        assert response.status in (401, 403), path
    page = await client.get("/sprechzeiten", allow_redirects=False)
    assert page.status == 303
