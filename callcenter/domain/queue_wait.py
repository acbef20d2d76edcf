"""Estimated wait in a team's queue, from live data (issue 20, point 4). Pure: `now` comes in.

Two estimates, both from what the service already sees:

* `moving_average_wait`: the mean of the most recent answered waits within a window —
  robust with few calls, no model assumptions;
* `erlang_c_wait`: the expected wait (Erlang C) for the current number of agents, the
  arrival rate and the mean handling time — it sees a queue getting worse before the
  answered waits do, and says None when the queue cannot keep up (load ≥ agents).

`estimate_wait` picks: Erlang C when it has agents and a stable load, else the moving
average; for a caller at `position` the expected wait scales with the callers ahead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.domain.errors import NaiveDatetime


@dataclass(frozen=True)
class AnsweredWait:
    answered_at: datetime
    waited_seconds: float


def _aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise NaiveDatetime(
            f"Zeitpunkt {now.isoformat()} ohne Zeitzone", f"now {now.isoformat()} has no time zone"
        )


def moving_average_wait(
    waits: Sequence[AnsweredWait],
    now: datetime,
    window: timedelta = timedelta(minutes=30),
    last: int = 10,
) -> float | None:
    """Mean of the last `last` waits answered within `window` before `now`; None: none."""
    _aware(now)
    recent = sorted(
        (w for w in waits if now - window <= w.answered_at <= now), key=lambda w: w.answered_at
    )[-last:]
    if not recent:
        return None
    return sum(w.waited_seconds for w in recent) / len(recent)


def erlang_c_wait(arrivals_per_hour: float, handle_seconds: float, agents: int) -> float | None:
    """Expected wait of an arriving caller (seconds), M/M/n; None when unstable/unknown."""
    if agents <= 0 or arrivals_per_hour <= 0 or handle_seconds <= 0:
        return None if agents <= 0 else 0.0
    load = arrivals_per_hour * handle_seconds / 3600.0  # offered traffic in Erlang
    if load >= agents:
        return None
    # Erlang B by the stable recurrence, then C from B.
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    c = agents * b / (agents - load * (1 - b))
    return c * handle_seconds / (agents - load)


def estimate_wait(
    waits: Sequence[AnsweredWait],
    now: datetime,
    *,
    position: int = 1,
    agents: int = 0,
    arrivals_per_hour: float = 0.0,
    handle_seconds: float = 0.0,
) -> float | None:
    """Seconds a caller at `position` (1 = next) can expect to wait; None: no estimate."""
    _aware(now)
    if position < 1:
        raise ValueError(f"position must be at least 1, not {position}")
    erlang = erlang_c_wait(arrivals_per_hour, handle_seconds, agents)
    if erlang is not None and agents > 0:
        # Callers ahead are served `agents` at a time, one handling time per round.
        ahead = position - 1
        return erlang + math.floor(ahead / agents) * handle_seconds
    average = moving_average_wait(waits, now)
    return None if average is None else average * position


# Minutes a wait sentence is rendered for ("etwa 5 Minuten"): an estimate is rounded up to
# the next one, anything above the last is said as the last (its sentence adds "or more").
WAIT_BUCKETS = (1, 2, 3, 5, 10, 15, 20, 30)
# Below this the caller is served about when the sentence ends: nothing is said.
SILENT_BELOW_SECONDS = 15.0


def bucket_minutes(seconds: float | None) -> int:
    """The minutes the dialplan says for an estimate; 0 = say nothing."""
    if seconds is None or seconds < SILENT_BELOW_SECONDS:
        return 0
    minutes = seconds / 60.0
    for bucket in WAIT_BUCKETS:
        if minutes <= bucket:
            return bucket
    return WAIT_BUCKETS[-1]
