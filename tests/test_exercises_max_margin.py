"""The check of the chapter max_margin's coding exercise: right, wrong and stub answers."""

import numpy as np
import pytest

import ibcore as ib


def _offset(X, y):
    """The book's answer: solve y_i <w_tilde, x_i> = -log(n a_i) on the support vectors."""
    _, _, a = ib.programs.max_margin(X, y, return_dual=True)
    S = a > 0
    return np.linalg.solve(y[S, None] * X[S], -np.log(len(y) * a[S]))


def _offset_sign_error(X, y):
    """A plausible slip: y_i <w_tilde, x_i> = +log(n a_i)."""
    return -_offset(X, y)


def _offset_without_n(X, y):
    """A plausible slip: forget the 1/n of the loss, -log(a_i) instead of -log(n a_i)."""
    _, _, a = ib.programs.max_margin(X, y, return_dual=True)
    S = a > 0
    return np.linalg.solve(y[S, None] * X[S], -np.log(a[S]))


def _offset_and_w_hat(X, y):
    """Returns the pair (w_hat, w_tilde) instead of w_tilde alone."""
    _, w_hat, _ = ib.programs.max_margin(X, y, return_dual=True)
    return w_hat, _offset(X, y)


def _stub(X, y):
    raise NotImplementedError


def _crashes(X, y):
    return np.linalg.solve(X, y)


def test_offset_correct():
    check = ib.exercises.check_offset(_offset)
    assert check.status == "correct", check.message
    check.assert_correct()


@pytest.mark.parametrize(
    "answer",
    [_offset_sign_error, _offset_without_n, _offset_and_w_hat, _crashes, lambda X, y: np.zeros(2)],
    ids=["sign-error", "without-n", "returns-a-pair", "raises", "zero"],
)
def test_offset_wrong(answer):
    check = ib.exercises.check_offset(answer)
    assert check.status == "wrong"
    assert "30 points" in check.message or "returned" in check.message or "raised" in check.message
    with pytest.raises(ib.errors.ClaimFailed):
        check.assert_correct()


@pytest.mark.parametrize("answer", [_stub, lambda X, y: None], ids=["stub", "returns-none"])
def test_offset_not_attempted(answer):
    assert ib.exercises.check_offset(answer).status == "not attempted"
