import numpy as np
import pytest

import ibcore as ib
from ibcore import parametrizations as prm
from ibcore import regularized as rg
from ibcore import schedules as S


@pytest.fixture(scope="module")
def problem():
    data = ib.data.regression(8, 16, sparsity=2, seed=3)
    return data, ib.losses.square_loss(data.X, data.y)


CASES = [
    pytest.param(prm.signed_square(16), "l2", lambda P: P.init(0.8), id="signed-square-l2-from-zero"),
    pytest.param(prm.signed_square(16), "l2", lambda P: P.init(0.5, np.linspace(-1, 1, 16)),
                 id="signed-square-l2-from-theta0"),
    pytest.param(prm.product(16), "l2", lambda P: P.init(0.6, np.linspace(-0.5, 0.5, 16)), id="product-l2-from-theta0"),
    pytest.param(prm.square(16), "l2", lambda P: P.init(0.7), id="square-l2"),
    pytest.param(prm.power(16, 4), "matched", lambda P: P.init(0.9), id="power-k-4-matched"),
    pytest.param(prm.log_ratio(16), "matched", lambda P: P.init(1.5, np.linspace(-0.3, 0.3, 16)),
                 id="log-ratio-matched-from-theta0"),
]


@pytest.mark.parametrize("param, penalty, start", CASES)
def test_theorem_3_2_identity_along_a_run(problem, param, penalty, start):
    """grad R_{Lambda_t}(theta_t) = mu_t = -int grad R, at every recorded time."""
    data, loss = problem
    if param.kind == "square":
        data = ib.data.regression(8, 16, seed=4)
        data = type(data)(X=data.X, y=data.X @ np.abs(data.w_star), w_star=np.abs(data.w_star), noise=0.0)
        loss = ib.losses.square_loss(data.X, data.y)
    w0 = start(param)
    run = rg.regularized_flow(loss, param, w0, S.cosine(0.6, 1.0), np.linspace(0, 2, 11), penalty=penalty)
    lhs = rg.mirror_coordinate(param, w0, run.predictors, run.decay, penalty=penalty)
    np.testing.assert_allclose(lhs, run.mu, atol=1e-8)
    assert np.all(np.diff(run.decay) >= 0) and run.decay[-1] == pytest.approx(0.3)


@pytest.mark.parametrize("param, penalty, start", [CASES[0], CASES[1], CASES[4], CASES[5]])
def test_switched_off_run_reaches_the_regularized_limit(problem, param, penalty, start):
    data, loss = problem
    w0 = start(param)
    sched = S.switched_off(0.5, 1.0)
    run = rg.regularized_flow(loss, param, w0, sched, [0.0, 1.0, 1e7], penalty=penalty, tol=1e-10)
    assert run.converged and run.residual < 1e-8
    limit = rg.regularized_limit(data.X, data.y, param, w0, sched.total, penalty=penalty)
    np.testing.assert_allclose(run.final_predictor, limit.theta, atol=1e-8)


def test_balanced_signed_square_limit_is_q_alpha_at_the_shrunk_scale(problem):
    data, _ = problem
    P = prm.signed_square(16)
    lim = rg.regularized_limit(data.X, data.y, P, P.init(1.3), 2.0).theta
    np.testing.assert_allclose(lim, ib.limits.q_alpha_limit(data.X, data.y, 1.3 * np.exp(-2.0)), atol=1e-12)


def test_effective_init_formulas():
    P4 = prm.power(3, 4)
    w0 = np.full(6, 0.5)
    w_eff = rg.effective_init(P4, w0, 0.7, penalty="matched")
    np.testing.assert_allclose(w_eff ** (-2.0), 0.5 ** (-2.0) + 2 * 0.7)
    L = prm.log_ratio(3)
    np.testing.assert_allclose(rg.effective_init(L, np.full(6, 2.0), 0.5, penalty="matched") ** 2, 3.0)
    np.testing.assert_allclose(rg.effective_init(prm.product(3), w0, 1.0), w0 / np.e)


def test_non_commuting_pairs_are_refused_and_measured():
    P = prm.power(3, 4)
    with pytest.raises(ib.InputError, match="does not commute"):
        rg.effective_init(P, np.ones(6), 0.1)
    with pytest.raises(ib.InputError, match="min w0"):
        rg.effective_init(prm.log_ratio(3), np.ones(6), 0.5, penalty="matched")
    prod = prm.product(3)
    w = np.array([1.0, 0.8, 1.2, 0.3, -0.5, 0.2])
    assert np.abs(rg.lie_bracket(prod, w)).max() == 0.0
    mask = np.r_[np.ones(3), np.zeros(3)]
    assert np.abs(rg.lie_bracket(prod, w, mask=mask)).max() > 0.1
    c = np.array([1.0, -0.5, 0.3])
    assert rg.order_test(prod, w, c, 0.1).gap < 1e-12
    gaps = [rg.order_test(prod, w, c, tau, mask=mask).gap / tau**2 for tau in (0.04, 0.02)]
    predicted = np.linalg.norm(prod.jacobian(w) @ (c[:, None] * rg.lie_bracket(prod, w, mask=mask)).sum(0))
    assert gaps[1] == pytest.approx(predicted, rel=0.05) and abs(gaps[1] - predicted) < abs(gaps[0] - predicted)


def test_bad_inputs(problem):
    _, loss = problem
    P = prm.signed_square(16)
    w0 = P.init(1.0)
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, P, w0, S.constant(0.1), [0.0, 1.0], penalty="l3")
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, P, w0, 0.1, [0.0, 1.0])
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, P, w0[:-1], S.constant(0.1), [0.0, 1.0])
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, prm.signed_square(15), P.init(1.0)[:30], S.constant(0.1), [0.0, 1.0])
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, P, w0, S.constant(0.1), [1.0, 0.5])
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, P, w0, S.constant(0.1), [0.0, 1.0], mask=-np.ones(32))
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, P, w0, S.constant(0.1), [0.0, 1.0], penalty="matched", mask=np.ones(32))
    with pytest.raises(ib.InputError):
        rg.regularized_flow(loss, prm.log_ratio(16), -np.ones(32), S.constant(0.1), [0.0, 1.0])
    with pytest.raises(ib.InputError):
        rg.mirror_coordinate(P, w0, np.zeros((3, 16)), [0.0, 1.0])
    with pytest.raises(ib.InputError):
        rg.effective_init(P, w0, -1.0)
    with pytest.raises(ib.InputError):
        rg.effective_init(P, w0, np.nan)


def test_constant_decay_certifies_stationarity_and_bounds_its_distance_to_the_lasso(problem):
    """Prop. 6.3: constant weight decay on u*u - v*v ends at the lasso with penalty lambda/2."""
    data, loss = problem
    SS = prm.signed_square(16)
    run = rg.regularized_flow(loss, SS, SS.init(1.0), S.constant(0.05), [0.0, 1e6], tol=1e-10)
    lasso = ib.programs.lasso_program(data.X, data.y, 0.05 / 2)
    assert run.converged and run.error_bound is not None and run.error_bound < 1e-7
    assert np.linalg.norm(run.final_predictor - lasso.theta) <= run.error_bound + lasso.certificate.error_bound
    unfinished = rg.regularized_flow(loss, SS, SS.init(1.0), S.constant(0.05), [0.0, 1.0], tol=1e-10)
    assert not unfinished.converged and unfinished.error_bound is None
