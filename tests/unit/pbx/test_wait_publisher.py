"""The estimated-wait publisher: buckets, writes only on change, per-team frequency, re-push."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.queue_wait import bucket_minutes
from callcenter.pbx.wait_publisher import TeamWaits, WaitPublisher, wait_key

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


class Db:
    def __init__(self) -> None:
        self.puts: list[tuple[str, str, str]] = []
        self.fail = False

    async def db_put(self, family: str, key: str, value: str) -> None:
        if self.fail:
            raise ConnectionError("PBX away")
        self.puts.append((family, key, value))


def record(
    n: int,
    waited: float,
    *,
    team: str = "a",
    outcome: Outcome = Outcome.ANSWERED,
    line: LineKind = LineKind.TEAM_LINE,
    at: datetime = NOW,
) -> CallRecord:
    started = at - timedelta(seconds=waited + 60)
    answered = started + timedelta(seconds=waited) if outcome == Outcome.ANSWERED else None
    return CallRecord(
        linked_id=f"id.{n}",
        team=team,
        line_kind=line,
        dialled="06151100",
        caller="x",
        started=started,
        outcome=outcome,
        answered=answered,
        ended=at,
        wait_seconds=waited,
        talk_seconds=60.0 if answered else 0.0,
        answered_by="agent-1" if answered else None,
    )


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(None, 0), (0.0, 0), (14.9, 0), (15.0, 1), (60.0, 1), (61.0, 2), (250.0, 5), (4000.0, 30)],
)
def test_estimates_are_said_in_whole_rendered_minutes(seconds: float | None, minutes: int) -> None:
    assert bucket_minutes(seconds) == minutes


def test_only_queue_calls_of_team_lines_count() -> None:
    waits = TeamWaits()
    waits.observe(record(1, 300.0, line=LineKind.DIRECT_LINE))
    waits.observe(record(2, 300.0, outcome=Outcome.ANNOUNCEMENT))
    assert waits.estimate_seconds(NOW) is None
    waits.observe(record(3, 300.0, outcome=Outcome.TIMEOUT))
    estimate = waits.estimate_seconds(NOW)
    assert estimate is not None
    assert estimate >= 300.0  # a timeout waited at least that long


def test_old_calls_drop_out_of_the_window() -> None:
    waits = TeamWaits()
    waits.observe(record(1, 200.0))
    assert bucket_minutes(waits.estimate_seconds(NOW)) == 5
    assert waits.estimate_seconds(NOW + timedelta(hours=1)) is None


async def test_written_when_changed_at_the_team_frequency_and_again_after_login() -> None:
    db = Db()
    publisher = WaitPublisher(db, {"a": 60})
    await publisher.push_all(NOW)
    assert db.puts == [("callhours", wait_key("a"), "0")]
    publisher.observe(record(1, 200.0))
    publisher.observe(record(2, 200.0, team="b"))  # a team that does not announce
    await publisher.update(NOW + timedelta(seconds=30))  # not due yet
    assert len(db.puts) == 1
    await publisher.update(NOW + timedelta(seconds=60))
    assert db.puts[-1] == ("callhours", "a/wait_minutes", "5")
    await publisher.update(NOW + timedelta(seconds=120))  # unchanged: not written
    assert len(db.puts) == 2
    await publisher.push_all(NOW + timedelta(seconds=130))  # a login writes it anyway
    assert db.puts[-1] == ("callhours", "a/wait_minutes", "5")
    assert len(db.puts) == 3


async def test_a_failed_write_is_tried_again_at_the_next_update() -> None:
    db = Db()
    publisher = WaitPublisher(db, {"a": 15})
    publisher.observe(record(1, 200.0))
    db.fail = True
    await publisher.update(NOW)
    db.fail = False
    await publisher.update(NOW + timedelta(seconds=15))
    assert db.puts == [("callhours", "a/wait_minutes", "5")]
