"""The schedule on SQLite and PostgreSQL through its use cases: round trips, validation, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from callcenter.domain.errors import (
    InvalidClosure,
    NaiveDatetime,
    OverlappingPilots,
    OverlappingWindows,
    ScheduleError,
    UnknownTeam,
)
from callcenter.domain.schedule import (
    Closure,
    Office,
    Pilot,
    SpecialOpening,
    State,
    Window,
    state_at,
)
from callcenter.storage.audit import AuditRepository
from callcenter.storage.database import session_scope
from callcenter.storage.errors import (
    ClosureAlreadyOver,
    InvalidValue,
    NotFound,
    NotSeeded,
    StorageError,
)

from .conftest import DbSnapshot
from .sample_office import BERLIN, HOLIDAYS_HE, SEEDED_AT, calendar_for
from .schedule_commands import ScheduleCommands

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=BERLIN)
ACTOR = "admin-mueller"


def _load(engine: Engine) -> Office:
    with session_scope(engine) as session:
        return ScheduleCommands(session).load_office(BERLIN, calendar_for)


def _audit(engine: Engine) -> list[Any]:
    with session_scope(engine) as session:
        return AuditRepository(session).list()


# -- seeding and loading -------------------------------------------------------------------


def test_seed_then_load_gives_back_the_seeded_office(seeded: Engine, office: Office) -> None:
    loaded = _load(seeded)

    assert loaded == office
    # Field by field too, so a failure says what differs.
    assert loaded.teams == office.teams
    assert loaded.closures == office.closures
    assert loaded.openings == office.openings
    assert loaded.pilots == office.pilots
    assert loaded.holidays is HOLIDAYS_HE
    team_b = loaded.team("auslaender-b")
    assert team_b.holidays_enabled is False
    assert team_b.direct_lines == ("0615120XX", "06151299")
    assert loaded.team("zentrale").ignored_holidays == frozenset({"Fronleichnam"})


def test_loaded_closures_are_aware_and_carry_id_and_creator(seeded: Engine) -> None:
    for closure in _load(seeded).closures:
        assert closure.id is not None
        assert closure.created_by == "seed-admin"
        for value in (closure.start, closure.end):
            assert value.tzinfo is not None
            assert value.utcoffset() == timedelta(0)


def test_loaded_office_gives_the_same_states(seeded: Engine, office: Office) -> None:
    loaded = _load(seeded)
    instants = [
        datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN),  # closure day of team A
        datetime(2026, 3, 5, 15, 0, tzinfo=BERLIN),  # Thursday afternoon window
        datetime(2026, 6, 4, 10, 0, tzinfo=BERLIN),  # Fronleichnam: ignored by zentrale
        datetime(2026, 12, 24, 13, 0, tzinfo=BERLIN),  # all-team closure
    ]
    for team in office.team_ids:
        for at in instants:
            assert state_at(loaded.schedule_for(team), at) == state_at(
                office.schedule_for(team), at
            ), (team, at)
    assert state_at(loaded.schedule_for("zentrale"), instants[2]).state == State.OPEN


def test_seed_writes_one_audit_entry_with_the_whole_schedule(seeded: Engine) -> None:
    [entry] = _audit(seeded)
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        "seed-admin",
        "seed",
        "office",
        None,
    )
    assert entry.at == SEEDED_AT
    assert entry.before is None
    assert entry.after["holiday_state"] == "HE"
    assert [t["id"] for t in entry.after["teams"]] == ["auslaender-a", "auslaender-b", "zentrale"]
    assert entry.after["teams"][0]["windows"][0] == {"weekday": 0, "start": "09:00", "end": "12:00"}
    assert entry.after["closures"][1]["start"] == "2026-12-24T11:00:00+00:00"
    assert entry.after["pilots"][1] == {
        "id": entry.after["pilots"][1]["id"],
        "team": "auslaender-a",
        "start": "2026-09-01",
        "end": None,
        "note": "Pilotphase 2",
    }


def test_seed_only_fills_an_empty_database(
    seeded: Engine, office: Office, db_snapshot: DbSnapshot
) -> None:
    before = db_snapshot()
    other = replace(office, teams=office.teams[:1], closures=(), openings=(), pilots=())
    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        assert repository.is_seeded()
        assert repository.seed(other, "BY", "someone", NOW) is False
    assert db_snapshot() == before


def test_unseeded_database(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository = ScheduleCommands(session)
        assert not repository.is_seeded()
        with pytest.raises(NotSeeded, match="callcenter db seed"):
            repository.holiday_state()
        with pytest.raises(NotSeeded):
            repository.add_pilot(Pilot("auslaender-a", date(2026, 1, 1)), ACTOR, NOW)


def test_holiday_state_is_stored(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        assert ScheduleCommands(session).holiday_state() == "HE"


# -- every mutation writes its change and one audit entry ----------------------------------

Mutation = Callable[[ScheduleCommands], Any]


def _closure_id(repository: ScheduleCommands, note: str) -> int:
    [match] = [c for c in repository.list_closures() if c.note == note]
    assert match.id is not None
    return match.id


MUTATIONS: list[tuple[str, Mutation, dict[str, Any]]] = [
    (
        "set_windows",
        lambda r: r.set_windows(
            "auslaender-a", [Window(0, time(8), time(11)), Window(4, time(8), time(10))], ACTOR, NOW
        ),
        {
            "action": "set_windows",
            "entity": "team",
            "entity_id": "auslaender-a",
            "before": [
                {"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 1, "start": "09:00", "end": "12:00"},
                {"weekday": 2, "start": "09:00", "end": "12:00"},
                {"weekday": 3, "start": "09:00", "end": "12:00"},
                {"weekday": 3, "start": "14:00", "end": "17:30"},
            ],
            "after": [
                {"weekday": 0, "start": "08:00", "end": "11:00"},
                {"weekday": 4, "start": "08:00", "end": "10:00"},
            ],
        },
    ),
    (
        "add_closure",
        lambda r: r.add_closure(
            Closure(
                "auslaender-b",
                datetime(2026, 3, 27, 0, 0, tzinfo=BERLIN),
                datetime(2026, 3, 30, 0, 0, tzinfo=BERLIN),  # across the DST change
                "Schulung",
            ),
            ACTOR,
            NOW,
        ),
        {
            "action": "add_closure",
            "entity": "closure",
            "before": None,
            "after": {
                "team": "auslaender-b",
                "start": "2026-03-26T23:00:00+00:00",
                "end": "2026-03-29T22:00:00+00:00",
                "note": "Schulung",
                "created_by": ACTOR,
            },
        },
    ),
    (
        "end_closure",
        lambda r: r.end_closure(
            _closure_id(r, "Heiligabend nachmittags"),
            datetime(2026, 12, 24, 14, 0, tzinfo=BERLIN),
            ACTOR,
            NOW,
        ),
        {
            "action": "end_closure",
            "entity": "closure",
            "before": {
                "team": None,
                "start": "2026-12-24T11:00:00+00:00",
                "end": "2026-12-24T15:30:00+00:00",
                "note": "Heiligabend nachmittags",
                "created_by": "seed-admin",
            },
            "after": {
                "team": None,
                "start": "2026-12-24T11:00:00+00:00",
                "end": "2026-12-24T13:00:00+00:00",
                "note": "Heiligabend nachmittags",
                "created_by": "seed-admin",
                "ended_by": ACTOR,
            },
        },
    ),
    (
        "add_opening",
        lambda r: r.add_opening(
            SpecialOpening("zentrale", date(2026, 6, 13), time(9), time(12), "Samstag"), ACTOR, NOW
        ),
        {
            "action": "add_opening",
            "entity": "opening",
            "before": None,
            "after": {
                "team": "zentrale",
                "day": "2026-06-13",
                "start": "09:00",
                "end": "12:00",
                "note": "Samstag",
            },
        },
    ),
    (
        "add_pilot",
        lambda r: r.add_pilot(
            Pilot("auslaender-b", date(2026, 10, 1), date(2026, 12, 31), "Rollout"), ACTOR, NOW
        ),
        {
            "action": "add_pilot",
            "entity": "pilot",
            "before": None,
            "after": {
                "team": "auslaender-b",
                "start": "2026-10-01",
                "end": "2026-12-31",
                "note": "Rollout",
            },
        },
    ),
    (
        "set_holiday_state",
        lambda r: r.set_holiday_state("BY", ACTOR, NOW),
        {
            "action": "set_holiday_state",
            "entity": "office",
            "entity_id": "holiday_state",
            "before": {"holiday_state": "HE"},
            "after": {"holiday_state": "BY"},
        },
    ),
    (
        "set_team_holidays",
        lambda r: r.set_team_holidays(
            "auslaender-a", False, ["Rosenmontag", "Fronleichnam"], ACTOR, NOW
        ),
        {
            "action": "set_team_holidays",
            "entity": "team",
            "entity_id": "auslaender-a",
            "before": {"holidays_enabled": True, "ignored_holidays": []},
            "after": {
                "holidays_enabled": False,
                "ignored_holidays": ["Fronleichnam", "Rosenmontag"],
            },
        },
    ),
]


def _without_id(value: Any) -> Any:
    return {k: v for k, v in value.items() if k != "id"} if isinstance(value, dict) else value


@pytest.mark.parametrize(("name", "mutate", "expected"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_every_mutation_writes_one_audit_entry(
    seeded: Engine, name: str, mutate: Mutation, expected: dict[str, Any]
) -> None:
    with session_scope(seeded) as session:
        result = mutate(ScheduleCommands(session))

    newest, *older = _audit(seeded)
    assert [e.action for e in older] == ["seed"], "exactly one new audit entry"
    assert newest.actor == ACTOR
    assert newest.at == NOW
    assert newest.action == expected["action"]
    assert newest.entity == expected["entity"]
    assert _without_id(newest.before) == expected["before"]
    assert _without_id(newest.after) == expected["after"]
    # The entity id is the team (or setting) or the new row's id, and matches the snapshot.
    result_id = getattr(result, "id", None)
    if "entity_id" in expected:
        assert newest.entity_id == expected["entity_id"]
    else:
        assert result_id is not None
        assert newest.entity_id == str(result_id) == str(newest.after["id"])


def test_set_windows_is_what_load_office_returns(seeded: Engine) -> None:
    new = [Window(1, time(13), time(15)), Window(1, time(8), time(10))]
    with session_scope(seeded) as session:
        ScheduleCommands(session).set_windows("zentrale", new, ACTOR, NOW)
    loaded = _load(seeded)
    assert loaded.team("zentrale").windows == (
        Window(1, time(8), time(10)),
        Window(1, time(13), time(15)),
    )
    # The other teams are untouched.
    assert len(loaded.team("auslaender-a").windows) == 5


def test_added_rows_come_back_with_ids_and_in_lists(seeded: Engine) -> None:
    closure = Closure(
        None,
        datetime(2026, 7, 1, 8, tzinfo=BERLIN),
        datetime(2026, 7, 1, 12, tzinfo=BERLIN),
        "Betriebsversammlung",
    )
    opening = SpecialOpening("auslaender-b", date(2026, 7, 4), time(10), time(14))
    pilot = Pilot("zentrale", date(2027, 1, 1))
    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        stored_closure = repository.add_closure(closure, ACTOR, NOW)
        stored_opening = repository.add_opening(opening, ACTOR, NOW)
        stored_pilot = repository.add_pilot(pilot, ACTOR, NOW)
    assert stored_closure == closure
    assert stored_closure.id is not None
    assert stored_closure.created_by == ACTOR
    assert stored_opening == opening
    assert stored_opening.id is not None
    assert stored_pilot == pilot
    assert stored_pilot.id is not None

    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        # An all-teams closure shows up for every team; team A's own closure only for A.
        for_b = repository.list_closures("auslaender-b")
        assert [c.note for c in for_b] == ["Betriebsversammlung", "Heiligabend nachmittags"]
        assert len(repository.list_closures("auslaender-a")) == 3
        assert len(repository.list_closures()) == 3
        assert repository.get_closure(stored_closure.id) == closure
        assert repository.list_openings("auslaender-b") == [opening]
        assert [o.id for o in repository.list_openings()] == [1, stored_opening.id]
        assert repository.list_pilots("zentrale") == [pilot]
        assert len(repository.list_pilots()) == 3
        with pytest.raises(UnknownTeam):
            repository.list_pilots("nope")
    assert _load(seeded).pilot_at("zentrale", datetime(2027, 2, 1, 9, tzinfo=BERLIN)) == pilot


def test_holiday_settings_change_what_load_office_asks_for(seeded: Engine) -> None:
    asked: list[str] = []

    def recording_calendar(state: str) -> dict[date, str]:
        asked.append(state)
        return {}

    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        repository.set_holiday_state(" BY ", ACTOR, NOW)
        repository.set_team_holidays("zentrale", True, [], ACTOR, NOW)
    with session_scope(seeded) as session:
        loaded = ScheduleCommands(session).load_office(BERLIN, recording_calendar)
    assert asked == ["BY"]
    assert loaded.team("zentrale").ignored_holidays == frozenset()


# -- invalid mutations raise and write nothing ---------------------------------------------

INVALID: list[tuple[str, Mutation, type[Exception], str]] = [
    (
        "overlapping windows",
        lambda r: r.set_windows(
            "auslaender-a",
            [Window(0, time(9), time(12)), Window(0, time(11), time(13))],
            ACTOR,
            NOW,
        ),
        OverlappingWindows,
        "Team „auslaender-a“, Montag: Fenster 09:00–12:00 und 11:00–13:00 überschneiden sich",
    ),
    (
        "windows of unknown team",
        lambda r: r.set_windows("nope", [Window(0, time(9), time(12))], ACTOR, NOW),
        UnknownTeam,
        "unbekanntes Team „nope“ (bekannt: auslaender-a, auslaender-b, zentrale)",
    ),
    (
        "closure of unknown team",
        lambda r: r.add_closure(
            Closure(
                "nope",
                datetime(2026, 4, 1, 8, tzinfo=BERLIN),
                datetime(2026, 4, 1, 9, tzinfo=BERLIN),
            ),
            ACTOR,
            NOW,
        ),
        UnknownTeam,
        "Schließung: unbekanntes Team „nope“",
    ),
    (
        "closure ended before it starts",
        lambda r: r.end_closure(
            _closure_id(r, "Heiligabend nachmittags"),
            datetime(2026, 12, 24, 11, 0, tzinfo=BERLIN),
            ACTOR,
            NOW,
        ),
        InvalidClosure,
        "liegt nicht nach dem Beginn",
    ),
    (
        "overlapping pilots",
        lambda r: r.add_pilot(
            Pilot("auslaender-a", date(2026, 5, 1), date(2026, 6, 30)), ACTOR, NOW
        ),
        OverlappingPilots,
        "Team „auslaender-a“: Pilotphase 2026-03-01–2026-05-31 überschneidet sich mit "
        "Pilotphase 2026-05-01–2026-06-30",
    ),
    (
        "open-ended pilot overlapping a later one",
        lambda r: r.add_pilot(Pilot("auslaender-a", date(2026, 6, 1)), ACTOR, NOW),
        OverlappingPilots,
        "überschneidet sich",
    ),
    (
        "pilot of unknown team",
        lambda r: r.add_pilot(Pilot("nope", date(2027, 1, 1)), ACTOR, NOW),
        UnknownTeam,
        "Pilotphase: unbekanntes Team „nope“",
    ),
    (
        "opening of unknown team",
        lambda r: r.add_opening(
            SpecialOpening("nope", date(2026, 5, 9), time(9), time(12)), ACTOR, NOW
        ),
        UnknownTeam,
        "Sonderöffnung: unbekanntes Team „nope“",
    ),
    (
        "holidays of unknown team",
        lambda r: r.set_team_holidays("nope", False, [], ACTOR, NOW),
        UnknownTeam,
        "unbekanntes Team „nope“",
    ),
    (
        "empty holiday state",
        lambda r: r.set_holiday_state("  ", ACTOR, NOW),
        InvalidValue,
        "Das Bundesland für die Feiertage darf nicht leer sein",
    ),
    (
        "naive now",
        lambda r: r.add_pilot(Pilot("zentrale", date(2027, 1, 1)), ACTOR, datetime(2026, 3, 1, 9)),
        NaiveDatetime,
        "hat keine Zeitzone",
    ),
    (
        "end unknown closure",
        lambda r: r.end_closure(9999, NOW, ACTOR, NOW),
        NotFound,
        "Schließung 9999 gibt es nicht",
    ),
    (
        "end a closure that is over",
        lambda r: r.end_closure(
            _closure_id(r, "Personalengpass"), datetime(2026, 3, 4, 0, 0, tzinfo=BERLIN), ACTOR, NOW
        ),
        ClosureAlreadyOver,
        "ist am 2026-03-04T00:00:00+01:00 schon vorbei",
    ),
]


@pytest.mark.parametrize(
    ("name", "mutate", "error", "message"), INVALID, ids=[case[0] for case in INVALID]
)
def test_invalid_mutation_raises_and_writes_nothing(
    seeded: Engine,
    db_snapshot: DbSnapshot,
    name: str,
    mutate: Mutation,
    error: type[Exception],
    message: str,
) -> None:
    before = db_snapshot()
    # The session is committed afterwards on purpose: the repository itself must have
    # written nothing, not merely been rolled back by the caller.
    with session_scope(seeded) as session, pytest.raises(error) as raised:
        mutate(ScheduleCommands(session))
    assert message in str(raised.value)
    assert isinstance(raised.value, ScheduleError | StorageError)
    assert raised.value.en  # every error carries its English message too
    assert db_snapshot() == before


# -- ending closures -----------------------------------------------------------------------


def test_end_closure_shortens_a_running_closure(seeded: Engine) -> None:
    at = datetime(2026, 3, 2, 13, 15, tzinfo=BERLIN)
    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        closure_id = _closure_id(repository, "Personalengpass")
        ended = repository.end_closure(closure_id, at, ACTOR, at)
    assert ended.end == at
    assert ended.id == closure_id
    assert ended.start == datetime(2026, 3, 2, 0, 0, tzinfo=BERLIN)

    loaded = _load(seeded)
    [stored] = [c for c in loaded.closures if c.id == closure_id]
    assert stored.end == at
    schedule = loaded.schedule_for("auslaender-a")
    # Closed by the closure just before, open (Monday 09:00-12:00 is over: hours) right after.
    assert state_at(schedule, at - timedelta(seconds=1)).reason == "closure"
    assert state_at(schedule, at).reason == "hours"
    assert state_at(schedule, datetime(2026, 3, 3, 10, tzinfo=BERLIN)).state == State.OPEN


def test_end_closure_at_its_end_is_already_over(seeded: Engine, db_snapshot: DbSnapshot) -> None:
    before = db_snapshot()
    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        closure = repository.get_closure(_closure_id(repository, "Heiligabend nachmittags"))
        assert closure.id is not None
        with pytest.raises(ClosureAlreadyOver):
            repository.end_closure(closure.id, closure.end, ACTOR, NOW)
    assert db_snapshot() == before


def test_end_closure_twice(seeded: Engine) -> None:
    first = datetime(2026, 12, 24, 13, 0, tzinfo=BERLIN)
    with session_scope(seeded) as session:
        repository = ScheduleCommands(session)
        closure_id = _closure_id(repository, "Heiligabend nachmittags")
        repository.end_closure(closure_id, first, ACTOR, NOW)
    with session_scope(seeded) as session, pytest.raises(ClosureAlreadyOver):
        ScheduleCommands(session).end_closure(closure_id, first + timedelta(minutes=5), ACTOR, NOW)
    with session_scope(seeded) as session:
        # Ending it even earlier is still allowed: it is running at that instant.
        earlier = ScheduleCommands(session).end_closure(
            closure_id, first - timedelta(minutes=30), ACTOR, NOW
        )
    assert earlier.end == datetime(2026, 12, 24, 11, 30, tzinfo=UTC)
