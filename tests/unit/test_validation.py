"""Every validation error names what is wrong and where, in German (str()) and English."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from schedule_support import HESSEN, TZ, local, team

from callcenter.domain.errors import (
    DuplicateTeam,
    InvalidClosure,
    InvalidPilot,
    InvalidTime,
    InvalidWindow,
    NaiveDatetime,
    OverlappingPilots,
    OverlappingWindows,
    ScheduleError,
    UnknownTeam,
    UnknownWeekday,
)
from callcenter.domain.schedule import (
    Closure,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    Window,
    windows_from_spec,
)
from callcenter.domain.timeparse import (
    parse_time,
    parse_time_range,
    parse_weekday,
    parse_weekdays,
)


def _check(exc: ScheduleError, de: str, en: str) -> None:
    """The German message is str(); both languages contain the expected text."""
    assert str(exc) == exc.de
    assert exc.message("de") == exc.de
    assert exc.message("en") == exc.en
    assert de in exc.de, exc.de
    assert en in exc.en, exc.en
    assert isinstance(exc, ValueError)


# end <= start


@pytest.mark.parametrize(
    ("weekday", "start", "end", "de", "en"),
    [
        pytest.param(
            0,
            time(12),
            time(9),
            "Montag: Fenster 12:00–09:00 endet nicht nach seinem Beginn",
            "Monday: window 12:00–09:00 does not end after it starts",
            id="end-before-start",
        ),
        pytest.param(
            3,
            time(9),
            time(9),
            "Donnerstag: Fenster 09:00–09:00 endet nicht nach seinem Beginn",
            "Thursday: window 09:00–09:00 does not end after it starts",
            id="end-equals-start",
        ),
    ],
)
def test_window_end_not_after_start(weekday: int, start: time, end: time, de: str, en: str) -> None:
    with pytest.raises(InvalidWindow) as caught:
        Window(weekday, start, end)
    _check(caught.value, de, en)


def test_window_spec_end_before_start_names_the_place() -> None:
    with pytest.raises(InvalidWindow) as caught:
        windows_from_spec("Mo-Do 17:30-14:00", where="teams.a.hours[1]")
    _check(
        caught.value,
        "teams.a.hours[1]: Montag: Fenster 17:30–14:00 endet nicht nach seinem Beginn",
        "teams.a.hours[1]: Monday: window 17:30–14:00 does not end after it starts",
    )
    assert caught.value.where == "teams.a.hours[1]"


def test_special_opening_end_before_start() -> None:
    with pytest.raises(InvalidWindow) as caught:
        SpecialOpening("a", date(2026, 3, 14), time(13), time(10))
    _check(
        caught.value,
        "Sonderöffnung für Team „a“ am 2026-03-14: 13:00–10:00 endet nicht nach seinem Beginn",
        "special opening for team 'a' on 2026-03-14: 13:00–10:00 does not end after it starts",
    )


def test_window_spec_without_range() -> None:
    with pytest.raises(InvalidWindow) as caught:
        windows_from_spec("Mo", where="teams.a.hours[0]")
    _check(
        caught.value,
        "teams.a.hours[0]: „Mo“ ist keine Fensterangabe",
        "teams.a.hours[0]: 'Mo' is not a window",
    )


# overlapping windows of one team


@pytest.mark.parametrize(
    ("specs", "de", "en"),
    [
        pytest.param(
            ("Mi 09:00-12:00", "Mi 11:00-13:00"),
            "Team „a“, Mittwoch: Fenster 09:00–12:00 und 11:00–13:00 überschneiden sich",
            "team 'a', Wednesday: windows 09:00–12:00 and 11:00–13:00 overlap",
            id="partial",
        ),
        pytest.param(
            ("Mo-Do 09:00-12:00", "Do 10:00-11:00"),
            "Team „a“, Donnerstag: Fenster 09:00–12:00 und 10:00–11:00 überschneiden sich",
            "team 'a', Thursday: windows 09:00–12:00 and 10:00–11:00 overlap",
            id="contained-via-range",
        ),
        pytest.param(
            ("Fr 09:00-12:00", "Fr 09:00-12:00"),
            "Team „a“, Freitag: Fenster 09:00–12:00 und 09:00–12:00 überschneiden sich",
            "team 'a', Friday: windows 09:00–12:00 and 09:00–12:00 overlap",
            id="identical",
        ),
        pytest.param(
            ("So 13:00-15:00", "So 08:00-13:01"),
            "Team „a“, Sonntag: Fenster 08:00–13:01 und 13:00–15:00 überschneiden sich",
            "team 'a', Sunday: windows 08:00–13:01 and 13:00–15:00 overlap",
            id="one-minute-given-out-of-order",
        ),
    ],
)
def test_overlapping_windows(specs: tuple[str, ...], de: str, en: str) -> None:
    with pytest.raises(OverlappingWindows) as caught:
        team("a", *specs)
    _check(caught.value, de, en)
    assert caught.value.where == "teams.a.windows"


@pytest.mark.parametrize(
    "specs",
    [
        pytest.param(("Mo 09:00-12:00", "Mo 12:00-14:00"), id="touching"),
        pytest.param(("Mo 09:00-12:00", "Di 10:00-11:00"), id="other-day"),
        pytest.param(("Mo-Do 09:00-12:00", "Do 14:00-17:30"), id="issue-example"),
    ],
)
def test_non_overlapping_windows_are_accepted(specs: tuple[str, ...]) -> None:
    created = team("a", *specs)
    assert list(created.windows) == sorted(created.windows)


# unknown weekday


@pytest.mark.parametrize(
    ("text", "de", "en"),
    [
        pytest.param("Xy", "unbekannter Wochentag „Xy“", "unknown weekday 'Xy'", id="Xy"),
        pytest.param("Mox", "unbekannter Wochentag „Mox“", "unknown weekday 'Mox'", id="Mox"),
        pytest.param("", "unbekannter Wochentag „“", "unknown weekday ''", id="empty"),
    ],
)
def test_unknown_weekday_name(text: str, de: str, en: str) -> None:
    with pytest.raises(UnknownWeekday) as caught:
        parse_weekday(text)
    _check(caught.value, de, en)
    assert "Mo, Di, Mi, Do, Fr, Sa, So" in caught.value.de


def test_unknown_weekday_in_window_spec_names_the_place() -> None:
    with pytest.raises(UnknownWeekday) as caught:
        windows_from_spec("Mo-Xy 09:00-12:00", where="teams.a.hours[2]")
    _check(
        caught.value,
        "teams.a.hours[2]: unbekannter Wochentag „Xy“",
        "teams.a.hours[2]: unknown weekday 'Xy'",
    )


@pytest.mark.parametrize("weekday", [pytest.param(7, id="7"), pytest.param(-1, id="minus-1")])
def test_unknown_weekday_number(weekday: int) -> None:
    with pytest.raises(UnknownWeekday) as caught:
        Window(weekday, time(9), time(12))
    _check(
        caught.value,
        f"unbekannter Wochentag {weekday} (0 = Montag … 6 = Sonntag)",
        f"unknown weekday {weekday} (0 = Monday … 6 = Sunday)",
    )


@pytest.mark.parametrize(
    ("spec", "de", "en"),
    [
        pytest.param(
            "Fr-Mo",
            "Wochentagsbereich „Fr-Mo“ läuft rückwärts",
            "'Fr-Mo' runs backwards",
            id="back",
        ),
        pytest.param("Mo,,Di", "leere Wochentagsangabe in „Mo,,Di“", "empty weekday", id="empty"),
        pytest.param("Mo-Di-Mi", "„Mo-Di-Mi“ nicht verstanden", "not understood", id="triple"),
    ],
)
def test_malformed_weekday_specs(spec: str, de: str, en: str) -> None:
    with pytest.raises(UnknownWeekday) as caught:
        parse_weekdays(spec)
    _check(caught.value, de, en)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param("Mo-Do", (0, 1, 2, 3), id="range"),
        pytest.param("Mo,Mi,Fr", (0, 2, 4), id="list"),
        pytest.param("Mo-Mi,Fr", (0, 1, 2, 4), id="mixed"),
        pytest.param("Monday–Thursday", (0, 1, 2, 3), id="english-en-dash"),
        pytest.param("So", (6,), id="sunday"),
    ],
)
def test_weekday_specs_that_are_accepted(spec: str, expected: tuple[int, ...]) -> None:
    assert parse_weekdays(spec) == expected


# a time that is not HH:MM


@pytest.mark.parametrize("text", ["9", "25:00", "12:60", "ab", "24:00", "9:5", "09:00:00", ""])
def test_time_not_hh_mm(text: str) -> None:
    with pytest.raises(InvalidTime) as caught:
        parse_time(text, where="teams.a.hours[0]")
    _check(
        caught.value,
        f"teams.a.hours[0]: „{text}“ ist keine Uhrzeit im Format HH:MM (z. B. 09:00)",
        f"teams.a.hours[0]: '{text}' is not a time in HH:MM format (e.g. 09:00)",
    )
    assert caught.value.where == "teams.a.hours[0]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("09:00", time(9), id="padded"),
        pytest.param("9:00", time(9), id="unpadded"),
        pytest.param("23:59", time(23, 59), id="last-minute"),
        pytest.param("00:00", time(0), id="midnight"),
    ],
)
def test_times_that_are_accepted(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("spec", "bad"),
    [
        pytest.param("Mo 9-12:00", "9", id="start-9"),
        pytest.param("Mo 09:00-25:00", "25:00", id="end-25"),
        pytest.param("Mo 12:60-13:00", "12:60", id="start-12:60"),
        pytest.param("Mo ab-12:00", "ab", id="start-ab"),
    ],
)
def test_bad_time_in_window_spec(spec: str, bad: str) -> None:
    with pytest.raises(InvalidTime) as caught:
        windows_from_spec(spec, where="teams.b.hours[0]")
    _check(
        caught.value,
        f"teams.b.hours[0]: „{bad}“ ist keine Uhrzeit",
        f"teams.b.hours[0]: '{bad}' is not a time",
    )


def test_time_range_without_separator() -> None:
    with pytest.raises(InvalidTime) as caught:
        parse_time_range("09:00")
    _check(
        caught.value,
        "„09:00“ ist kein Zeitraum im Format HH:MM-HH:MM",
        "'09:00' is not a range in HH:MM-HH:MM format",
    )


# closures


@pytest.mark.parametrize(
    ("who", "who_de", "who_en"),
    [
        pytest.param("a", "Team „a“", "team 'a'", id="one-team"),
        pytest.param(None, "alle Teams", "all teams", id="all-teams"),
    ],
)
def test_closure_ending_before_it_starts(who: str | None, who_de: str, who_en: str) -> None:
    with pytest.raises(InvalidClosure) as caught:
        Closure(who, local(2026, 3, 10, 12), local(2026, 3, 10, 8))
    _check(
        caught.value,
        f"Schließung für {who_de}: Ende 2026-03-10T08:00:00+01:00 liegt nicht nach dem Beginn "
        "2026-03-10T12:00:00+01:00",
        f"closure for {who_en}: end 2026-03-10T08:00:00+01:00 is not after start "
        "2026-03-10T12:00:00+01:00",
    )


def test_closure_ending_when_it_starts() -> None:
    with pytest.raises(InvalidClosure) as caught:
        Closure("a", local(2026, 3, 10, 8), local(2026, 3, 10, 8))
    _check(caught.value, "liegt nicht nach dem Beginn", "is not after start")


def test_whole_day_closure_last_day_before_first() -> None:
    with pytest.raises(InvalidClosure) as caught:
        Closure.whole_days("a", date(2026, 3, 12), date(2026, 3, 10), TZ)
    _check(
        caught.value,
        "letzter Tag 2026-03-10 liegt vor dem ersten Tag 2026-03-12",
        "last day 2026-03-10 is before first day 2026-03-12",
    )


@pytest.mark.parametrize(
    ("start", "end", "which", "value"),
    [
        pytest.param(
            datetime(2026, 3, 10, 8),
            local(2026, 3, 10, 12),
            "Beginn",
            "2026-03-10T08:00:00",
            id="naive-start",
        ),
        pytest.param(
            local(2026, 3, 10, 8),
            datetime(2026, 3, 10, 12),
            "Ende",
            "2026-03-10T12:00:00",
            id="naive-end",
        ),
    ],
)
def test_naive_closure_datetimes(start: datetime, end: datetime, which: str, value: str) -> None:
    with pytest.raises(NaiveDatetime) as caught:
        Closure("a", start, end)
    _check(
        caught.value,
        f"Schließung für Team „a“: {which} {value} hat keine Zeitzone",
        f"closure for team 'a': {value} has no time zone",
    )


# pilots


def test_pilot_ending_before_it_starts() -> None:
    with pytest.raises(InvalidPilot) as caught:
        Pilot("a", date(2026, 5, 1), date(2026, 4, 30))
    _check(
        caught.value,
        "Pilotphase für Team „a“: Ende 2026-04-30 liegt vor dem Beginn 2026-05-01",
        "pilot for team 'a': end 2026-04-30 is before start 2026-05-01",
    )


A = team("a", "Mo-Fr 09:00-12:00")
B = team("b", "Mo-Fr 09:00-12:00")


@pytest.mark.parametrize(
    ("pilots", "de", "en"),
    [
        pytest.param(
            (Pilot("a", date(2026, 3, 1), date(2026, 3, 31)), Pilot("a", date(2026, 3, 15))),
            "Team „a“: Pilotphase 2026-03-01–2026-03-31 überschneidet sich mit Pilotphase "
            "2026-03-15–offen",
            "team 'a': pilot 2026-03-01–2026-03-31 overlaps pilot 2026-03-15–offen",
            id="open-ended",
        ),
        pytest.param(
            (
                Pilot("a", date(2026, 3, 1), date(2026, 3, 31)),
                Pilot("a", date(2026, 3, 31), date(2026, 4, 30)),
            ),
            "Team „a“: Pilotphase 2026-03-01–2026-03-31 überschneidet sich mit Pilotphase "
            "2026-03-31–2026-04-30",
            "team 'a': pilot 2026-03-01–2026-03-31 overlaps pilot 2026-03-31–2026-04-30",
            id="shared-last-day",
        ),
    ],
)
def test_overlapping_pilots_of_one_team(pilots: tuple[Pilot, ...], de: str, en: str) -> None:
    with pytest.raises(OverlappingPilots) as caught:
        Office(TZ, HESSEN, (A, B), pilots=pilots)
    _check(caught.value, de, en)
    assert caught.value.where == "pilots.a"


def test_adjacent_pilots_and_pilots_of_other_teams_are_accepted() -> None:
    office = Office(
        TZ,
        HESSEN,
        (A, B),
        pilots=(
            Pilot("a", date(2026, 3, 1), date(2026, 3, 31)),
            Pilot("a", date(2026, 4, 1)),
            Pilot("b", date(2026, 3, 1)),
        ),
    )
    assert len(office.pilots) == 3


# unknown team, duplicate team


@pytest.mark.parametrize(
    ("kwargs", "what_de", "what_en"),
    [
        pytest.param(
            {"closures": (Closure("x", local(2026, 3, 10), local(2026, 3, 11)),)},
            "Schließung",
            "closure",
            id="closure",
        ),
        pytest.param(
            {"openings": (SpecialOpening("x", date(2026, 3, 14), time(10), time(13)),)},
            "Sonderöffnung",
            "special opening",
            id="opening",
        ),
        pytest.param(
            {"pilots": (Pilot("x", date(2026, 3, 1)),)}, "Pilotphase", "pilot", id="pilot"
        ),
    ],
)
def test_unknown_team_referenced(kwargs: dict[str, object], what_de: str, what_en: str) -> None:
    with pytest.raises(UnknownTeam) as caught:
        Office(TZ, HESSEN, (A, B), **kwargs)  # type: ignore[arg-type,unused-ignore]
    _check(
        caught.value,
        f"{what_de}: unbekanntes Team „x“ (bekannt: a, b)",
        f"{what_en}: unknown team 'x' (known: a, b)",
    )
    assert caught.value.where == "teams.x"


@pytest.mark.parametrize("method", ["team", "schedule_for"])
def test_unknown_team_requested(method: str) -> None:
    office = Office(TZ, HESSEN, (A, B))
    with pytest.raises(UnknownTeam) as caught:
        getattr(office, method)("x")
    _check(
        caught.value,
        "Anfrage: unbekanntes Team „x“ (bekannt: a, b)",
        "request: unknown team 'x' (known: a, b)",
    )


def test_unknown_team_in_empty_office() -> None:
    with pytest.raises(UnknownTeam) as caught:
        Office(TZ, HESSEN, ()).team("x")
    _check(caught.value, "(bekannt: keine)", "(known: none)")


def test_closure_for_all_teams_needs_no_team() -> None:
    everyone = Closure(None, local(2026, 3, 10), local(2026, 3, 11))
    office = Office(TZ, HESSEN, (A, B), closures=(everyone,))
    assert office.schedule_for("b").closures == (everyone,)


def test_duplicate_team() -> None:
    with pytest.raises(DuplicateTeam) as caught:
        Office(TZ, HESSEN, (A, B, Team("a", "Noch ein A")))
    _check(caught.value, "Team „a“ ist doppelt angelegt", "team 'a' is defined twice")
    assert caught.value.where == "teams.a"


def test_every_error_is_a_schedule_error() -> None:
    for cls in (
        InvalidTime,
        UnknownWeekday,
        InvalidWindow,
        OverlappingWindows,
        InvalidClosure,
        InvalidPilot,
        OverlappingPilots,
        UnknownTeam,
        DuplicateTeam,
        NaiveDatetime,
    ):
        assert issubclass(cls, ScheduleError)
        error = cls("deutsch", "english", "where")
        assert str(error) == "deutsch"
        assert error.message("en-GB") == "english"
        assert error.where == "where"
