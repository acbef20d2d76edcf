"""A version of the data the evaluation reads: it changes whenever calls, tally entries, the
schedule or the office settings change, so computed results can be kept until it does.

Two parts make it up. The newest ids of the call records, the tally entries and the audit
log are read from the database, so a change committed by another process (a CLI import, a
second `serve`) is seen too; every schedule or settings change writes an audit row. A
counter of this process is bumped at the commit of every transaction that inserted, updated
or deleted rows of those tables, which also catches updates and deletions (a merged call
record, removed walk-ins) that leave the newest ids as they were.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
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
# Tables that decide who is signed in: the web keeps identities until one of them changes
# (callcenter.web.identity_cache), so a logout, a locked account or a revoked token counts
# at the next request.
AUTH_WATCHED = frozenset({"users", "api_tokens", "web_sessions"})
_DML = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:\w+\.)?"?(\w+)"?',
    re.IGNORECASE,
)
_WROTE = "callcenter_data_written"
_AUTH_WROTE = "callcenter_auth_written"

# One count for the process, not per engine: the live writer, the web app and the importers
# may each have their own engine on the same database.
_count = [0]
_auth_count = [0]
_lock = threading.Lock()

_NEWEST_IDS = text(
    "SELECT (SELECT MAX(id) FROM call_records), (SELECT MAX(id) FROM tally_entries), "
    "(SELECT MAX(id) FROM audit_log), (SELECT MAX(id) FROM callback_attempts)"
)


def install_version_hooks(engine: Engine) -> None:
    """Count this engine's committed writes to the watched tables (idempotent)."""
    for name, hook in (
        ("before_cursor_execute", _mark_write),
        ("commit", _bump),
        ("rollback", _forget),
    ):
        if not event.contains(engine, name, hook):
            event.listen(engine, name, hook)


def _mark_write(
    conn: Connection, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    found = _DML.match(statement)
    if found:
        table = found.group(1).lower()
        if table in WATCHED:
            conn.info[_WROTE] = True
        elif table in AUTH_WATCHED:
            conn.info[_AUTH_WROTE] = True


def _bump(conn: Connection) -> None:
    wrote, auth = conn.info.pop(_WROTE, False), conn.info.pop(_AUTH_WROTE, False)
    if wrote or auth:
        with _lock:
            _count[0] += bool(wrote)
            _auth_count[0] += bool(auth)


def _forget(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)
    conn.info.pop(_AUTH_WROTE, None)


def local_writes() -> int:
    """How many transactions of this process wrote watched rows and committed."""
    with _lock:
        return _count[0]


def auth_writes() -> int:
    """How many transactions of this process changed accounts, tokens or sessions."""
    with _lock:
        return _auth_count[0]


def data_version(session: Session) -> tuple[int, ...]:
    """The version as one comparable value; equal versions mean equal evaluation inputs."""
    local = local_writes()
    row = session.execute(_NEWEST_IDS).one()
    return (local, *(int(value or 0) for value in row))


def newest_audit_id(version: tuple[int, ...]) -> int:
    """The schedule version (Store.schedule_version: the newest audit id) in a data version."""
    return version[3]
