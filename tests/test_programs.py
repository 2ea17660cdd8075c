import numpy as np
import pytest
from scipy.optimize import linprog

import ibcore as ib
from ibcore import programs


@pytest.mark.parametrize("solver", ["CLARABEL", "ECOS", None], ids=["clarabel", "ecos", "chain"])
def test_min_l2_is_pseudo_inverse_within_its_certificate(under, solver):
    sol = programs.min_norm_program(under.X, under.y, solver=solver)
    error = np.linalg.norm(sol.theta - np.linalg.pinv(under.X) @ under.y)
    assert error <= sol.certificate.error_bound <= 1e-6


def test_center_gives_projection(under, theta0):
    th = programs.min_norm_interpolator(under.X, under.y, center=theta0)
    np.testing.assert_allclose(th, ib.limits.least_squares_limit(under.X, under.y, theta0), atol=1e-8)


def test_min_l1_matches_an_independent_lp(under):
    th = programs.min_norm_interpolator(under.X, under.y, p=1)
    d = under.d
    # split theta = a - b with a, b >= 0: min 1^T (a + b) s.t. X(a - b) = y (HiGHS)
    res = linprog(np.ones(2 * d), A_eq=np.hstack([under.X, -under.X]), b_eq=under.y, bounds=(0, None),
                  method="highs")
    assert res.status == 0
    assert np.isclose(np.abs(th).sum(), res.fun, rtol=1e-7)
    np.testing.assert_allclose(under.X @ th, under.y, atol=1e-8)


def test_weighted_program_matches_closed_form(under, theta0):
    w = np.linspace(0.5, 2.0, under.d)
    th = programs.weighted_min_norm_interpolator(under.X, under.y, w, center=theta0)
    P = 1.0 / w
    Xp = under.X * P
    expected = theta0 - Xp.T @ np.linalg.solve(Xp @ under.X.T, under.X @ theta0 - under.y)
    np.testing.assert_allclose(th, expected, atol=1e-8)


def test_ridge_program_matches_closed_form(over):
    for lam in (0.0, 0.5):
        np.testing.assert_allclose(programs.ridge(over.X, over.y, lam), ib.limits.ridge_path(over.X, over.y, [lam])[0],
                                   atol=1e-8)


@pytest.mark.parametrize("p", [1, 2])
def test_inconsistent_system_raises_solver_error(over, p):
    with pytest.raises(ib.SolverError, match="infeasible") as info:
        programs.min_norm_interpolator(over.X, over.y, p=p)
    assert info.value.solver == "CLARABEL"
    assert info.value.status.startswith("infeasible")


@pytest.mark.parametrize(
    "call",
    [
        lambda d: programs.min_norm_interpolator(d.X, d.y, p=3),
        lambda d: programs.min_norm_interpolator(d.X, d.y, solver="NOPE"),
        lambda d: programs.min_norm_interpolator(d.X, d.y, center=np.zeros(3)),
        lambda d: programs.min_norm_interpolator(d.X * np.nan, d.y),
        lambda d: programs.weighted_min_norm_interpolator(d.X, d.y, -np.ones(d.d)),
        lambda d: programs.ridge(d.X, d.y, -1.0),
    ],
    ids=["p-3", "unknown-solver", "center-wrong-length", "nan-in-X", "negative-weights", "ridge-negative-lambda"],
)
def test_bad_input(under, call):
    with pytest.raises(ib.InputError):
        call(under)


def test_non_negative_basis_pursuit_and_lasso():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((12, 30))
    theta = np.zeros(30)
    theta[[1, 4, 9]] = [1.0, 0.5, 2.0]
    bp = programs.min_norm_interpolator(X, X @ theta, p=1, nonnegative=True)
    assert np.all(bp >= -1e-9)
    np.testing.assert_allclose(X @ bp, X @ theta, atol=1e-8)
    y = X @ theta + 0.1 * rng.standard_normal(12)
    lam_max = np.abs(X.T @ y).max() / 12
    np.testing.assert_allclose(programs.lasso(X, y, 1.01 * lam_max), 0.0, atol=1e-7)  # zero above lambda_max
    w = programs.lasso(X, y, 0.1 * lam_max)
    g = X.T @ (X @ w - y) / 12
    assert np.max(np.abs(g)) <= 0.1 * lam_max + 1e-6  # KKT: |grad| <= lambda
    wp = programs.lasso(X, y, 0.1 * lam_max, nonnegative=True)
    assert np.all(wp >= -1e-9)
    with pytest.raises(ib.InputError):
        programs.lasso(X, y, -1.0)


@pytest.mark.parametrize("alpha", [1e-10, 1e-4, 1.0], ids=lambda a: f"alpha={a:g}")
def test_q_alpha_program_is_certified_and_agrees_with_the_exact_solver(under, alpha):
    solution = programs.q_alpha_program(under.X, under.y, alpha)
    exact = ib.limits.q_alpha_solution(under.X, under.y, alpha)
    cert = solution.certificate
    assert cert.feasibility < 1e-8 and np.isfinite(cert.error_bound) and cert.error_bound < 1e-5
    assert np.linalg.norm(solution.theta - exact.theta) <= cert.error_bound + exact.error_bound
    assert "error ≤" in str(cert)
    with pytest.raises(ValueError):
        solution.theta[0] = 1.0  # read-only


def test_q_alpha_program_refuses_large_alpha(under):
    with pytest.raises(ib.InputError, match="alpha"):
        programs.q_alpha_program(under.X, under.y, 1e3)


def test_lasso_program_is_polished_to_its_support(under):
    solution = programs.lasso_program(under.X, under.y, 0.05)
    assert programs.lasso_kkt(under.X, under.y, 0.05, solution.theta) < 1e-12
    assert np.isfinite(solution.certificate.error_bound)
    assert 0 < np.count_nonzero(solution.theta) < under.d


def test_lasso_distance_bound_holds_for_points_near_the_minimiser(under):
    lam = 0.05
    star = programs.lasso_program(under.X, under.y, lam).theta
    support = np.flatnonzero(star)
    rng = np.random.default_rng(0)
    for _ in range(20):
        theta = star.copy()
        theta[support] += 1e-4 * rng.standard_normal(support.size)
        stationarity = programs.lasso_kkt(under.X, under.y, lam, theta)
        bound = programs.lasso_distance_bound(under.X, theta, stationarity, support)
        assert np.linalg.norm(theta - star) <= bound * (1 + 1e-9)
    with pytest.raises(ib.InputError, match="support indices"):
        programs.lasso_distance_bound(under.X, star, 0.0, [under.d])


def test_max_margin_program_satisfies_the_kkt_conditions():
    data = ib.data.separable(30, 5, margin=0.2, seed=1)
    solution = programs.max_margin_program(data.X, data.y)
    w, a = np.asarray(solution.theta), np.asarray(solution.dual)
    margins = data.y * (data.X @ w)
    assert margins.min() >= 1 - 1e-12
    np.testing.assert_allclose(margins[a > 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(w, (a * data.y) @ data.X, atol=1e-12)
    assert np.all(a >= 0) and solution.certificate.error_bound < 1e-6
    direction = programs.max_margin(data.X, data.y)
    np.testing.assert_allclose(direction, w / np.linalg.norm(w), rtol=1e-12)
