"""The long-running service: AMI connection, state pusher, scheduler — started and stopped in order.

Every task it starts is tracked, cancelled and awaited on stop; scheduled jobs are paused,
ours cancelled quietly, the others given a few seconds to finish. Calls: AMI events go
through the translator into the call tracker, finished records into the durable writer;
after every login the PBX's channel list resynchronises the tracker (calls that ended or
began while nobody listened). Daily jobs: the dialplan's fallback, the retention purge.
`health()` is the snapshot the web app serves as /healthz and /metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Protocol

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy import Engine

from callcenter.app import Store, open_store, render_announcements
from callcenter.clock import Clock, SystemClock
from callcenter.config import Settings
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord, Outcome
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Office
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.ami.messages import SessionInfo
from callcenter.pbx.ami.settings import AmiSettings
from callcenter.pbx.ami.subscription import EventSubscription
from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.pbx.pusher import StatePusher
from callcenter.pbx.translate import snapshot_calls, translate
from callcenter.privacy import load_or_create_key
from callcenter.prompts.audio_files import write_text_atomically
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.retention import PurgeReport, purge_and_audit
from callcenter.web.app import create_app
from callcenter.web.server import WebServer, start_web

logger = logging.getLogger(__name__)

_CHANGE_POLL_JOB = "schedule-change-poll"
_DIALPLAN_JOB = "dialplan-nightly"
_PROMPTS_JOB = "prompts-refresh"
PURGE_JOB = "retention-purge"
IDLE_CALLS_JOB = "idle-calls-sweep"
# Office time of the daily retention purge: after the nightly dialplan job, before office hours.
PURGE_AT = (3, 40)
PURGE_ACTOR = "service:retention"
# A call with no event for this long lost its hangups (a gap whose channel list failed):
# recorded as incomplete rather than kept in memory forever. No office call lasts that long.
IDLE_CALL_LIMIT = timedelta(hours=12)
# How long stop() lets running scheduled jobs (a heartbeat, a state push) finish.
JOB_GRACE_SECONDS = 3.0

TrackerAction = Callable[[], list[CallRecord]]


def ami_settings(settings: Settings) -> AmiSettings:
    ami = settings.ami
    return AmiSettings(
        host=ami.host,
        port=ami.port,
        username=ami.username,
        secret=settings.ami_secret.get_secret_value() if settings.ami_secret else "",
        auth="md5" if ami.md5_login else "plain",
        action_timeout=ami.action_timeout_seconds,
        ping_interval=ami.ping_interval_seconds,
        reconnect_initial=ami.reconnect_initial_seconds,
        reconnect_max=ami.reconnect_max_seconds,
    )


def record_writer(settings: Settings, engine: Engine) -> CallRecordWriter:
    """The durable writer with the configured retry limits; its spool in the data directory."""
    return CallRecordWriter(
        engine,
        settings.data_dir / "spool" / "calls.jsonl",
        retry_seconds=settings.database.retry_seconds,
        max_retry_seconds=settings.database.retry_max_seconds,
    )


class CallSink(Protocol):
    """Where finished call records go (the durable writer; a list in tests)."""

    async def submit(self, record: CallRecord) -> None: ...


@dataclass
class ServiceOptions:
    change_poll_seconds: float = 0.5
    # The web app in the same process (`serve`, `demo`); tests of the PBX side leave it off.
    web: bool = False
    web_port: int | None = None  # None: settings.web.port; 0: any free port


@dataclass(frozen=True)
class ServiceHealth:
    """A read-only snapshot of the running service (for /healthz and /metrics)."""

    ami_connected: bool
    ami_reconnects: int  # logins after the first one
    last_heartbeat: datetime | None  # the last heartbeat the PBX accepted (service clock)
    last_push_seconds: float | None  # how long the last DBPut round trip took
    push_failures: int  # DBPut attempts that failed (each is retried)
    database_reachable: bool | None  # as the call-record writer last found it; None: no writer
    spool_depth: int  # call records waiting in the spool for the database
    scheduler_running: bool
    open_calls: int  # calls the tracker follows right now
    records_by_outcome: Mapping[str, int]  # finished call records since start, every outcome


class _JobExecutor(AsyncIOExecutor):  # type: ignore[misc]  # untyped library
    """APScheduler's asyncio executor, plus a way to let running jobs finish at shutdown."""

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for running jobs; returns how many still run."""
        running = [f for f in self._pending_futures if not f.done()]
        if not running:
            return 0
        _done, pending = await asyncio.wait(running, timeout=timeout)
        return len(pending)


class Service:
    """Owns the adapters of one running `callcenter serve`."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        options: ServiceOptions | None = None,
        sink: CallSink | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.options = options or ServiceOptions()
        self.store: Store | None = None
        self.ami: AmiClient | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.pusher: StatePusher | None = None
        self.tracker: CallTracker | None = None
        self.sink = sink
        self.writer: CallRecordWriter | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._seen_version = 0
        self.records_emitted = 0
        self._outcomes: Counter[Outcome] = Counter()
        self._logins = 0
        self._lines: LinePlan | None = None
        self._executor = _JobExecutor()
        self._job_tasks: set[asyncio.Task[object]] = set()
        self._stopping = False
        # The tracker's place in the event stream: actions that must happen between two
        # events (see _at_stream_position) wait here until the consumer gets there.
        self._events: EventSubscription | None = None
        self._consumed = 0
        self._marks: deque[tuple[int, TrackerAction]] = deque()
        self._refresh_wanted = asyncio.Event()
        self.web: WebServer | None = None

    async def start(self) -> None:
        """Database (migrated) → AMI connection → state pusher and scheduler."""
        self.store = await asyncio.to_thread(open_store, self.settings)
        self._seen_version = await asyncio.to_thread(self.store.schedule_version)
        office_source = self.store.office
        self.scheduler = AsyncIOScheduler(timezone="UTC", executors={"default": self._executor})
        self.ami = AmiClient(ami_settings(self.settings), on_reconnect=self._on_reconnect)
        self.pusher = StatePusher(
            self.ami,
            office_source,
            self.clock,
            self.scheduler,
            heartbeat_seconds=self.settings.ami.heartbeat_interval_seconds,
        )
        if self.sink is None:
            self.writer = record_writer(self.settings, self.store.engine)
            await self.writer.start()  # also replays what a previous run left in the spool
            self.sink = self.writer
        key = await asyncio.to_thread(load_or_create_key, self.settings.key_file)
        self.tracker = CallTracker(Pseudonymizer(key), OfficeCalendar(self.pusher.office))
        self.scheduler.start()
        self.pusher.start()
        self.scheduler.add_job(
            self._job(self._poll_changes),
            "interval",
            seconds=self.options.change_poll_seconds,
            id=_CHANGE_POLL_JOB,
            coalesce=True,
            max_instances=1,
        )
        # The fallback's dated rules cover the coming 12 months only: refresh them nightly.
        self.scheduler.add_job(
            self._job(self.refresh_dialplan),
            "cron",
            hour=3,
            minute=17,
            timezone=self.settings.office.timezone,
            id=_DIALPLAN_JOB,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.add_job(
            self._job(self.purge_expired),
            "cron",
            hour=PURGE_AT[0],
            minute=PURGE_AT[1],
            timezone=self.settings.office.timezone,
            id=PURGE_JOB,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        self.scheduler.add_job(
            self._job(self.close_idle_calls),
            "interval",
            minutes=15,
            id=IDLE_CALLS_JOB,
            coalesce=True,
            max_instances=1,
        )
        # Subscribe before connecting so not one event of the first session is missed.
        self._events = self.ami.subscribe()
        self._tasks.append(
            asyncio.create_task(self._track_calls(self._events), name="call-tracker")
        )
        self._tasks.append(
            asyncio.create_task(self._refresh_after_changes(), name="refresh-after-changes")
        )
        # Announcement texts name the next opening relative to today ("ab morgen"), so they
        # are checked every quarter hour; the content hash makes unchanged runs nearly free.
        self.scheduler.add_job(
            self._job(self.refresh_prompts),
            "interval",
            minutes=15,
            next_run_time=datetime.now(UTC),  # first run right away, in the background
            id=_PROMPTS_JOB,
            coalesce=True,
            max_instances=1,
        )
        await self.ami.start()
        await self.refresh_dialplan()
        if self.options.web:
            await self._start_web()
        logger.info("service started: AMI %s:%s", self.settings.ami.host, self.settings.ami.port)

    async def _start_web(self) -> None:
        assert self.store is not None
        app = create_app(self.store, self.settings, self.clock, live=self, health=self)
        port = self.settings.web.port if self.options.web_port is None else self.options.web_port
        self.web = await start_web(app, self.settings.web.host, port)

    # -- what the web app may ask (callcenter.web.live.LiveView) --------------------------

    def pbx_connected(self) -> bool:
        return self.ami is not None and self.ami.connected

    def waiting_by_team(self) -> Mapping[str, int]:
        return self.tracker.waiting_by_team() if self.tracker is not None else {}

    def last_heartbeat(self) -> datetime | None:
        return self.pusher.stats.last_heartbeat if self.pusher is not None else None

    async def _on_reconnect(self, session: SessionInfo) -> None:
        assert self.pusher is not None
        self._logins = session.number
        # Calls first: the list is compared with the events around it, and the fewer
        # events arrive between this login and the list, the fewer calls look gap-crossed.
        await self._resync_calls()
        logger.info("AMI login #%d: pushing every team state", session.number)
        await self.pusher.push_all()
        # Asterisk routes by the include it read last; ours may be newer (written at our
        # start, or while the PBX was away), and it is the fallback if we die: reload it.
        if self.settings.dialplan_file.exists():
            await self._reload_dialplan()

    async def _resync_calls(self) -> None:
        """After a login (a reconnect, or a start while calls were up): ask the PBX which
        calls are up and let the tracker close, correct and adopt calls accordingly."""
        assert self.ami is not None
        tracker = self.tracker
        assert tracker is not None

        def begin() -> list[CallRecord]:
            tracker.begin_resync()
            return []

        def cancel() -> list[CallRecord]:
            tracker.cancel_resync()
            return []

        await self._at_stream_position(begin)
        try:
            channels = await self.ami.core_show_channels()
            now = self.clock.now()
            calls = snapshot_calls(channels, now, self._line_plan())
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

    def _line_plan(self) -> LinePlan:
        if self._lines is None:
            assert self.pusher is not None
            switchboard = self.settings.switchboard
            self._lines = LinePlan(self.pusher.office, switchboard.numbers, switchboard.queue)
        return self._lines

    # -- the event stream -----------------------------------------------------------------

    def _stream_passed(self) -> int:
        """Events that have left the subscription: tracked (or dropped when it overflowed)."""
        return self._consumed + (self._events.dropped if self._events is not None else 0)

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
        events = self._events
        position = self._stream_passed() + (len(events) if events is not None else 0)
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

    async def _track_calls(self, events: EventSubscription) -> None:
        tracker = self.tracker
        assert tracker is not None
        clock = self.clock
        async for event in events:
            self._consumed += 1
            try:
                translated = translate(event, clock.now())
                records = tracker.feed(translated) if translated is not None else ()
            except Exception:
                # One odd event must not stop call logging; the call may end up incomplete.
                logger.exception("event %s not tracked", event.name)
                records = ()
            for record in records:
                await self._emit(record)
            if self._marks:
                await self._emit_all(self._due_marks())

    async def _emit_all(self, records: list[CallRecord]) -> None:
        for record in records:
            await self._emit(record)

    async def _emit(self, record: CallRecord) -> None:
        self.records_emitted += 1
        self._outcomes[record.outcome] += 1
        if self.sink is not None:
            await self.sink.submit(record)

    # -- scheduled jobs ---------------------------------------------------------------------

    def _job(self, func: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        """A scheduler job that stop() can cancel without APScheduler logging an error."""

        async def job() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._job_tasks.add(task)
            try:
                await func()
            except asyncio.CancelledError:
                if not self._stopping:
                    raise
                logger.debug("job %s cancelled by shutdown", name)
            finally:
                self._job_tasks.discard(task)

        name = getattr(func, "__name__", repr(func))
        job.__name__ = job.__qualname__ = name  # APScheduler names jobs after the function
        return job

    async def purge_expired(self) -> PurgeReport | None:
        """Clear caller identifiers older than privacy.retention_days (the daily job).

        Runs in a thread; a failure is logged and retried by tomorrow's run, never fatal.
        """
        store = self.store
        assert store is not None
        days = self.settings.privacy.retention_days
        now = self.clock.now().astimezone(self.settings.tz)

        def run() -> PurgeReport:
            with store.session() as session:
                return purge_and_audit(session, now, days, actor=PURGE_ACTOR)

        try:
            report = await asyncio.to_thread(run)
        except Exception:
            logger.exception("retention purge (%d days) failed; the next run retries", days)
            return None
        logger.info(
            "retention purge (%d days, cutoff %s): %d call(s), %d tally note(s) cleared",
            days,
            report.cutoff.isoformat(timespec="minutes"),
            report.calls,
            report.tally_notes,
        )
        return report

    async def close_idle_calls(self) -> None:
        """Record as incomplete the calls with no event for IDLE_CALL_LIMIT (lost hangups)."""
        assert self.tracker is not None
        records = self.tracker.close_idle(self.clock.now() - IDLE_CALL_LIMIT)
        if records:
            logger.warning("%d call(s) without events for %s closed", len(records), IDLE_CALL_LIMIT)
        await self._emit_all(records)

    async def _poll_changes(self) -> None:
        assert self.store is not None
        assert self.pusher is not None
        version = await asyncio.to_thread(self.store.schedule_version)
        if version != self._seen_version:
            self._seen_version = version
            logger.info("schedule changed (audit #%d): reloading and pushing", version)
            await self.pusher.schedule_changed()
            self._lines = None  # numbers may have changed with the teams
            if self.tracker is not None:
                self.tracker.calendar = OfficeCalendar(self.pusher.office)
            # Rendering announcements takes seconds (espeak-ng, sox): done in the background
            # so that the next change is noticed and pushed within the poll interval.
            self._refresh_wanted.set()

    async def _refresh_after_changes(self) -> None:
        """Regenerate dialplan and announcements once per burst of schedule changes."""
        while True:
            await self._refresh_wanted.wait()
            self._refresh_wanted.clear()
            await self.refresh_dialplan()
            await self.refresh_prompts()

    async def refresh_prompts(self) -> None:
        """Re-render announcements whose text changed; a failure is logged, never fatal."""
        assert self.pusher is not None
        try:
            report = await render_announcements(self.settings, self.pusher.office, self.clock.now())
        except Exception:
            logger.exception("announcements not re-rendered")
            return
        if report.rendered:
            logger.info("re-rendered %d announcement(s)", len(report.rendered))

    async def refresh_dialplan(self) -> None:
        """Regenerate the include and ask the PBX to reload it; failures are logged only,
        because the live state keeps routing right while the fallback is a day old."""
        assert self.pusher is not None
        office: Office = self.pusher.office
        try:
            text = generate_dialplan(office, options_from_settings(self.settings), self.clock.now())
            target = self.settings.dialplan_file
            await asyncio.to_thread(write_text_atomically, target, text)
        except Exception:
            logger.exception("dialplan not regenerated")
            return
        await self._reload_dialplan()

    async def _reload_dialplan(self) -> None:
        if self.ami is not None and self.ami.connected:
            try:
                await self.ami.command("dialplan reload")
            except Exception as exc:  # the PBX may be restarting; the nightly job retries
                logger.warning("dialplan reload over AMI failed: %s", exc)

    def health(self) -> ServiceHealth:
        """What /healthz and /metrics report; reads state only, never waits."""
        ami = self.ami
        writer_stats = self.writer.stats() if self.writer is not None else None
        pusher = self.pusher
        return ServiceHealth(
            ami_connected=ami is not None and ami.connected,
            ami_reconnects=max(0, self._logins - 1),
            last_heartbeat=pusher.stats.last_heartbeat if pusher is not None else None,
            last_push_seconds=pusher.stats.last_push_seconds if pusher is not None else None,
            push_failures=pusher.stats.failures if pusher is not None else 0,
            database_reachable=(
                writer_stats.database_available if writer_stats is not None else None
            ),
            spool_depth=writer_stats.spooled if writer_stats is not None else 0,
            scheduler_running=(
                self.scheduler is not None and self.scheduler.state == STATE_RUNNING
            ),
            open_calls=self.tracker.open_count if self.tracker is not None else 0,
            records_by_outcome=MappingProxyType(
                {outcome.value: self._outcomes[outcome] for outcome in Outcome}
            ),
        )

    async def _stop_scheduler(self) -> None:
        """No new runs; our own jobs cancelled quietly, others (state pushes) may finish."""
        scheduler = self.scheduler
        if scheduler is None or not scheduler.running:
            return
        scheduler.pause()
        jobs = list(self._job_tasks)
        for task in jobs:
            task.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        still_running = await self._executor.drain(JOB_GRACE_SECONDS)
        if still_running:
            logger.warning("%d scheduled job(s) still running at stop; cancelled", still_running)
        scheduler.shutdown(wait=False)

    async def stop(self) -> None:
        """Reverse order: scheduler, AMI connection, tracker, writer (flushes), database."""
        self._stopping = True
        if self.web is not None:  # first stop taking input: no edits while we wind down
            await self.web.stop()
        await self._stop_scheduler()
        # Connected until now: every open call was still up, in its last stretch, at the stop.
        stream_intact = self.ami is not None and self.ami.connected
        stopped_at = self.clock.now()
        if self.ami is not None:
            await self.ami.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.tracker is not None:
            # Calls still up at shutdown: keep what is known rather than nothing.
            for record in self.tracker.flush(stopped_at if stream_intact else None):
                await self._emit(record)
        if self.writer is not None:
            await self.writer.close(timeout=5.0)
        if self.store is not None:
            self.store.close()
