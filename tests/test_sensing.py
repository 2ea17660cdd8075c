import numpy as np
import pytest

import ibcore as ib
from ibcore import regularized as rg
from ibcore import schedules as S
from ibcore import sensing as sn


def test_generators_shapes_and_truth():
    g = ib.data.matrix_sensing(6, 10, 2, seed=1)
    assert g.A.shape == (10, 6, 6) and g.basis is None
    np.testing.assert_allclose(g.A, np.transpose(g.A, (0, 2, 1)))
    assert np.trace(g.M_star) == pytest.approx(1.0) and np.linalg.matrix_rank(g.M_star, tol=1e-10) == 2
    np.testing.assert_allclose(sn.residuals(g, g.M_star), 0, atol=1e-13)
    c = ib.data.matrix_sensing(6, 3, 2, commuting=True, seed=1)
    for i in range(3):
        for j in range(3):
            np.testing.assert_allclose(c.A[i] @ c.A[j], c.A[j] @ c.A[i], atol=1e-12)
    S_ = sn.spectral_design(c)
    lam, off = sn.in_basis(c, c.M_star)
    assert off < 1e-12 and np.count_nonzero(lam > 1e-12) == 2
    np.testing.assert_allclose(S_ @ lam, c.y, atol=1e-12)
    with pytest.raises(ib.InputError):
        sn.spectral_design(g)
    with pytest.raises(ib.InputError):
        ib.data.matrix_sensing(4, 3, 5)


def test_gradient_matches_finite_differences():
    g = ib.data.matrix_sensing(5, 7, 2, seed=2)
    rng = np.random.default_rng(0)
    M = rng.standard_normal((5, 5))
    M = M + M.T
    D = rng.standard_normal((5, 5))
    D = D + D.T
    h = 1e-6
    fd = (sn.loss_value(g, M + h * D) - sn.loss_value(g, M - h * D)) / (2 * h)
    assert fd == pytest.approx(float(np.sum(sn.loss_grad(g, M) * D)), rel=1e-7)


def test_commuting_flow_reaches_the_spectral_entropy_minimiser():
    c = ib.data.matrix_sensing(6, 3, 2, commuting=True, seed=0)
    beta, sched = 0.4, S.switched_off(1.0, 1.0)
    run = sn.factored_flow(c, np.sqrt(beta) * np.eye(6), sched, [0.0, 1.0, 1e7], tol=1e-10)
    assert run.converged
    cvx = ib.programs.spectral_entropy_sensing(c, beta * np.exp(-2 * sched.total))
    exact = rg.regularized_limit(sn.spectral_design(c), c.y, ib.parametrizations.square(6),
                                 np.full(6, np.sqrt(beta)), sched.total).theta
    np.testing.assert_allclose(run.final_predictor, (c.basis * exact) @ c.basis.T, atol=1e-8)
    np.testing.assert_allclose(cvx, (c.basis * exact) @ c.basis.T, atol=1e-6)


def test_gd_runs_and_refuses_bad_input():
    g = ib.data.matrix_sensing(5, 20, 1, seed=3)
    run = sn.factored_gd(g, 0.1 * np.eye(5), S.constant(0.0), step=0.1, n_steps=200, record_every=50)
    assert run.losses[-1] < run.losses[0] and len(run.times) == 5
    with pytest.raises(ib.InputError):
        sn.factored_gd(g, np.eye(4), S.constant(0.0), step=0.1, n_steps=10)
    with pytest.raises(ib.InputError):
        sn.factored_gd(g, np.eye(5), S.constant(0.0), step=-0.1, n_steps=10)
    with pytest.raises(ib.DivergenceError):
        sn.factored_gd(g, 3 * np.eye(5), S.constant(0.0), step=50.0, n_steps=100)
    with pytest.raises(ib.InputError):
        sn.factored_flow(g, np.eye(5), S.constant(0.0), [1.0, 0.0])


def test_nuclear_norm_sdp_recovers_and_certifies():
    g = ib.data.matrix_sensing(8, 40, 1, seed=5)
    sol = ib.programs.nuclear_norm_sensing(g.A, g.y)
    assert abs(sol.gap) < 1e-6 and sol.infeasibility < 1e-6
    np.testing.assert_allclose(sol.M, g.M_star, atol=1e-5)
    with pytest.raises(ib.InputError):
        ib.programs.nuclear_norm_sensing(g.A[:, :, :3], g.y)
    with pytest.raises(ib.SolverError):
        ib.programs.nuclear_norm_sensing(g.A, g.y - 10.0 * np.abs(g.y).max())  # no PSD matrix fits
