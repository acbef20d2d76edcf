"""A committed change reaches the running service at once: in-process by the commit hook,
across processes by PostgreSQL NOTIFY. Rolled-back changes and commits without an audit
row signal nothing; the newest audit entry names who changed what."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from callcenter.storage.change_signal import ChangeListener, add_change_listener, latest_change
from callcenter.storage.data_version import LIVE_AUDIT_ACTIONS
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.models import AuditRow, TeamRow

AT = datetime(2026, 12, 4, 16, 28, tzinfo=UTC)


def rolled_back_audit(engine: Engine) -> None:
    """An audited change whose transaction fails after the flush."""
    with pytest.raises(RuntimeError), session_scope(engine) as session:  # noqa: PT012
        session.add(
            AuditRow(at=AT, actor="x", action="y", entity="z", entity_id=None,
                     before=None, after=None)
        )  # fmt: skip
        session.flush()
        raise RuntimeError("rolled back")


def audit(engine: Engine, action: str = "closure.add") -> None:
    with session_scope(engine) as session:
        session.add(
            AuditRow(
                at=AT, actor="web:admin", action=action, entity="team", entity_id="team-a",
                before=None, after={"x": 1},
            )
        )  # fmt: skip


def test_a_commit_with_an_audit_row_calls_the_listener_once(engine: Engine) -> None:
    calls: list[str] = []
    remove = add_change_listener(engine, lambda: calls.append(threading.current_thread().name))
    try:
        audit(engine)
        assert len(calls) == 1
        with session_scope(engine) as session:  # a read-only unit of work: no signal
            session.execute(select(TeamRow.id)).all()
        assert len(calls) == 1
        rolled_back_audit(engine)
        assert len(calls) == 1
    finally:
        remove()
    audit(engine)
    assert len(calls) == 1  # removed: no more calls


@pytest.mark.parametrize("action", LIVE_AUDIT_ACTIONS)
def test_callback_work_signals_no_change_of_what_the_service_serves(
    engine: Engine, action: str
) -> None:
    """An "Anrufen" and its outcome are audited, but they change neither the schedule nor
    the announcements: the service must not reload and push its state for each one."""
    calls: list[str] = []
    audit(engine, "closure.add")
    before = latest_change(engine)
    remove = add_change_listener(engine, lambda: calls.append("changed"))
    try:
        audit(engine, action)
        assert calls == []
        assert latest_change(engine) == before  # the poll (SQLite) sees nothing new either
        audit(engine, "closure.add")
        assert calls == ["changed"]
        assert latest_change(engine)[0] > before[0]
    finally:
        remove()


def test_latest_change_names_actor_action_and_target(engine: Engine) -> None:
    before, _ = latest_change(engine)
    audit(engine, "closure.add")
    version, what = latest_change(engine)
    assert version > before
    assert what == "web:admin: closure.add team/team-a"


def test_a_listener_of_another_engine_hears_nothing(engine: Engine, db_url: str) -> None:
    other = make_engine(db_url)
    heard: list[int] = []
    remove = add_change_listener(other, lambda: heard.append(1))
    try:
        audit(engine)
        assert heard == []
    finally:
        remove()
        other.dispose()


@pytest.mark.postgres
async def test_postgres_notify_reaches_a_listener_in_another_connection(
    postgres_database: str,
) -> None:
    upgrade(postgres_database)
    writer = make_engine(postgres_database)  # stands for the CLI, another process
    heard = asyncio.Event()
    count = 0

    def on_change() -> None:
        nonlocal count
        count += 1
        heard.set()

    listener = ChangeListener(postgres_database, on_change)
    task = asyncio.create_task(listener.run())
    try:
        await asyncio.wait_for(listener.listening.wait(), 10)
        await asyncio.sleep(0.05)
        heard.clear()
        start = count
        rolled_back_audit(writer)  # PostgreSQL drops its NOTIFY
        await asyncio.to_thread(audit, writer)
        await asyncio.wait_for(heard.wait(), 5)
        await asyncio.sleep(0.2)
        assert count - start == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        writer.dispose()
