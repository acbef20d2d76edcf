"""Which team a dialled number or a queue belongs to, from the schedule and the switchboard."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from callcenter.domain.calls import LineKind
from callcenter.domain.schedule import Office

_PATTERN_CLASSES = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}
_PATTERN_CHARS = frozenset("XZNxzn.![")


@dataclass(frozen=True)
class Target:
    """Where a number or queue leads: a team's line, or the switchboard (`team` None)."""

    team: str | None
    kind: LineKind

    @property
    def is_switchboard(self) -> bool:
        return self.team is None


SWITCHBOARD = Target(None, LineKind.SWITCHBOARD)


def _is_pattern(number: str) -> bool:
    return number.startswith("_") or any(char in _PATTERN_CHARS for char in number)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """An Asterisk extension pattern (`_0615110XX`; the `_` may be left out) as a regex."""
    body = pattern.removeprefix("_")
    parts: list[str] = []
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


class LinePlan:
    """Numbers and queues of every team; literal numbers win over patterns, as in Asterisk."""

    def __init__(
        self,
        office: Office,
        switchboard_numbers: Iterable[str] = (),
        switchboard_queue: str = "",
    ) -> None:
        self.team_ids = frozenset(office.team_ids)
        self._literal: dict[str, Target] = {}
        self._patterns: list[tuple[re.Pattern[str], Target]] = []
        self._queues: dict[str, Target] = {}
        self._team_lines: dict[str, tuple[str, ...]] = {}
        for team in (office.team(team_id) for team_id in office.team_ids):
            self._queues[team.queue or team.id] = Target(team.id, LineKind.TEAM_LINE)
            self._team_lines[team.id] = team.team_lines
            for number in team.team_lines:
                self._add(number, Target(team.id, LineKind.TEAM_LINE))
            for number in team.direct_lines:
                self._add(number, Target(team.id, LineKind.DIRECT_LINE))
        # The switchboard last, so that it wins where an office also models it as a team.
        for number in switchboard_numbers:
            self._literal[number.removeprefix("_")] = SWITCHBOARD
        if switchboard_queue:
            self._queues[switchboard_queue] = SWITCHBOARD

    def _add(self, number: str, target: Target) -> None:
        if _is_pattern(number):
            self._patterns.append((pattern_regex(number), target))
        else:
            self._literal.setdefault(number, target)

    def number(self, dialled: str) -> Target | None:
        """The target of a dialled number, None if it is no team's and not the switchboard's."""
        dialled = dialled.strip()
        found = self._literal.get(dialled)
        if found is not None:
            return found
        for regex, target in self._patterns:
            if regex.fullmatch(dialled):
                return target
        return None

    def queue(self, name: str) -> Target | None:
        return self._queues.get(name.strip())

    def only_team_line(self, team: str) -> str | None:
        """The team's team line if it has exactly one plain number, else None."""
        lines = self._team_lines.get(team, ())
        if len(lines) == 1 and not _is_pattern(lines[0]):
            return lines[0]
        return None
