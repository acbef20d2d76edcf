"""Issue 20's figures reach the office report from the database: a callback request that
was reached on the Monday after a Thursday-evening request, a caller who called again
anyway, a language choice and an overflow (worked out by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from evaluation_support import TEAM, at, call

from callcenter.domain.access import Actor, Role
from callcenter.domain.callbacks import AttemptOutcome
from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Reason, State
from callcenter.reporting.pages import caller_rows
from callcenter.storage.call_repository import CallRecordRepository
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


def test_the_report_counts_the_callback_and_the_choices(store: Store) -> None:
    caller = PSEUDONYMS.caller(NUMBER)
    with store.session() as session:
        CallRecordRepository(session).add_many(_calls(caller))
    event = CallbackAsked("cb-1", "cb-1.2", at(THURSDAY, 18), TEAM, "06151100", NUMBER)
    stored = callbacks.record_request(store.session, event, PSEUDONYMS, SEAL, 7)
    assert stored is not None
    callbacks.start_attempt(store.session, LEAD, stored.id, "101", SEAL, at(MONDAY, 9, 55))
    # Reached Monday 10:00: 88 h after the request (not within 24 h), inside the opening.
    callbacks.finish_attempt(store.session, stored.id, 1, AttemptOutcome.REACHED, at(MONDAY, 10))
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
