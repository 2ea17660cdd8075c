import numpy as np
import pytest

import ibcore as ib


def test_regression_shapes_and_unit_target():
    d = ib.data.regression(12, 30, seed=1)
    assert d.X.shape == (12, 30) and d.y.shape == (12,) and d.w_star.shape == (30,)
    assert (d.n, d.d) == (12, 30)
    assert np.isclose(np.linalg.norm(d.w_star), 1.0)
    np.testing.assert_allclose(d.y, d.X @ d.w_star)  # noiseless by default


def test_regression_is_deterministic_and_accepts_generators():
    a = ib.data.regression(5, 7, noise=0.1, seed=3)
    b = ib.data.regression(5, 7, noise=0.1, seed=3)
    c = ib.data.regression(5, 7, noise=0.1, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, c.y)
    assert not np.array_equal(a.X, ib.data.regression(5, 7, seed=4).X)


def test_sparse_target_has_the_requested_support():
    d = ib.data.regression(10, 50, sparsity=4, seed=2)
    assert np.count_nonzero(d.w_star) == 4


def test_noise_changes_labels_only():
    clean = ib.data.regression(10, 5, seed=9)
    noisy = ib.data.regression(10, 5, noise=1.0, seed=9)
    np.testing.assert_array_equal(clean.X, noisy.X)
    assert np.linalg.norm(noisy.y - noisy.X @ noisy.w_star) > 0.1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 0, "d": 3},
        {"n": 3, "d": -1},
        {"n": 2.5, "d": 3},
        {"n": 3, "d": 3, "sparsity": 4},
        {"n": 3, "d": 3, "sparsity": 0},
        {"n": 3, "d": 3, "noise": -1.0},
        {"n": 3, "d": 3, "noise": float("nan")},
        {"n": 3, "d": 3, "seed": -1},
        {"n": 3, "d": 3, "seed": "abc"},
    ],
    ids=["n-zero", "d-negative", "n-not-integer", "sparsity-above-d", "sparsity-zero", "noise-negative", "noise-nan",
         "seed-negative", "seed-string"],
)
def test_bad_arguments_raise_input_error(kwargs):
    n, d = kwargs.pop("n"), kwargs.pop("d")
    with pytest.raises(ib.InputError):
        ib.data.regression(n, d, **kwargs)
