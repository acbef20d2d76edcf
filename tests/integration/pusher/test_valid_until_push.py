"""`callhours/_valid_until` as the state pusher writes it: value, order, repair, failure.

The invariant the dialplan relies on: whenever `_valid_until` in AstDB lies after a
boundary, every team's value in AstDB is already the state from that boundary on. A call
may see the old limit with the new state (the fallback decides that second), never the
new limit with the old state.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.clock import AcceleratedClock
from callcenter.domain.schedule import Office, Team, state_at, windows_from_spec
from callcenter.pbx.pusher import StatePusher

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN)
TUESDAY_NINE = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)


class FakeAstDb:
    """Every DBPut in order with the AstDB contents after it; can be made to fail."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.log: list[tuple[str, str]] = []
        self.snapshots: list[dict[str, str]] = []
        self.fail_keys: set[str] = set()

    async def db_put(self, family: str, key: str, value: str) -> None:
        assert family == "callhours"
        if key in self.fail_keys:
            raise ConnectionError("PBX refuses")
        self.values[key] = value
        self.log.append((key, value))
        self.snapshots.append(dict(self.values))

    def keys(self) -> list[str]:
        return [key for key, _ in self.log]


class SteppedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def seconds_until(self, at: datetime) -> float:
        return (at - self.current).total_seconds()

    def real_seconds(self, simulated: float) -> float:
        return max(0.0, simulated)


def epoch(at: datetime) -> str:
    return str(int(at.timestamp()))


def office(*specs: tuple[str, str]) -> Office:
    teams = tuple(Team(tid, tid.upper(), windows=windows_from_spec(spec)) for tid, spec in specs)
    return Office(BERLIN, {}, teams)


TWO_TEAMS = office(("a", "Mo-Fr 09:00-12:00"), ("b", "Mo-Fr 08:00-12:00"))


@pytest.fixture
async def scheduler():
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    yield scheduler
    scheduler.shutdown(wait=False)


async def test_push_all_writes_states_then_valid_until_then_heartbeat(scheduler) -> None:
    clock = SteppedClock(datetime(2026, 11, 23, 10, 0, 0, 500_000, tzinfo=BERLIN))
    astdb = FakeAstDb()
    pusher = StatePusher(astdb, lambda: TWO_TEAMS, clock, scheduler)
    assert await pusher.push_all()
    assert astdb.keys() == ["a", "b", "_valid_until", "_heartbeat"]
    assert astdb.values["_valid_until"] == epoch(MONDAY_NOON)
    assert pusher.stats.valid_until == MONDAY_NOON


async def test_the_heartbeat_rewrites_valid_until_before_the_heartbeat(scheduler) -> None:
    clock = SteppedClock(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN))
    astdb = FakeAstDb()
    pusher = StatePusher(astdb, lambda: TWO_TEAMS, clock, scheduler)
    await pusher.push_all()
    astdb.log.clear()
    clock.current += timedelta(seconds=5)
    assert await pusher.push_heartbeat()
    assert astdb.log == [("_valid_until", epoch(MONDAY_NOON)), ("_heartbeat", epoch(clock.now()))]


async def test_a_heartbeat_after_a_missed_boundary_pushes_the_states_first(scheduler) -> None:
    # The boundary job did not run (late timer): the heartbeat must not vouch for "open".
    clock = SteppedClock(datetime(2026, 11, 23, 11, 59, 55, tzinfo=BERLIN))
    astdb = FakeAstDb()
    pusher = StatePusher(astdb, lambda: TWO_TEAMS, clock, scheduler)
    await pusher.push_all()
    astdb.log.clear()
    clock.current = MONDAY_NOON + timedelta(seconds=2)
    assert await pusher.push_heartbeat()
    assert astdb.log == [
        ("a", "closed:hours"),
        ("b", "closed:hours"),
        ("_valid_until", epoch(datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN))),
        ("_heartbeat", epoch(clock.now())),
    ]


async def test_a_failed_state_write_ends_the_validity_now(scheduler) -> None:
    now = datetime(2026, 11, 23, 10, 0, 30, 700_000, tzinfo=BERLIN)
    clock = SteppedClock(now)
    astdb = FakeAstDb()
    pusher = StatePusher(astdb, lambda: TWO_TEAMS, clock, scheduler, retry_delay=0.001)
    await pusher.push_all()
    astdb.fail_keys.add("b")
    assert not await pusher.push_all()
    # The PBX routes by the fallback from this second on (rounded down: never later).
    assert astdb.values["_valid_until"] == epoch(now) == str(int(now.timestamp()))
    assert astdb.keys()[-2:] == ["_valid_until", "_heartbeat"]
    # Every heartbeat retries the whole sync until it succeeds again.
    astdb.fail_keys.clear()
    astdb.log.clear()
    assert await pusher.push_heartbeat()
    assert astdb.keys() == ["a", "b", "_valid_until", "_heartbeat"]
    assert astdb.values["_valid_until"] == epoch(MONDAY_NOON)


async def test_teams_closing_together_share_one_boundary_job(scheduler) -> None:
    clock = AcceleratedClock(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN), speed=1)
    pusher = StatePusher(FakeAstDb(), lambda: TWO_TEAMS, clock, scheduler)
    pusher.reschedule()
    boundary_jobs = sorted(
        job.id for job in scheduler.get_jobs() if job.id.startswith("callhours-boundary")
    )
    # Within two days (to Wed 10:00): 12:00 (both teams) once a day, 08:00 (b), 09:00 (a).
    assert boundary_jobs == [
        "callhours-boundary:2026-11-23T12:00:00+01:00",
        "callhours-boundary:2026-11-24T08:00:00+01:00",
        "callhours-boundary:2026-11-24T09:00:00+01:00",
        "callhours-boundary:2026-11-24T12:00:00+01:00",
        "callhours-boundary:2026-11-25T08:00:00+01:00",
        "callhours-boundary:2026-11-25T09:00:00+01:00",
    ]


async def test_at_a_boundary_no_snapshot_shows_a_new_limit_with_an_old_state(scheduler) -> None:
    # 12 simulated seconds before both teams close; at 60x that is a fifth of a real second.
    start = MONDAY_NOON - timedelta(seconds=12)
    clock = AcceleratedClock(start, speed=60)
    astdb = FakeAstDb()
    pusher = StatePusher(astdb, lambda: TWO_TEAMS, clock, scheduler, heartbeat_seconds=0.05)
    await pusher.push_all()
    pusher.start()
    for _ in range(300):
        if astdb.values.get("_valid_until") == epoch(datetime(2026, 11, 24, 8, tzinfo=BERLIN)):
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail(f"the limit never moved past the boundary: {astdb.log[-6:]}")
    assert astdb.keys().count("_heartbeat") >= 2  # heartbeats ran across the boundary
    boundary_epoch = int(MONDAY_NOON.timestamp())
    for snapshot in astdb.snapshots:
        limit = int(snapshot.get("_valid_until", "0"))
        if limit > boundary_epoch:
            assert snapshot["a"] == snapshot["b"] == "closed:hours", snapshot
        else:
            assert limit in (0, boundary_epoch), snapshot  # 0: not written yet
    # And every limit written is the first boundary after the state it vouches for.
    for team in TWO_TEAMS.team_ids:
        schedule = TWO_TEAMS.schedule_for(team)
        assert state_at(schedule, MONDAY_NOON).astdb_value == astdb.values[team]


async def test_no_boundary_within_a_week_writes_now_plus_seven_days(scheduler) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
    no_hours = Office(BERLIN, {}, (Team("a", "A"),))
    astdb = FakeAstDb()
    pusher = StatePusher(astdb, lambda: no_hours, SteppedClock(now), scheduler)
    await pusher.push_all()
    assert astdb.values["a"] == "closed:hours"
    assert astdb.values["_valid_until"] == epoch(now.astimezone(UTC) + timedelta(days=7))
