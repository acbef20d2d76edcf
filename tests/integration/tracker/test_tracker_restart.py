"""Recording 019/019b, a restart mid-call, through two trackers and two writers (issue 15).

019 is the first AMI connection: an early-media announcement (06151901, never answered),
a queue call that Agent 103 answers at 1.3 s (06151902), and a second queue caller who
waits because the only member is busy; the connection is cut at 5.8 s. 019b is the next
run's connection 1.3 s later: it lists the channels (`CoreShowChannels`), then sees the
waiting caller time out (HoldTime=15), the agent hang up (TalkTime=20) and the
announcement end (2 × 16.14 s of prompt).

The first run stops with all three calls up and stores what it knows, incomplete; the next
run adopts them from the list and sees their ends. Stored through the writer into one
database (SQLite and PostgreSQL), the parts must become one complete record per call with
the real waits, talks and ends.

The recording's dialplan skipped the product's routing for these numbers (README-v3:
"the CallHours UserEvent is therefore absent in 019"), so the first run is fed the
decision the product's dialplan makes at the routed channel's first event: the domain
event, not an AMI shape the recordings do not show.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.pbx_events import CallHoursDecided, ChannelCreated, PbxEvent
from callcenter.domain.schedule import Office, Pilot, Reason, State, Team, windows_from_spec
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.translate import snapshot_calls, translate
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.database import session_scope
from callcenter.storage.models import CallRecordRow

from .trace_support import PSEUDONYMS, RECEIVED, TEAM, events_of, trace_path

ANNOUNCEMENT = "1796399265.222"  # 06151901, caller 01703000001
TALKING = "1796399265.224"  # 06151902, caller 01703000002
WAITING = "1796399266.228"  # 06151902, caller 01703000003
CALLER = {ANNOUNCEMENT: "01703000001", TALKING: "01703000002", WAITING: "01703000003"}
OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    {},
    (
        Team(
            TEAM,
            "Team A",
            windows=windows_from_spec("Mo-Do 09:00-12:00"),
            queue="t3-restart",
            team_lines=("06151901", "06151902"),
        ),
    ),
    pilots=(Pilot(TEAM, date(2026, 11, 1), date(2026, 12, 31)),),
)
LINES = LinePlan(OFFICE, ("06151000",), "zentrale")
PROMPTS = 2 * 16.14  # README-v3: Playback(long-closed&long-closed), 16.14 s each


def tracker() -> CallTracker:
    return CallTracker(PSEUDONYMS, OfficeCalendar(OFFICE))


def with_decisions(events: list[PbxEvent]) -> list[PbxEvent]:
    """019's events plus the CallHours decision at each routed (`;2`) channel's creation."""
    out: list[PbxEvent] = []
    routed = {"1796399265.223": "06151901", "1796399265.225": "06151902"}
    routed["1796399266.229"] = "06151902"
    for event in events:
        out.append(event)
        if isinstance(event, ChannelCreated) and event.unique_id in routed:
            dialled = routed[event.unique_id]
            closed = dialled == "06151901"
            out.append(
                CallHoursDecided(
                    event.linked_id,
                    event.unique_id,
                    event.at,
                    team=TEAM,
                    line_kind=LineKind.TEAM_LINE,
                    dialled=dialled,
                    state=State.CLOSED if closed else State.OPEN,
                    reason=Reason.HOURS if closed else None,
                    source=DecisionSource.LIVE,
                    caller_number=CALLER[event.linked_id],
                )
            )
    return out


def first_run() -> list[CallRecord]:
    """019 to the cut, then the stop: every call still up is stored as far as seen."""
    run = tracker()
    assert run.feed_all(with_decisions(events_of("019_restart_midcall"))) == []
    assert run.open_count == 3
    return run.flush()


def second_run() -> list[CallRecord]:
    """019b: the channel list applied where it arrived, then the events after it."""
    run = tracker()
    run.begin_resync()
    parser = FrameParser()
    messages = parser.feed(trace_path("019b_restart_midcall_new_connection").read_bytes())
    listed: list[AmiEvent] = []
    taken_at: datetime | None = None
    records: list[CallRecord] = []
    for message in messages:
        if not isinstance(message, AmiEvent):
            continue
        stamp = message.headers.get("Timestamp")
        if taken_at is None and stamp:
            taken_at = datetime.fromtimestamp(float(stamp), UTC)  # SuccessfulAuth
        if message.name == "CoreShowChannel":
            listed.append(message)
        elif message.name == "CoreShowChannelsComplete":
            assert taken_at is not None
            records += run.resync(snapshot_calls(listed, taken_at, LINES), taken_at)
        else:
            event = translate(message, RECEIVED)
            if event is not None:
                records += run.feed(event)
    assert len(listed) == 8
    assert run.open_count == 0
    return records


def test_the_first_run_stores_three_incomplete_records() -> None:
    parts = {r.linked_id: r for r in first_run()}
    assert set(parts) == {ANNOUNCEMENT, TALKING, WAITING}
    for record in parts.values():
        assert (record.complete, record.ended) == (False, None)
        assert record.observed_until is not None
        assert record.wait_seconds is not None
    assert parts[TALKING].answered is not None
    assert parts[ANNOUNCEMENT].wait_seconds < 6  # the cut came at 5.8 s
    assert parts[ANNOUNCEMENT].inbound_id == "1796399265.223"


def test_the_next_run_adopts_the_three_calls_and_sees_their_ends() -> None:
    tails = {r.linked_id: r for r in second_run()}
    assert set(tails) == {ANNOUNCEMENT, TALKING, WAITING}
    for record in tails.values():
        assert record.ended is not None
        assert record.complete is False  # start and routing read off the list
        assert record.source is None
    assert tails[ANNOUNCEMENT].state_at_arrival is State.CLOSED
    assert tails[TALKING].outcome is Outcome.ANSWERED
    assert tails[WAITING].outcome is Outcome.TIMEOUT


async def _write(engine: Engine, spool: Path, records: list[CallRecord]) -> None:
    async with CallRecordWriter(engine, spool, max_delay=0.01) as writer:
        for record in records:
            await writer.submit(record)


async def test_both_runs_through_the_writer_give_one_complete_record_per_call(
    engine: Engine, tmp_path: Path
) -> None:
    await _write(engine, tmp_path / "run1.spool", first_run())
    await _write(engine, tmp_path / "run2.spool", second_run())
    with session_scope(engine) as session:
        assert len(session.scalars(select(CallRecordRow.id)).all()) == 3
        repository = CallRecordRepository(session)
        stored = {linked: repository.get(linked) for linked in CALLER}
    started = {r.linked_id: r.started for r in first_run()}
    for linked, record in stored.items():
        assert record.complete, linked
        assert record.started == started[linked]
        assert record.caller == PSEUDONYMS.caller(CALLER[linked])
        assert record.source is DecisionSource.LIVE
        assert record.ended is not None
        assert record.observed_until is None
        assert record.wait_seconds is not None
        assert record.talk_seconds is not None
    announcement = stored[ANNOUNCEMENT]
    assert (announcement.outcome, announcement.state_at_arrival) == (
        Outcome.ANNOUNCEMENT,
        State.CLOSED,
    )
    assert announcement.ended is not None
    length = (announcement.ended - announcement.started).total_seconds()
    assert abs(length - PROMPTS) < 0.5
    assert abs(announcement.wait_seconds - length) < 0.01  # the caller waited all along
    assert announcement.talk_seconds == 0.0
    talking = stored[TALKING]  # AgentComplete HoldTime=1 TalkTime=20
    assert talking.outcome is Outcome.ANSWERED
    assert talking.answered is not None
    assert abs(talking.wait_seconds - 1) <= 1
    assert abs(talking.talk_seconds - 20) <= 1
    waiting = stored[WAITING]  # QueueCallerAbandon HoldTime=15 at the queue timeout
    assert waiting.outcome is Outcome.TIMEOUT
    assert abs(waiting.wait_seconds - 15) <= 1
    assert waiting.talk_seconds == 0.0


async def test_the_order_of_the_runs_in_the_database_does_not_matter(
    engine: Engine, tmp_path: Path
) -> None:
    # A spool replayed late can bring the first run's part after the second's.
    await _write(engine, tmp_path / "run2.spool", second_run())
    await _write(engine, tmp_path / "run1.spool", first_run())
    with session_scope(engine) as session:
        repository = CallRecordRepository(session)
        assert repository.count() == 3
        assert all(repository.get(linked).complete for linked in CALLER)
