"""Times of day as each language says them."""

from __future__ import annotations

from datetime import time

import pytest

from callcenter.prompts import phrases_de, phrases_en


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (time(9), "9 am"),
        (time(9, 5), "9:05 am"),
        (time(11, 59), "11:59 am"),
        (time(12), "12 noon"),
        (time(12, 30), "12:30 pm"),
        (time(13), "1 pm"),
        (time(17, 30), "5:30 pm"),
        (time(0), "12 midnight"),
        (time(0, 30), "12:30 am"),
        (time(23, 45), "11:45 pm"),
    ],
)
def test_english_twelve_hour_clock(at: time, expected: str) -> None:
    assert phrases_en.clock(at) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [(time(9), "9"), (time(17, 30), "17:30"), (time(8, 5), "8:05"), (time(0), "0")],
)
def test_german_clock_leaves_uhr_to_the_span(at: time, expected: str) -> None:
    assert phrases_de.clock(at) == expected


def test_german_span_says_uhr_once() -> None:
    assert phrases_de.span(time(14), time(17, 30)) == "von 14 bis 17:30 Uhr"
    assert phrases_de.span(time(9, 30), time(12)) == "von 9:30 bis 12 Uhr"
