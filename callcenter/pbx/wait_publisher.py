"""The estimated queue wait per team, kept in AstDB for the dialplan to say (issue 20, point 4).

Fed with every finished call record (the event pump hands each one over): the answered waits
of a team's queue calls, their talk times and arrivals, and the members who answered. Every
`announce_frequency_seconds` the team's estimate is computed with `domain.queue_wait` and
written to `callhours/<team>/wait_minutes` — only when it changed, and all of them again
after every login (Asterisk pushes nothing to a reconnecting client, and AstDB may be new
after a PBX restart).

The value is a whole number of minutes from `domain.queue_wait.WAIT_BUCKETS`, one rendered
sentence each ("etwa 5 Minuten"), or 0: no estimate, or one too short to be worth saying,
which the dialplan skips. The current agents are the members who answered a call of the team
within the estimate's window: the recordings show QueueMember only as an answer to a
QueueStatus action the simulator does not offer, so the records are the live source both
have.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.queue_wait import (
    AnsweredWait,
    bucket_minutes,
    estimate_wait,
    moving_average_wait,
)
from callcenter.pbx.pusher import FAMILY, AstDb

logger = logging.getLogger(__name__)

WAIT_KEY = "wait_minutes"
WINDOW = timedelta(minutes=30)
_QUEUE_OUTCOMES = frozenset({Outcome.ANSWERED, Outcome.ABANDONED, Outcome.TIMEOUT})


def wait_key(team: str) -> str:
    """The AstDB key (in family `callhours`) of a team's estimate."""
    return f"{team}/{WAIT_KEY}"


@dataclass(frozen=True)
class _QueueCall:
    at: datetime  # when the call reached the queue (started; the routing takes a second)
    ended: datetime
    answered: datetime | None
    waited: float | None
    talked: float | None
    agent: str | None


class TeamWaits:
    """The recent queue calls of one team, as the records tell them."""

    def __init__(self) -> None:
        self._calls: deque[_QueueCall] = deque()

    def observe(self, record: CallRecord) -> None:
        if record.line_kind != LineKind.TEAM_LINE or record.outcome not in _QUEUE_OUTCOMES:
            return
        self._calls.append(
            _QueueCall(
                record.started,
                record.ended or record.started,
                record.answered,
                record.wait_seconds,
                record.talk_seconds,
                record.answered_by,
            )
        )

    def estimate_seconds(self, now: datetime) -> float | None:
        while self._calls and self._calls[0].at < now - 2 * WINDOW:
            self._calls.popleft()
        recent = [c for c in self._calls if now - WINDOW <= c.at <= now]
        answered = [c for c in recent if c.answered is not None]
        # A caller the queue gave up on waited at least that long: counted with it (a
        # lower bound), or a queue that times everyone out would look empty.
        waits = [
            AnsweredWait(c.answered or c.ended, c.waited) for c in recent if c.waited is not None
        ]
        talks = [c.talked for c in answered if c.talked]
        agents = len({c.agent for c in answered if c.agent})
        modelled = estimate_wait(
            waits,
            now,
            agents=agents,
            arrivals_per_hour=len(recent) * timedelta(hours=1) / WINDOW,
            handle_seconds=sum(talks) / len(talks) if talks else 0.0,
        )
        # Erlang C assumes calls spread evenly over the window; callers arriving in a
        # burst wait far longer than it says. What callers really waited is the floor.
        observed = moving_average_wait(waits, now, WINDOW)
        known = [w for w in (modelled, observed) if w is not None]
        return max(known) if known else None


class WaitPublisher:
    """Computes each announcing team's estimate and writes it to AstDB when it changes."""

    def __init__(self, astdb: AstDb, frequencies: Mapping[str, int]) -> None:
        """`frequencies`: team id -> seconds between estimates (teams that announce)."""
        self._astdb = astdb
        self._frequencies = dict(frequencies)
        self._teams = {team: TeamWaits() for team in self._frequencies}
        self._pushed: dict[str, str] = {}
        self._due: dict[str, datetime] = {}

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(self._teams)

    @property
    def shortest_frequency(self) -> int | None:
        return min(self._frequencies.values(), default=None)

    def observe(self, record: CallRecord) -> None:
        waits = self._teams.get(record.team)
        if waits is not None:
            waits.observe(record)

    def value(self, team: str, now: datetime) -> str:
        return str(bucket_minutes(self._teams[team].estimate_seconds(now)))

    async def update(self, now: datetime) -> None:
        """Each team whose frequency has passed: estimate, and write it if it changed."""
        for team, seconds in self._frequencies.items():
            due = self._due.get(team)
            if due is not None and now < due:
                continue
            self._due[team] = now + timedelta(seconds=seconds)
            await self._put(team, self.value(team, now), force=False)

    async def push_all(self, now: datetime) -> None:
        """After a login: every team's current estimate, changed or not."""
        for team, seconds in self._frequencies.items():
            self._due[team] = now + timedelta(seconds=seconds)
            await self._put(team, self.value(team, now), force=True)

    async def _put(self, team: str, value: str, *, force: bool) -> None:
        if not force and self._pushed.get(team) == value:
            return
        try:
            await self._astdb.db_put(FAMILY, wait_key(team), value)
        except Exception as exc:  # the next update or login writes it again
            self._pushed.pop(team, None)
            logger.warning("DBPut %s/%s=%s failed: %s", FAMILY, wait_key(team), value, exc)
            return
        if self._pushed.get(team) != value:
            logger.info("estimated wait of %s: %s min", team, value)
        self._pushed[team] = value
