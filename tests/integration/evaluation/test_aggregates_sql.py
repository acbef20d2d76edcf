"""The SQL aggregates equal the in-memory definition, on SQLite and on PostgreSQL.

`callcenter.evaluation.records.aggregate_records` is the reference (its numbers are worked
out by hand in tests/unit/evaluation); here the same call sets go through the real write
paths into the database and come back through `read_aggregates`.
"""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import date

import pytest
from evaluation_support import (
    AUTUMN,
    HAND_CLOSURES,
    HAND_WALK_INS,
    PERIOD,
    SETTINGS,
    SPRING,
    dst_calls,
    hand_calls,
)
from sqlalchemy import event

from callcenter.evaluation.inputs import Aggregates
from callcenter.evaluation.records import aggregate_records
from callcenter.evaluation.synthetic import SyntheticParams, generate
from callcenter.storage.aggregates import data_span, read_aggregates
from callcenter.storage.bulk_calls import replace_walk_ins
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.repositories import ScheduleRepository
from callcenter.storage.store import Store

from .conftest import ACTOR, NOW


def assert_same(sql: Aggregates, memory: Aggregates) -> None:
    """Equal, with sums of float seconds compared to the microsecond."""
    for field in fields(Aggregates):
        left, right = getattr(sql, field.name), getattr(memory, field.name)
        if field.name == "team_stats":
            assert len(left) == len(right)
            for a, b in zip(left, right, strict=True):
                assert math.isclose(a.queued_wait_seconds, b.queued_wait_seconds, abs_tol=1e-6)
                assert type(a)(**{**vars(a), "queued_wait_seconds": b.queued_wait_seconds}) == b
        elif field.name == "cells":
            assert len(left) == len(right)
            for a, b in zip(left, right, strict=True):
                assert math.isclose(a.wait_total_seconds, b.wait_total_seconds, abs_tol=1e-6)
                assert math.isclose(a.talk_total_seconds, b.talk_total_seconds, abs_tol=1e-6)
                same = vars(a) | {
                    "wait_total_seconds": b.wait_total_seconds,
                    "talk_total_seconds": b.talk_total_seconds,
                }
                assert type(a)(**same) == b
        else:
            assert left == right, field.name


def _store_calls(store: Store, records) -> None:
    with store.session() as session:
        CallRecordRepository(session).add_many(records)


def test_hand_built_calls(store: Store) -> None:
    _store_calls(store, hand_calls())
    with store.session() as session:
        for closure in HAND_CLOSURES:
            ScheduleRepository(session).insert_closure(closure, ACTOR, NOW)
    with store.engine.begin() as connection:
        replace_walk_ins(connection, "hand-", "hand-walk-ins", HAND_WALK_INS)
    office = store.office()
    teams = office.team_ids
    with store.session() as session:
        sql = read_aggregates(session, office.tz, teams, *PERIOD, SETTINGS)
    memory = aggregate_records(
        hand_calls(),
        office.tz,
        teams,
        *PERIOD,
        SETTINGS,
        closures=office.closures,
        walk_ins=HAND_WALK_INS,
    )
    assert_same(sql, memory)
    # The hand-worked numbers survive the trip (see test_evaluation_metrics.py).
    stats = sql.stats_for("auslaender-a")
    assert stats is not None
    assert (stats.unique_callers, stats.announcement_callers, stats.through_later) == (5, 2, 1)
    assert stats.delay_histogram_minutes == ((40, 1),)
    assert stats.wait_histogram == ((5, 1), (10, 1), (20, 1), (45, 1))
    assert sum(d.contacts for d in sql.caller_days) == 6


def test_daylight_saving_days(store: Store) -> None:
    _store_calls(store, dst_calls())
    office = store.office()
    with store.session() as session:
        sql = read_aggregates(session, office.tz, office.team_ids, SPRING, AUTUMN, SETTINGS)
    memory = aggregate_records(dst_calls(), office.tz, office.team_ids, SPRING, AUTUMN, SETTINGS)
    assert_same(sql, memory)
    spring = [c for c in sql.cells if c.day == SPRING]
    autumn = [c for c in sql.cells if c.day == AUTUMN]
    assert (len(spring), sum(c.offered for c in spring)) == (23, 23)
    assert (len(autumn), sum(c.offered for c in autumn)) == (24, 25)
    assert next(c for c in autumn if c.hour == 2).offered == 2


def test_synthetic_data_through_the_bulk_loader(store: Store) -> None:
    from callcenter.usecases.pilot_data import load_synthetic_pilot_data

    params = SyntheticParams(scale=0.08)
    assert load_synthetic_pilot_data(store, params, 21, now=NOW) > 0
    office = store.office()
    calls = generate(params, office, 21)
    records = [r for chunk in calls.records() for r in chunk]
    start, end = date(2026, 7, 1), params.last_day
    with store.session() as session:
        sql = read_aggregates(
            session, office.tz, office.team_ids, start, end, SETTINGS, cells_start=params.first_day
        )
        span = data_span(session, office.tz)
    memory = aggregate_records(
        records,
        office.tz,
        office.team_ids,
        start,
        end,
        SETTINGS,
        cells_start=params.first_day,
        closures=office.closures,
        walk_ins=calls.walk_ins,
    )
    assert_same(sql, memory)
    local_days = [r.started.astimezone(office.tz).date() for r in records]
    assert span == (min(local_days), max(local_days))
    with store.session() as session:
        assert data_span(session, office.tz, office.team_ids) == span
        pilot_days = [
            r.started.astimezone(office.tz).date() for r in records if r.team == params.pilot_team
        ]
        assert data_span(session, office.tz, [params.pilot_team]) == (
            min(pilot_days),
            max(pilot_days),
        )
        assert data_span(session, office.tz, ["no-such-team"]) is None
    assert sum(s.synthetic_calls for s in sql.team_stats) == sum(
        c.offered for c in sql.cells if c.day >= start
    )


def test_an_empty_database(store: Store) -> None:
    office = store.office()
    with store.session() as session:
        sql = read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
        assert data_span(session, office.tz) is None
    assert sql.cells == ()
    assert sql.caller_days == ()
    assert all(s.unique_callers == 0 for s in sql.team_stats)


def test_end_before_start_is_refused(store: Store) -> None:
    office = store.office()
    with store.session() as session, pytest.raises(ValueError, match="before start"):
        read_aggregates(session, office.tz, office.team_ids, PERIOD[1], PERIOD[0], SETTINGS)


def test_first_announcements_come_from_their_partial_index(store: Store) -> None:
    """The callers who heard the announcement are found in ix_call_records_announced (0015):
    a query uses a partial index only when it states the index's condition word for word,
    so a reworded condition would silently read every call of the period again."""
    from callcenter.usecases.pilot_data import load_synthetic_pilot_data

    params = SyntheticParams(scale=0.05)
    assert load_synthetic_pilot_data(store, params, 21, now=NOW) > 0
    office = store.office()
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "min(call_records.started)" in statement and "announcement" in statement:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        with store.session() as session:
            read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)
    assert len(seen) == 1, "the pass over the first announcement calls ran once"
    statement, parameters = seen[0]
    postgres = store.engine.dialect.name == "postgresql"
    with store.engine.connect() as connection:
        if postgres:
            # On a test-sized table a sequential scan is cheapest; any index will do here.
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = connection.exec_driver_sql(explain + statement, parameters).all()
    assert "ix_call_records_announced" in " ".join(str(row) for row in plan)
