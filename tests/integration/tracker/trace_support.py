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
