"""The checks of the least-squares chapter's exercises accept the book's answers and reject
plausible mistakes and the stub."""

from __future__ import annotations

import numpy as np
import pytest

import ibcore as ib
from ibcore.errors import ClaimFailed


def _closest(X, y, theta0):
    return theta0 - np.linalg.pinv(X) @ (X @ theta0 - y)


def _paths(X, y, t, *, rate_scale=1.0, lam_scale=1.0):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    rho = rate_scale * s**2 / X.shape[0]
    coeff = (U.T @ y) / s
    gf = Vt.T @ ((1 - np.exp(-rho * t)) * coeff)
    ridge = Vt.T @ (rho / (rho + lam_scale / t) * coeff)
    return gf, ridge


def _stub(*args):
    raise NotImplementedError


CLOSEST_WRONG = {
    "min-norm-ignores-theta0": lambda X, y, theta0: np.linalg.pinv(X) @ y,
    "one-gradient-step": lambda X, y, theta0: theta0 - X.T @ (X @ theta0 - y),
    "projects-on-kernel-only": lambda X, y, theta0: theta0 - np.linalg.pinv(X) @ (X @ theta0),
    "wrong-shape": lambda X, y, theta0: _closest(X, y, theta0)[:-1],
    "raises": lambda X, y, theta0: np.linalg.solve(X, y),
}

PATHS_WRONG = {
    "rate-without-1/n": lambda X, y, t: _paths(X, y, t, rate_scale=X.shape[0]),
    "ridge-at-lambda-t": lambda X, y, t: _paths(X, y, t, lam_scale=t**2),
    "swapped-pair": lambda X, y, t: _paths(X, y, t)[::-1],
    "single-vector": lambda X, y, t: _paths(X, y, t)[0],
}


def test_closest_interpolator_accepts_the_book_answer():
    check = ib.exercises.check_closest_interpolator(_closest)
    assert check.status == "correct", check.message
    assert check.assert_correct() is check


@pytest.mark.parametrize("wrong", CLOSEST_WRONG.values(), ids=CLOSEST_WRONG.keys())
def test_closest_interpolator_rejects_wrong_answers(wrong):
    check = ib.exercises.check_closest_interpolator(wrong)
    assert check.status == "wrong"
    with pytest.raises(ClaimFailed):
        check.assert_correct()


@pytest.mark.parametrize("stub", [_stub, lambda X, y, theta0: None], ids=["raises-NotImplementedError", "returns-None"])
def test_closest_interpolator_stub_is_not_attempted(stub):
    assert ib.exercises.check_closest_interpolator(stub).status == "not attempted"


def test_paths_at_accepts_the_book_answer():
    check = ib.exercises.check_paths_at(_paths)
    assert check.status == "correct", check.message


@pytest.mark.parametrize("wrong", PATHS_WRONG.values(), ids=PATHS_WRONG.keys())
def test_paths_at_rejects_wrong_answers(wrong):
    check = ib.exercises.check_paths_at(wrong)
    assert check.status == "wrong"
    assert "t = " in check.message or "pair" in check.message


def test_paths_at_stub_is_not_attempted():
    assert ib.exercises.check_paths_at(_stub).status == "not attempted"
