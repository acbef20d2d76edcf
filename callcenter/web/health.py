"""/healthz (for load balancers and systemd watchdogs) and /metrics (Prometheus text format).

Both are public like a status page: they carry counts and flags, never a caller, a
member or a team's schedule. /healthz answers 503 as soon as one check fails, so a
monitor needs no parsing; the JSON body says which check it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text

from callcenter.web.live import HealthSnapshot, HealthView
from callcenter.web.state import WEB, WebState

logger = logging.getLogger(__name__)

HEALTH = web.AppKey("health", HealthView)
DATABASE_PROBE_SECONDS = 3.0
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _probe_database(state: WebState) -> bool:
    with state.store.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return True


async def _database_ok(state: WebState) -> tuple[bool, str | None]:
    try:
        await asyncio.wait_for(
            asyncio.to_thread(_probe_database, state), timeout=DATABASE_PROBE_SECONDS
        )
    except TimeoutError:
        return False, f"keine Antwort in {DATABASE_PROBE_SECONDS:.0f} s / no answer"
    except Exception:  # any driver error means: not reachable for us
        # Public endpoint: the driver's words (host, user, file) go to the log only.
        logger.exception("health check: database not reachable")
        return False, "nicht erreichbar (Einzelheiten im Protokoll) / not reachable (see the log)"
    return True, None


def _age_seconds(at: datetime | None, now: datetime) -> float | None:
    return None if at is None else max(0.0, (now - at).total_seconds())


async def healthz(request: web.Request) -> web.Response:
    state = request.app[WEB]
    view = request.app.get(HEALTH)
    database_ok, database_error = await _database_ok(state)
    checks: dict[str, Any] = {"database": {"ok": database_ok, "error": database_error}}
    if view is not None:
        snapshot = view.health()
        now = state.clock.now()
        heartbeat_age = _age_seconds(snapshot.last_heartbeat, now)
        stale_after = float(state.settings.ami.stale_after_seconds)
        checks["ami"] = {"ok": snapshot.ami_connected, "reconnects": snapshot.ami_reconnects}
        checks["heartbeat"] = {
            # The PBX falls back to the compiled dialplan once the heartbeat is this old.
            "ok": heartbeat_age is not None and heartbeat_age < stale_after,
            "last": snapshot.last_heartbeat.isoformat() if snapshot.last_heartbeat else None,
            "age_seconds": heartbeat_age,
        }
        checks["writer"] = {
            "ok": snapshot.database_reachable is not False,
            "spool_depth": snapshot.spool_depth,
        }
        checks["scheduler"] = {"ok": snapshot.scheduler_running}
        checks["calls"] = {"ok": True, "open": snapshot.open_calls}
    else:
        checks["service"] = {"ok": False, "error": "Dienst läuft nicht / service not running"}
    healthy = all(check["ok"] for check in checks.values())
    return web.json_response(
        {"status": "ok" if healthy else "fehler", "checks": checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


class _ServiceCollector(Collector):
    """Reads the service's snapshot at scrape time: no counters of our own to keep in step."""

    def __init__(self, view: HealthView, now: datetime) -> None:
        self._snapshot: HealthSnapshot = view.health()
        self._now = now

    def collect(self) -> Iterator[Metric]:
        snap = self._snapshot
        calls = CounterMetricFamily(
            "callcenter_calls_recorded",
            "Finished call records since start, by outcome",
            labels=["outcome"],
        )
        for outcome, count in sorted(snap.records_by_outcome.items()):
            calls.add_metric([outcome], count)
        yield calls
        yield CounterMetricFamily(
            "callcenter_ami_reconnects", "AMI logins after the first one", value=snap.ami_reconnects
        )
        yield GaugeMetricFamily(
            "callcenter_ami_connected", "1 while the AMI session is up", value=snap.ami_connected
        )
        yield CounterMetricFamily(
            "callcenter_push_failures", "Failed DBPut attempts (retried)", value=snap.push_failures
        )
        if snap.last_push_seconds is not None:
            yield GaugeMetricFamily(
                "callcenter_push_latency_seconds",
                "Round trip of the last DBPut to the PBX",
                value=snap.last_push_seconds,
            )
        age = _age_seconds(snap.last_heartbeat, self._now)
        if age is not None:
            yield GaugeMetricFamily(
                "callcenter_heartbeat_age_seconds", "Age of the last heartbeat push", value=age
            )
        yield GaugeMetricFamily(
            "callcenter_spool_depth", "Call records waiting in the spool", value=snap.spool_depth
        )
        yield GaugeMetricFamily(
            "callcenter_open_calls", "Calls the tracker follows now", value=snap.open_calls
        )
        yield GaugeMetricFamily(
            "callcenter_scheduler_running",
            "1 while the scheduler runs",
            value=snap.scheduler_running,
        )
        if snap.database_reachable is not None:
            yield GaugeMetricFamily(
                "callcenter_database_reachable",
                "1 when the call-record writer last reached the database",
                value=snap.database_reachable,
            )


async def metrics(request: web.Request) -> web.Response:
    registry = CollectorRegistry(auto_describe=False)
    view = request.app.get(HEALTH)
    if view is not None:
        registry.register(_ServiceCollector(view, request.app[WEB].clock.now()))
    body = generate_latest(registry)
    return web.Response(
        body=body, headers={"Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store"}
    )


def add_health_routes(app: web.Application, view: HealthView | None) -> None:
    if view is not None:
        app[HEALTH] = view
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
