"""The ranking's quantiles are numpy's: written out only to spare np.quantile's import of
numpy.ma, they must give the very same numbers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from callcenter.evaluation.quantiles import linear_quantile, linear_quantiles

SHARES = (0.0, 0.025, 0.1, 0.5, 0.9, 0.975, 1.0)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 40, 399, 400, 401, 1000])
def test_rows_of_resampled_scores_match_np_quantile_exactly(count: int) -> None:
    rng = np.random.default_rng(count)
    scores = rng.normal(0.2, 0.05, size=(5, count))
    ours = linear_quantiles(scores, SHARES)
    assert ours.shape == (len(SHARES), 5)
    np.testing.assert_array_equal(ours, np.quantile(scores, SHARES, axis=1))


def test_ties_and_whole_numbers_match_np_quantile_exactly() -> None:
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 4, size=(3, 1000)).astype(float) / 7.0  # many equal values
    np.testing.assert_array_equal(
        linear_quantiles(scores, SHARES), np.quantile(scores, SHARES, axis=1)
    )


def test_a_single_quantile_of_a_difference_is_a_float_as_np_quantile_gives() -> None:
    rng = np.random.default_rng(3)
    difference = rng.normal(0.0, 1.0, 1000) - rng.normal(0.1, 1.0, 1000)
    ours = linear_quantile(difference, 0.025)
    assert isinstance(ours, float)
    assert ours == float(np.quantile(difference, 0.025))


def test_the_input_is_left_as_it_was() -> None:
    scores = np.array([[3.0, 1.0, 2.0]])
    linear_quantiles(scores, (0.5,))
    np.testing.assert_array_equal(scores, [[3.0, 1.0, 2.0]])


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_outside_0_to_1_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        linear_quantiles(np.ones((1, 3)), (share,))


def test_no_values_have_no_quantile() -> None:
    with pytest.raises(ValueError, match="no values"):
        linear_quantiles(np.ones((2, 0)), (0.5,))
