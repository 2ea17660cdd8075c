import itertools

import numpy as np
import pytest

import ibcore as ib
from ibcore import recovery


def test_rip_constant_of_a_hand_computed_design():
    X = np.array([[1.0, 1.0, 0.0], [1.0, -1.0, 1.0]])
    assert recovery.rip_constant(X, 1) == pytest.approx(0.5)
    assert recovery.rip_constant(X, 2) == pytest.approx((1 + np.sqrt(5)) / 4)


def test_rip_of_orthonormal_columns_is_zero():
    Q = np.linalg.qr(np.random.default_rng(0).standard_normal((8, 5)))[0] * np.sqrt(8)
    assert recovery.rip_constant(Q, 3) == pytest.approx(0.0, abs=1e-12)


def test_lower_bound_never_exceeds_the_exact_constant_and_rip_is_monotone():
    X = np.random.default_rng(1).standard_normal((30, 12))
    exact = [recovery.rip_constant(X, r) for r in (1, 2, 3)]
    assert exact[0] <= exact[1] <= exact[2]
    assert recovery.rip_constant_lower_bound(X, 3, samples=500, seed=2) <= exact[2] + 1e-12


def test_statistical_dimension_limits():
    d = 100
    assert recovery.statistical_dimension_l1(d, d) == pytest.approx(d, rel=1e-6)  # full support: whole space
    values = [recovery.statistical_dimension_l1(s, d) for s in (1, 5, 20, 50)]
    assert all(a < b for a, b in itertools.pairwise(values))
    for s in (1, 5, 20):  # the non-negative cone is smaller
        assert recovery.statistical_dimension_l1(s, d, nonnegative=True) < recovery.statistical_dimension_l1(s, d)


@pytest.mark.parametrize(("s", "d"), [(2, 10), (5, 40)])
def test_statistical_dimension_against_monte_carlo(s, d):
    """delta(C) = E dist^2(g, polar cone); the polar of the l1 descent cone at a point with sign(x_S) = +1
    is {t z : t >= 0, z_S = 1, |z_j| <= 1 off S}, so dist^2 = min_t sum_S (g_i - t)^2 + sum_off (|g_i| - t)_+^2.
    ALMT's formula takes the infimum outside the expectation: an upper bound, tight to O(1)."""
    g = np.random.default_rng(0).standard_normal((10_000, d))
    t = np.linspace(0, 6, 301)  # the minimised function is convex in t: a 0.02 grid costs ~1e-3
    dist2 = (((g[:, :s, None] - t) ** 2).sum(1) + (np.clip(np.abs(g[:, s:, None]) - t, 0, None) ** 2).sum(1)).min(1)
    mc, se = dist2.mean(), dist2.std() / np.sqrt(dist2.size)
    formula = recovery.statistical_dimension_l1(s, d)
    assert mc - 4 * se <= formula <= mc + 1.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: recovery.rip_constant(np.ones((3, 4)), 5),
        lambda: recovery.rip_constant(np.ones((3, 4)), 0),
        lambda: recovery.rip_constant(np.ones((3, 80)), 10),
        lambda: recovery.rip_constant(np.array([[np.nan, 1.0]]), 1),
        lambda: recovery.rip_constant_lower_bound(np.ones((3, 4)), 2, samples=0),
        lambda: recovery.statistical_dimension_l1(5, 3),
        lambda: recovery.statistical_dimension_l1(0, 3),
    ],
    ids=["rip-order-above-d", "rip-order-zero", "rip-too-many-supports", "rip-nan-in-X", "rip-lower-bound-no-samples",
         "statistical-dimension-s-above-d", "statistical-dimension-s-zero"],
)
def test_bad_input(call):
    with pytest.raises(ib.InputError):
        call()


def test_transition_fit_recovers_a_planted_probit_within_three_standard_errors():
    from scipy.stats import norm

    rng = np.random.default_rng(0)
    n_values = np.arange(10, 41, 2, dtype=float)
    misses = []
    for _ in range(20):
        successes = rng.binomial(40, norm.cdf((n_values - 25.0) / 4.0))
        fit = recovery.transition_fit(n_values, successes, 40)
        misses.append(abs(fit.location - 25.0) / fit.location_se)
    assert np.mean(np.array(misses) <= 3) >= 0.9  # ~99.7% expected; 18 of 20 leaves room for chance


@pytest.mark.parametrize(
    "call",
    [
        lambda: recovery.transition_fit([1.0, 2.0], [0, 0], 10),
        lambda: recovery.transition_fit([1.0, 2.0], [0, 11], 10),
        lambda: recovery.transition_fit([1.0, 2.0, 3.0], [0, 10], 10),
    ],
    ids=["no-crossing", "more-successes-than-trials", "mismatched-lengths"],
)
def test_transition_fit_bad_input(call):
    with pytest.raises(ib.InputError):
        call()
