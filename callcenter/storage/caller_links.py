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

The retention purge replaces old pseudonyms by WITHHELD (and `delete_calls_after_days`
deletes old calls) but keeps the later calls' links: the repeat happened, even if the
caller can no longer be told. So the oldest call the window still sees keeps the link it
has: the window finds no previous call for it, which is not the same as there being none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import ColumnElement, Connection, Table, and_, func, over, select, update

from callcenter.domain.pseudonym import WITHHELD
from callcenter.storage.batching import chunks_per_team
from callcenter.storage.data_version import LIVE_OPTION
from callcenter.storage.models import CallRecordRow


def link_callers(connection: Connection, pairs: Iterable[tuple[str, str]]) -> set[str]:
    """Relink the calls of the given (team, caller) pairs; withheld callers are skipped.
    Returns the linked ids of the rows whose link changed."""
    known = ((team, caller) for team, caller in pairs if caller != WITHHELD)
    changed: set[str] = set()
    for team, callers in chunks_per_team(known):
        changed |= _relink(
            connection, and_(CallRecordRow.team == team, CallRecordRow.caller.in_(callers))
        )
    return changed


def link_all_callers(connection: Connection) -> None:
    """Relink every call (after a bulk load, a bulk delete or the migration)."""
    _relink(connection, None, returning=False)


def _relink(
    connection: Connection, scope: ColumnElement[bool] | None, *, returning: bool = True
) -> set[str]:
    table = cast(Table, CallRecordRow.__table__)
    c = table.c
    previous = over(
        func.lag(c.started), partition_by=(c.team, c.caller), order_by=(c.started, c.id)
    )
    ranked = select(c.id.label("call_id"), previous.label("previous")).where(c.caller != WITHHELD)
    if scope is not None:
        ranked = ranked.where(scope)
    sequence = ranked.subquery("sequence")
    link = func.coalesce(sequence.c.previous, c.previous_started)
    statement = (
        update(table)
        .where(c.id == sequence.c.call_id, c.previous_started.is_distinct_from(link))
        .values(previous_started=link)
    )
    if not returning:
        connection.execute(statement)
        return set()
    # Counted as an addition, not a change of the past (callcenter.storage.data_version):
    # the caller decides from the returned rows whether older calls were relinked too.
    flagged = statement.returning(c.linked_id).execution_options(**{LIVE_OPTION: True})
    return set(connection.execute(flagged).scalars())
