"""Call-hour schedules: windows, holidays, closures, special openings, pilots.

Pure and clock-free: every function takes the instant it is asked about.

Wall-clock rule for daylight-saving changeovers (documented in the README too):
windows are office-clock times. An edge whose wall time does not exist (the skipped
hour in spring, 02:00–02:59 in Europe/Berlin) takes effect at the first wall time
that does exist after it, i.e. the moment the clock jumps (03:00 CEST); a window lying
wholly inside the skipped hour does not take place that day. An edge whose wall time
occurs twice (the repeated hour in autumn) takes effect at its first occurrence
(before the clock is turned back); the repetition never reopens or recloses a window.

A team may keep date-range variants of its week ("Sommerzeiten", `WeekVariant`): on a local
date inside one, its windows replace the base week's (`Team.windows_on`); holidays,
closures and special openings apply on top as on any other day. A window may end at 24:00
(`timeparse.END_OF_DAY`), which means the next local midnight.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

from callcenter.domain.errors import (
    DuplicateTeam,
    InvalidClosure,
    InvalidPilot,
    InvalidVariant,
    InvalidWindow,
    NaiveDatetime,
    OverlappingPilots,
    OverlappingVariants,
    OverlappingWindows,
    UnknownTeam,
    UnknownWeekday,
)
from callcenter.domain.timeparse import (
    END_OF_DAY,
    WEEKDAY_NAMES_DE,
    WEEKDAY_NAMES_EN,
    WEEKDAY_SHORT_DE,
    format_time,
    parse_time_range,
    parse_weekdays,
)

_ONE_MICROSECOND = timedelta(microseconds=1)
_PUBLIC_REASON_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
# How far ahead `state_at` looks for the next change before it reports "no change known".
UNTIL_HORIZON_DAYS = 400


class State(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Reason(StrEnum):
    HOURS = "hours"
    HOLIDAY = "holiday"
    CLOSURE = "closure"


class HolidayCalendar(Protocol):
    """What we need of a holiday calendar: the holiday's name on a date, or None.

    The `holidays` package's country objects satisfy this; tests may pass a dict.
    """

    def get(self, key: date, default: None = None) -> str | None: ...


@dataclass(frozen=True, order=True)
class Window:
    """A weekly call-hour window: weekday 0 (Monday) … 6 (Sunday), local wall-clock times."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise UnknownWeekday(
                f"unbekannter Wochentag {self.weekday} (0 = Montag … 6 = Sonntag)",
                f"unknown weekday {self.weekday} (0 = Monday … 6 = Sunday)",
            )
        if self.end <= self.start:
            raise InvalidWindow(
                f"{WEEKDAY_NAMES_DE[self.weekday]}: Fenster {self.label} endet nicht nach "
                "seinem Beginn",
                f"{WEEKDAY_NAMES_EN[self.weekday]}: window {self.label} does not end after it "
                "starts",
            )

    @property
    def label(self) -> str:
        return f"{format_time(self.start)}–{format_time(self.end)}"


def windows_from_spec(spec: str, where: str = "") -> tuple[Window, ...]:
    """'Mo-Do 09:00-12:00' -> one Window per weekday."""
    parts = spec.strip().split()
    if len(parts) != 2:
        raise InvalidWindow(
            f"{where + ': ' if where else ''}„{spec}“ ist keine Fensterangabe wie "
            "„Mo-Do 09:00-12:00“",
            f"{where + ': ' if where else ''}'{spec}' is not a window like 'Mon-Thu 09:00-12:00'",
            where,
        )
    days = parse_weekdays(parts[0], where)
    start, end = parse_time_range(parts[1], where)
    try:
        return tuple(Window(day, start, end) for day in days)
    except InvalidWindow as exc:
        prefix_de = f"{where}: " if where else ""
        raise InvalidWindow(prefix_de + exc.de, prefix_de + exc.en, where) from None


@dataclass(frozen=True)
class Team:
    """A team with call hours. Line numbers are here because routing and logging need them."""

    id: str
    name_de: str
    name_en: str = ""
    windows: tuple[Window, ...] = ()
    holidays_enabled: bool = True
    # Holiday names (as the calendar spells them) this team works through anyway.
    ignored_holidays: frozenset[str] = frozenset()
    queue: str = ""
    team_lines: tuple[str, ...] = ()
    direct_lines: tuple[str, ...] = ()
    # Other weekly patterns for date ranges ("Sommerzeiten"), by first day; they never overlap.
    variants: tuple[WeekVariant, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "windows",
            ordered_windows(
                self.windows, f"Team „{self.id}“", f"team '{self.id}'", f"teams.{self.id}.windows"
            ),
        )
        variants = tuple(sorted(self.variants, key=lambda v: (v.first, v.last)))
        for earlier, later in pairwise(variants):
            if later.first <= earlier.last:
                raise OverlappingVariants(
                    f"Team „{self.id}“: Zeitraum „{later.name}“ ({later.period}) überschneidet "
                    f"sich mit „{earlier.name}“ ({earlier.period})",
                    f"team '{self.id}': period '{later.name}' ({later.period}) overlaps "
                    f"'{earlier.name}' ({earlier.period})",
                    "first",
                )
        object.__setattr__(self, "variants", variants)

    def variant_on(self, day: date) -> WeekVariant | None:
        """The date-range variant in force on a local date, if any."""
        for variant in self.variants:
            if variant.covers(day):
                return variant
        return None

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The weekly windows that apply on a local date: a variant's or the base week's
        (all weekdays; callers pick the date's weekday)."""
        variant = self.variant_on(day)
        return self.windows if variant is None else variant.windows


def ordered_windows(
    windows: Sequence[Window], who_de: str, who_en: str, where: str
) -> tuple[Window, ...]:
    """Windows sorted; two on one weekday that overlap are an OverlappingWindows."""
    ordered = sorted(windows)
    for earlier, later in pairwise(ordered):
        if earlier.weekday == later.weekday and later.start < earlier.end:
            day_de = WEEKDAY_NAMES_DE[earlier.weekday]
            day_en = WEEKDAY_NAMES_EN[earlier.weekday]
            raise OverlappingWindows(
                f"{who_de}, {day_de}: Fenster {earlier.label} und {later.label} überschneiden sich",
                f"{who_en}, {day_en}: windows {earlier.label} and {later.label} overlap",
                where,
            )
    return tuple(ordered)


@dataclass(frozen=True)
class WeekVariant:
    """A second weekly pattern of a team for the local dates `first`..`last` (inclusive),
    e.g. "Sommerzeiten" in the school holidays. On those dates it replaces the base week;
    holidays, closures and special openings apply on top as on any other day."""

    name: str
    first: date
    last: date
    windows: tuple[Window, ...] = ()
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        name = " ".join(self.name.split())
        if not name:
            raise InvalidVariant(
                "Zeitraum mit eigenen Sprechzeiten: der Name fehlt (z. B. „Sommerzeiten“)",
                "period with its own call hours: the name is missing (e.g. 'Sommerzeiten')",
                "name",
            )
        object.__setattr__(self, "name", name)
        if self.last < self.first:
            raise InvalidVariant(
                f"Zeitraum „{name}“: letzter Tag {self.last:%d.%m.%Y} liegt vor dem ersten "
                f"Tag {self.first:%d.%m.%Y}",
                f"period '{name}': last day {self.last.isoformat()} is before the first day "
                f"{self.first.isoformat()}",
                "last",
            )
        object.__setattr__(
            self,
            "windows",
            ordered_windows(self.windows, f"Zeitraum „{name}“", f"period '{name}'", "windows"),
        )

    @property
    def period(self) -> str:
        return f"{self.first:%d.%m.%Y}–{self.last:%d.%m.%Y}"

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Closure:
    """The announcement all day long: a closed range for one team (or all teams if team is None)."""

    team: str | None
    start: datetime
    end: datetime
    # Internal note ("Vermerk"): for staff only, never spoken to callers.
    note: str = ""
    id: int | None = field(default=None, compare=False)
    created_by: str = field(default="", compare=False)
    # Public reason ("Grund, öffentlich"): a key of the announcement templates' list
    # (e.g. "organisational"); the announcement says it in each caller's language. Empty:
    # the announcement gives no reason.
    public_reason: str = ""
    # Whether switchboard staff see the internal note on the board (default: they do not).
    note_on_board: bool = False

    def __post_init__(self) -> None:
        who = f"Team „{self.team}“" if self.team else "alle Teams"
        who_en = f"team '{self.team}'" if self.team else "all teams"
        if self.public_reason and not _PUBLIC_REASON_KEY.fullmatch(self.public_reason):
            raise InvalidClosure(
                f"Schließung für {who}: öffentlicher Grund „{self.public_reason}“ ist kein "
                "Schlüssel der Liste (z. B. organisational)",
                f"closure for {who_en}: public reason '{self.public_reason}' is not a key of "
                "the list (e.g. organisational)",
            )
        for name, value in (("Beginn", self.start), ("Ende", self.end)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise NaiveDatetime(
                    f"Schließung für {who}: {name} {value.isoformat()} hat keine Zeitzone",
                    f"closure for {who_en}: {value.isoformat()} has no time zone",
                )
        if self.end <= self.start:
            raise InvalidClosure(
                f"Schließung für {who}: Ende {self.end.isoformat()} liegt nicht nach dem Beginn "
                f"{self.start.isoformat()}",
                f"closure for {who_en}: end {self.end.isoformat()} is not after start "
                f"{self.start.isoformat()}",
            )

    @classmethod
    def whole_days(
        cls,
        team: str | None,
        first: date,
        last: date,
        tz: tzinfo,
        note: str = "",
        created_by: str = "",
        public_reason: str = "",
    ) -> Closure:
        """A closure from local midnight of `first` to local midnight after `last`."""
        if last < first:
            raise InvalidClosure(
                f"Schließung: letzter Tag {last.isoformat()} liegt vor dem ersten Tag "
                f"{first.isoformat()}",
                f"closure: last day {last.isoformat()} is before first day {first.isoformat()}",
            )
        return cls(
            team,
            wall_to_instant(first, time(0), tz),
            wall_to_instant(last + timedelta(days=1), time(0), tz),
            note,
            created_by=created_by,
            public_reason=public_reason,
        )

    def affects(self, team_id: str) -> bool:
        return self.team is None or self.team == team_id


@dataclass(frozen=True)
class SpecialOpening:
    """An extra window on one date (e.g. a Saturday service day); beats holidays, not closures."""

    team: str
    day: date
    start: time
    end: time
    note: str = ""
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidWindow(
                f"Sonderöffnung für Team „{self.team}“ am {self.day.isoformat()}: "
                f"{format_time(self.start)}–{format_time(self.end)} endet nicht nach seinem Beginn",
                f"special opening for team '{self.team}' on {self.day.isoformat()}: "
                f"{format_time(self.start)}–{format_time(self.end)} does not end after it starts",
            )


@dataclass(frozen=True)
class Pilot:
    """A pilot period of a team: start date, optional (inclusive) end date."""

    team: str
    start: date
    end: date | None = None
    note: str = ""
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InvalidPilot(
                f"Pilotphase für Team „{self.team}“: Ende {self.end.isoformat()} liegt vor dem "
                f"Beginn {self.start.isoformat()}",
                f"pilot for team '{self.team}': end {self.end.isoformat()} is before start "
                f"{self.start.isoformat()}",
            )

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Pilot) -> bool:
        self_end = self.end or date.max
        other_end = other.end or date.max
        return self.start <= other_end and other.start <= self_end


@dataclass(frozen=True)
class TeamState:
    """A team's state at an instant and the instant of its next change (None: none known)."""

    state: State
    reason: Reason | None
    until: datetime | None

    @property
    def astdb_value(self) -> str:
        """The value the dialplan reads from AstDB: 'open' or 'closed:<reason>'."""
        return str(self.state) if self.reason is None else f"{self.state}:{self.reason}"


@dataclass(frozen=True)
class Transition:
    """A change of a team's state: from `at` on, the team is `state` (for `reason`)."""

    at: datetime
    state: State
    reason: Reason | None


@dataclass(frozen=True)
class TeamSchedule:
    """Everything that decides one team's state: its windows plus the office-wide rules."""

    team: Team
    tz: tzinfo
    holidays: HolidayCalendar
    closures: tuple[Closure, ...] = ()
    openings: tuple[SpecialOpening, ...] = ()

    def holiday_on(self, day: date) -> str | None:
        """The holiday's name if the team observes a public holiday on this local date."""
        if not self.team.holidays_enabled:
            return None
        name = self.holidays.get(day)
        if name is None or name in self.team.ignored_holidays:
            return None
        return name

    def closure_at(self, at: datetime) -> Closure | None:
        # Compare in UTC: Python compares datetimes sharing one tzinfo by wall time, ignoring fold.
        at = at.astimezone(UTC)
        for closure in self.closures:
            if closure.start <= at < closure.end:
                return closure
        return None

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The team's open instants (UTC) on a local date, before closures are applied."""
        spans = [(o.start, o.end) for o in self.openings if o.day == day]
        if self.holiday_on(day) is None:
            weekday = day.weekday()
            spans.extend(
                (w.start, w.end) for w in self.team.windows_on(day) if w.weekday == weekday
            )
        midnight = wall_to_instant(day + timedelta(days=1), time(0), self.tz).astimezone(UTC)
        intervals = []
        for start, end in spans:
            begins = wall_to_instant(day, start, self.tz).astimezone(UTC)
            ends = (
                midnight
                if end == END_OF_DAY
                else wall_to_instant(day, end, self.tz).astimezone(UTC)
            )
            if begins < ends:
                intervals.append((begins, ends))
        return sorted(intervals)


@dataclass(frozen=True)
class Office:
    """The whole office: teams, holidays, closures, openings, pilots. Validated on creation."""

    tz: tzinfo
    holidays: HolidayCalendar
    teams: tuple[Team, ...]
    closures: tuple[Closure, ...] = ()
    openings: tuple[SpecialOpening, ...] = ()
    pilots: tuple[Pilot, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for team in self.teams:
            if team.id in seen:
                raise DuplicateTeam(
                    f"Team „{team.id}“ ist doppelt angelegt",
                    f"team '{team.id}' is defined twice",
                    f"teams.{team.id}",
                )
            seen.add(team.id)
        for closure in self.closures:
            if closure.team is not None:
                self._require_team(closure.team, "Schließung", "closure")
        for opening in self.openings:
            self._require_team(opening.team, "Sonderöffnung", "special opening")
        for pilot in self.pilots:
            self._require_team(pilot.team, "Pilotphase", "pilot")
        for index, pilot in enumerate(self.pilots):
            for other in self.pilots[index + 1 :]:
                if pilot.team == other.team and pilot.overlaps(other):
                    raise OverlappingPilots(
                        f"Team „{pilot.team}“: Pilotphase {_period(pilot)} überschneidet sich mit "
                        f"Pilotphase {_period(other)}",
                        f"team '{pilot.team}': pilot {_period(pilot)} overlaps pilot "
                        f"{_period(other)}",
                        f"pilots.{pilot.team}",
                    )

    @property
    def team_ids(self) -> tuple[str, ...]:
        return tuple(team.id for team in self.teams)

    def team(self, team_id: str) -> Team:
        return self._require_team(team_id, "Anfrage", "request")

    def _require_team(self, team_id: str, what_de: str, what_en: str) -> Team:
        for team in self.teams:
            if team.id == team_id:
                return team
        known = ", ".join(self.team_ids) or "keine"
        raise UnknownTeam(
            f"{what_de}: unbekanntes Team „{team_id}“ (bekannt: {known})",
            f"{what_en}: unknown team '{team_id}' (known: {', '.join(self.team_ids) or 'none'})",
            f"teams.{team_id}",
        )

    def schedule_for(self, team_id: str) -> TeamSchedule:
        team = self.team(team_id)
        return TeamSchedule(
            team=team,
            tz=self.tz,
            holidays=self.holidays,
            closures=tuple(c for c in self.closures if c.affects(team_id)),
            openings=tuple(o for o in self.openings if o.team == team_id),
        )

    def pilot_at(self, team_id: str, at: datetime) -> Pilot | None:
        """The team's pilot period covering the local date of `at`, if any."""
        day = _require_aware(at).astimezone(self.tz).date()
        for pilot in self.pilots:
            if pilot.team == team_id and pilot.covers(day):
                return pilot
        return None


def _period(pilot: Pilot) -> str:
    end = pilot.end.isoformat() if pilot.end else "offen"
    return f"{pilot.start.isoformat()}–{end}"


def _require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetime(
            f"Zeitpunkt {at.isoformat()} hat keine Zeitzone",
            f"instant {at.isoformat()} has no time zone",
        )
    return at


def _wall_time_exists(candidate: datetime) -> bool:
    tz = candidate.tzinfo
    round_trip = candidate.astimezone(UTC).astimezone(tz)
    return round_trip.replace(tzinfo=None) == candidate.replace(tzinfo=None)


def wall_to_instant(day: date, wall: time, tz: tzinfo) -> datetime:
    """The instant an office clock in `tz` shows `wall` on `day` (see the module's DST rule)."""
    naive = datetime.combine(day, wall)
    candidate = naive.replace(tzinfo=tz, fold=0)
    probe = naive
    # A skipped wall time moves to the first existing minute after it; gaps are at most a day.
    for _ in range(24 * 60 + 1):
        if _wall_time_exists(candidate):
            return candidate
        probe += timedelta(minutes=1)
        candidate = probe.replace(tzinfo=tz, fold=0)
    raise ValueError(f"no existing wall time after {naive} in {tz}")


def _status_at(schedule: TeamSchedule, at: datetime) -> tuple[State, Reason | None]:
    at = at.astimezone(UTC)
    if schedule.closure_at(at) is not None:
        return State.CLOSED, Reason.CLOSURE
    day = at.astimezone(schedule.tz).date()
    if any(start <= at < end for start, end in schedule.open_intervals(day)):
        return State.OPEN, None
    if schedule.holiday_on(day) is not None:
        return State.CLOSED, Reason.HOLIDAY
    return State.CLOSED, Reason.HOURS


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _candidate_instants(schedule: TeamSchedule, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in [start, end) where the state may change."""
    points: set[datetime] = set()
    first = start.astimezone(schedule.tz).date() - timedelta(days=1)
    last = end.astimezone(schedule.tz).date() + timedelta(days=1)
    for day in _days(first, last):
        points.add(wall_to_instant(day, time(0), schedule.tz).astimezone(UTC))
        for opens, closes in schedule.open_intervals(day):
            points.add(opens)
            points.add(closes)
    for closure in schedule.closures:
        points.add(closure.start.astimezone(UTC))
        points.add(closure.end.astimezone(UTC))
    return sorted(p for p in points if start <= p < end)


def transitions(schedule: TeamSchedule, start: datetime, end: datetime) -> list[Transition]:
    """Every change of the team's state in [start, end), in order, instants in the office zone."""
    start = _require_aware(start).astimezone(UTC)
    end = _require_aware(end).astimezone(UTC)
    if end <= start:
        return []
    # A closure ending exactly at `start` still decides the state just before it.
    relevant = tuple(c for c in schedule.closures if c.end >= start and c.start < end)
    narrowed = TeamSchedule(
        schedule.team, schedule.tz, schedule.holidays, relevant, schedule.openings
    )
    previous = _status_at(narrowed, start - _ONE_MICROSECOND)
    changes = []
    for instant in _candidate_instants(narrowed, start, end):
        status = _status_at(narrowed, instant)
        if status != previous:
            changes.append(Transition(instant.astimezone(schedule.tz), *status))
            previous = status
    return changes


def next_change(
    schedule: TeamSchedule, at: datetime, horizon_days: int = UNTIL_HORIZON_DAYS
) -> Transition | None:
    """The first change strictly after `at`, looking at most `horizon_days` ahead."""
    step = timedelta(days=7)
    # UTC arithmetic: adding to a local datetime in the repeated hour would lose its fold.
    low = _require_aware(at).astimezone(UTC) + _ONE_MICROSECOND
    limit = low + timedelta(days=horizon_days)
    while low < limit:
        high = min(low + step, limit)
        found = transitions(schedule, low, high)
        if found:
            return found[0]
        low = high
    return None


def state_at(schedule: TeamSchedule, at: datetime) -> TeamState:
    """The team's state at `at` and when it changes next."""
    _require_aware(at)
    state, reason = _status_at(schedule, at)
    change = next_change(schedule, at)
    return TeamState(state, reason, change.at if change else None)


def active_closure(schedule: TeamSchedule, at: datetime) -> Closure | None:
    """The closure in force at `at` (its note feeds the announcement)."""
    return schedule.closure_at(_require_aware(at))


def describe_windows(windows: Sequence[Window]) -> list[str]:
    """One 'Mo 09:00–12:00' line per window, sorted — for CLI output."""
    return [f"{WEEKDAY_SHORT_DE[w.weekday]} {w.label}" for w in sorted(windows)]
