"""The long-running service: AMI connection, state pusher, scheduler — started and stopped in order.

Every task it starts is tracked, cancelled and awaited on stop. Later parts (call tracker
and writer, web app) join here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.app import Store, open_store, render_announcements
from callcenter.clock import Clock, SystemClock
from callcenter.config import Settings
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Office
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.ami.messages import AmiEvent, SessionInfo
from callcenter.pbx.ami.settings import AmiSettings
from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.pbx.pusher import StatePusher
from callcenter.pbx.translate import translate
from callcenter.privacy import load_or_create_key
from callcenter.prompts.audio_files import write_text_atomically
from callcenter.storage.call_writer import CallRecordWriter

logger = logging.getLogger(__name__)

_CHANGE_POLL_JOB = "schedule-change-poll"
_DIALPLAN_JOB = "dialplan-nightly"
_PROMPTS_JOB = "prompts-refresh"


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
    )


class CallSink(Protocol):
    """Where finished call records go (the durable writer; a list in tests)."""

    async def submit(self, record: CallRecord) -> None: ...


@dataclass
class ServiceOptions:
    change_poll_seconds: float = 0.5


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

    async def start(self) -> None:
        """Database (migrated) → AMI connection → state pusher and scheduler."""
        self.store = await asyncio.to_thread(open_store, self.settings)
        self._seen_version = await asyncio.to_thread(self.store.schedule_version)
        office_source = self.store.office
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.ami = AmiClient(ami_settings(self.settings), on_reconnect=self._on_reconnect)
        self.pusher = StatePusher(
            self.ami,
            office_source,
            self.clock,
            self.scheduler,
            heartbeat_seconds=self.settings.ami.heartbeat_interval_seconds,
        )
        if self.sink is None:
            self.writer = CallRecordWriter(
                self.store.engine, self.settings.data_dir / "spool" / "calls.jsonl"
            )
            await self.writer.start()  # also replays what a previous run left in the spool
            self.sink = self.writer
        key = await asyncio.to_thread(load_or_create_key, self.settings.key_file)
        self.tracker = CallTracker(Pseudonymizer(key), OfficeCalendar(self.pusher.office))
        self.scheduler.start()
        self.pusher.start()
        self.scheduler.add_job(
            self._poll_changes,
            "interval",
            seconds=self.options.change_poll_seconds,
            id=_CHANGE_POLL_JOB,
            coalesce=True,
            max_instances=1,
        )
        # The fallback's dated rules cover the coming 12 months only: refresh them nightly.
        self.scheduler.add_job(
            self.refresh_dialplan,
            "cron",
            hour=3,
            minute=17,
            timezone=self.settings.office.timezone,
            id=_DIALPLAN_JOB,
            coalesce=True,
            max_instances=1,
        )
        # Subscribe before connecting so not one event of the first session is missed.
        events = self.ami.subscribe()
        self._tasks.append(asyncio.create_task(self._track_calls(events), name="call-tracker"))
        # Announcement texts name the next opening relative to today ("ab morgen"), so they
        # are checked every quarter hour; the content hash makes unchanged runs nearly free.
        self.scheduler.add_job(
            self.refresh_prompts,
            "interval",
            minutes=15,
            next_run_time=datetime.now(UTC),  # first run right away, in the background
            id=_PROMPTS_JOB,
            coalesce=True,
            max_instances=1,
        )
        await self.ami.start()
        await self.refresh_dialplan()
        logger.info("service started: AMI %s:%s", self.settings.ami.host, self.settings.ami.port)

    async def _on_reconnect(self, session: SessionInfo) -> None:
        assert self.pusher is not None
        logger.info("AMI login #%d: pushing every team state", session.number)
        await self.pusher.push_all()
        if session.number > 1:
            await self._close_calls_ended_unseen()

    async def _close_calls_ended_unseen(self) -> None:
        """After a gap: calls still up go on being tracked; the others ended while we were
        away and are recorded as incomplete (a CDR import can complete them later)."""
        assert self.ami is not None
        assert self.tracker is not None
        try:
            channels = await self.ami.core_show_channels()
        except Exception as exc:
            logger.warning("CoreShowChannels after reconnect failed: %s", exc)
            return
        still_up = {event.get("Linkedid") or event.get("LinkedID") for event in channels}
        for call in self.tracker.open_calls():
            if call.linked_id not in still_up:
                record = self.tracker.close_incomplete(call.linked_id)
                if record is not None:
                    await self._emit(record)

    async def _track_calls(self, events: AsyncIterator[AmiEvent]) -> None:
        assert self.tracker is not None
        async for event in events:
            try:
                translated = translate(event, self.clock.now())
                records = self.tracker.feed(translated) if translated is not None else ()
            except Exception:
                # One odd event must not stop call logging; the call may end up incomplete.
                logger.exception("event %s not tracked", event.name)
                continue
            for record in records:
                await self._emit(record)

    async def _emit(self, record: CallRecord) -> None:
        self.records_emitted += 1
        if self.sink is not None:
            await self.sink.submit(record)

    async def _poll_changes(self) -> None:
        assert self.store is not None
        assert self.pusher is not None
        version = await asyncio.to_thread(self.store.schedule_version)
        if version != self._seen_version:
            self._seen_version = version
            logger.info("schedule changed (audit #%d): reloading and pushing", version)
            await self.pusher.schedule_changed()
            if self.tracker is not None:
                self.tracker.calendar = OfficeCalendar(self.pusher.office)
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
        if self.ami is not None and self.ami.connected:
            try:
                await self.ami.command("dialplan reload")
            except Exception as exc:  # the PBX may be restarting; the nightly job retries
                logger.warning("dialplan reload over AMI failed: %s", exc)

    async def stop(self) -> None:
        """Reverse order: scheduler, AMI connection, tracker, writer (flushes), database."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.ami is not None:
            await self.ami.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.tracker is not None:
            # Calls still up at shutdown: keep what is known rather than nothing.
            for record in self.tracker.flush():
                await self._emit(record)
        if self.writer is not None:
            await self.writer.close(timeout=5.0)
        if self.store is not None:
            self.store.close()
