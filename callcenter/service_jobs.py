"""The service's timed work: the dialplan's fallback, announcements, the retention purge and
the idle-call sweep, on one APScheduler; and the reaction to a changed schedule.

Every job is wrapped so that a shutdown can cancel it without APScheduler logging an error;
`stop()` pauses the scheduler, cancels our jobs quietly and gives others (a state push) a
few seconds to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.clock import Clock
from callcenter.config import Settings
from callcenter.current_schedule import CurrentSchedule
from callcenter.domain.schedule import Office
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.prompts.audio_files import write_text_atomically
from callcenter.prompts.text import Contact
from callcenter.storage.retention import PurgeReport
from callcenter.storage.store import Store
from callcenter.usecases.callbacks import expire_requests, forget_callers
from callcenter.usecases.calls import purge_identifiers
from callcenter.usecases.office_phrases import office_contact
from callcenter.usecases.prompts import render_announcements

logger = logging.getLogger(__name__)

DIALPLAN_JOB = "dialplan-nightly"
PROMPTS_JOB = "prompts-refresh"
PURGE_JOB = "retention-purge"
IDLE_CALLS_JOB = "idle-calls-sweep"
# Office time of the daily retention purge: after the nightly dialplan job, before office hours.
PURGE_AT = (3, 40)
PURGE_ACTOR = "service:retention"
# How long stop() lets running scheduled jobs (a heartbeat, a state push) finish.
JOB_GRACE_SECONDS = 3.0


class JobExecutor(AsyncIOExecutor):  # type: ignore[misc]  # untyped library
    """APScheduler's asyncio executor, plus a way to let running jobs finish at shutdown."""

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for running jobs; returns how many still run."""
        running = [f for f in self._pending_futures if not f.done()]
        if not running:
            return 0
        _done, pending = await asyncio.wait(running, timeout=timeout)
        return len(pending)


def new_scheduler() -> tuple[AsyncIOScheduler, JobExecutor]:
    executor = JobExecutor()
    return AsyncIOScheduler(timezone="UTC", executors={"default": executor}), executor


class ServiceJobs:
    """Dialplan, announcements, purge and idle sweep; also what follows a schedule change."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        store: Store,
        schedule: CurrentSchedule,
        ami: AmiClient,
        scheduler: AsyncIOScheduler,
        executor: JobExecutor,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._store = store
        self._schedule = schedule
        self._ami = ami
        self.scheduler = scheduler
        self._executor = executor
        self._job_tasks: set[asyncio.Task[object]] = set()
        self._stopping = False
        self._refresh_wanted = asyncio.Event()
        self._refresher: asyncio.Task[None] | None = None

    def start(self, close_idle_calls: Callable[[], Awaitable[None]]) -> None:
        """Add the jobs to the (running) scheduler and start the after-change refresher."""
        timezone = self._settings.office.timezone
        # The fallback's dated rules cover the coming 12 months only: refresh them nightly.
        self.scheduler.add_job(
            self._job(self.refresh_dialplan),
            "cron",
            hour=3,
            minute=17,
            timezone=timezone,
            id=DIALPLAN_JOB,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.add_job(
            self._job(self.purge_expired),
            "cron",
            hour=PURGE_AT[0],
            minute=PURGE_AT[1],
            timezone=timezone,
            id=PURGE_JOB,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        self.scheduler.add_job(
            self._job(close_idle_calls),
            "interval",
            minutes=15,
            id=IDLE_CALLS_JOB,
            coalesce=True,
            max_instances=1,
        )
        # Announcement texts name the next opening relative to today ("ab morgen"), so they
        # are checked every quarter hour; the content hash makes unchanged runs nearly free.
        self.scheduler.add_job(
            self._job(self.refresh_prompts),
            "interval",
            minutes=15,
            next_run_time=datetime.now(UTC),  # first run right away, in the background
            id=PROMPTS_JOB,
            coalesce=True,
            max_instances=1,
        )
        self._refresher = asyncio.create_task(
            self._refresh_after_changes(), name="refresh-after-changes"
        )

    async def schedule_changed(self, _office: Office) -> None:
        # Rendering announcements takes seconds (espeak-ng, sox): done in the background so
        # that the next change is noticed and pushed at once.
        self._refresh_wanted.set()

    async def stop(self) -> None:
        """No new runs; our own jobs cancelled quietly, others (state pushes) may finish."""
        self._stopping = True
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        scheduler = self.scheduler
        if not scheduler.running:
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

    async def _refresh_after_changes(self) -> None:
        """Regenerate dialplan and announcements once per burst of schedule changes."""
        while True:
            await self._refresh_wanted.wait()
            self._refresh_wanted.clear()
            await self.refresh_dialplan()
            await self.refresh_prompts()

    async def refresh_prompts(self) -> None:
        """Re-render announcements whose text changed; a failure is logged, never fatal."""
        try:
            contact = await asyncio.to_thread(self._contact)
            report = await render_announcements(
                self._settings, self._schedule.office, self._clock.now(), contact=contact
            )
        except Exception:
            logger.exception("announcements not re-rendered")
            return
        if report.rendered:
            logger.info("re-rendered %d announcement(s)", len(report.rendered))

    def _contact(self) -> Contact:
        with self._store.unit_of_work() as uow:
            return office_contact(uow, self._settings)

    async def refresh_dialplan(self) -> None:
        """Regenerate the include and ask the PBX to reload it; failures are logged only,
        because the live state keeps routing right while the fallback is a day old."""
        office = self._schedule.office
        try:
            text = generate_dialplan(
                office, options_from_settings(self._settings), self._clock.now()
            )
            await asyncio.to_thread(write_text_atomically, self._settings.dialplan_file, text)
        except Exception:
            logger.exception("dialplan not regenerated")
            return
        await self.reload_dialplan()

    async def reload_dialplan(self) -> None:
        """`dialplan reload` over AMI, if connected and the include exists."""
        if not self._ami.connected or not self._settings.dialplan_file.exists():
            return
        try:
            await self._ami.command("dialplan reload")
        except Exception as exc:  # the PBX may be restarting; the nightly job retries
            logger.warning("dialplan reload over AMI failed: %s", exc)

    async def expire_callbacks(self) -> int:
        """Close callback requests past `[callbacks] retention_days`, erasing their numbers."""
        try:
            count = await asyncio.to_thread(expire_requests, self._store.session, self._clock.now())
        except Exception:
            logger.exception("callback expiry failed; the next run retries")
            return 0
        if count:
            logger.info("%d callback request(s) expired, numbers erased", count)
        return count

    async def purge_expired(self) -> PurgeReport | None:
        """Clear caller identifiers older than privacy.retention_days (the daily job).

        Runs in a thread; a failure is logged and retried by tomorrow's run, never fatal.
        """
        store = self._store
        days = self._settings.privacy.retention_days
        now = self._clock.now().astimezone(self._settings.tz)

        def run() -> PurgeReport:
            return purge_identifiers(
                store.session,
                now,
                days,
                actor=PURGE_ACTOR,
                delete_calls_after_days=self._settings.privacy.delete_calls_after_days,
            )

        try:
            report = await asyncio.to_thread(run)
        except Exception:
            logger.exception("retention purge (%d days) failed; the next run retries", days)
            return None
        await self.expire_callbacks()
        try:
            await asyncio.to_thread(forget_callers, store.session, report.cutoff, now)
        except Exception:
            logger.exception("callback requests' pseudonyms not cleared; the next run retries")
        logger.info(
            "retention purge (%d days, cutoff %s): %d call(s), %d tally note(s) cleared; "
            "%d call(s) deleted",
            days,
            report.cutoff.isoformat(timespec="minutes"),
            report.calls,
            report.tally_notes,
            report.calls_deleted,
        )
        return report
