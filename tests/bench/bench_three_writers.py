"""Three call-record writers (three offices' `serve` instances) into one PostgreSQL database at
once, beside one writer alone on the same server in the same run.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_three_writers.py -s`.

Each writer is a process of its own with the service's writer stack (CallRecordWriter:
batched transactions, merge by linked id, caller links), started and imported before the
clock starts; a line on stdin starts them together. Each writes RECORDS calls of its own
office's teams (linked ids with the office's Asterisk `systemname` prefix, 2,000 callers per
team so the caller links have chains to follow). The figure is the records per second of the
three together (all records / from the first start to the last commit), the baseline one
writer alone; the ratio says how much the database lets three offices add up. Only
correctness is asserted (every record stored once); the figures are printed.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from ratios import print_ratio

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from pg_cluster import PgCluster, running_cluster  # noqa: E402

RECORDS = 20_000  # per writer and run
RUNS = 3
WRITERS = 3
TEAMS = ("auslaender-a", "auslaender-b", "einbuergerung", "aufenthalt-eu")
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)


def _write(url: str, office: str, records: int, spool: str) -> None:
    """The child: wait for the start line, write the records, print start and end (epoch)."""
    from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
    from callcenter.domain.schedule import State
    from callcenter.storage.call_writer import CallRecordWriter
    from callcenter.storage.database import make_engine

    def record(n: int) -> CallRecord:
        started = T0 + timedelta(seconds=11 * n)
        return CallRecord(
            linked_id=f"{office}-{1772438405 + n}.{n}",
            team=f"{office}-{TEAMS[n % len(TEAMS)]}",
            line_kind=LineKind.TEAM_LINE,
            dialled="06151100",
            caller=f"pseudo-{n % 8000:05d}",
            started=started,
            outcome=Outcome.ANSWERED,
            state_at_arrival=State.OPEN,
            source=DecisionSource.LIVE,
            in_hours=True,
            answered=started + timedelta(seconds=12.25),
            ended=started + timedelta(minutes=2),
            wait_seconds=12.25,
            talk_seconds=107.75,
            answered_by="member-3",
            pilot=False,
        )

    batch = [record(n) for n in range(records)]
    engine = make_engine(url)

    async def run() -> tuple[float, float]:
        async with CallRecordWriter(engine, Path(spool), max_delay=0.01) as writer:
            began = time.time()
            for item in batch:
                await writer.submit(item)
            while writer.stats().queued:
                await asyncio.sleep(0.005)
            stats = writer.stats()
            assert (stats.written, stats.spooled, stats.rejected) == (records, 0, 0), stats
            return began, time.time()

    print("ready", flush=True)
    sys.stdin.readline()
    began, ended = asyncio.run(run())
    engine.dispose()
    print(f"{began!r} {ended!r}", flush=True)


def together(url: str, offices: list[str], tmp: Path) -> float:
    """Records per second of `offices` writing at once (each its own process)."""
    children = [
        subprocess.Popen(
            [sys.executable, __file__, url, office, str(RECORDS), str(tmp / f"{office}.jsonl")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for office in offices
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    spans = []
    for child in children:
        out, _ = child.communicate(timeout=600)
        assert child.returncode == 0
        began, ended = (float(value) for value in out.split())
        spans.append((began, ended))
    seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    return RECORDS * len(offices) / seconds


@pytest.fixture(scope="module")
def postgres() -> Iterator[PgCluster]:
    with running_cluster("callcenter-bench-writers-") as server:
        yield server


@pytest.mark.timeout(1800)
def test_three_writers_beside_one(postgres: PgCluster, tmp_path: Path) -> None:
    from callcenter.storage.database import upgrade

    name = f"writers_{uuid.uuid4().hex[:8]}"
    url = postgres.create_database(name)
    upgrade(url)
    alone: list[float] = []
    three: list[float] = []
    for run in range(RUNS):
        alone.append(together(url, [f"solo{run}"], tmp_path))
        three.append(together(url, [f"amt{run}x{k}" for k in range(WRITERS)], tmp_path))
    with psycopg.connect(postgres.conninfo(name)) as db:
        row = db.execute("SELECT count(*), count(DISTINCT linked_id) FROM call_records").fetchone()
    assert row is not None
    assert row[0] == row[1] == RECORDS * (1 + WRITERS) * RUNS
    print_ratio(
        f"{WRITERS} writers at once into one PostgreSQL, records/s together",
        three,
        "one writer alone, records/s",
        alone,
        unit="records/s",
        higher_is_better=True,
    )


if __name__ == "__main__":
    _write(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
