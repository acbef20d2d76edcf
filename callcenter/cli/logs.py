"""Log levels for the service: INFO is what an operator reads, the machinery stays at DEBUG.

APScheduler logs every job run at INFO ("Running job …", "… executed successfully"); with the
change poll and the heartbeat that was about 290 lines a minute of an idle service. aiohttp
logs every request, including a monitor's /healthz polls. Both are demoted here, not in the
libraries, so `--debug` still shows all of it and warnings and errors always pass.
"""

from __future__ import annotations

import logging

# Loggers whose INFO lines are routine wake-ups (job runs, job added/removed).
ROUTINE_LOGGERS = ("apscheduler.executors", "apscheduler.scheduler")
# Requests that monitors repeat every few seconds.
POLLED_PATHS = ("/healthz", "/metrics")


class _DropPolledRequests(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(f" {path} " in message or f" {path}?" in message for path in POLLED_PATHS)


class _DropOverlapSkips(logging.Filter):
    """Our interval jobs run with max_instances=1 on purpose: a heartbeat or change poll
    that is due while the previous one still waits on the PBX is skipped and the next one
    follows. APScheduler warns of each skip; at the demo's accelerated heartbeat (every
    0.05 s) that was a warning a second. A PBX that answers too slowly shows in the
    pusher's own failures and in /healthz, not here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


_POLL_FILTER = _DropPolledRequests()
_SKIP_FILTER = _DropOverlapSkips()


def configure_logging(debug: bool, *, service: bool = False) -> None:
    """Root level DEBUG with `--debug`; else INFO for the service, WARNING for one-off commands."""
    level = logging.DEBUG if debug else logging.INFO if service else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    for name in ROUTINE_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.WARNING)
    access = logging.getLogger("aiohttp.access")
    scheduler = logging.getLogger("apscheduler.scheduler")
    if debug:
        access.removeFilter(_POLL_FILTER)
        scheduler.removeFilter(_SKIP_FILTER)
    else:
        access.addFilter(_POLL_FILTER)
        scheduler.addFilter(_SKIP_FILTER)
