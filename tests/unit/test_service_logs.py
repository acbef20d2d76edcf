"""What the service's log shows: overlap skips of our interval jobs are hidden unless --debug,
every other scheduler warning still passes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from callcenter.cli.logs import configure_logging

SKIP = (
    'Execution of job "StatePusher.push_heartbeat (trigger: interval[0:00:00.050000])" '
    "skipped: maximum number of running instances reached (1)"
)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    scheduler = logging.getLogger("apscheduler.scheduler")
    saved = (root.level, scheduler.level, list(scheduler.filters))
    yield
    root.setLevel(saved[0])
    scheduler.setLevel(saved[1])
    scheduler.filters[:] = saved[2]


@pytest.mark.usefixtures("restored_logging")
def test_an_overlap_skip_is_hidden_but_other_scheduler_warnings_pass(
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure_logging(False, service=True)
    scheduler = logging.getLogger("apscheduler.scheduler")
    scheduler.warning(SKIP)
    scheduler.warning("Run time of job missed by 0:00:03")
    messages = [r.getMessage() for r in caplog.records if r.name == "apscheduler.scheduler"]
    assert messages == ["Run time of job missed by 0:00:03"]


@pytest.mark.usefixtures("restored_logging")
def test_debug_shows_the_skips(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging(False, service=True)
    configure_logging(True, service=True)
    logging.getLogger("apscheduler.scheduler").warning(SKIP)
    assert [r.getMessage() for r in caplog.records] == [SKIP]
