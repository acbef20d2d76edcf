"""CLI start-up (issue 19, point 3): `--help`, `state` and `closure add` against `python -c
pass` in the same run; each command runs in a new interpreter as an admin would start it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ratios import print_ratio, timed_runs

RUNS = 5


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=60)


def test_cli_start_up_against_a_bare_interpreter(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "callcenter", "--data-dir", str(tmp_path / "data")]
    _run([*cli, "state"])  # seeds the database: not part of a figure
    bare = timed_runs(lambda: _run([sys.executable, "-c", "pass"]), RUNS)
    days = iter(range(1, 100))

    def closure_add() -> None:
        day = f"2030-01-{next(days):02d}"
        _run([*cli, "closure", "add", "--team", "auslaender-a", "--from", day, "--note", "bench"])

    for figure, action in (
        ("callcenter --help", lambda: _run([*cli, "--help"])),
        ("callcenter state", lambda: _run([*cli, "state"])),
        ("callcenter closure add (stored and prompts re-rendered)", closure_add),
    ):
        print_ratio(
            figure, timed_runs(action, RUNS), "python -c pass", bare, target="≤ 0.3 s absolute"
        )
