"""Issue 20's figures reach the office report from the database: a callback request that
was reached on the Monday after a Thursday-evening request, a caller who called again
anyway, a language choice and an overflow (worked out by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from evaluation_support import OTHER, TEAM, at, call

from callcenter.domain.access import Actor, Role
from callcenter.domain.callbacks import AttemptOutcome
from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import WITHHELD, Pseudonymizer
from callcenter.domain.schedule import Reason, State
from callcenter.evaluation.callbacks import language_choices, overflow_outcomes
from callcenter.reporting.pages import caller_rows
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.callback_repository import CallbackRepository
from callcenter.storage.caller_figures import caller_inputs
from callcenter.storage.store import Store
from callcenter.usecases import callbacks
from callcenter.usecases.callbacks import NumberSeal
from callcenter.usecases.evaluation import compute_office_report

from .conftest import NOW

KEY = bytes(range(32))
PSEUDONYMS = Pseudonymizer(KEY)
SEAL = NumberSeal(KEY)
THURSDAY = date(2026, 9, 17)  # team A: Mo-Do 09-12, Do 14-17:30
MONDAY = date(2026, 9, 21)
NUMBER = "01705000001"
LEAD = Actor("web:tina", Role.TEAMLEAD, TEAM)


def _calls(caller: str) -> list[CallRecord]:
    asked = call("cb-1", at(THURSDAY, 18), Outcome.ANNOUNCEMENT, inside=False, caller=caller)
    again = call(
        "again", at(date(2026, 9, 18), 10), Outcome.ANNOUNCEMENT, inside=False, caller=caller
    )
    overflowed = call("ov-1", at(MONDAY, 9, 30), Outcome.ANSWERED, inside=True, caller="x", wait=25)
    return [
        _with(
            asked,
            language="en",
            callback_requested=True,
            state_at_arrival=State.CLOSED,
            reason_at_arrival=Reason.HOURS,
        ),
        again,
        _with(overflowed, overflow="zentrale"),
    ]


def _with(record: CallRecord, **changes: object) -> CallRecord:
    return replace(record, **changes)  # type: ignore[arg-type]


def _reached_request(store: Store) -> None:
    """The calls of `_calls` and their request, reached on Monday 10:00: 88 h after the
    request (not within 24 h), inside the opening."""
    caller = PSEUDONYMS.caller(NUMBER)
    with store.session() as session:
        CallRecordRepository(session).add_many(_calls(caller))
    event = CallbackAsked("cb-1", "cb-1.2", at(THURSDAY, 18), TEAM, "06151100", NUMBER)
    stored = callbacks.record_request(store.session, event, PSEUDONYMS, SEAL, 7)
    assert stored is not None
    callbacks.start_attempt(store.session, LEAD, stored.id, "101", SEAL, at(MONDAY, 9, 55))
    callbacks.finish_attempt(store.session, stored.id, 1, AttemptOutcome.REACHED, at(MONDAY, 10))


def test_the_report_counts_the_callback_and_the_choices(store: Store) -> None:
    _reached_request(store)
    report = compute_office_report(store, THURSDAY, MONDAY, [TEAM], now=NOW)
    (figures,) = report.callers.callbacks
    assert (figures.requests, figures.fulfilled, figures.within_24h, figures.within_opening) == (
        1,
        1,
        0,
        1,
    )
    assert figures.attempts_per_request == 1.0
    assert figures.repeat_callers == 1  # called again on Friday before the callback
    assert report.callers.languages == ((TEAM, "hours", "en", 1),)
    assert report.callers.overflow == ((TEAM, "zentrale", "answered", 1),)
    rows = {(row.label, row.value) for row in caller_rows(report, "de")}
    assert ("Rückrufwünsche", "1") in rows
    assert ("davon binnen 24 h erfüllt (115)", "0\xa0%") in rows
    assert ("davon bis Ende der nächsten Öffnung erfüllt", "100\xa0%") in rows
    assert all(NUMBER[1:] not in repr(row) for row in caller_rows(report, "de"))


def test_no_features_no_section(store: Store) -> None:
    with store.session() as session:
        CallRecordRepository(session).add_many(
            [call("plain", at(MONDAY, 10), Outcome.ANSWERED, inside=True, caller="p", wait=5)]
        )
    report = compute_office_report(store, MONDAY, MONDAY, [TEAM], now=NOW)
    assert report.callers.empty
    assert caller_rows(report, "de") == ()


def _mixed_calls(requester: str) -> list[CallRecord]:
    """Language choices and overflows inside and around the period, of several teams,
    reasons and outcomes; the requester also calls after the period with a choice."""
    hours = {"reason_at_arrival": Reason.HOURS, "state_at_arrival": State.CLOSED}
    records = _calls(requester)
    for n, (day, hh, team, changes) in enumerate(
        [
            (THURSDAY, 9, TEAM, {"language": "tr"}),  # before the queue: reason "open"
            (THURSDAY, 19, TEAM, {"language": "en", **hours}),
            (date(2026, 9, 18), 11, OTHER, {"language": "en", **hours}),
            (date(2026, 9, 19), 10, OTHER, {"overflow": "zentrale"}),
            (MONDAY, 11, TEAM, {"overflow": "team-b", "language": "ar"}),
            (date(2026, 9, 16), 10, TEAM, {"language": "en", **hours}),  # before the period
            (date(2026, 9, 23), 10, TEAM, {"language": "en", "overflow": "zentrale"}),  # after
        ]
    ):
        outcome = Outcome.ABANDONED if n % 2 else Outcome.ANSWERED
        base = call(f"mix-{n}", at(day, hh), outcome, inside=True, caller=f"c{n}", team=team)
        records.append(_with(base, **changes))
    later = call(
        "after", at(date(2026, 9, 24), 10), Outcome.ANSWERED, inside=True, caller=requester
    )
    records.append(_with(later, language="ru", overflow="zentrale"))
    return records


def test_the_counts_from_the_database_are_those_of_the_period(store: Store) -> None:
    """The language and overflow counts come from GROUP BYs over partial indexes; they equal
    the counts of the period's records with a choice, and no call after the period counts,
    not even a requester's (METRICS.md: calls in the period)."""
    requester = PSEUDONYMS.caller(NUMBER)
    stored_calls = _mixed_calls(requester)
    with store.session() as session:
        CallRecordRepository(session).add_many(stored_calls)
    event = CallbackAsked("cb-1", "cb-1.2", at(THURSDAY, 18), TEAM, "06151100", NUMBER)
    assert callbacks.record_request(store.session, event, PSEUDONYMS, SEAL, 7) is not None
    report = compute_office_report(store, THURSDAY, MONDAY, [TEAM, OTHER], now=NOW)

    tz = store.settings.tz
    start, end = at(THURSDAY, 0).astimezone(tz), at(date(2026, 9, 22), 0).astimezone(tz)
    period = [r for r in stored_calls if start <= r.started < end]
    assert report.callers.languages == tuple(
        (*key, n) for key, n in sorted(language_choices(period).items())
    )
    assert report.callers.overflow == tuple(
        (*key, n) for key, n in sorted(overflow_outcomes(period).items())
    )
    # Worked out by hand: "open" for no announcement; neither the call before the period
    # nor those after it count, the requester's ("ru", to "zentrale") included.
    assert report.callers.languages == (
        (TEAM, "hours", "en", 2),
        (TEAM, "open", "ar", 1),
        (TEAM, "open", "tr", 1),
        (OTHER, "hours", "en", 1),
    )
    assert report.callers.overflow == (
        (TEAM, "team-b", "answered", 1),
        (TEAM, "zentrale", "answered", 1),
        (OTHER, "zentrale", "abandoned", 1),
    )


def _withheld_calls(n: int) -> list[CallRecord]:
    """Strangers without a number: in the period after the requests, and after the period
    with a language choice and an overflow."""
    out = []
    for i in range(n):
        day, hh = (date(2026, 9, 18), 10) if i % 2 else (date(2026, 9, 23), 11)
        started = at(day, hh, i % 60, i // 60)
        base = call(f"w-{i}", started, Outcome.ANNOUNCEMENT, inside=True, caller=WITHHELD)
        out.append(base if i % 2 else _with(base, language="en", overflow="zentrale"))
    return out


def test_a_withheld_request_reads_no_withheld_calls(store: Store) -> None:
    """A request the retention purge cleared (caller WITHHELD) is a request but links to
    no call: 1,000 withheld calls of the team change no figure and are never read."""
    purged = CallbackAsked("cb-0", "cb-0.2", at(THURSDAY, 17), TEAM, "06151100", "01705000002")
    assert callbacks.record_request(store.session, purged, PSEUDONYMS, SEAL, 7) is not None
    with store.session() as session:
        assert CallbackRepository(session).forget_callers(at(THURSDAY, 17, 30)) == 1
    _reached_request(store)
    alone = compute_office_report(store, THURSDAY, MONDAY, [TEAM], now=NOW).callers
    with store.session() as session:
        CallRecordRepository(session).add_many(_withheld_calls(1000))
        tz = store.settings.tz
        start, end = at(THURSDAY, 0).astimezone(tz), at(date(2026, 9, 22), 0).astimezone(tz)
        found = caller_inputs(session, [TEAM], start, end)
    crowded = compute_office_report(store, THURSDAY, MONDAY, [TEAM], now=NOW).callers
    assert crowded == alone
    assert [r.caller for r in found.requests].count(WITHHELD) == 1
    assert sorted(r.linked_id for r in found.records) == ["again"]
    (figures,) = alone.callbacks
    assert (figures.requests, figures.repeat_callers, figures.known_callers) == (2, 1, 1)
