"""Walk-ins without appointment (Vorsprachen ohne Termin) per team and day, in `tally_entries`.

They come from three places: tally sheets (`vorsprachen` column), entries by hand
(`callcenter tally walk-ins`) and the synthetic pilot data. The evaluation sums every
entry of a team and day. Two rules keep that sum honest:

* a hand entry is one value per team and day: entering it again replaces it;
* entered walk-ins (sheet or hand) replace the synthetic ones of that team and day, so the
  synthetic example sheet imported over the synthetic data counts nothing twice.

Sheet and hand entry for the same day add up; the use case
(callcenter.usecases.tally.set_walk_ins) reports the other entries so the command can say so.
This module only persists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from callcenter.domain.tally import WalkInDay as WalkInDay  # re-exported
from callcenter.domain.tally import WalkInSource as WalkInSource  # re-exported
from callcenter.storage.batching import chunks_per_team
from callcenter.storage.models import TallyEntryRow

# Source name of hand entries; the line is the day as YYYYMMDD, so the unique
# (source_file, source_line) constraint holds one hand value per team and day.
HAND_SOURCE_PREFIX = "von-hand:"
# Source-file prefix of the synthetic walk-in rows (callcenter.usecases.pilot_data writes them).
GENERATED_SOURCE_PREFIX = "synthetic-walk-ins-"


def hand_source(team: str) -> str:
    return f"{HAND_SOURCE_PREFIX}{team}"


def day_line(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def drop_generated(session: Session, keys: Iterable[tuple[str, date]]) -> int:
    """Delete synthetic walk-ins of these (team, day) pairs; returns how many rows went."""
    removed = 0
    for team, days in chunks_per_team(keys):
        result = session.execute(
            delete(TallyEntryRow)
            .where(
                TallyEntryRow.team == team,
                TallyEntryRow.day.in_(days),
                TallyEntryRow.walk_ins.is_not(None),
                TallyEntryRow.source_file.startswith(GENERATED_SOURCE_PREFIX, autoescape=True),
            )
            .execution_options(synchronize_session=False)
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
