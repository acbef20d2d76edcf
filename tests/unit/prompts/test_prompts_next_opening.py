"""When the line opens next, in words: today, tomorrow, a weekday, a date; over holidays,
closures, special openings and the daylight-saving change (Europe/Berlin, Hessen holidays)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from prompts_support import EXAMPLE, HESSEN, TZ, closure, local, schedule

from callcenter.domain.errors import NaiveDatetime
from callcenter.domain.schedule import Closure, Reason, SpecialOpening, state_at
from callcenter.prompts.opening import next_opening
from callcenter.prompts.phrases import moment_phrase
from callcenter.prompts.templates import load_template
from callcenter.prompts.text import next_opening_sentence

CHRISTMAS = closure(date(2025, 12, 22), date(2026, 1, 2), "Betriebsferien")
# Tuesday to Friday closed: the next opening is the Monday a week later, seven days ahead.
REST_OF_WEEK = closure(date(2025, 4, 8), date(2025, 4, 11), "Personalengpass")

# (case, now, closures, expected opening, German sentence, English sentence)
CASES = [
    (
        "today, before the morning window",
        local(2025, 4, 8, 7, 30),
        (),
        local(2025, 4, 8, 9),
        "Ab heute, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from today at 9 am.",
    ),
    (
        "today, in the Thursday lunch break",
        local(2025, 4, 10, 12, 30),
        (),
        local(2025, 4, 10, 14),
        "Ab heute, 14 Uhr, sind wir wieder für Sie da.",
        "We are available again from today at 2 pm.",
    ),
    (
        "tomorrow",
        local(2025, 4, 7, 12, 0),
        (),
        local(2025, 4, 8, 9),
        "Ab morgen, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from tomorrow at 9 am.",
    ),
    (
        "tomorrow, one minute before midnight",
        local(2025, 4, 7, 23, 59),
        (),
        local(2025, 4, 8, 9),
        "Ab morgen, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from tomorrow at 9 am.",
    ),
    (
        "today, one minute after midnight",
        local(2025, 4, 8, 0, 1),
        (),
        local(2025, 4, 8, 9),
        "Ab heute, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from today at 9 am.",
    ),
    (
        "a weekday: over the weekend",
        local(2025, 4, 10, 18, 0),
        (),
        local(2025, 4, 14, 9),
        "Ab Montag, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from Monday at 9 am.",
    ),
    (
        "over Good Friday and Easter Monday",
        local(2025, 4, 17, 18, 0),
        (),
        local(2025, 4, 22, 9),
        "Ab Dienstag, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from Tuesday at 9 am.",
    ),
    (
        "on a holiday (Easter Monday)",
        local(2025, 4, 21, 10, 0),
        (),
        local(2025, 4, 22, 9),
        "Ab morgen, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from tomorrow at 9 am.",
    ),
    (
        "over a closure and New Year: far, with the date",
        local(2025, 12, 22, 10, 0),
        (CHRISTMAS,),
        local(2026, 1, 5, 9),
        "Ab Montag, 5. Januar, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from Monday, 5 January at 9 am.",
    ),
    (
        "exactly a week ahead reads as a date, not as 'Monday'",
        local(2025, 4, 7, 12, 30),
        (REST_OF_WEEK,),
        local(2025, 4, 14, 9),
        "Ab Montag, 14. April, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from Monday, 14 April at 9 am.",
    ),
    (
        "over the spring daylight-saving change: 9 o'clock stays 9 o'clock",
        local(2025, 3, 29, 12, 0),
        (),
        local(2025, 3, 31, 9),
        "Ab Montag, 9 Uhr, sind wir wieder für Sie da.",
        "We are available again from Monday at 9 am.",
    ),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("now", "closures", "opens"), [c[1:4] for c in CASES], ids=IDS)
def test_next_opening_instant(
    now: datetime, closures: tuple[Closure, ...], opens: datetime
) -> None:
    assert next_opening(schedule(*EXAMPLE, closures=closures), now) == opens


@pytest.mark.parametrize(("now", "closures", "german"), [(*c[1:3], c[4]) for c in CASES], ids=IDS)
def test_german_next_opening(now: datetime, closures: tuple[Closure, ...], german: str) -> None:
    sentence = next_opening_sentence(
        schedule(*EXAMPLE, closures=closures), load_template("de"), now
    )
    assert sentence == german


@pytest.mark.parametrize(("now", "closures", "english"), [(*c[1:3], c[5]) for c in CASES], ids=IDS)
def test_english_next_opening(now: datetime, closures: tuple[Closure, ...], english: str) -> None:
    sentence = next_opening_sentence(
        schedule(*EXAMPLE, closures=closures), load_template("en"), now
    )
    assert sentence == english


def test_the_fixture_dates_are_what_the_cases_claim() -> None:
    # Guards the table above against a wrong calendar assumption.
    assert HESSEN.get(date(2025, 4, 18)) == "Karfreitag"
    assert HESSEN.get(date(2025, 4, 21)) == "Ostermontag"
    assert HESSEN.get(date(2026, 1, 1)) == "Neujahr"
    assert state_at(schedule(*EXAMPLE), local(2025, 4, 21, 10)).reason is Reason.HOLIDAY
    closed = state_at(schedule(*EXAMPLE, closures=(CHRISTMAS,)), local(2025, 12, 22, 10))
    assert closed.reason is Reason.CLOSURE
    assert date(2026, 1, 5).weekday() == 0


def test_a_special_saturday_opening_comes_first() -> None:
    saturday = SpecialOpening("aufenthalt", date(2025, 4, 12), time(10), time(13))
    sched = schedule(*EXAMPLE, openings=(saturday,))
    now = local(2025, 4, 10, 18, 0)
    assert next_opening(sched, now) == local(2025, 4, 12, 10)
    assert next_opening_sentence(sched, load_template("de"), now) == (
        "Ab Samstag, 10 Uhr, sind wir wieder für Sie da."
    )


def test_a_closure_ending_exactly_a_week_later_reopens_then() -> None:
    # A week is the search step: the reopening lies on the boundary between two searches.
    now = local(2025, 4, 7, 10, 0)
    week = Closure("aufenthalt", now, local(2025, 4, 14, 10, 0), "Umzug")
    sched = schedule(*EXAMPLE, closures=(week,))
    assert next_opening(sched, now) == local(2025, 4, 14, 10)
    assert next_opening_sentence(sched, load_template("de"), now) == (
        "Ab Montag, 14. April, 10 Uhr, sind wir wieder für Sie da."
    )


def test_nothing_before_the_horizon_is_none() -> None:
    far = closure(date(2025, 4, 7), date(2025, 6, 30))
    assert next_opening(schedule(*EXAMPLE, closures=(far,)), local(2025, 4, 7, 10), 30) is None
    assert next_opening(schedule(*EXAMPLE, closures=(far,)), local(2025, 4, 7, 10)) == (
        local(2025, 7, 1, 9)
    )


def test_while_open_the_next_opening_is_after_the_coming_close() -> None:
    assert next_opening(schedule(*EXAMPLE), local(2025, 4, 10, 10, 0)) == local(2025, 4, 10, 14)


def test_no_windows_means_no_known_opening() -> None:
    sched = schedule()
    now = local(2025, 4, 8, 10)
    assert next_opening(sched, now) is None
    assert next_opening_sentence(sched, load_template("de"), now) == (
        "Wann wir wieder erreichbar sind, hören Sie hier."
    )


def test_naive_now_is_refused() -> None:
    with pytest.raises(NaiveDatetime):
        next_opening(schedule(*EXAMPLE), datetime(2025, 4, 8, 10))


@pytest.mark.parametrize(
    ("lang", "at", "now", "expected"),
    [
        ("ru", local(2025, 4, 8, 9), local(2025, 4, 4, 18), "во вторник в 9:00"),
        ("ru", local(2026, 1, 5, 9), local(2025, 12, 22, 10), "в понедельник, 5 января, в 9:00"),
        ("uk", local(2025, 4, 8, 11), local(2025, 4, 7, 18), "завтра об 11:00"),
        ("uk", local(2025, 4, 11, 9), local(2025, 4, 7, 18), "у п’ятницю о 9:00"),
        ("tr", local(2025, 4, 8, 14), local(2025, 4, 8, 7), "bugün, saat 14:00"),
        ("tr", local(2026, 1, 5, 9), local(2025, 12, 22, 10), "5 Ocak Pazartesi, saat 9:00"),
        ("ar", local(2025, 4, 8, 9), local(2025, 4, 7, 18), "الغد، الساعة 9:00"),
        ("ar", local(2026, 1, 5, 9), local(2025, 12, 22, 10), "يوم الاثنين 5 يناير، الساعة 9:00"),
    ],
)
def test_moments_in_other_languages(lang: str, at: datetime, now: datetime, expected: str) -> None:
    assert moment_phrase(at, now, TZ, lang) == expected
