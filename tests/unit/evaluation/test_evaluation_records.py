"""records.hour_cell: the hour cell of a row of sums, in the SQL's column order."""

from __future__ import annotations

from datetime import date

from callcenter.evaluation.model import HourCell
from callcenter.evaluation.records import hour_cell

SUMS = (12, 9, 3, 6, 4, 2, 7, 5, 1, 1, 2, 81.5, 640.25)


def test_hour_cell_takes_the_sums_in_column_order() -> None:
    made = hour_cell(("team-a", date(2026, 10, 25), 2), SUMS)
    assert made == HourCell("team-a", date(2026, 10, 25), 2, *SUMS)


def test_hour_cell_makes_counts_ints_and_seconds_floats() -> None:
    # The repeated autumn hour arrives as float sums.
    made = hour_cell(("team-a", date(2026, 10, 25), 2), [float(v) for v in SUMS])
    assert all(type(getattr(made, name)) is int for name in ("offered", "announcements"))
    assert type(made.wait_total_seconds) is float
    made = hour_cell(("team-a", date(2026, 10, 25), 2), [int(v) for v in SUMS])
    assert type(made.talk_total_seconds) is float
