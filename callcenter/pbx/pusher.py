"""Keeps the PBX's AstDB in step with the schedule: `callhours/<team>` and the heartbeat.

Pushes happen on start-up, after every reconnect, at every window boundary (APScheduler
date jobs built from `transitions()`), and after a schedule change. The heartbeat is
written every few seconds so the dialplan can tell a live state from a stale one. A
failed push is retried a few times and logged; it never ends the service, because the
next boundary, heartbeat or reconnect pushes the whole state again anyway.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.clock import Clock
from callcenter.domain.schedule import Office, state_at, transitions

logger = logging.getLogger(__name__)

FAMILY = "callhours"
HEARTBEAT_KEY = "_heartbeat"
_JOB_PREFIX = "callhours-boundary:"
_RESCHEDULE_JOB = "callhours-reschedule"
_HEARTBEAT_JOB = "callhours-heartbeat"


class AstDb(Protocol):
    """The one PBX action the pusher needs (AmiClient provides it)."""

    async def db_put(self, family: str, key: str, value: str) -> None: ...


@dataclass
class PushStats:
    """For /healthz and /metrics."""

    pushes: int = 0
    failures: int = 0
    last_heartbeat: datetime | None = None
    last_push_seconds: float | None = None
    last_values: dict[str, str] = field(default_factory=dict)


class StatePusher:
    """Writes team states and the heartbeat into AstDB via `db_put`."""

    def __init__(
        self,
        astdb: AstDb,
        office: Callable[[], Office],
        clock: Clock,
        scheduler: AsyncIOScheduler,
        *,
        heartbeat_seconds: float = 5.0,
        horizon: timedelta = timedelta(days=2),
        retries: int = 3,
        retry_delay: float = 0.2,
    ) -> None:
        self._astdb = astdb
        self._office_source = office
        self._clock = clock
        self._scheduler = scheduler
        self._heartbeat_seconds = heartbeat_seconds
        self._horizon = horizon
        self._retries = retries
        self._retry_delay = retry_delay
        self._lock = asyncio.Lock()
        self._office: Office | None = None
        self.stats = PushStats()

    @property
    def office(self) -> Office:
        if self._office is None:
            self._office = self._office_source()
        return self._office

    def start(self) -> None:
        """Add the heartbeat job and the boundary jobs to the (running) scheduler."""
        self._scheduler.add_job(
            self.push_heartbeat,
            "interval",
            seconds=self._heartbeat_seconds,
            id=_HEARTBEAT_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self.reschedule()

    async def schedule_changed(self) -> None:
        """Reload the schedule, rebuild the boundary jobs and push every state now."""
        self._office = self._office_source()
        self.reschedule()
        await self.push_all()

    async def push_all(self) -> bool:
        """Every team's state, then the heartbeat; True if all writes succeeded."""
        async with self._lock:
            now = self._clock.now()
            office = self.office
            ok = True
            for team in office.team_ids:
                value = state_at(office.schedule_for(team), now).astdb_value
                ok = await self._put(team, value) and ok
            return await self._put_heartbeat(now) and ok

    async def push_team(self, team: str, boundary: datetime | None = None) -> bool:
        """Push one team's state; at a boundary, never the state from just before it
        (a timer may fire a few milliseconds early)."""
        async with self._lock:
            at = self._clock.now()
            if boundary is not None and boundary > at:
                at = boundary
            value = state_at(self.office.schedule_for(team), at).astdb_value
            return await self._put(team, value)

    async def push_heartbeat(self) -> bool:
        async with self._lock:
            return await self._put_heartbeat(self._clock.now())

    async def _put_heartbeat(self, now: datetime) -> bool:
        if await self._put(HEARTBEAT_KEY, str(int(now.timestamp()))):
            self.stats.last_heartbeat = now
            return True
        return False

    async def _put(self, key: str, value: str) -> bool:
        for attempt in range(1, self._retries + 1):
            began = time.perf_counter()
            try:
                await self._astdb.db_put(FAMILY, key, value)
            except Exception as exc:  # any PBX failure: log, retry, never crash the service
                self.stats.failures += 1
                if attempt == self._retries:
                    logger.warning("DBPut %s/%s=%s failed for good: %s", FAMILY, key, value, exc)
                    return False
                logger.info("DBPut %s/%s failed (try %d): %s", FAMILY, key, attempt, exc)
                await asyncio.sleep(self._retry_delay * attempt)
                continue
            self.stats.pushes += 1
            self.stats.last_push_seconds = time.perf_counter() - began
            self.stats.last_values[key] = value
            return True
        return False

    def reschedule(self) -> None:
        """One date job per state change within the horizon, plus one to look further."""
        for job in self._scheduler.get_jobs():
            if job.id.startswith(_JOB_PREFIX):
                job.remove()
        now = self._clock.now()
        until = now + self._horizon
        office = self.office
        for team in office.team_ids:
            for change in transitions(office.schedule_for(team), now, until):
                self._add_date_job(
                    f"{_JOB_PREFIX}{team}:{change.at.isoformat()}",
                    change.at,
                    self.push_team,
                    team,
                    change.at,
                )
        self._add_date_job(_RESCHEDULE_JOB, until - timedelta(hours=1), self._roll_horizon)

    async def _roll_horizon(self) -> None:
        self.reschedule()

    def _add_date_job(
        self, job_id: str, at: datetime, func: Callable[..., object], *args: object
    ) -> None:
        # APScheduler counts real time; the clock may be accelerated (demo, tests).
        run_at = datetime.now(UTC) + timedelta(seconds=max(0.0, self._clock.seconds_until(at)))
        self._scheduler.add_job(
            func,
            "date",
            run_date=run_at,
            args=args,
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
        )
