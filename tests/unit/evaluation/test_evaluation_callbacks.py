"""Callback figures (115: within 24 h, within the next opening), repeat callers,
language choices per reason and overflow outcomes: hand-computed cases."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from callcenter.domain.callbacks import (
    AttemptOutcome,
    CallbackAttempt,
    CallbackRequest,
    CallbackStatus,
)
from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import Reason, State, Team, TeamSchedule, windows_from_spec
from callcenter.evaluation.callbacks import (
    callback_figures,
    language_choices,
    opening_deadline,
    overflow_outcomes,
)

TZ = ZoneInfo("Europe/Berlin")
TEAM = "auslaender-a"
SCHEDULE = TeamSchedule(
    Team(TEAM, "Team A", windows=windows_from_spec("Mo-Do 09:00-12:00")),
    TZ,
    holidays.Germany(subdiv="HE"),  # type: ignore[attr-defined,unused-ignore]
)
# Thursday 3 Dec 2026, 17:00: closed; next opening Mon 7 Dec 09:00-12:00.
ASKED = datetime(2026, 12, 3, 17, 0, tzinfo=TZ)


def request(
    rid: int, caller: str, outcomes: list[tuple[AttemptOutcome, timedelta]], **kw: object
) -> CallbackRequest:
    attempts = tuple(
        CallbackAttempt(i, "web:tina", "101", ASKED + after, ASKED + after, outcome)
        for i, (outcome, after) in enumerate(outcomes, start=1)
    )
    reached = next((a.ended for a in attempts if a.outcome is AttemptOutcome.REACHED), None)
    return CallbackRequest(
        id=rid,
        team=TEAM,
        linked_id=f"call-{rid}",
        caller=caller,
        dialled="06151100",
        requested_at=ASKED,
        expires_at=ASKED + timedelta(days=7),
        status=CallbackStatus.DONE if reached else kw.get("status", CallbackStatus.OPEN),  # type: ignore[arg-type]
        closed_at=reached or kw.get("closed_at"),  # type: ignore[arg-type]
        attempts=attempts,
    )


def call(caller: str, started: datetime, linked: str, **kw: object) -> CallRecord:
    return CallRecord(
        linked_id=linked,
        team=TEAM,
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=caller,
        started=started,
        outcome=kw.pop("outcome", Outcome.ANNOUNCEMENT),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _deadline(team: str, at: datetime) -> datetime | None:
    return opening_deadline(SCHEDULE, at)


def test_opening_deadline_is_the_end_of_the_next_opening() -> None:
    assert opening_deadline(SCHEDULE, ASKED) == datetime(2026, 12, 7, 12, 0, tzinfo=TZ)
    # Asked while open (a queue timeout): the current opening counts.
    during = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
    assert opening_deadline(SCHEDULE, during) == datetime(2026, 12, 7, 12, 0, tzinfo=TZ)


def test_the_115_figures_by_hand() -> None:
    requests = [
        # Reached on the second try after 20 h: within 24 h, within the next opening.
        request(
            1,
            "c1",
            [
                (AttemptOutcome.BUSY, timedelta(hours=16)),
                (AttemptOutcome.REACHED, timedelta(hours=20)),
            ],
        ),
        # Reached Monday 10:00 (89 h): not within 24 h, but within the next opening.
        request(2, "c2", [(AttemptOutcome.REACHED, timedelta(hours=89))]),
        # Reached Monday 13:00 (92 h): neither.
        request(
            3,
            "c3",
            [
                (AttemptOutcome.NO_ANSWER, timedelta(hours=89)),
                (AttemptOutcome.REACHED, timedelta(hours=92)),
            ],
        ),
        # Never reached, expired.
        request(4, "c4", [], status=CallbackStatus.EXPIRED, closed_at=ASKED + timedelta(days=7)),
    ]
    calls = [
        call("c1", ASKED - timedelta(seconds=30), "call-1"),  # the request's own call
        call("c2", ASKED + timedelta(hours=2), "again-2"),  # called again before being reached
        call("c3", ASKED + timedelta(hours=93), "after-3"),  # after being reached: no repeat
        call("c4", ASKED + timedelta(days=8), "late-4"),  # after the request closed
        call("c9", ASKED + timedelta(hours=1), "stranger"),  # asked for nothing
    ]
    (figures,) = callback_figures(requests, calls, lambda team, at: opening_deadline(SCHEDULE, at))
    assert figures.team == TEAM
    assert (figures.requests, figures.fulfilled, figures.expired, figures.open) == (4, 3, 1, 0)
    assert (figures.within_24h, figures.within_opening) == (1, 2)
    assert figures.share_24h == 0.25
    assert figures.share_opening == 0.5
    assert figures.attempts == 5
    assert figures.attempts_per_request == 1.25
    assert (figures.repeat_callers, figures.known_callers) == (1, 4)
    assert figures.repeat_share == 0.25


def test_a_withheld_request_counts_as_a_request_but_never_as_a_repeat_caller() -> None:
    """A request the retention purge cleared has no caller: it is a request (and its
    attempts and fulfilment count), but withheld calls after it are strangers' calls."""
    known = [
        request(1, "c1", []),
        request(2, "c2", [(AttemptOutcome.REACHED, timedelta(hours=89))]),
    ]
    calls = [call("c1", ASKED + timedelta(hours=1), "again-1")]
    withheld = request(3, WITHHELD, [(AttemptOutcome.REACHED, timedelta(hours=20))])
    strangers = [call(WITHHELD, ASKED + timedelta(hours=h), f"w-{h}") for h in (1, 2, 30)]
    (before,) = callback_figures(known, calls, _deadline)
    (after,) = callback_figures([*known, withheld], calls + strangers, _deadline)
    assert after.repeat_callers == before.repeat_callers == 1
    assert (before.repeat_callers, before.known_callers, before.repeat_share) == (1, 2, 0.5)
    assert (after.repeat_callers, after.known_callers, after.repeat_share) == (1, 2, 0.5)
    assert (after.requests, after.fulfilled, after.within_24h, after.attempts) == (3, 2, 1, 2)


def test_no_requests_no_figures() -> None:
    assert callback_figures([], [], lambda team, at: None) == []


def test_language_choices_per_reason_and_overflow_outcomes() -> None:
    closed = {"state_at_arrival": State.CLOSED, "reason_at_arrival": Reason.HOURS}
    records = [
        call("a", ASKED, "1", language="en", **closed),
        call("b", ASKED, "2", language="en", **closed),
        call("c", ASKED, "3", language="default", **closed),
        call(
            "d",
            ASKED,
            "4",
            language="tr",
            state_at_arrival=State.CLOSED,
            reason_at_arrival=Reason.HOLIDAY,
        ),
        call("e", ASKED, "5", language="de", state_at_arrival=State.OPEN),
        call("f", ASKED, "6"),  # no menu
        call("g", ASKED, "7", overflow="zentrale", outcome=Outcome.ANSWERED),
        call("h", ASKED, "8", overflow="zentrale", outcome=Outcome.ABANDONED),
        call("i", ASKED, "9", overflow="zentrale", outcome=Outcome.ANSWERED),
        call("j", ASKED, "10", overflow="callback", outcome=Outcome.ANNOUNCEMENT),
    ]
    assert language_choices(records) == {
        (TEAM, "hours", "en"): 2,
        (TEAM, "hours", "default"): 1,
        (TEAM, "holiday", "tr"): 1,
        (TEAM, "open", "de"): 1,
    }
    assert overflow_outcomes(records) == {
        (TEAM, "zentrale", "answered"): 2,
        (TEAM, "zentrale", "abandoned"): 1,
        (TEAM, "callback", "announcement"): 1,
    }
