"""Loading 1,000,000 synthetic calls into SQLite, and the evaluation's SQL passes over them.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_pilot_data.py -s`.
Prints wall and CPU seconds of `app.load_synthetic_pilot_data` into a fresh database (the
brief: well under a minute), then of each aggregate pass of `read_aggregates` (hour cells,
caller sequences, wait histogram) beside a bare GROUP BY team × UTC hour on the same rows,
and of the whole `compute_office_report`. Only correctness is asserted.
"""

from __future__ import annotations

import resource
import sqlite3
import time
from datetime import UTC, date, datetime
from pathlib import Path

from callcenter.config import load_settings
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.synthetic import SyntheticParams
from callcenter.storage import aggregates
from callcenter.storage.store import open_store
from callcenter.usecases.evaluation import compute_office_report
from callcenter.usecases.pilot_data import load_synthetic_pilot_data
from callcenter.usecases.schedule import seed_from_settings

SCALE = 19.5  # ≈ 1,000,000 calls with the default parameters
NOW = datetime(2026, 11, 21, 10, tzinfo=UTC)
BARE = "SELECT team, substr(started, 1, 13) AS h, count(*) FROM call_records GROUP BY team, h"


def _timed(label: str, action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(
        f"  {label:34s} {time.perf_counter() - wall:6.2f} s wall  "
        f"{time.process_time() - cpu:6.2f} s CPU"
    )
    return result


def test_load_and_aggregate_a_million_calls(tmp_path: Path) -> None:
    settings = load_settings(None, environ={}, data_dir=tmp_path)
    store = open_store(settings)
    seed_from_settings(store, "bench", NOW)
    params = SyntheticParams(scale=SCALE)
    print(f"\nsynthetic pilot data, scale {SCALE}")
    written = _timed(
        "load_synthetic_pilot_data",
        lambda: load_synthetic_pilot_data(store, params, 1, now=NOW),
    )
    print(
        f"  {written:,} calls, {(tmp_path / 'callcenter.sqlite3').stat().st_size / 2**20:.0f} MiB"
    )
    assert written > 950_000

    tz, evaluation = settings.tz, EvaluationSettings()
    teams = store.office().team_ids
    period = aggregates.day_bounds_utc(date(2026, 5, 18), params.last_day, tz)
    with sqlite3.connect(tmp_path / "callcenter.sqlite3") as raw:
        bare = _timed("bare GROUP BY team, UTC hour", lambda: raw.execute(BARE).fetchall())
    with store.session() as session:
        cells, _extras, _callers = _timed(
            "hour cells",
            lambda: aggregates._hour_cells(session, tz, teams, period[0], period, evaluation),
        )
        _timed(
            "callers who heard the announcement",
            lambda: aggregates._displaced(session, teams, period, evaluation),
        )
        _timed(
            "wait histogram",
            lambda: aggregates._wait_histograms(session, teams, *period, evaluation),
        )
    report = _timed(
        "compute_office_report", lambda: compute_office_report(store, None, None, now=NOW)
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak:.0f} MiB")
    assert sum(c.offered for c in cells) == written == sum(row[2] for row in bare)
    assert report.totals.offered == written
    store.close()
