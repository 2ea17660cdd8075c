"""Mirror descent / mirror flow, the exact dual solver and the min-Bregman programs agree."""

import warnings

import numpy as np
import pytest

import ibcore as ib
from ibcore import parametrizations as par


@pytest.fixture
def problem():
    data = ib.data.regression(6, 15, sparsity=2, seed=11)
    return data, ib.losses.square_loss(data.X, data.y)


@pytest.mark.parametrize("alpha", [1e-12, 1e-10, 1e-4, 0.1, 1.0, 100.0, 1e4])
def test_dual_solver_is_exact_and_warning_free(problem, alpha):
    data, _ = problem
    p = par.signed_square(15)
    w0 = p.init(alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lim = ib.limits.mirror_flow_limit(p.mirror_potential(w0), data.X, data.y, p.theta(w0))
    assert lim.residual <= 1e-13 * (1 + np.linalg.norm(data.y))
    # KKT: grad psi(theta) - grad psi(theta0) = X^T nu
    pot = p.mirror_potential(w0)
    np.testing.assert_allclose(pot.grad(lim.theta) - pot.grad(p.theta(w0)), data.X.T @ lim.nu,
                               atol=1e-9 * (1 + np.abs(lim.nu).max()))


def test_large_alpha_limit_is_min_l2(problem):
    data, _ = problem
    p = par.signed_square(15)
    lim = ib.limits.mirror_flow_limit(p.mirror_potential(p.init(1e4)), data.X, data.y, np.zeros(15)).theta
    np.testing.assert_allclose(lim, np.linalg.pinv(data.X) @ data.y, rtol=1e-6)


@pytest.mark.parametrize("alpha", [1e-3, 0.1, 1.0])
def test_cvxpy_program_matches_dual_solver(problem, alpha):
    data, _ = problem
    p = par.signed_square(15)
    theta0 = np.linspace(-0.5, 0.5, 15)
    w0 = p.init(alpha, theta0)
    pot = p.mirror_potential(w0)
    exact = ib.limits.mirror_flow_limit(pot, data.X, data.y, theta0).theta
    cvx = ib.programs.min_bregman_interpolator(pot, data.X, data.y, reference=theta0)
    np.testing.assert_allclose(cvx, exact, rtol=0, atol=1e-6 * np.linalg.norm(exact))


def test_entropy_program_and_solver_agree():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 9))
    y = X @ np.abs(rng.standard_normal(9))  # a non-negative interpolator exists
    pot = ib.potentials.NegativeEntropy(0.25)
    ref = np.full(9, 0.01)
    exact = ib.limits.mirror_flow_limit(pot, X, y, ref).theta
    cvx = ib.programs.min_bregman_interpolator(pot, X, y, reference=ref)
    assert np.all(exact > 0)
    np.testing.assert_allclose(cvx, exact, atol=1e-6 * np.linalg.norm(exact))


@pytest.mark.parametrize("step", [0.05, 0.5, 1.5])
def test_mirror_descent_limit_is_exact_at_any_converging_step(problem, step):
    data, loss = problem
    p = par.signed_square(15)
    w0 = p.init(0.1)
    pot = p.mirror_potential(w0)
    run = ib.algorithms.mirror_descent(loss, pot, p.theta(w0), step=step / loss.smoothness, tol=1e-11,
                                       record_every=None, max_iter=400_000)
    exact = ib.limits.mirror_flow_limit(pot, data.X, data.y, p.theta(w0)).theta
    kappa = ib.limits.residual_sensitivity(pot, data.X, exact)
    assert np.linalg.norm(run.final - exact) <= 2 * kappa * np.linalg.norm(loss.residual(run.final)) + 1e-12


def test_mirror_flow_equals_reparametrized_gradient_flow(problem):
    _, loss = problem
    p = par.signed_square(15)
    rng = np.random.default_rng(4)
    w0 = np.concatenate([rng.uniform(0.2, 1.0, 15), rng.uniform(0.2, 1.0, 15)])
    times = np.linspace(0, 10, 21)
    gf = ib.algorithms.gradient_flow(par.reparametrized(loss, p), w0, times, rtol=1e-11, atol=1e-13)
    mf = ib.algorithms.mirror_flow(loss, p.mirror_potential(w0), p.theta(w0), times, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(p.theta(gf.iterates), mf.iterates, atol=1e-8)


def test_certified_mirror_flow_stops_on_the_certificate(problem):
    _, loss = problem
    p = par.signed_square(15)
    w0 = p.init(0.01)
    run = ib.algorithms.mirror_flow(loss, p.mirror_potential(w0), p.theta(w0), [0.0, 1e12], tol=1e-9)
    assert run.converged and run.grad_norm <= 1e-9 and run.n_steps < 1e12


def test_inconsistent_system_is_reported(problem):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    with pytest.raises(ib.NotConverged):
        ib.limits.mirror_flow_limit(ib.potentials.HyperbolicEntropy(1.0), X, y, np.zeros(3), max_iter=30)
    with pytest.raises(ib.SolverError, match="infeasible"):
        ib.programs.min_bregman_interpolator(ib.potentials.HyperbolicEntropy(1.0), X, y, reference=np.zeros(3))
