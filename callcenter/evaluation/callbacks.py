"""Issue 20's figures: callback requests and the 115 promise, language choices, overflow.

Pure functions over what storage hands in: callback requests without numbers, and call
records (pseudonyms only). Formulas in METRICS.md ("Rückrufe, Sprachwahl, Überlauf").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.domain.callbacks import CallbackRequest, CallbackStatus
from callcenter.domain.calls import CallRecord
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import State, TeamSchedule, next_change, state_at

# The 115 service promise: an answer within 24 hours.
PROMISE = timedelta(hours=24)
# The reason of a language menu heard before the queue (no announcement).
NO_MENU_REASON = "open"

Deadline = Callable[[str, datetime], datetime | None]
Later = dict[tuple[str, str], list[tuple[datetime, str]]]  # (team, caller) -> (started, id)


def opening_deadline(schedule: TeamSchedule, at: datetime) -> datetime | None:
    """The end of the team's next opening after `at`: the current one if it is open then,
    else the one that comes next (None: none within the schedule's horizon)."""
    now = state_at(schedule, at)
    if now.state is not State.OPEN:
        opens = next_change(schedule, at)
        if opens is None:
            return None
        at = opens.at
    closes = next_change(schedule, at)
    return None if closes is None else closes.at


@dataclass(frozen=True)
class CallbackFigures:
    team: str
    requests: int
    fulfilled: int  # the caller was reached
    within_24h: int
    within_opening: int  # reached before the end of the next opening after the request
    expired: int
    open: int
    attempts: int
    # Callers who asked for a callback and called the team again before being reached
    # (or, never reached, before the request closed): the request did not spare the call.
    repeat_callers: int
    # Requests whose caller is known (not WITHHELD): the base of the repeat share, since
    # whether a withheld caller called again cannot be known.
    known_callers: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return None if whole == 0 else part / whole

    @property
    def share_24h(self) -> float | None:
        return self._share(self.within_24h, self.requests)

    @property
    def share_opening(self) -> float | None:
        return self._share(self.within_opening, self.requests)

    @property
    def attempts_per_request(self) -> float | None:
        return self._share(self.attempts, self.requests)

    @property
    def repeat_share(self) -> float | None:
        return self._share(self.repeat_callers, self.known_callers)


def callback_figures(
    requests: Sequence[CallbackRequest],
    calls: Iterable[CallRecord],
    deadline: Deadline,
) -> list[CallbackFigures]:
    """Per team, in team order of first appearance. `calls`: the teams' call records from
    the first request on (only the requesters' matter); `deadline(team, requested_at)`:
    the end of the next opening (`opening_deadline`)."""
    later: Later = {}
    for call in calls:
        # Withheld callers are not one person: their calls link to no request.
        if call.caller != WITHHELD:
            later.setdefault((call.team, call.caller), []).append((call.started, call.linked_id))
    teams: dict[str, list[CallbackRequest]] = {}
    for request in requests:
        teams.setdefault(request.team, []).append(request)
    out = []
    for team, own in teams.items():
        within_24h = within_opening = fulfilled = repeats = 0
        for request in own:
            reached = request.fulfilled_at()
            if reached is not None:
                fulfilled += 1
                if reached - request.requested_at <= PROMISE:
                    within_24h += 1
                limit = deadline(team, request.requested_at)
                if limit is not None and reached <= limit:
                    within_opening += 1
            if _called_again(request, later):
                repeats += 1
        out.append(
            CallbackFigures(
                team=team,
                requests=len(own),
                fulfilled=fulfilled,
                within_24h=within_24h,
                within_opening=within_opening,
                expired=sum(r.status is CallbackStatus.EXPIRED for r in own),
                open=sum(r.status is CallbackStatus.OPEN for r in own),
                attempts=sum(len(r.attempts) for r in own),
                repeat_callers=repeats,
                known_callers=sum(r.caller != WITHHELD for r in own),
            )
        )
    return out


def _called_again(request: CallbackRequest, later: Later) -> bool:
    """Whether the requester called the team again before being reached (never reached:
    before the request closed). A request whose caller the retention purge cleared (or
    that never had one) is WITHHELD: its caller is unknown, so it never counts."""
    if request.caller == WITHHELD:
        return False
    until = request.fulfilled_at() or request.closed_at
    return any(
        started > request.requested_at
        and (until is None or started < until)
        and linked != request.linked_id
        for started, linked in later.get((request.team, request.caller), ())
    )


def language_choices(records: Iterable[CallRecord]) -> Counter[tuple[str, str, str]]:
    """(team, reason, language) -> calls that chose it in the menu; the reason is the
    announcement's (hours, holiday, closure) or "open" for a menu before the queue."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for record in records:
        if record.language is None:
            continue
        reason = str(record.reason_at_arrival) if record.reason_at_arrival else NO_MENU_REASON
        counts[(record.team, reason, record.language)] += 1
    return counts


def overflow_outcomes(records: Iterable[CallRecord]) -> Counter[tuple[str, str, str]]:
    """(team, destination, outcome) -> calls a queue timeout sent on, by where they ended."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for record in records:
        if record.overflow is not None:
            counts[(record.team, record.overflow, str(record.outcome))] += 1
    return counts


@dataclass(frozen=True)
class CallerFigures:
    """Issue 20's part of a report (empty when no call used the new features)."""

    callbacks: tuple[CallbackFigures, ...] = ()
    languages: tuple[tuple[str, str, str, int], ...] = ()  # team, reason, language, calls
    overflow: tuple[tuple[str, str, str, int], ...] = ()  # team, destination, outcome, calls

    @property
    def empty(self) -> bool:
        return not (self.callbacks or self.languages or self.overflow)

    def for_teams(self, teams: Iterable[str]) -> CallerFigures:
        wanted = set(teams)
        return CallerFigures(
            tuple(f for f in self.callbacks if f.team in wanted),
            tuple(row for row in self.languages if row[0] in wanted),
            tuple(row for row in self.overflow if row[0] in wanted),
        )


def caller_figures(
    requests: Sequence[CallbackRequest],
    records: Sequence[CallRecord],
    deadline: Deadline,
    *,
    languages: Mapping[tuple[str, str, str], int],
    overflow: Mapping[tuple[str, str, str], int],
) -> CallerFigures:
    """Everything of issue 20's evaluation from the period's requests, the requesters'
    calls (`records`, for repeat callers) and the counts of the period's calls as
    `language_choices` and `overflow_outcomes` give them. The counts are passed in, not
    taken from `records`: those are the requesters' calls, also after the period, and
    none of the other callers'."""
    return CallerFigures(
        tuple(callback_figures(requests, records, deadline)),
        tuple((*key, n) for key, n in sorted(languages.items())),
        tuple((*key, n) for key, n in sorted(overflow.items())),
    )
