"""Synthetic pilot data: a seeded generator of call records with a planted pilot effect.

Everything here is made up and labelled so: linked ids and caller pseudonyms start with
"syn-". The model (parameters: `SyntheticParams`, defaults in pilot_data/README.md and
pilot_data/synthetic_params.toml):

* **Contacts.** Each team has new contacts (a caller with a concern) per day: Poisson with
  mean scale × contacts_per_day × weekday factor (× holiday_factor on public holidays).
  A contact's caller gets a fresh pseudonym (a few withhold their number).
* **Calls.** A contact makes its first call that day and Poisson(repeat_calls) more, each on
  the same or one of the next working days (`repeat_offsets`). Within a day the time
  follows the hour profile (Monday morning busiest, a lunch dip); seconds are uniform.
* **Pilot effect** (all scaled by `effect`; 0 = no effect): from the pilot start a share of
  the pilot team's contacts has learned the call hours (learn_share, reached with time
  constant learn_weeks) and calls only inside the windows (on days that have windows);
  the answer rate inside the hours rises by answer_rate_gain at once; repeat calls fall
  by repeat_reduction as callers learn; walk-ins fall by walk_in_reduction.
* **Routing.** Control teams and the pilot team during its pilot: the schedule decides
  (open → queue, closed → announcement). Before its pilot the pilot team was reachable in
  `office_hours` and did not ring out otherwise (no_answer); those records look like CDR
  imports (no PBX decision), and `in_hours` is the schedule's, i.e. the pilot's windows —
  so before and during compare the same hours.
* **Outcomes.** Queue: answered with the team's answer rate (minus a summer dip common to
  all teams), else abandoned (abandon_share) or timed out; waits are truncated
  exponentials. Announcement: heard to the end or hung up early.
* **Announcement days.** `closures` are whole-day closures (they must be in the schedule,
  see `prepare_office`).

`expected_day_table` computes the exact expected daily counts of the same model, so the
"true" effects of a parameter set are the evaluation's estimands applied to expectations.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.errors import CallcenterError
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import (
    Closure,
    Office,
    Pilot,
    Reason,
    State,
    Team,
    TeamSchedule,
    wall_to_instant,
    windows_from_spec,
)
from callcenter.domain.tally import TallyEntry
from callcenter.evaluation.days import closure_days, regular_day
from callcenter.evaluation.days import days as day_range
from callcenter.evaluation.did import (
    ABANDONED,
    ANSWERED,
    CALLER_CALLS,
    CONTACTS,
    FIELDS,
    INSIDE,
    OFFERED,
    OUTSIDE,
    SHORT,
    WITHIN,
    DayTable,
)
from callcenter.evaluation.inputs import EvaluationSettings

PREFIX = "syn-"
DAY_SECONDS = 86400
# No call before 05:00: the daylight-saving changeovers (02:00–03:00) never meet a call.
FIRST_CALL_HOUR = 5
CLOSURE_ACTOR = "synthetic-pilot-data"

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


class SyntheticError(CallcenterError, ValueError):
    """Parameters or schedule that do not fit together; German and English text."""


@dataclass(frozen=True)
class TeamProfile:
    team: str
    contacts_per_day: float  # new contacts on a Tuesday at scale 1
    answer_rate: float  # inside the hours, before any pilot effect
    mean_wait_seconds: float  # answered calls (truncated at the queue timeout)
    walk_ins_per_day: float


@dataclass(frozen=True)
class SyntheticClosure:
    day: date
    team: str | None  # None: every team
    note: str


DEFAULT_TEAMS = (
    TeamProfile("auslaender-a", 90.0, 0.62, 24.0, 14.0),
    TeamProfile("auslaender-b", 65.0, 0.74, 20.0, 9.0),
    TeamProfile("einbuergerung", 45.0, 0.80, 16.0, 5.0),
    TeamProfile("aufenthalt-eu", 40.0, 0.78, 18.0, 4.0),
)
DEFAULT_HOURS = (
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.35, 1.0, 1.3, 1.25, 1.05,
    0.6, 0.75, 0.85, 0.7, 0.4, 0.2, 0.1, 0.06, 0.03, 0.0, 0.0, 0.0,
)  # fmt: skip
DEFAULT_CLOSURES = (
    SyntheticClosure(date(2026, 6, 26), None, "Personalversammlung – Dienststelle geschlossen"),
    SyntheticClosure(date(2026, 9, 24), "auslaender-a", "Personalengpass"),
    SyntheticClosure(date(2026, 10, 22), "einbuergerung", "Personalengpass"),
    SyntheticClosure(date(2026, 11, 6), "auslaender-b", "Personalengpass"),
)


@dataclass(frozen=True)
class SyntheticParams:
    """Every knob of the generator; defaults = the shipped data set (pilot_data/README.md)."""

    pilot_team: str = "auslaender-a"
    control_teams: tuple[str, ...] = ("auslaender-b", "einbuergerung", "aufenthalt-eu")
    pilot_start: date = date(2026, 8, 17)
    weeks_before: int = 13
    weeks_during: int = 13
    scale: float = 1.0
    effect: float = 1.0
    teams: tuple[TeamProfile, ...] = DEFAULT_TEAMS
    weekday_factors: tuple[float, ...] = (1.35, 1.0, 0.9, 1.05, 0.75, 0.03, 0.01)
    hour_weights: tuple[float, ...] = DEFAULT_HOURS
    monday_morning_factor: float = 1.3  # Mondays 08:00–11:00
    holiday_factor: float = 0.1
    withheld_share: float = 0.04
    repeat_calls: float = 0.7
    repeat_offsets: tuple[float, ...] = (0.4, 0.25, 0.15, 0.12, 0.08)
    learn_share: float = 0.55
    learn_weeks: float = 3.0
    answer_rate_gain: float = 0.15
    repeat_reduction: float = 0.35
    walk_in_reduction: float = 0.3
    summer_dip: float = 0.06
    summer_from: date = date(2026, 6, 29)
    summer_to: date = date(2026, 8, 7)
    abandon_share: float = 0.75
    mean_abandon_wait_seconds: float = 40.0
    queue_timeout_seconds: float = 120.0
    mean_talk_seconds: float = 200.0
    line_shares: tuple[float, float, float] = (0.70, 0.22, 0.08)
    announcement_seconds: float = 28.0
    full_announcement_share: float = 0.7
    office_hours: tuple[str, ...] = ("Mo-Mi 08:00-16:00", "Do 08:00-18:00", "Fr 08:00-13:00")
    closures: tuple[SyntheticClosure, ...] = DEFAULT_CLOSURES
    tally_weeks: int = 2
    members_per_team: int = 8

    def __post_init__(self) -> None:
        problems = []
        if self.scale <= 0:
            problems.append("scale > 0")
        if self.effect < 0:
            problems.append("effect >= 0")
        if self.weeks_before < 1 or self.weeks_during < 1:
            problems.append("weeks_before, weeks_during >= 1")
        if len(self.weekday_factors) != 7 or len(self.hour_weights) != 24:
            problems.append("7 weekday_factors and 24 hour_weights")
        elif any(self.hour_weights[:FIRST_CALL_HOUR]) or sum(self.hour_weights) <= 0:
            problems.append(f"hour_weights zero before {FIRST_CALL_HOUR}:00 and not all zero")
        if not self.repeat_offsets or abs(sum(self.repeat_offsets) - 1) > 1e-9:
            problems.append("repeat_offsets summing to 1 (at most 5 working days ahead)")
        elif len(self.repeat_offsets) > 5:
            problems.append("at most 5 repeat_offsets (calls within 7 days)")
        if abs(sum(self.line_shares) - 1) > 1e-9:
            problems.append("line_shares summing to 1")
        profiled = {p.team for p in self.teams}
        for team in (self.pilot_team, *self.control_teams):
            if team not in profiled:
                problems.append(f"a TeamProfile for {team}")
        for name in ("learn_share", "withheld_share", "abandon_share", "full_announcement_share"):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(f"{name} in 0..1")
        if problems:
            listed = ", ".join(problems)
            raise SyntheticError(
                f"Parameter der synthetischen Pilotdaten ungültig; verlangt: {listed}",
                f"invalid synthetic pilot data parameters; required: {listed}",
            )

    @property
    def first_day(self) -> date:
        return self.pilot_start - timedelta(weeks=self.weeks_before)

    @property
    def last_day(self) -> date:
        return self.pilot_start + timedelta(weeks=self.weeks_during, days=-1)

    @property
    def team_ids(self) -> tuple[str, ...]:
        return (self.pilot_team, *self.control_teams)

    def profile(self, team: str) -> TeamProfile:
        return next(p for p in self.teams if p.team == team)

    def tag(self, seed: int) -> str:
        """Short fingerprint of parameters and seed: part of every linked id."""
        text = repr((sorted(asdict(self).items()), seed))
        return hashlib.sha256(text.encode()).hexdigest()[:8]

    @classmethod
    def from_toml(cls, text: str, where: str = "") -> SyntheticParams:
        """Parameters from TOML text like pilot_data/synthetic_params.toml."""
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SyntheticError(
                f"{where}: kein gültiges TOML ({exc})", f"{where}: {exc}"
            ) from None
        return cls.from_mapping(raw, where)

    @classmethod
    def from_mapping(cls, raw: dict[str, Any], where: str = "") -> SyntheticParams:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                raise SyntheticError(
                    f"{where}: unbekannter Parameter „{key}“",
                    f"{where}: unknown parameter '{key}'",
                )
            if key == "teams":
                values[key] = tuple(TeamProfile(**item) for item in value)
            elif key == "closures":
                values[key] = tuple(
                    SyntheticClosure(item["day"], item.get("team"), item["note"]) for item in value
                )
            elif isinstance(value, list):
                values[key] = tuple(value)
            else:
                values[key] = value
        return cls(**values)


# ---------------------------------------------------------------------- schedule pieces


def synthetic_closures(params: SyntheticParams, tz: tzinfo) -> tuple[Closure, ...]:
    return tuple(
        Closure.whole_days(c.team, c.day, c.day, tz, c.note, created_by=CLOSURE_ACTOR)
        for c in params.closures
    )


def missing_closures(params: SyntheticParams, office: Office) -> tuple[Closure, ...]:
    """The parameter set's closures that the office does not have yet."""
    have = {(c.team, c.start, c.end) for c in office.closures}
    return tuple(
        c for c in synthetic_closures(params, office.tz) if (c.team, c.start, c.end) not in have
    )


def check_office(params: SyntheticParams, office: Office) -> None:
    """The teams must exist and the pilot team's pilot must start on `pilot_start`."""
    for team in params.team_ids:
        office.team(team)
    pilots = [p for p in office.pilots if p.team == params.pilot_team]
    if not any(p.start == params.pilot_start for p in pilots):
        found = ", ".join(p.start.isoformat() for p in pilots) or "keine / none"
        raise SyntheticError(
            f"Team „{params.pilot_team}“ hat keine Pilotphase ab {params.pilot_start} "
            f"(vorhanden: {found}); die synthetischen Daten planen den Pilot ab diesem Tag",
            f"team '{params.pilot_team}' has no pilot starting {params.pilot_start} (found: "
            f"{found}); the synthetic data plant the pilot on that day",
        )
    for team in params.control_teams:
        if any(p.team == team for p in office.pilots):
            raise SyntheticError(
                f"Kontrollteam „{team}“ hat selbst eine Pilotphase",
                f"control team '{team}' has a pilot of its own",
            )


def prepare_office(params: SyntheticParams, office: Office) -> Office:
    """The office with the parameters' closures (and the pilot, if it has none)."""
    pilots = office.pilots
    if not any(p.team == params.pilot_team for p in pilots):
        pilots = (*pilots, Pilot(params.pilot_team, params.pilot_start))
    prepared = replace(
        office, closures=(*office.closures, *missing_closures(params, office)), pilots=pilots
    )
    check_office(params, prepared)
    return prepared


def _epoch(at: datetime) -> float:
    return at.astimezone(UTC).timestamp()


def _spans(schedule: TeamSchedule, first: date, last: date) -> Floats:
    """Open spans (UTC epoch seconds, shape (n, 2)) of the team over [first, last],
    closures cut out — the schedule's in_hours as intervals."""
    closures = sorted((_epoch(c.start), _epoch(c.end)) for c in schedule.closures)
    spans: list[tuple[float, float]] = []
    for day in day_range(first, last):
        for opens, closes in schedule.open_intervals(day):
            pieces = [(_epoch(opens), _epoch(closes))]
            for c_start, c_end in closures:
                pieces = [
                    part
                    for a, b in pieces
                    for part in ((a, min(b, c_start)), (max(a, c_end), b))
                    if part[1] > part[0]
                ]
            spans.extend(pieces)
    spans.sort()
    merged: list[list[float]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return np.array(merged, dtype=np.float64).reshape(-1, 2)


def inside(spans: Floats, instants: Floats) -> Bools:
    """Whether each instant lies in one of the sorted, disjoint spans."""
    if len(spans) == 0:
        return np.zeros(len(instants), dtype=bool)
    index = np.searchsorted(spans[:, 0], instants, side="right") - 1
    ok = index >= 0
    result: Bools = np.zeros(len(instants), dtype=bool)
    result[ok] = instants[ok] < spans[index[ok], 1]
    return result


def _overlap(spans: Floats, a: float, b: float) -> float:
    """Seconds of [a, b) covered by the spans."""
    if len(spans) == 0 or b <= a:
        return 0.0
    lo = max(int(np.searchsorted(spans[:, 1], a, side="right")), 0)
    total = 0.0
    for s, e in spans[lo:]:
        if s >= b:
            break
        total += max(0.0, min(e, b) - max(s, a))
    return total


# ---------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Plan:
    """Everything deterministic about a parameter set on an office: days, intensities,
    profiles, open spans. Shared by the generator and the expectations."""

    params: SyntheticParams
    office: Office
    days: tuple[date, ...]
    midnight: Floats  # epoch of each day's local 00:00 (offsets are constant after 05:00)
    wd_ahead: Ints  # [day, j]: index of the j-th working day from the day (-1: past the end)
    spans: dict[str, Floats]
    reach_before: Floats  # the pilot team's office hours before its pilot
    closure_spans: dict[str, Floats]
    holiday: dict[str, Bools]
    profiles: dict[tuple[str, int, bool], Floats]  # (team, weekday, learned) -> segments


def _hour_weight(params: SyntheticParams, weekday: int, hour: int) -> float:
    weight = params.hour_weights[hour]
    return weight * params.monday_morning_factor if weekday == 0 and 8 <= hour < 11 else weight


def _segments(params: SyntheticParams, weekday: int, cover: Sequence[float] | None) -> Floats:
    """(start second, end second, weight) rows of a day's call-time profile; with `cover`
    (window runs as start, end, start, end … in seconds of the day) only inside them."""
    rows: list[tuple[float, float, float]] = []
    runs = [0.0, float(DAY_SECONDS)] if cover is None else list(cover)
    for start, end in zip(runs[0::2], runs[1::2], strict=True):
        for hour in range(int(start // 3600), math.ceil(end / 3600)):
            a, b = max(start, hour * 3600.0), min(end, (hour + 1) * 3600.0)
            weight = _hour_weight(params, weekday, hour)
            if weight > 0 and b > a:
                rows.append((a, b, weight * (b - a) / 3600.0))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def _window_runs(team: Team, weekday: int) -> list[float]:
    runs: list[float] = []
    for w in team.windows:
        if w.weekday == weekday:
            runs += [
                w.start.hour * 3600.0 + w.start.minute * 60.0,
                w.end.hour * 3600.0 + w.end.minute * 60.0 + w.end.second,
            ]
    return runs


def _plan(params: SyntheticParams, office: Office) -> _Plan:
    check_office(params, office)
    tz = office.tz
    days = tuple(day_range(params.first_day, params.last_day))
    midnight = np.array(
        [_epoch(wall_to_instant(d, time(12), tz)) - 12 * 3600.0 for d in days], dtype=np.float64
    )
    workdays = [i for i, d in enumerate(days) if d.weekday() < 5]
    ahead = np.full((len(days), len(params.repeat_offsets)), -1, dtype=np.int64)
    for i, _day in enumerate(days):
        following = [w for w in workdays if w > i]
        for j in range(len(params.repeat_offsets)):
            if j == 0:
                ahead[i, j] = i
            elif j - 1 < len(following):
                ahead[i, j] = following[j - 1]
    spans = {}
    closure_spans = {}
    holiday = {}
    profiles: dict[tuple[str, int, bool], Floats] = {}
    for team in params.team_ids:
        schedule = office.schedule_for(team)
        spans[team] = _spans(schedule, days[0], days[-1])
        closure_spans[team] = np.array(
            sorted((_epoch(c.start), _epoch(c.end)) for c in schedule.closures), dtype=np.float64
        ).reshape(-1, 2)
        holiday[team] = np.array([schedule.holiday_on(d) is not None for d in days], dtype=bool)
        for weekday in range(7):
            runs = _window_runs(schedule.team, weekday)
            profiles[(team, weekday, False)] = _segments(params, weekday, None)
            learned = _segments(params, weekday, runs) if runs else np.zeros((0, 3))
            # On a day without windows a learned caller calls as everyone else does.
            profiles[(team, weekday, True)] = (
                learned if len(learned) else profiles[(team, weekday, False)]
            )
    pilot_schedule = office.schedule_for(params.pilot_team)
    office_team = replace(
        pilot_schedule.team,
        windows=tuple(w for spec in params.office_hours for w in windows_from_spec(spec)),
    )
    reach_before = _spans(replace(pilot_schedule, team=office_team), days[0], days[-1])
    return _Plan(
        params, office, days, midnight, ahead, spans, reach_before, closure_spans, holiday, profiles
    )


def _learning(params: SyntheticParams, plan: _Plan) -> Floats:
    """0 before the pilot, then 1 − exp(−days/(7·learn_weeks)) (the share of full learning)."""
    since = np.array([(d - params.pilot_start).days + 1 for d in plan.days], dtype=np.float64)
    ramp = 1.0 - np.exp(-np.maximum(since, 0.0) / (7.0 * params.learn_weeks))
    return np.where(since > 0, ramp, 0.0)


def _contact_means(params: SyntheticParams, plan: _Plan, team: str) -> Floats:
    profile = params.profile(team)
    factors = np.array([params.weekday_factors[d.weekday()] for d in plan.days])
    base = params.scale * profile.contacts_per_day * factors
    return np.where(plan.holiday[team], base * params.holiday_factor, base)


def _repeat_means(params: SyntheticParams, plan: _Plan, team: str) -> Floats:
    learning = _learning(params, plan) if team == params.pilot_team else np.zeros(len(plan.days))
    return params.repeat_calls * (1.0 - params.effect * params.repeat_reduction * learning)


def _learned_share(params: SyntheticParams, plan: _Plan, team: str) -> Floats:
    if team != params.pilot_team:
        return np.zeros(len(plan.days))
    return params.effect * params.learn_share * _learning(params, plan)


def _answer_rates(params: SyntheticParams, plan: _Plan, team: str) -> Floats:
    base = params.profile(team).answer_rate
    summer = np.array([params.summer_from <= d <= params.summer_to for d in plan.days])
    during = np.array([d >= params.pilot_start for d in plan.days])
    gain = params.effect * params.answer_rate_gain * (during if team == params.pilot_team else 0)
    rates = base - params.summer_dip * summer + gain
    clipped: Floats = np.clip(rates, 0.0, 1.0)
    return clipped


def _truncated_share(mean: float, limit: float, cap: float) -> float:
    """P(X <= limit) for an exponential with `mean` truncated at `cap`."""
    if limit >= cap:
        return 1.0
    return (1.0 - math.exp(-limit / mean)) / (1.0 - math.exp(-cap / mean))


# ---------------------------------------------------------------------- generation


OUTCOMES = (
    Outcome.ANSWERED,
    Outcome.ABANDONED,
    Outcome.TIMEOUT,
    Outcome.ANNOUNCEMENT,
    Outcome.ANNOUNCEMENT_HANGUP,
    Outcome.NO_ANSWER,
)
ANSWERED_CODE, ABANDONED_CODE = 0, 1
STATES: tuple[State | None, ...] = (None, State.OPEN, State.CLOSED)
REASONS: tuple[Reason | None, ...] = (None, Reason.HOURS, Reason.HOLIDAY, Reason.CLOSURE)
LINES = (LineKind.TEAM_LINE, LineKind.DIRECT_LINE, LineKind.SWITCHBOARD)
_RECORD_COLUMNS = (
    "team", "started", "line", "suffix", "contact", "withheld", "outcome",
    "state", "reason", "in_hours", "wait", "talk", "member", "pilot", "wait_us", "talk_us",
)  # fmt: skip
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SyntheticCalls:
    """The generated calls as columns, sorted by start (codes index OUTCOMES, STATES,
    REASONS, LINES); `records()` turns them into CallRecords."""

    params: SyntheticParams
    office: Office
    seed: int
    tag: str
    columns: dict[str, NDArray[Any]]
    walk_ins: tuple[tuple[str, date, int], ...] = field(default=())

    def __len__(self) -> int:
        return len(self.columns["started"])

    def records(self, chunk_size: int = 20_000) -> Iterator[list[CallRecord]]:
        """The calls as CallRecords, in chunks."""
        params, c = self.params, self.columns
        teams = [self.office.team(t) for t in params.team_ids]
        dialled = [t.team_lines[0] if t.team_lines else t.id for t in teams]
        prefixes = [_direct_prefix(t) for t in teams]
        members = [
            [f"{PREFIX}m-{_short_hash(t.id, k)}" for k in range(params.members_per_team)]
            for t in teams
        ]
        callers = _Pseudonyms(self.tag)
        rows = zip(*(c[key].tolist() for key in _RECORD_COLUMNS), strict=True)
        chunk: list[CallRecord] = []
        for i, row in enumerate(rows):
            (t, begin_us, line, suffix, contact, hidden, outcome, state, reason, in_hours,
             wait, talk, member, pilot, wait_us, talk_us) = row  # fmt: skip
            begin = _EPOCH + timedelta(microseconds=begin_us)
            answered = outcome == ANSWERED_CODE
            chunk.append(
                CallRecord(
                    linked_id=f"{PREFIX}{self.tag}-{i:08d}",
                    team=teams[t].id,
                    line_kind=LINES[line],
                    dialled=f"{prefixes[t]}{suffix:02d}" if line == 1 else dialled[t],
                    caller=WITHHELD if hidden else callers(contact),
                    started=begin,
                    outcome=OUTCOMES[outcome],
                    state_at_arrival=STATES[state],
                    reason_at_arrival=REASONS[reason],
                    source=None if state == 0 else DecisionSource.LIVE,
                    in_hours=bool(in_hours),
                    answered=begin + timedelta(microseconds=wait_us) if answered else None,
                    ended=begin + timedelta(microseconds=wait_us + talk_us),
                    wait_seconds=wait,
                    talk_seconds=talk,
                    answered_by=members[t][member] if answered else None,
                    pilot=bool(pilot),
                    complete=True,
                )
            )
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def row_chunks(self, chunk_size: int = 100_000) -> Iterator[dict[str, list[Any]]]:
        """The calls as plain columns of the call_records table, in chunks: the same values
        as `records()`, but instants as whole microseconds since 1970-01-01 UTC (None when
        absent) and without a CallRecord per call — for bulk loading a million calls."""
        params, c = self.params, self.columns
        teams = [self.office.team(t) for t in params.team_ids]
        team_ids = np.array([t.id for t in teams], dtype=object)
        dialled = np.array([t.team_lines[0] if t.team_lines else t.id for t in teams], dtype=object)
        prefixes = [_direct_prefix(t) for t in teams]
        members = np.array(
            [
                [f"{PREFIX}m-{_short_hash(t.id, k)}" for k in range(params.members_per_team)]
                for t in teams
            ],
            dtype=object,
        )
        outcome_text = np.array([str(o) for o in OUTCOMES], dtype=object)
        state_text = np.array([None if x is None else str(x) for x in STATES], dtype=object)
        reason_text = np.array([None if x is None else str(x) for x in REASONS], dtype=object)
        source_text = np.array(
            [None, str(DecisionSource.LIVE), str(DecisionSource.LIVE)], dtype=object
        )
        line_text = np.array([str(x) for x in LINES], dtype=object)
        callers = _Pseudonyms(self.tag)
        for first in range(0, len(self), chunk_size):
            part = slice(first, min(first + chunk_size, len(self)))
            team = c["team"][part]
            line = c["line"][part]
            outcome = c["outcome"][part]
            answered = outcome == ANSWERED_CODE
            started = c["started"][part]
            wait_us = c["wait_us"][part]
            reached = (started + wait_us).tolist()
            suffix = c["suffix"][part].tolist()
            direct = (line == 1).tolist()
            team_list = team.tolist()
            yield {
                "linked_id": [f"{PREFIX}{self.tag}-{i:08d}" for i in range(part.start, part.stop)],
                "team": team_ids[team].tolist(),
                "line_kind": line_text[line].tolist(),
                "dialled": [
                    f"{prefixes[t]}{x:02d}" if d else dialled[t]
                    for t, x, d in zip(team_list, suffix, direct, strict=True)
                ],
                "caller": [
                    WITHHELD if hidden else callers(contact)
                    for contact, hidden in zip(
                        c["contact"][part].tolist(), c["withheld"][part].tolist(), strict=True
                    )
                ],
                "started": started.tolist(),
                "answered": [
                    at if ok else None for at, ok in zip(reached, answered.tolist(), strict=True)
                ],
                "ended": (started + wait_us + c["talk_us"][part]).tolist(),
                "outcome": outcome_text[outcome].tolist(),
                "state_at_arrival": state_text[c["state"][part]].tolist(),
                "reason_at_arrival": reason_text[c["reason"][part]].tolist(),
                "source": source_text[c["state"][part]].tolist(),
                "in_hours": c["in_hours"][part].astype(bool).tolist(),
                "wait_seconds": c["wait"][part].tolist(),
                "talk_seconds": c["talk"][part].tolist(),
                "answered_by": [
                    member if ok else None
                    for member, ok in zip(
                        members[team, c["member"][part]].tolist(), answered.tolist(), strict=True
                    )
                ],
                "pilot": c["pilot"][part].astype(bool).tolist(),
                "complete": [True] * (part.stop - part.start),
            }

    def day_table(self, settings: EvaluationSettings) -> DayTable:
        """The evaluation's day table straight from the columns (numpy): the same counts
        as aggregating the records (tested), fast enough for many seeds."""
        params, c, office = self.params, self.columns, self.office
        days = tuple(day_range(params.first_day, params.last_day))
        n = len(days)
        in_hours = c["in_hours"].astype(bool)
        answered = in_hours & (c["outcome"] == ANSWERED_CODE)
        abandoned = in_hours & (c["outcome"] == ABANDONED_CODE)
        known = c["withheld"] == 0
        # New contacts as the SQL counts them: a caller's first call, or one after a gap
        # longer than the repeat window.
        order = np.lexsort((c["started"], c["contact"]))
        contact, started = c["contact"][order], c["started"][order]
        fresh = (np.diff(contact, prepend=-1) != 0) | (
            np.diff(started, prepend=np.iinfo(np.int64).min // 2)
            > settings.repeat_window_days * DAY_SECONDS * 1_000_000
        )
        new_contact = np.zeros(len(order), dtype=bool)
        new_contact[order] = fresh
        flags = {
            OFFERED: np.ones(len(in_hours), dtype=bool),
            INSIDE: in_hours,
            OUTSIDE: ~in_hours,
            ANSWERED: answered,
            WITHIN: answered & (c["wait"] <= settings.service_level_seconds),
            ABANDONED: abandoned,
            SHORT: abandoned & (c["wait"] <= settings.short_abandon_seconds),
            CALLER_CALLS: known,
            CONTACTS: known & new_contact,
        }
        values = {}
        for t, team in enumerate(params.team_ids):
            mine = c["team"] == t
            table = np.zeros((n, FIELDS))
            for column, flag in flags.items():
                table[:, column] = np.bincount(c["day"][mine & flag], minlength=n)[:n]
            values[team] = table
        return DayTable(days[0], days[-1], values, _regular(params, office, days))

    def tally_entries(self, source_file: str) -> list[TallyEntry]:
        """The pilot team's first `tally_weeks` pilot weeks as a manual tally would count
        them: calls per (day, hour, inside, answered), then each day's walk-ins on a line
        of their own (no time, no calls)."""
        params, c = self.params, self.columns
        first = params.pilot_start
        last = first + timedelta(weeks=params.tally_weeks, days=-1)
        team = params.team_ids.index(params.pilot_team)
        counts: dict[tuple[date, int, bool, bool], int] = {}
        for i in np.flatnonzero(c["team"] == team).tolist():
            day = params.first_day + timedelta(days=int(c["day"][i]))
            if not first <= day <= last:
                continue
            key = (
                day,
                int(c["hour"][i]),
                bool(c["in_hours"][i]),
                int(c["outcome"][i]) == ANSWERED_CODE,
            )
            counts[key] = counts.get(key, 0) + 1
        lines: list[tuple[date, int, bool, bool, int, int | None]] = [
            (day, hour, inside, answered, count, None)
            for (day, hour, inside, answered), count in counts.items()
        ]
        # Hour 24 sorts the day's walk-ins line after its calls.
        lines += [
            (day, 24, False, False, 0, walk_ins)
            for t, day, walk_ins in self.walk_ins
            if t == params.pilot_team and first <= day <= last
        ]
        return [
            TallyEntry(
                team=params.pilot_team,
                day=day,
                hour=None if walk_ins is not None else hour,
                inside_hours=None if walk_ins is not None else inside_hours,
                answered=None if walk_ins is not None else answered,
                count=count,
                source_file=source_file,
                source_line=line,
                walk_ins=walk_ins,
            )
            for line, (day, hour, inside_hours, answered, count, walk_ins) in enumerate(
                sorted(lines, key=lambda item: item[:4]), start=2
            )
        ]


def _regular(
    params: SyntheticParams, office: Office, days: Sequence[date]
) -> dict[str, NDArray[np.bool_]]:
    closed = frozenset(
        closure_days(
            ((x.team, x.start, x.end) for x in office.closures),
            params.team_ids,
            office.tz,
            days[0],
            days[-1],
        )
    )
    return {
        team: np.array([regular_day(office, team, day, closed) for day in days])
        for team in params.team_ids
    }


class _Pseudonyms:
    """Caller pseudonyms of contacts: 'syn-' + 16 hex digits, fixed by tag and contact."""

    def __init__(self, tag: str) -> None:
        self._tag = tag
        self._known: dict[int, str] = {}

    def __call__(self, contact: int) -> str:
        found = self._known.get(contact)
        if found is None:
            digest = hashlib.blake2b(f"{self._tag}:{contact}".encode(), digest_size=8)
            found = PREFIX + digest.hexdigest()
            self._known[contact] = found
        return found


def _short_hash(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def generate(params: SyntheticParams, office: Office, seed: int) -> SyntheticCalls:
    """All calls of the data set, deterministic for (params, office, seed)."""
    plan = _plan(params, office)
    streams = np.random.SeedSequence(seed).spawn(len(params.team_ids) + 1)
    parts = [
        _team_calls(plan, team, np.random.default_rng(stream))
        for team, stream in zip(params.team_ids, streams, strict=False)
    ]
    columns = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.argsort(columns["started"], kind="stable")
    return SyntheticCalls(
        params=params,
        office=office,
        seed=seed,
        tag=params.tag(seed),
        columns={key: value[order] for key, value in columns.items()},
        walk_ins=_walk_ins(plan, np.random.default_rng(streams[-1])),
    )


def _direct_prefix(team: Team) -> str:
    """'_0615110XX' -> '0615110' (the suffix supplies the two X)."""
    if not team.direct_lines:
        return (team.team_lines[0] if team.team_lines else "0") + "-"
    pattern = team.direct_lines[0].lstrip("_")
    return pattern.rstrip("XZN.")


def _sample_times(rng: np.random.Generator, segments: Floats, count: int) -> tuple[Floats, Ints]:
    """`count` seconds of the day drawn from a profile, and their hours."""
    weights = segments[:, 2] / segments[:, 2].sum()
    pick = rng.choice(len(segments), size=count, p=weights)
    low, high = segments[pick, 0], segments[pick, 1]
    seconds = low + rng.random(count) * (high - low)
    return seconds, (seconds // 3600).astype(np.int64)


def _team_calls(plan: _Plan, team: str, rng: np.random.Generator) -> dict[str, Any]:
    params = plan.params
    n_days = len(plan.days)
    t_index = params.team_ids.index(team)
    offset = t_index * 10_000_000  # contact ids unique across teams

    # Contacts: per day a Poisson count; learned or not; withheld or not; extra calls.
    per_day = rng.poisson(_contact_means(params, plan, team))
    contact_day = np.repeat(np.arange(n_days), per_day)
    contacts = len(contact_day)
    learned = rng.random(contacts) < _learned_share(params, plan, team)[contact_day]
    withheld = rng.random(contacts) < params.withheld_share
    extra = rng.poisson(_repeat_means(params, plan, team)[contact_day])
    owner = np.repeat(np.arange(contacts), extra)
    step = rng.choice(len(params.repeat_offsets), size=len(owner), p=params.repeat_offsets)
    extra_day = plan.wd_ahead[contact_day[owner], step]
    keep = extra_day >= 0
    keep &= ~plan.holiday[team][np.maximum(extra_day, 0)] | (
        rng.random(len(owner)) < params.holiday_factor
    )
    call_contact = np.concatenate([np.arange(contacts), owner[keep]])
    call_day = np.concatenate([contact_day, extra_day[keep]])
    call_learned = learned[call_contact]

    # Times: by weekday and learned-ness, from the matching profile.
    calls = len(call_contact)
    seconds = np.zeros(calls)
    hour = np.zeros(calls, dtype=np.int64)
    weekday = np.array([d.weekday() for d in plan.days], dtype=np.int64)[call_day]
    for w in range(7):
        for flag in (False, True):
            chosen = np.flatnonzero((weekday == w) & (call_learned == flag))
            if len(chosen):
                s, h = _sample_times(rng, plan.profiles[(team, w, flag)], len(chosen))
                seconds[chosen] = s
                hour[chosen] = h
    # Whole microseconds, as the database keeps instants: every later sum stays exact.
    started_us = np.rint((plan.midnight[call_day] + seconds) * 1e6).astype(np.int64)
    started = started_us / 1e6

    # Schedule and routing.
    in_hours = inside(plan.spans[team], started)
    before = np.array([d < params.pilot_start for d in plan.days])[call_day]
    cdr_like = before & (team == params.pilot_team)
    reachable = np.where(cdr_like, inside(plan.reach_before, started), in_hours)
    closure = inside(plan.closure_spans[team], started)
    holiday = plan.holiday[team][call_day]
    reason = np.where(closure, 3, np.where(holiday, 2, 1))
    reason = np.where(in_hours | cdr_like, 0, reason)
    state = np.where(cdr_like, 0, np.where(in_hours, 1, 2))

    # Outcomes: 0 answered, 1 abandoned, 2 timeout, 3 announcement, 4 hung up, 5 no answer.
    u = rng.random(calls)
    rate = _answer_rates(params, plan, team)[call_day]
    queue = np.where(u < rate, 0, np.where(u < rate + (1 - rate) * params.abandon_share, 1, 2))
    full = rng.random(calls) < params.full_announcement_share
    closed = np.where(cdr_like, 5, np.where(full, 3, 4))
    outcome = np.where(reachable, queue, closed)

    cap = params.queue_timeout_seconds
    profile = params.profile(team)
    wait = np.where(
        outcome == 0,
        _truncated_exponential(rng, profile.mean_wait_seconds, cap, calls),
        np.where(
            outcome == 1,
            _truncated_exponential(rng, params.mean_abandon_wait_seconds, cap, calls),
            np.where(
                outcome == 3,
                params.announcement_seconds,
                np.where(outcome == 4, rng.uniform(2.0, params.announcement_seconds, calls), cap),
            ),
        ),
    )
    talk = np.where(outcome == 0, rng.gamma(2.0, params.mean_talk_seconds / 2.0, calls), 0.0)
    line = rng.choice(3, size=calls, p=params.line_shares)
    return {
        "team": np.full(calls, t_index, dtype=np.int64),
        "started": started_us,
        "day": call_day,
        "hour": hour,
        "line": line,
        "suffix": rng.integers(10, 40, size=calls),
        "contact": call_contact + offset,
        "withheld": withheld[call_contact].astype(np.int64),
        "outcome": outcome,
        "state": state,
        "reason": reason,
        "in_hours": in_hours.astype(np.int64),
        "wait": np.round(wait, 3),
        "talk": np.round(talk, 3),
        "wait_us": np.rint(np.round(wait, 3) * 1e6).astype(np.int64),
        "talk_us": np.rint(np.round(talk, 3) * 1e6).astype(np.int64),
        "member": rng.integers(0, params.members_per_team, size=calls),
        "pilot": (~before & (team == params.pilot_team)).astype(np.int64),
    }


def _truncated_exponential(rng: np.random.Generator, mean: float, cap: float, count: int) -> Floats:
    """Exponential with `mean`, conditioned on <= cap (inverse CDF)."""
    top = 1.0 - math.exp(-cap / mean)
    values: Floats = -mean * np.log1p(-rng.random(count) * top)
    return values


def _walk_ins(plan: _Plan, rng: np.random.Generator) -> tuple[tuple[str, date, int], ...]:
    """Walk-ins without appointment per working day (not on holidays)."""
    params = plan.params
    found = []
    for team in params.team_ids:
        learning = (
            _learning(params, plan) if team == params.pilot_team else np.zeros(len(plan.days))
        )
        means = (
            params.scale
            * params.profile(team).walk_ins_per_day
            * (1.0 - params.effect * params.walk_in_reduction * learning)
        )
        counts = rng.poisson(means)
        for i, day in enumerate(plan.days):
            if day.weekday() < 5 and not plan.holiday[team][i]:
                found.append((team, day, int(counts[i])))
    return tuple(found)


# ---------------------------------------------------------------------- expectations


def expected_day_table(
    params: SyntheticParams, office: Office, settings: EvaluationSettings
) -> DayTable:
    """Exact expected counts per team and day of the generator's model, as a day table:
    the evaluation's estimators applied to it give the true (population) effects.

    Assumes, as the defaults do, that the pilot's windows lie inside `office_hours` (so a
    call inside the hours before the pilot always reached the queue)."""
    plan = _plan(params, office)
    n = len(plan.days)
    values: dict[str, Floats] = {}
    for team in params.team_ids:
        profile = params.profile(team)
        contacts = _contact_means(params, plan, team)
        repeats = _repeat_means(params, plan, team)
        learned = _learned_share(params, plan, team)
        # calls[d, L]: expected calls on day d from contacts that did (L=1) or did not learn.
        calls = np.zeros((n, 2))
        for d0 in range(n):
            for flag, weight in ((0, 1.0 - learned[d0]), (1, learned[d0])):
                mass = contacts[d0] * weight
                if mass == 0:
                    continue
                calls[d0, flag] += mass
                for j, p in enumerate(params.repeat_offsets):
                    target = int(plan.wd_ahead[d0, j])
                    if target < 0:
                        continue
                    keep = params.holiday_factor if plan.holiday[team][target] else 1.0
                    calls[target, flag] += mass * repeats[d0] * p * keep
        rates = _answer_rates(params, plan, team)
        within = _truncated_share(
            profile.mean_wait_seconds, settings.service_level_seconds, params.queue_timeout_seconds
        )
        short = _truncated_share(
            params.mean_abandon_wait_seconds,
            settings.short_abandon_seconds,
            params.queue_timeout_seconds,
        )
        table = np.zeros((n, FIELDS))
        for d, day in enumerate(plan.days):
            for flag in (0, 1):
                segments = plan.profiles[(team, day.weekday(), bool(flag))]
                share_in = _inside_share(plan.spans[team], segments, plan.midnight[d])
                total = calls[d, flag]
                table[d, OFFERED] += total
                table[d, INSIDE] += total * share_in
                table[d, OUTSIDE] += total * (1.0 - share_in)
            inside_calls = table[d, INSIDE]
            table[d, ANSWERED] = inside_calls * rates[d]
            table[d, WITHIN] = inside_calls * rates[d] * within
            abandoned = inside_calls * (1.0 - rates[d]) * params.abandon_share
            table[d, ABANDONED] = abandoned
            table[d, SHORT] = abandoned * short
            table[d, CALLER_CALLS] = table[d, OFFERED] * (1.0 - params.withheld_share)
            table[d, CONTACTS] = contacts[d] * (1.0 - params.withheld_share)
        values[team] = table
    return DayTable(plan.days[0], plan.days[-1], values, _regular(params, office, plan.days))


def _inside_share(spans: Floats, segments: Floats, midnight: float) -> float:
    """The share of a profile's weight that falls inside the open spans on that day."""
    total = segments[:, 2].sum()
    if total <= 0:
        return 0.0
    covered = 0.0
    for a, b, weight in segments.tolist():
        covered += weight * _overlap(spans, midnight + a, midnight + b) / (b - a)
    return float(covered / total)


TALLY_HEADER = "datum,uhrzeit,team,innerhalb_sprechzeit,angenommen,notiz,anzahl,vorsprachen"


def tally_csv(entries: Sequence[TallyEntry]) -> str:
    """Tally entries as the CSV sheet `callcenter import tally` reads (German columns).

    A walk-ins-only entry (no hour, no calls) leaves the call columns empty."""

    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("ja" if value else "nein")

    lines = [TALLY_HEADER]
    for e in entries:
        hour = "" if e.hour is None else f"{e.hour:02d}:00"
        count = "" if e.hour is None and e.count == 0 else str(e.count)
        walk_ins = "" if e.walk_ins is None else str(e.walk_ins)
        lines.append(
            f"{e.day.isoformat()},{hour},{e.team},{yes_no(e.inside_hours)},"
            f"{yes_no(e.answered)},,{count},{walk_ins}"
        )
    return "\n".join(lines) + "\n"
