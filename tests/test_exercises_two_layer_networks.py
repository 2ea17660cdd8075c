"""The check of the chapter two_layer_networks' coding exercise: right, wrong and stub answers."""

import numpy as np
import pytest

import ibcore as ib


def _arccos_answer(X1, X2):
    """A correct answer with the angle from arccos (accurate to about 1e-8 near parallel pairs)."""
    norms = np.outer(np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1))
    inner = X1 @ X2.T
    t = np.arccos(np.clip(inner / np.where(norms > 0, norms, 1.0), -1.0, 1.0))
    return (norms * (np.sin(t) + (np.pi - t) * np.cos(t)) + inner * (np.pi - t)) / (2 * np.pi)


def _output_layer_only(X1, X2):
    """A plausible slip: only the output layer's term (the input layer not trained)."""
    norms = np.outer(np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1))
    t = np.arccos(np.clip(X1 @ X2.T / np.where(norms > 0, norms, 1.0), -1.0, 1.0))
    return norms * (np.sin(t) + (np.pi - t) * np.cos(t)) / (2 * np.pi)


def _stub(X1, X2):
    raise NotImplementedError


@pytest.mark.parametrize("answer", [ib.networks.relu_ntk, _arccos_answer], ids=["library", "arccos"])
def test_ntk_correct(answer):
    check = ib.exercises.check_ntk(answer)
    assert check.status == "correct", check.message
    check.assert_correct()


@pytest.mark.parametrize("answer", [_output_layer_only, lambda X1, X2: X1 @ X2.T, lambda X1, X2: np.zeros(3)],
                         ids=["output-layer-only", "linear-kernel", "wrong-shape"])
def test_ntk_wrong(answer):
    check = ib.exercises.check_ntk(answer)
    assert check.status == "wrong"
    with pytest.raises(ib.errors.ClaimFailed):
        check.assert_correct()


@pytest.mark.parametrize("answer", [_stub, lambda X1, X2: None], ids=["stub", "returns-none"])
def test_ntk_not_attempted(answer):
    assert ib.exercises.check_ntk(answer).status == "not attempted"
