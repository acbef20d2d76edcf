"""The fallback as the simulated PBX loaded it from the generated dialplan file.

Asterisk reads `extensions_callhours.conf` at start and on `dialplan reload`, not when the
file changes: the service rewrites it atomically and then sends `Command: dialplan reload`.
`DialplanFileFallback` does the same: `load()` when the simulator starts, `reload()` from
the simulated `dialplan reload` (re-parsing only if the file's mtime, size or inode
changed), and in between it decides with the rules it read, by running the team's
`[callhours-fallback-<team>]` with `dialplan_eval.fallback_state`. Whether the live state
is used at all comes from the file as well: `decide` runs the file's `[callhours-route]`
checks (heartbeat age, `callhours/_valid_until`) with `dialplan_eval.route_live_state`,
so an include without the `_valid_until` check ignores that key, as Asterisk would.

Until a file was loaded (the demo starts the simulator before the service writes the
file), `before_load` decides, normally the schedule. A reload that cannot read the file
keeps the rules loaded before, as Asterisk keeps its dialplan when a reload fails.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from callcenter.domain.schedule import Office
from callcenter.pbx.dialplan import ROUTE_CONTEXT
from callcenter.pbx.dialplan_eval import (
    DialplanReadError,
    Step,
    fallback_state,
    read_contexts,
    read_globals,
    route_live_state,
    wait_announcement,
)
from callcenter.simulator.astdb import AstDb
from callcenter.simulator.routing import Decision, schedule_fallback

logger = logging.getLogger(__name__)

Fallback = Callable[[str, datetime], str]


@dataclass(frozen=True)
class _Loaded:
    contexts: dict[str, dict[str, list[Step]]]
    global_vars: dict[str, str]  # [globals] of a hand-written file (CALLHOURS_STALE)
    signature: tuple[int, int, int]  # mtime_ns, size, inode of the file read


class DialplanFileFallback:
    """Callable like the other fallbacks: `(team, at) -> "open" | "closed:<reason>"`."""

    def __init__(self, path: Path, *, before_load: Fallback) -> None:
        self.path = path
        self._before_load = before_load
        self._loaded: _Loaded | None = None
        self._warned_teams: set[str] = set()
        self.loads = 0  # how many times the file was (re-)parsed

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def load(self) -> None:
        """Read and parse the file now; raises OSError or DialplanReadError (with the path)."""
        stat = self.path.stat()
        try:
            text = self.path.read_text(encoding="utf-8")
            contexts = read_contexts(text)
        except DialplanReadError as exc:
            raise DialplanReadError(f"{self.path}: {exc}") from None
        self._loaded = _Loaded(contexts, read_globals(text), _signature(stat))
        self._warned_teams.clear()
        self.loads += 1
        logger.info("simulated PBX loaded the dialplan fallback from %s", self.path)

    def reload(self) -> None:
        """`dialplan reload`: re-read the file if it changed; on failure keep the old rules."""
        try:
            stat = self.path.stat()
            if self._loaded is not None and self._loaded.signature == _signature(stat):
                return
            self.load()
        except (OSError, DialplanReadError) as exc:
            kept = "keeping the rules loaded before" if self._loaded else "using the schedule"
            logger.warning("dialplan reload: cannot read %s (%s); %s", self.path, exc, kept)

    def decide(self, db: AstDb, team: str, now_epoch: float, now: datetime) -> Decision | None:
        """The loaded route's decision for one call; None if no file with a route is loaded
        (the simulator's model decides then)."""
        loaded = self._loaded
        if loaded is None or ROUTE_CONTEXT not in loaded.contexts:
            return None
        try:
            state = route_live_state(
                loaded.contexts, team, db.get, int(now_epoch), global_vars=loaded.global_vars
            )
        except DialplanReadError as exc:
            if team not in self._warned_teams:
                self._warned_teams.add(team)
                logger.warning("%s: %s; routing by the fallback", self.path, exc)
            state = None
        if state is None:
            return Decision(self(team, now), "fallback")
        return Decision(state, "live")

    def wait_announcement(self, db: AstDb, number: str, now_epoch: float) -> str | None:
        """What the loaded file's line `number` plays before its queue (issue 20); None:
        nothing (no such step, no key, 0, stale heartbeat, or a step it cannot run)."""
        loaded = self._loaded
        if loaded is None:
            return None
        try:
            return wait_announcement(loaded.contexts, number, db.get, int(now_epoch))
        except DialplanReadError as exc:
            logger.warning("%s: %s; no wait announcement", self.path, exc)
            return None

    def __call__(self, team: str, at: datetime) -> str:
        loaded = self._loaded
        if loaded is None:
            return self._before_load(team, at)
        try:
            return fallback_state(loaded.contexts, team, at)
        except DialplanReadError as exc:
            # Asterisk's Gosub to a missing context fails and the call ends; the nearest
            # outcome the simulator can route is the announcement.
            if team not in self._warned_teams:
                self._warned_teams.add(team)
                logger.warning("%s: %s; routing as closed:hours", self.path, exc)
            return "closed:hours"


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def file_or_schedule_fallback(path: Path | None, office: Office) -> Fallback:
    """The file's fallback if `path` exists (parsed now), else the schedule's, with a log line.

    A file that exists but cannot be read as a dialplan raises DialplanReadError: a
    simulator that silently ignored the file it was pointed at would mislead its user.
    """
    schedule = schedule_fallback(office)
    if path is None:
        return schedule
    fallback = DialplanFileFallback(path, before_load=schedule)
    if path.exists():
        fallback.load()
    else:
        logger.warning(
            "dialplan file %s does not exist (yet): the fallback decides from the schedule "
            "until a `dialplan reload` finds it",
            path,
        )
    return fallback
