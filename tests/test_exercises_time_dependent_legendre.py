"""The check of the chapter's coding exercise accepts the right answer and rejects plausible wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from ibcore.exercises import check_effective_scale


def _correct(alpha, schedule):
    return alpha * np.exp(-schedule.total)


def _stub(alpha, schedule):
    raise NotImplementedError


WRONG = {
    "squared-shrinkage": lambda alpha, schedule: alpha * np.exp(-2 * schedule.total),  # the centre's factor
    "half-shrinkage": lambda alpha, schedule: alpha * np.exp(-schedule.total / 2),
    "ignores-the-schedule": lambda alpha, schedule: alpha,
    "peak-rate-not-total": lambda alpha, schedule: alpha * np.exp(-schedule.strength),
    "negative": lambda alpha, schedule: -alpha,
}


def test_correct_answer_passes():
    check = check_effective_scale(_correct)
    assert check.status == "correct", check.message
    check.assert_correct()


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_answer_is_rejected(name):
    check = check_effective_scale(WRONG[name])
    assert check.status == "wrong", check.message
    assert not check.correct


def test_stub_is_not_attempted():
    assert check_effective_scale(_stub).status == "not attempted"
    assert check_effective_scale(lambda alpha, schedule: None).status == "not attempted"
