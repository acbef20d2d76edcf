"""Each call's link to the caller's previous call (`previous_started`), on SQLite and
PostgreSQL: kept right whatever order calls are written in, filled in by migration 0005,
and giving the same evaluation numbers as the in-memory reference."""

from __future__ import annotations

from datetime import datetime, timedelta

from evaluation_support import PERIOD, SETTINGS, TEAM, at, call, hand_calls
from sqlalchemy import insert, select

from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.evaluation.records import aggregate_records
from callcenter.storage.aggregates import read_aggregates
from callcenter.storage.bulk_calls import call_row
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import make_engine, upgrade
from callcenter.storage.models import CallRecordRow
from callcenter.storage.store import Store

from .test_aggregates_sql import assert_same

MONDAY = PERIOD[0]


def _links(store: Store) -> dict[str, datetime | None]:
    with store.session() as session:
        rows = session.execute(select(CallRecordRow.linked_id, CallRecordRow.previous_started))
        return {linked_id: previous for linked_id, previous in rows}


def _add_one_by_one(store: Store, records: list[CallRecord]) -> None:
    for record in records:
        with store.session() as session:
            CallRecordRepository(session).add(record)


def test_calls_written_newest_first_are_linked_in_time_order(store: Store) -> None:
    first = call("x1", at(MONDAY, 9, 0), Outcome.ANSWERED, inside=True, caller="X", wait=5)
    second = call("x2", at(MONDAY, 10, 0), Outcome.ABANDONED, inside=True, caller="X", wait=9)
    third = call("x3", at(MONDAY, 11, 0), Outcome.ANSWERED, inside=True, caller="X", wait=2)
    other_team = call(
        "x4", at(MONDAY, 10, 30), Outcome.ANSWERED, inside=True, caller="X", team="einbuergerung"
    )
    withheld = call("w1", at(MONDAY, 9, 30), Outcome.ANSWERED, inside=True, caller=WITHHELD)
    withheld_too = call("w2", at(MONDAY, 9, 45), Outcome.ANSWERED, inside=True, caller=WITHHELD)
    # An import of older calls after the live ones: the middle call arrives last.
    _add_one_by_one(store, [third, withheld_too, first, other_team, withheld, second])
    assert _links(store) == {
        "x1": None,
        "x2": first.started,
        "x3": second.started,
        "x4": None,  # another team: another sequence
        "w1": None,  # withheld numbers cannot be followed
        "w2": None,
    }


def test_calls_in_the_same_microsecond_still_form_one_chain(store: Store) -> None:
    moment = at(MONDAY, 9, 0)
    twins = [
        call(f"t{n}", moment, Outcome.ANNOUNCEMENT, inside=False, caller="T") for n in (1, 2, 3)
    ]
    with store.session() as session:
        CallRecordRepository(session).add_many(twins)
    links = sorted(_links(store).values(), key=lambda v: v is not None)
    # One call starts the sequence; the other two follow it at distance zero.
    assert links == [None, moment, moment]
    office = store.office()
    with store.session() as session:
        sql = read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
    stats = sql.stats_for(TEAM)
    assert stats is not None
    assert stats.unique_callers == 1
    assert [(d.calls, d.contacts) for d in sql.caller_days] == [(3, 1)]


def test_any_write_order_gives_the_reference_numbers(store: Store) -> None:
    calls = hand_calls()
    _add_one_by_one(store, calls[::-1])
    office = store.office()
    with store.session() as session:
        sql = read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
    memory = aggregate_records(calls, office.tz, office.team_ids, *PERIOD, SETTINGS)
    assert_same(sql, memory)


def test_a_first_call_of_the_period_after_earlier_calls_counts_once(store: Store) -> None:
    """Unique callers of a period: a caller whose earlier calls lie before the period is
    counted once, by the first call inside it."""
    before = call(
        "p1", at(MONDAY, 9, 0) - timedelta(days=3), Outcome.ANSWERED, inside=True, caller="P"
    )
    inside = [
        call(f"p{n}", at(MONDAY, 9 + n, 0), Outcome.ANSWERED, inside=True, caller="P")
        for n in (2, 3)
    ]
    _add_one_by_one(store, [*inside, before])
    office = store.office()
    with store.session() as session:
        sql = read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
    stats = sql.stats_for(TEAM)
    assert stats is not None
    assert stats.unique_callers == 1
    # Three days after the previous call: within the 7-day window, so no new contact.
    assert sum(d.contacts for d in sql.caller_days if d.day >= MONDAY) == 0


def test_migration_0005_links_the_calls_already_stored(empty_db_url: str) -> None:
    upgrade(empty_db_url, "0004")
    records = [
        call(f"m{n}", at(MONDAY, 9 + n, 0), Outcome.ANSWERED, inside=True, caller="M")
        for n in range(3)
    ]
    engine = make_engine(empty_db_url)
    try:
        table = CallRecordRow.__table__
        later = (  # 0005, 0008, 0012
            "id", "previous_started", "inbound_id", "observed_until", "language",
            "callback_requested", "overflow",
        )  # fmt: skip
        old_columns = [c for c in table.c if c.name not in later]
        with engine.begin() as connection:
            for record in reversed(records):
                row = call_row(record)
                connection.execute(insert(table).values({c.name: row[c.name] for c in old_columns}))
        upgrade(empty_db_url)
        with engine.connect() as connection:
            linked = dict(
                connection.execute(select(table.c.linked_id, table.c.previous_started)).all()
            )
    finally:
        engine.dispose()
    assert linked == {
        "m0": None,
        "m1": records[0].started,
        "m2": records[1].started,
    }


def test_the_side_passes_on_their_own_connection_count_the_same(store: Store) -> None:
    _add_one_by_one(store, hand_calls())
    office = store.office()
    with store.session() as session:
        alone = read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
        beside = read_aggregates(
            session, office.tz, office.team_ids, *PERIOD, SETTINGS, side_session=store.session
        )
    assert beside == alone
    stats = beside.stats_for(TEAM)
    assert stats is not None
    assert stats.wait_histogram
    assert stats.announcement_callers == 2


def test_a_narrow_period_read_through_the_index_counts_the_same(store: Store) -> None:
    """Most calls before the period: the hour cells then go through the (team, started)
    index instead of a table scan, with the same numbers as the reference."""
    earlier = [
        call(
            f"e{n}",
            at(MONDAY, 9, n) - timedelta(days=40),
            Outcome.ANSWERED,
            inside=True,
            caller=f"E{n % 3}",
            wait=4,
        )
        for n in range(30)
    ]
    calls = hand_calls()
    _add_one_by_one(store, [*earlier, *calls])
    office = store.office()
    with store.session() as session:
        sql = read_aggregates(session, office.tz, office.team_ids, *PERIOD, SETTINGS)
    memory = aggregate_records([*earlier, *calls], office.tz, office.team_ids, *PERIOD, SETTINGS)
    assert_same(sql, memory)
    assert sum(c.offered for c in sql.cells) == len(calls)


def test_a_new_call_keeps_the_link_of_a_caller_whose_older_calls_were_purged(
    store: Store,
) -> None:
    first = call("p1", at(MONDAY, 9, 0), Outcome.ANSWERED, inside=True, caller="P")
    second = call("p2", at(MONDAY, 10, 0), Outcome.ANSWERED, inside=True, caller="P")
    _add_one_by_one(store, [first, second])
    # The retention purge clears the first call's pseudonym; the second keeps its link.
    with store.session() as session:
        session.execute(
            CallRecordRow.__table__.update()
            .where(CallRecordRow.linked_id == "p1")
            .values(caller=WITHHELD)
        )
    third = call("p3", at(MONDAY, 11, 0), Outcome.ANSWERED, inside=True, caller="P")
    _add_one_by_one(store, [third])
    assert _links(store) == {"p1": None, "p2": first.started, "p3": second.started}
    # An older call of the caller that arrives late still becomes the second call's link.
    late = call("p0", at(MONDAY, 9, 30), Outcome.ANSWERED, inside=True, caller="P")
    _add_one_by_one(store, [late])
    assert _links(store)["p2"] == late.started
    assert _links(store)["p0"] is None
