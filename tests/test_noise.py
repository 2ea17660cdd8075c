"""ibcore.noise: exact covariances against independent computations, the chains' statistics, and bad input."""

import numpy as np
import pytest
from scipy.linalg import solve_continuous_lyapunov

import ibcore as ib

nz = ib.noise


@pytest.fixture
def tall():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((15, 3))
    return X, X @ np.array([1.0, -1.0, 0.5]) + 0.3 * rng.standard_normal(15)


def test_ou_covariance_solves_the_lyapunov_equation(tall):
    X, y = tall
    H, G = X.T @ X / 15, nz.sgd_noise_covariance(X, y)
    C = nz.ou_covariance(H, G, 0.2)
    np.testing.assert_allclose(C, solve_continuous_lyapunov(H, 0.2 * G), rtol=1e-11, atol=1e-14)


def test_ou_covariance_of_isotropic_noise_is_the_inverse_hessian(tall):
    H = tall[0].T @ tall[0] / 15
    np.testing.assert_allclose(nz.ou_covariance(H, np.eye(3), 0.1), 0.05 * np.linalg.inv(H), rtol=1e-11)


def test_stationary_covariance_is_the_fixed_point_of_the_recursion(tall):
    X, y = tall
    eta = 0.1
    C = nz.sgd_stationary_covariance(X, y, eta)
    r = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    mapped = sum((np.eye(3) - eta * np.outer(x, x)) @ C @ (np.eye(3) - eta * np.outer(x, x)) for x in X) / 15
    forcing = eta**2 * sum(ri**2 * np.outer(x, x) for ri, x in zip(r, X, strict=True)) / 15
    np.testing.assert_allclose(C, mapped + forcing, rtol=1e-10, atol=1e-15)
    assert np.all(np.linalg.eigvalsh(C) > 0)


def test_stationary_covariance_in_one_dimension():
    # x_i = 1: e <- (1 - eta) e + eta r_i, variance eta r^2 / (2 - eta)
    C = nz.sgd_stationary_covariance(np.ones((2, 1)), [1.0, -1.0], 0.5)
    assert C[0, 0] == pytest.approx(1 / 3, rel=1e-12)
    assert nz.second_moment_contraction(np.ones((2, 1)), 0.5) == pytest.approx(0.25, rel=1e-12)


def test_stationary_covariance_refuses_a_large_step(tall):
    X, y = tall
    with pytest.raises(ib.InputError, match=r"spectral radius .* eta < 2/max_i"):
        nz.sgd_stationary_covariance(X, y, 5.0)


def test_stationary_covariance_refuses_a_rank_deficient_design():
    X = np.ones((5, 2))
    with pytest.raises(ib.InputError, match="full column rank"):
        nz.sgd_stationary_covariance(X, np.arange(5.0), 0.1)


@pytest.mark.parametrize(
    ("H", "noise", "message"),
    [
        (np.array([[1.0, 2.0], [0.0, 1.0]]), np.eye(2), "symmetric"),
        (np.diag([1.0, -1.0]), np.eye(2), "positive definite"),
        (np.eye(2), np.eye(3), "shape"),
        (np.ones(3), np.eye(3), "2-D|dimension|ndim"),
    ],
    ids=["not-symmetric", "indefinite", "noise-shape", "not-a-matrix"],
)
def test_ou_covariance_bad_input(H, noise, message):
    with pytest.raises(ib.InputError, match=message):
        nz.ou_covariance(H, noise, 0.1)


def test_stationary_variance_1d_values_and_divergence():
    assert nz.stationary_variance_1d(2.0, 1.0, 0.5) == pytest.approx(0.5 / (2 * 1.0))
    with pytest.raises(ib.InputError, match="diverges"):
        nz.stationary_variance_1d(1.0, 1.0, 2.0)


def test_chain_moments_standard_errors():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 200_000))
    m = nz.chain_moments(x, [0])
    assert m.mean_se[0] == pytest.approx(1 / np.sqrt(200_000), rel=1e-2)
    assert m.variance_se[0] == pytest.approx(np.sqrt(2 / 200_000), rel=2e-2)  # Gaussian: m4 = 3 var^2
    with pytest.raises(ib.InputError, match="at least two chains"):
        nz.chain_moments([[1.0]], [0])


def test_additive_noise_sgd_records_and_is_reproducible():
    t, states = nz.additive_noise_sgd([[1.0]], 1.0, 0.1, [0.0], 10, chains=5, seed=3, record_every=5)
    assert t.tolist() == [0.0, 5.0, 10.0] and states.shape == (3, 5, 1)
    _, again = nz.additive_noise_sgd([[1.0]], 1.0, 0.1, [0.0], 10, chains=5, seed=3, record_every=5)
    np.testing.assert_array_equal(states, again)
    _, silent = nz.additive_noise_sgd([[1.0]], 0.0, 0.1, [2.0], 10, chains=2)
    np.testing.assert_allclose(silent[-1], 2.0 * 0.9**10)


def test_single_sample_sgd_without_residuals_stays_at_the_solution():
    X = np.random.default_rng(2).standard_normal((6, 2))
    final = nz.single_sample_sgd(X, X @ [1.0, 2.0], 0.1, [1.0, 2.0], 50, chains=4)
    np.testing.assert_allclose(final, np.tile([1.0, 2.0], (4, 1)), atol=1e-14)
    with pytest.raises(ib.InputError, match="length 2"):
        nz.single_sample_sgd(X, X @ [1.0, 2.0], 0.1, [1.0], 5, chains=2)


def test_factorization_sgd_marks_divergent_chains_without_nan():
    run = nz.factorization_sgd([3.0, 1.2], [3.0, 0.9], 1.0, eta=0.5, sigma=0.0, steps=200)
    assert run.diverged.tolist() == [True, False]
    assert np.all(np.isfinite(run.u)) and np.all(np.isfinite(run.v))
    assert run.u[-1, 1] * run.v[-1, 1] == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ib.InputError, match="same shape"):
        nz.factorization_sgd([1.0, 2.0], [1.0], 1.0, eta=0.1, sigma=0.0, steps=1)


def test_factorization_hessian_matches_finite_differences_of_the_gradient():
    u, v, y, h = 1.3, -0.4, 0.7, 1e-6

    def grad(a, b):
        return np.array([(a * b - y) * b, (a * b - y) * a])

    fd = np.column_stack([(grad(u + h, v) - grad(u - h, v)) / (2 * h), (grad(u, v + h) - grad(u, v - h)) / (2 * h)])
    np.testing.assert_allclose(nz.factorization_hessian(u, v, y), fd, atol=1e-8)


def test_label_noise_drift_and_strength():
    assert nz.label_noise_drift(0.0, 1.0, 0.5, 0.1) == pytest.approx(-0.01 * 0.25 / (1 - 0.1))
    assert nz.label_noise_strength(0.2, 2.0) == pytest.approx(0.2)
    with pytest.raises(ib.InputError, match="unstable"):
        nz.label_noise_drift(0.0, 1.0, 0.5, 1.0)


def test_label_noise_gd_without_noise_is_gradient_descent():
    problem = ib.data.regression(5, 8, seed=4)
    model = ib.parametrizations.reparametrized(ib.losses.square_loss(problem.X, problem.y),
                                               ib.parametrizations.signed_square(8))
    w0 = model.param.init(0.5)
    quiet = ib.algorithms.label_noise_gd(model, w0, step=0.05, sigma=0.0, steps=300)
    gd = ib.algorithms.gradient_descent(model, w0, step=0.05, tol=None, max_iter=300, record_every=None)
    np.testing.assert_allclose(quiet.final, gd.final, rtol=1e-12, atol=1e-15)
    noisy = ib.algorithms.label_noise_gd(model, w0, step=0.05, sigma=0.5, steps=300, seed=1, record_every=100)
    assert noisy.times.tolist() == [0, 100, 200, 300] and not noisy.converged


def test_label_noise_gd_refuses_a_classification_loss():
    data = ib.data.separable(10, 2, margin=0.2, seed=0)
    loss = ib.classification.classification_loss(data.X, data.y, "logistic")
    with pytest.raises(ib.InputError, match="square loss"):
        ib.algorithms.label_noise_gd(loss, np.zeros(2), step=0.1, sigma=1.0, steps=10)
