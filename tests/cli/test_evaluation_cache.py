"""The evaluation is computed once per data version (callcenter.usecases.result_cache):
served again while nothing changed, computed anew after each kind of change.

Computations are counted (calls of the SQL aggregate read), not timed. The changes come
through the ways they happen in operation: the live writer in this process, and the CLI
(import, tally entry, schedule edit) as another process would; the settings change in this
process as the web does it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from recordings import ASTERISK22
from sqlalchemy import event, update

from callcenter.config import load_settings
from callcenter.domain.access import Actor, Role
from callcenter.domain.callbacks import AttemptOutcome
from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import State
from callcenter.evaluation.model import OfficeReport
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.data_version import local_writes
from callcenter.storage.models import CallRecordRow
from callcenter.storage.store import Store, open_store
from callcenter.usecases import callbacks
from callcenter.usecases import evaluation as evaluation_case
from callcenter.usecases.callbacks import NumberSeal
from callcenter.usecases.result_cache import ResultCache
from callcenter.usecases.schedule import set_holiday_state

NOW = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
PSEUDONYMS = Pseudonymizer(bytes(range(32)))
SEAL = NumberSeal(bytes(range(32)))


@pytest.fixture
def store(cli: Callable[..., object], tmp_path: Path) -> Iterator[Store]:
    cli("state")  # seeds the database from the example configuration
    settings = load_settings(None, environ=dict(os.environ), data_dir=tmp_path / "data")
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per computation of the evaluation's aggregates."""
    counted: list[int] = []
    real = evaluation_case.read_aggregates

    def counting(*args: object, **kwargs: object) -> object:
        counted.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluation_case, "read_aggregates", counting)
    return counted


def _record(n: int) -> CallRecord:
    started = NOW - timedelta(days=1, minutes=n)
    return CallRecord(
        linked_id=f"1772438405.{n}",
        team="auslaender-a",
        line_kind=LineKind.TEAM_LINE,
        dialled="06151100",
        caller=f"pseudo-{n:05d}",
        started=started,
        outcome=Outcome.ANSWERED,
        state_at_arrival=State.OPEN,
        source=DecisionSource.LIVE,
        in_hours=True,
        answered=started + timedelta(seconds=12),
        ended=started + timedelta(minutes=2),
        wait_seconds=12.0,
    )


def test_each_kind_of_change_invalidates_and_an_unchanged_request_is_served(
    store: Store, reads: list[int], cli: Callable[..., object], tmp_path: Path
) -> None:
    cache: ResultCache[OfficeReport] = ResultCache()

    def report(team: str | None = None) -> OfficeReport:
        return evaluation_case.cached_office_report(
            cache, store, None, None, [team] if team else None, now=NOW
        )

    first = report()
    assert report() is first  # unchanged: served
    assert len(reads) == 1
    report("auslaender-a")  # another key: computed once
    report("auslaender-a")
    assert len(reads) == 2

    def computes_again(change: Callable[[], object], what: str) -> None:
        before = len(reads)
        change()
        report()
        assert len(reads) == before + 1, f"{what}: not computed anew"
        report()
        assert len(reads) == before + 1, f"{what}: unchanged request computed again"

    # A new record from the live writer (this process, this engine).
    async def write_one() -> None:
        spool = tmp_path / "spool.jsonl"
        async with CallRecordWriter(store.engine, spool, max_delay=0.01) as writer:
            await writer.submit(_record(1))

    computes_again(lambda: asyncio.run(write_one()), "new record")

    computes_again(
        lambda: cli("import", "cdr", str(ASTERISK22 / "groups" / "017" / "Master.csv")), "import"
    )
    computes_again(
        lambda: cli("tally", "walk-ins", "--team", "auslaender-a", "--count", "7"), "tally entry"
    )
    computes_again(
        lambda: cli("hours", "set", "auslaender-a", "Mo-Do 09:00-12:00"), "schedule edit"
    )

    def change_settings() -> None:
        with store.unit_of_work() as uow:
            set_holiday_state(uow, Actor.admin("test:admin"), "BY", now=NOW)

    computes_again(change_settings, "settings change")

    def complete_a_record() -> None:  # as a merge does: no new row, no audit entry
        with store.session() as session:
            session.execute(
                update(CallRecordRow).values(wait_seconds=CallRecordRow.wait_seconds + 1)
            )

    computes_again(complete_a_record, "update of a stored record")


def test_a_change_committed_while_computing_is_not_kept_under_the_old_version() -> None:
    cache: ResultCache[str] = ResultCache()
    versions = iter([1, 2, 2, 2])
    computed: list[str] = []

    def compute() -> str:
        computed.append("x")
        return "result"

    cache.get_or_compute(lambda: next(versions), "key", compute)  # 1 before, 2 after
    cache.get_or_compute(lambda: next(versions), "key", compute)  # 2 and 2: computed, kept
    assert len(computed) == 2
    assert cache.served == 0


def test_a_failed_write_leaves_the_version_as_it_was(store: Store) -> None:
    before = store.data_version()

    def change_then_fail() -> None:
        with store.unit_of_work() as uow:
            set_holiday_state(uow, Actor.admin("test:admin"), "BY", now=NOW)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert store.data_version() == before


def test_new_calls_change_only_the_live_half_of_the_version(
    store: Store, cli: Callable[..., object], tmp_path: Path
) -> None:
    """What the web may show as of earlier (callcenter.web.evaluation.evaluation_for): only
    when calls arrived. Every change of the past moves the past half."""
    first = store.data_version()

    async def write_one() -> None:
        spool = tmp_path / "spool.jsonl"
        async with CallRecordWriter(store.engine, spool, max_delay=0.01) as writer:
            await writer.submit(_record(2))

    asyncio.run(write_one())
    after_call = store.data_version()
    assert after_call != first
    assert Store.past_of(after_call) == Store.past_of(first)

    async def write_earlier_call_of_the_same_caller() -> None:
        # Started before the stored call of pseudo-00002: that call's link to its caller's
        # previous call changes, so the past changed although only a row was added.
        earlier = replace(_record(5), linked_id="1772438405.99", caller="pseudo-00002")
        spool = tmp_path / "spool.jsonl"
        async with CallRecordWriter(store.engine, spool, max_delay=0.01) as writer:
            await writer.submit(earlier)

    asyncio.run(write_earlier_call_of_the_same_caller())
    after_late_call = store.data_version()
    assert Store.past_of(after_late_call) != Store.past_of(after_call)
    after_call = after_late_call

    with store.session() as session:  # a merge rewrites a stored record: the past changed
        session.execute(update(CallRecordRow).values(wait_seconds=CallRecordRow.wait_seconds))
    after_update = store.data_version()
    assert Store.past_of(after_update) != Store.past_of(after_call)

    cli("tally", "walk-ins", "--team", "auslaender-a", "--count", "3")
    after_tally = store.data_version()
    assert Store.past_of(after_tally) != Store.past_of(after_update)

    cli("import", "cdr", str(ASTERISK22 / "groups" / "017" / "Master.csv"))
    assert Store.past_of(store.data_version()) != Store.past_of(after_tally)


def _requested_callback(store: Store) -> int:
    """A callback request with a running attempt, as the service and the team leave it."""
    event = CallbackAsked("cb-1", "cb-1.2", NOW - timedelta(hours=2), "auslaender-a", "1", "0170")
    stored = callbacks.record_request(store.session, event, PSEUDONYMS, SEAL, 7)
    assert stored is not None
    lead = Actor("web:tina", Role.TEAMLEAD, "auslaender-a")
    callbacks.start_attempt(store.session, lead, stored.id, "101", SEAL, NOW - timedelta(hours=1))
    return stored.id


def _kept_result(store: Store) -> ResultCache[str]:
    cache: ResultCache[str] = ResultCache(past=Store.past_of)
    cache.get_or_compute(store.data_version, "report", lambda: "report")
    return cache


def test_an_attempt_outcome_only_has_the_result_computed_anew(store: Store) -> None:
    """The day's callback work adds to the present: the kept result is shown as of its time."""
    request = _requested_callback(store)
    cache = _kept_result(store)
    schedule = store.schedule_version()
    assert callbacks.finish_attempt(store.session, request, 1, AttemptOutcome.REACHED, NOW)
    version = store.data_version()
    assert cache.recent(version, "report") is not None
    assert not cache.peek(version, "report")[0]  # but it is computed anew
    # Nor does the switchboard's board reload for it (its audit entry is not a schedule's).
    assert store.schedule_version() == schedule == Store.schedule_version_of(version)


def test_forgetting_callers_voids_the_kept_result(store: Store) -> None:
    """The retention purge rewrites past requests (who called again is counted from their
    callers): a result computed before it is never shown again."""
    _requested_callback(store)
    cache = _kept_result(store)
    assert callbacks.forget_callers(store.session, NOW, NOW) == 1
    assert cache.recent(store.data_version(), "report") is None


def test_expiring_requests_voids_the_kept_result(store: Store) -> None:
    _requested_callback(store)
    cache = _kept_result(store)
    assert callbacks.expire_requests(store.session, NOW + timedelta(days=30)) == 1
    assert cache.recent(store.data_version(), "report") is None


def test_the_write_count_grows_only_once_the_database_has_committed(store: Store) -> None:
    """A reader just before the driver's commit (the engine's `commit` event fires there)
    still reads the old count: it computes on the old rows, and the count it reads after
    the commit differs, so its result is not kept under the new version."""
    before = local_writes()
    seen: list[int] = []

    def reader(_conn: object) -> None:
        seen.append(local_writes())

    event.listen(store.engine, "commit", reader)
    try:
        with store.session() as session:
            session.execute(update(CallRecordRow).values(wait_seconds=CallRecordRow.wait_seconds))
    finally:
        event.remove(store.engine, "commit", reader)
    assert seen == [before]
    assert local_writes() == before + 1
