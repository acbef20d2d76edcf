"""Conformance with recording 024: a team queue's timeout continues in the switchboard queue.

Recorded with `06151924` → `Queue(auslaender-a,t,,,20)` → on TIMEOUT
`UserEvent(QueueOverflow, ...)` → `Queue(zentrale,t,,,60)`, the shape the generated include
writes for `overflow = "zentrale"`. The replay compares the application events (queue,
agent, VarSet QUEUESTATUS, the UserEvents) and every channel's events with the recording,
and the Cdr rows: the second Queue() opens a new `;2` CDR segment that starts at its first
dial (README-v3 surprise 7).
"""

from __future__ import annotations

import dataclasses
import difflib

import pytest
from sim_replay import replay
from sim_traces import APP_EVENTS, TRACE_DIR, assert_conforms, contract_view, load_events

from callcenter.config import load_settings
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.simulator.from_settings import model_from_settings
from callcenter.simulator.model import recorded_model
from callcenter.simulator.routing import Line, LineKind

TRACE = TRACE_DIR / "024_queue_timeout_overflow.ami"

pytestmark = pytest.mark.timeout(30)


def _app(events: list[AmiEvent]) -> list[tuple[str, ...]]:
    return [
        (e.name, e.get("UserEvent", ""), e.get("Queue", ""), e.get("From", ""), e.get("To", ""))
        for e in events
        if e.name in APP_EVENTS
        and (e.name != "VarSet" or e.get("Variable") == "QUEUESTATUS")
        and (e.name != "UserEvent" or e.get("UserEvent") in ("CallHours", "QueueOverflow"))
    ]


async def test_simulator_overflows_like_recording_024() -> None:
    base = recorded_model()
    queues = dict(base.queues)
    queues["auslaender-a"] = dataclasses.replace(queues["auslaender-a"], wait_timeout=20.0)
    model = dataclasses.replace(
        base,
        queues=queues,
        lines=[*base.lines, Line("06151924", LineKind.TEAM, "auslaender-a", "06151924")],
        overflow={"auslaender-a": ("zentrale", "zentrale")},
    )
    recorded_events = load_events(TRACE)
    simulated_events = (await replay(TRACE, model=model)).events
    recorded_app, simulated_app = _app(recorded_events), _app(simulated_events)
    assert simulated_app == recorded_app, "\n".join(
        difflib.unified_diff([repr(r) for r in recorded_app], [repr(s) for s in simulated_app])
    )
    overflow = [e for e in simulated_events if e.get("UserEvent") == "QueueOverflow"]
    (recorded_overflow,) = [e for e in recorded_events if e.get("UserEvent") == "QueueOverflow"]
    assert [tuple(e.headers) for e in overflow] == [tuple(recorded_overflow.headers)]
    assert [(e["From"], e["To"], e["QueueStatus"], e["Context"], e["Exten"]) for e in overflow] == [
        (
            recorded_overflow["From"],
            recorded_overflow["To"],
            recorded_overflow["QueueStatus"],
            recorded_overflow["Context"],
            recorded_overflow["Exten"],
        )
    ]
    recorded, simulated = contract_view(recorded_events), contract_view(simulated_events)
    # OriginateResponse only when the switchboard answers (README-v3 surprise 7).
    assert simulated.records["originate"] == recorded.records["originate"]
    # Everything the generic conformance compares, the Cdr segments included.
    assert_conforms(recorded_events, simulated_events)


def test_the_configured_overflow_and_menu_reach_the_simulator() -> None:
    settings = load_settings(None, environ={})
    first, second, *rest = settings.teams
    settings = settings.model_copy(
        update={
            "teams": (
                first.model_copy(update={"overflow": "zentrale", "queue_timeout_seconds": 20}),
                second.model_copy(update={"overflow": f"team:{first.id}"}),
                *rest,
            ),
            "callers": settings.callers.model_copy(update={"menu": True}),
        }
    )
    model = model_from_settings(settings)
    assert model.overflow == {
        first.id: ("zentrale", settings.switchboard.queue),
        second.id: (f"team:{first.id}", first.queue or first.id),
    }
    assert model.queues[first.queue or first.id].wait_timeout == 20.0
    assert model.menu_languages == settings.callers.languages


def test_prompt_overflows_reach_the_simulator_with_the_callback_key() -> None:
    settings = load_settings(None, environ={})
    first, second, *rest = settings.teams
    settings = settings.model_copy(
        update={
            "teams": (
                first.model_copy(update={"overflow": "callback"}),
                second.model_copy(update={"overflow": "announcement"}),
                *rest,
            )
        }
    )
    model = model_from_settings(settings)
    assert model.overflow == {first.id: ("callback", ""), second.id: ("announcement", "")}
    # No language menu, but the overflow offers the callback: the key is there.
    assert (model.menu_languages, model.callback_key) == ((), settings.callers.callback_key)
