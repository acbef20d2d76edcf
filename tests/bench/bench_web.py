"""Web throughput (issue 19, point 2): pages and API overview at 50 concurrent clients, the
evaluation page at 10, each against a bare aiohttp handler served the same way in the same
run. Server and load generator run in separate interpreters (tests/bench/web_load.py).

The pages run on the synthetic pilot data (`callcenter pilot-data load`, ≈ 51,000 calls);
the evaluation page also on the 1M-call SQLite database of bench_report.py (built there once
and cached, ≈ 1 min; copied here, as the bench signs in and so writes to it). Its first
request computes the evaluation; the load then measures serving it per data version.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest
from ratios import MIN_RUNS, print_ratio

LOAD = str(Path(__file__).with_name("web_load.py"))
SECONDS = 3.0
USER, PASSWORD = "bench", "bench-passwort-lang-genug"
PAGES = ("/", "/zentrale", "/sprechzeiten", "/api/v1/overview")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(*args: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, LOAD, *args, str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urlopen(f"{base}/healthz" if args[0] == "app" else base, timeout=2).close()
                break
            except (URLError, ConnectionError, OSError) as exc:
                if "HTTP Error" in str(exc):
                    break  # answering
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server {args} did not start") from exc
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _load(base: str, path: str, concurrency: int, login: bool = True) -> dict[str, float]:
    """One load run: requests, rate, p95 and failures; `first`, the warm-up request (for
    the evaluation page: computing it)."""
    args = [sys.executable, LOAD, "load", base, path, str(concurrency), str(SECONDS)]
    if login:
        args += [USER, PASSWORD]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _alternating(
    bare_base: str, app_base: str, path: str, concurrency: int
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """MIN_RUNS runs of the bare handler and of `path`, taking turns: the machine is shared
    (load 3–6 from other work), and a baseline measured minutes before the page it is set
    against swung the ratio by a factor of two."""
    bare, runs = [], []
    for _ in range(MIN_RUNS):
        bare.append(_load(bare_base, "/", concurrency, login=False))
        runs.append(_load(app_base, path, concurrency))
    return bare, runs


def _prepare(data: Path) -> None:
    cli = [sys.executable, "-m", "callcenter", "--data-dir", str(data)]
    subprocess.run([*cli, "pilot-data", "load"], check=True, capture_output=True, timeout=300)
    _add_user(data)


def _add_user(data: Path) -> None:
    cli = [sys.executable, "-m", "callcenter", "--data-dir", str(data)]
    subprocess.run(
        [*cli, "users", "add", USER, "--role", "admin", "--password-stdin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _load_average() -> str:
    return f"load average {os.getloadavg()[0]:.2f} (2 cores)"


# Four pages and the evaluation, each with its bare runs beside it: ≈ 2 min on a quiet
# machine, more when the cores are shared.
@pytest.mark.timeout(900)
def test_pages_and_evaluation_against_a_bare_handler(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _prepare(data)
    print(f"\n({_load_average()} at the start)")
    with _server("bare") as bare_base, _server("app", str(data)) as app_base:
        for path in PAGES:
            bare, runs = _alternating(bare_base, app_base, path, 50)
            assert not any(run["failures"] for run in runs), (path, runs)
            print_ratio(
                f"{path} requests/s at 50 clients",
                [run["rate"] for run in runs],
                "bare aiohttp handler",
                [run["rate"] for run in bare],
                unit="req/s",
                target="≥ 0.30",
                higher_is_better=True,
            )
            print_ratio(
                f"{path} p95 at 50 clients",
                [run["p95"] for run in runs],
                "bare aiohttp handler p95",
                [run["p95"] for run in bare],
                target="≤ 0.100 s absolute",
            )
        bare10, runs = _alternating(bare_base, app_base, "/auswertung", 10)
        assert not any(run["failures"] for run in runs), runs
        print_ratio(
            "/auswertung p95 at 10 users (51k calls)",
            [run["p95"] for run in runs],
            "bare aiohttp handler p95 at 10",
            [run["p95"] for run in bare10],
            target="≤ 0.300 s absolute",
        )
    print(f"({_load_average()} at the end)")


@pytest.mark.timeout(900)  # the first run builds the 1M-call database (bench_report.py)
def test_evaluation_page_on_a_million_calls(tmp_path: Path) -> None:
    from bench_report import params_for, scale_for, sqlite_database

    source = sqlite_database(params_for(scale_for(1_000_000)))
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    shutil.copyfile(source.url, data / "callcenter.sqlite3")
    _add_user(data)
    print(f"\n({_load_average()}; {source.calls:,} calls)")
    with _server("bare") as bare_base, _server("app", str(data)) as app_base:
        bare10, runs = _alternating(bare_base, app_base, "/auswertung", 10)
    assert not any(run["failures"] for run in runs), runs
    print(f"first request (computes the evaluation): {runs[0]['first']:.3f} s")
    print_ratio(
        f"/auswertung p95 at 10 users ({source.calls:,} calls)",
        [run["p95"] for run in runs],
        "bare aiohttp handler p95 at 10",
        [run["p95"] for run in bare10],
        target="≤ 0.300 s absolute",
    )
    print_ratio(
        f"/auswertung requests/s at 10 users ({source.calls:,} calls)",
        [run["rate"] for run in runs],
        "bare aiohttp handler at 10",
        [run["rate"] for run in bare10],
        unit="req/s",
        higher_is_better=True,
    )
    print(f"({_load_average()} at the end)")
