"""The weekly hours in words, German and English, over a table of schedules."""

from __future__ import annotations

from datetime import time

import pytest
from prompts_support import EXAMPLE, team

from callcenter.prompts.grouping import HoursGroup, group_windows
from callcenter.prompts.phrases import hours_phrase

# (case, window specs, German, English)
SCHEDULES = [
    (
        "one window",
        ("Mo 09:00-12:00",),
        "Montag von 9 bis 12 Uhr",
        "Monday, 9 am to 12 noon",
    ),
    (
        "issue example: Thursday afternoon on top",
        EXAMPLE,
        "Montag bis Donnerstag von 9 bis 12 Uhr und donnerstags zusätzlich von 14 bis 17:30 Uhr",
        "Monday to Thursday, 9 am to 12 noon, and on Thursdays also 2 pm to 5:30 pm",
    ),
    (
        "split days: different hours on different days",
        ("Mo-Mi 08:00-12:00", "Do 13:00-18:00", "Fr 08:00-11:30"),
        "Montag bis Mittwoch von 8 bis 12 Uhr, Donnerstag von 13 bis 18 Uhr "
        "und Freitag von 8 bis 11:30 Uhr",
        "Monday to Wednesday, 8 am to 12 noon; Thursday, 1 pm to 6 pm; "
        "and Friday, 8 am to 11:30 am",
    ),
    (
        "Saturday opening",
        ("Di-Fr 09:00-12:00", "Sa 10:00-13:00"),
        "Dienstag bis Freitag von 9 bis 12 Uhr und Samstag von 10 bis 13 Uhr",
        "Tuesday to Friday, 9 am to 12 noon, and Saturday, 10 am to 1 pm",
    ),
    (
        "a day with two windows",
        ("Di 09:00-12:00", "Di 14:00-16:00"),
        "Dienstag von 9 bis 12 Uhr und von 14 bis 16 Uhr",
        "Tuesday, 9 am to 12 noon and 2 pm to 4 pm",
    ),
    (
        "a day with two windows among one-window days",
        ("Di 09:00-12:00", "Di 14:00-16:00", "Do 09:00-12:00"),
        "Dienstag und Donnerstag von 9 bis 12 Uhr und dienstags zusätzlich von 14 bis 16 Uhr",
        "Tuesday and Thursday, 9 am to 12 noon, and on Tuesdays also 2 pm to 4 pm",
    ),
    (
        "all days equal",
        ("Mo-Fr 08:30-12:00",),
        "Montag bis Freitag von 8:30 bis 12 Uhr",
        "Monday to Friday, 8:30 am to 12 noon",
    ),
    (
        "all days equal, two windows a day",
        ("Mo-Fr 09:00-12:00", "Mo-Fr 13:00-15:00"),
        "Montag bis Freitag von 9 bis 12 Uhr und von 13 bis 15 Uhr",
        "Monday to Friday, 9 am to 12 noon and 1 pm to 3 pm",
    ),
    (
        "non-consecutive days",
        ("Mo 09:00-12:00", "Mi 09:00-12:00", "Fr 09:00-12:00"),
        "Montag, Mittwoch und Freitag von 9 bis 12 Uhr",
        "Monday, Wednesday and Friday, 9 am to 12 noon",
    ),
    (
        "two consecutive days are named, not ranged",
        ("Mo-Di 09:00-12:00",),
        "Montag und Dienstag von 9 bis 12 Uhr",
        "Monday and Tuesday, 9 am to 12 noon",
    ),
    (
        "a range plus single days",
        ("Mo-Mi 09:00-12:00", "Fr 09:00-12:00", "So 09:00-12:00"),
        "Montag bis Mittwoch, Freitag und Sonntag von 9 bis 12 Uhr",
        "Monday to Wednesday, Friday and Sunday, 9 am to 12 noon",
    ),
    (
        "a range on top of a longer range",
        ("Mo-Fr 09:00-12:00", "Mo-Mi 14:00-16:00"),
        "Montag bis Freitag von 9 bis 12 Uhr und montags bis mittwochs zusätzlich "
        "von 14 bis 16 Uhr",
        "Monday to Friday, 9 am to 12 noon, and from Monday to Wednesday also 2 pm to 4 pm",
    ),
    (
        "every day of the week",
        ("Mo-So 08:00-20:00",),
        "täglich von 8 bis 20 Uhr",
        "every day, 8 am to 8 pm",
    ),
    (
        "noon and midnight",
        ("Mo 00:00-01:00", "Mo 12:00-13:30", "Di 11:00-12:00"),
        "Montag von 0 bis 1 Uhr und von 12 bis 13:30 Uhr und Dienstag von 11 bis 12 Uhr",
        "Monday, 12 midnight to 1 am and 12 noon to 1:30 pm, and Tuesday, 11 am to 12 noon",
    ),
]


@pytest.mark.parametrize(
    ("specs", "german"),
    [(specs, de) for _, specs, de, _ in SCHEDULES],
    ids=[c[0] for c in SCHEDULES],
)
def test_german_hours(specs: tuple[str, ...], german: str) -> None:
    assert hours_phrase(team(*specs).windows, "de") == german


@pytest.mark.parametrize(
    ("specs", "english"),
    [(specs, en) for _, specs, _, en in SCHEDULES],
    ids=[c[0] for c in SCHEDULES],
)
def test_english_hours(specs: tuple[str, ...], english: str) -> None:
    assert hours_phrase(team(*specs).windows, "en") == english


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "tr",
            "pazartesiden perşembeye kadar saat 9:00 ile 12:00 arasında, "
            "perşembe günleri ayrıca saat 14:00 ile 17:30 arasında",
        ),
        (
            "ar",
            "من الاثنين إلى الخميس، من الساعة 9:00 إلى الساعة 12:00، "
            "وأيضًا يوم الخميس، من الساعة 14:00 إلى الساعة 17:30",
        ),
        ("ru", "с понедельника по четверг с 9:00 до 12:00, по четвергам также с 14:00 до 17:30"),
        ("uk", "з понеділка по четвер з 9:00 до 12:00, по четвергах також з 14:00 до 17:30"),
    ],
)
def test_other_languages_read_the_example(lang: str, expected: str) -> None:
    assert hours_phrase(team(*EXAMPLE).windows, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("tr", "pazartesi, çarşamba ve cuma günleri saat 9:00 ile 12:00 arasında"),
        ("ar", "أيام الاثنين والأربعاء والجمعة، من الساعة 9:00 إلى الساعة 12:00"),
        ("ru", "по понедельникам, средам и пятницам с 9:00 до 12:00"),
        ("uk", "по понеділках, середах і п’ятницях з 9:00 до 12:00"),
    ],
)
def test_other_languages_read_single_days(lang: str, expected: str) -> None:
    specs = ("Mo 09:00-12:00", "Mi 09:00-12:00", "Fr 09:00-12:00")
    assert hours_phrase(team(*specs).windows, lang) == expected


def test_russian_uses_so_before_tuesday_and_wednesday() -> None:
    # "со вторника", "со среды": the preposition changes before these two consonant clusters.
    assert hours_phrase(team("Di-Fr 09:00-12:00").windows, "ru") == (
        "со вторника по пятницу с 9:00 до 12:00"
    )
    assert hours_phrase(team("Mi-Fr 09:00-12:00").windows, "ru") == (
        "со среды по пятницу с 9:00 до 12:00"
    )


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar", "ru", "uk"])
def test_no_windows_give_no_phrase(lang: str) -> None:
    assert hours_phrase((), lang) == ""


def test_groups_keep_the_extra_afternoon_apart_from_the_mornings() -> None:
    groups = group_windows(team(*EXAMPLE).windows)
    assert groups == (
        HoursGroup((0, 1, 2, 3), ((time(9), time(12)),)),
        HoursGroup((3,), ((time(14), time(17, 30)),), additional=True),
    )


def test_groups_do_not_call_new_days_additional() -> None:
    groups = group_windows(team("Mo 07:00-08:00", "Mo-Fr 09:00-12:00").windows)
    assert [group.additional for group in groups] == [False, False]
    assert hours_phrase(team("Mo 07:00-08:00", "Mo-Fr 09:00-12:00").windows, "de") == (
        "Montag von 7 bis 8 Uhr und Montag bis Freitag von 9 bis 12 Uhr"
    )
