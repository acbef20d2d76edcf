"""The composition root of `callcenter serve`: builds every adapter, in order, in one
AsyncExitStack, and tears them down in reverse.

Start: database (migrated) -> current schedule -> record writer (replays the spool) ->
AMI client and event pump -> scheduler, state pusher and jobs -> AMI connection -> change
watch -> control socket -> web app. Stop (SIGTERM/SIGINT, or an error while starting): web
app and control socket first (no edits while winding down), change watch, scheduler and
jobs, AMI connection, event pump (open calls flushed as records), writer (flushes), database.
No other module builds an adapter; `Service` only holds what was built, for the entry points
and the web app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from callcenter.change_watch import ChangeWatch
from callcenter.clock import Clock, SystemClock
from callcenter.config import Settings
from callcenter.control.client import lane
from callcenter.control.server import ControlHandler, ControlServer
from callcenter.control.socket_path import socket_file
from callcenter.current_schedule import CurrentSchedule
from callcenter.domain.access import Actor
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.callbacks import AttemptOutcome
from callcenter.domain.pbx_events import CallbackAsked
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.ami.messages import SessionInfo
from callcenter.pbx.ami.settings import AmiSettings
from callcenter.pbx.originate import AttemptResult, CallbackOriginator
from callcenter.pbx.pusher import StatePusher
from callcenter.pbx.wait_publisher import WaitPublisher
from callcenter.privacy import load_or_create_key
from callcenter.service import CallSink, EventPump
from callcenter.service_jobs import PURGE_ACTOR, PURGE_AT, PURGE_JOB, ServiceJobs, new_scheduler
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.change_signal import ChangeListener, add_change_listener, latest_change
from callcenter.storage.retention import PurgeReport
from callcenter.storage.sealing import NumberSeal
from callcenter.storage.store import Store, open_store
from callcenter.usecases import callbacks
from callcenter.usecases.callbacks import StartedAttempt
from callcenter.web.app import create_app
from callcenter.web.server import WebServer, start_web

__all__ = ["PURGE_ACTOR", "PURGE_AT", "PURGE_JOB", "Service", "ServiceHealth", "ServiceOptions"]

logger = logging.getLogger(__name__)
# How often a callback outcome is offered to a busy database before it is logged as lost.
CALLBACK_RESULT_TRIES = 6

# With PostgreSQL, LISTEN/NOTIFY brings changes at once; the poll only covers a lost listener.
POSTGRES_POLL_SECONDS = 5.0


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


@dataclass
class ServiceOptions:
    # How often the audit log is polled for changes from other processes (SQLite). A CLI
    # edit waits half of this on average before it reaches the PBX; one poll costs ≈0.25 ms
    # of CPU, so 10 a second cost the idle service ≈0.3 % of a core.
    change_poll_seconds: float = 0.1
    # The web app in the same process (`serve`, `demo`); tests of the PBX side leave it off.
    web: bool = False
    web_port: int | None = None  # None: settings.web.port; 0: any free port
    # The control socket ([service] control_socket) and what runs its requests: the CLI's
    # commands (callcenter.cli.served), handed in by the entry points; None: no socket.
    control: Callable[[Store, Settings], ControlHandler] | None = None


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


class Service:
    """One running `callcenter serve`: `start()` builds it, `stop()` takes it apart.

    The attributes exist from `start()` on; `writer` and `web` stay None when the caller
    brought its own sink or left the web app off.
    """

    store: Store
    schedule: CurrentSchedule
    ami: AmiClient
    pusher: StatePusher
    pump: EventPump
    jobs: ServiceJobs
    scheduler: AsyncIOScheduler
    watch: ChangeWatch

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
        self._sink = sink
        self.writer: CallRecordWriter | None = None
        self.web: WebServer | None = None
        self.control: ControlServer | None = None
        self._stack = AsyncExitStack()
        self._started = False

    async def start(self) -> None:
        """Build and start everything in order; on a failure, undo what was built."""
        try:
            await self._build(self._stack)
        except BaseException:
            await self._stack.aclose()
            raise
        self._started = True
        logger.info("service started: AMI %s:%s", self.settings.ami.host, self.settings.ami.port)

    async def stop(self) -> None:
        """Reverse order: web, change watch, jobs, AMI, pump (flush), writer, database."""
        await self._stack.aclose()

    async def _build(self, stack: AsyncExitStack) -> None:
        settings = self.settings
        self.store = store = await asyncio.to_thread(open_store, settings)
        stack.callback(store.close)

        switchboard = settings.switchboard
        self.schedule = schedule = CurrentSchedule(
            store.office, switchboard.numbers, switchboard.queue
        )
        await schedule.reload()

        sink = self._sink
        if sink is None:
            self.writer = writer = record_writer(settings, store.engine)
            await writer.start()  # also replays what a previous run left in the spool
            stack.push_async_callback(writer.close, 5.0)
            sink = writer

        key = await asyncio.to_thread(load_or_create_key, settings.key_file)
        self.ami = ami = AmiClient(ami_settings(settings), on_reconnect=self._on_login)
        self.scheduler, executor = new_scheduler()
        self.pusher = StatePusher(
            ami,
            lambda: schedule.office,
            self.clock,
            self.scheduler,
            heartbeat_seconds=settings.ami.heartbeat_interval_seconds,
            lamps=ami,
        )
        pseudonyms = Pseudonymizer(key)
        tracker = CallTracker(pseudonyms, OfficeCalendar(schedule.office))
        self.seal = seal = NumberSeal(key)
        retention = settings.callbacks.retention_days

        async def store_callback(event: CallbackAsked) -> None:
            await asyncio.to_thread(
                callbacks.record_request, store.session, event, pseudonyms, seal, retention
            )

        waits = WaitPublisher(
            ami,
            {t.id: t.announce_frequency_seconds for t in settings.teams if t.announce_position},
        )
        self.pump = pump = EventPump(
            ami,
            tracker,
            sink,
            schedule,
            self.pusher,
            self.clock,
            on_callback=store_callback,
            waits=waits,
        )
        pump.start()
        stack.push_async_callback(pump.stop)  # after the AMI connection closed (below)
        stack.push_async_callback(ami.close)
        stack.callback(pump.note_stop)  # before the AMI connection closes

        self.jobs = jobs = ServiceJobs(
            settings, self.clock, store, schedule, ami, self.scheduler, executor
        )
        schedule.subscribe(pump.schedule_changed)
        schedule.subscribe(jobs.schedule_changed)
        self.scheduler.start()
        stack.push_async_callback(jobs.stop)
        self.pusher.start()
        jobs.start(pump.close_idle_calls)
        if waits.shortest_frequency is not None:
            # Each team keeps its own frequency inside `update`; the job only ticks.
            self.scheduler.add_job(
                pump.update_waits,
                "interval",
                seconds=max(0.05, self.clock.real_seconds(waits.shortest_frequency)),
                id="callhours-queue-wait",
                coalesce=True,
                max_instances=1,
            )
        self.originator = originator = CallbackOriginator(
            ami, settings.callbacks, self._callback_result, self.clock.now
        )
        originator.start()
        stack.push_async_callback(originator.stop)

        await ami.start()
        await jobs.refresh_dialplan()

        await self._watch_changes(stack, store)
        if self.options.control is not None:
            await self._listen_for_control(stack, store, self.options.control)
        if self.options.web:
            app = create_app(store, settings, self.clock, live=self, health=self, seal=self.seal)
            port = settings.web.port if self.options.web_port is None else self.options.web_port
            self.web = web = await start_web(app, settings.web.host, port)
            stack.push_async_callback(web.stop)  # first to go: no edits while winding down

    async def _listen_for_control(
        self,
        stack: AsyncExitStack,
        store: Store,
        make_handler: Callable[[Store, Settings], ControlHandler],
    ) -> None:
        settings = self.settings
        path = socket_file(settings.data_dir, settings.service.control_socket)
        if path is None:
            return  # [service] control_socket = "": turned off
        control = ControlServer(path, make_handler(store, settings), lane=lane)
        if await control.start():
            self.control = control
            stack.push_async_callback(control.stop)  # before the store and the watch go

    async def _watch_changes(self, stack: AsyncExitStack, store: Store) -> None:
        postgres = store.engine.dialect.name == "postgresql"
        self.watch = watch = ChangeWatch(
            lambda: latest_change(store.engine),
            self.schedule.reload,
            POSTGRES_POLL_SECONDS if postgres else self.options.change_poll_seconds,
        )
        await watch.start()
        stack.push_async_callback(watch.stop)
        stack.callback(add_change_listener(store.engine, watch.poke))
        if postgres:
            listener = ChangeListener(self.settings.database_url, watch.poke)
            task = asyncio.create_task(listener.run(), name="change-listener")

            async def stop_listening() -> None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

            stack.push_async_callback(stop_listening)

    async def _on_login(self, session: SessionInfo) -> None:
        await self.pump.on_login(session)
        # Asterisk routes by the include it read last; ours may be newer (written at our
        # start, or while the PBX was away), and it is the fallback if we die: reload it.
        await self.jobs.reload_dialplan()

    async def _callback_result(self, result: AttemptResult) -> None:
        """Store an attempt's outcome; a busy or unreachable database is waited out (doubling
        from [database] retry_seconds to retry_max_seconds, CALLBACK_RESULT_TRIES times): the
        PBX tells the outcome only once, so giving up at the first lock would lose it."""
        request_id, attempt = result.key
        delay = self.settings.database.retry_seconds
        for tries_left in range(CALLBACK_RESULT_TRIES - 1, -1, -1):
            try:
                await asyncio.to_thread(
                    callbacks.finish_attempt,
                    self.store.session,
                    request_id,
                    attempt,
                    result.outcome,
                    result.at,
                )
                return
            except DBAPIError as exc:
                if not tries_left:
                    raise
                logger.warning(
                    "callback %s/%s: outcome not stored yet (%s), again in %.1f s",
                    request_id,
                    attempt,
                    exc.orig or exc,
                    delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.database.retry_max_seconds)

    async def call_back(self, actor: Actor, request_id: int, extension: str) -> StartedAttempt:
        """ "Anrufen": record the attempt, then send the Originate (staff phone first)."""
        started = await asyncio.to_thread(
            callbacks.start_attempt,
            self.store.session,
            actor,
            request_id,
            extension,
            self.seal,
            self.clock.now(),
        )
        sent = await self.originator.originate(
            (request_id, started.attempt), extension, started.number
        )
        if not sent:
            await self._callback_result(
                AttemptResult(
                    (request_id, started.attempt), AttemptOutcome.FAILED, self.clock.now()
                )
            )
        return started

    # -- for entry points and tests ---------------------------------------------------------

    @property
    def tracker(self) -> CallTracker:
        return self.pump.tracker

    @property
    def records_emitted(self) -> int:
        return self.pump.records_emitted if self._started else 0

    async def purge_expired(self) -> PurgeReport | None:
        return await self.jobs.purge_expired()

    async def refresh_dialplan(self) -> None:
        await self.jobs.refresh_dialplan()

    # -- what the web app may ask (callcenter.web.live.LiveView, HealthView) ----------------

    def pbx_connected(self) -> bool:
        return self._started and self.ami.connected

    def waiting_by_team(self) -> Mapping[str, int]:
        return self.pump.tracker.waiting_by_team() if self._started else {}

    def last_heartbeat(self) -> datetime | None:
        return self.pusher.stats.last_heartbeat if self._started else None

    def health(self) -> ServiceHealth:
        """What /healthz and /metrics report; reads state only, never waits."""
        writer_stats = self.writer.stats() if self.writer is not None else None
        started = self._started
        pusher = self.pusher if started else None
        return ServiceHealth(
            ami_connected=started and self.ami.connected,
            ami_reconnects=max(0, self.pump.logins - 1) if started else 0,
            last_heartbeat=pusher.stats.last_heartbeat if pusher is not None else None,
            last_push_seconds=pusher.stats.last_push_seconds if pusher is not None else None,
            push_failures=pusher.stats.failures if pusher is not None else 0,
            database_reachable=(
                writer_stats.database_available if writer_stats is not None else None
            ),
            spool_depth=writer_stats.spooled if writer_stats is not None else 0,
            scheduler_running=started and self.scheduler.state == STATE_RUNNING,
            open_calls=self.pump.tracker.open_count if started else 0,
            records_by_outcome=MappingProxyType(self.pump.records_by_outcome() if started else {}),
        )
