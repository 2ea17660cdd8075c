"""The check of the exercise "The sweep" (kernel_rich_regimes): a right answer, plausible wrong ones, the stub."""

import numpy as np
import pytest

import ibcore as ib


def _dual_newton_sweep(X, y, alphas):
    """A correct answer: damped Newton on the dual of min Q_alpha, warm-started from the largest alpha down."""
    limits, nu = {}, np.zeros(X.shape[0])
    for a in sorted(alphas, reverse=True):
        def dual(v, a=a):
            return y @ v - 2 * a**2 * np.sum(np.cosh(X.T @ v) - 1)

        for _ in range(200):
            z = X.T @ nu
            theta = 2 * a**2 * np.sinh(z)
            grad = y - X @ theta
            if np.linalg.norm(grad) <= 1e-12 * np.linalg.norm(y):
                break
            step = np.linalg.solve(2 * a**2 * (X * np.cosh(z)) @ X.T, grad)
            t = 1.0
            while t > 1e-12 and (np.max(np.abs(X.T @ (nu + t * step))) > 700 or dual(nu + t * step) < dual(nu)):
                t /= 2
            nu = nu + t * step
        limits[a] = theta
    return np.array([limits[a] for a in alphas])


def _library(X, y, alphas):
    return np.array([ib.limits.q_alpha_limit(X, y, a) for a in alphas])


def _alpha_not_squared(X, y, alphas):  # Q_alpha with alpha in place of alpha^2
    return np.array([ib.limits.q_alpha_limit(X, y, np.sqrt(a)) for a in alphas])


def _always_min_l2(X, y, alphas):  # the kernel end at every scale
    return np.array([np.linalg.pinv(X) @ y for _ in alphas])


def _always_min_l1(X, y, alphas):  # the rich end at every scale
    theta = ib.programs.min_norm_interpolator(X, y, p=1)
    return np.array([theta for _ in alphas])


def _one_row(X, y, alphas):  # forgets the sweep
    return ib.limits.q_alpha_limit(X, y, alphas[0])


def _stub(X, y, alphas):
    raise NotImplementedError


@pytest.mark.parametrize("answer", [_dual_newton_sweep, _library], ids=["dual-newton", "ibcore-limits"])
def test_a_correct_sweep_passes(answer):
    check = ib.exercises.check_alpha_sweep(answer)
    assert check.status == "correct", check.message
    check.assert_correct()


@pytest.mark.parametrize(
    "answer",
    [_alpha_not_squared, _always_min_l2, _always_min_l1, _one_row],
    ids=["alpha-not-squared", "always-min-l2", "always-min-l1", "wrong-shape"],
)
def test_a_wrong_sweep_fails_and_says_where(answer):
    check = ib.exercises.check_alpha_sweep(answer)
    assert check.status == "wrong"
    assert "alpha" in check.message or "shape" in check.message
    with pytest.raises(ib.errors.ClaimFailed):
        check.assert_correct()


def test_the_stub_is_not_attempted():
    assert ib.exercises.check_alpha_sweep(_stub).status == "not attempted"
