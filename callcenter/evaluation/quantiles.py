"""Quantiles of resampled scores, as numpy's np.quantile computes them by default.

Written out because np.quantile imports numpy.ma on first use (via np.unique): ≈50 ms of
every `callcenter report`, for two order statistics. The numbers are numpy's own: the
same virtual index (n − 1) · q and the same two-sided interpolation (numpy's `_lerp`), so
the intervals do not move by a rounding step; tests/unit/evaluation/test_evaluation_quantiles.py
compares them with np.quantile.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def linear_quantiles(values: Floats, shares: Sequence[float]) -> Floats:
    """np.quantile(values, shares, axis=-1) with method="linear": one row per share."""
    count = values.shape[-1]
    if count == 0:
        raise ValueError("quantiles of no values")
    ordered = np.sort(values, axis=-1)
    rows = []
    for share in shares:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"quantile {share} outside [0, 1]")
        virtual = (count - 1) * np.float64(share)
        below = int(np.floor(virtual))
        above = min(below + 1, count - 1)
        fraction = virtual - below
        low, high = ordered[..., below], ordered[..., above]
        step = high - low
        # From the nearer end, as numpy does: the result stays within [low, high].
        rows.append(high - step * (1 - fraction) if fraction >= 0.5 else low + step * fraction)
    return np.stack(rows)


def linear_quantile(values: Floats, share: float) -> float:
    """float(np.quantile(values, share)) of a 1-D array."""
    return float(linear_quantiles(values, (share,))[0])
