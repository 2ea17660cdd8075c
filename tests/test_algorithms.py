import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ibcore as ib
from ibcore import algorithms as alg


def _setup(data, theta0):
    loss = ib.losses.square_loss(data.X, data.y)
    return loss, ib.limits.least_squares_limit(data.X, data.y, theta0)


def _certified(loss, data, tol):
    """||theta - theta_inf|| <= n ||grad R|| / sigma_min^2 for span-preserving methods."""
    sigma_min = np.linalg.svd(data.X, compute_uv=False).min()
    return data.n * tol / sigma_min**2


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        (alg.gradient_descent, {"step": 1.0}),
        (alg.gradient_descent, {"step": 1.9}),
        (alg.sgd, {"step": 0.3, "batch_size": 1, "seed": 0}),
        (alg.sgd, {"step": 0.5, "batch_size": 4, "seed": 1}),
        (alg.heavy_ball, {"step": 1.0, "momentum": 0.5}),
        (alg.nesterov, {"step": 1.0, "momentum": 0.5}),
    ],
    ids=["gd-step-1-over-L", "gd-step-1.9-over-L", "sgd-batch-size-1", "sgd-batch-size-4", "heavy-ball-momentum-0.5",
         "nesterov-momentum-0.5"],
)
def test_span_preserving_methods_reach_the_projection(under, theta0, method, kwargs):
    loss, limit = _setup(under, theta0)
    if "step" in kwargs and method is not alg.sgd:
        kwargs = {**kwargs, "step": kwargs["step"] / loss.smoothness}
    else:
        kwargs = {**kwargs, "step": kwargs["step"] / np.max(np.sum(under.X**2, axis=1))}
    run = method(loss, theta0, tol=1e-10, record_every=None, **kwargs)
    assert run.converged and run.grad_norm <= 1e-10
    assert np.linalg.norm(run.final - limit) <= _certified(loss, under, 1e-10) * 1.0001


def test_preconditioned_gd_reaches_the_weighted_projection(under, theta0):
    loss = ib.losses.square_loss(under.X, under.y)
    p = np.linspace(0.2, 5.0, under.d)
    step = 1.0 / (np.linalg.norm(under.X * np.sqrt(p), 2) ** 2 / under.n)
    run = alg.preconditioned_gd(loss, theta0, step=step, preconditioner=p, tol=1e-11, record_every=None)
    # closed form: theta0 - P X^T (X P X^T)^{-1} (X theta0 - y)
    Xp = under.X * p
    expected = theta0 - Xp.T @ np.linalg.solve(Xp @ under.X.T, under.X @ theta0 - under.y)
    np.testing.assert_allclose(run.final, expected, atol=1e-8)


def test_adagrad_interpolates_but_leaves_the_span(under, theta0):
    loss, limit = _setup(under, theta0)
    run = alg.adagrad(loss, theta0, step=0.1, tol=1e-10, record_every=None)
    assert np.linalg.norm(loss.residual(run.final)) < 1e-8
    assert np.linalg.norm(run.final - limit) > 1e-3


def test_recording(under, theta0):
    loss, _ = _setup(under, theta0)
    run = alg.gradient_descent(loss, theta0, step=0.5 / loss.smoothness, tol=None, max_iter=25, record_every=10)
    np.testing.assert_array_equal(run.times, [0, 10, 20, 25])
    assert run.iterates.shape == (4, under.d)
    np.testing.assert_array_equal(run.iterates[0], theta0)
    np.testing.assert_array_equal(run.iterates[-1], run.final)
    assert not run.converged and run.n_steps == 25
    with pytest.raises(ValueError):
        run.final[0] = 1.0  # results are read-only


def test_no_recording_keeps_first_and_last(under, theta0):
    loss, _ = _setup(under, theta0)
    run = alg.gradient_descent(loss, theta0, step=0.5 / loss.smoothness, tol=None, max_iter=7, record_every=None)
    np.testing.assert_array_equal(run.times, [0, 7])


def test_gd_matches_its_closed_form(under, theta0):
    loss, _ = _setup(under, theta0)
    step = 0.7 / loss.smoothness
    run = alg.gradient_descent(loss, theta0, step=step, tol=None, max_iter=60, record_every=3)
    closed = ib.limits.least_squares_gd(under.X, under.y, theta0, step, run.times)
    np.testing.assert_allclose(run.iterates, closed, atol=1e-12)


def test_gradient_flow_matches_closed_form(under, theta0):
    loss, _ = _setup(under, theta0)
    t = np.linspace(0, 20, 15)
    flow = alg.gradient_flow(loss, theta0, t)
    closed = ib.limits.least_squares_flow(under.X, under.y, theta0, t)
    np.testing.assert_allclose(flow.iterates, closed, atol=1e-8)
    assert flow.grad_norm == pytest.approx(np.linalg.norm(loss.grad(closed[-1])), abs=1e-8)


@pytest.mark.parametrize("factor", [2.05, 3.0, 1e3, 1e200])
def test_unstable_step_raises_divergence_without_warnings(under, theta0, factor):
    loss, _ = _setup(under, theta0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ib.DivergenceError, match="2/L"):
            alg.gradient_descent(loss, theta0, step=factor / loss.smoothness, max_iter=100_000)


def test_not_converged_is_an_error(under, theta0):
    loss, _ = _setup(under, theta0)
    with pytest.raises(ib.NotConverged, match="max_iter"):
        alg.gradient_descent(loss, theta0, step=0.01 / loss.smoothness, tol=1e-12, max_iter=5)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda loss, th: alg.gradient_descent(loss, th, step=0.0), "step"),
        (lambda loss, th: alg.gradient_descent(loss, th, step=-1.0), "step"),
        (lambda loss, th: alg.gradient_descent(loss, th, step=float("nan")), "step"),
        (lambda loss, th: alg.gradient_descent(loss, th[:-1], step=0.1), "length"),
        (lambda loss, th: alg.gradient_descent(loss, th * np.nan, step=0.1), "non-finite"),
        (lambda loss, th: alg.gradient_descent(loss, th, step=0.1, max_iter=0), "max_iter"),
        (lambda loss, th: alg.gradient_descent(loss, th, step=0.1, record_every=0), "record_every"),
        (lambda loss, th: alg.sgd(loss, th, step=0.1, batch_size=100), "batch_size"),
        (lambda loss, th: alg.sgd(loss, th, step=0.1, batch_size=0), "batch_size"),
        (lambda loss, th: alg.heavy_ball(loss, th, step=0.1, momentum=1.0), "momentum"),
        (lambda loss, th: alg.preconditioned_gd(loss, th, step=0.1, preconditioner=-np.ones(th.size)),
         "preconditioner"),
        (lambda loss, th: alg.gradient_flow(loss, th, [0.0, 2.0, 1.0]), "increasing"),
    ],
    ids=["gd-step-zero", "gd-step-negative", "gd-step-nan", "gd-theta0-too-short", "gd-theta0-nan", "gd-max-iter-zero",
         "gd-record-every-zero", "sgd-batch-larger-than-n", "sgd-batch-size-zero", "heavy-ball-momentum-one",
         "preconditioned-gd-negative-preconditioner", "flow-times-not-increasing"],
)
def test_bad_arguments_raise(under, theta0, call, match):
    loss = ib.losses.square_loss(under.X, under.y)
    with pytest.raises(ib.InputError, match=match):
        call(loss, theta0)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), extra=st.integers(1, 8), seed=st.integers(0, 10_000),
       step_frac=st.floats(0.05, 1.95))
def test_gd_iterates_stay_in_theta0_plus_row_space(n, extra, seed, step_frac):
    data = ib.data.regression(n, n + extra, seed=seed)
    theta0 = np.random.default_rng(seed + 1).standard_normal(n + extra)
    loss = ib.losses.square_loss(data.X, data.y)
    run = alg.gradient_descent(loss, theta0, step=step_frac / loss.smoothness, tol=None, max_iter=50)
    spec = ib.limits.spectrum(data.X, data.y)
    moved = run.iterates - theta0
    off = moved - (spec.V @ (spec.V.T @ moved.T)).T
    assert np.abs(off).max() <= 1e-12 * max(1.0, np.abs(run.iterates).max())


# --- training a parameterised model on its own parameters ---------------------------------------------


@pytest.mark.parametrize("alpha", [1e-6, 1e-2, 1.0, 100.0], ids=lambda a: f"alpha={a:g}")
def test_parameter_flow_trains_the_network_to_the_q_alpha_minimiser(under, alpha):
    """Woodworth's theorem on a small problem: the trained u*u - v*v reaches argmin Q_alpha."""
    S = ib.parametrizations.signed_square(under.d)
    network = ib.parametrizations.reparametrized(ib.losses.square_loss(under.X, under.y), S)
    run = alg.parameter_flow(network, S.init(alpha), [0.0, 1e18], tol=1e-10, rtol=1e-6)
    exact = ib.limits.q_alpha_solution(under.X, under.y, alpha)
    assert run.converged and run.grad_norm <= 1e-10
    assert np.isfinite(run.error_bound) and run.error_bound < 1e-7
    assert np.linalg.norm(run.predictors[-1] - exact.theta) <= run.error_bound + exact.error_bound
    np.testing.assert_allclose(run.predictors, S.theta(run.iterates), rtol=1e-9, atol=1e-12)


def test_parameter_flow_in_plain_coordinates_for_the_product(under):
    P = ib.parametrizations.product(under.d)  # not sign preserving: integrated in w itself
    network = ib.parametrizations.reparametrized(ib.losses.square_loss(under.X, under.y), P)
    w0 = P.init(1.0)
    run = alg.parameter_flow(network, w0, [0.0, 1e12], tol=1e-9, rtol=1e-8)
    reference = ib.limits.mirror_flow_limit(P.mirror_potential(w0), under.X, under.y, P.theta(w0))
    assert "log coordinates" not in run.method
    assert np.linalg.norm(run.predictors[-1] - reference.theta) <= run.error_bound + reference.error_bound


def test_parameter_flow_of_a_plain_loss_is_the_gradient_flow(under):
    loss = ib.losses.square_loss(under.X, under.y)
    theta0 = np.linspace(-1, 1, under.d)
    run = alg.parameter_flow(loss, theta0, [0.0, 2.0], rtol=1e-10)
    np.testing.assert_allclose(run.predictors[-1], ib.limits.least_squares_flow(under.X, under.y, theta0, [2.0])[-1],
                               atol=1e-7)


def test_parameter_flow_bad_input(under):
    S = ib.parametrizations.signed_square(under.d)
    loss = ib.losses.square_loss(under.X, under.y)
    separable = ib.data.separable(10, 3, seed=0)
    logistic = ib.classification.classification_loss(separable.X, separable.y)
    with pytest.raises(ib.InputError, match="parameterised model of the square loss"):
        alg.parameter_flow(logistic, np.ones(3), [0.0, 1.0])
    with pytest.raises(ib.InputError, match="of ClassificationLoss"):
        alg.parameter_flow(ib.parametrizations.reparametrized(logistic, ib.parametrizations.product(3)),
                           np.ones(6), [0.0, 1.0])
    network = ib.parametrizations.reparametrized(loss, S)
    w0 = S.init(1.0)
    w0[3] = 0.0
    with pytest.raises(ib.InputError, match="stays at 0"):
        alg.parameter_flow(network, w0, [0.0, 1.0])
    with pytest.raises(ib.InputError, match="length"):
        alg.parameter_flow(network, np.ones(3), [0.0, 1.0])


def test_integrator_budget_raises_instead_of_creeping_to_the_horizon():
    """A certificate that cannot be reached must end in NotConverged, not hours of tiny steps."""
    with pytest.raises(ib.NotConverged, match="evaluations of the right-hand side"):
        alg.integrate_certified(lambda t, y: -y, np.ones(2), [0.0, 1e15], method="LSODA", rtol=1e-8, atol=1e-12,
                                what="a test flow", certificate=lambda t, y: 1.0, tol=1e-3, max_evaluations=300)


# --- proximal gradient and the rounding drift ---------------------------------------------------------


def test_proximal_gradient_reaches_the_lasso_within_its_a_priori_bound(under):
    loss = ib.losses.square_loss(under.X, under.y)
    eta, lam = 1.0 / loss.smoothness, 0.05
    run = alg.proximal_gradient(loss, np.zeros(under.d), step=eta, l1=lam, tol=1e-11, record_every=None)
    reference = ib.programs.lasso_program(under.X, under.y, lam)
    nxt = alg.ista_step(loss, run.final, step=eta, l1=lam)
    assert np.linalg.norm(run.final - nxt) / eta == pytest.approx(run.grad_norm, rel=1e-12)
    bound = eta * run.grad_norm + ib.programs.lasso_distance_bound(
        under.X, nxt, (1 + eta * loss.smoothness) * run.grad_norm, np.flatnonzero(reference.theta))
    assert np.linalg.norm(run.final - reference.theta) <= bound + reference.certificate.error_bound
    assert bound < 1e-8


def test_rounding_drift_counts_steps_and_refuses_flows(under, theta0):
    loss = ib.losses.square_loss(under.X, under.y)
    run = alg.gradient_descent(loss, theta0, step=1.0 / loss.smoothness, tol=1e-10, record_every=None)
    drift = run.rounding_drift()
    assert drift == pytest.approx(2 * run.n_steps * np.finfo(float).eps
                                  * max(np.linalg.norm(run.iterates, axis=1).max(), np.linalg.norm(run.final)))
    assert 0 < drift < 1e-10
    flow = alg.gradient_flow(loss, theta0, [0.0, 1.0])
    with pytest.raises(ib.InputError, match="is a flow"):
        flow.rounding_drift()
