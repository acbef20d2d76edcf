"""German and English number formats and the weekly sums behind the per-team charts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from report_fixture import END, START, WEEKS, cells

from callcenter.evaluation.model import MetricKey
from callcenter.reporting.i18n import (
    NBSP,
    check_lang,
    fmt_date,
    fmt_effect,
    fmt_metric,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_seconds,
    fmt_signed,
    plotly_separators,
)
from callcenter.reporting.series import monday_of, week_starts, weekly_totals


@pytest.mark.parametrize(
    ("value", "decimals", "de", "en"),
    [
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567, 0, "1.234.567", "1,234,567"),
        (0.04, 1, "0,0", "0.0"),
        (-0.04, 1, "0,0", "0.0"),  # a rounded zero has no sign
        (-12.25, 2, "−12,25", "−12.25"),
        (None, 0, "–", "–"),
    ],
)
def test_numbers_use_the_decimal_comma_in_german(value, decimals, de, en) -> None:
    assert fmt_number(value, "de", decimals) == de
    assert fmt_number(value, "en", decimals) == en


def test_percent_has_a_space_before_the_sign_in_german_only() -> None:
    assert fmt_percent(0.75, "de") == f"75{NBSP}%"
    assert fmt_percent(0.75, "en") == "75%"
    assert fmt_percent(0.7531, "de", 1) == f"75,3{NBSP}%"
    assert fmt_percent(None, "de") == "–"


def test_changes_carry_their_sign_and_rates_change_in_percentage_points() -> None:
    assert fmt_signed(3.0, "de", 1) == "+3,0"
    assert fmt_signed(-3.0, "de", 1) == "−3,0"
    assert fmt_signed(0.0, "de", 1) == "0,0"
    assert fmt_points(-0.16, "de") == f"−16,0{NBSP}Pp."
    assert fmt_points(0.15, "en") == f"+15.0{NBSP}pp"
    assert fmt_effect(MetricKey.SHARE_OUTSIDE, -0.16, "de") == f"−16,0{NBSP}Pp."
    # Volumes change relatively (log-ratio), so a team of 154 calls compares with one of 83.
    assert fmt_effect(MetricKey.CALLS_PER_DAY, -0.03, "en") == "−3.0%"
    assert fmt_effect(MetricKey.CONTACTS_PER_DAY, 0.125, "de") == f"+12,5{NBSP}%"
    assert fmt_effect(MetricKey.CALLS_PER_CALLER_7D, 0.126, "de") == "+0,13"
    assert fmt_metric(MetricKey.SERVICE_LEVEL, 0.8, "de") == f"80,0{NBSP}%"
    assert fmt_metric(MetricKey.CALLS_PER_DAY, 118.0, "de") == "118,0"


def test_dates_seconds_separators_and_language_check() -> None:
    assert fmt_date(date(2026, 8, 17), "de") == "17.08.2026"
    assert fmt_date(date(2026, 8, 17), "en") == "2026-08-17"
    assert fmt_seconds(17.4, "de") == f"17{NBSP}s"
    assert plotly_separators("de") == ",."
    assert plotly_separators("en") == ".,"
    assert check_lang("en") == "en"
    with pytest.raises(ValueError, match="fr"):
        check_lang("fr")


def test_weeks_start_on_monday_and_cover_the_period() -> None:
    assert monday_of(date(2026, 8, 23)) == date(2026, 8, 17)
    assert week_starts(START, END) == list(WEEKS)
    assert week_starts(date(2026, 8, 5), date(2026, 8, 5)) == [date(2026, 8, 3)]


def test_weekly_totals_of_the_pilot_team_add_monday_and_tuesday_cells() -> None:
    weeks = weekly_totals(cells(), START, END, "auslaender-a")
    assert [week.week_start for week in weeks] == list(WEEKS)
    first = weeks[0]
    # Monday 40 inside / 20 outside + Tuesday 10 inside / 2 outside.
    assert (first.inside, first.outside, first.offered) == (50, 22, 72)
    assert (first.team_line, first.direct_line, first.switchboard) == (54, 12, 6)
    assert first.answer_rate == pytest.approx(38 / 50)
    assert first.service_level == pytest.approx(30 / 50)
    assert first.wait_mean_seconds == pytest.approx((900 + 160) / 38)


def test_weekly_totals_keep_empty_weeks_without_rates() -> None:
    weeks = weekly_totals(cells(), date(2026, 7, 27), END, "auslaender-a")
    assert weeks[0].week_start == date(2026, 7, 27)
    assert weeks[0].offered == 0
    assert weeks[0].answer_rate is None
    assert weeks[0].wait_mean_seconds is None
    everyone = weekly_totals(cells(), START, END)
    assert sum(week.offered for week in everyone) == 216 + 216 + 126


def test_weekly_service_level_leaves_out_short_abandons_like_the_evaluation() -> None:
    short = [replace(cell, short_abandons_inside=5) for cell in cells()[:1]]
    (week, *_) = weekly_totals(short, START, END, "auslaender-a")
    # Monday cell of week 1: 24 within target of 40 inside, 5 of them short abandons.
    assert week.service_level == pytest.approx(24 / 35)
    assert week.answer_rate == pytest.approx(30 / 40)
