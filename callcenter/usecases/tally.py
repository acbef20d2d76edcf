"""Tally sheets (Strichliste) and walk-ins by hand.

A sheet is identified by its content (SHA-256 of its bytes and the team filter), not by its
file name: the same content again changes nothing, whatever it is called; another sheet with
the same name is another sheet. An entry is identified by team, day and (where given) hour:
a call line by (team, day, hour), walk-ins by (team, day). A sheet whose entries touch those
of another sheet is refused, naming both sources and its first conflicting line, unless the
import is told to replace them (audited with what it replaced). Entries by hand and the
synthetic data's walk-ins are not sheets: hand entries add up with a sheet (the command says
so), synthetic walk-ins give way to entered ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from callcenter.domain.access import Actor, Role, require_role, require_team
from callcenter.domain.audit import require_aware
from callcenter.domain.errors import CallcenterError
from callcenter.domain.tally import StoredTally, TallyEntry, WalkInDay
from callcenter.imports.common import display_name
from callcenter.imports.tally import parse_tally
from callcenter.storage.walk_ins import GENERATED_SOURCE_PREFIX as GENERATED_SOURCE_PREFIX
from callcenter.usecases.ports import UnitOfWork

WALK_INS = "walk-ins"
Key = tuple[str, date, int | str | None]


class TallyConflict(CallcenterError):
    """A different sheet touches entries another sheet already holds."""

    kind = "conflict"
    code = "tally_conflict"


@dataclass(frozen=True)
class SheetImport:
    """What importing a sheet did. `unchanged_as`: the name it was imported under before
    (then nothing changed); `replaced`: entries of other sheets it replaced."""

    file: str
    read: int
    imported: int
    duplicates: int
    ignored: int
    replaced: int = 0
    replaced_sources: tuple[str, ...] = ()
    unchanged_as: str | None = None
    updated: int = 0  # sheets are never merged line by line any more; kept for the summary

    def audit(self) -> dict[str, object]:
        return {
            "file": self.file,
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "updated": self.updated,
            "ignored": self.ignored,
            "replaced": self.replaced,
            "replaced_sources": list(self.replaced_sources),
        }


def sheet_identity(content: bytes, team: str | None) -> str:
    """A sheet's identity: its bytes and the team it was filtered to."""
    digest = hashlib.sha256(content)
    digest.update(b"\0team=" + (team or "*").encode("utf-8"))
    return digest.hexdigest()


def entry_keys(entry: TallyEntry) -> list[Key]:
    """What an entry says something about: calls of an hour, walk-ins of a day."""
    keys: list[Key] = []
    if entry.count > 0 or entry.hour is not None:
        keys.append((entry.team, entry.day, entry.hour))
    if entry.walk_ins is not None:
        keys.append((entry.team, entry.day, WALK_INS))
    return keys


def import_sheet(
    uow: UnitOfWork,
    actor: Actor,
    entries: Sequence[TallyEntry],
    *,
    file: str,
    sheet: str,
    read: int,
    ignored: int,
    now: datetime,
    replace: bool = False,
) -> SheetImport:
    """Store a parsed sheet (see the module's rules); admins only."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Strichliste")
    known_as = uow.tally.sheet_source(sheet)
    if known_as is not None:
        return SheetImport(file, read, 0, len(entries), ignored, unchanged_as=known_as)
    pairs = {(e.team, e.day) for e in entries}
    stored = [s for s in uow.tally.sheet_entries_on(pairs) if s.sheet != sheet]
    by_key: dict[Key, StoredTally] = {}
    for item in stored:
        for key in entry_keys(item.entry):
            by_key.setdefault(key, item)
    new_keys = {key for entry in entries for key in entry_keys(entry)}
    victims = [s for s in stored if any(k in new_keys for k in entry_keys(s.entry))]
    if victims and not replace:
        raise _conflict(entries, by_key, file)
    replaced_sources = tuple(sorted({v.entry.source_file for v in victims}))
    if victims:
        uow.tally.delete([v.id for v in victims])
        uow.audit.record(
            actor=actor.name,
            at=now,
            action="replace_tally",
            entity="import",
            entity_id=file,
            before={
                "entries": len(victims),
                "sources": {
                    source: sum(1 for v in victims if v.entry.source_file == source)
                    for source in replaced_sources
                },
                "calls": sum(v.entry.count for v in victims),
                "walk_ins": sum(v.entry.walk_ins or 0 for v in victims),
            },
            after={
                "file": file,
                "entries": len(entries),
                "calls": sum(e.count for e in entries),
                "walk_ins": sum(e.walk_ins or 0 for e in entries),
            },
        )
    imported = uow.tally.add(entries, sheet)
    uow.tally.drop_generated_walk_ins({(e.team, e.day) for e in entries if e.walk_ins is not None})
    result = SheetImport(
        file,
        read,
        imported,
        0,
        ignored,
        replaced=len(victims),
        replaced_sources=replaced_sources,
    )
    uow.audit.record(
        actor=actor.name,
        at=now,
        action="import_tally",
        entity="import",
        entity_id=file,
        after=result.audit(),
    )
    return result


def import_file(
    uow: UnitOfWork,
    actor: Actor,
    path: Path,
    *,
    team: str | None,
    now: datetime,
    tz: tzinfo,
    replace: bool = False,
) -> SheetImport:
    """Read, validate (ImportFailed names file, line, column; nothing written) and store a
    tally sheet. `team`: the sheet's team if it has no team column, else only its lines."""
    require_role(actor, Role.ADMIN)
    office = uow.schedules.load_office(tz, _no_holidays)
    parsed = parse_tally(path, frozenset(office.team_ids), team, today=now.astimezone(tz).date())
    return import_sheet(
        uow,
        actor,
        parsed.entries,
        file=display_name(path),
        sheet=sheet_identity(path.read_bytes(), team),
        read=parsed.read,
        ignored=parsed.ignored,
        now=now,
        replace=replace,
    )


MAX_WALK_INS = 10_000  # as a tally sheet's vorsprachen column (callcenter.imports.tally)


class WalkInsRefused(CallcenterError):
    """A hand entry that cannot be right: a future day, a count out of range."""

    default_field = "walk_count"


def set_walk_ins(
    uow: UnitOfWork,
    actor: Actor,
    team: str,
    day: date,
    walk_ins: int | None,
    *,
    now: datetime,
    tz: tzinfo,
) -> WalkInDay:
    """Enter (None: clear) a team's walk-ins of a day by hand: replaces the day's hand
    value, replaces the synthetic walk-ins of that day, audited when anything changed.
    Admins for every team, team leads for their own; not for a day after today."""
    require_team(actor, team)
    require_aware(now, "Vorsprachen")
    uow.schedules.load_office(tz, _no_holidays).team(team)  # UnknownTeam names the known
    if day > now.astimezone(tz).date():
        raise WalkInsRefused(
            f"{day:%d.%m.%Y} liegt in der Zukunft",
            f"{day.isoformat()} is in the future",
            "walk_day",
        )
    if walk_ins is not None and not 0 <= walk_ins <= MAX_WALK_INS:
        raise WalkInsRefused(
            f"{walk_ins} Vorsprachen: erlaubt sind 0 bis {MAX_WALK_INS}",
            f"{walk_ins} walk-ins: 0 to {MAX_WALK_INS} are allowed",
        )
    before = uow.tally.hand_walk_ins(team, day)
    uow.tally.save_hand_walk_ins(team, day, walk_ins)
    removed = 0 if walk_ins is None else uow.tally.drop_generated_walk_ins([(team, day)])
    result = WalkInDay(
        team, day, before, walk_ins, tuple(uow.tally.other_walk_ins(team, day)), removed
    )
    if result.changed:
        uow.audit.record(
            actor=actor.name,
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


def _no_holidays(state: str) -> dict[date, str]:
    return {}


def _describe(entry: TallyEntry, key: Key) -> tuple[str, str]:
    day_de, day_en = f"{entry.day:%d.%m.%Y}", entry.day.isoformat()
    if key[2] == WALK_INS:
        return (
            f"Team {entry.team}, {day_de}, Vorsprachen",
            f"team {entry.team}, {day_en}, walk-ins",
        )
    return (
        f"Team {entry.team}, {day_de}, {key[2]} Uhr",
        f"team {entry.team}, {day_en}, hour {key[2]}",
    )


def _conflict(
    entries: Iterable[TallyEntry], by_key: dict[Key, StoredTally], file: str
) -> TallyConflict:
    for entry in entries:
        for key in entry_keys(entry):
            other = by_key.get(key)
            if other is None:
                continue
            what_de, what_en = _describe(entry, key)
            source = other.entry.source_file
            return TallyConflict(
                f"Strichliste {file}, Zeile {entry.source_line} ({what_de}) überschneidet "
                f"sich mit der schon importierten Strichliste {source}, Zeile "
                f"{other.entry.source_line}; nichts gespeichert. Ist die neue Liste die "
                f"richtige, mit --replace importieren: sie ersetzt dann die Einträge von "
                f"{source} für dieselben Tage und Stunden (protokolliert)",
                f"tally sheet {file}, line {entry.source_line} ({what_en}) overlaps the "
                f"already imported sheet {source}, line {other.entry.source_line}; nothing "
                f"was written. If the new sheet is the right one, import it with --replace: "
                f"it then replaces the entries of {source} for the same days and hours "
                "(audited)",
                "file",
            )
    raise AssertionError("a conflict without a conflicting line")  # pragma: no cover
