"""The check of the chapter diagonal_networks' coding exercise: right, wrong and stub answers."""

from __future__ import annotations

import numpy as np
import pytest

import ibcore as ib


def _mirror_descent(factor_gamma: float, factor_step: float = 4.0):
    def answer(X, y, alpha, eta, tol=1e-10, max_iter=200_000):
        n, d = X.shape
        gamma = factor_gamma * alpha**2
        z = np.zeros(d)
        for _ in range(max_iter):
            theta = gamma * np.sinh(z)
            grad = X.T @ (X @ theta - y) / n
            if np.linalg.norm(grad) <= tol:
                return theta
            z -= factor_step * eta * grad
        raise RuntimeError("no convergence")

    return answer


def _gradient_descent(X, y, alpha, eta, tol=1e-10, max_iter=200_000):
    theta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        grad = X.T @ (X @ theta - y) / X.shape[0]
        if np.linalg.norm(grad) <= tol:
            return theta
        theta -= eta * grad
    raise RuntimeError("no convergence")


def _stub(X, y, alpha, eta):
    raise NotImplementedError


def _wrong_shape(X, y, alpha, eta):
    return np.zeros(3)


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        pytest.param(_mirror_descent(2.0), "correct", id="correct"),
        pytest.param(_mirror_descent(2.0, factor_step=1.0), "correct", id="correct-other-step"),
        pytest.param(_mirror_descent(1.0), "wrong", id="wrong-gamma-alpha-squared"),
        pytest.param(_mirror_descent(4.0), "wrong", id="wrong-gamma-four-alpha-squared"),
        pytest.param(_gradient_descent, "wrong", id="wrong-plain-gradient-descent"),
        pytest.param(_wrong_shape, "wrong", id="wrong-shape"),
        pytest.param(_stub, "not attempted", id="stub"),
    ],
)
def test_check_hyperbolic_mirror_descent(answer, status):
    check = ib.exercises.check_hyperbolic_mirror_descent(answer)
    assert check.status == status, check.message
    if status == "wrong":
        assert "distance" in check.message or "shape" in check.message


def test_assert_correct_raises_on_a_wrong_answer():
    with pytest.raises(ib.errors.ClaimFailed):
        ib.exercises.check_hyperbolic_mirror_descent(_mirror_descent(1.0)).assert_correct()
