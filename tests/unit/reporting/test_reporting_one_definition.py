"""Every rate on the dashboard from the raw call records, with each [evaluation] switch.

The period tile (`pages.key_numbers`), the weekly chart (`team_charts.answer_rate_chart`)
and the pilot's weekly series and levels must show what a plain loop over the call records
gives, for the default settings and with each switch changed. Before issue 16 the weekly
chart always left short abandons out while the tile followed `exclude_short_abandons`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

import pytest
from evaluation_support import SETTINGS, synthetic_office

from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.evaluation.days import monday_of, regular_day
from callcenter.evaluation.model import MetricKey
from callcenter.evaluation.records import aggregate_records
from callcenter.evaluation.report import build_office_report
from callcenter.evaluation.synthetic import SyntheticParams, generate
from callcenter.reporting.i18n import fmt_number, fmt_percent, text
from callcenter.reporting.pages import key_numbers
from callcenter.reporting.team_charts import answer_rate_chart

PARAMS = SyntheticParams(scale=0.08)
START = date(2026, 8, 17)
TEAM = "auslaender-a"
VARIANTS = {
    "defaults": SETTINGS,
    "short abandons counted": replace(SETTINGS, exclude_short_abandons=False),
    "20 s threshold": replace(SETTINGS, service_level_seconds=20.0),
    "10 s short abandons": replace(SETTINGS, short_abandon_seconds=10.0),
    "3-day repeat window": replace(SETTINGS, repeat_window_days=3),
}


@pytest.fixture(scope="module")
def calls():
    office = synthetic_office(PARAMS)
    generated = generate(PARAMS, office, 2)
    return office, [r for chunk in generated.records() for r in chunk]


def _counts(records: list[CallRecord], settings, tz) -> dict[str, float]:
    inside = [r for r in records if r.in_hours]
    answered = [r for r in inside if r.outcome == Outcome.ANSWERED]
    short = [
        r
        for r in inside
        if r.outcome == Outcome.ABANDONED
        and r.wait_seconds is not None
        and r.wait_seconds <= settings.short_abandon_seconds
    ]
    excluded = len(short) if settings.exclude_short_abandons else 0
    within = [r for r in answered if (r.wait_seconds or 0) <= settings.service_level_seconds]
    abandoned = sum(r.outcome == Outcome.ABANDONED for r in inside)
    return {
        "share_outside": sum(r.in_hours is False for r in records) / len(records),
        "answer_rate": len(answered) / len(inside),
        "service_level": len(within) / (len(inside) - excluded),
        "abandonment": (abandoned - excluded) / (len(inside) - excluded),
    }


def _calls_per_contact(records: list[CallRecord], settings, first: date, tz) -> float:
    window = timedelta(days=settings.repeat_window_days)
    last_call: dict[tuple[str, str], object] = {}
    calls = contacts = 0
    for r in sorted(records, key=lambda r: r.started):
        if r.caller == WITHHELD:
            continue
        key = (r.caller, r.team)
        previous = last_call.get(key)
        last_call[key] = r.started
        if r.started.astimezone(tz).date() < first:
            continue
        calls += 1
        contacts += previous is None or r.started - previous > window  # type: ignore[operator]
    return calls / contacts


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_tile_chart_and_pilot_follow_the_one_definition(calls, variant: str) -> None:
    office, records = calls
    settings = VARIANTS[variant]
    end = PARAMS.last_day
    aggregates = aggregate_records(
        records, office.tz, office.team_ids, START, end, settings,
        cells_start=PARAMS.first_day, closures=office.closures,
    )  # fmt: skip
    report = build_office_report(aggregates, office)
    tz = office.tz

    def local(r: CallRecord) -> date:
        return r.started.astimezone(tz).date()

    team_records = [r for r in records if r.team == TEAM]
    period = [r for r in team_records if START <= local(r) <= end]
    expected = _counts(period, settings, tz)

    # The tile.
    shown = {n.label: n.value for n in key_numbers(
        next(p for p in report.per_team if p.team == TEAM), "de"
    )}  # fmt: skip
    assert shown[text("k_share_outside", "de")] == fmt_percent(expected["share_outside"], "de", 1)
    assert shown[text("k_answer_rate", "de")] == fmt_percent(expected["answer_rate"], "de", 1)
    assert shown[text("k_service_level", "de")] == fmt_percent(expected["service_level"], "de", 1)
    assert shown[text("k_abandonment", "de")] == fmt_percent(expected["abandonment"], "de", 1)
    known = [r for r in team_records if local(r) <= end]
    assert shown[text("k_calls_per_caller", "de")] == fmt_number(
        _calls_per_contact(known, settings, START, tz), "de", 2
    )

    # The weekly chart: answer rate and service level per week.
    chart = answer_rate_chart(report, TEAM, "de")
    answer_trace, level_trace = chart.data[0], chart.data[1]
    by_week: dict[date, list[CallRecord]] = defaultdict(list)
    for r in period:
        by_week[monday_of(local(r))].append(r)
    weeks = [date.fromisoformat(x[:10]) for x in level_trace["x"]]
    for week, level, answer in zip(weeks, level_trace["y"], answer_trace["y"], strict=True):
        counts = _counts(by_week[week], settings, tz)
        assert level == pytest.approx(counts["service_level"] * 100), week
        assert answer == pytest.approx(counts["answer_rate"] * 100), week

    # The pilot's levels and weekly series: the same ratios over regular days only.
    (pilot,) = report.pilots
    closed = frozenset(aggregates.closure_days)
    regular = [r for r in team_records if regular_day(office, TEAM, local(r), closed)]
    during = [r for r in regular if pilot.start <= local(r) <= pilot.end]
    before = [r for r in regular if pilot.before_start <= local(r) < pilot.start]
    effects = {e.metric: e for e in pilot.effects}
    level = effects[MetricKey.SERVICE_LEVEL]
    assert level.pilot_during == pytest.approx(_counts(during, settings, tz)["service_level"])
    assert level.pilot_before == pytest.approx(_counts(before, settings, tz)["service_level"])
    week = pilot.start + timedelta(days=14)
    (point,) = [
        p for p in pilot.weekly
        if p.week_start == week and p.group == "pilot" and p.metric == MetricKey.SERVICE_LEVEL
    ]  # fmt: skip
    this_week = [r for r in during if monday_of(local(r)) == week]
    assert point.value == pytest.approx(_counts(this_week, settings, tz)["service_level"])
