"""The long-running service: AMI connection, state pusher, scheduler — started and stopped in order.

Every task it starts is tracked, cancelled and awaited on stop. Later parts (call tracker
and writer, web app) join here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.app import Store, open_store
from callcenter.clock import Clock, SystemClock
from callcenter.config import Settings
from callcenter.domain.schedule import Office
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.ami.messages import SessionInfo
from callcenter.pbx.ami.settings import AmiSettings
from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.pbx.pusher import StatePusher
from callcenter.prompts.audio_files import write_text_atomically

logger = logging.getLogger(__name__)

_CHANGE_POLL_JOB = "schedule-change-poll"
_DIALPLAN_JOB = "dialplan-nightly"


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
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.options = options or ServiceOptions()
        self.store: Store | None = None
        self.ami: AmiClient | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.pusher: StatePusher | None = None
        self._seen_version = 0
        self._stopped = asyncio.Event()

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
        await self.ami.start()
        await self.refresh_dialplan()
        logger.info("service started: AMI %s:%s", self.settings.ami.host, self.settings.ami.port)

    async def _on_reconnect(self, session: SessionInfo) -> None:
        assert self.pusher is not None
        logger.info("AMI login #%d: pushing every team state", session.number)
        await self.pusher.push_all()

    async def _poll_changes(self) -> None:
        assert self.store is not None
        assert self.pusher is not None
        version = await asyncio.to_thread(self.store.schedule_version)
        if version != self._seen_version:
            self._seen_version = version
            logger.info("schedule changed (audit #%d): reloading and pushing", version)
            await self.pusher.schedule_changed()
            await self.refresh_dialplan()

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
        """Reverse order: scheduler, AMI connection, database."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.ami is not None:
            await self.ami.close()
        if self.store is not None:
            self.store.close()
        self._stopped.set()
