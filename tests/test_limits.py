import numpy as np
import pytest

import ibcore as ib
from ibcore import limits


def test_limit_from_zero_is_pseudo_inverse(under):
    np.testing.assert_allclose(limits.least_squares_limit(under.X, under.y), np.linalg.pinv(under.X) @ under.y,
                               atol=1e-12)


def test_limit_from_theta0_is_projection(under, theta0):
    lim = limits.least_squares_limit(under.X, under.y, theta0)
    np.testing.assert_allclose(under.X @ lim, under.y, atol=1e-10)
    # theta0 - lim is in the row space, i.e. orthogonal to the kernel
    np.testing.assert_allclose(theta0 - lim, np.linalg.pinv(under.X) @ under.X @ (theta0 - lim), atol=1e-10)


def test_overdetermined_limit_ignores_theta0(over):
    ols = np.linalg.lstsq(over.X, over.y, rcond=None)[0]
    for th0 in (None, np.ones(over.d)):
        np.testing.assert_allclose(limits.least_squares_limit(over.X, over.y, th0), ols, atol=1e-12)


def test_flow_starts_at_theta0_and_ends_at_limit(under, theta0):
    path = limits.least_squares_flow(under.X, under.y, theta0, [0.0, 1e6])
    np.testing.assert_allclose(path[0], theta0, atol=1e-13)
    np.testing.assert_allclose(path[1], limits.least_squares_limit(under.X, under.y, theta0), atol=1e-10)


def test_ridge_path_matches_normal_equations(over):
    lams = np.array([0.0, 0.1, 3.0])
    path = limits.ridge_path(over.X, over.y, lams)
    for lam, th in zip(lams, path, strict=True):
        expected = np.linalg.solve(over.X.T @ over.X / over.n + lam * np.eye(over.d), over.X.T @ over.y / over.n)
        np.testing.assert_allclose(th, expected, atol=1e-12)


def test_spectrum_drops_null_directions():
    X = np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 0.0]])  # rank 1
    spec = limits.spectrum(X, np.array([1.0, 2.0]))
    assert spec.rank == 1
    assert spec.rates.shape == (1,)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: limits.ridge_path(d.X, d.y, [-1.0]),
        lambda d: limits.least_squares_gd(d.X, d.y, np.zeros(d.d), 0.1, [1.5]),
        lambda d: limits.least_squares_gd(d.X, d.y, np.zeros(d.d), -0.1, [1]),
        lambda d: limits.least_squares_flow(d.X, d.y, np.zeros(d.d + 1), [1.0]),
        lambda d: limits.least_squares_limit(d.X, d.y[:-1]),
    ],
    ids=["ridge-negative-lambda", "gd-fractional-step-count", "gd-negative-step", "flow-theta0-too-long",
         "limit-y-too-short"],
)
def test_bad_input(under, call):
    with pytest.raises(ib.InputError):
        call(under)


def test_q_alpha_solution_is_certified_and_agrees_with_q_alpha_limit(under):
    for alpha in (1e-8, 1e-2, 10.0):
        solution = ib.limits.q_alpha_solution(under.X, under.y, alpha)
        np.testing.assert_array_equal(solution.theta, ib.limits.q_alpha_limit(under.X, under.y, alpha))
        assert np.linalg.norm(under.X @ solution.theta - under.y) < 1e-10
        assert 0 <= solution.error_bound < 1e-8


def test_sensitivity_of_the_euclidean_metric_is_the_pseudo_inverse_norm(under):
    kappa = ib.limits.sensitivity(under.X, np.ones(under.d))
    assert kappa == pytest.approx(np.linalg.norm(np.linalg.pinv(under.X), 2), rel=1e-10)
    with pytest.raises(ib.InputError, match="positive"):
        ib.limits.sensitivity(under.X, -np.ones(under.d))


def test_lasso_path_satisfies_the_kkt_conditions_and_matches_cvxpy(under):
    lambdas = np.array([0.5, 0.1, 0.02])
    path = ib.limits.lasso_path(under.X, under.y, lambdas, tol=1e-12)
    for lam, theta in zip(lambdas, path, strict=True):
        assert ib.programs.lasso_kkt(under.X, under.y, lam, theta) < 1e-10
        reference = ib.programs.lasso_program(under.X, under.y, lam)
        assert np.linalg.norm(theta - reference.theta) < 1e-7
    with pytest.raises(ib.InputError, match="non-negative"):
        ib.limits.lasso_path(under.X, under.y, [-1.0])


def test_sensitivity_equals_its_formula_and_is_infinite_where_no_bound_exists():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((8, 20))
    h = rng.uniform(0.1, 2.0, 20)
    direct = np.linalg.norm((h[:, None] * X.T) @ np.linalg.inv((X * h) @ X.T), 2)
    assert ib.limits.sensitivity(X, h) == pytest.approx(direct, rel=1e-12)
    # a metric that vanishes (in floating point) on all but 3 of 20 coordinates: X H X^T is singular
    tiny = np.full(20, 1e-300)
    tiny[:3] = 1.0
    assert ib.limits.sensitivity(X, tiny) == np.inf


@pytest.mark.parametrize("shape", [(20, 50), (50, 20)], ids=["wide", "tall"])
def test_one_lambda_ridge_is_a_direct_solve_equal_to_the_svd_path(shape):
    problem = ib.data.regression(*shape, seed=4)
    one = limits.ridge_path(problem.X, problem.y, [0.3])
    both = limits.ridge_path(problem.X, problem.y, [0.3, 1.0])
    assert np.allclose(one[0], both[0], rtol=1e-12, atol=1e-14)


def test_one_tiny_lambda_on_a_rank_deficient_design_falls_back_to_the_svd():
    X = np.ones((3, 2))
    path = limits.ridge_path(X, [1.0, 1.0, 1.0], [1e-300])
    assert np.allclose(path[0], [0.5, 0.5])
