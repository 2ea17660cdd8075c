"""Checks for the exercises of the chapter least_squares.

Each reference is computed without the formula the exercise asks for: the closest interpolator
by cvxpy (a certified quadratic program), the early-stopped flow by numerical integration and
the ridge solution by cvxpy (certified by its gradient over its strong-convexity constant).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import algorithms, data, losses, programs
from ._check import Check, as_numbers, attempt

__all__: list[str] = ["check_closest_interpolator", "check_paths_at"]

#: Relative tolerance of the numerical integration used as the gradient-flow reference.
_FLOW_RTOL = 1e-10


def _problems_closest() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Test problems of the check itself (fixed seeds, not those of the chapter)."""
    out = []
    for n, d, seed in [(15, 60, 1401), (3, 5, 1402), (1, 2, 1403)]:
        prob = data.regression(n, d, seed=seed)
        theta0 = np.random.default_rng(seed + 100).standard_normal(d)
        out.append((f"n = {n}, d = {d} (seed {seed})", prob.X, prob.y, theta0))
    return out


def check_closest_interpolator(answer: Callable[..., Any]) -> Check:
    r"""Check ``answer(X, y, theta0)``, the interpolator closest to ``theta0``.

    It should return :math:`\arg\min\{\lVert\theta-\theta_0\rVert_2 : X\theta = y\}` for a
    full-row-rank ``X`` (n < d).

    Parameters
    ----------
    answer : callable
        The reader's function ``(X, y, theta0) -> theta`` (arrays of shapes (n, d), (n,), (d,)).

    Returns
    -------
    Check
        "correct" if on three test problems of the check's own (n, d = 15, 60; 3, 5; 1, 2) the
        answer is within the certified error of cvxpy's solution of the quadratic program (plus
        ``1e-9`` relative, far below any mistake), "wrong" with the test problem and the distance
        otherwise, "not attempted" for the stub.

    Raises
    ------
    SolverError
        Only if cvxpy fails to solve or certify the reference program.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> def stub(X, y, theta0):
    ...     raise NotImplementedError
    >>> print(ib.exercises.check_closest_interpolator(stub).status)
    not attempted
    >>> print(ib.exercises.check_closest_interpolator(lambda X, y, theta0: theta0).status)
    wrong
    """
    name = "Coding: the closest interpolator"
    worst = 0.0
    for label, X, y, theta0 in _problems_closest():
        value, check = attempt(name, answer, X.copy(), y.copy(), theta0.copy())
        if check is not None:
            return check
        theta, problem = as_numbers(value, (X.shape[1],), "your answer")
        if theta is None:
            return Check(name, "wrong", f"On the test problem {label}: {problem}.")
        ref = programs.min_norm_program(X, y, p=2, center=theta0)
        scale = max(1.0, float(np.linalg.norm(ref.theta)))
        tol = ref.certificate.error_bound + 1e-9 * scale
        err = float(np.linalg.norm(theta - ref.theta))
        if not err <= tol:
            residual = float(np.linalg.norm(X @ theta - y))
            hint = ("it does not interpolate" if residual > 1e-6 * max(1.0, float(np.linalg.norm(y)))
                    else "it interpolates, but is not the interpolator closest to theta0")
            return Check(name, "wrong", f"On the test problem {label} your answer is {err:.2e} away from cvxpy's "
                                        f"(allowed {tol:.1e}); ||X theta - y|| = {residual:.1e}: {hint}.")
        worst = max(worst, err / tol)
    return Check(name, "correct", "It matches cvxpy's certified solution on three test problems "
                                  f"(largest error {100 * worst:.2g} % of the allowance).")


def check_paths_at(answer: Callable[..., Any]) -> Check:
    r"""Check ``answer(X, y, t)``, the gradient-flow and ridge paths at the same time ``t``.

    It should return the pair ``(theta_gf, theta_ridge)``: the
    gradient flow on :math:`R(\theta)=\frac{1}{2n}\lVert X\theta-y\rVert_2^2` from
    :math:`\theta_0 = 0` at time ``t``, and the ridge solution
    :math:`\arg\min_\theta R(\theta) + \frac{\lambda}{2}\lVert\theta\rVert_2^2` at :math:`\lambda = 1/t`.

    Parameters
    ----------
    answer : callable
        The reader's function ``(X, y, t) -> (theta_gf, theta_ridge)``, ``t > 0`` a float.

    Returns
    -------
    Check
        "correct" if, on a test problem of the check's own (n = 30, d = 20, sparse ground truth,
        noise 0.5) at t = 0.1, 1, 10, 100, the flow agrees with a numerical integration (RK45,
        relative tolerance 1e-10; allowed 10 x that tolerance times the trajectory's size) and
        ridge with cvxpy (allowed its certified error plus 1e-9 relative), "wrong" with what
        differed, "not attempted" for the stub.

    Raises
    ------
    NotConverged
        Only if the reference integration of the flow fails.
    SolverError
        Only if cvxpy fails to solve or certify a reference ridge program.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(ib.exercises.check_paths_at(lambda X, y, t: None).status)
    not attempted
    >>> print(ib.exercises.check_paths_at(lambda X, y, t: np.zeros(20)).message)
    Return a pair (theta_gf, theta_ridge).
    """
    name = "Regularisation versus optimisation paths"
    prob = data.regression(30, 20, sparsity=3, noise=0.5, seed=1404)
    X, y = prob.X, prob.y
    times = np.array([0.0, 0.1, 1.0, 10.0, 100.0])
    flow = algorithms.gradient_flow(losses.square_loss(X, y), np.zeros(X.shape[1]), times,
                                    rtol=_FLOW_RTOL, atol=1e-14)
    scale = float(np.abs(flow.iterates).max())
    flow_tol = 10 * _FLOW_RTOL * scale * np.sqrt(X.shape[1])
    worst = 0.0
    for k, t in enumerate(times[1:], start=1):
        value, check = attempt(name, answer, X.copy(), y.copy(), float(t))
        if check is not None:
            return check
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            return Check(name, "wrong", "Return a pair (theta_gf, theta_ridge).")
        gf, problem = as_numbers(value[0], (X.shape[1],), "theta_gf")
        if gf is None:
            return Check(name, "wrong", f"At t = {t:g}: {problem}.")
        rd, problem = as_numbers(value[1], (X.shape[1],), "theta_ridge")
        if rd is None:
            return Check(name, "wrong", f"At t = {t:g}: {problem}.")
        err = float(np.linalg.norm(gf - flow.iterates[k]))
        if not err <= flow_tol:
            return Check(name, "wrong", f"On the test problem (n = 30, d = 20) at t = {t:g}, theta_gf is "
                                        f"{err:.2e} away from the numerically integrated flow (allowed "
                                        f"{flow_tol:.1e}).")
        worst = max(worst, err / flow_tol)
        ref = programs.ridge_program(X, y, 1.0 / t)
        ridge_tol = ref.certificate.error_bound + 1e-9 * max(1.0, float(np.linalg.norm(ref.theta)))
        err = float(np.linalg.norm(rd - ref.theta))
        if not err <= ridge_tol:
            return Check(name, "wrong", f"On the test problem (n = 30, d = 20) at t = {t:g}, theta_ridge is "
                                        f"{err:.2e} away from cvxpy's ridge solution at lambda = {1 / t:g} "
                                        f"(allowed {ridge_tol:.1e}).")
        worst = max(worst, err / ridge_tol)
    return Check(name, "correct", "Both paths match the independent references at t = 0.1, 1, 10 and 100 "
                                  f"(largest error {100 * worst:.2g} % of the allowance).")
