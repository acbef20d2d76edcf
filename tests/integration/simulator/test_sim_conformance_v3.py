"""Conformance with the recordings of issue 20 that ran their own test dialplan.

020 (keys during `Background()`: 2, none, 7) and 021 (`Read()` of a key, a caller hanging
up during it) dialled numbers of `extensions_traces3.conf` and drove the caller's phone
with a script of it (`Originate ... Context: t3-caller`). The simulator is given that file
(`sim_traces3.traces3_model`), the recording's actions are replayed, and the events are
compared as for 001-016 (`sim_traces.assert_conforms`): application events in order
(here Read()'s READSTATUS/CBDIGIT and the UserEvent CallbackRequested), every channel's
events in order (DTMFBegin/DTMFEnd included), Cdr and OriginateResponse as multisets.
"""

from __future__ import annotations

import pytest
from sim_replay import replay
from sim_traces import TRACE_DIR, assert_conforms, load_events
from sim_traces3 import traces3_model

pytestmark = pytest.mark.timeout(30)

SCRIPTED = [
    "020_dtmf_language_menu",
    "021_read_callback_request",
    "023_queue_announcements",
]


@pytest.mark.parametrize("name", SCRIPTED)
async def test_simulator_runs_the_recordings_dialplan_like_asterisk(name: str) -> None:
    trace = TRACE_DIR / f"{name}.ami"
    simulated = (await replay(trace, model=traces3_model())).events
    assert_conforms(load_events(trace), simulated)
