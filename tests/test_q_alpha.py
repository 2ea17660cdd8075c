"""Woodworth's Q_alpha: exact limit, cvxpy program, sweep runner, effective alpha, q(z)."""

import time
import warnings

import numpy as np
import pytest

import ibcore as ib

ALPHAS = [1e-12, 1e-10, 1e-6, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e4]


@pytest.mark.parametrize(("n", "d", "seed"), [(5, 12, 0), (20, 50, 1), (40, 100, 2), (30, 31, 3)])
@pytest.mark.parametrize("alpha", ALPHAS)
def test_q_alpha_limit_is_exact_fast_and_warning_free(n, d, seed, alpha):
    data = ib.data.regression(n, d, sparsity=min(3, d), seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        start = time.perf_counter()
        theta = ib.limits.q_alpha_limit(data.X, data.y, alpha)
        elapsed = time.perf_counter() - start
    assert np.linalg.norm(data.X @ theta - data.y) <= 1e-12 * (1 + np.linalg.norm(data.y))
    # KKT: grad Q_alpha(theta) = arcsinh(theta / 2 alpha^2) lies in range(X^T)
    z = np.arcsinh(theta / (2 * alpha**2))
    residual = z - data.X.T @ np.linalg.lstsq(data.X.T, z, rcond=None)[0]
    assert np.linalg.norm(residual) <= 1e-8 * (1 + np.linalg.norm(z))
    assert elapsed < 5.0  # generous: a hang, not a benchmark (make bench reports the real time)


def test_q_alpha_limit_ends(under):
    # small alpha: an interpolator with l1 norm >= the minimum, and Q-optimal against the l1 solution
    # (the approach to min-l1 is only guaranteed at rate O(1/log(1/alpha)) on a dense target like this one)
    alpha = 1e-12
    small = ib.limits.q_alpha_limit(under.X, under.y, alpha)
    l1 = ib.programs.min_norm_interpolator(under.X, under.y, p=1)
    assert np.abs(small).sum() >= np.abs(l1).sum() * (1 - 1e-9)
    assert ib.potentials.q_alpha(small, alpha) <= ib.potentials.q_alpha(l1, alpha) * (1 + 1e-10)
    large = ib.limits.q_alpha_limit(under.X, under.y, 1e4)
    np.testing.assert_allclose(large, np.linalg.pinv(under.X) @ under.y, atol=1e-12)


@pytest.mark.parametrize(("n", "d", "seed"), [(6, 15, 4), (20, 50, 5)])
@pytest.mark.parametrize("alpha", [1e-3, 0.03, 0.3, 1.0])
def test_cvxpy_q_alpha_program_agrees(n, d, seed, alpha):
    data = ib.data.regression(n, d, sparsity=3, seed=seed)
    exact = ib.limits.q_alpha_limit(data.X, data.y, alpha)
    cvx = ib.programs.q_alpha_interpolator(data.X, data.y, alpha)
    assert np.linalg.norm(cvx - exact) <= 1e-6 * np.linalg.norm(exact)


def test_q_alpha_program_refuses_large_alpha_and_bad_input(under):
    with pytest.raises(ib.InputError, match="q_alpha_limit"):
        ib.programs.q_alpha_interpolator(under.X, under.y, 10.0)
    for bad in (0.0, -1.0, np.nan):
        with pytest.raises(ib.InputError):
            ib.programs.q_alpha_interpolator(under.X, under.y, bad)
        with pytest.raises(ib.InputError):
            ib.limits.q_alpha_limit(under.X, under.y, bad)
    with pytest.raises(ib.InputError):
        ib.limits.q_alpha_limit(under.X, under.y[:-1], 0.1)


def test_q_and_q_alpha():
    z = np.array([0.5, 3.0, 1e6])
    np.testing.assert_allclose(ib.potentials.q(z), 2 - np.sqrt(4 + z**2) + z * np.arcsinh(z / 2), rtol=1e-12)
    # near 0 the naive formula cancels (relative error ~1e-7 at z = 1e-4); ours matches the series
    small = np.array([1e-4, 1e-6])
    np.testing.assert_allclose(ib.potentials.q(small), small**2 / 4 - small**4 / 192, rtol=1e-14)
    theta = np.array([0.3, -1.2])
    alpha = 0.7
    assert ib.potentials.q_alpha(theta, alpha) == pytest.approx(alpha**2 * np.sum(ib.potentials.q(theta / alpha**2)))


def test_sweep_runner_certifies_every_limit(under):
    loss = ib.losses.square_loss(under.X, under.y)
    alphas = [1e-8, 1e-2, 1.0, 100.0]
    runs = ib.algorithms.mirror_flow_sweep(loss, [ib.potentials.diagonal_potential(a) for a in alphas],
                                           np.zeros(under.d))
    for a, run in zip(alphas, runs, strict=True):
        assert run.converged and run.grad_norm <= 1e-10
        exact = ib.limits.q_alpha_limit(under.X, under.y, a)
        assert np.linalg.norm(run.final - exact) <= 1e-6 * np.linalg.norm(exact)


def test_effective_alpha_tracks_the_product():
    p = ib.parametrizations.signed_square(3)
    w = np.array([2.0, 1.0, 0.5, 0.5, -4.0, 2.0])
    np.testing.assert_allclose(p.effective_alpha(w), [1.0, 2.0, 1.0])
    with pytest.raises(ib.InputError):
        ib.parametrizations.product(3).effective_alpha(w)


def test_gd_limit_matches_q_at_effective_alpha(under):
    loss = ib.losses.square_loss(under.X, under.y)
    p = ib.parametrizations.signed_square(under.d)
    run = ib.algorithms.gradient_descent(ib.parametrizations.reparametrized(loss, p), p.init(0.3),
                                         step=0.05 / loss.smoothness, tol=1e-11, record_every=None,
                                         max_iter=1_000_000, check_every=20)
    a_eff = p.effective_alpha(run.final)
    assert np.all(a_eff < 0.3)
    gap_eff = np.linalg.norm(p.theta(run.final) - ib.limits.q_alpha_limit(under.X, under.y, a_eff))
    gap_nominal = np.linalg.norm(p.theta(run.final) - ib.limits.q_alpha_limit(under.X, under.y, 0.3))
    assert gap_eff < gap_nominal / 10
