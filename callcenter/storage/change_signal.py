"""Tells the running service that a change was committed: at once in-process, by
PostgreSQL NOTIFY across processes.

Every change of the schedule, users or settings writes an audit row in the same transaction
(the use cases do that). So "an audit row was committed" is the one signal the service needs
to reload what it serves. Two paths carry it:

* In the same process (web app, API), a listener registered for the engine is called right
  after the commit: the PBX gets the new state within milliseconds, no poll involved.
* On PostgreSQL, the committing transaction also sends `NOTIFY callcenter_changes`, which
  PostgreSQL delivers only if and when the transaction commits; a `serve` instance listens
  (`ChangeListener`), so a CLI edit or a second instance's edit arrives at once too.
  SQLite has no such channel: the service polls the audit log's newest id there (cheap).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable

from sqlalchemy import event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from callcenter.storage.data_version import LIVE_AUDIT_ACTIONS
from callcenter.storage.models import AuditRow

logger = logging.getLogger(__name__)

CHANNEL = "callcenter_changes"
_CHANGED = "callcenter_audited"

_listeners: weakref.WeakKeyDictionary[Engine, list[Callable[[], None]]] = (
    weakref.WeakKeyDictionary()
)
_listeners_lock = threading.Lock()


def latest_change(engine: Engine) -> tuple[int, str]:
    """The newest audit entry's id (0 if none) and a line naming who changed what; callback
    work is left out, as the commit hook leaves it out."""
    with engine.connect() as connection:
        row = connection.execute(
            select(
                AuditRow.id, AuditRow.actor, AuditRow.action, AuditRow.entity, AuditRow.entity_id
            )
            .where(AuditRow.action.not_in(LIVE_AUDIT_ACTIONS))
            .order_by(AuditRow.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return 0, "-"
    target = f"{row.entity}/{row.entity_id}" if row.entity_id else row.entity
    return int(row.id), f"{row.actor}: {row.action} {target}"


def add_change_listener(engine: Engine, listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` after every commit on `engine` that wrote an audit row; returns the
    function that removes it. The listener runs in the committing thread: keep it short
    (e.g. `loop.call_soon_threadsafe`)."""
    with _listeners_lock:
        _listeners.setdefault(engine, []).append(listener)

    def remove() -> None:
        with _listeners_lock:
            registered = _listeners.get(engine, [])
            if listener in registered:
                registered.remove(listener)

    return remove


def _engine_of(session: Session) -> Engine | None:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else getattr(bind, "engine", None)


def install_commit_hooks() -> None:
    """Watch every session of this process for committed audit rows (idempotent)."""
    for name, hook in (
        ("after_flush", _mark_audited),
        ("before_commit", _notify_other_processes),
        ("after_commit", _notify_this_process),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def _mark_audited(session: Session, _context: object) -> None:
    # Callback work (an "Anrufen", its outcome) is audited too but changes nothing the
    # service serves: signalled, each attempt would reload the schedule, re-check every
    # announcement and push the state to the PBX.
    if any(
        isinstance(row, AuditRow) and row.action not in LIVE_AUDIT_ACTIONS for row in session.new
    ):
        session.info[_CHANGED] = True


def _notify_other_processes(session: Session) -> None:
    if not session.info.get(_CHANGED):
        session.flush()  # rows added since the last flush mark the session here
    if session.info.get(_CHANGED):
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            # Delivered by PostgreSQL at commit, never for a rolled-back transaction.
            connection.exec_driver_sql(f"NOTIFY {CHANNEL}")


def _notify_this_process(session: Session) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    engine = _engine_of(session)
    if engine is None:
        return
    with _listeners_lock:
        listeners = list(_listeners.get(engine, ()))
    for listener in listeners:
        try:
            listener()
        except Exception:  # a listener's failure must not fail the committed change
            logger.exception("change listener failed")


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)


class ChangeListener:
    """`LISTEN callcenter_changes` on its own PostgreSQL connection; calls `on_change` for
    every notification. Reconnects after a lost connection (the poll covers the gap)."""

    def __init__(self, url: str, on_change: Callable[[], None], retry_seconds: float = 5.0) -> None:
        parsed = make_url(url)
        self._conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self._on_change = on_change
        self._retry_seconds = retry_seconds
        self.listening = asyncio.Event()

    async def run(self) -> None:
        # Imported here: only a service on PostgreSQL listens, and every CLI start would pay
        # for the driver otherwise.
        import psycopg

        while True:
            try:
                await self._listen()
            except (OSError, psycopg.Error) as exc:
                self.listening.clear()
                logger.warning(
                    "LISTEN %s lost (%s); retrying in %.0f s", CHANNEL, exc, self._retry_seconds
                )
                await asyncio.sleep(self._retry_seconds)

    async def _listen(self) -> None:
        import psycopg

        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True
        ) as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            # A change committed while we were not listening is caught by the poll.
            self._on_change()
            async for _notification in connection.notifies():
                self._on_change()
