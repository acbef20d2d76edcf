"""The event pump: AMI events -> translator -> call tracker -> record sink; schedule -> pusher.

Nothing here builds an adapter or decides the order of start and stop (that is
`callcenter.bootstrap`); the pump gets them ready-made. After every login the PBX's channel
list resynchronises the tracker (calls that ended or began while nobody listened), then every
team state is pushed. A new schedule reaches the tracker's calendar and the pusher here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from callcenter.clock import Clock
from callcenter.current_schedule import CurrentSchedule
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.schedule import Office
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.ami.messages import SessionInfo
from callcenter.pbx.ami.subscription import EventSubscription
from callcenter.pbx.pusher import StatePusher
from callcenter.pbx.translate import snapshot_calls, translate
from callcenter.pbx.wait_publisher import WaitPublisher

logger = logging.getLogger(__name__)

# A call with no event for this long lost its hangups (a gap whose channel list failed):
# recorded as incomplete rather than kept in memory forever. No office call lasts that long.
IDLE_CALL_LIMIT = timedelta(hours=12)

TrackerAction = Callable[[], list[CallRecord]]
# Where a caller's callback request goes (the number sealed at once; usecases.callbacks).
CallbackHandler = Callable[[CallbackAsked], Awaitable[None]]


class CallSink(Protocol):
    """Where finished call records go (the durable writer; a list in tests)."""

    async def submit(self, record: CallRecord) -> None: ...


class EventPump:
    """Feeds the tracker from the AMI stream and hands finished records to the sink."""

    def __init__(
        self,
        ami: AmiClient,
        tracker: CallTracker,
        sink: CallSink,
        schedule: CurrentSchedule,
        pusher: StatePusher,
        clock: Clock,
        on_callback: CallbackHandler | None = None,
        waits: WaitPublisher | None = None,
    ) -> None:
        self.ami = ami
        self.tracker = tracker
        self._on_callback = on_callback
        self._sink = sink
        self._schedule = schedule
        self._pusher = pusher
        self._clock = clock
        # Issue 20: every finished record also feeds the estimated queue wait.
        self.waits = waits
        self.records_emitted = 0
        self.outcomes: Counter[Outcome] = Counter()
        self.logins = 0
        # Subscribed before the connection opens, so not one event of the first session is
        # missed. The tracker's place in this stream: actions that must happen between two
        # events (see _at_stream_position) wait in _marks until the consumer gets there.
        self._events: EventSubscription = ami.subscribe()
        self._consumed = 0
        self._marks: deque[tuple[int, TrackerAction]] = deque()
        self._task: asyncio.Task[None] | None = None
        # When the stop began with the connection up: every call still open was still up
        # then, in its last stretch (counted so far; the next run continues from there).
        self._stopped_connected_at: datetime | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._track_calls(), name="call-tracker")

    def note_stop(self) -> None:
        """The service is stopping; called before the AMI connection is closed."""
        self._stopped_connected_at = self._clock.now() if self.ami.connected else None

    async def stop(self) -> None:
        """Stop consuming; calls still up are recorded with what is known (not nothing)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._emit_all(self.tracker.flush(self._stopped_connected_at))

    def records_by_outcome(self) -> Mapping[str, int]:
        return {outcome.value: self.outcomes[outcome] for outcome in Outcome}

    # -- the PBX side ----------------------------------------------------------------------

    async def on_login(self, session: SessionInfo) -> None:
        """After every login: first the calls, then every team state."""
        self.logins = session.number
        # Calls first: the list is compared with the events around it, and the fewer
        # events arrive between this login and the list, the fewer calls look gap-crossed.
        await self._resync_calls()
        logger.info("AMI login #%d: pushing every team state", session.number)
        await self._pusher.push_all()
        if self.waits is not None:
            await self.waits.push_all(self._clock.now())

    async def update_waits(self) -> None:
        """The periodic job: each announcing team's estimated wait, written if it changed."""
        if self.waits is not None and self.ami.connected:
            await self.waits.update(self._clock.now())

    async def schedule_changed(self, office: Office) -> None:
        """A new schedule: the tracker's calendar and every AstDB state follow it."""
        self.tracker.calendar = OfficeCalendar(office)
        await self._pusher.schedule_changed()

    async def close_idle_calls(self) -> None:
        """Record as incomplete the calls with no event for IDLE_CALL_LIMIT (lost hangups)."""
        records = self.tracker.close_idle(self._clock.now() - IDLE_CALL_LIMIT)
        if records:
            logger.warning("%d call(s) without events for %s closed", len(records), IDLE_CALL_LIMIT)
        await self._emit_all(records)

    async def _resync_calls(self) -> None:
        """After a login (a reconnect, or a start while calls were up): ask the PBX which
        calls are up and let the tracker close, correct and adopt calls accordingly."""
        tracker = self.tracker

        def begin() -> list[CallRecord]:
            tracker.begin_resync()
            return []

        def cancel() -> list[CallRecord]:
            tracker.cancel_resync()
            return []

        await self._at_stream_position(begin)
        try:
            channels = await self.ami.core_show_channels()
            now = self._clock.now()
            calls = snapshot_calls(channels, now, self._schedule.lines)
        except BaseException as exc:
            self._place(cancel)
            if not isinstance(exc, Exception):
                raise  # cancelled: the connection dropped again, or we are stopping
            # Calls that ended unseen stay open until the idle sweep closes them.
            logger.warning("CoreShowChannels after login failed: %s", exc)
            return

        def apply() -> list[CallRecord]:
            records = tracker.resync(calls, now)
            if records or calls:
                logger.info(
                    "PBX lists %d call(s) up; %d call(s) ended unseen or meanwhile",
                    len(calls),
                    len(records),
                )
            return records

        await self._at_stream_position(apply)

    # -- the event stream -----------------------------------------------------------------

    def _stream_passed(self) -> int:
        """Events that have left the subscription: tracked (or dropped when it overflowed)."""
        return self._consumed + self._events.dropped

    async def _at_stream_position(self, action: TrackerAction) -> None:
        """Run a tracker action after every event received so far and before any later one.

        The consumer may lag behind the socket; an action taken at once (e.g. applying
        a channel list) would otherwise meet a tracker that has not seen events the PBX
        sent before the list.
        """
        await self._emit_all(self._place(action))

    def _place(self, action: TrackerAction) -> list[CallRecord]:
        """Run the action now if the consumer has caught up (its records are returned),
        else queue it for the consumer, at the current end of the stream."""
        position = self._stream_passed() + len(self._events)
        if self._marks or self._stream_passed() < position:
            self._marks.append((position, action))
            return []
        return action()

    def _due_marks(self) -> list[CallRecord]:
        records: list[CallRecord] = []
        passed = self._stream_passed()
        while self._marks and self._marks[0][0] <= passed:
            _position, action = self._marks.popleft()
            records.extend(action())
        return records

    async def _track_calls(self) -> None:
        tracker = self.tracker
        clock = self._clock
        async for event in self._events:
            self._consumed += 1
            try:
                translated = translate(event, clock.now())
                records = tracker.feed(translated) if translated is not None else ()
            except Exception:
                translated = None
                # One odd event must not stop call logging; the call may end up incomplete.
                logger.exception("event %s not tracked", event.name)
                records = ()
            for record in records:
                await self._emit(record)
            if isinstance(translated, CallbackAsked) and self._on_callback is not None:
                try:
                    await self._on_callback(translated)
                except Exception as exc:
                    # Only the error's kind: the event and its context hold the number.
                    logger.error(
                        "callback request of call %s not stored: %s",
                        translated.linked_id,
                        type(exc).__name__,
                    )
            if self._marks:
                await self._emit_all(self._due_marks())

    async def _emit_all(self, records: list[CallRecord]) -> None:
        for record in records:
            await self._emit(record)

    async def _emit(self, record: CallRecord) -> None:
        self.records_emitted += 1
        self.outcomes[record.outcome] += 1
        if self.waits is not None:
            self.waits.observe(record)
        await self._sink.submit(record)
