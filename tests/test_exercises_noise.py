"""The check of the chapter noise's coding exercise: right, wrong and stub answers."""

import numpy as np
import pytest

import ibcore as ib


def _covariance(X, y, eta):
    """The book's answer: the vectorised linear system."""
    return ib.noise.sgd_stationary_covariance(X, y, eta)


def _ou(X, y, eta):
    """A plausible slip: the Lyapunov (OU) solution instead of the exact covariance."""
    return ib.noise.ou_covariance(X.T @ X / len(y), ib.noise.sgd_noise_covariance(X, y), eta)


def _stub(X, y, eta):
    raise NotImplementedError


def test_covariance_correct():
    check = ib.exercises.check_stationary_covariance(_covariance)
    assert check.status == "correct", check.message
    check.assert_correct()


@pytest.mark.parametrize("answer", [_ou, lambda X, y, eta: np.zeros(3), lambda X, y, eta: X.T @ X],
                         ids=["ou-instead-of-exact", "wrong-shape", "gram"])
def test_covariance_wrong(answer):
    check = ib.exercises.check_stationary_covariance(answer)
    assert check.status == "wrong"
    with pytest.raises(ib.errors.ClaimFailed):
        check.assert_correct()


@pytest.mark.parametrize("answer", [_stub, lambda X, y, eta: None], ids=["stub", "returns-none"])
def test_covariance_not_attempted(answer):
    assert ib.exercises.check_stationary_covariance(answer).status == "not attempted"
