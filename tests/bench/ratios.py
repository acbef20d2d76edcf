"""One way for every benchmark to print a figure beside its baseline from the same run.

Issue 19 asks each figure as a ratio to a baseline measured in the same run (bare GROUP BY,
bare aiohttp handler, `python -c pass`) with min/median/max over at least three runs; printing
it in one place keeps `make bench`'s output comparable across benchmarks.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_RUNS = 3


@dataclass(frozen=True)
class Spread:
    low: float
    median: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if len(values) < MIN_RUNS:
            raise ValueError(f"{len(values)} runs measured, at least {MIN_RUNS} needed")
        return cls(min(values), statistics.median(values), max(values))

    def text(self, unit: str) -> str:
        return f"min {self.low:.3f} / median {self.median:.3f} / max {self.high:.3f} {unit}"


def timed_runs(action: Callable[[], object], runs: int = MIN_RUNS) -> list[float]:
    """Wall-clock seconds of `runs` calls of `action`, in order."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def print_ratio(
    figure: str,
    measured: Sequence[float],
    baseline_name: str,
    baseline: Sequence[float],
    *,
    unit: str = "s",
    target: str = "",
    higher_is_better: bool = False,
) -> float:
    """Print `figure` and its baseline with their spreads; return the ratio of the medians.

    For times the ratio is measured/baseline (lower is better); for rates such as requests per
    second pass `higher_is_better` and the ratio is measured/baseline too, read as a share.
    """
    mine, base = Spread.of(measured), Spread.of(baseline)
    ratio = mine.median / base.median if base.median else float("inf")
    kind = "share of" if higher_is_better else "×"
    goal = f"  (target {target})" if target else ""
    print(
        f"\n{figure}: {mine.text(unit)}\n"
        f"  baseline {baseline_name}: {base.text(unit)}\n"
        f"  ratio of medians: {ratio:.2f} {kind} baseline{goal}",
        flush=True,
    )
    return ratio
