"""One definition per key metric: its numerator and its denominator.

Every place that shows a rate — the period tile (`metrics.CellTotals`), the weekly charts
(`reporting.series` reads `CellTotals`), the pilot comparison (`did.metric_parts`, on numpy
arrays of days), the PDF, the API and `callcenter report` — takes it from `kpi_parts`, so a
switch such as `exclude_short_abandons` acts on all of them at once. The function works
on plain numbers and on numpy arrays alike (only + and − are used).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from callcenter.evaluation.model import EvaluationSettings, MetricKey

T = TypeVar("T")


@dataclass(frozen=True)
class Counts(Generic[T]):
    """The counts the key metrics are made of (numbers, or arrays of days)."""

    offered: T
    inside: T
    outside: T
    answered: T  # inside the hours
    within: T  # answered inside the hours within the service-level threshold
    abandoned: T  # inside the hours
    short: T  # abandoned inside within the short-abandon limit
    caller_calls: T  # calls with a known caller
    contacts: T  # of those, calls that began a new contact
    days: T  # regular working days


def kpi_parts(c: Counts[T], settings: EvaluationSettings) -> dict[MetricKey, tuple[T, T]]:
    """(numerator, denominator) of every key metric; the rate is their quotient."""
    short = c.short if settings.exclude_short_abandons else c.short - c.short  # type: ignore[operator]
    counted = c.inside - short  # type: ignore[operator]
    return {
        MetricKey.SHARE_OUTSIDE: (c.outside, c.offered),
        MetricKey.ANSWER_RATE_INSIDE: (c.answered, c.inside),
        MetricKey.SERVICE_LEVEL: (c.within, counted),
        MetricKey.ABANDONMENT_RATE: (c.abandoned - short, counted),  # type: ignore[operator]
        MetricKey.CALLS_PER_CALLER_7D: (c.caller_calls, c.contacts),
        MetricKey.CALLS_PER_DAY: (c.offered, c.days),
        MetricKey.CONTACTS_PER_DAY: (c.contacts, c.days),
    }
