"""Which team a dialled number belongs to, and how the dialplan decides open/closed.

Same semantics as the generated `[callhours-route]`: the live state `callhours/<team>` is
used unless it or `callhours/_heartbeat` is missing, the heartbeat is older than the
stale limit, or `${EPOCH}` has reached `callhours/_valid_until` (a missing key sets no
limit; the recorded dialplan has no such check, see `PbxModel.honours_valid_until`);
then the compiled fallback decides from the schedule (here: `state_at` on the very
schedule the dialplan generator compiles) and the decision says `Source: fallback`.
A simulator running a generated file decides by that file's own steps instead
(`file_fallback.DialplanFileFallback.decide`); the tests check both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callcenter.domain.errors import UnknownTeam
from callcenter.domain.number_plan import pattern_regex as extension_pattern
from callcenter.domain.schedule import Office, state_at
from callcenter.simulator.astdb import AstDb

# The context of the inbound calls, `[from-pstn]` (the Originates dial Local/<n>@from-pstn).
FROM_PSTN = "from-pstn"
FAMILY = "callhours"
HEARTBEAT_KEY = "_heartbeat"
VALID_UNTIL_KEY = "_valid_until"
# What Asterisk's expression scanner reads as a number (main/ast_expr2.fl).
_NUMERIC = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class LineKind(StrEnum):
    TEAM = "team"
    DIRECT = "direct"
    SWITCHBOARD = "switchboard"


@dataclass(frozen=True)
class Line:
    number: str
    kind: LineKind
    team: str  # empty for the switchboard
    pattern: str


@dataclass(frozen=True)
class Decision:
    state: str  # "open" or "closed:<reason>" exactly as the UserEvent carries it
    source: str  # "live" or "fallback"

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def reason(self) -> str:
        return self.state.partition(":")[2]


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """An Asterisk extension pattern (`_0615110XX`, `_X.`) or a literal number as a regex."""
    if not pattern.startswith("_"):
        return re.compile(re.escape(pattern))
    return extension_pattern(pattern)


class NumberPlan:
    """`[from-pstn]` of the simulated PBX: literal numbers win over patterns, as in Asterisk."""

    def __init__(self, lines: list[Line]) -> None:
        self._literal = {line.pattern: line for line in lines if not line.pattern.startswith("_")}
        self._patterns = [
            (pattern_regex(line.pattern), line) for line in lines if line.pattern.startswith("_")
        ]

    def lookup(self, number: str) -> Line | None:
        line = self._literal.get(number)
        if line is not None:
            return line
        for regex, candidate in self._patterns:
            if regex.fullmatch(number):
                return Line(number, candidate.kind, candidate.team, candidate.pattern)
        return None


def _heartbeat_fresh(heartbeat: str, epoch: int, stale_after: float) -> bool:
    """Not `$[${EPOCH} - 0${hb}] > limit`: a non-number counts as absent in `-`."""
    text = "0" + heartbeat
    age = epoch - float(text) if _NUMERIC.fullmatch(text) else epoch
    return not age > stale_after


def _past_valid_until(valid_until: str, epoch: int) -> bool:
    """`$["${until}" != "" & ${EPOCH} >= 0${until}]`: no key, no limit."""
    if not valid_until:
        return False
    text = "0" + valid_until
    if _NUMERIC.fullmatch(text):
        return epoch >= float(text)
    return str(epoch) >= text  # Asterisk compares a non-number byte-wise, as a string


def decide(
    db: AstDb,
    team: str,
    now_epoch: float,
    stale_after: float,
    fallback: Callable[[str, datetime], str],
    now: datetime,
    *,
    valid_until: bool = True,
) -> Decision:
    """The routing decision of `[callhours-route]` for one call; `valid_until=False` for a
    dialplan without the `callhours/_valid_until` check (the recorded one)."""
    epoch = int(now_epoch)  # ${EPOCH}: whole seconds
    state = db.get(FAMILY, team) or ""
    heartbeat = db.get(FAMILY, HEARTBEAT_KEY) or ""
    live = state and heartbeat and _heartbeat_fresh(heartbeat, epoch, stale_after)
    if live and valid_until:
        live = not _past_valid_until(db.get(FAMILY, VALID_UNTIL_KEY) or "", epoch)
    if live:
        return Decision(state, "live")
    return Decision(fallback(team, now), "fallback")


def schedule_fallback(office: Office) -> Callable[[str, datetime], str]:
    """The compiled fallback's answer, taken from the same schedule the generator compiles."""

    def fallback(team: str, at: datetime) -> str:
        try:
            schedule = office.schedule_for(team)
        except UnknownTeam:  # a team without rules has no GotoIfTime match: closed
            return "closed:hours"
        return state_at(schedule, at).astdb_value

    return fallback
