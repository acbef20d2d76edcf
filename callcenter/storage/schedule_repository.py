"""The schedule in the database: the source of truth once the TOML has seeded it.

Every mutation follows one recipe: claim the schedule (serialises concurrent admins),
build the changed Office in memory so the domain validates it, and only then write the
change together with its audit entry. An invalid change therefore raises the domain's
error before a single row is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from callcenter.domain.schedule import (
    Closure,
    HolidayCalendar,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    Window,
)
from callcenter.storage import snapshots
from callcenter.storage.audit import AuditRepository, require_aware
from callcenter.storage.errors import ClosureAlreadyOver, InvalidValue, NotFound, NotSeeded
from callcenter.storage.models import (
    ClosureRow,
    OfficeSettingRow,
    OpeningRow,
    PilotRow,
    TeamRow,
    WindowRow,
)

HOLIDAY_STATE_KEY = "holiday_state"


class _NoHolidays:
    """Stand-in calendar for validation only: Office checks structure, never dates."""

    def get(self, key: date, default: None = None) -> str | None:
        return default


def _team(row: TeamRow, windows: Iterable[WindowRow]) -> Team:
    return Team(
        id=row.id,
        name_de=row.name_de,
        name_en=row.name_en,
        windows=tuple(Window(w.weekday, w.start_time, w.end_time) for w in windows),
        holidays_enabled=row.holidays_enabled,
        ignored_holidays=frozenset(row.ignored_holidays),
        queue=row.queue,
        team_lines=tuple(row.team_lines),
        direct_lines=tuple(row.direct_lines),
    )


def _closure(row: ClosureRow) -> Closure:
    return Closure(
        team=row.team_id,
        start=row.starts_at,
        end=row.ends_at,
        note=row.note,
        id=row.id,
        created_by=row.created_by,
    )


def _opening(row: OpeningRow) -> SpecialOpening:
    return SpecialOpening(
        team=row.team_id,
        day=row.day,
        start=row.start_time,
        end=row.end_time,
        note=row.note,
        id=row.id,
    )


def _pilot(row: PilotRow) -> Pilot:
    return Pilot(team=row.team_id, start=row.start_day, end=row.end_day, note=row.note, id=row.id)


def _window_rows(team_id: str, windows: Iterable[Window]) -> list[WindowRow]:
    return [
        WindowRow(team_id=team_id, weekday=w.weekday, start_time=w.start, end_time=w.end)
        for w in windows
    ]


class ScheduleRepository:
    """Teams, windows, holiday settings, closures, special openings and pilots."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._audit = AuditRepository(session)

    # -- reading -------------------------------------------------------------------------

    def is_seeded(self) -> bool:
        query = select(exists().where(OfficeSettingRow.key == HOLIDAY_STATE_KEY))
        return bool(self._session.scalar(query))

    def holiday_state(self) -> str:
        """The German state (subdivision) whose public holidays apply, e.g. 'HE'."""
        value = self._session.get(OfficeSettingRow, HOLIDAY_STATE_KEY)
        if value is None:
            raise _not_seeded()
        return value.value

    def load_office(self, tz: tzinfo, calendar_for: Callable[[str], HolidayCalendar]) -> Office:
        """The whole schedule; `calendar_for` gets the stored holiday state (e.g. 'HE')."""
        return self._office(tz, calendar_for(self.holiday_state()))

    def list_teams(self) -> list[Team]:
        return list(self._office(UTC, _NoHolidays()).teams)

    def list_closures(self, team: str | None = None) -> list[Closure]:
        """Closures by start; for a team, also the closures that apply to all teams."""
        query = select(ClosureRow).order_by(ClosureRow.starts_at, ClosureRow.id)
        if team is not None:
            self._require_team(team)
            query = query.where(or_(ClosureRow.team_id == team, ClosureRow.team_id.is_(None)))
        return [_closure(row) for row in self._session.scalars(query)]

    def get_closure(self, closure_id: int) -> Closure:
        return _closure(self._closure_row(closure_id))

    def list_openings(self, team: str | None = None) -> list[SpecialOpening]:
        query = select(OpeningRow).order_by(OpeningRow.day, OpeningRow.start_time, OpeningRow.id)
        if team is not None:
            self._require_team(team)
            query = query.where(OpeningRow.team_id == team)
        return [_opening(row) for row in self._session.scalars(query)]

    def list_pilots(self, team: str | None = None) -> list[Pilot]:
        query = select(PilotRow).order_by(PilotRow.start_day, PilotRow.id)
        if team is not None:
            self._require_team(team)
            query = query.where(PilotRow.team_id == team)
        return [_pilot(row) for row in self._session.scalars(query)]

    # -- writing -------------------------------------------------------------------------

    def seed(self, office_seed: Office, holiday_state: str, actor: str, now: datetime) -> bool:
        """Write the first schedule. False (and nothing written) if one is already stored."""
        require_aware(now, "Erstbefüllung")
        if self.is_seeded():
            return False
        state = _require_state(holiday_state)
        self._session.add(OfficeSettingRow(key=HOLIDAY_STATE_KEY, value=state))
        # Teams first: every other table refers to them and foreign keys are on.
        for position, team in enumerate(office_seed.teams):
            self._session.add(
                TeamRow(
                    id=team.id,
                    position=position,
                    name_de=team.name_de,
                    name_en=team.name_en,
                    queue=team.queue,
                    team_lines=list(team.team_lines),
                    direct_lines=list(team.direct_lines),
                    holidays_enabled=team.holidays_enabled,
                    ignored_holidays=sorted(team.ignored_holidays),
                )
            )
        self._session.flush()
        for team in office_seed.teams:
            self._session.add_all(_window_rows(team.id, team.windows))
        closure_rows = [
            self._closure_row_for(c, c.created_by or actor, now) for c in office_seed.closures
        ]
        opening_rows = [self._opening_row_for(o, actor, now) for o in office_seed.openings]
        pilot_rows = [self._pilot_row_for(p, actor, now) for p in office_seed.pilots]
        self._session.add_all([*closure_rows, *opening_rows, *pilot_rows])
        self._session.flush()
        stored = self._office(UTC, _NoHolidays())
        self._audit.record(
            actor=actor,
            at=now,
            action="seed",
            entity="office",
            after=snapshots.office(stored, state),
        )
        return True

    def set_windows(
        self, team_id: str, windows: Iterable[Window], actor: str, now: datetime
    ) -> Team:
        """Replace a team's weekly call-hour windows."""
        require_aware(now, "Sprechzeiten")
        office = self._claim()
        before = office.team(team_id)
        after = replace(before, windows=tuple(windows))
        self._validate(office, teams=_swap_team(office, after))
        self._session.execute(delete(WindowRow).where(WindowRow.team_id == team_id))
        self._session.add_all(_window_rows(team_id, after.windows))
        self._session.flush()
        self._audit.record(
            actor=actor,
            at=now,
            action="set_windows",
            entity="team",
            entity_id=team_id,
            before=snapshots.windows(before.windows),
            after=snapshots.windows(after.windows),
        )
        return after

    def set_team_holidays(
        self,
        team_id: str,
        enabled: bool,
        ignored: Iterable[str],
        actor: str,
        now: datetime,
    ) -> Team:
        """Switch public holidays on/off for a team and set the holidays it works through."""
        require_aware(now, "Feiertage")
        office = self._claim()
        before = office.team(team_id)
        after = replace(before, holidays_enabled=enabled, ignored_holidays=frozenset(ignored))
        self._validate(office, teams=_swap_team(office, after))
        row = self._session.get_one(TeamRow, team_id)
        row.holidays_enabled = after.holidays_enabled
        row.ignored_holidays = sorted(after.ignored_holidays)
        self._session.flush()
        self._audit.record(
            actor=actor,
            at=now,
            action="set_team_holidays",
            entity="team",
            entity_id=team_id,
            before=snapshots.team_holidays(before),
            after=snapshots.team_holidays(after),
        )
        return after

    def set_holiday_state(self, state: str, actor: str, now: datetime) -> None:
        """Set the German state whose holidays apply; the caller checks the code is known."""
        require_aware(now, "Feiertage")
        self._claim()
        new_state = _require_state(state)
        row = self._session.get_one(OfficeSettingRow, HOLIDAY_STATE_KEY)
        before = row.value
        row.value = new_state
        self._session.flush()
        self._audit.record(
            actor=actor,
            at=now,
            action="set_holiday_state",
            entity="office",
            entity_id=HOLIDAY_STATE_KEY,
            before={"holiday_state": before},
            after={"holiday_state": new_state},
        )

    def add_closure(self, closure: Closure, actor: str, now: datetime) -> Closure:
        """Store a closure; returns it with its id and creator."""
        require_aware(now, "Schließung")
        office = self._claim()
        self._validate(office, closures=(*office.closures, closure))
        row = self._closure_row_for(closure, actor, now)
        self._session.add(row)
        self._session.flush()
        stored = _closure(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="add_closure",
            entity="closure",
            entity_id=str(row.id),
            after=snapshots.closure(stored),
        )
        return stored

    def end_closure(self, closure_id: int, at: datetime, actor: str, now: datetime) -> Closure:
        """End a closure early at `at`; it must not be over by then."""
        require_aware(now, "Schließung")
        require_aware(at, "Schließung beenden")
        office = self._claim()
        row = self._closure_row(closure_id)
        before = _closure(row)
        if at >= before.end:
            raise ClosureAlreadyOver(
                f"Schließung {closure_id} ist am {at.isoformat()} schon vorbei (Ende "
                f"{before.end.isoformat()}); es gibt nichts zu beenden",
                f"closure {closure_id} is already over at {at.isoformat()} (it ended "
                f"{before.end.isoformat()}); nothing to end",
            )
        # Raises the domain's InvalidClosure if `at` is not after the start.
        after = replace(before, end=at)
        self._validate(
            office,
            closures=tuple(after if c.id == closure_id else c for c in office.closures),
        )
        row.ends_at = at
        row.ended_by = actor
        self._session.flush()
        self._audit.record(
            actor=actor,
            at=now,
            action="end_closure",
            entity="closure",
            entity_id=str(closure_id),
            before=snapshots.closure(before),
            after=snapshots.closure(after, ended_by=actor),
        )
        return after

    def add_opening(self, opening: SpecialOpening, actor: str, now: datetime) -> SpecialOpening:
        """Store a special opening; returns it with its id."""
        require_aware(now, "Sonderöffnung")
        office = self._claim()
        self._validate(office, openings=(*office.openings, opening))
        row = self._opening_row_for(opening, actor, now)
        self._session.add(row)
        self._session.flush()
        stored = _opening(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="add_opening",
            entity="opening",
            entity_id=str(row.id),
            after=snapshots.opening(stored),
        )
        return stored

    def add_pilot(self, pilot: Pilot, actor: str, now: datetime) -> Pilot:
        """Store a pilot period; the domain refuses one that overlaps the team's others."""
        require_aware(now, "Pilotphase")
        office = self._claim()
        self._validate(office, pilots=(*office.pilots, pilot))
        row = self._pilot_row_for(pilot, actor, now)
        self._session.add(row)
        self._session.flush()
        stored = _pilot(row)
        self._audit.record(
            actor=actor,
            at=now,
            action="add_pilot",
            entity="pilot",
            entity_id=str(row.id),
            after=snapshots.pilot(stored),
        )
        return stored

    # -- internals -----------------------------------------------------------------------

    def _claim(self) -> Office:
        """Take the schedule's write lock, then read the current schedule for validation.

        A no-op UPDATE of the settings row is the one lock both backends understand: on
        PostgreSQL it locks the row, on SQLite it makes this a write transaction before we
        read, so two admins cannot both validate against the same old schedule.
        """
        result = self._session.execute(
            update(OfficeSettingRow)
            .where(OfficeSettingRow.key == HOLIDAY_STATE_KEY)
            .values(value=OfficeSettingRow.value)
        )
        if cast(CursorResult[Any], result).rowcount == 0:
            raise _not_seeded()
        return self._office(UTC, _NoHolidays())

    def _office(self, tz: tzinfo, holidays: HolidayCalendar) -> Office:
        windows: dict[str, list[WindowRow]] = {}
        window_query = select(WindowRow).order_by(WindowRow.team_id, WindowRow.id)
        for window in self._session.scalars(window_query):
            windows.setdefault(window.team_id, []).append(window)
        teams = self._session.scalars(select(TeamRow).order_by(TeamRow.position, TeamRow.id))
        # Rows come back in insertion order so that a seeded Office loads back equal.
        closures = self._session.scalars(select(ClosureRow).order_by(ClosureRow.id))
        openings = self._session.scalars(select(OpeningRow).order_by(OpeningRow.id))
        pilots = self._session.scalars(select(PilotRow).order_by(PilotRow.id))
        return Office(
            tz=tz,
            holidays=holidays,
            teams=tuple(_team(row, windows.get(row.id, ())) for row in teams),
            closures=tuple(_closure(row) for row in closures),
            openings=tuple(_opening(row) for row in openings),
            pilots=tuple(_pilot(row) for row in pilots),
        )

    @staticmethod
    def _validate(office: Office, **changes: Any) -> Office:
        """The changed Office; constructing it runs every domain validation."""
        return replace(office, **changes)

    def _require_team(self, team_id: str) -> None:
        if self._session.get(TeamRow, team_id) is None:
            # The domain words the error (and lists the known teams).
            self._office(UTC, _NoHolidays()).team(team_id)

    def _closure_row(self, closure_id: int) -> ClosureRow:
        row = self._session.get(ClosureRow, closure_id)
        if row is None:
            raise NotFound(
                f"Schließung {closure_id} gibt es nicht",
                f"there is no closure {closure_id}",
            )
        return row

    @staticmethod
    def _closure_row_for(closure: Closure, created_by: str, now: datetime) -> ClosureRow:
        return ClosureRow(
            team_id=closure.team,
            starts_at=closure.start,
            ends_at=closure.end,
            note=closure.note,
            created_by=created_by,
            created_at=now,
        )

    @staticmethod
    def _opening_row_for(opening: SpecialOpening, actor: str, now: datetime) -> OpeningRow:
        return OpeningRow(
            team_id=opening.team,
            day=opening.day,
            start_time=opening.start,
            end_time=opening.end,
            note=opening.note,
            created_by=actor,
            created_at=now,
        )

    @staticmethod
    def _pilot_row_for(pilot: Pilot, actor: str, now: datetime) -> PilotRow:
        return PilotRow(
            team_id=pilot.team,
            start_day=pilot.start,
            end_day=pilot.end,
            note=pilot.note,
            created_by=actor,
            created_at=now,
        )


def _swap_team(office: Office, changed: Team) -> tuple[Team, ...]:
    return tuple(changed if team.id == changed.id else team for team in office.teams)


def _require_state(state: str) -> str:
    cleaned = state.strip()
    if not cleaned:
        raise InvalidValue(
            "Das Bundesland für die Feiertage darf nicht leer sein (z. B. „HE“)",
            "the holiday state must not be empty (e.g. 'HE')",
        )
    return cleaned


def _not_seeded() -> NotSeeded:
    return NotSeeded(
        "Die Datenbank enthält noch keinen Zeitplan; zuerst „callcenter db seed“ ausführen",
        "the database holds no schedule yet; run 'callcenter db seed' first",
    )
