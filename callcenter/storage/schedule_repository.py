"""The schedule in the database: the source of truth once the TOML has seeded it.

Persistence only. The use cases (callcenter.usecases.schedule) claim the schedule
(`claim` serialises concurrent admins), build the changed Office in memory so the domain
validates it, check permissions and the rules about the past, and only then call the
writing methods here and audit the change, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    WeekVariant,
    Window,
)
from callcenter.storage.errors import InvalidValue, NotFound, NotSeeded
from callcenter.storage.models import (
    ClosureRow,
    OfficeSettingRow,
    OpeningRow,
    PilotRow,
    TeamRow,
    VariantRow,
    VariantWindowRow,
    WindowRow,
)

HOLIDAY_STATE_KEY = "holiday_state"


class _NoHolidays:
    """Stand-in calendar for validation only: Office checks structure, never dates."""

    def get(self, key: date, default: None = None) -> str | None:
        return default


def _team(row: TeamRow, windows: Iterable[WindowRow], variants: Iterable[WeekVariant] = ()) -> Team:
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
        variants=tuple(variants),
    )


def _variant(row: VariantRow, windows: Iterable[VariantWindowRow]) -> WeekVariant:
    return WeekVariant(
        name=row.name,
        first=row.first_day,
        last=row.last_day,
        windows=tuple(Window(w.weekday, w.start_time, w.end_time) for w in windows),
        id=row.id,
    )


def _variant_window_rows(variant_id: int, windows: Iterable[Window]) -> list[VariantWindowRow]:
    return [
        VariantWindowRow(
            variant_id=variant_id, weekday=w.weekday, start_time=w.start, end_time=w.end
        )
        for w in windows
    ]


def _closure(row: ClosureRow) -> Closure:
    return Closure(
        team=row.team_id,
        start=row.starts_at,
        end=row.ends_at,
        note=row.note,
        id=row.id,
        created_by=row.created_by,
        public_reason=row.public_reason,
        note_on_board=row.note_on_board,
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

    def list_variants(self, team: str) -> list[WeekVariant]:
        """A team's date-range variants of the week, by first day."""
        self._require_team(team)
        return list(self._variants(team).get(team, ()))

    def get_variant(self, variant_id: int) -> tuple[str, WeekVariant]:
        """(team id, variant)."""
        row = self._variant_row(variant_id)
        windows = self._session.scalars(
            select(VariantWindowRow)
            .where(VariantWindowRow.variant_id == variant_id)
            .order_by(VariantWindowRow.id)
        )
        return row.team_id, _variant(row, windows)

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

    def claim(self) -> Office:
        """Take the schedule's write lock, then read the current schedule for validation.

        A no-op UPDATE of the settings row is the one lock both backends understand: on
        PostgreSQL it locks the row, on SQLite it makes this a write transaction before we
        read, so two admins cannot both validate against the same old schedule. The Office
        has no holiday calendar: validation checks structure, never dates.
        """
        result = self._session.execute(
            update(OfficeSettingRow)
            .where(OfficeSettingRow.key == HOLIDAY_STATE_KEY)
            .values(value=OfficeSettingRow.value)
        )
        if cast(CursorResult[Any], result).rowcount == 0:
            raise _not_seeded()
        return self._office(UTC, _NoHolidays())

    # -- writing -------------------------------------------------------------------------

    def insert_office(
        self, office_seed: Office, holiday_state: str, actor: str, now: datetime
    ) -> Office:
        """Write the first schedule into an empty database; returns it as stored (with ids)."""
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
            for variant in team.variants:
                self.insert_variant(team.id, variant, actor, now)
        closure_rows = [
            self._closure_row_for(c, c.created_by or actor, now) for c in office_seed.closures
        ]
        opening_rows = [self._opening_row_for(o, actor, now) for o in office_seed.openings]
        pilot_rows = [self._pilot_row_for(p, actor, now) for p in office_seed.pilots]
        self._session.add_all([*closure_rows, *opening_rows, *pilot_rows])
        self._session.flush()
        return self._office(UTC, _NoHolidays())

    def replace_windows(self, team_id: str, windows: Iterable[Window]) -> None:
        self._session.execute(delete(WindowRow).where(WindowRow.team_id == team_id))
        self._session.add_all(_window_rows(team_id, windows))
        self._session.flush()

    def insert_variant(
        self, team_id: str, variant: WeekVariant, actor: str, now: datetime
    ) -> WeekVariant:
        row = VariantRow(
            team_id=team_id,
            name=variant.name,
            first_day=variant.first,
            last_day=variant.last,
            created_by=actor,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        self._session.add_all(_variant_window_rows(row.id, variant.windows))
        self._session.flush()
        return self.get_variant(row.id)[1]

    def update_variant(self, variant: WeekVariant) -> WeekVariant:
        """Store a changed variant (same id): name, dates and windows."""
        assert variant.id is not None
        row = self._variant_row(variant.id)
        row.name = variant.name
        row.first_day = variant.first
        row.last_day = variant.last
        self._session.execute(
            delete(VariantWindowRow).where(VariantWindowRow.variant_id == variant.id)
        )
        self._session.add_all(_variant_window_rows(variant.id, variant.windows))
        self._session.flush()
        return self.get_variant(variant.id)[1]

    def delete_variant(self, variant_id: int) -> None:
        self._session.execute(
            delete(VariantWindowRow).where(VariantWindowRow.variant_id == variant_id)
        )
        self._session.delete(self._variant_row(variant_id))
        self._session.flush()

    def save_team_holidays(self, team: Team) -> None:
        row = self._session.get_one(TeamRow, team.id)
        row.holidays_enabled = team.holidays_enabled
        row.ignored_holidays = sorted(team.ignored_holidays)
        self._session.flush()

    def save_holiday_state(self, state: str) -> None:
        row = self._session.get_one(OfficeSettingRow, HOLIDAY_STATE_KEY)
        row.value = _require_state(state)
        self._session.flush()

    def insert_closure(self, closure: Closure, created_by: str, now: datetime) -> Closure:
        row = self._closure_row_for(closure, created_by, now)
        self._session.add(row)
        self._session.flush()
        return _closure(row)

    def update_closure(self, closure: Closure, ended_by: str | None = None) -> Closure:
        """Store a changed closure (same id): team, start, end, note, public reason, whether
        the note is on the board; `ended_by` if ended."""
        assert closure.id is not None
        row = self._closure_row(closure.id)
        row.team_id = closure.team
        row.starts_at = closure.start
        row.ends_at = closure.end
        row.note = closure.note
        row.public_reason = closure.public_reason
        row.note_on_board = closure.note_on_board
        if ended_by is not None:
            row.ended_by = ended_by
        self._session.flush()
        return _closure(row)

    def delete_closure(self, closure_id: int) -> None:
        self._session.delete(self._closure_row(closure_id))
        self._session.flush()

    def insert_opening(self, opening: SpecialOpening, actor: str, now: datetime) -> SpecialOpening:
        row = self._opening_row_for(opening, actor, now)
        self._session.add(row)
        self._session.flush()
        return _opening(row)

    def insert_pilot(self, pilot: Pilot, actor: str, now: datetime) -> Pilot:
        row = self._pilot_row_for(pilot, actor, now)
        self._session.add(row)
        self._session.flush()
        return _pilot(row)

    # -- internals -----------------------------------------------------------------------
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
        variants = self._variants()
        return Office(
            tz=tz,
            holidays=holidays,
            teams=tuple(
                _team(row, windows.get(row.id, ()), variants.get(row.id, ())) for row in teams
            ),
            closures=tuple(_closure(row) for row in closures),
            openings=tuple(_opening(row) for row in openings),
            pilots=tuple(_pilot(row) for row in pilots),
        )

    def _variants(self, team: str | None = None) -> dict[str, list[WeekVariant]]:
        variant_windows: dict[int, list[VariantWindowRow]] = {}
        window_query = select(VariantWindowRow).order_by(
            VariantWindowRow.variant_id, VariantWindowRow.id
        )
        query = select(VariantRow).order_by(VariantRow.first_day, VariantRow.id)
        if team is not None:
            query = query.where(VariantRow.team_id == team)
            window_query = window_query.join(VariantRow).where(VariantRow.team_id == team)
        for window in self._session.scalars(window_query):
            variant_windows.setdefault(window.variant_id, []).append(window)
        found: dict[str, list[WeekVariant]] = {}
        for row in self._session.scalars(query):
            found.setdefault(row.team_id, []).append(_variant(row, variant_windows.get(row.id, ())))
        return found

    def _variant_row(self, variant_id: int) -> VariantRow:
        row = self._session.get(VariantRow, variant_id)
        if row is None:
            raise NotFound(
                f"Zeitraum mit eigenen Sprechzeiten {variant_id} gibt es nicht",
                f"there is no period with its own call hours {variant_id}",
            )
        return row

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
            public_reason=closure.public_reason,
            note_on_board=closure.note_on_board,
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


def _require_state(state: str) -> str:
    """A stored holiday state is never empty (the use case checks it is a known code)."""
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
