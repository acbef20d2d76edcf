"""The recordings' own test dialplan (README-v3, `config-v3/extensions_traces3.conf`) as
simulator configuration, for replaying 020 onwards.

The simulator runs the file's contexts as written (`callcenter/simulator/script.py`).
The sound files were not kept with the recordings, so each one's length is taken from the
recordings' CEL: STREAM_BEGIN to the STREAM_END on the same channel, the longest seen
(a prompt cut by a key or a hang-up gives a shorter span; the longest is the file's length
whenever the file was heard to its end once; otherwise it is a lower bound, which nothing
observable in these recordings depends on).
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache

from recordings import ASTERISK22
from sim_traces import TRACE_DIR, load_events

from callcenter.pbx.dialplan_eval import read_contexts
from callcenter.simulator.model import (
    ANSWER_DELAY,
    Customer,
    Member,
    PbxModel,
    PhoneBehaviour,
    QueueConfig,
    fixed,
    fixed_seconds,
    recorded_model,
)

TRACES3_CONF = ASTERISK22 / "config-v3" / "extensions_traces3.conf"
V3_TRACES = ("017", "018", "019", "020", "021", "022", "023", "024")


@cache
def recorded_sound_seconds() -> dict[str, float]:
    lengths: dict[str, float] = {}
    for path in sorted(TRACE_DIR.glob("0[12]*.ami")):
        if path.name[:3] not in V3_TRACES:
            continue
        playing: dict[str, tuple[str, float]] = {}
        for event in load_events(path):
            if event.name != "CEL" or event.timestamp is None:
                continue
            kind, channel = event.get("EventName"), event.get("Channel", "")
            if kind == "STREAM_BEGIN":
                sound = json.loads(event.get("Extra") or "{}").get("sound", "")
                playing[channel] = (sound, event.timestamp)
            elif kind == "STREAM_END" and channel in playing:
                sound, began = playing.pop(channel)
                if not sound:
                    continue  # music on hold, no file of its own
                lengths[sound] = max(lengths.get(sound, 0.0), event.timestamp - began)
    return lengths


# config-v3/queues.conf: the queues the test numbers use (ringall, retry 1, ringinuse no).
T3_QUEUES = {
    "t3-restart": QueueConfig(
        "t3-restart", (Member("Local/103@agents-long", "Agent 103"),), 15.0, 1.0, 15.0
    ),
    # announce-frequency 15, periodic-announce traces3/periodic every 20 s
    "t3-announce": QueueConfig(
        "t3-announce",
        (Member("Local/104@agents-slow", "Agent 104"),),
        60.0,
        1.0,
        60.0,
        15.0,
        "traces3/periodic",
        20.0,
    ),
    "t3-announce15": QueueConfig(
        "t3-announce15",
        (Member("Local/104@agents-slow", "Agent 104"),),
        15.0,
        1.0,
        60.0,
        15.0,
        "traces3/periodic",
        20.0,
    ),
}
# [agents-long]: Ringing, Wait(1), Answer, Wait(20), Hangup.
AGENTS_LONG = PhoneBehaviour(fixed(1.0), fixed_seconds(20.0 + ANSWER_DELAY))


def traces3_model(base: PbxModel | None = None) -> PbxModel:
    """The recorded PBX plus `[traces3-inbound]` included in `[from-pstn]`."""
    base = base or recorded_model()
    return dataclasses.replace(
        base,
        queues={**base.queues, **T3_QUEUES},
        phones={**base.phones, "agents-long": AGENTS_LONG},
        script_contexts=read_contexts(TRACES3_CONF.read_text()),
        script_inbound=("traces3-inbound",),
        sound_seconds=recorded_sound_seconds(),
    )


# [t3-customer]: 01701110001 answers after 2 s and talks 10 s, ...02 Busy(10),
# ...03 rings for ever, ...04 Congestion(10).
T3_CUSTOMERS = {
    "01701110001": Customer("answer", after=2.0, talk=10.0),
    "01701110002": Customer("busy"),
    "01701110003": Customer("noanswer"),
    "01701110004": Customer("congestion"),
}


def callback_model() -> PbxModel:
    """022/022b: `Originate Local/<staff> Context: t3-callback-dest Exten: <customer>`, whose
    `Dial(Local/${EXTEN}@t3-customer,15)` calls the customer."""
    return dataclasses.replace(
        traces3_model(),
        callback_context="t3-callback-dest",
        outbound_context="t3-customer",
        callback_dial_timeout=15.0,
        customers=dict(T3_CUSTOMERS),
    )


def transfer_model() -> PbxModel:
    """017: its c6 transfer was reported operator side first (012: the other way round)."""
    return dataclasses.replace(traces3_model(), transfer_reports_operator_first=True)
