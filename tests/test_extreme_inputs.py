"""Extreme but finite inputs: a correct answer or a named ibcore error with a helpful message, never a raw
numpy/scipy exception, a NaN, an inf or a hang (each case was once one of those)."""

import signal
import time

import numpy as np
import pytest

import ibcore as ib
from ibcore import algorithms as alg


@pytest.fixture(scope="module")
def data():
    return ib.data.regression(20, 8, seed=0)


@pytest.fixture(autouse=True)
def deadline():
    """No case may hang: each gets 30 s of wall time."""

    def expired(signum, frame):
        raise TimeoutError("a case ran past 30 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_square_loss_of_huge_data_is_refused(data):
    with pytest.raises(ib.InputError, match="too large for float64"):
        ib.losses.square_loss(1e160 * data.X, data.y)


@pytest.mark.parametrize("scale", [0.0, 1e-170], ids=["X-zero", "X-1e-170"])
@pytest.mark.parametrize("method", ["gradient_descent", "heavy_ball", "nesterov"], ids=["gd", "heavy-ball", "nesterov"])
def test_methods_on_a_loss_without_curvature(data, scale, method):
    loss = ib.losses.square_loss(scale * data.X, data.y)
    run = getattr(alg, method)(loss, np.zeros(8), step=1.0, tol=None, max_iter=10)
    assert np.all(np.isfinite(run.iterates))


def test_divergence_message_states_the_bound(data):
    loss = ib.losses.square_loss(data.X, data.y)
    with pytest.raises(ib.DivergenceError, match=r"stability bound 2/L"):
        alg.gradient_descent(loss, np.zeros(8), step=10 / loss.smoothness, tol=None, max_iter=10_000)
    with pytest.raises(ib.DivergenceError, match=r"of heavy ball with momentum 0.5"):
        alg.heavy_ball(loss, np.zeros(8), step=10 / loss.smoothness, momentum=0.5, tol=None, max_iter=10_000)


def test_gradient_flow_at_time_zero_only(data):
    loss = ib.losses.square_loss(data.X, data.y)
    run = alg.gradient_flow(loss, np.ones(8), [0.0])
    np.testing.assert_array_equal(run.final, np.ones(8))
    assert run.times.tolist() == [0.0]


def test_gradient_flow_over_a_long_horizon_finishes_at_the_limit(data):
    loss = ib.losses.square_loss(data.X, data.y)
    start = time.perf_counter()
    run = alg.gradient_flow(loss, np.zeros(8), [0.0, 1e6])
    assert time.perf_counter() - start < 10
    assert "LSODA" in run.method
    np.testing.assert_allclose(run.final, ib.limits.least_squares_limit(data.X, data.y), atol=1e-8)


@pytest.mark.parametrize("alpha", [1e5, 1e7], ids=["alpha-1e5", "alpha-1e7"])
def test_mirror_flow_sweep_overflow_is_a_divergence(data, alpha):
    loss = ib.losses.square_loss(data.X, data.y)
    with pytest.raises(ib.DivergenceError, match="overflowed"):
        alg.mirror_flow_sweep(loss, [ib.potentials.diagonal_potential(alpha)], np.zeros(8))


@pytest.mark.parametrize("alpha", [1e-8, 1e-5], ids=["alpha-1e-8", "alpha-1e-5"])
def test_lazy_training_at_tiny_alpha_finishes(data, alpha):
    run = ib.lazy.lazy_training(ib.lazy.diagonal_model(data.X), data.y, alpha, np.linspace(0, 10, 11))
    assert np.all(np.isfinite(run.outputs))
    assert np.linalg.norm(run.outputs[-1] - data.y) < 1e-6 * np.linalg.norm(data.y)


def test_lazy_training_explicit_method_refuses_with_a_reason(data):
    with pytest.raises((ib.DivergenceError, ib.NotConverged), match="stiff"):
        ib.lazy.lazy_training(ib.lazy.diagonal_model(data.X), data.y, 1e-8, np.linspace(0, 10, 11), method="RK45",
                              max_evaluations=20_000)


@pytest.mark.parametrize("margin", [4.0, 5.5, 8.0], ids=["margin-4", "margin-5.5", "margin-8"])
def test_separable_with_a_large_margin_returns_at_once(margin):
    sample = ib.data.separable(50, 5, margin=margin, seed=2)
    assert np.abs(sample.X @ sample.w_star).min() >= margin
    np.testing.assert_array_equal(sample.y, np.sign(sample.X @ sample.w_star))


@pytest.mark.parametrize(
    "call",
    [lambda X, y: ib.losses.square_loss(X + 1j, y), lambda X, y: ib.limits.least_squares_limit(X * (1 + 1j), y),
     lambda X, y: ib.programs.min_norm_interpolator(X, y + 0j * y, p=2)],
    ids=["square-loss", "least-squares-limit", "min-norm-interpolator"])
def test_complex_input_is_refused(data, call):
    with pytest.raises(ib.InputError, match="must be real"):
        call(data.X, data.y)


def test_a_column_vector_theta_is_refused_not_broadcast(data):
    loss = ib.losses.square_loss(data.X, data.y)
    with pytest.raises(ib.InputError, match=r"vector of length d = 8; got shape \(8, 1\)"):
        loss.grad(np.zeros((8, 1)))


def test_q_of_huge_arguments_is_finite():
    values = ib.potentials.q(np.array([1e155, -1e300]))
    assert np.all(np.isfinite(values)) and np.all(values > 0)
    np.testing.assert_allclose(values[0], 1e155 * (np.log(1e155) - 1), rtol=1e-12)


def test_signed_square_init_at_huge_scales():
    g = ib.parametrizations.signed_square(3)
    np.testing.assert_allclose(g.init(1e80), 1e80)
    with pytest.raises(ib.InputError, match="overflow float64"):
        g.init(1e160)


def test_closed_form_gd_with_a_divergent_step_raises(data):
    with pytest.raises(ib.DivergenceError, match="stability bound is 2/L"):
        ib.limits.least_squares_gd(data.X, data.y, np.zeros(8), 100.0, [0, 10, 10_000])


def test_infeasible_interpolation_names_the_inconsistent_system():
    X = np.vstack([np.eye(3), np.eye(3)])
    y = np.array([1.0, 2.0, 3.0, 1.5, 2.0, 3.0])
    with pytest.raises(ib.SolverError, match="no solution: its least-squares residual"):
        ib.programs.min_norm_interpolator(X, y, p=1)


def test_infeasible_interpolation_of_a_consistent_system_says_it_is_numerical():
    diagnosis = ib.programs.interpolation_diagnosis(np.array([[1.0, 1.0], [1.0, 1.0 + 1e-15]]), np.array([1.0, 1.0]))
    assert "consistent" in diagnosis() and "ill-conditioned" in diagnosis()


def test_max_margin_on_non_separable_data_says_so():
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([1.0, -1.0, 1.0])
    with pytest.raises(ib.SolverError, match="not linearly separable") as info:
        ib.programs.max_margin(X, y)
    assert "X theta = y" not in str(info.value)


def test_claims_directory_does_not_follow_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("IBCORE_CLAIMS_DIR", "claims-here")
    monkeypatch.chdir(tmp_path)
    book = ib.verification.ClaimBook("least_squares", show=False)
    monkeypatch.chdir("/")
    assert book.path == tmp_path / "claims-here" / "least_squares.json"


def test_margins_and_angles_at_zero_are_refused():
    sample = ib.data.separable(6, 2, seed=0)
    loss = ib.classification.classification_loss(sample.X, sample.y)
    for measure in (ib.classification.normalized_margin, ib.classification.smooth_margin):
        with pytest.raises(ib.InputError, match="undefined at w = 0"):
            measure(loss, np.zeros(2))
    with pytest.raises(ib.InputError, match="same length"):
        ib.classification.angle_gap(np.ones(2), np.ones(3))
    with pytest.raises(ib.InputError, match="vector of length d = 2"):
        loss.margins(np.ones(3))


def test_single_recording_times_return_the_start():
    sample = ib.data.separable(6, 2, seed=0)
    loss = ib.classification.classification_loss(sample.X, sample.y)
    run = ib.classification.log_time_flow(loss, np.ones(2), [1.0])
    assert run.iterates.shape == (1, 2) and np.all(np.isfinite(run.log_losses))
    data = ib.data.regression(5, 3, seed=0)
    lazy = ib.lazy.lazy_training(ib.lazy.diagonal_model(data.X), data.y, 10.0, [0.0])
    assert lazy.outputs.shape == (1, 5)


def test_models_check_their_parameters():
    data = ib.data.regression(5, 3, seed=0)
    with pytest.raises(ib.InputError, match="p = 6 parameters"):
        ib.lazy.diagonal_model(data.X).predict(np.ones(4))
    with pytest.raises(ib.InputError, match="even with the doubling trick"):
        ib.lazy.TwoLayerNetwork(data.X, 3, 0, True)


def test_a_sharp_transition_is_refused_with_a_reason():
    with pytest.raises(ib.InputError, match="sharper than the grid"):
        ib.recovery.transition_fit([10, 20], [0, 20], 20)


@pytest.mark.parametrize(
    "call",
    [lambda: ib.verify("C1.1 x", 1.0, 1.0, rtol="a"), lambda: ib.verify_bound("C1.1 x", 1.0, upper="a"),
     lambda: ib.schedules.with_total("constant", "a", 1.0), lambda: ib.plotting.subplots(width="5"),
     lambda: ib.schedules.constant(1.0).is_off(-1.0)],
    ids=["verify-rtol-string", "bound-string", "total-string", "figure-width-string", "negative-time"])
def test_non_numbers_get_a_named_error(call):
    with pytest.raises(ib.InputError):
        call()


@pytest.mark.parametrize("value", ["abc", [[1.0, 2.0], [3.0]], None], ids=["a-string", "ragged-list", "none"])
def test_exercise_checks_call_a_non_numeric_answer_wrong(value):
    check = ib.exercises.check_hyperbolic_mirror_descent(lambda X, y, alpha, eta: value)
    assert check.status == ("not attempted" if value is None else "wrong")


def test_regularized_flow_refuses_a_non_square_loss():
    sample = ib.data.separable(6, 2, seed=0)
    logistic = ib.classification.classification_loss(sample.X, sample.y)
    g = ib.parametrizations.signed_square(2)
    with pytest.raises(ib.InputError, match="square loss's dynamics"):
        ib.regularized.regularized_flow(logistic, g, g.init(1.0), ib.schedules.constant(0.1), [0.0, 1.0])


def test_dense_derivatives_take_one_point_and_a_gradient_of_length_d():
    g = ib.parametrizations.signed_square(2)
    with pytest.raises(ib.InputError, match="must be 1-dimensional"):
        g.jacobian(np.ones((2, 4)))
    with pytest.raises(ib.InputError, match="d = 2 entries"):
        g.vjp(np.ones(4), np.ones(3))
    with pytest.raises(ib.InputError, match="length 2"):
        g.curvature(np.ones(4), np.ones(3))


def test_power_two_has_no_matched_effective_init():
    with pytest.raises(ib.InputError, match="k = 2 is signed_square"):
        ib.parametrizations.power(2, 2).effective_init(np.ones(4), 0.5, "matched")


@pytest.mark.parametrize("method", ["rk4", "Euler", ""], ids=["rk4", "euler", "empty"])
def test_unknown_integrators_are_named(method):
    loss = ib.losses.square_loss(np.eye(2), np.ones(2))
    with pytest.raises(ib.InputError, match="scipy's integrators"):
        alg.gradient_flow(loss, np.zeros(2), [0.0, 1.0], method=method)


def test_non_potentials_are_refused():
    loss = ib.losses.square_loss(np.eye(2), np.ones(2))
    with pytest.raises(ib.InputError, match=r"takes an ibcore\.potentials\.Potential"):
        alg.mirror_descent(loss, "entropy", np.ones(2), step=0.1)
    with pytest.raises(ib.InputError, match=r"takes an ibcore\.potentials\.Potential"):
        ib.limits.mirror_flow_limit(None, np.eye(2), np.ones(2), np.ones(2))
    with pytest.raises(ib.InputError, match="max_dual_step"):
        ib.limits.mirror_flow_limit(ib.potentials.Euclidean(1.0), np.eye(2), np.ones(2), np.ones(2),
                                    max_dual_step=float("nan"))


def test_a_right_hand_side_that_is_not_finite_is_a_divergence():
    with pytest.raises(ib.DivergenceError, match="not finite"):
        alg.integrate_certified(lambda t, y: np.full_like(y, np.nan), np.ones(2), [0.0, 1.0], method="RK45",
                                rtol=1e-6, atol=1e-9, what="a test flow")


def test_smaller_cases_of_the_api_review():
    loss = ib.losses.square_loss(np.eye(2), np.ones(2))
    with pytest.raises(ib.InputError, match="at least one sample"):
        loss.batch_grad(np.zeros(2), np.array([], dtype=int))
    with pytest.raises(ib.InputError, match="under- or overflows"):
        ib.potentials.diagonal_potential(1e-200)
    with pytest.raises(ib.InputError, match="backwards"):
        ib.limits.least_squares_flow(np.eye(2), np.ones(2), np.zeros(2), [-1.0, 0.0])
    import cvxpy as cp

    x = cp.Variable(2)
    with pytest.raises(ib.InputError, match="not DCP"):
        ib.programs.solve(cp.Problem(cp.Maximize(cp.norm(x, 2)), [x <= 1]))
