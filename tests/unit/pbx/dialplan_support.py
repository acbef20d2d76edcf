"""Shared pieces of the dialplan tests: the example office, small offices, a static lint."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from itertools import product
from pathlib import Path
from zoneinfo import ZoneInfo

from recordings import ASTERISK22

from callcenter.config import Settings, load_settings
from callcenter.domain.schedule import (
    Closure,
    HolidayCalendar,
    Office,
    SpecialOpening,
    Team,
    windows_from_spec,
)
from callcenter.holiday_calendar import german_holidays
from callcenter.pbx.dialplan import DialplanOptions, generate_dialplan
from callcenter.pbx.dialplan_expr import ExpressionError, ExpressionSyntaxError, substitute
from callcenter.pbx.dialplan_settings import options_from_settings

BERLIN = ZoneInfo("Europe/Berlin")
# The instant the reference traces were recorded (a Saturday), see tests/fixtures/asterisk22.
NOW = datetime(2026, 11, 21, 9, 45, tzinfo=BERLIN)
GOLDEN = Path(__file__).parent / "golden" / "extensions_callhours.conf"
REFERENCE_DIALPLAN = ASTERISK22 / "config" / "extensions.conf"

# Asterisk reads config lines into a 512-byte buffer on LOW_MEMORY builds (8192 otherwise);
# one byte for the newline and one for the terminating NUL.
MAX_LINE_BYTES = 510
# AST_MAX_CONTEXT and AST_MAX_EXTENSION are 80, including the NUL.
MAX_NAME = 79


def example_settings() -> Settings:
    return load_settings(None, environ={})


def example_office() -> Office:
    return example_settings().office_seed(german_holidays("HE"))


def example_dialplan(now: datetime = NOW) -> str:
    settings = example_settings()
    return generate_dialplan(example_office(), options_from_settings(settings), now)


def team(spec: Iterable[str] = ("Mo-Do 09:00-12:00", "Do 14:00-17:30"), **kwargs: object) -> Team:
    windows = tuple(w for s in spec for w in windows_from_spec(s))
    defaults: dict[str, object] = {
        "id": "t1",
        "name_de": "Team 1",
        "queue": "q1",
        "team_lines": ("0100",),
        "direct_lines": ("_01XX",),
    }
    defaults.update(kwargs)
    return Team(windows=windows, **defaults)  # type: ignore[arg-type]


def office(
    teams: Iterable[Team] | None = None,
    holidays: HolidayCalendar | None = None,
    closures: Iterable[Closure] = (),
    openings: Iterable[SpecialOpening] = (),
) -> Office:
    return Office(
        BERLIN,
        holidays if holidays is not None else {},  # type: ignore[arg-type]
        tuple(teams) if teams is not None else (team(),),
        tuple(closures),
        tuple(openings),
    )


def generate(the_office: Office, now: datetime = NOW, **options: object) -> str:
    return generate_dialplan(the_office, DialplanOptions(**options), now)  # type: ignore[arg-type]


def at(day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).replace(fold=fold)


def context_lines(text: str, name: str) -> list[str]:
    """The lines of one context, from its header up to the next context's comments."""
    lines = text.splitlines()
    start = lines.index(f"[{name}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return lines[start:end]


def time_rules(text: str, name: str) -> list[str]:
    """The GotoIfTime conditions and targets of a context, comments stripped."""
    return [
        line.split(";", 1)[0].strip().removeprefix("same => n,")
        for line in context_lines(text, name)
        if "GotoIfTime(" in line
    ]


_CONTEXT_LINE = re.compile(r"^\[([^\]]+)\]$")
_EXTEN_LINE = re.compile(r"^exten => ([^,]+),(\d+)(?:\(([A-Za-z_][A-Za-z0-9_]*)\))?,(\w+)\((.*)\)$")
_HINT_LINE = re.compile(r"^exten => ([A-Za-z0-9_-]+),hint,(Custom:[A-Za-z0-9_-]+)$")
_SAME_LINE = re.compile(r"^ same => n(?:\(([A-Za-z_][A-Za-z0-9_]*)\))?,(\w+)\((.*)\)$")
_GOSUB_ROUTE = re.compile(r"^callhours-route,s,1\(([^,]+),")
# Set by Asterisk itself, never empty.
_ALWAYS_SET = frozenset({"EPOCH"})
# What an AstDB value may look like when it is there: a number, or a word.
_SAMPLES = ("", "1795250986", "open")


def expression_problems(data: str) -> list[str]:
    """`$[...]` in an application's data that Asterisk cannot parse for some values of its
    variables: every combination of empty, numeric and word values is tried, so an
    unguarded `$[${EPOCH} >= ${x}]` (a syntax error when x is empty) is caught."""
    if "$[" not in data:
        return []
    seen: set[str] = set()

    def record(name: str) -> str:
        seen.add(name)
        return "x"

    try:
        substitute(data, record)
    except ExpressionError as exc:  # unclosed bracket, operator we do not evaluate
        return [str(exc)]
    names = sorted(seen - _ALWAYS_SET)
    problems = []
    for combination in product(_SAMPLES, repeat=len(names)):
        values = dict(zip(names, combination, strict=True))

        def lookup(name: str, values: dict[str, str] = values) -> str:
            return "1795250000" if name in _ALWAYS_SET else values.get(name, "")

        try:
            substitute(data, lookup, strict=True)
        except ExpressionSyntaxError as exc:
            shown = ", ".join(f"{n}={v!r}" for n, v in values.items())
            problems.append(f"{exc} (with {shown})")
    return problems[:1]  # one is enough to name the line


def lint(text: str) -> list[str]:
    """Static checks a dialplan must pass to load into Asterisk without warnings."""
    problems: list[str] = []
    contexts: dict[str, dict[str, set[str]]] = {}
    jumps: list[tuple[int, str, str, str]] = []  # line, context, exten, label
    gosubs: list[tuple[int, str]] = []
    routed_teams: set[str] = set()
    context: str | None = None
    exten: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"line {number}"
        if len(raw.encode("utf-8")) > MAX_LINE_BYTES:
            problems.append(f"{where}: longer than {MAX_LINE_BYTES} bytes")
        if ";--" in raw or "--;" in raw:
            problems.append(f"{where}: block-comment mark")
        if raw.startswith(";") or not raw.strip():
            continue
        code = raw.split(";", 1)[0].rstrip()
        if match := _CONTEXT_LINE.match(code):
            context, exten = match.group(1), None
            if context in contexts:
                problems.append(f"{where}: context [{context}] defined twice")
            if context in ("general", "globals") or len(context) > MAX_NAME:
                problems.append(f"{where}: context [{context}] not allowed here")
            contexts[context] = {}
            continue
        if context is None:
            problems.append(f"{where}: outside any context: {raw!r}")
            continue
        if match := _HINT_LINE.match(code):
            exten = None  # a hint has no priorities: a `same =>` after it is an error
            if match.group(1) in contexts[context]:
                problems.append(f"{where}: duplicate extension {match.group(1)}")
            contexts[context][match.group(1)] = set()
            continue
        if match := _EXTEN_LINE.match(code):
            exten = match.group(1)
            if exten in contexts[context] or len(exten) > MAX_NAME or match.group(2) != "1":
                problems.append(f"{where}: bad or duplicate extension {exten}")
            contexts[context][exten] = set()
            label, app, data = match.group(3), match.group(4), match.group(5)
        elif match := _SAME_LINE.match(code):
            if exten is None:
                problems.append(f"{where}: 'same =>' without an 'exten =>' before it")
                continue
            label, app, data = match.group(1), match.group(2), match.group(3)
        else:
            problems.append(f"{where}: not understood: {raw!r}")
            continue
        if data.count("(") != data.count(")"):
            problems.append(f"{where}: unbalanced parentheses")
        problems += [f"{where}: {problem}" for problem in expression_problems(data)]
        if label:
            if label in contexts[context][exten]:
                problems.append(f"{where}: label {label} defined twice")
            contexts[context][exten].add(label)
        if app in ("Goto", "GotoIf", "GotoIfTime"):
            targets = data.rsplit("?", 1)[-1] if app != "Goto" else data
            for target in filter(None, targets.split(":")):
                jumps.append((number, context, exten, target))
        if app == "Gosub":
            gosubs.append((number, data))
            if route := _GOSUB_ROUTE.match(data):
                routed_teams.add(route.group(1))
    for number, ctx, ext, target in jumps:
        # `label`, `exten,label` or `context,exten,label`; priority 1 always exists.
        parts = target.split(",")
        label = parts[-1]
        ctx = parts[-3] if len(parts) == 3 else ctx
        ext = parts[-2] if len(parts) >= 2 else ext
        known = contexts.get(ctx, {})
        if ext not in known or (label != "1" and label not in known[ext]):
            problems.append(f"line {number}: jump to missing label {target} in [{ctx}]")
    for number, data in gosubs:
        target = data.split(",", 1)[0]
        names = (
            [target.replace("${team}", t) for t in sorted(routed_teams)]
            if "${team}" in target
            else [target]
        )
        for name in names:
            if "s" not in contexts.get(name, {}):
                problems.append(f"line {number}: Gosub to missing context/extension [{name}]")
    return problems
