"""Recordings 017/018: the same eight calls as AMI events, Master.csv and queue_log (issue 15).

The live log (the trace through the tracker) plus the CDR import plus the queue_log import
must give exactly one record per real call, each the live one unchanged (outcome, wait,
talk and all). 017 has the base cdr.conf: Master.csv names the call (its Linkedid) only on
the `;1` rows of answered calls, so the others are found by the routed `;2` leg's
uniqueid; queue_log's callid is that `;2` uniqueid (README-v3, "Which ids appear where").
018 has `newcdrcolumns=yes`: every row carries the Linkedid. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from recordings import ASTERISK22
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.schedule import Office, Pilot, Team, windows_from_spec
from callcenter.imports.common import CallImportSetup, ImportResult
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import session_scope
from callcenter.storage.models import CallRecordRow
from callcenter.usecases.calls import import_cdr, import_queue_log

from ..tracker.trace_support import PSEUDONYMS, TEAM, events_of, new_tracker

GROUPS = {
    "017": "017_three_views_cdr_base",
    "018": "018_three_views_cdr_newcols_unanswered",
}
UTC = ZoneInfo("UTC")  # the recording box ran in UTC (README-v3)
NOW = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
# The recording's dialplan (README-v3 "Configuration"): team line 06151100 → queue
# auslaender-a, direct lines 0615110XX and the never-answering 061511109, switchboard
# 06151000 → zentrale.
OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    {},
    (
        Team(
            TEAM,
            "Team A",
            windows=windows_from_spec("Mo-Do 09:00-12:00"),
            queue="auslaender-a",
            team_lines=("06151100",),
            direct_lines=("_0615110XX", "061511109"),
        ),
    ),
    pilots=(Pilot(TEAM, date(2026, 11, 1), date(2026, 12, 31)),),
)
SETUP = CallImportSetup(
    plan=LinePlan(OFFICE, ("06151000",), "zentrale"),
    pseudonyms=PSEUDONYMS,
    calendar=OfficeCalendar(OFFICE),
)
# queue_log calls per group: c1, c2, c3, c6, c8 (c4, c5, c7 are direct lines).
QUEUE_CALLS = 5


def sessions(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    return lambda: session_scope(engine)


def stored(engine: Engine) -> dict[str, CallRecord]:
    with session_scope(engine) as session:
        ids = list(session.scalars(select(CallRecordRow.linked_id)))
        repository = CallRecordRepository(session)
        assert len(ids) == len(set(ids))
        return {linked: repository.get(linked) for linked in ids}


def live(engine: Engine, group: str) -> dict[str, CallRecord]:
    tracker = new_tracker()
    records = tracker.feed_all(events_of(GROUPS[group]))
    assert len(records) == 8
    with session_scope(engine) as session:
        assert CallRecordRepository(session).add_many(records) == 8
    return {record.linked_id: record for record in records}


def cdr(engine: Engine, group: str, zone: ZoneInfo = UTC) -> ImportResult:
    path = ASTERISK22 / "groups" / group / "Master.csv"
    return import_cdr(sessions(engine), path, SETUP, zone, actor="test", now=NOW)


def queue_log(engine: Engine, group: str) -> ImportResult:
    path = ASTERISK22 / "groups" / group / "queue_log"
    return import_queue_log(sessions(engine), path, SETUP, actor="test", now=NOW)


def counts(result: ImportResult) -> tuple[int, int, int, int, int]:
    return (result.imported, result.matched, result.updated, result.duplicates, result.rejected)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_live_log_and_both_imports_give_one_record_per_call(engine: Engine, group: str) -> None:
    records = live(engine, group)
    by_cdr = cdr(engine, group)
    assert counts(by_cdr) == (0, 8, 0, 0, 0)
    assert (by_cdr.read, by_cdr.ignored) == ({"017": 21, "018": 34}[group], 0)
    assert (by_cdr.shift_hours, by_cdr.compared) == (0, 8)
    by_queue_log = queue_log(engine, group)
    assert counts(by_queue_log) == (0, QUEUE_CALLS, 0, 0, 0)
    assert by_queue_log.shift_hours == 0
    # Exactly the live records, untouched: same outcome, wait, talk, decision, ids.
    assert stored(engine) == records


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_without_the_live_log_the_imports_find_each_other(engine: Engine, group: str) -> None:
    by_cdr = cdr(engine, group)
    assert counts(by_cdr) == (8, 0, 0, 0, 0)
    assert by_cdr.shift_hours is None  # nothing live to compare with
    by_queue_log = queue_log(engine, group)
    assert counts(by_queue_log) == (0, 0, 0, QUEUE_CALLS, 0)
    imported = stored(engine)
    assert len(imported) == 8
    # The same calls with the same outcomes as the live log says (wait and talk from the
    # file's whole seconds, checked in test_import_calls).
    expected = {r.inbound_id: r.outcome for r in new_tracker().feed_all(events_of(GROUPS[group]))}
    assert {r.inbound_id: r.outcome for r in imported.values()} == expected
    if group == "018":  # the linkedid column: the live log's ids
        live_ids = {r.linked_id for r in new_tracker().feed_all(events_of(GROUPS[group]))}
        assert set(imported) == live_ids


def test_a_wrong_time_zone_is_reported_as_an_hour_shift(engine: Engine) -> None:
    records = live(engine, "017")
    berlin = cdr(engine, "017", ZoneInfo("Europe/Berlin"))
    # Read as Berlin wall time, 15:45 is 14:45 UTC: one hour before the live calls.
    assert (berlin.shift_hours, berlin.compared) == (-1, 8)
    assert counts(berlin) == (0, 8, 0, 0, 0)  # found by their ids all the same
    assert stored(engine) == records


def test_an_incomplete_live_record_is_completed_by_the_queue_log(engine: Engine) -> None:
    # c3 (queue timeout) stored by a run that stopped 10 s into the call.
    tracker = new_tracker()
    events = events_of(GROUPS["017"])
    c3 = "1796399138.125"
    first = next(e.at for e in events if e.linked_id == c3)
    cut = [e for e in events if e.linked_id != c3 or (e.at - first).total_seconds() < 10]
    tracker.feed_all(cut)
    (partial,) = [r for r in tracker.flush() if r.linked_id == c3]
    assert not partial.complete
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many([partial])
    result = queue_log(engine, "017")
    assert counts(result) == (4, 1, 1, 0, 0)
    record = stored(engine)[c3]
    assert record.complete
    assert record.outcome.value == "timeout"
    assert record.started == partial.started  # the live start and decision stay
    assert record.source == partial.source
    assert record.wait_seconds is not None
    assert abs(record.wait_seconds - 30) <= 1  # EXITWITHTIMEOUT|1|2|30


def test_an_id_naming_another_call_is_rejected_not_merged(engine: Engine) -> None:
    # A stored call under c1's ids but with another caller (another PBX's call with the
    # same Uniqueids, e.g. without `systemname`): the file's c1 is not that call.
    records = new_tracker().feed_all(events_of(GROUPS["017"]))
    c1 = next(r for r in records if r.caller == PSEUDONYMS.caller("01702000001"))
    foreign = replace(c1, caller=PSEUDONYMS.caller("01709999999"))
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many([foreign])
    result = cdr(engine, "017")
    assert counts(result) == (7, 0, 0, 0, 1)
    assert stored(engine)[c1.linked_id] == foreign
    assert len(stored(engine)) == 8


def test_the_v2_recordings_live_and_imported_stay_one_record_per_call(engine: Engine) -> None:
    # 001-016 (36 calls) and their Master.csv (15 calls) and queue_log (26 calls): the
    # case of the issue, where the imports used to add records for calls the live log had.
    office = Office(
        ZoneInfo("Europe/Berlin"),
        {},
        (
            Team(
                TEAM,
                "Team A",
                windows=windows_from_spec("Mo-Do 09:00-12:00"),
                queue="auslaender-a",
                team_lines=("06151100",),
                direct_lines=("_0615110XX",),
            ),
        ),
    )
    setup = CallImportSetup(
        LinePlan(office, ("06151000",), "zentrale"), PSEUDONYMS, OfficeCalendar(office)
    )
    records = [
        record
        for path in sorted((ASTERISK22 / "traces").glob("0*.ami"))
        if path.stem < "017"
        for record in new_tracker().feed_all(events_of(path.stem))
    ]
    assert len(records) == 36
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many(records)
    files = sessions(engine)
    by_cdr = import_cdr(files, ASTERISK22 / "Master.csv", setup, UTC, actor="test", now=NOW)
    assert counts(by_cdr) == (0, 15, 0, 0, 0)
    by_queue_log = import_queue_log(files, ASTERISK22 / "queue_log", setup, actor="test", now=NOW)
    assert counts(by_queue_log) == (0, 26, 0, 0, 0)
    assert stored(engine) == {record.linked_id: record for record in records}


def test_a_zone_shift_shows_even_without_shared_ids(engine: Engine) -> None:
    # Live records under ids the file does not know (stored before the routed channel's
    # id was kept, and Master.csv without linkedid): a wrong zone cannot hide either.
    records = new_tracker().feed_all(events_of(GROUPS["017"]))
    foreign = [replace(r, linked_id=f"old-{r.linked_id}", inbound_id=None) for r in records]
    with session_scope(engine) as session:
        CallRecordRepository(session).add_many(foreign)
    berlin = cdr(engine, "017", ZoneInfo("Europe/Berlin"))
    assert (berlin.shift_hours, berlin.compared) == (-1, 8)
    assert berlin.matched == 0  # nothing joins them at the wrong times: the warning matters


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_live_records_written_after_the_imports_take_the_calls_over(
    engine: Engine, group: str
) -> None:
    # The imports ran first (their ids: Master.csv's, queue_log's ;2 legs); the live
    # writer's records of the same calls then replace them, one row per call.
    cdr(engine, group)
    queue_log(engine, group)
    records = new_tracker().feed_all(events_of(GROUPS[group]))
    with session_scope(engine) as session:
        assert CallRecordRepository(session).add_many(records) == 8  # all improved
    assert stored(engine) == {record.linked_id: record for record in records}
