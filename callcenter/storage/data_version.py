"""A version of the data the evaluation reads: it changes whenever calls, tally entries, the
schedule or the office settings change, so computed results can be kept until it does.

Two parts make it up. The newest ids of the call records, the tally entries and the audit
log are read from the database, so a change committed by another process (a CLI import, a
second `serve`) is seen too; every schedule or settings change writes an audit row. A
counter of this process is bumped after the commit of every transaction that inserted, updated
or deleted rows of those tables, which also catches updates and deletions (a merged call
record, removed walk-ins) that leave the newest ids as they were.

The version has a past half and a live half (`past_part`). New calls arriving and callback
work of the day only add to the present: a result computed before them is still right about
everything before, and a page may show it, saying when it was computed, while it is computed
anew (callcenter.usecases.result_cache). Everything else (an import, which writes an audit
row; a tally entry; a schedule or settings change; an update or deletion of a stored call;
the expiry of callback requests and the clearing of their callers) changes the past half,
and a result computed before it is never shown again.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import Session

# Tables whose rows the evaluation (or what it is computed for) reads.
WATCHED = frozenset(
    {
        "call_records",
        "tally_entries",
        "teams",
        "call_windows",
        "closures",
        "special_openings",
        "pilots",
        "office_settings",
        "week_variants",
        "week_variant_windows",
        "callback_requests",
        "callback_attempts",
    }
)
# Writes that only add to the present (see the module's docstring): a new call record, a
# new callback request or attempt. Only their INSERTs: the retention purge's clearing of
# callers and the expiry of requests rewrite requests of past days, which the figures of
# those days (who called again, which were fulfilled) are counted from.
LIVE_INSERTS = frozenset({"call_records", "callback_requests", "callback_attempts"})
# An execution option for a statement that only adds to the present although it is an
# UPDATE: linking new calls to their callers' previous calls (callcenter.storage.caller_links),
# an attempt's outcome and a request's closing (callcenter.storage.callback_repository).
LIVE_OPTION = "callcenter_live_write"
# The audit entries of that callback work (callcenter.usecases.callbacks). Another process
# sees them in the live half; in the past half (and the schedule version) they are left out,
# or every "Anrufen" would void every kept result and reload the switchboard's board.
LIVE_AUDIT_ACTIONS = ("callback_call", "callback_outcome", "callback_done")
# Tables that decide who is signed in: the web keeps identities until one of them changes
# (callcenter.web.identity_cache), so a logout, a locked account or a revoked token counts
# at the next request.
AUTH_WATCHED = frozenset({"users", "api_tokens", "web_sessions"})
_DML = re.compile(
    r'^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:\w+\.)?"?(\w+)"?',
    re.IGNORECASE,
)
_WROTE = "callcenter_data_written"
_LIVE_WROTE = "callcenter_live_written"
_AUTH_WROTE = "callcenter_auth_written"
_COUNTING = "callcenter_counts_commits"

# One count for the process, not per engine: the live writer, the web app and the importers
# may each have their own engine on the same database.
_count = [0]
_live_count = [0]
_auth_count = [0]
_lock = threading.Lock()

_LIVE_ACTIONS_SQL = ", ".join(f"'{action}'" for action in LIVE_AUDIT_ACTIONS)
# MAX(id) with a filter walks the id index from the top: it passes only the newest entries
# of callback work, never the whole log.
_NEWEST_PAST_AUDIT = f"SELECT MAX(id) FROM audit_log WHERE action NOT IN ({_LIVE_ACTIONS_SQL})"
_NEWEST_IDS = text(
    f"SELECT (SELECT MAX(id) FROM tally_entries), ({_NEWEST_PAST_AUDIT}), "
    "(SELECT MAX(id) FROM call_records), (SELECT MAX(id) FROM callback_attempts), "
    "(SELECT MAX(id) FROM audit_log)"
)
NEWEST_PAST_AUDIT = text(_NEWEST_PAST_AUDIT)


def install_version_hooks(engine: Engine) -> None:
    """Count this engine's committed writes to the watched tables (idempotent)."""
    for name, hook in (
        ("before_cursor_execute", _mark_write),
        ("rollback", _forget),
    ):
        if not event.contains(engine, name, hook):
            event.listen(engine, name, hook)
    _count_after_driver_commit(engine.dialect)


def _count_after_driver_commit(dialect: Dialect) -> None:
    """Bump the counters once the database has the rows, not before.

    The engine's `commit` event fires before the driver's commit. Counted there, a reader in
    between read the new count, computed on the rows as they were, read the same count after
    and kept a stale result under it for good. Counted after, a reader overlapping the commit
    reads a different count before and after (ResultCache keeps nothing then), and one that
    reads the new count reads the new rows. SQLAlchemy has no event after the driver's
    commit that Core connections share with sessions, hence the dialect's do_commit (the one
    call Connection makes for every commit), wrapped once per engine's dialect.
    """
    if getattr(dialect, _COUNTING, False):
        return
    driver_commit = dialect.do_commit

    def do_commit(dbapi_connection: Any) -> None:
        try:
            driver_commit(dbapi_connection)
        finally:
            # Also when it failed: the database may have committed before the connection
            # broke, and a count too many only has a result computed once more.
            _bump(dbapi_connection.info)

    setattr(dialect, "do_commit", do_commit)  # noqa: B010 (mypy: methods are not assignable)
    setattr(dialect, _COUNTING, True)


def mark_past_changed(conn: Connection) -> None:
    """Count this transaction as a change of the past at its commit (see LIVE_OPTION)."""
    conn.info[_WROTE] = True


def _mark_write(
    conn: Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    found = _DML.match(statement)
    if found:
        verb, table = found.group(1).split()[0].upper(), found.group(2).lower()
        options = getattr(context, "execution_options", None) or {}
        if (verb == "INSERT" and table in LIVE_INSERTS) or options.get(LIVE_OPTION):
            conn.info[_LIVE_WROTE] = True
        elif table in WATCHED:
            conn.info[_WROTE] = True
        elif table in AUTH_WATCHED:
            conn.info[_AUTH_WROTE] = True


def _bump(info: dict[Any, Any]) -> None:
    """`info`: the pooled connection's, which Connection.info and the driver's commit share."""
    wrote, live = info.pop(_WROTE, False), info.pop(_LIVE_WROTE, False)
    auth = info.pop(_AUTH_WROTE, False)
    if wrote or live or auth:
        with _lock:
            _count[0] += bool(wrote)
            _live_count[0] += bool(live)
            _auth_count[0] += bool(auth)


def _forget(conn: Connection) -> None:
    for key in (_WROTE, _LIVE_WROTE, _AUTH_WROTE):
        conn.info.pop(key, None)


def local_writes() -> int:
    """How many transactions of this process wrote watched rows and committed."""
    with _lock:
        return _count[0] + _live_count[0]


def auth_writes() -> int:
    """How many transactions of this process changed accounts, tokens or sessions."""
    with _lock:
        return _auth_count[0]


def data_version(session: Session) -> tuple[int, ...]:
    """The version as one comparable value; equal versions mean equal evaluation inputs.
    The first three numbers are the past half (`past_part`), the other four the live one."""
    with _lock:
        past, live = _count[0], _live_count[0]
    row = session.execute(_NEWEST_IDS).one()
    tally, audit, calls, attempts, any_audit = (int(value or 0) for value in row)
    return (past, tally, audit, live, calls, attempts, any_audit)


def past_part(version: tuple[int, ...]) -> tuple[int, ...]:
    """What a change of the past changes; equal past parts differ only by added calls."""
    return version[:3]


def newest_audit_id(version: tuple[int, ...]) -> int:
    """The schedule version (Store.schedule_version: the newest audit id but of callback
    work, `NEWEST_PAST_AUDIT`) in a data version."""
    return version[2]
