"""Keeps the PBX's AstDB in step with the schedule: `callhours/<team>`, validity, heartbeat.

Pushes happen on start-up, after every reconnect, at every window boundary (APScheduler
date jobs built from `transitions()`), and after a schedule change. The heartbeat is
written every few seconds so the dialplan can tell a live state from a stale one. A
failed push is retried a few times and logged; it never ends the service, because the
next boundary, heartbeat or reconnect pushes the whole state again anyway.

`callhours/_valid_until` (Unix time) is the next boundary of any team: the dialplan stops
trusting the live states then, even if the heartbeat is still fresh, so a service that
dies shortly before a closing time cannot keep the PBX routing by the old state. It is
written after the states it vouches for (a call in between sees the old limit, which has
passed at a boundary, and takes the fallback) and only when every state was written;
after a failed write it is set to now, which hands routing to the fallback at once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.clock import Clock
from callcenter.domain.boundaries import VALIDITY_HORIZON, next_boundary
from callcenter.domain.schedule import Office, state_at, transitions
from callcenter.pbx.ami.errors import NotConnected
from callcenter.pbx.blf import lamp_device, lamp_state

logger = logging.getLogger(__name__)

FAMILY = "callhours"
HEARTBEAT_KEY = "_heartbeat"
VALID_UNTIL_KEY = "_valid_until"
_JOB_PREFIX = "callhours-boundary:"
_RESCHEDULE_JOB = "callhours-reschedule"
_HEARTBEAT_JOB = "callhours-heartbeat"
# Below this the event loop would spend itself on DBPuts; at the demo's ×120 it allows a
# heartbeat every 6 PBX seconds, well inside the 60 s staleness limit.
MIN_HEARTBEAT_REAL_SECONDS = 0.05


class AstDb(Protocol):
    """The one PBX action the pusher needs (AmiClient provides it)."""

    async def db_put(self, family: str, key: str, value: str) -> None: ...


class Lamps(Protocol):
    """Sets a custom device state behind a BLF hint (AmiClient provides it)."""

    async def set_device_state(self, device: str, state: str) -> None: ...


@dataclass
class PushStats:
    """For /healthz and /metrics."""

    pushes: int = 0
    failures: int = 0
    last_heartbeat: datetime | None = None
    valid_until: datetime | None = None  # what `_valid_until` says now (None: not written)
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
        validity_horizon: timedelta = VALIDITY_HORIZON,
        lamps: Lamps | None = None,
    ) -> None:
        self._astdb = astdb
        self._lamps = lamps
        self._office_source = office
        self._clock = clock
        self._scheduler = scheduler
        self._heartbeat_seconds = heartbeat_seconds
        self._horizon = horizon
        self._retries = retries
        self._retry_delay = retry_delay
        self._validity_horizon = validity_horizon
        self._lock = asyncio.Lock()
        self._office: Office | None = None
        # Until when the states last written all hold; None after a failed or no sync.
        self._in_sync_until: datetime | None = None
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
            seconds=self.heartbeat_real_seconds(),
            id=_HEARTBEAT_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self.reschedule()

    def heartbeat_real_seconds(self) -> float:
        """The heartbeat interval on the event loop's clock. The PBX judges the heartbeat on
        its own clock, which the demo accelerates: five PBX seconds must stay five PBX
        seconds at any speed, or the PBX would find every heartbeat stale."""
        return max(MIN_HEARTBEAT_REAL_SECONDS, self._clock.real_seconds(self._heartbeat_seconds))

    async def schedule_changed(self) -> None:
        """Reload the schedule, rebuild the boundary jobs and push every state now."""
        self._office = self._office_source()
        self.reschedule()
        await self.push_all()

    async def push_all(self) -> bool:
        """Every team's state, `_valid_until`, then the heartbeat; True if all writes succeeded."""
        async with self._lock:
            now = self._clock.now()
            ok = await self._sync(now)
            return await self._put_heartbeat(now) and ok

    async def push_boundary(self, boundary: datetime) -> bool:
        """At a boundary: every team's state, then the new `_valid_until`. Never the state
        from just before the boundary (a timer may fire a few milliseconds early)."""
        async with self._lock:
            return await self._sync(max(self._clock.now(), boundary))

    async def push_heartbeat(self) -> bool:
        """`_valid_until` and the heartbeat; first every state if a boundary went by unpushed
        (its job late or failed), so a fresh heartbeat never vouches for an old state."""
        async with self._lock:
            now = self._clock.now()
            until = self._in_sync_until
            if until is None or now >= until:
                ok = await self._sync(now)
            else:
                ok = await self._put_valid_until(until)
            return await self._put_heartbeat(now) and ok

    async def _sync(self, at: datetime) -> bool:
        """Every team's state as of `at`, then `_valid_until`: states first, always."""
        office = self.office
        self._in_sync_until = None
        for team in office.team_ids:
            value = state_at(office.schedule_for(team), at).astdb_value
            if not await self._put(team, value):
                # The PBX may hold an old state: make it route by the fallback from now on.
                # The other teams wait for the next sync (heartbeat, reconnect): a PBX that
                # refused this write will most likely refuse theirs too.
                await self._put_valid_until(min(at, self._clock.now()))
                return False
        # In UTC: an instant in the repeated autumn hour never compares equal across zones.
        until = next_boundary(office, at, self._validity_horizon).astimezone(UTC)
        if not await self._put_valid_until(until):
            return False
        self._in_sync_until = until
        await self._set_lamps(office, at)
        return True

    async def _set_lamps(self, office: Office, at: datetime) -> None:
        """Every team's BLF lamp, at every sync: Asterisk pushes nothing to a reconnecting
        client and an unchanged value emits no event (025/025b), so setting them all again
        is both safe and the only way to be sure. Routing never waits for a lamp."""
        if self._lamps is None:
            return
        for team in office.team_ids:
            value = lamp_state(state_at(office.schedule_for(team), at).astdb_value)
            try:
                await self._lamps.set_device_state(lamp_device(team), value)
            except Exception as exc:  # a lamp is a convenience: log, never fail the sync
                self.stats.failures += 1
                logger.warning("BLF lamp %s=%s not set: %s", lamp_device(team), value, exc)
                return

    async def _put_valid_until(self, until: datetime) -> bool:
        # Rounded down: the dialplan compares whole seconds (`${EPOCH}`), and a limit one
        # second early only lets the fallback decide that second, never the old state.
        if await self._put(VALID_UNTIL_KEY, str(math.floor(until.timestamp()))):
            self.stats.valid_until = until
            return True
        return False

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
                # Not connected: nothing to wait for here, the login pushes everything anyway,
                # and the connection itself reports the outage (one warning, not one per key).
                if isinstance(exc, NotConnected):
                    logger.debug("DBPut %s/%s=%s not sent: %s", FAMILY, key, value, exc)
                    return False
                if attempt == self._retries:
                    logger.warning("DBPut %s/%s=%s failed for good: %s", FAMILY, key, value, exc)
                    return False
                logger.info("DBPut %s/%s failed (try %d): %s", FAMILY, key, attempt, exc)
                await asyncio.sleep(self._retry_delay * attempt)
                continue
            self.stats.pushes += 1
            self.stats.last_push_seconds = time.perf_counter() - began
            previous = self.stats.last_values.get(key)
            self.stats.last_values[key] = value
            if key in (HEARTBEAT_KEY, VALID_UNTIL_KEY) or previous == value:
                logger.debug("DBPut %s/%s=%s", FAMILY, key, value)
            else:
                # What an operator wants to read: a team's state as the PBX now routes it.
                logger.info("state pushed: %s/%s %s -> %s", FAMILY, key, previous or "-", value)
            return True
        return False

    def reschedule(self) -> None:
        """One date job per boundary within the horizon, plus one to look further."""
        for job in self._scheduler.get_jobs():
            if job.id.startswith(_JOB_PREFIX):
                job.remove()
        now = self._clock.now()
        until = now + self._horizon
        office = self.office
        # Teams changing at the same instant share one job: `_valid_until` may only move
        # on once every one of them has its new state.
        boundaries = {
            change.at.astimezone(UTC)
            for team in office.team_ids
            for change in transitions(office.schedule_for(team), now, until)
        }
        for boundary in sorted(boundaries):
            local = boundary.astimezone(office.tz)
            self._add_date_job(
                f"{_JOB_PREFIX}{local.isoformat()}", local, self.push_boundary, local
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
