"""Headline metrics on small hand-built call sets; every number worked out by hand below.

The ten calls of `hand_calls()` (team A, windows Mo–Do 09–12, Monday 14 Sep 2026):

    h01 08:30 outside announcement         X   wait 25
    h02 09:10 inside  answered             X   wait 20  talk 120
    h03 09:20 inside  answered             Y   wait 45  talk 180
    h04 09:40 inside  abandoned            Z   wait  3  (a short abandon, ≤ 5 s)
    h05 10:05 inside  abandoned            Z   wait 50
    h06 10:30 inside  timeout (switchbd.)  W   wait 120
    h07 12:30 outside announcement_hangup  V   wait  6
    h08 14:00 outside announcement (direct line, number withheld)
    h09 Tue 15 Sep 09:15 inside answered   Y   wait 10  talk  60
    h10 Fri 25 Sep 09:00 inside answered   Y   wait  5  talk 100
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from evaluation_support import (
    BERLIN,
    HAND_CLOSURES,
    HAND_WALK_INS,
    MONDAY,
    OTHER,
    PERIOD,
    SETTINGS,
    TEAM,
    hand_calls,
)

from callcenter.evaluation.metrics import (
    CellTotals,
    percentile_from_histogram,
    period_metrics,
    talk_mean_of,
)
from callcenter.evaluation.records import aggregate_records


def _metrics(settings=SETTINGS, team: str | None = TEAM):
    aggregates = aggregate_records(
        hand_calls(),
        BERLIN,
        (TEAM, OTHER),
        *PERIOD,
        settings,
        closures=HAND_CLOSURES,
        walk_ins=HAND_WALK_INS,
    )
    return period_metrics(aggregates, team)


def test_counts_and_shares() -> None:
    m = _metrics()
    # 10 calls; inside: h02–h06, h09, h10 = 7; outside: h01, h07, h08 = 3.
    assert (m.offered, m.inside, m.outside) == (10, 7, 3)
    # Direct line: h08; via the switchboard: h06; team line: the other 8.
    assert (m.team_line, m.direct_line, m.switchboard) == (8, 1, 1)
    assert m.share_outside == pytest.approx(3 / 10)
    # Answered inside: h02, h03, h09, h10 = 4 of 7.
    assert m.answer_rate_inside == pytest.approx(4 / 7)


def test_service_level_and_abandonment_exclude_short_abandons() -> None:
    m = _metrics()
    # Answered within 30 s: h02 (20), h09 (10), h10 (5) = 3; h03 waited 45 s.
    # Offered inside 7, minus the short abandon h04 (3 s) = 6 -> 3/6.
    assert m.service_level == pytest.approx(0.5)
    # Abandoned inside: h04, h05 = 2, minus the short one = 1, over 6.
    assert m.abandonment_rate == pytest.approx(1 / 6)


def test_without_the_exclusion_short_abandons_count() -> None:
    m = _metrics(replace(SETTINGS, exclude_short_abandons=False))
    assert m.service_level == pytest.approx(3 / 7)
    assert m.abandonment_rate == pytest.approx(2 / 7)


def test_a_stricter_threshold_changes_the_service_level() -> None:
    # Within 15 s: h09 (10) and h10 (5) -> 2 / 6.
    m = _metrics(replace(SETTINGS, service_level_seconds=15))
    assert m.service_level == pytest.approx(2 / 6)


def test_wait_and_talk() -> None:
    m = _metrics()
    # Answered inside waited 20, 45, 10, 5: mean 80/4 = 20 s; the 90th percentile by
    # nearest rank is the 4th of 4 sorted waits (0.9 × 4 = 3.6, rounded up) = 45 s.
    assert m.wait_mean_seconds == pytest.approx(20.0)
    assert m.wait_p90_seconds == 45.0
    # Talk 120 + 180 + 60 + 100 = 460 over 4 calls.
    assert m.talk_mean_seconds == pytest.approx(115.0)


def test_callers_contacts_and_displaced_demand() -> None:
    m = _metrics()
    # Known callers X, Y, Z, W, V (h08 withheld its number, so it is no caller).
    assert m.unique_callers == 5
    # 9 calls with a known caller. New contacts: X (h01; h02 repeats), Y (h03; h09 repeats
    # the next day; h10 is 10 days after h09, more than 7: a new contact), Z (h04; h05
    # repeats), W, V -> 6. So 9 / 6 calls per contact.
    assert m.calls_per_caller_7d == pytest.approx(1.5)
    # Announcement callers (known): X (h01) and V (h07). X got through at h02, 40 minutes
    # after h01; V never did. Withheld h08 cannot be followed.
    assert m.displaced_share == pytest.approx(0.5)
    assert m.never_through_share == pytest.approx(0.5)
    assert m.displaced_delay_median_hours == pytest.approx(40 / 60)


def test_announcement_days_and_walk_ins() -> None:
    m = _metrics()
    assert m.announcement_days == (date(2026, 9, 24),)
    # Team A: 5 on Monday and 3 on Tuesday; team B's 4 are not team A's.
    assert m.walk_ins == 8


def test_totals_over_both_teams() -> None:
    m = _metrics(team=None)
    # Team B has no calls: totals equal team A's counts, walk-ins add team B's 4.
    assert (m.offered, m.inside, m.outside) == (10, 7, 3)
    assert m.walk_ins == 12
    assert m.team is None


def test_a_team_without_calls_has_no_rates() -> None:
    m = _metrics(team=OTHER)
    assert m.offered == 0
    assert m.share_outside is None
    assert m.answer_rate_inside is None
    assert m.service_level is None
    assert m.wait_p90_seconds is None
    assert m.calls_per_caller_7d is None
    assert m.displaced_share is None
    assert m.walk_ins == 4


def test_percentile_is_the_nearest_rank_of_whole_seconds() -> None:
    histogram = [(0, 5), (3, 3), (10, 2)]  # 10 waits: five of 0 s, three of 3 s, two of 10 s
    assert percentile_from_histogram(histogram, 0.5) == 0.0  # 5th of 10
    assert percentile_from_histogram(histogram, 0.8) == 3.0  # 8th of 10
    assert percentile_from_histogram(histogram, 0.9) == 10.0  # 9th of 10
    assert percentile_from_histogram([], 0.9) is None


def test_calls_outside_the_period_do_not_count() -> None:
    aggregates = aggregate_records(
        hand_calls(), BERLIN, (TEAM,), MONDAY, MONDAY, SETTINGS, closures=HAND_CLOSURES
    )
    m = period_metrics(aggregates, TEAM)
    # Monday alone: h01–h08.
    assert m.offered == 8
    assert m.announcement_days == ()
    assert m.walk_ins is None  # nothing entered


def test_talk_mean_of_cells_is_the_totals_talk_mean() -> None:
    cells = aggregate_records(
        hand_calls(), BERLIN, (TEAM, OTHER), MONDAY, PERIOD[1], SETTINGS
    ).cells
    assert talk_mean_of(cells) == CellTotals.of(cells).talk_mean()
    assert talk_mean_of(iter(cells)) == CellTotals.of(cells).talk_mean()
    without_answers = [c for c in cells if c.answered_inside == 0]
    assert talk_mean_of(without_answers) is None
    assert talk_mean_of(()) is None
