"""`callcenter report` over 100k and 1M synthetic calls (10M opt-in) on SQLite and PostgreSQL,
each beside a bare SQL GROUP BY of the same aggregates on the same database in the same run.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_report.py -s`.
CALLCENTER_BENCH_10M=1 adds 10 million calls (building that database takes many minutes).
The SQLite databases are built once with the synthetic generator and its bulk loader and
cached in the temp directory under a key of the generator's parameters, the seed and the
schema, so reruns start at once (CALLCENTER_BENCH_CACHE moves the cache). PostgreSQL runs
on a throwaway server on 127.0.0.1 (tests/pg_cluster.py), loaded through the same bulk
loader (COPY). Each figure is the median of three runs, printed with min/median/max:

* the real CLI, `callcenter report --no-pdf`, in a subprocess (start-up and imports
  included, with compiled bytecode as an installed package has it), its peak RSS (VmHWM);
* the bare query: one GROUP BY over the same rows giving the same hour-cell counts (team ×
  UTC hour: offered, inside, outside, line kinds, answered / within target / abandoned
  inside, announcements, wait and talk totals, and the caller counts from each call's link
  to the caller's previous call) with the bare driver (sqlite3, psycopg), nothing else.
  The report's own two smaller passes (the answered-wait histogram, the callers who got
  through after the announcement) have no counterpart in the bare query: they count
  against the report;
* the fixed overhead: report minus bare query, run by run;
* the same report through the running service's control socket (`callcenter report` sends
  its arguments, the service computes and renders, the CLI writes the files), beside the
  bare query timed again meanwhile: on an office's machine `serve` runs all the time, and
  this is the path the CLI takes there. The service is warmed by one report first (a
  service that has run a while has its statistics imported and pages cached); every timed
  run computes anew;
* on SQLite also the CPU seconds of both (user + system of the report's process, of the
  bare query's thread): all of SQLite's work runs in the process, so this figure stays
  comparable when other jobs share the machine and stretch every wall-clock time
  (PostgreSQL's work runs in its server processes, which neither figure would count).

Targets (issue 19, printed beside the figures): ≤ 2 × the bare query, fixed overhead
≤ 0.4 s, peak RSS ≤ 1 GiB. Only correctness is asserted; timings never decide pass or fail.
"""

from __future__ import annotations

import asyncio
import filecmp
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from ratios import print_ratio

from callcenter.cli.served import control_handler
from callcenter.config import example_config_text, load_settings, parse_settings
from callcenter.control.client import lane
from callcenter.control.server import ControlServer
from callcenter.evaluation.synthetic import SyntheticParams
from callcenter.storage.store import open_store
from callcenter.usecases.pilot_data import load_synthetic_pilot_data
from callcenter.usecases.schedule import seed_from_settings

REPO = Path(__file__).resolve().parents[2]
# The project's PostgreSQL test cluster (tests/pg_cluster.py), which the tests import by name.
sys.path.insert(0, str(REPO / "tests"))
from pg_cluster import PgCluster, running_cluster  # noqa: E402

SEED = 20261121
CLI = Path(sys.executable).parent / "callcenter"
MIGRATIONS = REPO / "callcenter" / "storage" / "migrations" / "versions"
SL_THRESHOLD_SECONDS = 30
PROBE_SCALE = 1.0
SIZES = [100_000, 1_000_000] + (
    [10_000_000] if os.environ.get("CALLCENTER_BENCH_10M") == "1" else []
)
BACKENDS = ["sqlite", "postgresql"]
RUNS = 3

# The caller counts the report takes from each call's link to the caller's previous call:
# known callers, new contacts (7-day window), first calls of the period (unique callers).
BARE_SQLITE = f"""
SELECT team,
       substr(started, 1, 13) AS utc_hour,
       count(*) AS offered,
       sum(in_hours = 1) AS inside,
       sum(in_hours = 0) AS outside,
       sum(line_kind = 'team_line') AS team_line,
       sum(line_kind = 'direct_line') AS direct_line,
       sum(line_kind = 'switchboard') AS switchboard,
       sum(in_hours = 1 AND outcome = 'answered') AS answered_inside,
       sum(in_hours = 1 AND outcome = 'answered'
           AND wait_seconds <= {SL_THRESHOLD_SECONDS}) AS within_target,
       sum(in_hours = 1 AND outcome = 'abandoned') AS abandoned_inside,
       sum(outcome IN ('announcement', 'announcement_hangup')) AS announcements,
       sum(CASE WHEN outcome = 'answered' THEN wait_seconds ELSE 0 END) AS wait_total,
       sum(CASE WHEN outcome = 'answered' THEN talk_seconds ELSE 0 END) AS talk_total,
       sum(caller != '') AS known_callers,
       sum(caller != '' AND (previous_started IS NULL
           OR julianday(started) - julianday(previous_started) > 7)) AS new_contacts,
       sum(caller != '' AND (previous_started IS NULL
           OR previous_started < '2026-05-25')) AS first_calls
FROM call_records
GROUP BY team, utc_hour
"""

BARE_POSTGRESQL = f"""
SELECT team,
       to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24') AS utc_hour,
       count(*) AS offered,
       count(*) FILTER (WHERE in_hours) AS inside,
       count(*) FILTER (WHERE NOT in_hours) AS outside,
       count(*) FILTER (WHERE line_kind = 'team_line') AS team_line,
       count(*) FILTER (WHERE line_kind = 'direct_line') AS direct_line,
       count(*) FILTER (WHERE line_kind = 'switchboard') AS switchboard,
       count(*) FILTER (WHERE in_hours AND outcome = 'answered') AS answered_inside,
       count(*) FILTER (WHERE in_hours AND outcome = 'answered'
           AND wait_seconds <= {SL_THRESHOLD_SECONDS}) AS within_target,
       count(*) FILTER (WHERE in_hours AND outcome = 'abandoned') AS abandoned_inside,
       count(*) FILTER (WHERE outcome IN ('announcement', 'announcement_hangup'))
           AS announcements,
       sum(wait_seconds) FILTER (WHERE outcome = 'answered') AS wait_total,
       sum(talk_seconds) FILTER (WHERE outcome = 'answered') AS talk_total,
       count(*) FILTER (WHERE caller != '') AS known_callers,
       count(*) FILTER (WHERE caller != '' AND (previous_started IS NULL
           OR started - previous_started > interval '7 days')) AS new_contacts,
       count(*) FILTER (WHERE caller != '' AND (previous_started IS NULL
           OR previous_started < '2026-05-25')) AS first_calls
FROM call_records
GROUP BY team, utc_hour
"""


@dataclass(frozen=True)
class Database:
    backend: str
    calls: int
    env: dict[str, str]
    url: str  # the bare driver's: a SQLite file path or a libpq conninfo

    def timed_bare_rows(self) -> tuple[float, float]:
        """(wall seconds, CPU seconds of this thread, where the driver does the work)."""
        wall, cpu = time.perf_counter(), time.thread_time()
        self.bare_rows()
        return time.perf_counter() - wall, time.thread_time() - cpu

    def bare_rows(self) -> list[tuple[object, ...]]:
        if self.backend == "sqlite":
            with sqlite3.connect(self.url) as db:
                return db.execute(BARE_SQLITE).fetchall()
        with psycopg.connect(self.url) as db:
            return db.execute(BARE_POSTGRESQL).fetchall()


def cache_root() -> Path:
    return Path(os.environ.get("CALLCENTER_BENCH_CACHE", Path(tempfile.gettempdir())))


def schema_key() -> str:
    """Migrations change the table layout: a new one must not reuse an old database."""
    names = sorted(path.name for path in MIGRATIONS.glob("*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


def params_for(scale: float) -> SyntheticParams:
    return replace(SyntheticParams(), scale=scale)


def cache_dir(params: SyntheticParams) -> Path:
    text = repr(sorted(asdict(params).items())) + f"|seed={SEED}|schema={schema_key()}"
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    return cache_root() / "callcenter-bench-report" / key


def environment(data_dir: Path, config: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CALLCENTER_CONFIG", None)
    # An installed package has its bytecode compiled; a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module on each start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["CALLCENTER_DATA_DIR"] = str(data_dir)
    if config is not None:
        env["CALLCENTER_CONFIG"] = str(config)
    return env


def _progress() -> object:
    last = [0.0]

    def progress(*args: object) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  … loading: {args}", flush=True)

    return progress


def load(settings_env: dict[str, str], data_dir: Path, params: SyntheticParams) -> float:
    config = settings_env.get("CALLCENTER_CONFIG")
    settings = load_settings(
        Path(config) if config else None, environ=settings_env, data_dir=data_dir
    )
    began = time.perf_counter()
    store = open_store(settings)
    try:
        seed_from_settings(store, "bench", datetime.now(UTC))
        load_synthetic_pilot_data(store, params, SEED, on_progress=_progress())  # type: ignore[arg-type]
    finally:
        store.close()
    return time.perf_counter() - began


def sqlite_database(params: SyntheticParams) -> Database:
    """The cached SQLite data directory; built (and timed) when missing."""
    data_dir = cache_dir(params) / "data"
    done = data_dir / "COMPLETE"
    path = data_dir / "callcenter.sqlite3"
    if not done.exists():
        if data_dir.exists():
            for leftover in data_dir.iterdir():  # an interrupted build: start over
                leftover.unlink()
        took = load(environment(data_dir), data_dir, params)
        with sqlite3.connect(path) as db:
            calls = int(db.execute("SELECT count(*) FROM call_records").fetchone()[0])
        done.write_text(str(calls))
        print(f"\nbuilt SQLite: {calls:,} calls in {took:.1f} s → {data_dir}", flush=True)
    return Database("sqlite", int(done.read_text()), environment(data_dir), str(path))


def postgresql_database(server: PgCluster, params: SyntheticParams, root: Path) -> Database:
    name = f"bench_{int(params.scale * 100)}"
    url = server.create_database(name)
    data_dir = root / name
    data_dir.mkdir(parents=True)
    config = data_dir / "callcenter.toml"
    config.write_text(example_config_text().replace('url = ""', f'url = "{url}"', 1), "utf-8")
    parse_settings(config.read_text("utf-8"), config, data_dir=data_dir)  # fails early if wrong
    env = environment(data_dir, config)
    took = load(env, data_dir, params)
    conninfo = server.conninfo(name)
    with psycopg.connect(conninfo, autocommit=True) as db:
        db.execute("VACUUM ANALYZE call_records")
        row = db.execute("SELECT count(*) FROM call_records").fetchone()
    assert row is not None
    print(f"\nloaded PostgreSQL: {row[0]:,} calls in {took:.1f} s (COPY)", flush=True)
    return Database("postgresql", int(row[0]), env, conninfo)


def probe_calls() -> int:
    return sqlite_database(params_for(PROBE_SCALE)).calls


def scale_for(calls: int) -> float:
    """The generator scale that yields about `calls` calls (its volume is linear in it)."""
    return round(PROBE_SCALE * calls / probe_calls(), 2)


@dataclass(frozen=True)
class ReportRun:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system of the process, all its threads
    stdout: str
    peak_mib: float


def run_report(db: Database, out_dir: Path, *, served: bool = False) -> ReportRun:
    """The real CLI in a subprocess: its wall and CPU seconds, output and peak RSS; direct
    (it opens the database itself) or `served` (through the control socket).

    The peak is the child's own VmHWM, read from /proc while it runs: getrusage's
    ru_maxrss of a child started by vfork/posix_spawn counts this (large) test process's
    memory, which the child shared until its exec. The CPU seconds come from wait4()."""
    command = [str(CLI), "report", "--out", str(out_dir), "--no-pdf"]
    env = db.env if served else {**db.env, "CALLCENTER_NO_CONTROL": "1"}
    began = time.perf_counter()
    peak_kib = 0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # Files, not pipes: nobody reads a pipe while wait4() polls.
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, high_water_kib(child.pid))
            time.sleep(0.02)
        took = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    assert child.returncode == 0, stderr + stdout
    return ReportRun(took, usage.ru_utime + usage.ru_stime, stdout, peak_kib / 1024)


class ServiceSocket:
    """The control socket as `callcenter serve` runs it — the same handler on an open store,
    reports in their own lane — hosted in a thread of this process: what a report costs
    through a running service. The PBX side of `serve` has no part in a report."""

    def __init__(self, db: Database) -> None:
        config = db.env.get("CALLCENTER_CONFIG")
        data_dir = Path(db.env["CALLCENTER_DATA_DIR"])
        self.settings = load_settings(
            Path(config) if config else None, environ=db.env, data_dir=data_dir
        )
        self.store = open_store(self.settings)
        handler = control_handler(self.store, self.settings, config)
        self.server = ControlServer(data_dir / "control.sock", handler, lane=lane)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> ServiceSocket:
        self.thread.start()
        started = asyncio.run_coroutine_threadsafe(self.server.start(), self.loop)
        assert started.result(30), "the control socket did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(600)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()
        self.store.close()


def high_water_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # exited meanwhile
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@pytest.fixture(scope="module")
def postgres() -> Iterator[PgCluster]:
    with running_cluster("callcenter-bench-pg-") as server:
        yield server


@pytest.mark.timeout(7200)  # building the databases the first time takes minutes on 2 cores
@pytest.mark.parametrize("size", SIZES, ids=lambda n: f"{n // 1000}k")
@pytest.mark.parametrize("backend", BACKENDS)
def test_report_beside_the_bare_group_by(
    backend: str, size: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    params = params_for(scale_for(size))
    if backend == "sqlite":
        db = sqlite_database(params)
    else:
        db = postgresql_database(request.getfixturevalue("postgres"), params, tmp_path / "pg")
    print(f"\n{backend}, {db.calls:,} calls (generator scale {params.scale})")
    assert db.calls >= 0.9 * size

    rows = db.bare_rows()  # warms the cache for both
    assert sum(int(row[2]) for row in rows) == db.calls

    runs: list[ReportRun] = []
    bare, bare_cpu = zip(*(db.timed_bare_rows() for _ in range(RUNS)), strict=True)
    for run in range(RUNS):
        runs.append(run_report(db, tmp_path / f"site-{run}"))
        index = tmp_path / f"site-{run}" / "index.html"
        assert index.is_file()
        assert str(index.resolve()) in runs[-1].stdout
    label = f"{backend} {db.calls:,} calls"
    print_beside_bare(f"callcenter report --no-pdf, {label}", runs, bare, len(rows))
    if backend == "sqlite":
        print_ratio(
            f"CPU seconds of callcenter report --no-pdf, {label}",
            [r.cpu_seconds for r in runs],
            "CPU seconds of the bare GROUP BY",
            bare_cpu,
            target="≤ 2 ×",
        )
    peak = max(r.peak_mib for r in runs)
    print(f"  peak RSS of the report: max {peak:.0f} MiB (target ≤ 1024 MiB)", flush=True)

    # Through a running service: one report first, as a service that has run a while has
    # its statistics imported and the database's pages in its connections' cache; then
    # each run is computed anew (no result is kept between reports).
    with ServiceSocket(db):
        run_report(db, tmp_path / "site-served-warm-up", served=True)
        served = [
            run_report(db, tmp_path / f"site-served-{run}", served=True) for run in range(RUNS)
        ]
        served_bare, _ = zip(*(db.timed_bare_rows() for _ in range(RUNS)), strict=True)
    for run in range(RUNS):
        written = tmp_path / f"site-served-{run}"
        assert filecmp.cmp(written / "index.html", tmp_path / "site-0" / "index.html", False)
        assert str(written / "index.html") in served[run].stdout
    print_beside_bare(
        f"callcenter report --no-pdf through the running service, {label}",
        served,
        served_bare,
        len(rows),
    )


def print_beside_bare(
    figure: str, runs: list[ReportRun], bare: tuple[float, ...], rows: int
) -> None:
    """The report's seconds and its fixed overhead (report − bare query, run by run; at 100k
    calls nearly all of it), each beside the bare GROUP BY of the same run."""
    seconds = [run.seconds for run in runs]
    print_ratio(figure, seconds, f"bare GROUP BY ({rows:,} rows)", bare, target="≤ 2 ×")
    print_ratio(
        f"{figure}: − bare GROUP BY, run by run (the fixed overhead)",
        [r - b for r, b in zip(seconds, bare, strict=True)],
        "bare GROUP BY",
        bare,
        target="overhead ≤ 0.4 s",
    )
