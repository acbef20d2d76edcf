"""Call records: one per inbound call, as the tracker finishes it and storage keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callcenter.domain.errors import NaiveDatetime
from callcenter.domain.schedule import Reason, State


class LineKind(StrEnum):
    TEAM_LINE = "team_line"
    DIRECT_LINE = "direct_line"
    SWITCHBOARD = "switchboard"  # reached the team via a switchboard transfer


class DecisionSource(StrEnum):
    LIVE = "live"
    FALLBACK = "fallback"


class Outcome(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"  # caller hung up while waiting in the queue
    TIMEOUT = "timeout"  # the queue timed out
    ANNOUNCEMENT = "announcement"  # heard the announcement to the end
    ANNOUNCEMENT_HANGUP = "announcement_hangup"  # hung up during the announcement
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    TRANSFERRED = "transferred"
    FAILED = "failed"


@dataclass(frozen=True)
class CallRecord:
    """A finished (or, if `complete` is False, partly observed) inbound call.

    `caller` is always a keyed pseudonym, never the raw number. `inbound_id` is the PBX
    Uniqueid of the channel the team's routing ran on (the `;2` leg): queue_log's callid
    and Master.csv's `uniqueid` of that leg, so imports find the call by it.
    `observed_until`, for a record whose end was not observed, is the instant up to which
    `wait_seconds`/`talk_seconds` were counted: a later part of the same call continues
    from there (callcenter.domain.record_merge).
    """

    linked_id: str
    team: str
    line_kind: LineKind
    dialled: str
    caller: str
    started: datetime
    outcome: Outcome
    state_at_arrival: State | None = None
    reason_at_arrival: Reason | None = None
    source: DecisionSource | None = None
    in_hours: bool | None = None
    answered: datetime | None = None
    ended: datetime | None = None
    wait_seconds: float | None = None
    talk_seconds: float | None = None
    answered_by: str | None = None  # pseudonym of the answering member
    pilot: bool = False
    complete: bool = True
    inbound_id: str | None = None
    observed_until: datetime | None = None
    # Issue 20: the menu's language (a code; "default" when no valid key came), whether the
    # caller asked for a callback, where a queue timeout sent the call (`zentrale`,
    # `team:<id>`, `callback`, `announcement`; the outcome is where it ended there).
    language: str | None = None
    callback_requested: bool = False
    overflow: str | None = None

    def __post_init__(self) -> None:
        for name in ("started", "answered", "ended", "observed_until"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise NaiveDatetime(
                    f"Anruf {self.linked_id}: Zeitpunkt „{name}“ hat keine Zeitzone",
                    f"call {self.linked_id}: '{name}' has no time zone",
                )

    @property
    def decision_disagrees(self) -> bool:
        """True when the PBX's routing decision differs from what the schedule says."""
        if self.in_hours is None or self.state_at_arrival is None:
            return False
        return self.in_hours != (self.state_at_arrival == State.OPEN)
