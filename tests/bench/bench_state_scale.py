"""PostgreSQL at the scale of a state (issue 19, point 5): 10 million synthetic calls of 30
offices in one database, then the report and the evaluation page at that size.

Opt-in (about 15 minutes on 2 cores, most of it loading): `CALLCENTER_BENCH_STATE=1 make bench`, or

    CALLCENTER_BENCH_STATE=1 .venv/bin/python -m pytest tests/bench/bench_state_scale.py -s

CALLCENTER_BENCH_STATE_CALLS sets another total (default 10,000,000), for a quicker look.
Without CALLCENTER_BENCH_STATE=1 the test only says how to run it.

The state: 30 offices, each the example office's four teams under ids of its own
(`auslaender-a-07`, its own numbers), seeded from one configuration into one database on a
throwaway PostgreSQL server (tests/pg_cluster.py). Each office's calls are the synthetic
generator's with a seed of its own, 26 weeks around the pilot; each call's link to the
caller's previous call is computed while loading (numpy, per office) and copied along, so
no link pass over 10M rows follows.
Printed: load time and rows/s; `callcenter report --no-pdf` beside the bare GROUP BY of
bench_report.py (three runs each, its helpers and ratios.py); the evaluation page's first
computation and its p95 at 10 concurrent users beside a bare aiohttp handler (bench_web.py's
load generator); the report's peak RSS; the machine's load. Only correctness is asserted
(every call loaded once, the bare query counts them all).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import psycopg
import pytest
from ratios import MIN_RUNS, print_ratio, timed_runs

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from pg_cluster import PgCluster, running_cluster  # noqa: E402

from callcenter.domain.schedule import Office  # noqa: E402

ENABLED = os.environ.get("CALLCENTER_BENCH_STATE") == "1"
CALLS = int(os.environ.get("CALLCENTER_BENCH_STATE_CALLS", "10000000"))
OFFICES = 30
SEED = 20261205
TEAMS = ("auslaender-a", "auslaender-b", "einbuergerung", "aufenthalt-eu")
CLI = [sys.executable, "-m", "callcenter"]


def _one(db: psycopg.Connection[tuple[object, ...]], query: str) -> object:
    row = db.execute(query).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return row[0]


def office_id(team: str, office: int) -> str:
    return f"{team}-{office:02d}"


def state_config(url: str) -> str:
    """The example configuration with 30 offices' teams (own ids, numbers and pilots)."""
    from callcenter.config import example_config_text

    text = example_config_text().replace('url = ""', f'url = "{url}"', 1)
    first = text.index("[[teams]]")
    end = text.index("# ----", first)
    block = text[first:end]
    pilots = text[text.index("[[pilots]]") :]
    text = text[:first] + "{TEAMS}" + text[end : text.index("[[pilots]]")]
    teams, pilot_blocks = [], []
    for office in range(OFFICES):

        def rename(part: str, office: int = office) -> str:
            for team in TEAMS:
                part = part.replace(f'"{team}"', f'"{office_id(team, office)}"')
            # Numbers of their own: 06151… becomes 0<office>6151…
            return re.sub(r'"(_?)0(6151\d*X*)"', rf'"\g<1>0{office + 10:02d}\g<2>"', part)

        teams.append(rename(block))
        pilot_blocks.append(rename(pilots))
    text = text.replace("{TEAMS}", "\n".join(teams)) + "\n" + "\n".join(pilot_blocks)
    for team in TEAMS:  # the rest of the example names office 0's teams
        text = text.replace(f'"{team}"', f'"{office_id(team, 0)}"')
        text = text.replace(f"{{ {team} =", f"{{ {office_id(team, 0)} =")
    return text


def with_previous(columns: dict[str, list[object]], withheld: str) -> None:
    """Add each call's previous call of the same caller to the same team (microseconds, or
    None), ordered by start and then load order as storage/caller_links.py orders them."""
    team = np.array(columns["team"], dtype=object)
    caller = np.array(columns["caller"], dtype=object)
    started = np.array(columns["started"], dtype=np.int64)
    order = np.lexsort((np.arange(len(started)), started, caller, team))
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (team[order][1:] == team[order][:-1]) & (caller[order][1:] == caller[order][:-1])
    previous = np.full(len(order), -1, dtype=np.int64)
    previous[order[1:][same[1:]]] = started[order[:-1][same[1:]]]
    previous[caller == withheld] = -1
    columns["previous_started"] = [None if p < 0 else p for p in previous.tolist()]


def load_state(url: str, data_dir: Path, calls_wanted: int) -> tuple[int, float]:
    """Seed the 30 offices and copy their calls in; (calls, seconds)."""
    from callcenter.config import parse_settings
    from callcenter.domain.pseudonym import WITHHELD
    from callcenter.evaluation.synthetic import SyntheticParams, generate, prepare_office
    from callcenter.holiday_calendar import german_holidays
    from callcenter.storage.bulk_calls import insert_call_columns
    from callcenter.storage.store import open_store
    from callcenter.usecases.schedule import seed_from_settings

    config = data_dir / "callcenter.toml"
    settings = parse_settings(config.read_text("utf-8"), config, data_dir=data_dir)
    began = time.perf_counter()
    store = open_store(settings)
    try:
        seed_from_settings(store, "bench", datetime.now(UTC))
        with store.unit_of_work() as uow:
            state = uow.schedules.load_office(settings.tz, german_holidays)
        office = first_office(state)
        probe = generate(SyntheticParams(), prepare_office(SyntheticParams(), office), SEED)
        params = replace(SyntheticParams(), scale=round(calls_wanted / OFFICES / len(probe), 3))
        prepared = prepare_office(params, office)
        total = 0
        for number in range(OFFICES):
            calls = generate(params, prepared, SEED + number)
            chunks = list(calls.row_chunks(len(calls)))
            columns = chunks[0]
            columns["team"] = [office_id(str(t), number) for t in columns["team"]]
            columns["linked_id"] = [f"amt{number:02d}-{x}" for x in columns["linked_id"]]
            with_previous(columns, WITHHELD)
            with store.engine.begin() as connection:
                total += insert_call_columns(connection, columns)
            took = time.perf_counter() - began
            print(f"  office {number + 1}/{OFFICES}: {total:,} calls, {took:.0f} s", flush=True)
    finally:
        store.close()
    return total, time.perf_counter() - began


def first_office(state: Office) -> Office:
    """Office 0 under the generator's team ids: every office has the same schedule."""

    def ours(team: str | None) -> bool:
        return team is None or team.endswith("-00")

    def base(team: str) -> str:
        return team.removesuffix("-00")

    return replace(
        state,
        teams=tuple(replace(t, id=base(t.id)) for t in state.teams if ours(t.id)),
        pilots=tuple(replace(p, team=base(p.team)) for p in state.pilots if ours(p.team)),
        openings=tuple(replace(o, team=base(o.team)) for o in state.openings if ours(o.team)),
        closures=tuple(
            replace(c, team=None if c.team is None else base(c.team))
            for c in state.closures
            if ours(c.team)
        ),
    )


def serve_app(config: str, port: int) -> None:
    """The web app alone on `config` (bench_web.py's web_load.py serves a data directory)."""
    from aiohttp import web

    from callcenter.clock import SystemClock
    from callcenter.config import load_settings
    from callcenter.storage.store import open_store
    from callcenter.web.app import create_app

    data_dir = Path(os.environ["CALLCENTER_DATA_DIR"])
    settings = load_settings(Path(config), environ=dict(os.environ), data_dir=data_dir)
    store = open_store(settings)
    web.run_app(
        create_app(store, settings, SystemClock()),
        host="127.0.0.1",
        port=port,
        print=None,
        access_log=None,
    )


@pytest.fixture(scope="module")
def postgres() -> Iterator[PgCluster]:
    with running_cluster("callcenter-bench-state-") as server:
        yield server


@pytest.mark.timeout(4 * 3600)
def test_state_scale_on_postgresql(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if not ENABLED:
        print("\nbench_state_scale: set CALLCENTER_BENCH_STATE=1 to load 10M calls (≈ 15 min)")
        return
    from bench_report import Database, ServiceSocket, environment, run_report
    from bench_web import PASSWORD, USER, _free_port, _load, _load_average

    server: PgCluster = request.getfixturevalue("postgres")
    print(f"\n({_load_average()} at the start)", flush=True)
    url = server.create_database("state")
    data_dir = tmp_path / "state"
    data_dir.mkdir(mode=0o700)
    config = data_dir / "callcenter.toml"
    config.write_text(state_config(url), "utf-8")
    calls, seconds = load_state(url, data_dir, CALLS)
    conninfo = server.conninfo("state")
    with psycopg.connect(conninfo, autocommit=True) as connection:
        began = time.perf_counter()
        connection.execute("VACUUM ANALYZE call_records")
        analysed = time.perf_counter() - began
        stored = _one(connection, "SELECT count(*) FROM call_records")
        teams = _one(connection, "SELECT count(DISTINCT team) FROM call_records")
        size = _one(connection, "SELECT pg_size_pretty(pg_database_size('state'))")
    assert stored == calls
    assert teams == OFFICES * len(TEAMS)
    print(
        f"loaded {calls:,} calls of {OFFICES} offices in {seconds:.0f} s "
        f"({calls / seconds:,.0f} rows/s; generator, link and COPY), VACUUM ANALYZE "
        f"{analysed:.0f} s; database {size}",
        flush=True,
    )

    db = Database("postgresql", calls, environment(data_dir, config), conninfo)
    rows = db.bare_rows()
    assert sum(int(row[2]) for row in rows) == calls
    bare = timed_runs(db.bare_rows, MIN_RUNS)
    reports, peaks = [], []
    for run in range(MIN_RUNS):
        report = run_report(db, tmp_path / f"site-{run}")
        assert str((tmp_path / f"site-{run}" / "index.html").resolve()) in report.stdout
        reports.append(report.seconds)
        peaks.append(report.peak_mib)
    print_ratio(
        f"callcenter report --no-pdf, postgresql {calls:,} calls of {OFFICES} offices",
        reports,
        f"bare GROUP BY ({len(rows):,} rows)",
        bare,
        target="≤ 2 ×",
    )
    print(f"  peak RSS of the report: max {max(peaks):.0f} MiB (target ≤ 1024 MiB)", flush=True)
    with ServiceSocket(db):  # through a running service, warmed by one report first
        run_report(db, tmp_path / "site-served-warm-up", served=True)
        served = [
            run_report(db, tmp_path / f"site-served-{run}", served=True).seconds
            for run in range(MIN_RUNS)
        ]
        served_bare = timed_runs(db.bare_rows, MIN_RUNS)
    print_ratio(
        f"callcenter report --no-pdf through the running service, {calls:,} calls",
        served,
        f"bare GROUP BY ({len(rows):,} rows)",
        served_bare,
        target="≤ 2 ×",
    )

    subprocess.run(
        [*CLI, "users", "add", USER, "--role", "admin", "--password-stdin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        env=db.env,
        timeout=120,
    )
    port = _free_port()
    app = subprocess.Popen([sys.executable, __file__, "app", str(config), str(port)], env=db.env)
    bare_port = _free_port()
    bare_app = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("web_load.py")), "bare", str(bare_port)]
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base, app)
        # The first request computes the evaluation of 10M calls: longer than the load
        # generator's 60 s request timeout, so it is timed here on its own.
        first = asyncio.run(_first_request(base, "/auswertung"))
        print(f"/auswertung first request (computes the evaluation): {first:.1f} s", flush=True)
        bare10 = [_load(f"http://127.0.0.1:{bare_port}", "/", 10, login=False) for _ in range(3)]
        runs = [_load(base, "/auswertung", 10) for _ in range(MIN_RUNS)]
    finally:
        app.terminate()
        bare_app.terminate()
        app.wait(timeout=30)
        bare_app.wait(timeout=30)
    assert not any(run["failures"] for run in runs), runs
    print_ratio(
        f"/auswertung p95 at 10 users ({calls:,} calls)",
        [run["p95"] for run in runs],
        "bare aiohttp handler p95 at 10",
        [run["p95"] for run in bare10],
        target="≤ 0.300 s absolute",
    )
    print(f"({_load_average()} at the end)", flush=True)


async def _first_request(base: str, path: str) -> float:
    from aiohttp import ClientSession, ClientTimeout, CookieJar
    from bench_web import PASSWORD, USER
    from web_load import _login

    timeout = ClientTimeout(total=4 * 3600)
    jar = CookieJar(unsafe=True)
    async with ClientSession(timeout=timeout, cookie_jar=jar) as session:
        await _login(session, base, USER, PASSWORD)
        began = time.perf_counter()
        async with session.get(base + path) as response:
            await response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - began


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + 300
    while True:
        try:
            urlopen(f"{base}/healthz", timeout=5).close()
            return
        except (URLError, ConnectionError, OSError) as exc:
            if "HTTP Error" in str(exc):
                return
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the web app did not start") from exc
            time.sleep(0.5)


if __name__ == "__main__":
    serve_app(sys.argv[2], int(sys.argv[3]))
