import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ibcore as ib
from ibcore import potentials as pot

ALPHAS = [1e-12, 1e-10, 1e-5, 1e-2, 1.0, 1e3, 1e4]


def _all(alpha: float):
    return [pot.Euclidean(0.7), pot.NegativeEntropy(0.25), pot.HyperbolicEntropy(2 * alpha**2, 0.25)]


@pytest.mark.parametrize("alpha", ALPHAS)
def test_no_warnings_and_round_trip_over_the_alpha_range(alpha):
    theta = np.array([1e-30, 1e-8, 0.3, 2.0, 50.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for p in _all(alpha):
            t = theta if isinstance(p, pot.NegativeEntropy) else np.concatenate([theta, -theta])
            z = p.grad(t)
            back = p.grad_inv(z)
            assert np.all(np.isfinite(z)) and np.all(np.isfinite(back))
            np.testing.assert_allclose(back, t, rtol=1e-12, atol=0)
            assert np.isfinite(p.value(t)) and np.isfinite(p.conjugate(z))
            assert np.all(p.hess_inv(t) > 0)


@pytest.mark.parametrize("alpha", [1e-3, 0.1, 1.0, 10.0])
def test_derivatives_match_finite_differences(alpha):
    t = np.array([-1.3, -0.02, 0.0, 0.4, 2.5])
    p = pot.HyperbolicEntropy(2 * alpha**2, 0.25)
    for j in range(t.size):
        h = 1e-5 * np.hypot(t[j], p.gamma)  # a step small against the local scale sqrt(t^2 + gamma^2)
        e = np.zeros_like(t)
        e[j] = h
        fd = (p.value(t + e) - p.value(t - e)) / (2 * h)
        assert fd == pytest.approx(p.grad(t)[j], rel=1e-6, abs=1e-9)
        fd2 = (p.grad(t + e)[j] - p.grad(t - e)[j]) / (2 * h)
        assert 1 / fd2 == pytest.approx(p.hess_inv(t)[j], rel=1e-5)


def test_conjugate_is_fenchel_dual():
    # psi(theta) + psi*(grad psi(theta)) = <theta, grad psi(theta)>
    for p, t in [(pot.HyperbolicEntropy(0.3, 0.5), np.array([-2.0, 0.1, 3.0])),
                 (pot.NegativeEntropy(0.25), np.array([0.1, 1.0, 4.0])),
                 (pot.Euclidean(2.0), np.array([-1.0, 0.5]))]:
        z = p.grad(t)
        assert p.value(t) + p.conjugate(z) == pytest.approx(float(t @ z), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(a=st.lists(st.floats(-5, 5), min_size=3, max_size=3), b=st.lists(st.floats(-5, 5), min_size=3, max_size=3),
       log_gamma=st.floats(-20, 3))
def test_bregman_is_nonnegative_and_zero_only_at_reference(a, b, log_gamma):
    p = pot.HyperbolicEntropy(10.0**log_gamma, 0.25)
    ta, tb = np.array(a), np.array(b)
    assert p.bregman(ta, tb) >= -1e-9 * (1 + abs(p.value(ta)))
    assert p.bregman(tb, tb) == pytest.approx(0.0, abs=1e-12 * (1 + abs(p.value(tb))))
    if np.max(np.abs(ta - tb)) > 1e-3:
        assert p.bregman(ta, tb) > 0


def test_negative_entropy_bregman_is_relative_entropy():
    p = pot.NegativeEntropy(1.0)
    a, b = np.array([0.2, 1.5]), np.array([1.0, 0.5])
    assert p.bregman(a, b) == pytest.approx(np.sum(a * np.log(a / b) - a + b))


def test_limits_of_the_hyperbolic_entropy():
    theta = np.array([0.5, -1.0, 2.0])
    small = pot.HyperbolicEntropy(1e-12, 1.0)
    assert small.value(theta) / np.log(1e12) == pytest.approx(np.abs(theta).sum(), rel=0.1)
    big = pot.HyperbolicEntropy(1e6, 1.0)
    assert big.value(theta) * 2 * 1e6 == pytest.approx(np.sum(theta**2), rel=1e-6)


@pytest.mark.parametrize(
    "make",
    [lambda: pot.HyperbolicEntropy(0.0), lambda: pot.HyperbolicEntropy(-1.0), lambda: pot.HyperbolicEntropy(np.nan),
     lambda: pot.NegativeEntropy(0.0), lambda: pot.Euclidean(-2.0)],
    ids=["hyperbolic-gamma-zero", "hyperbolic-gamma-negative", "hyperbolic-gamma-nan", "negative-entropy-weight-zero",
         "euclidean-weight-negative"],
)
def test_bad_parameters(make):
    with pytest.raises(ib.InputError):
        make()


def test_bad_arguments():
    with pytest.raises(ib.InputError, match="positive"):
        pot.NegativeEntropy().grad(np.array([1.0, -1.0]))
    with pytest.raises(ib.InputError, match="non-finite"):
        pot.HyperbolicEntropy(1.0).grad(np.array([np.nan]))
    with pytest.raises(ib.DivergenceError, match="overflow"):
        pot.HyperbolicEntropy(1.0, 1.0).grad_inv(np.array([800.0]))


BOXED = [pot.LogCosh(a=np.array([0.5, 1.0, 2.0]), b=np.array([1.5, 1.0, 0.2])),
         pot.DeepDiagonal(3, np.array([0.5, 1.0, 2.0]), np.array([1.5, 1.0, 0.2])),
         pot.DeepDiagonal(4, 0.7, 0.7)]
BOXED_IDS = ["log-cosh", "deep-diagonal-depth-3", "deep-diagonal-depth-4-balanced"]


@pytest.mark.parametrize("p", BOXED, ids=BOXED_IDS)
def test_boxed_potentials_round_trip_and_conjugate_derivatives(p):
    theta = np.array([-2.0, 0.1, 3.0])
    z = p.grad(theta)
    np.testing.assert_allclose(p.grad_inv(z), theta, rtol=1e-10, atol=1e-12)
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h * max(abs(z[j]), 1e-3)
        fd = (p.conjugate(z + e) - p.conjugate(z - e)) / (2 * e[j])
        assert fd == pytest.approx(theta[j], rel=1e-6, abs=1e-8)
        fd2 = (p.grad_inv(z + e)[j] - p.grad_inv(z - e)[j]) / (2 * e[j])
        assert fd2 == pytest.approx(p.hess_inv(theta)[j], rel=1e-6)


@pytest.mark.parametrize("p", BOXED, ids=BOXED_IDS)
def test_boxed_potentials_refuse_dual_points_outside_their_range(p):
    far = np.full(3, 1e3)
    assert p.conjugate(far) == np.inf
    with pytest.raises(ib.DivergenceError):
        p.grad_inv(far)


def test_log_cosh_balanced_is_a_rescaled_log_cosh():
    p = pot.LogCosh(a=3.0, b=3.0)
    t = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(p.coordinate_values(t), 1.5 * np.log(2 * np.cosh(t)), rtol=1e-13)


def test_deep_diagonal_limit_matches_cvxpy_free_dual_check():
    data = ib.data.regression(5, 12, sparsity=2, seed=0)
    p = pot.DeepDiagonal(4, 0.8, 0.8)
    lim = ib.limits.mirror_flow_limit(p, data.X, data.y, np.zeros(12))
    assert lim.residual < 1e-10
    # KKT: grad psi(theta) = X^T nu
    np.testing.assert_allclose(p.grad(lim.theta), data.X.T @ lim.nu, atol=1e-10)


def test_boxed_potentials_bad_parameters():
    with pytest.raises(ib.InputError):
        pot.LogCosh(a=-1.0, b=1.0)
    with pytest.raises(ib.InputError):
        pot.DeepDiagonal(2, 1.0, 1.0)
    with pytest.raises(ib.InputError):
        pot.DeepDiagonal(3, 1.0, np.nan)
