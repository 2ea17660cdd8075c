"""The checks of the exercises of the chapter sparse_recovery: a right answer passes, plausible
wrong answers are caught, and the stub is reported as not attempted."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

import ibcore as ib
from ibcore.exercises import check_recovered, check_rip_by_hand


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        pytest.param(lambda: (0.5, (1 + np.sqrt(5)) / 4), "correct", id="correct"),
        pytest.param(lambda: (0.5, (np.sqrt(5) - 1) / 4), "wrong", id="smaller-deviation-of-the-2x2-block"),
        pytest.param(lambda: (0.0, (1 + np.sqrt(5)) / 4), "wrong", id="delta1-ignores-the-third-column"),
        pytest.param(lambda: (0.5, (3 + np.sqrt(5)) / 4), "wrong", id="eigenvalue-instead-of-deviation"),
        pytest.param(lambda: 0.5, "wrong", id="one-number"),
        pytest.param(_stub, "not attempted", id="stub"),
    ],
)
def test_check_rip_by_hand(answer, status):
    assert check_rip_by_hand(answer).status == status


def _basis_pursuit(X, theta):
    v = cp.Variable(X.shape[1])
    ib.programs.solve(cp.Problem(cp.Minimize(cp.sum(v)), [X @ v == X @ theta, v >= 0]))
    return bool(np.linalg.norm(v.value - theta) < 1e-5 * np.linalg.norm(theta))


def _min_l2(X, theta):
    v = np.linalg.lstsq(X, X @ theta, rcond=None)[0]
    return bool(np.linalg.norm(v - theta) < 1e-5 * np.linalg.norm(theta))


def _signed_basis_pursuit(X, theta):  # forgets v >= 0: recovers less often
    v = cp.Variable(X.shape[1])
    ib.programs.solve(cp.Problem(cp.Minimize(cp.norm1(v)), [X @ v == X @ theta]))
    return bool(np.linalg.norm(v.value - theta) < 1e-5 * np.linalg.norm(theta))


def _raises(X, theta):
    raise ValueError("shapes do not match")


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        pytest.param(_basis_pursuit, "correct", id="correct"),
        pytest.param(lambda X, theta: True, "wrong", id="always-true"),
        pytest.param(_min_l2, "wrong", id="min-l2-interpolator"),
        pytest.param(_signed_basis_pursuit, "wrong", id="signed-basis-pursuit"),
        pytest.param(lambda X, theta: 1.0, "wrong", id="not-a-bool"),
        pytest.param(_raises, "wrong", id="raises"),
        pytest.param(_stub, "not attempted", id="stub"),
    ],
)
def test_check_recovered(answer, status):
    check = check_recovered(answer)
    assert check.status == status, check.message


def test_correct_transition_answer_reports_the_rates():
    check = check_recovered(_basis_pursuit).assert_correct()
    assert "n = 10" in check.message and "n = 20" in check.message
