"""The compiled fallback of one team as Asterisk time rules (GotoIfTime conditions).

Asterisk semantics this module is written against (main/pbx_timing.c, Asterisk 13–22):

- a condition is `times,weekdays,mdays,months[,timezone]`; every field may be `*`; there is
  no year field, so a dated rule matches again every year;
- a time range `HH:MM-HH:MM` includes its end minute (`09:00-12:00` still matches at
  12:00:59), so a window ending at 12:00 is written `09:00-11:59`;
- parts are joined with `&`; weekday and month ranges such as `mon-thu` are allowed;
- the time zone turns the PBX's clock into office wall time before matching, so every
  rule carries it: the fallback must not depend on the PBX host's zone.

Daylight-saving changeovers: on the spring day the skipped wall hour never matches, which
agrees with the domain's rule (an edge in the gap takes effect when the clock jumps). On the
autumn day the repeated wall hour is matched twice: a window reaching into 02:00–02:59 is
open again during the repetition, where the domain stays closed. Asterisk cannot tell the two
passes apart; the difference lasts at most an hour, once a year, and only while the service
is down (the live state in AstDB decides otherwise).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from callcenter.domain.schedule import Closure, Team, TeamSchedule, Window, wall_to_instant

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
LAST_MINUTE = 24 * 60 - 1
# Dated rules must not repeat: no (month, day) occurs twice in 365 consecutive days.
HORIZON_DAYS = 365

OPEN = "open"
CLOSED_HOURS = "closed:hours"
CLOSED_HOLIDAY = "closed:holiday"
CLOSED_CLOSURE = "closed:closure"

Span = tuple[int, int]  # first and last minute of the day, both inclusive


@dataclass(frozen=True)
class TimeRule:
    """One GotoIfTime condition (without the time zone) and the state it decides."""

    times: str
    weekdays: str
    mdays: str
    months: str
    state: str
    day: date | None = None  # the date of a dated rule
    note: str = ""

    def condition(self, timezone: str) -> str:
        return f"{self.times},{self.weekdays},{self.mdays},{self.months},{timezone}"


@dataclass(frozen=True)
class Horizon:
    """The local dates dated rules are emitted for: [first, last]."""

    first: date
    last: date

    @classmethod
    def starting(cls, today: date) -> Horizon:
        return cls(today, today + timedelta(days=HORIZON_DAYS - 1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


def _minute(value: time | datetime) -> int:
    return value.hour * 60 + value.minute


def _last_minute_before(value: time | datetime) -> int:
    """The last whole or partial minute before an exclusive end (Asterisk ends are inclusive)."""
    if value.second or value.microsecond:
        return _minute(value)
    return _minute(value) - 1


def window_span(start: time, end: time) -> Span:
    """A half-open wall-clock window [start, end) as inclusive minutes."""
    return _minute(start), _last_minute_before(end)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_times(spans: Iterable[Span]) -> str:
    """`*` for the whole day, else `HH:MM-HH:MM` parts joined with `&`."""
    merged = merge_spans(spans)
    if merged == [(0, LAST_MINUTE)]:
        return "*"
    return "&".join(f"{_clock(first)}-{_clock(last)}" for first, last in merged)


def weekday_runs(days: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive weekdays as (first, last) runs: {0,1,2,3,5} -> [(0, 3), (5, 5)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def format_weekdays(first: int, last: int) -> str:
    return WEEKDAYS[first] if first == last else f"{WEEKDAYS[first]}-{WEEKDAYS[last]}"


def weekly_rules(windows: Iterable[Window]) -> list[TimeRule]:
    """One rule per run of consecutive weekdays sharing a window, ordered by weekday."""
    days_by_span: dict[Span, list[int]] = defaultdict(list)
    for window in windows:
        days_by_span[window_span(window.start, window.end)].append(window.weekday)
    keyed = [(run, span) for span, days in days_by_span.items() for run in weekday_runs(days)]
    return [
        TimeRule(format_times([span]), format_weekdays(*run), "*", "*", OPEN)
        for run, span in sorted(keyed)
    ]


def _month_runs(first: date, last: date) -> Iterator[tuple[int, int, int]]:
    """(month, first mday, last mday) for the dates first..last, split at month ends."""
    day = first
    while day <= last:
        next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        run_last = min(last, next_month - timedelta(days=1))
        yield day.month, day.day, run_last.day
        day = run_last + timedelta(days=1)


def variant_rules(team: Team, horizon: Horizon) -> list[TimeRule]:
    """The date-range variants of the week inside the horizon: per month of a variant, its
    weekly windows limited to those days (open), then the rest of those days (closed:hours),
    so the base week's rules after them never see a variant's date."""
    rules: list[TimeRule] = []
    for variant in team.variants:
        first, last = max(variant.first, horizon.first), min(variant.last, horizon.last)
        for month, first_mday, last_mday in _month_runs(first, last):
            mdays = str(first_mday) if first_mday == last_mday else f"{first_mday}-{last_mday}"
            months = MONTHS[month - 1]
            rules += [
                TimeRule(rule.times, rule.weekdays, mdays, months, OPEN, note=variant.name)
                for rule in weekly_rules(variant.windows)
            ]
            rules.append(TimeRule("*", "*", mdays, months, CLOSED_HOURS, note=variant.name))
    return rules


def _dated(day: date, spans: Iterable[Span], state: str, notes: Iterable[str]) -> TimeRule:
    note = " / ".join(dict.fromkeys(n for n in notes if n))
    return TimeRule(format_times(spans), "*", str(day.day), MONTHS[day.month - 1], state, day, note)


def closure_spans(closure: Closure, tz: tzinfo, horizon: Horizon) -> dict[date, Span]:
    """The local minutes a closure covers on each affected date inside the horizon."""
    # UTC throughout: datetimes sharing one tzinfo compare by wall time and ignore fold.
    start = closure.start.astimezone(UTC)
    end = closure.end.astimezone(UTC)
    first = max(start.astimezone(tz).date(), horizon.first)
    last = min((end - timedelta(microseconds=1)).astimezone(tz).date(), horizon.last)
    spans: dict[date, Span] = {}
    day = first
    while day <= last:
        day_start = wall_to_instant(day, time(0), tz).astimezone(UTC)
        next_start = wall_to_instant(day + timedelta(days=1), time(0), tz).astimezone(UTC)
        begins = max(start, day_start)
        ends = min(end, next_start)
        if begins < ends:
            first_minute = 0 if begins == day_start else _minute(begins.astimezone(tz))
            last_minute = (
                LAST_MINUTE if ends == next_start else _last_minute_before(ends.astimezone(tz))
            )
            if last_minute >= first_minute:
                spans[day] = (first_minute, last_minute)
        day += timedelta(days=1)
    return spans


def dated_rules(schedule: TeamSchedule, horizon: Horizon) -> list[TimeRule]:
    """Closures, then special openings, then holidays: one rule per date and kind.

    The order is the domain's precedence: a closure beats everything, a special opening
    beats a holiday, a holiday beats the weekly windows.
    """
    closed: dict[date, list[Span]] = defaultdict(list)
    closed_notes: dict[date, list[str]] = defaultdict(list)
    for closure in schedule.closures:
        for day, span in closure_spans(closure, schedule.tz, horizon).items():
            closed[day].append(span)
            closed_notes[day].append(closure.note)
    whole_days = {day for day, spans in closed.items() if format_times(spans) == "*"}

    opened: dict[date, list[Span]] = defaultdict(list)
    opened_notes: dict[date, list[str]] = defaultdict(list)
    for opening in schedule.openings:
        if opening.day in horizon and opening.day not in whole_days:
            opened[opening.day].append(window_span(opening.start, opening.end))
            opened_notes[opening.day].append(opening.note)

    rules = [_dated(d, closed[d], CLOSED_CLOSURE, closed_notes[d]) for d in sorted(closed)]
    rules += [_dated(d, opened[d], OPEN, opened_notes[d]) for d in sorted(opened)]
    for day in horizon.days():
        name = schedule.holiday_on(day)
        if name is not None and day not in whole_days:
            rules.append(_dated(day, [(0, LAST_MINUTE)], CLOSED_HOLIDAY, [name]))
    return rules
