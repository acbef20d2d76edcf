"""The real Asterisk 22 recordings (tests/fixtures/asterisk22) via parser, translator, tracker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from recordings import ASTERISK22

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord
from callcenter.domain.pbx_events import PbxEvent
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Office, Pilot, Team, windows_from_spec
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.translate import translate

REPO = Path(__file__).resolve().parents[3]
TRACES_ROOT = ASTERISK22
TRACE_DIR = TRACES_ROOT / "traces"
SUMMARY_DIR = TRACES_ROOT / "summaries"

TEAM = "auslaender-a"
KEY = bytes(range(100, 132))
PSEUDONYMS = Pseudonymizer(KEY)
# The recording's dialplan falls back to Mon-Thu 09:00-11:59 Europe/Berlin; the office we
# compare with has the same hours and a pilot running over the recording day (2026-11-21).
OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    holidays.Germany(subdiv="HE"),  # type: ignore[attr-defined,unused-ignore]
    (Team(TEAM, "Team A", windows=windows_from_spec("Mo-Do 09:00-12:00")),),
    pilots=(Pilot(TEAM, date(2026, 11, 1), date(2026, 12, 31)),),
)
# Never used for events from the traces: every event there has a Timestamp.
RECEIVED = datetime(2000, 1, 1, tzinfo=UTC)


def trace_path(name: str) -> Path:
    return TRACE_DIR / f"{name}.ami"


def events_of(name: str, chunk_size: int | None = None) -> list[PbxEvent]:
    """The trace's raw bytes -> real frame parser -> translator, in wire order."""
    raw = trace_path(name).read_bytes()
    parser = FrameParser()
    step = chunk_size or len(raw)
    events = []
    for offset in range(0, len(raw), step):
        for message in parser.feed(raw[offset : offset + step]):
            if isinstance(message, AmiEvent):
                event = translate(message, RECEIVED)
                if event is not None:
                    events.append(event)
    assert parser.stats.malformed == 0
    return events


def new_tracker() -> CallTracker:
    return CallTracker(PSEUDONYMS, OfficeCalendar(OFFICE))


def track(events: list[PbxEvent]) -> list[CallRecord]:
    tracker = new_tracker()
    records = tracker.feed_all(events)
    assert tracker.open_count == 0, "every call of a trace ends inside the trace"
    return records


# -- issue 20: the generated dialplan's user events, spliced into recordings ---------------
#
# Recordings 020, 021 and 023 ran hand-written test dialplans without the `CallHours`
# routing; the generated dialplan runs it first and sends the contract's user events. They
# are spliced in with the exact envelope Asterisk gave `UserEvent` in 021 and 024 (channel
# fields of the channel it runs on, then the user event's own headers), so the tracker
# sees what the generated dialplan makes Asterisk send, and nothing the recordings do not show.

Frame = dict[str, str]


def frames_of(name: str) -> list[str]:
    return trace_path(name).read_bytes().decode("utf-8").split("\r\n\r\n")


def frame_headers(frame: str) -> Frame:
    return dict(line.split(": ", 1) for line in frame.split("\r\n") if ": " in line)


def user_event(envelope: Frame, kind: str, context: str, **fields: str) -> str:
    """A `UserEvent` frame on the channel of `envelope` (any channel event of the trace)."""
    lines = [
        "Event: UserEvent",
        "Privilege: user,all",
        f"Timestamp: {envelope['Timestamp']}",
    ]
    for key in (
        "Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
        "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode",
    ):  # fmt: skip
        lines.append(f"{key}: {envelope.get(key, '')}")
    lines += [
        f"Context: {context}",
        f"Exten: {envelope.get('Exten', 's')}",
        "Priority: 1",
        f"Uniqueid: {envelope['Uniqueid']}",
        f"Linkedid: {envelope['Linkedid']}",
        f"UserEvent: {kind}",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\r\n".join(lines)


def call_hours(envelope: Frame, state: str) -> str:
    """The routing decision as 024 recorded it (`State: open` or `closed:hours`), for the
    number the channel of `envelope` dialled (its `from-pstn` extension)."""
    reason = state.partition(":")[2]
    return user_event(
        envelope,
        "CallHours",
        "callhours-route",
        Team=TEAM,
        Line="team",
        Dialled=envelope["Exten"],
        State=state,
        Reason=reason,
        Source="live",
    )


def events_of_frames(frames: list[str]) -> list[PbxEvent]:
    parser = FrameParser()
    events = []
    for message in parser.feed("\r\n\r\n".join(frames).encode("utf-8")):
        if isinstance(message, AmiEvent):
            event = translate(message, RECEIVED)
            if event is not None:
                events.append(event)
    assert parser.stats.malformed == 0
    return events


def with_routing(name: str, state: str) -> list[str]:
    """The recording's frames with the `CallHours` decision after the first dialplan step
    of each inbound (`from-pstn` `;2`) channel, as the generated dialplan sends it."""
    routed: set[str] = set()
    out: list[str] = []
    for frame in frames_of(name):
        out.append(frame)
        if not frame.startswith("Event: Newexten\r\n"):
            continue
        h = frame_headers(frame)
        inbound = h.get("Context") == "from-pstn" and h["Channel"].endswith(";2")
        if inbound and h["Uniqueid"] not in routed:
            routed.add(h["Uniqueid"])
            out.append(call_hours(h, state))
    assert routed, name
    return out
