"""Tally entries (Strichliste) in `tally_entries`: persistence only.

Which sheet may write which entries is the use case's (callcenter.usecases.tally); here
entries are found by team and day, added with their sheet's content hash, and removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcenter.domain.tally import StoredTally, TallyEntry
from callcenter.storage.batching import chunks, chunks_per_team
from callcenter.storage.models import TallyEntryRow
from callcenter.storage.walk_ins import (
    GENERATED_SOURCE_PREFIX,
    HAND_SOURCE_PREFIX,
    WalkInSource,
    day_line,
    drop_generated,
    hand_source,
)


def _entry(row: TallyEntryRow) -> TallyEntry:
    return TallyEntry(
        team=row.team,
        day=row.day,
        hour=row.hour,
        inside_hours=row.inside_hours,
        answered=row.answered,
        count=row.count,
        source_file=row.source_file or "",
        source_line=row.source_line or 0,
        note=row.note,
        walk_ins=row.walk_ins,
    )


class TallyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def sheet_source(self, sheet: str) -> str | None:
        """The file name a sheet (content hash) was imported under; None if it never was."""
        return self._session.scalar(
            select(TallyEntryRow.source_file).where(TallyEntryRow.sheet == sheet).limit(1)
        )

    def sheet_entries_on(self, pairs: Iterable[tuple[str, date]]) -> list[StoredTally]:
        """Entries from sheets (not by hand, not synthetic) of these teams and days."""
        found: list[StoredTally] = []
        for team, days in chunks_per_team(pairs):
            rows = self._session.scalars(
                select(TallyEntryRow)
                .where(
                    TallyEntryRow.team == team,
                    TallyEntryRow.day.in_(days),
                    ~TallyEntryRow.source_file.startswith(HAND_SOURCE_PREFIX, autoescape=True),
                    ~TallyEntryRow.source_file.startswith(GENERATED_SOURCE_PREFIX, autoescape=True),
                )
                .order_by(TallyEntryRow.id)
            )
            found += [StoredTally(row.id, _entry(row), row.sheet) for row in rows]
        return found

    def delete(self, ids: Sequence[int]) -> int:
        removed = 0
        for chunk in chunks(list(ids)):
            result = self._session.execute(
                delete(TallyEntryRow)
                .where(TallyEntryRow.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
        return removed

    def add(self, entries: Sequence[TallyEntry], sheet: str) -> int:
        self._session.add_all(
            TallyEntryRow(
                team=entry.team,
                day=entry.day,
                hour=entry.hour,
                inside_hours=entry.inside_hours,
                answered=entry.answered,
                count=entry.count,
                walk_ins=entry.walk_ins,
                note=entry.note,
                source_file=entry.source_file,
                source_line=entry.source_line,
                sheet=sheet,
            )
            for entry in entries
        )
        self._session.flush()
        return len(entries)

    def drop_generated_walk_ins(self, pairs: Iterable[tuple[str, date]]) -> int:
        return drop_generated(self._session, pairs)

    # -- walk-ins by hand: one value per team and day -------------------------------------

    def _hand_row(self, team: str, day: date) -> TallyEntryRow | None:
        return self._session.scalar(
            select(TallyEntryRow).where(
                TallyEntryRow.source_file == hand_source(team),
                TallyEntryRow.source_line == day_line(day),
            )
        )

    def hand_walk_ins(self, team: str, day: date) -> int | None:
        row = self._hand_row(team, day)
        return row.walk_ins if row is not None else None

    def save_hand_walk_ins(self, team: str, day: date, walk_ins: int | None) -> None:
        """Set (None: remove) the hand entry of a team's day."""
        row = self._hand_row(team, day)
        if walk_ins is None:
            if row is not None:
                self._session.delete(row)
        elif row is None:
            self._session.add(
                TallyEntryRow(
                    team=team,
                    day=day,
                    hour=None,
                    inside_hours=None,
                    answered=None,
                    count=0,
                    walk_ins=walk_ins,
                    source_file=hand_source(team),
                    source_line=day_line(day),
                    note=None,
                )
            )
        else:
            row.walk_ins = walk_ins
        self._session.flush()

    def other_walk_ins(self, team: str, day: date) -> list[WalkInSource]:
        """Walk-ins of a team's day from anything but the hand entry (sheets, synthetic)."""
        rows = self._session.scalars(
            select(TallyEntryRow)
            .where(
                TallyEntryRow.team == team,
                TallyEntryRow.day == day,
                TallyEntryRow.walk_ins.is_not(None),
                TallyEntryRow.source_file != hand_source(team),
            )
            .order_by(TallyEntryRow.source_file, TallyEntryRow.source_line)
        )
        return [WalkInSource(r.source_file or "", r.source_line, r.walk_ins or 0) for r in rows]
