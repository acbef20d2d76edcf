"""What the generator refuses, and the Asterisk time matching the tests rely on."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from dialplan_support import at, generate, office, team

from callcenter.pbx.dialplan import DialplanError, DialplanOptions
from callcenter.pbx.dialplan_eval import DialplanReadError, Timing


def test_a_number_used_twice_is_refused() -> None:
    teams = [team(id="a"), team(id="b", direct_lines=())]
    with pytest.raises(DialplanError, match="0100"):
        generate(office(teams))


def test_a_switchboard_number_clashing_with_a_team_line_is_refused() -> None:
    with pytest.raises(DialplanError, match="switchboard"):
        generate(office(), switchboard_numbers=("0100",), switchboard_queue="zentrale")


def test_the_office_zone_must_be_the_dialplan_zone() -> None:
    with pytest.raises(DialplanError, match="Europe/Vienna"):
        generate(office(), timezone="Europe/Vienna")


def test_now_must_be_aware() -> None:
    with pytest.raises(DialplanError, match="time zone"):
        generate(office(), datetime(2026, 11, 21, 9, 45))


@pytest.mark.parametrize(
    "options",
    [
        {"direct_dial": "PJSIP/${EXTEN},30"},
        {"direct_dial": "PJSIP/${EXTEN};x"},
        {"team_direct_dial": (("t1", "a b"),)},
        {"languages": ()},
        {"languages": ("de;",)},
        {"context": "in bound"},
        {"stale_after_seconds": 0},
        {"switchboard_numbers": ("06151000",)},  # without a queue
    ],
)
def test_options_that_would_break_the_dialplan_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(DialplanError):
        DialplanOptions(**options)  # type: ignore[arg-type]


def test_the_local_date_of_now_starts_the_horizon() -> None:
    # 23:30 UTC on 2026-11-21 is already the 22nd in Berlin.
    late = datetime(2026, 11, 21, 23, 30, tzinfo=ZoneInfo("UTC"))
    text = generate(office(), late)
    assert "Dated rules cover 2026-11-22 to 2027-11-21" in text
    assert "Generated at 2026-11-22T00:30:00+01:00" in text


# ---------------------------------------------------------------- Asterisk time matching


def test_time_ranges_include_their_end_minute_and_wrap_at_midnight() -> None:
    day = date(2026, 11, 23)  # a Monday
    rule = Timing.parse("09:00-12:00,*,*,*,Europe/Berlin")
    assert rule.matches(at(day, 12, 0).replace(second=59))
    assert not rule.matches(at(day, 12, 1))
    night = Timing.parse("22:00-01:59,*,*,*,Europe/Berlin")
    assert night.matches(at(day, 23, 30))
    assert night.matches(at(day, 1, 0))
    assert not night.matches(at(day, 2, 0))


def test_weekday_and_month_ranges_are_cyclic_and_accept_names_and_numbers() -> None:
    weekend = Timing.parse("*,fri-mon,*,*,Europe/Berlin")
    assert [weekend.matches(at(date(2026, 11, 23 + i), 12)) for i in range(7)] == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    winter = Timing.parse("*,*,*,nov-feb,Europe/Berlin")
    assert winter.matches(at(date(2027, 1, 15), 12))
    assert not winter.matches(at(date(2027, 3, 15), 12))
    numbered = Timing.parse("*,*,1&15,5,Europe/Berlin")
    assert numbered.matches(at(date(2027, 5, 15), 12))
    assert not numbered.matches(at(date(2027, 5, 16), 12))


def test_the_zone_field_decides_which_clock_is_read() -> None:
    instant = datetime(2026, 11, 23, 8, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Berlin
    assert Timing.parse("09:00-09:59,*,*,*,Europe/Berlin").matches(instant)
    assert not Timing.parse("09:00-09:59,*,*,*,UTC").matches(instant)


def test_malformed_conditions_are_errors() -> None:
    for condition in ("09:00-12:00,*,*", "25:00-26:00,*,*,*", "*,xyz,*,*"):
        with pytest.raises(DialplanReadError):
            Timing.parse(condition)
