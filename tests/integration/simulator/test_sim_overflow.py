"""Conformance with recording 024: a team queue's timeout continues in the switchboard queue.

Recorded with `06151924` → `Queue(auslaender-a,t,,,20)` → on TIMEOUT
`UserEvent(QueueOverflow, ...)` → `Queue(zentrale,t,,,60)`, the shape the generated include
writes for `overflow = "zentrale"`. The replay compares the application events (queue,
agent, VarSet QUEUESTATUS, the UserEvents) and every channel's events with the recording;
the Cdr rows are not compared: the simulator does not open the second queue's CDR segment
(Asterisk's `;2` rows per queue), a known gap.
"""

from __future__ import annotations

import dataclasses
import difflib

import pytest
from sim_replay import replay
from sim_traces import APP_EVENTS, TRACE_DIR, app_equal, contract_view, load_events

from callcenter.pbx.ami.messages import AmiEvent
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
    assert app_equal(recorded, simulated)
    assert simulated.channels == recorded.channels
    # OriginateResponse only when the switchboard answers (README-v3 surprise 7).
    assert simulated.records["originate"] == recorded.records["originate"]
