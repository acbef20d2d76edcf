"""UTC hour buckets on the office calendar: DST changeovers, closure days, regular days."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from evaluation_support import (
    AUTUMN,
    BERLIN,
    SETTINGS,
    SPRING,
    TEAM,
    at,
    dst_calls,
    example_office,
)

from callcenter.domain.schedule import Closure
from callcenter.evaluation.days import closure_days, local_day_hour, parse_utc_hour, regular_day
from callcenter.evaluation.records import aggregate_records


def _cells():
    aggregates = aggregate_records(dst_calls(), BERLIN, (TEAM,), SPRING, AUTUMN, SETTINGS)
    return [c for c in aggregates.cells if c.day in (SPRING, AUTUMN)]


def test_utc_hour_buckets_parse_to_aware_utc_hours() -> None:
    for text, expected in (
        ("2026-08-17 07", datetime(2026, 8, 17, 7, tzinfo=UTC)),
        ("2026-01-01 00", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-10-25 23", datetime(2026, 10, 25, 23, tzinfo=UTC)),
    ):
        parsed = parse_utc_hour(text)
        assert parsed == expected
        assert parsed.tzinfo is UTC


def test_spring_day_has_23_local_hours_and_no_2_am() -> None:
    spring = [c for c in _cells() if c.day == SPRING]
    # 00:00 CET = 23:00 UTC the day before; 24:00 CEST = 22:00 UTC: 23 UTC hours.
    assert len(spring) == 23
    assert 2 not in {c.hour for c in spring}
    assert sum(c.offered for c in spring) == 23
    assert all(c.offered == 1 for c in spring)


def test_autumn_day_puts_both_2_am_hours_into_one_cell() -> None:
    autumn = [c for c in _cells() if c.day == AUTUMN]
    # 00:00 CEST = 22:00 UTC; 24:00 CET = 23:00 UTC on the day: 25 UTC hours, 24 cells.
    assert len(autumn) == 24
    counts = Counter({c.hour: c.offered for c in autumn})
    assert counts[2] == 2
    assert sum(counts.values()) == 25
    cell = next(c for c in autumn if c.hour == 2)
    assert cell.answered_inside == 2
    assert cell.talk_total_seconds == 120.0


def test_local_day_hour_of_utc_buckets() -> None:
    assert local_day_hour(datetime(2026, 3, 29, 1, tzinfo=UTC), BERLIN) == (SPRING, 3)
    assert local_day_hour(datetime(2026, 10, 25, 0, tzinfo=UTC), BERLIN) == (AUTUMN, 2)
    assert local_day_hour(datetime(2026, 10, 25, 1, tzinfo=UTC), BERLIN) == (AUTUMN, 2)
    assert local_day_hour(datetime(2026, 10, 24, 22, tzinfo=UTC), BERLIN) == (AUTUMN, 0)


def test_closure_days_whole_partial_and_for_all_teams() -> None:
    whole = Closure.whole_days(TEAM, date(2026, 9, 24), date(2026, 9, 25), BERLIN)
    partial = Closure(None, at(date(2026, 9, 28), 10), at(date(2026, 9, 28), 12))
    found = closure_days(
        [(c.team, c.start, c.end) for c in (whole, partial)],
        ("auslaender-a", "auslaender-b"),
        BERLIN,
        date(2026, 9, 1),
        date(2026, 9, 30),
    )
    # The whole-day closure ends at local midnight after the 25th: not the 26th.
    assert found == (
        ("auslaender-a", date(2026, 9, 24)),
        ("auslaender-a", date(2026, 9, 25)),
        ("auslaender-a", date(2026, 9, 28)),
        ("auslaender-b", date(2026, 9, 28)),
    )


def test_regular_days_skip_weekends_holidays_and_closures() -> None:
    office = example_office()
    closed = frozenset({(TEAM, date(2026, 9, 24))})
    assert regular_day(office, TEAM, date(2026, 9, 23), closed)  # a Wednesday
    assert not regular_day(office, TEAM, date(2026, 9, 24), closed)  # closure
    assert regular_day(office, "auslaender-b", date(2026, 9, 24), closed)
    assert not regular_day(office, TEAM, date(2026, 9, 26), closed)  # Saturday
    assert not regular_day(office, TEAM, date(2026, 6, 4), closed)  # Fronleichnam (HE)
