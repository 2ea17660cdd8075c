"""Checks for the exercises of the chapter sparse_recovery."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.optimize import linprog

from ..errors import SolverError
from ._check import Check, attempt

__all__ = ["X_HAND", "check_recovered", "check_rip_by_hand"]

#: The design of the exercise "A restricted isometry constant by hand".
X_HAND = np.array([[1.0, 1.0, 0.0], [1.0, -1.0, 1.0]])

_RIP_EXERCISE = "Exercise 4.2 (a restricted isometry constant by hand)"
_RECOVERY_EXERCISE = "Exercise 4.3 (coding: measure a transition)"
#: The sample sizes, problems per sample size, dimension and sparsity of the transition exercise.
TRANSITION_N = (10, 15, 20)
TRANSITION_TRIALS, TRANSITION_D, TRANSITION_R = 20, 50, 3


def _rip_by_enumeration(X: np.ndarray, r: int) -> float:
    """delta_r of X: the largest |eigenvalue - 1| of every r x r principal block of X^T X / n."""
    gram = X.T @ X / X.shape[0]
    worst = 0.0
    for support in itertools.combinations(range(X.shape[1]), r):
        eig = np.linalg.eigvalsh(gram[np.ix_(support, support)])
        worst = max(worst, float(np.max(np.abs(eig - 1.0))))
    return worst


def check_rip_by_hand(answer: Callable[[], Any]) -> Check:
    r"""Check the hand computation of :math:`\delta_1` and :math:`\delta_2` of the exercise's design.

    The exercise asks for the restricted isometry constants of orders 1 and 2 of the
    :math:`2\times3` matrix :data:`X_HAND`, with the normalisation :math:`X^\top X/n`.

    Parameters
    ----------
    answer : callable
        A function of no argument returning the pair ``(delta_1, delta_2)``.

    Returns
    -------
    Check
        "correct" if both numbers agree with an enumeration of every support (eigenvalues of
        each principal block of :math:`X^\top X/2`) to ``1e-12``, the accuracy of a symmetric
        eigensolver on entries of order one; "wrong" otherwise, saying which constant differs;
        "not attempted" for the stub.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.exercises.check_rip_by_hand(lambda: None).status)
    not attempted
    >>> print(ib.exercises.check_rip_by_hand(lambda: "one half").message)
    return two finite numbers (delta_1, delta_2); got 'one half'
    >>> print(ib.exercises.check_rip_by_hand(lambda: (0.0, 0.0)).status)
    wrong
    """
    value, verdict = attempt(_RIP_EXERCISE, answer)
    if verdict is not None:
        return verdict
    try:
        mine = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        mine = np.array([])
    if mine.shape != (2,) or not np.all(np.isfinite(mine)):
        return Check(_RIP_EXERCISE, "wrong", f"return two finite numbers (delta_1, delta_2); got {value!r}")
    reference = np.array([_rip_by_enumeration(X_HAND, 1), _rip_by_enumeration(X_HAND, 2)])
    tol = 1e-12
    bad = [f"δ{k + 1} = {mine[k]:.6g}, the enumeration of all supports gives {reference[k]:.6g} "
           f"(off by {abs(mine[k] - reference[k]):.2g})" for k in range(2) if abs(mine[k] - reference[k]) > tol]
    if bad:
        return Check(_RIP_EXERCISE, "wrong", "; ".join(bad) + ".")
    return Check(_RIP_EXERCISE, "correct",
                 f"δ1 = {mine[0]:.6g} and δ2 = {mine[1]:.6g} agree with an enumeration of every support "
                 f"to {tol:.0e}.")


def _transition_problems(seed: int = 2024) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """The check's own problems: (n, index, X, theta) with X ~ N(0, 1)^{n x d}, theta 3-sparse non-negative."""
    rng = np.random.default_rng(seed)
    problems = []
    for n in TRANSITION_N:
        for k in range(TRANSITION_TRIALS):
            X = rng.standard_normal((n, TRANSITION_D))
            theta = np.zeros(TRANSITION_D)
            theta[rng.choice(TRANSITION_D, TRANSITION_R, replace=False)] = np.abs(rng.standard_normal(TRANSITION_R))
            problems.append((n, k, X, theta))
    return problems


def _reference_error(X: np.ndarray, theta: np.ndarray) -> float:
    """Relative error of non-negative basis pursuit, solved by scipy's HiGHS simplex (not cvxpy)."""
    result = linprog(np.ones(X.shape[1]), A_eq=X, b_eq=X @ theta, bounds=(0, None), method="highs")
    if result.status != 0:
        raise SolverError(f"the reference linear program (scipy HiGHS) failed: {result.message}", solver="HiGHS",
                          status=str(result.status))
    return float(np.linalg.norm(result.x - theta) / np.linalg.norm(theta))


def check_recovered(answer: Callable[[np.ndarray, np.ndarray], Any]) -> Check:
    r"""Check ``recovered(X, theta)``: does non-negative basis pursuit recover ``theta`` from ``X theta``?

    The exercise asks for a function returning ``True`` when the minimiser of
    :math:`\mathbf 1^\top v` subject to :math:`Xv = X\theta`, :math:`v\ge0` is within relative
    error ``1e-5`` of ``theta``, and ``False`` otherwise.

    Parameters
    ----------
    answer : callable
        The reader's ``recovered(X, theta) -> bool``.

    Returns
    -------
    Check
        Run on the check's own 60 problems (20 for each n = 10, 15, 20; d = 50; 3-sparse
        non-negative targets; fixed seed) and compared with the same program solved by scipy's
        HiGHS simplex. A vertex solution is exact to about ``1e-9`` and a failed recovery is off
        by order one, so problems whose reference error lies between ``1e-7`` and ``1e-3`` (none
        on this seed) would be skipped as undecidable. "correct" reports the reader's success
        rate per n; "wrong" says on which problems the verdicts differ; "not attempted" is the
        verdict on the stub.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.exercises.check_recovered(lambda X, theta: None).status)
    not attempted
    >>> print(ib.exercises.check_recovered(lambda X, theta: 1).message)
    return True or False; got 1 (n = 10, problem 0)
    >>> print(ib.exercises.check_recovered(lambda X, theta: True).status)  # recovery often fails at n = 10
    wrong
    """
    problems = _transition_problems()
    verdicts = []
    for n, k, X, theta in problems:
        value, verdict = attempt(_RECOVERY_EXERCISE, answer, X.copy(), theta.copy())
        if verdict is not None:
            return verdict
        if not isinstance(value, (bool, np.bool_)):
            return Check(_RECOVERY_EXERCISE, "wrong", f"return True or False; got {value!r} (n = {n}, problem {k})")
        verdicts.append(bool(value))
    differ, decided = [], 0
    for (n, k, X, theta), mine in zip(problems, verdicts, strict=True):
        err = _reference_error(X, theta)
        if 1e-7 <= err <= 1e-3:
            continue
        decided += 1
        if mine != (err < 1e-5):
            differ.append(f"n = {n}, problem {k}: you say {mine}, the reference's relative error is {err:.2g}")
    if differ:
        return Check(_RECOVERY_EXERCISE, "wrong",
                     f"Your verdict differs from the reference on {len(differ)} of {decided} problems, e.g. "
                     + "; ".join(differ[:3]) + ".")
    rates = ", ".join(f"n = {n}: {np.mean([v for (m, *_), v in zip(problems, verdicts, strict=True) if m == n]):.2f}"
                      for n in TRANSITION_N)
    return Check(_RECOVERY_EXERCISE, "correct",
                 f"Your verdicts agree with scipy's simplex on all {decided} problems. Your success rates "
                 f"({TRANSITION_TRIALS} problems each): {rates}.")
