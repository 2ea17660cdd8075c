"""Checks for the exercises of the chapter noise."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from ._check import Check, as_numbers, attempt

__all__ = ["check_stationary_covariance"]

_COV = "Coding: the stationary covariance"
#: The check's own problem: 12 samples in dimension 3 (seed 21), step 0.15.
_COV_PROBLEM = {"n": 12, "d": 3, "seed": 21, "eta": 0.15}
#: Allowed relative distance: the fixed-point iteration is run until its increments are below 1e-15
#: relative, so it is accurate to rounding; the rest leaves room for a linear solve's rounding.
_COV_RTOL = 1e-9


@lru_cache(maxsize=1)
def _covariance_reference() -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """``(X, y, eta, C)`` with ``C`` the fixed point of the covariance recursion, iterated sample by sample.

    ``C <- (1/n) sum_i (I - eta x_i x_i^T) C (I - eta x_i x_i^T) + eta^2 (1/n) sum_i r_i^2 x_i x_i^T``, the
    recursion itself, never its vectorised linear system.
    """
    rng = np.random.default_rng(_COV_PROBLEM["seed"])
    n, d, eta = _COV_PROBLEM["n"], _COV_PROBLEM["d"], _COV_PROBLEM["eta"]
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
    r = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    contractions = [np.eye(d) - eta * np.outer(x, x) for x in X]
    forcing = eta**2 * sum(ri**2 * np.outer(x, x) for ri, x in zip(r, X, strict=True)) / n
    C = np.zeros((d, d))
    for _ in range(100_000):
        new = sum(A @ C @ A for A in contractions) / n + forcing
        if np.linalg.norm(new - C) <= 1e-15 * np.linalg.norm(new):
            C = new
            break
        C = new
    return X, y, eta, C


def check_stationary_covariance(answer: Callable[[np.ndarray, np.ndarray, float], Any]) -> Check:
    r"""Check a function computing the exact stationary covariance of single-sample SGD on least squares.

    Parameters
    ----------
    answer : callable
        The reader's function ``stationary_covariance(X, y, eta)``: ``X`` an ``(n, d)`` design of full
        column rank, ``y`` the ``n`` targets, ``eta`` the step; it returns the ``(d, d)`` covariance
        :math:`C_\eta` solving :math:`C = \mathbb E[(I-\eta xx^\top)C(I-\eta xx^\top)] + \eta^2\Gamma`.

    Returns
    -------
    Check
        "correct" if the answer is within ``1e-9`` (relative, Frobenius) of the fixed point of the
        covariance recursion on a problem of the check's own (12 samples in dimension 3, seed 21,
        step 0.15); "wrong" with the distance otherwise; "not attempted" for the stub.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(ib.exercises.check_stationary_covariance(lambda X, y, eta: None).status)
    not attempted
    >>> print(ib.exercises.check_stationary_covariance(lambda X, y, eta: np.zeros((3, 3))).status)
    wrong
    """
    X, y, eta, reference = _covariance_reference()
    value, failed = attempt(_COV, answer, X.copy(), y.copy(), eta)
    if failed is not None:
        return failed
    where = "On the check's problem (12 samples in dimension 3, seed 21, step 0.15)"
    C, reason = as_numbers(value, reference.shape, "your covariance")
    if C is None:
        return Check(_COV, "wrong", f"{reason}; {where[0].lower() + where[1:]}")
    gap = float(np.linalg.norm(C - reference) / np.linalg.norm(reference))
    if gap <= _COV_RTOL:
        return Check(_COV, "correct", f"{where}, your covariance is within {gap:.1e} (relative) of the fixed "
                                      f"point of the covariance recursion (allowed {_COV_RTOL:.0e}).")
    return Check(_COV, "wrong", f"{where}, your covariance is {gap:.3g} (relative) away from the fixed point "
                                f"of the covariance recursion (allowed {_COV_RTOL:.0e}).")
