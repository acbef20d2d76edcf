"""Each call's link to the same caller's previous call to the same team.

`call_records.previous_started` holds the start of the caller's previous call to that team
(NULL for the first one and for withheld numbers). Stored once when calls are written, it
turns the evaluation's caller sequences — is this call a new contact or a repeat within
the repeat window, is it the caller's first call of the period — into plain conditions on
one row, so the report counts them in its single GROUP BY instead of sorting every call of
the period by caller (which took longer than all other aggregates together).

Calls arrive out of order (imported files, a replayed spool, synthetic data), so linking
recomputes the whole sequence of every (team, caller) pair that got a new call: one
window over the pair's calls, ordered by start and then id so that two calls in the same
microsecond still form a chain. Only changed rows are written.

The retention purge replaces old pseudonyms by WITHHELD but keeps the later calls' links:
the repeat happened, even if the caller can no longer be told.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import ColumnElement, Connection, Table, and_, func, over, select, update

from callcenter.domain.pseudonym import WITHHELD
from callcenter.storage.batching import chunks_per_team
from callcenter.storage.models import CallRecordRow


def link_callers(connection: Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """Relink the calls of the given (team, caller) pairs; withheld callers are skipped."""
    known = ((team, caller) for team, caller in pairs if caller != WITHHELD)
    for team, callers in chunks_per_team(known):
        _relink(connection, and_(CallRecordRow.team == team, CallRecordRow.caller.in_(callers)))


def link_all_callers(connection: Connection) -> None:
    """Relink every call (after a bulk load, a bulk delete or the migration)."""
    _relink(connection, None)


def _relink(connection: Connection, scope: ColumnElement[bool] | None) -> None:
    table = cast(Table, CallRecordRow.__table__)
    c = table.c
    previous = over(
        func.lag(c.started), partition_by=(c.team, c.caller), order_by=(c.started, c.id)
    )
    ranked = select(c.id.label("call_id"), previous.label("previous")).where(c.caller != WITHHELD)
    if scope is not None:
        ranked = ranked.where(scope)
    sequence = ranked.subquery("sequence")
    connection.execute(
        update(table)
        .where(
            c.id == sequence.c.call_id,
            c.previous_started.is_distinct_from(sequence.c.previous),
        )
        .values(previous_started=sequence.c.previous)
    )
