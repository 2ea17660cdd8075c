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
