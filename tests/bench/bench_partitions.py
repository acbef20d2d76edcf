"""Does the monthly partitioning of call_records (migration 0013) help? The same calls in the
partitioned table and in a plain copy with the same indexes, on one PostgreSQL server.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_partitions.py -s`.

~1,000,000 calls of 30 offices (bench_state_scale.py's loader). Timed, three runs each,
partitioned beside plain: the bare GROUP BY of bench_report.py over every call (what the
report reads), one team's month (what a period view reads), and deleting a month's calls
(dropping its partition beside a row-wise DELETE, each in a transaction rolled back, so
every run deletes the same month). Only correctness is asserted; the figures are printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from ratios import MIN_RUNS, print_ratio, timed_runs

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from pg_cluster import PgCluster, running_cluster  # noqa: E402

CALLS = 1_000_000
MONTH = ("2026-09-01 00:00+00", "2026-10-01 00:00+00")
PLAIN_INDEXES = (
    "CREATE INDEX ON plain (team, started)",
    "CREATE INDEX ON plain (team, caller, started, outcome)",
    "CREATE INDEX ON plain (inbound_id)",
    "CREATE UNIQUE INDEX ON plain (linked_id)",
    "CREATE INDEX ON plain (team, started, wait_seconds, outcome, in_hours) "
    "WHERE outcome = 'answered' AND in_hours",
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PgCluster]:
    with running_cluster("callcenter-bench-partitions-") as server:
        yield server


def _timed(conninfo: str, statement: str, rollback: bool = False) -> Callable[[], object]:
    def run() -> object:
        with psycopg.connect(conninfo) as db:
            result = db.execute(statement)  # type: ignore[arg-type]
            rows = result.fetchall() if result.description else result.rowcount
            if rollback:
                db.rollback()
            else:
                db.commit()
            return rows

    return run


@pytest.mark.timeout(3600)
def test_partitioned_beside_plain(postgres: PgCluster, tmp_path: Path) -> None:
    from bench_report import BARE_POSTGRESQL
    from bench_state_scale import load_state, state_config

    url = postgres.create_database("parts")
    data_dir = tmp_path / "parts"
    data_dir.mkdir(mode=0o700)
    (data_dir / "callcenter.toml").write_text(state_config(url), "utf-8")
    calls, _seconds = load_state(url, data_dir, CALLS)
    conninfo = postgres.conninfo("parts")
    with psycopg.connect(conninfo, autocommit=True) as db:
        db.execute("CREATE TABLE plain AS SELECT * FROM call_records")
        for statement in PLAIN_INDEXES:
            db.execute(statement)  # type: ignore[arg-type]
        db.execute("VACUUM ANALYZE call_records")
        db.execute("VACUUM ANALYZE plain")
        team = db.execute("SELECT team FROM call_records LIMIT 1").fetchone()
    assert team is not None
    print(f"\n{calls:,} calls of 30 offices, partitioned beside a plain copy")

    def bare(table: str) -> Callable[[], object]:
        return _timed(conninfo, BARE_POSTGRESQL.replace("FROM call_records", f"FROM {table}"))

    def counts(rows: object) -> list[tuple[object, ...]]:
        assert isinstance(rows, list)
        # Float sums may differ in the last digit with the order of summation.
        return sorted(row[:3] for row in rows)

    assert counts(bare("call_records")()) == counts(bare("plain")())
    print_ratio(
        "bare GROUP BY over every call, partitioned",
        timed_runs(bare("call_records"), MIN_RUNS),
        "plain table",
        timed_runs(bare("plain"), MIN_RUNS),
    )

    def month(table: str) -> Callable[[], object]:
        return _timed(
            conninfo,
            f"SELECT count(*), avg(wait_seconds) FROM {table} WHERE team = '{team[0]}' "
            f"AND started >= '{MONTH[0]}' AND started < '{MONTH[1]}'",
        )

    assert month("call_records")() == month("plain")()
    print_ratio(
        f"one team's month ({team[0]}, September), partitioned",
        timed_runs(month("call_records"), MIN_RUNS),
        "plain table",
        timed_runs(month("plain"), MIN_RUNS),
    )

    # The purge's way (storage/partitions.py): the month's keys, then its partition.
    drop = _timed(
        conninfo,
        "DELETE FROM call_keys k USING call_records_2026_09 p WHERE k.linked_id = p.linked_id;"
        "ALTER TABLE call_records DETACH PARTITION call_records_2026_09;"
        "DROP TABLE call_records_2026_09",
        rollback=True,
    )
    where = f"WHERE started >= '{MONTH[0]}' AND started < '{MONTH[1]}'"
    delete = _timed(conninfo, f"DELETE FROM plain {where}", rollback=True)
    delete_partitioned = _timed(conninfo, f"DELETE FROM call_records {where}", rollback=True)
    gone = delete()
    assert isinstance(gone, int)
    assert gone > 0
    assert delete_partitioned() == gone
    plain_runs = timed_runs(delete, MIN_RUNS)
    print_ratio(
        f"deleting September ({gone:,} calls): its keys and DROP of its partition",
        timed_runs(drop, MIN_RUNS),
        "row-wise DELETE from the plain table",
        plain_runs,
    )
    print_ratio(
        "the same month row-wise from the partitioned table (key trigger included)",
        timed_runs(delete_partitioned, MIN_RUNS),
        "row-wise DELETE from the plain table",
        plain_runs,
    )
