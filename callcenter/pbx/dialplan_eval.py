"""Read a generated dialplan back and decide a team's routing the way Asterisk would.

Used by the tests to prove the compiled fallback agrees with the domain, and by the
simulator that must route by "the fallback rules when the live state is stale". The time
matching mirrors Asterisk's `ast_build_timing`/`ast_check_timing2` (main/pbx_timing.c):
cyclic ranges, inclusive end minute, `&`-joined parts, names or 1-based numbers, and the
optional fifth field as the zone the clock is read in. Whether the live state is used at
all (`route_live_state`) runs the file's own `Set`/`GotoIf` steps of `[callhours-route]`
with Asterisk's substitution and expression rules (`dialplan_expr`): the heartbeat age,
`callhours/_valid_until`, and whatever a hand-written route checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from callcenter.pbx.dialplan import FALLBACK_PREFIX, ROUTE_CONTEXT
from callcenter.pbx.dialplan_expr import ExpressionError, is_true, substitute
from callcenter.pbx.dialplan_wait import WAIT_CONTEXT

# Asterisk's own name tables: index 0 is Sunday for weekdays.
_AST_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_AST_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MINUTES_PER_DAY = 24 * 60
_TIME = re.compile(r"^(\d{1,2}):(\d{1,2})")
_SETTINGS_SECTIONS = frozenset({"general", "globals"})


class DialplanReadError(ValueError):
    """The text is not a dialplan this module understands."""


def _lookup(text: str, names: tuple[str, ...] | None, size: int) -> int:
    text = text.strip()
    if names and text and not text[0].isdigit():
        lowered = text.lower()
        if lowered in names:
            return names.index(lowered)
    digits = re.match(r"\d{1,2}", text)
    if digits and 1 <= int(digits.group()) <= size:
        return int(digits.group()) - 1
    raise DialplanReadError(f"invalid time field element {text!r}")


def _range(field: str, size: int, names: tuple[str, ...] | None) -> frozenset[int]:
    """Zero-based members of a weekday/mday/month field (Asterisk's get_range)."""
    if field in ("", "*"):
        return frozenset(range(size))
    members: set[int] = set()
    for part in field.split("&"):
        first_text, _, last_text = part.partition("-")
        first = _lookup(first_text, names, size)
        last = _lookup(last_text, names, size) if last_text else first
        members.add(last)
        while first != last:
            members.add(first)
            first = (first + 1) % size
    return frozenset(members)


def _clock(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise DialplanReadError(f"invalid time {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def _minutes(field: str) -> frozenset[int]:
    """Minutes of the day a times field matches; both ends inclusive, wrapping at midnight."""
    if field in ("", "*"):
        return frozenset(range(_MINUTES_PER_DAY))
    members: set[int] = set()
    for part in field.split("&"):
        start_text, dash, end_text = part.partition("-")
        minute = _clock(start_text)
        end = _clock(end_text) if dash else minute
        while minute != end:
            members.add(minute)
            minute = (minute + 1) % _MINUTES_PER_DAY
        members.add(end)
    return frozenset(members)


@dataclass(frozen=True)
class Timing:
    """A parsed `times,weekdays,mdays,months[,timezone]` condition."""

    minutes: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday, as in Asterisk
    mdays: frozenset[int]  # 0-based: 0 is the 1st
    months: frozenset[int]  # 0-based: 0 is January
    timezone: str | None

    @classmethod
    def parse(cls, condition: str) -> Timing:
        fields = condition.split(",")
        if len(fields) not in (4, 5):
            raise DialplanReadError(f"time condition {condition!r} needs 4 or 5 fields")
        return cls(
            _minutes(fields[0]),
            _range(fields[1], 7, _AST_DAYS),
            _range(fields[2], 31, None),
            _range(fields[3], 12, _AST_MONTHS),
            fields[4] if len(fields) == 5 else None,
        )

    def matches(self, at: datetime) -> bool:
        """Whether the condition holds at an aware instant (the PBX's clock)."""
        local = at.astimezone(ZoneInfo(self.timezone)) if self.timezone else at
        return (
            local.month - 1 in self.months
            and local.day - 1 in self.mdays
            and (local.weekday() + 1) % 7 in self.weekdays
            and local.hour * 60 + local.minute in self.minutes
        )


@lru_cache(maxsize=4096)
def _timing(condition: str) -> Timing:
    return Timing.parse(condition)


@dataclass(frozen=True)
class Step:
    """One priority of an extension: its label (or ""), application and raw data."""

    label: str
    app: str
    data: str


_EXTEN = re.compile(r"^exten\s*=>\s*([^,]+),([^,(]+)(?:\(([^)]*)\))?,(.*)$")
_SAME = re.compile(r"^same\s*=>\s*n(?:\(([^)]*)\))?,(.*)$")
_APP = re.compile(r"^(\w+)(?:\((.*)\))?$")


def _step(label: str, text: str) -> Step:
    match = _APP.match(text.strip())
    if not match:
        raise DialplanReadError(f"cannot read application {text!r}")
    return Step(label or "", match.group(1), match.group(2) or "")


def read_contexts(text: str) -> dict[str, dict[str, list[Step]]]:
    """Contexts -> extensions -> steps, for the subset of syntax the generator writes."""
    contexts: dict[str, dict[str, list[Step]]] = {}
    current: dict[str, list[Step]] | None = None
    exten: str | None = None
    settings_section = False
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            # [general] and [globals] of a hand-written extensions.conf hold settings.
            settings_section = line[1:-1] in _SETTINGS_SECTIONS
            current = None if settings_section else contexts.setdefault(line[1:-1], {})
            exten = None
            continue
        if settings_section:
            continue
        exten_match = _EXTEN.match(line)
        same_match = _SAME.match(line)
        if current is not None and exten_match and exten_match.group(2).strip() == "hint":
            exten = None  # a BLF hint (`exten => x,hint,Custom:y`) has no steps to run
        elif current is not None and exten_match:
            exten = exten_match.group(1).strip()
            current[exten] = [_step(exten_match.group(3) or "", exten_match.group(4))]
        elif current is not None and exten is not None and same_match:
            current[exten].append(_step(same_match.group(1) or "", same_match.group(2)))
        else:
            raise DialplanReadError(f"cannot read dialplan line {raw!r}")
    return contexts


def fallback_state(contexts: dict[str, dict[str, list[Step]]], team: str, at: datetime) -> str:
    """Run `[callhours-fallback-<team>]` at instant `at`; returns what its Return() gives."""
    try:
        steps = contexts[f"{FALLBACK_PREFIX}{team}"]["s"]
    except KeyError:
        raise DialplanReadError(f"no fallback context for team {team!r}") from None
    labels = {step.label: index for index, step in enumerate(steps) if step.label}
    index = 0
    # Every jump in a fallback goes forward to a Return, so a bounded walk suffices.
    for _ in range(2 * len(steps)):
        if index >= len(steps):
            break
        step = steps[index]
        if step.app == "Return":
            return step.data
        if step.app == "GotoIfTime":
            condition, _, target = step.data.partition("?")
            if _timing(condition).matches(at):
                index = labels[target]
                continue
        elif step.app != "NoOp":
            raise DialplanReadError(f"unexpected {step.app} in the fallback of {team!r}")
        index += 1
    raise DialplanReadError(f"the fallback of {team!r} never returns")


def read_globals(text: str) -> dict[str, str]:
    """`NAME=value` lines of a `[globals]` section (the recorded dialplan's CALLHOURS_STALE)."""
    values: dict[str, str] = {}
    in_globals = False
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            in_globals = line[1:-1] == "globals"
        elif in_globals and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.lstrip(">").strip()
    return values


_DB_READ = re.compile(r"^DB\(([^/()]+)/([^()]+)\)$")
_VARIABLE = re.compile(r"^\w+$")
_ASSIGNMENT = re.compile(r"^(?:LOCAL\((\w+)\)|(\w+))=(.*)$", re.DOTALL)
FALLBACK_LABEL = "fallback"
DECIDED_LABEL = "decided"

AstDbRead = Callable[[str, str], str | None]
_WAIT_GOSUB = re.compile(rf"^{WAIT_CONTEXT},s,1\(([^,()]+)\)$")


def route_live_state(
    contexts: dict[str, dict[str, list[Step]]],
    team: str,
    db: AstDbRead,
    epoch: int,
    *,
    global_vars: Mapping[str, str] | None = None,
    line: str = "team",
    dialled: str = "",
) -> str | None:
    """Run `[callhours-route]` for `team` up to its decision, as Asterisk would at Unix time
    `epoch` (`${EPOCH}`), reading AstDB through `db(family, key)` (None: no such key).

    Returns the live state the route goes on with, or None when it jumps to `fallback`.
    Expression syntax errors count as Asterisk counts them (the `$[...]` is 0, with a
    warning in Asterisk's log); steps this reader does not know raise DialplanReadError.
    """
    try:
        steps = contexts[ROUTE_CONTEXT]["s"]
    except KeyError:
        raise DialplanReadError(f"no [{ROUTE_CONTEXT}] context with extension s") from None
    variables = dict(global_vars or {})
    variables.update(ARG1=team, ARG2=line, ARG3=dialled)

    def lookup(name: str) -> str:
        if name == "EPOCH":
            return str(epoch)
        if read := _DB_READ.match(name):
            return db(read.group(1), read.group(2)) or ""
        if _VARIABLE.match(name):
            return variables.get(name, "")
        raise DialplanReadError(f"cannot evaluate ${{{name}}} in [{ROUTE_CONTEXT}]")

    for step in steps:
        if step.label == DECIDED_LABEL:
            return variables.get("state", "")
        try:
            data = substitute(step.data, lookup)
        except ExpressionError as exc:
            raise DialplanReadError(f"[{ROUTE_CONTEXT}] {step.app}({step.data}): {exc}") from None
        if step.app == "Set":
            assignment = _ASSIGNMENT.match(data)
            if not assignment:
                raise DialplanReadError(f"cannot read Set({step.data}) in [{ROUTE_CONTEXT}]")
            variables[assignment.group(1) or assignment.group(2)] = assignment.group(3)
        elif step.app == "GotoIf":
            condition, _, targets = data.partition("?")
            if_true, _, if_false = targets.partition(":")
            target = if_true if is_true(condition) else if_false
            if target == FALLBACK_LABEL:
                return None
            if target:
                raise DialplanReadError(f"GotoIf to {target!r} before [{ROUTE_CONTEXT}] decides")
        elif step.app != "NoOp":
            raise DialplanReadError(f"unexpected {step.app} before [{ROUTE_CONTEXT}] decides")
    raise DialplanReadError(f"[{ROUTE_CONTEXT}] has no step labelled {DECIDED_LABEL!r}")


def wait_announcement(
    contexts: dict[str, dict[str, list[Step]]],
    number: str,
    db: AstDbRead,
    epoch: int,
) -> str | None:
    """What the entry extension `number` plays before its queue, as Asterisk would run its
    `Gosub(callhours-wait,s,1(<team>))` at Unix time `epoch`: the `Playback()` data (files
    and options), or None when the line has no such step or the context says nothing."""
    team = None
    for extensions in contexts.values():
        for step in extensions.get(number, ()):
            if step.app == "Gosub" and (call := _WAIT_GOSUB.match(step.data)):
                team = call.group(1)
    if team is None:
        return None
    steps = contexts.get(WAIT_CONTEXT, {}).get("s")
    if steps is None:
        return None
    variables = {"ARG1": team}

    def lookup(name: str) -> str:
        if name == "EPOCH":
            return str(epoch)
        if read := _DB_READ.match(name):
            return db(read.group(1), read.group(2)) or ""
        if _VARIABLE.match(name):
            return variables.get(name, "")
        raise DialplanReadError(f"cannot evaluate ${{{name}}} in [{WAIT_CONTEXT}]")

    index = 0
    while index < len(steps):
        step = steps[index]
        try:
            data = substitute(step.data, lookup)
        except ExpressionError as exc:
            raise DialplanReadError(f"[{WAIT_CONTEXT}] {step.app}({step.data}): {exc}") from None
        if step.app == "Set":
            assignment = _ASSIGNMENT.match(data)
            if not assignment:
                raise DialplanReadError(f"cannot read Set({step.data}) in [{WAIT_CONTEXT}]")
            variables[assignment.group(1) or assignment.group(2)] = assignment.group(3)
        elif step.app == "GotoIf":
            condition, _, targets = data.partition("?")
            if_true, _, if_false = targets.partition(":")
            target = if_true if is_true(condition) else if_false
            if target:
                labels = [s.label for s in steps]
                if target not in labels:
                    raise DialplanReadError(f"[{WAIT_CONTEXT}] has no label {target!r}")
                index = labels.index(target)
                continue
        elif step.app == "Playback":
            return data
        elif step.app == "Return":
            return None
        elif step.app not in ("NoOp", "Progress", "Answer"):
            raise DialplanReadError(f"unexpected {step.app} in [{WAIT_CONTEXT}]")
        index += 1
    return None
