"""A closure's public reason and its board flag on SQLite and PostgreSQL: stored, changed,
audited, validated against the templates' keys, and filled in for closures stored before."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, insert

from callcenter.domain.access import Actor
from callcenter.domain.errors import InvalidClosure
from callcenter.domain.schedule import Closure
from callcenter.prompts.templates import public_reason_keys
from callcenter.storage.audit import AuditRepository
from callcenter.storage.coltypes import UtcDateTime
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.unit_of_work import SqlUnitOfWork
from callcenter.usecases import schedule

from .conftest import DbSnapshot
from .sample_office import BERLIN

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=BERLIN)
ADMIN = Actor.admin("admin-mueller")
REASONS = public_reason_keys()


def _closure(**changes: object) -> Closure:
    fields: dict[str, object] = {
        "team": "auslaender-a",
        "start": datetime(2026, 7, 1, 8, tzinfo=BERLIN),
        "end": datetime(2026, 7, 1, 12, tzinfo=BERLIN),
        "note": "Frau X krank",
        "public_reason": "organisational",
        "note_on_board": True,
    }
    fields.update(changes)
    return Closure(**fields)  # type: ignore[arg-type]


def test_public_reason_and_board_flag_round_trip(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        uow = SqlUnitOfWork(session)
        stored = schedule.add_closure(uow, ADMIN, _closure(), now=NOW, reasons=REASONS)
    assert stored.id is not None
    with session_scope(seeded) as session:
        loaded = SqlUnitOfWork(session).schedules.get_closure(stored.id)
        audit = AuditRepository(session).list()[0]
    assert (loaded.public_reason, loaded.note_on_board, loaded.note) == (
        "organisational",
        True,
        "Frau X krank",
    )
    assert audit.after["public_reason"] == "organisational"
    assert audit.after["note_on_board"] is True

    with session_scope(seeded) as session:
        uow = SqlUnitOfWork(session)
        changed = schedule.change_closure(
            uow,
            ADMIN,
            stored.id,
            now=NOW,
            public_reason="training",
            note_on_board=False,
            reasons=REASONS,
        )
    assert (changed.public_reason, changed.note_on_board, changed.note) == (
        "training",
        False,
        "Frau X krank",
    )
    with session_scope(seeded) as session:
        again = SqlUnitOfWork(session).schedules.get_closure(stored.id)
        audit = AuditRepository(session).list()[0]
    assert (again.public_reason, again.note_on_board) == ("training", False)
    assert audit.action == "change_closure"
    assert audit.before["public_reason"] == "organisational"
    assert audit.after["note_on_board"] is False


def test_an_unknown_public_reason_names_the_allowed_keys_and_writes_nothing(
    seeded: Engine, db_snapshot: DbSnapshot
) -> None:
    before = db_snapshot()
    with pytest.raises(InvalidClosure) as raised, session_scope(seeded) as session:
        schedule.add_closure(
            SqlUnitOfWork(session),
            ADMIN,
            _closure(public_reason="personalengpass"),
            now=NOW,
            reasons=REASONS,
        )
    assert "„personalengpass“" in raised.value.de
    assert "organisational, training" in raised.value.de
    assert "allowed: organisational" in raised.value.en
    assert raised.value.field() == "public_reason"
    assert db_snapshot() == before


def test_without_the_keys_handed_in_no_public_reason_is_accepted(seeded: Engine) -> None:
    with pytest.raises(InvalidClosure), session_scope(seeded) as session:
        schedule.add_closure(SqlUnitOfWork(session), ADMIN, _closure(), now=NOW)


def test_closures_stored_before_the_migration_keep_their_note_to_themselves(
    empty_db_url: str,
) -> None:
    upgrade(empty_db_url, "0008")
    engine = make_engine(empty_db_url)
    try:
        # The table as revision 0008 knew it (the model has the new columns).
        old = Table(
            "closures",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("team_id", String(64)),
            Column("starts_at", UtcDateTime),
            Column("ends_at", UtcDateTime),
            Column("note", Text),
            Column("created_by", String(100)),
            Column("created_at", UtcDateTime),
        )
        start = datetime(2026, 7, 1, 8, tzinfo=BERLIN)
        with engine.begin() as connection:
            connection.execute(
                insert(old).values(
                    starts_at=start,
                    ends_at=datetime(2026, 7, 1, 12, tzinfo=BERLIN),
                    note="Personalengpass",
                    created_by="x",
                    created_at=start,
                )
            )
        upgrade(empty_db_url)
        with session_scope(engine) as session:
            (closure,) = SqlUnitOfWork(session).schedules.list_closures()
        assert (closure.note, closure.public_reason, closure.note_on_board) == (
            "Personalengpass",
            "",
            False,
        )
    finally:
        engine.dispose()
