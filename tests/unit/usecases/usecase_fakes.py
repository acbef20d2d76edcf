"""In-memory repositories for the use cases (cosmicpython's FakeUnitOfWork): plain lists and
dicts behind the protocols of callcenter.usecases.ports, no database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.domain.audit import AuditEntry
from callcenter.domain.schedule import (
    Closure,
    HolidayCalendar,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    WeekVariant,
    Window,
    windows_from_spec,
)
from callcenter.domain.tally import StoredTally, TallyEntry, WalkInSource
from callcenter.storage.errors import NotFound
from callcenter.storage.web_repository import CallCounts

BERLIN = ZoneInfo("Europe/Berlin")
HAND = "von-hand:"
GENERATED = "synthetic-walk-ins-"


def example_office() -> Office:
    team_a = Team(
        "auslaender-a",
        "Ausländerbehörde Team A",
        windows=windows_from_spec("Mo-Do 09:00-12:00"),
    )
    team_b = Team("auslaender-b", "Ausländerbehörde Team B")
    return Office(tz=BERLIN, holidays={}, teams=(team_a, team_b))


class FakeSchedules:
    def __init__(self, office: Office, state: str = "HE") -> None:
        self.office = office
        self.state = state
        self.claims = 0
        self._next_id = 1

    def is_seeded(self) -> bool:
        return True

    def holiday_state(self) -> str:
        return self.state

    def load_office(self, tz: tzinfo, calendar_for: Callable[[str], HolidayCalendar]) -> Office:
        return replace(self.office, tz=tz, holidays=calendar_for(self.state))

    def claim(self) -> Office:
        self.claims += 1
        return replace(self.office, tz=UTC)

    def list_closures(self, team: str | None = None) -> list[Closure]:
        found = [c for c in self.office.closures if team is None or c.team in (team, None)]
        return sorted(found, key=lambda c: (c.start, c.id or 0))

    def get_closure(self, closure_id: int) -> Closure:
        for closure in self.office.closures:
            if closure.id == closure_id:
                return closure
        raise NotFound(f"Schließung {closure_id} gibt es nicht", f"no closure {closure_id}")

    def list_openings(self, team: str | None = None) -> list[SpecialOpening]:
        return [o for o in self.office.openings if team is None or o.team == team]

    def list_pilots(self, team: str | None = None) -> list[Pilot]:
        return [p for p in self.office.pilots if team is None or p.team == team]

    def insert_office(
        self, office_seed: Office, holiday_state: str, actor: str, now: datetime
    ) -> Office:
        self.office, self.state = office_seed, holiday_state
        return office_seed

    def replace_windows(self, team_id: str, windows: Iterable[Window]) -> None:
        self._swap(replace(self.office.team(team_id), windows=tuple(windows)))

    def save_team_holidays(self, team: Team) -> None:
        self._swap(team)

    def save_holiday_state(self, state: str) -> None:
        self.state = state

    def insert_closure(self, closure: Closure, created_by: str, now: datetime) -> Closure:
        stored = replace(closure, id=self._id(), created_by=created_by)
        self.office = replace(self.office, closures=(*self.office.closures, stored))
        return stored

    def update_closure(self, closure: Closure, ended_by: str | None = None) -> Closure:
        self.get_closure(closure.id or 0)
        self.office = replace(
            self.office,
            closures=tuple(closure if c.id == closure.id else c for c in self.office.closures),
        )
        return closure

    def delete_closure(self, closure_id: int) -> None:
        self.get_closure(closure_id)
        self.office = replace(
            self.office, closures=tuple(c for c in self.office.closures if c.id != closure_id)
        )

    def insert_opening(self, opening: SpecialOpening, actor: str, now: datetime) -> SpecialOpening:
        stored = replace(opening, id=self._id())
        self.office = replace(self.office, openings=(*self.office.openings, stored))
        return stored

    def insert_pilot(self, pilot: Pilot, actor: str, now: datetime) -> Pilot:
        stored = replace(pilot, id=self._id())
        self.office = replace(self.office, pilots=(*self.office.pilots, stored))
        return stored

    def list_variants(self, team: str) -> list[WeekVariant]:
        return list(self.office.team(team).variants)

    def insert_variant(
        self, team_id: str, variant: WeekVariant, actor: str, now: datetime
    ) -> WeekVariant:
        stored = replace(variant, id=self._id())
        team = self.office.team(team_id)
        self._swap(replace(team, variants=(*team.variants, stored)))
        return stored

    def update_variant(self, variant: WeekVariant) -> WeekVariant:
        for team in self.office.teams:
            if any(v.id == variant.id for v in team.variants):
                kept = tuple(variant if v.id == variant.id else v for v in team.variants)
                self._swap(replace(team, variants=kept))
                return variant
        raise NotFound(f"Zeitraum {variant.id} gibt es nicht", f"no period {variant.id}")

    def delete_variant(self, variant_id: int) -> None:
        for team in self.office.teams:
            kept = tuple(v for v in team.variants if v.id != variant_id)
            if len(kept) != len(team.variants):
                self._swap(replace(team, variants=kept))
                return
        raise NotFound(f"Zeitraum {variant_id} gibt es nicht", f"no period {variant_id}")

    def _swap(self, team: Team) -> None:
        teams = tuple(team if t.id == team.id else t for t in self.office.teams)
        self.office = replace(self.office, teams=teams)

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(
        self,
        *,
        actor: str,
        at: datetime,
        action: str,
        entity: str,
        entity_id: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        self.entries.append(
            AuditEntry(len(self.entries) + 1, at, actor, action, entity, entity_id, before, after)
        )

    def list(self, limit: int = 100, entity: str | None = None) -> list[AuditEntry]:
        found = [e for e in reversed(self.entries) if entity is None or e.entity == entity]
        return found[:limit]


class FakeTally:
    def __init__(self) -> None:
        self.rows: list[StoredTally] = []

    def sheet_source(self, sheet: str) -> str | None:
        return next((r.entry.source_file for r in self.rows if r.sheet == sheet), None)

    def sheet_entries_on(self, pairs: Iterable[tuple[str, date]]) -> list[StoredTally]:
        wanted = set(pairs)
        return [
            r
            for r in self.rows
            if (r.entry.team, r.entry.day) in wanted
            and not r.entry.source_file.startswith((HAND, GENERATED))
        ]

    def delete(self, ids: Sequence[int]) -> int:
        gone = set(ids)
        before = len(self.rows)
        self.rows = [r for r in self.rows if r.id not in gone]
        return before - len(self.rows)

    def add(self, entries: Sequence[TallyEntry], sheet: str) -> int:
        for entry in entries:
            self.rows.append(StoredTally(len(self.rows) + 1000, entry, sheet))
        return len(entries)

    def drop_generated_walk_ins(self, pairs: Iterable[tuple[str, date]]) -> int:
        wanted = set(pairs)
        before = len(self.rows)
        self.rows = [
            r
            for r in self.rows
            if not (
                (r.entry.team, r.entry.day) in wanted
                and r.entry.source_file.startswith(GENERATED)
                and r.entry.walk_ins is not None
            )
        ]
        return before - len(self.rows)

    def _hand(self, team: str, day: date) -> StoredTally | None:
        return next(
            (r for r in self.rows if r.entry.source_file == HAND + team and r.entry.day == day),
            None,
        )

    def hand_walk_ins(self, team: str, day: date) -> int | None:
        row = self._hand(team, day)
        return row.entry.walk_ins if row else None

    def save_hand_walk_ins(self, team: str, day: date, walk_ins: int | None) -> None:
        row = self._hand(team, day)
        if row is not None:
            self.rows.remove(row)
        if walk_ins is not None:
            entry = TallyEntry(team, day, None, None, None, 0, HAND + team, 0, walk_ins=walk_ins)
            self.rows.append(StoredTally(len(self.rows) + 1000, entry, None))

    def other_walk_ins(self, team: str, day: date) -> list[WalkInSource]:
        return [
            WalkInSource(r.entry.source_file, r.entry.source_line, r.entry.walk_ins or 0)
            for r in self.rows
            if r.entry.team == team
            and r.entry.day == day
            and r.entry.walk_ins is not None
            and r.entry.source_file != HAND + team
        ]


class FakePhrases:
    def __init__(self) -> None:
        self.saved: dict[str, str] = {}

    def overrides(self) -> dict[str, str]:
        return dict(self.saved)

    def save(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            if value is None:
                self.saved.pop(name, None)
            else:
                self.saved[name] = value


class FakeUnitOfWork:
    def __init__(self, office: Office | None = None) -> None:
        self.schedules = FakeSchedules(office or example_office())
        self.audit = FakeAudit()
        self.tally = FakeTally()
        self.phrases = FakePhrases()

    def call_counts(self, start: datetime, end: datetime) -> Mapping[str, CallCounts]:
        return {}
