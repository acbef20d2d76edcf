"""Language-neutral shape of a weekly schedule, ready to be put into words.

Windows are grouped by time span first and by day set second, so that
"Mon–Thu 9–12 plus Thu 14–17:30" stays two groups (and reads "… and on Thursdays
also …") instead of splitting Thursday off into a group of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from callcenter.domain.schedule import Window

Span = tuple[time, time]


@dataclass(frozen=True)
class HoursGroup:
    """Weekdays (0 = Monday) sharing the same spans; `additional` if every day was named before."""

    days: tuple[int, ...]
    spans: tuple[Span, ...]
    additional: bool = False


def group_windows(windows: Iterable[Window]) -> tuple[HoursGroup, ...]:
    """The windows as groups, in the order a listener expects: by first day, then by time."""
    days_by_span: dict[Span, set[int]] = {}
    for window in windows:
        days_by_span.setdefault((window.start, window.end), set()).add(window.weekday)
    spans_by_days: dict[tuple[int, ...], list[Span]] = {}
    for span, days in days_by_span.items():
        spans_by_days.setdefault(tuple(sorted(days)), []).append(span)
    ordered = sorted(
        ((days, tuple(sorted(spans))) for days, spans in spans_by_days.items()),
        key=lambda item: (item[0][0], item[1][0], -len(item[0])),
    )
    groups = []
    named: set[int] = set()
    for group_days, spans in ordered:
        groups.append(HoursGroup(group_days, spans, additional=set(group_days) <= named))
        named.update(group_days)
    return tuple(groups)


def day_runs(days: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive weekdays as (first, last) runs: (0, 1, 2, 4) -> [(0, 2), (4, 4)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def day_items(days: Iterable[int]) -> list[tuple[int, int]]:
    """Runs to name: three or more days read as a range, shorter runs as single days."""
    items: list[tuple[int, int]] = []
    for first, last in day_runs(days):
        if last - first >= 2:
            items.append((first, last))
        else:
            items.extend((day, day) for day in range(first, last + 1))
    return items


def is_every_day(days: Iterable[int]) -> bool:
    return set(days) == set(range(7))
