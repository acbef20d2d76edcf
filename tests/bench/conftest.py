"""Collect `bench_*.py` only when tests/bench (or a bench file) is named on the command line.

`make bench` runs `pytest tests/bench -s`; a plain `pytest` over tests/ must not spend
its time on throughput figures, and timings never decide pass or fail anyway.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent


def _requested(config: pytest.Config, file_path: Path) -> bool:
    for arg in config.args:
        target = Path(arg.split("::")[0]).resolve()
        # A bench file named on the command line is collected by pytest itself already.
        if target == BENCH_DIR:
            return True
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("bench_")
        and _requested(parent.config, file_path)
        # A file named on the command line is collected by pytest itself: not twice.
        and not parent.session.isinitpath(file_path)
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None
