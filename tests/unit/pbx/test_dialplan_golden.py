"""The generated dialplan for the example configuration, against a committed golden file.

After an intended change of the output, regenerate the golden file and review its diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/pbx/test_dialplan_golden.py
"""

from __future__ import annotations

import os
from bisect import bisect_right
from datetime import UTC, timedelta

import pytest
from dialplan_support import (
    GOLDEN,
    NOW,
    REFERENCE_DIALPLAN,
    example_dialplan,
    example_office,
    lint,
)

from callcenter.domain.schedule import Transition, state_at, transitions
from callcenter.pbx.dialplan_eval import fallback_state, read_contexts
from callcenter.pbx.dialplan_rules import HORIZON_DAYS


def _astdb(change: Transition) -> str:
    return str(change.state) if change.reason is None else f"{change.state}:{change.reason}"


def test_example_config_matches_the_golden_file() -> None:
    text = example_dialplan()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "generated dialplan differs from the golden file; if intended, rerun with "
        "UPDATE_GOLDEN=1 and review the diff"
    )


def test_golden_file_passes_the_static_lint() -> None:
    assert lint(GOLDEN.read_text(encoding="utf-8")) == []


def test_lint_catches_the_mistakes_it_is_meant_to_catch() -> None:
    broken = "\n".join(
        [
            "[a]",
            " same => n,NoOp(x)",
            "exten => s,1,GotoIf($[1]?nowhere)",
            " same => n,Gosub(missing,s,1)",
            " same => n,NoOp(;-- opens a block comment)",
        ]
    )
    problems = " | ".join(lint(broken))
    assert "without an 'exten =>'" in problems
    assert "missing label nowhere" in problems
    assert "[missing]" in problems
    assert "block-comment" in problems


def test_entry_extensions_have_the_shape_of_the_recorded_dialplan() -> None:
    # The traces in tests/fixtures/asterisk22 were recorded with this dialplan; the simulator and
    # the trace tests rely on the same entry steps. The one addition: a team that announces
    # the estimated wait (example: auslaender-a) says it in a Gosub that returns before Queue().
    reference = read_contexts(REFERENCE_DIALPLAN.read_text(encoding="utf-8"))["from-pstn"]
    generated = read_contexts(example_dialplan())["callhours-inbound"]
    wait = ("Gosub", "callhours-wait,s,1(auslaender-a)")
    assert wait in [(s.app, s.data) for s in generated["06151100"]]
    for number in ("06151100", "_0615110XX", "06151000"):
        expected = [(s.app, s.data) for s in reference[number] if s.app != "NoOp"]
        steps = [(s.app, s.data) for s in generated[number] if s.app != "NoOp"]
        assert [step for step in steps if step != wait] == expected


def test_routing_subroutine_keeps_the_recorded_steps_and_adds_reason() -> None:
    reference = read_contexts(REFERENCE_DIALPLAN.read_text(encoding="utf-8"))["callhours-route"]
    generated = read_contexts(example_dialplan())["callhours-route"]
    ref_steps, gen_steps = reference["s"], generated["s"]
    # Same live-state part (only the staleness limit is a literal instead of a global).
    assert [(s.app, s.data) for s in gen_steps[:4]] == [(s.app, s.data) for s in ref_steps[:4]]
    assert gen_steps[4].data == ref_steps[4].data.replace("${CALLHOURS_STALE}", "60")
    event = next(s for s in gen_steps if s.app == "UserEvent")
    assert event.data == (
        "CallHours,Team: ${team},Line: ${ARG2},Dialled: ${ARG3},State: ${state},"
        "Reason: ${reason},Source: ${source}"
    )
    ref_tail = [(s.app, s.data) for s in ref_steps if s.app in ("Progress", "Playback", "Hangup")]
    gen_tail = [(s.app, s.data) for s in gen_steps if s.app in ("Progress", "Playback", "Hangup")]
    assert gen_tail == ref_tail


def test_no_globals_no_general_section_no_global_variable() -> None:
    text = example_dialplan()
    assert "[globals]" not in text
    assert "[general]" not in text
    assert "CALLHOURS_STALE" not in text


def test_header_says_how_to_include_regenerate_and_reload() -> None:
    header = example_dialplan().split("\n\n", 1)[0]
    assert "do not edit" in header
    assert "2026-11-21T09:45:00+01:00" in header
    assert "#include extensions_callhours.conf" in header
    assert "include => callhours-inbound" in header
    assert "callcenter pbx dialplan -o" in header
    assert "dialplan reload" in header
    assert "Action: Command" in header


@pytest.mark.parametrize("team", ["auslaender-a", "auslaender-b", "einbuergerung", "aufenthalt-eu"])
def test_compiled_fallback_agrees_with_the_domain_over_the_whole_horizon(team: str) -> None:
    """Asterisk's reading of the fallback (dialplan_eval) vs the schedule domain, every 30
    minutes and one minute either side of every change, for the 365 days the file covers.
    Left out: the repeated wall hour of the autumn changeover (see test_dialplan_rules)."""
    contexts = read_contexts(example_dialplan())
    schedule = example_office().schedule_for(team)
    start = NOW.replace(hour=0, minute=0).astimezone(UTC)
    end = start + timedelta(days=HORIZON_DAYS)
    changes = transitions(schedule, start, end)
    probes = {start + timedelta(minutes=30 * i) for i in range(HORIZON_DAYS * 48)}
    for change in changes:
        for offset in (-1, 0, 1):
            probes.add(change.at.astimezone(UTC) + timedelta(minutes=offset))
    # The domain's state at a probe: the last change at or before it (state_at per probe
    # would search a year ahead every time).
    change_instants = [change.at.astimezone(UTC) for change in changes]
    initial = state_at(schedule, start).astdb_value
    mismatches = []
    for probe in sorted(p for p in probes if start <= p < end):
        local = probe.astimezone(schedule.tz)
        if local.month == 10 and local.hour == 2 and local.fold == 1:
            continue
        index = bisect_right(change_instants, probe) - 1
        expected = initial if index < 0 else _astdb(changes[index])
        got = fallback_state(contexts, team, probe)
        if got != expected:
            mismatches.append((local.isoformat(), expected, got))
    assert mismatches == []
    assert len(changes) > 100  # the horizon really was walked
