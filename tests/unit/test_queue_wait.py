"""Estimated queue wait: moving average of answered waits and Erlang C (pure, `now` given)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.domain.errors import NaiveDatetime
from callcenter.domain.queue_wait import (
    AnsweredWait,
    erlang_c_wait,
    estimate_wait,
    moving_average_wait,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def ago(minutes: float, waited: float) -> AnsweredWait:
    return AnsweredWait(NOW - timedelta(minutes=minutes), waited)


def test_moving_average_uses_the_recent_window_and_the_last_ones() -> None:
    waits = [ago(45, 900), ago(20, 30), ago(10, 60), ago(5, 90), ago(-1, 999)]
    # 45 min ago is outside the 30 min window; the future one is not yet known.
    assert moving_average_wait(waits, NOW) == pytest.approx(60)
    assert moving_average_wait(waits, NOW, last=1) == pytest.approx(90)
    assert moving_average_wait([], NOW) is None


def test_erlang_c_matches_textbook_values() -> None:
    # M/M/1 at 50 % load, 60 s handling: Wq = rho / (mu - lambda) = 60 s.
    assert erlang_c_wait(30, 60, 1) == pytest.approx(60)
    # 2 Erlang on 3 agents: C = 4/9, Wq = C * h / (n - A) = 26.67 s.
    assert erlang_c_wait(120, 60, 3) == pytest.approx(4 / 9 * 60, rel=1e-9)
    assert erlang_c_wait(180, 60, 3) is None  # 3 Erlang on 3 agents never drains
    assert erlang_c_wait(0, 60, 2) == 0.0


@given(
    rate=st.floats(min_value=1, max_value=500),
    handle=st.floats(min_value=10, max_value=900),
    agents=st.integers(min_value=1, max_value=30),
)
def test_more_agents_never_wait_longer(rate: float, handle: float, agents: int) -> None:
    fewer = erlang_c_wait(rate, handle, agents)
    more = erlang_c_wait(rate, handle, agents + 1)
    if fewer is not None:
        assert more is not None
        assert more <= fewer + 1e-9


def test_estimate_prefers_erlang_with_agents_and_scales_with_position() -> None:
    waits = [ago(5, 300)]
    first = estimate_wait(waits, NOW, agents=3, arrivals_per_hour=120, handle_seconds=60)
    fourth = estimate_wait(
        waits, NOW, position=4, agents=3, arrivals_per_hour=120, handle_seconds=60
    )
    assert first == pytest.approx(26.67, abs=0.01)
    assert fourth == pytest.approx(26.67 + 60, abs=0.01)
    # No agents logged in: the answered waits are all there is.
    assert estimate_wait(waits, NOW, position=2) == pytest.approx(600)
    assert estimate_wait([], NOW) is None


def test_naive_now_and_bad_position_are_refused() -> None:
    with pytest.raises(NaiveDatetime):
        moving_average_wait([], NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="position"):
        estimate_wait([], NOW, position=0)
