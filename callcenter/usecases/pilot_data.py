"""Loading the synthetic pilot data set: calls, walk-ins and the schedule history they need."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from callcenter.domain.schedule import Pilot
from callcenter.evaluation.synthetic import (
    PREFIX as SYNTHETIC_PREFIX,
)
from callcenter.evaluation.synthetic import (
    SyntheticError,
    SyntheticParams,
    check_office,
    generate,
    missing_closures,
)
from callcenter.holiday_calendar import german_holidays
from callcenter.storage.bulk_calls import (
    count_calls_with_prefix,
    deferred_indexes,
    delete_calls_with_prefix,
    insert_call_columns,
    replace_walk_ins,
)
from callcenter.storage.caller_links import link_all_callers
from callcenter.storage.store import Store
from callcenter.storage.walk_ins import GENERATED_SOURCE_PREFIX
from callcenter.usecases import schedule

SYNTHETIC_ACTOR = "synthetic-pilot-data"
SYNTHETIC_WALK_INS = GENERATED_SOURCE_PREFIX  # the walk-in rows of generated data
BULK_CHUNK_ROWS = 100_000


def load_synthetic_pilot_data(
    store: Store,
    params: SyntheticParams,
    seed: int,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Load the synthetic pilot data set; returns how many calls were written.

    Idempotent: the same parameters and seed again write nothing; other parameters
    replace the previous synthetic calls and walk-ins. Adds the data set's closures (and the
    pilot, if the team has none) to the schedule, audited as 'synthetic-pilot-data'.
    """
    moment = now or datetime.now(UTC)
    if params.last_day >= moment.astimezone(store.settings.tz).date():
        raise SyntheticError(
            f"Die synthetischen Daten reichen bis {params.last_day.isoformat()}, das ist nicht "
            "vor heute; Pilotbeginn oder Wochen anpassen",
            f"the synthetic data would run until {params.last_day.isoformat()}, which is not "
            "before today; move the pilot start or shorten the weeks",
        )
    with store.unit_of_work() as uow:
        office = uow.schedules.load_office(store.settings.tz, german_holidays)
        if not any(p.team == params.pilot_team for p in office.pilots):
            office.team(params.pilot_team)
            pilot = Pilot(params.pilot_team, params.pilot_start, note="synthetische Pilotdaten")
            schedule.add_generated_history(uow, SYNTHETIC_ACTOR, pilot=pilot, now=moment)
            office = uow.schedules.load_office(store.settings.tz, german_holidays)
        check_office(params, office)
        schedule.add_generated_history(
            uow, SYNTHETIC_ACTOR, closures=missing_closures(params, office), now=moment
        )
        office = uow.schedules.load_office(store.settings.tz, german_holidays)
    calls = generate(params, office, seed)
    total = len(calls)
    prefix = f"{SYNTHETIC_PREFIX}{calls.tag}-"
    # One transaction: the previous synthetic data set is replaced by the new one or, if
    # anything fails, stays as it was.
    with store.engine.begin() as connection:
        if count_calls_with_prefix(connection, prefix) == total:
            if on_progress is not None:
                on_progress(total, total)
            return 0
        delete_calls_with_prefix(connection, SYNTHETIC_PREFIX)
        replace_walk_ins(
            connection, SYNTHETIC_WALK_INS, f"{SYNTHETIC_WALK_INS}{calls.tag}", calls.walk_ins
        )
        written = 0
        with deferred_indexes(connection, total):
            for chunk in calls.row_chunks(BULK_CHUNK_ROWS):
                written += insert_call_columns(connection, chunk)
                if on_progress is not None:
                    on_progress(written, total)
        # After the indexes are back: the link pass reads calls in caller order.
        link_all_callers(connection)
    return written
