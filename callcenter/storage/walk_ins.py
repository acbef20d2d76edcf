"""Walk-ins without appointment (Vorsprachen ohne Termin) per team and day, in `tally_entries`.

They come from three places: tally sheets (`vorsprachen` column), entries by hand
(`callcenter tally walk-ins`) and the synthetic pilot data. The evaluation sums every
entry of a team and day. Two rules keep that sum honest:

* a hand entry is one value per team and day: entering it again replaces it;
* entered walk-ins (sheet or hand) replace the synthetic ones of that team and day, so the
  synthetic example sheet imported over the synthetic data counts nothing twice.

Sheet and hand entry for the same day add up; `set_hand_walk_ins` reports the other
entries so the command can say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcenter.storage.audit import AuditRepository, require_aware
from callcenter.storage.batching import chunks_per_team
from callcenter.storage.models import TallyEntryRow

# Source name of hand entries; the line is the day as YYYYMMDD, so the unique
# (source_file, source_line) constraint holds one hand value per team and day.
HAND_SOURCE_PREFIX = "von-hand:"
# Source-file prefix of the synthetic data's walk-in rows (callcenter.app writes them).
GENERATED_SOURCE_PREFIX = "synthetic-walk-ins-"


@dataclass(frozen=True)
class WalkInSource:
    """Walk-ins of one other entry of the same team and day (a sheet line)."""

    source_file: str
    source_line: int | None
    walk_ins: int


@dataclass(frozen=True)
class WalkInDay:
    """A team's walk-ins of one day after a hand entry."""

    team: str
    day: date
    before: int | None  # the previous hand entry
    after: int | None  # the hand entry now (None: cleared)
    others: tuple[WalkInSource, ...]  # sheet lines of that team and day
    generated_removed: int  # synthetic walk-ins this entry replaced

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.generated_removed > 0

    @property
    def total(self) -> int | None:
        """What the evaluation counts for the day (None: nothing entered)."""
        values = [s.walk_ins for s in self.others]
        if self.after is not None:
            values.append(self.after)
        return sum(values) if values else None


def hand_source(team: str) -> str:
    return f"{HAND_SOURCE_PREFIX}{team}"


def _day_line(day: date) -> int:
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


def set_hand_walk_ins(
    session: Session, team: str, day: date, walk_ins: int | None, *, actor: str, now: datetime
) -> WalkInDay:
    """Enter (or with None clear) a team's walk-ins of a day by hand, audited when changed.

    The team must exist (the caller checks it against the schedule); `walk_ins` >= 0.
    """
    require_aware(now, "Vorsprachen")
    if walk_ins is not None and walk_ins < 0:
        raise ValueError(f"walk_ins must not be negative, got {walk_ins}")
    source, line = hand_source(team), _day_line(day)
    row = session.scalar(
        select(TallyEntryRow).where(
            TallyEntryRow.source_file == source, TallyEntryRow.source_line == line
        )
    )
    before = row.walk_ins if row is not None else None
    if walk_ins is None:
        if row is not None:
            session.delete(row)
        removed = 0
    else:
        if row is None:
            session.add(
                TallyEntryRow(
                    team=team,
                    day=day,
                    hour=None,
                    inside_hours=None,
                    answered=None,
                    count=0,
                    walk_ins=walk_ins,
                    source_file=source,
                    source_line=line,
                    note=None,
                )
            )
        else:
            row.walk_ins = walk_ins
        removed = drop_generated(session, [(team, day)])
    session.flush()
    others = tuple(
        WalkInSource(r.source_file or "", r.source_line, r.walk_ins or 0)
        for r in session.scalars(
            select(TallyEntryRow)
            .where(
                TallyEntryRow.team == team,
                TallyEntryRow.day == day,
                TallyEntryRow.walk_ins.is_not(None),
                TallyEntryRow.source_file != source,
            )
            .order_by(TallyEntryRow.source_file, TallyEntryRow.source_line)
        )
    )
    result = WalkInDay(team, day, before, walk_ins, others, removed)
    if result.changed:
        AuditRepository(session).record(
            actor=actor,
            at=now,
            action="set_walk_ins" if walk_ins is not None else "clear_walk_ins",
            entity="walk_ins",
            entity_id=f"{team} {day.isoformat()}",
            before=None if before is None else {"walk_ins": before},
            after=None
            if walk_ins is None
            else {"walk_ins": walk_ins, "synthetic_replaced": removed},
        )
    return result
