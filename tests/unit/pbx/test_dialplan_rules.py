"""Targeted rules of the generated fallback: end minutes, DST, holidays, closures, horizon."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from dialplan_support import (
    BERLIN,
    NOW,
    at,
    example_dialplan,
    example_office,
    generate,
    lint,
    office,
    team,
    time_rules,
)

from callcenter.domain.schedule import Closure, SpecialOpening, state_at
from callcenter.pbx.dialplan_eval import Timing, fallback_state, read_contexts

FALLBACK_A = "callhours-fallback-auslaender-a"
FALLBACK_T1 = "callhours-fallback-t1"
DATED = re.compile(r"GotoIfTime\(([^,]+),\*,(\d+),([a-z]{3}),Europe/Berlin\?(\w+)\)")


def dated(text: str, context: str) -> list[tuple[str, int, str, str]]:
    """(times, mday, month, label) of every dated rule of a context."""
    return [
        (m.group(1), int(m.group(2)), m.group(3), m.group(4))
        for rule in time_rules(text, context)
        if (m := DATED.fullmatch(rule))
    ]


# ---------------------------------------------------------------- weekly windows


def test_window_ends_become_the_last_included_minute() -> None:
    # Asterisk matches 09:00-12:00 until 12:00:59, so a window ending at 12:00 ends at 11:59.
    assert time_rules(example_dialplan(), FALLBACK_A)[-2:] == [
        "GotoIfTime(09:00-11:59,mon-thu,*,*,Europe/Berlin?isopen)",
        "GotoIfTime(14:00-17:29,thu,*,*,Europe/Berlin?isopen)",
    ]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (("Mo-Fr 08:00-15:30",), ["08:00-15:29,mon-fri"]),
        (("Mo,Di,Do 08:00-12:00",), ["08:00-11:59,mon-tue", "08:00-11:59,thu"]),
        (("Mi 10:00-10:01",), ["10:00-10:00,wed"]),
        (("Sa-So 00:00-23:59",), ["00:00-23:58,sat-sun"]),
        (
            ("Mo-Do 08:00-16:00", "Fr 08:00-12:00"),
            ["08:00-15:59,mon-thu", "08:00-11:59,fri"],
        ),
    ],
)
def test_weekly_rules_use_ranges_of_consecutive_days(
    specs: tuple[str, ...], expected: list[str]
) -> None:
    rules = time_rules(generate(office([team(specs)])), FALLBACK_T1)
    assert rules == [f"GotoIfTime({e},*,*,Europe/Berlin?isopen)" for e in expected]


def test_every_time_rule_carries_the_time_zone() -> None:
    rules = [r for r in example_dialplan().splitlines() if "GotoIfTime(" in r]
    assert len(rules) > 40
    assert all(",Europe/Berlin?" in rule for rule in rules)
    assert all(Timing.parse(r.split("GotoIfTime(")[1].split("?")[0]).timezone for r in rules)


def test_sunday_window_across_the_dst_changeovers() -> None:
    """Sunday 01:30-02:30 is written 01:30-02:29,sun. Asterisk reads the clock in the zone:

    - spring (2027-03-28, 02:00 CET jumps to 03:00 CEST): 01:30-01:59 match, then 03:00 does
      not; the domain closes at the jump too (an end inside the gap takes effect then);
    - autumn (2027-10-31, 03:00 CEST falls back to 02:00 CET): 01:30 CEST to 02:29 CEST
      match, and the repeated 02:00-02:29 CET match once more, where the domain stays closed
      (an edge in the repeated hour takes effect at its first occurrence). The fallback is
      thus open 30 minutes too long that night; only while the live state is stale.
    """
    the_office = office([team(("So 01:30-02:30",))])
    text = generate(the_office)
    assert time_rules(text, FALLBACK_T1) == ["GotoIfTime(01:30-02:29,sun,*,*,Europe/Berlin?isopen)"]
    contexts = read_contexts(text)
    schedule = the_office.schedule_for("t1")

    def both(instant: datetime) -> tuple[str, str]:
        return fallback_state(contexts, "t1", instant), state_at(schedule, instant).astdb_value

    spring, autumn = date(2027, 3, 28), date(2027, 10, 31)
    assert both(at(spring, 1, 29)) == ("closed:hours", "closed:hours")
    assert both(at(spring, 1, 59)) == ("open", "open")
    assert both(at(spring, 3, 0)) == ("closed:hours", "closed:hours")
    assert both(at(autumn, 2, 29, fold=0)) == ("open", "open")
    assert both(at(autumn, 2, 30, fold=0)) == ("closed:hours", "closed:hours")
    assert both(at(autumn, 2, 15, fold=1)) == ("open", "closed:hours")  # the known difference
    assert both(at(autumn, 2, 30, fold=1)) == ("closed:hours", "closed:hours")


# ---------------------------------------------------------------- holidays


def test_holidays_are_whole_dated_days_with_the_time_zone() -> None:
    lines = [line for line in example_dialplan().splitlines() if "isholiday)" in line]
    fronleichnam = " same => n,GotoIfTime(*,*,27,may,Europe/Berlin?isholiday) ; 2027-05-27 "
    assert fronleichnam + "Fronleichnam" in lines
    christmas = " same => n,GotoIfTime(*,*,25,dec,Europe/Berlin?isholiday) ; 2026-12-25 "
    assert christmas + "Erster Weihnachtstag" in lines
    contexts = read_contexts(example_dialplan())
    assert fallback_state(contexts, "auslaender-a", at(date(2027, 5, 27), 10)) == "closed:holiday"
    # Thursday 2027-06-03 is an ordinary Thursday: open again.
    assert fallback_state(contexts, "auslaender-a", at(date(2027, 6, 3), 10)) == "open"


def test_teams_without_holidays_or_with_ignored_ones_get_no_rule_for_them() -> None:
    calendar = {date(2026, 12, 25): "Erster Weihnachtstag", date(2027, 5, 27): "Fronleichnam"}
    teams = [
        team(id="works", holidays_enabled=False),
        team(
            id="partly",
            ignored_holidays=frozenset({"Fronleichnam"}),
            team_lines=("0200",),
            direct_lines=(),
        ),
    ]
    text = generate(office(teams, holidays=calendar))
    assert dated(text, "callhours-fallback-works") == []
    assert dated(text, "callhours-fallback-partly") == [("*", 25, "dec", "isholiday")]


# ---------------------------------------------------------------- closures and openings


def test_closure_over_several_days_has_partial_first_and_last_days() -> None:
    closure = Closure(
        "t1",
        datetime(2026, 12, 1, 10, 30, tzinfo=BERLIN),
        datetime(2026, 12, 3, 14, 0, tzinfo=BERLIN),
        "Umzug",
    )
    text = generate(office(closures=[closure]))
    assert dated(text, FALLBACK_T1) == [
        ("10:30-23:59", 1, "dec", "isclosure"),
        ("*", 2, "dec", "isclosure"),
        ("00:00-13:59", 3, "dec", "isclosure"),
    ]
    assert "; 2026-12-02 Umzug" in text


def test_partial_day_closure_and_a_closure_ending_at_midnight() -> None:
    closures = [
        Closure(
            "t1", at(date(2026, 12, 10), 13), at(date(2026, 12, 10), 15), "Betriebsversammlung"
        ),
        Closure.whole_days(None, date(2026, 12, 14), date(2026, 12, 14), BERLIN, "Schulung"),
    ]
    text = generate(office(closures=closures))
    assert dated(text, FALLBACK_T1) == [
        ("13:00-14:59", 10, "dec", "isclosure"),
        ("*", 14, "dec", "isclosure"),  # ends at midnight: nothing on the 15th
    ]
    contexts = read_contexts(text)
    thursday = date(2026, 12, 10)
    assert fallback_state(contexts, "t1", at(thursday, 11)) == "open"
    assert fallback_state(contexts, "t1", at(thursday, 14, 59)) == "closed:closure"
    assert fallback_state(contexts, "t1", at(thursday, 15)) == "open"


def test_overlapping_closures_on_one_date_make_one_rule() -> None:
    day = date(2026, 12, 7)
    closures = [
        Closure("t1", at(day, 9), at(day, 10), "a"),
        Closure(None, at(day, 9, 30), at(day, 11), "b"),
        Closure("t1", at(day, 15), at(day, 16), "a"),
    ]
    rules = dated(generate(office(closures=closures)), FALLBACK_T1)
    assert rules == [("09:00-10:59&15:00-15:59", 7, "dec", "isclosure")]


def test_special_opening_comes_before_the_holidays_and_beats_them() -> None:
    holiday = date(2026, 12, 26)
    the_office = office(
        holidays={holiday: "Zweiter Weihnachtstag"},
        openings=[SpecialOpening("t1", holiday, time(10), time(12), "Notdienst")],
    )
    text = generate(the_office)
    assert dated(text, FALLBACK_T1) == [
        ("10:00-11:59", 26, "dec", "isopen"),
        ("*", 26, "dec", "isholiday"),
    ]
    contexts = read_contexts(text)
    assert fallback_state(contexts, "t1", at(holiday, 11)) == "open"
    assert fallback_state(contexts, "t1", at(holiday, 12)) == "closed:holiday"


def test_closures_come_first_and_swallow_openings_and_holidays_of_whole_days() -> None:
    day = date(2026, 12, 28)
    the_office = office(
        holidays={day: "Erfundener Feiertag"},
        closures=[Closure.whole_days(None, day, day, BERLIN, "zu")],
        openings=[SpecialOpening("t1", day, time(10), time(12))],
    )
    assert dated(generate(the_office), FALLBACK_T1) == [("*", 28, "dec", "isclosure")]


def test_partial_closure_still_lets_the_opening_rule_decide_the_rest_of_the_day() -> None:
    day = date(2026, 11, 28)  # a Saturday with a special opening 09:00-13:00
    the_office = office(
        closures=[Closure("t1", at(day, 12), at(day, 14))],
        openings=[SpecialOpening("t1", day, time(9), time(13))],
    )
    contexts = read_contexts(generate(the_office))
    assert fallback_state(contexts, "t1", at(day, 11, 59)) == "open"
    assert fallback_state(contexts, "t1", at(day, 12)) == "closed:closure"
    assert fallback_state(contexts, "t1", at(day, 14)) == "closed:hours"


# ---------------------------------------------------------------- the 12-month horizon


def test_nothing_dated_outside_the_next_365_days() -> None:
    today = NOW.date()  # 2026-11-21
    calendar = {
        today - timedelta(days=1): "gestern",
        today: "heute",
        today + timedelta(days=364): "letzter Tag",
        today + timedelta(days=365): "zu weit",
    }
    closures = [
        Closure.whole_days(None, date(2026, 11, 1), date(2026, 11, 20), BERLIN, "vorbei"),
        Closure.whole_days(None, date(2027, 11, 19), date(2027, 11, 25), BERLIN, "lang"),
    ]
    openings = [SpecialOpening("t1", date(2027, 11, 27), time(9), time(10))]
    text = generate(office(holidays=calendar, closures=closures, openings=openings))
    assert dated(text, FALLBACK_T1) == [
        ("*", 19, "nov", "isclosure"),
        ("*", 20, "nov", "isclosure"),
        ("*", 21, "nov", "isholiday"),
    ]
    assert "gestern" not in text
    assert "zu weit" not in text
    assert "vorbei" not in text


def test_example_emits_no_date_twice_and_only_dates_in_the_horizon() -> None:
    text = example_dialplan()
    first, last = NOW.date(), NOW.date() + timedelta(days=364)
    for context in read_contexts(text):
        if not context.startswith("callhours-fallback-"):
            continue
        rules = dated(text, context)
        per_kind = Counter((mday, month, label) for _, mday, month, label in rules)
        assert max(per_kind.values()) == 1, context
        whole_days = Counter((mday, month) for times, mday, month, _ in rules if times == "*")
        assert max(whole_days.values()) == 1, context
    stamps = [date.fromisoformat(d) for d in re.findall(r"; (\d{4}-\d\d-\d\d)", text)]
    assert stamps
    assert all(first <= stamp <= last for stamp in stamps)


def test_the_same_schedule_a_year_later_emits_next_years_dates() -> None:
    later = NOW + timedelta(days=365)
    text = generate(example_office(), later, direct_dial="PJSIP/${EXTEN}")
    assert "; 2027-12-25 Erster Weihnachtstag" in text
    assert "2026-12-25" not in text
    assert "?isclosure)" not in text  # the example's closures are in 2026


# ---------------------------------------------------------------- routing options


def test_early_media_off_answers_before_the_announcement() -> None:
    route = read_contexts(generate(office(), early_media=False))["callhours-route"]["s"]
    apps = [(s.app, s.data) for s in route]
    assert ("Progress", "") not in apps
    answer = apps.index(("Answer", ""))
    assert apps[answer + 1] == (
        "Playback",
        "callhours/${team}/closed-${reason}-de&callhours/${team}/closed-${reason}-en",
    )
    assert apps[answer + 2] == ("Hangup", "16")


def test_early_media_on_uses_progress_and_noanswer() -> None:
    route = read_contexts(generate(office()))["callhours-route"]["s"]
    apps = [s.app for s in route]
    assert apps.index("Progress") + 1 == apps.index("Playback")
    assert route[apps.index("Playback")].data.endswith(",noanswer")
    assert "Answer" not in apps


def test_languages_are_played_in_the_configured_order() -> None:
    route = read_contexts(generate(office(), languages=("en", "de", "tr")))["callhours-route"]
    playback = next(s for s in route["s"] if s.app == "Playback")
    assert playback.data == (
        "callhours/${team}/closed-${reason}-en&callhours/${team}/closed-${reason}-de"
        "&callhours/${team}/closed-${reason}-tr,noanswer"
    )


def test_stale_limit_is_a_literal_in_the_heartbeat_check() -> None:
    route = read_contexts(generate(office(), stale_after_seconds=90))["callhours-route"]["s"]
    check = next(s for s in route if s.app == "GotoIf" and "hb" in s.data)
    assert check.data.endswith("$[${EPOCH} - 0${hb}] > 90]?fallback")


def test_direct_lines_dial_per_team_and_team_lines_queue() -> None:
    entries = read_contexts(example_dialplan())["callhours-inbound"]

    def steps(number: str) -> list[tuple[str, str]]:
        return [(s.app, s.data) for s in entries[number] if s.app != "NoOp"]

    assert steps("_0615110XX") == [
        ("Gosub", "callhours-route,s,1(auslaender-a,direct,${EXTEN})"),
        ("Dial", "Local/1${EXTEN:-2}@agents,20"),
        ("Hangup", ""),
    ]
    assert steps("_0615120XX")[1] == ("Dial", "PJSIP/${EXTEN},20")
    assert steps("06151300") == [
        ("Gosub", "callhours-route,s,1(einbuergerung,team,${EXTEN})"),
        ("Queue", "einbuergerung,t,,,30"),
        ("Hangup", ""),
    ]
    assert steps("06151000") == [("Answer", ""), ("Queue", "zentrale,t,,,60"), ("Hangup", "")]


def test_options_change_context_timeouts_and_dial_strings() -> None:
    text = generate(
        office(),
        context="from-trunk-callhours",
        queue_timeout_seconds=45,
        direct_dial_timeout_seconds=15,
        team_direct_dial=(("t1", "SIP/${EXTEN}"),),
    )
    entries = read_contexts(text)["from-trunk-callhours"]
    assert [s.data for s in entries["0100"] if s.app == "Queue"] == ["q1,t,,,45"]
    assert [s.data for s in entries["_01XX"] if s.app == "Dial"] == ["SIP/${EXTEN},15"]
    assert "06151000" not in entries  # no switchboard configured
    assert lint(text) == []


def test_notes_cannot_break_out_of_their_comment() -> None:
    day = date(2026, 12, 9)
    note = "Wasserschaden;-- bitte --; nicht\nexten => 1,1,Hangup()  " + "x" * 400
    text = generate(office(closures=[Closure("t1", at(day, 8), at(day, 9), note)]))
    assert lint(text) == []
    assert not any(line.startswith("exten => 1,") for line in text.splitlines())
    assert read_contexts(text)[FALLBACK_T1]["s"][1].app == "GotoIfTime"
