"""`callcenter report` over 1,000,000 synthetic calls on SQLite, beside a bare SQL GROUP BY.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_report.py -s`.
The database is built once with the synthetic generator and its bulk loader and cached in the
temp directory under a key of the generator's parameters, the seed and the schema, so reruns
start at once (CALLCENTER_BENCH_CACHE moves the cache). Timed in the same run:

* the real CLI, `callcenter report --no-pdf`, in a subprocess (start-up and imports included),
  its peak RSS (VmHWM); then the same with the PDF, for the record;
* the bare query: one GROUP BY over the same rows giving the same hour-cell counts (team ×
  UTC hour: offered, inside, outside, line kinds, answered / within target / abandoned inside,
  announcements, wait and talk totals, and the caller counts from each call's link to the
  caller's previous call) with Python's sqlite3, nothing else; printed beside it, the same
  without the caller counts. The report's own two smaller passes (the answered-wait
  histogram, the callers who got through after the announcement) have no counterpart in
  the bare query: they count against the report.

Targets (printed beside the figures): report ≤ 10 s, ≤ 2 × the bare query, peak RSS ≤ 1 GiB.
Only correctness is asserted; timings never decide pass or fail.
"""

from __future__ import annotations

import hashlib
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.config import load_settings
from callcenter.evaluation.synthetic import SyntheticParams
from callcenter.storage.store import open_store
from callcenter.usecases.pilot_data import load_synthetic_pilot_data
from callcenter.usecases.schedule import seed_from_settings

TARGET_CALLS = 1_000_000
SEED = 20261121
REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "callcenter"
MIGRATIONS = REPO / "callcenter" / "storage" / "migrations" / "versions"
SL_THRESHOLD_SECONDS = 30

BARE_QUERY = f"""
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
       sum(CASE WHEN outcome = 'answered' THEN talk_seconds ELSE 0 END) AS talk_total
FROM call_records
GROUP BY team, utc_hour
"""

# The same GROUP BY with the caller counts the report takes from each call's link to the
# caller's previous call: known callers, new contacts (7-day window), first calls of the
# period (unique callers).
BARE_QUERY_WITH_CALLERS = BARE_QUERY.replace(
    "FROM call_records",
    """,
       sum(caller != '') AS known_callers,
       sum(caller != '' AND (previous_started IS NULL
           OR julianday(started) - julianday(previous_started) > 7)) AS new_contacts,
       sum(caller != '' AND (previous_started IS NULL
           OR previous_started < '2026-05-25')) AS first_calls
FROM call_records""",
)


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


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CALLCENTER_CONFIG", None)
    env["CALLCENTER_DATA_DIR"] = str(data_dir)
    return env


def build_database(params: SyntheticParams) -> tuple[Path, int, float]:
    """The cached data directory with its call count; built (and timed) when missing."""
    data_dir = cache_dir(params) / "data"
    done = data_dir / "COMPLETE"
    if done.exists():
        return data_dir, int(done.read_text()), 0.0
    if data_dir.exists():
        for leftover in data_dir.iterdir():  # an interrupted build: start over
            leftover.unlink()
    settings = load_settings(None, environ=environment(data_dir), data_dir=data_dir)
    began = time.perf_counter()
    store = open_store(settings)
    try:
        seed_from_settings(store, "bench", datetime.now(UTC))
        last = [0.0]

        def progress(*args: object) -> None:
            if time.perf_counter() - last[0] > 5:
                last[0] = time.perf_counter()
                print(f"  … loading: {args}", flush=True)

        loaded = load_synthetic_pilot_data(store, params, SEED, on_progress=progress)
    finally:
        store.close()
    took = time.perf_counter() - began
    calls = count_calls(data_dir)
    assert calls >= loaded > 0
    done.write_text(str(calls))
    return data_dir, calls, took


def count_calls(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "callcenter.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM call_records").fetchone()[0])


def bare_group_by(
    data_dir: Path, query: str = BARE_QUERY_WITH_CALLERS
) -> tuple[float, float, list[tuple[object, ...]]]:
    """(wall seconds, CPU seconds, rows) of a bare query."""
    began, cpu = time.perf_counter(), time.process_time()
    with sqlite3.connect(data_dir / "callcenter.sqlite3") as db:
        rows = db.execute(query).fetchall()
    return time.perf_counter() - began, time.process_time() - cpu, rows


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_report(data_dir: Path, out_dir: Path, *, pdf: bool) -> tuple[float, float, str, float]:
    """(wall seconds, CPU seconds, stdout, peak RSS in MiB) of the real CLI in a subprocess.

    The peak is the child's own VmHWM, read from /proc while it runs: getrusage's
    ru_maxrss of a child started by vfork/posix_spawn counts this (large) test process's
    memory, which the child shared until its exec."""
    command = [str(CLI), "report", "--out", str(out_dir), "--pdf" if pdf else "--no-pdf"]
    began, cpu = time.perf_counter(), children_cpu()
    peak_kib = 0
    with subprocess.Popen(
        command,
        env=environment(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        while child.poll() is None:
            peak_kib = max(peak_kib, high_water_kib(child.pid))
            time.sleep(0.02)
        stdout, stderr = child.communicate()
    took = time.perf_counter() - began
    assert child.returncode == 0, stderr + stdout
    return took, children_cpu() - cpu, stdout, peak_kib / 1024


def high_water_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # exited meanwhile
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def phases(data_dir: Path, out_dir: Path) -> dict[str, float]:
    """Where a report's time goes, measured in this process (after the timed runs)."""
    began = time.perf_counter()
    from callcenter.reporting.site import write_site
    from callcenter.usecases.evaluation import compute_office_report

    imported = time.perf_counter()
    settings = load_settings(None, environ=environment(data_dir), data_dir=data_dir)
    store = open_store(settings)
    try:
        opened = time.perf_counter()
        report = compute_office_report(store, None, None, None, now=datetime.now(UTC))
        computed = time.perf_counter()
        write_site(report, out_dir)
        written = time.perf_counter()
    finally:
        store.close()
    return {
        "imports (already loaded here)": imported - began,
        "open + migrate": opened - imported,
        "compute_office_report (SQL aggregates + evaluation)": computed - opened,
        "write_site (figures + pages, both languages)": written - computed,
    }


def calibrated_scale() -> float:
    """The generator scale that yields about TARGET_CALLS calls (its volume is linear in it)."""
    probe_dir, probe_calls, _ = build_database(params_for(1.0))
    del probe_dir
    return round(TARGET_CALLS / probe_calls, 2)


@pytest.mark.timeout(3600)  # building the database the first time takes minutes on 2 cores
def test_report_over_a_million_calls(tmp_path: Path) -> None:
    scale = calibrated_scale()
    params = params_for(scale)
    data_dir, calls, load_seconds = build_database(params)
    if load_seconds:
        print(f"\nbuilt {calls:,} calls in {load_seconds:.1f} s (scale {scale}) → {data_dir}")
    else:
        print(f"\ncached database: {calls:,} calls (scale {scale}) in {data_dir}")
    assert calls >= 0.9 * TARGET_CALLS

    bare_seconds, bare_cpu, rows = bare_group_by(data_dir)
    assert sum(int(row[2]) for row in rows) == calls

    report_seconds, report_cpu, output, rss_mib = run_report(data_dir, tmp_path / "site", pdf=False)
    index = tmp_path / "site" / "index.html"
    assert index.is_file()
    assert str(index.resolve()) in output
    assert (tmp_path / "site" / "team-auslaender-a.html").is_file()

    bare_again, bare_cpu_again, _ = bare_group_by(data_dir)  # page cache warm for both now
    bare, bare_cpu = min(bare_seconds, bare_again), min(bare_cpu, bare_cpu_again)
    hours_only, _, _ = bare_group_by(data_dir, BARE_QUERY)
    pdf_seconds, _, _, _ = run_report(data_dir, tmp_path / "site-pdf", pdf=True)
    assert (tmp_path / "site-pdf" / "pilot.pdf").read_bytes().startswith(b"%PDF")
    where = phases(data_dir, tmp_path / "site-phases")

    # Wall time on a shared 2-core machine depends on the neighbours; CPU time much less.
    print(
        f"bare SQL GROUP BY of the same aggregates (team × UTC hour, {len(rows):,} rows, "
        f"with the caller counts): {bare:.2f} s; without the caller counts: "
        f"{hours_only:.2f} s (report {report_seconds / hours_only:.2f} × that)"
    )
    print(
        f"callcenter report --no-pdf: {report_seconds:.2f} s (target ≤ 10 s), "
        f"{report_seconds / bare:.2f} × the bare query (target ≤ 2), "
        f"peak RSS {rss_mib:.0f} MiB (target ≤ 1024 MiB)"
    )
    print(
        f"CPU seconds: report {report_cpu:.2f} s, bare query {bare_cpu:.2f} s "
        f"({report_cpu / max(bare_cpu, 1e-9):.2f} ×)"
    )
    print(f"callcenter report with PDF: {pdf_seconds:.2f} s")
    for phase, seconds in where.items():
        print(f"  {phase}: {seconds:.2f} s")
    lines = output.splitlines()
    print(f"report output: {lines[0]} … {lines[-1]}")
