"""records.hour_cell builds HourCells without their __init__ (see there): the same objects."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date

from callcenter.evaluation.model import HourCell
from callcenter.evaluation.records import hour_cell

SUMS = (12, 9, 3, 6, 4, 2, 7, 5, 1, 1, 2, 81.5, 640.25)


def test_hour_cell_equals_the_constructed_cell() -> None:
    made = hour_cell(("team-a", date(2026, 10, 25), 2), SUMS)
    expected = HourCell("team-a", date(2026, 10, 25), 2, *SUMS)
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert vars(made) == vars(expected)
    assert list(vars(made)) == [f.name for f in dataclasses.fields(HourCell)]
    assert dataclasses.replace(made, offered=13) == dataclasses.replace(expected, offered=13)
    assert pickle.loads(pickle.dumps(made)) == expected


def test_hour_cell_converts_like_the_constructor_did() -> None:
    # The repeated autumn hour arrives as float sums; counts become ints, seconds floats.
    made = hour_cell(("team-a", date(2026, 10, 25), 2), [float(v) for v in SUMS])
    assert all(type(getattr(made, name)) is int for name in ("offered", "announcements"))
    assert type(made.wait_total_seconds) is float
    made = hour_cell(("team-a", date(2026, 10, 25), 2), [int(v) for v in SUMS])
    assert type(made.talk_total_seconds) is float


def test_hour_cell_may_skip_init() -> None:
    # hour_cell fills the instance dict: that stays the same object only without these.
    assert not hasattr(HourCell, "__post_init__")
    assert not hasattr(HourCell, "__slots__")
    assert HourCell.__dataclass_params__.frozen  # type: ignore[attr-defined]
