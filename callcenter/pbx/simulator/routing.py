"""Which team a dialled number belongs to, and how the dialplan decides open/closed.

Same semantics as the recorded `[callhours-route]`: the live state `callhours/<team>` is
used unless it or `callhours/_heartbeat` is missing or the heartbeat is older than the
stale limit; then the compiled fallback decides from the schedule (here: `state_at` on
the very schedule the dialplan generator compiles) and the decision says `Source: fallback`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callcenter.domain.errors import UnknownTeam
from callcenter.domain.schedule import Office, state_at
from callcenter.pbx.simulator.astdb import AstDb

FAMILY = "callhours"
HEARTBEAT_KEY = "_heartbeat"


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


_PATTERN_CLASSES = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """An Asterisk extension pattern (`_0615110XX`, `_X.`) or a literal number as a regex."""
    if not pattern.startswith("_"):
        return re.compile(re.escape(pattern))
    parts = []
    body = pattern[1:]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "[":
            end = body.index("]", index)
            parts.append(body[index : end + 1])
            index = end + 1
            continue
        parts.append(_PATTERN_CLASSES.get(char.upper(), re.escape(char)))
        index += 1
    return re.compile("".join(parts))


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


def decide(
    db: AstDb,
    team: str,
    now_epoch: float,
    stale_after: float,
    fallback: Callable[[str, datetime], str],
    now: datetime,
) -> Decision:
    """The routing decision of `[callhours-route]` for one call."""
    state = db.get(FAMILY, team) or ""
    heartbeat = db.get(FAMILY, HEARTBEAT_KEY) or ""
    try:
        age = now_epoch - int(heartbeat or "0")  # the dialplan's `0${hb}` arithmetic
    except ValueError:
        age = now_epoch
    if state and heartbeat and age <= stale_after:
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
