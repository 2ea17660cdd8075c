r"""The convex programs the theorems predict, written in cvxpy.

These are the book's *independent* references: they know nothing of the dynamics, only
the optimisation problem a theorem says the dynamics solve. Every program is solved by
:func:`solve`, which asks for tight tolerances and raises :class:`~ibcore.errors.SolverError`
(naming the solver and its status) unless the solver reports an optimal solution.

The default solver is Clarabel (an interior-point conic solver); ECOS is available as an
independent second solver. With the tolerances below both return minimisers accurate
to about ``1e-8`` relative on the well-conditioned problems of the book.
"""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, positive, vector_of_length
from .errors import InputError, SolverError

#: Solver options used for every program: tight interior-point tolerances.
SOLVER_OPTIONS: dict[str, dict[str, Any]] = {
    "CLARABEL": {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10, "max_iter": 200},
    "ECOS": {"abstol": 1e-10, "reltol": 1e-10, "feastol": 1e-10, "max_iters": 200},
}
DEFAULT_SOLVER = "CLARABEL"


def solve(problem: cp.Problem, *, solver: str | None = None, what: str = "program") -> float:
    """Solve ``problem`` with tight tolerances; return its optimal value.

    Raises :class:`SolverError` (with solver name and status) when the status is anything
    but ``optimal`` — infeasible, unbounded, ``optimal_inaccurate`` or a solver crash.
    """
    name = (solver or DEFAULT_SOLVER).upper()
    if name not in SOLVER_OPTIONS:
        raise InputError(f"solver must be one of {sorted(SOLVER_OPTIONS)}; got {solver!r}")
    try:
        problem.solve(solver=name, **SOLVER_OPTIONS[name])
    except cp.error.SolverError as exc:
        raise SolverError(f"{name} failed on the {what}: {exc}", solver=name, status="error") from exc
    if problem.status != cp.OPTIMAL:
        hint = " (is the system X theta = y consistent?)" if problem.status.startswith("infeasible") else ""
        raise SolverError(
            f"{name} could not solve the {what}: status '{problem.status}'{hint}",
            solver=name, status=problem.status,
        )
    return float(problem.value)


def _interpolation_constraint(theta: cp.Variable, X: FloatArray, y: FloatArray) -> list[cp.Constraint]:
    return [X @ theta == y]


def _centre(center: ArrayLike | None, d: int) -> FloatArray:
    return np.zeros(d) if center is None else vector_of_length(center, d, "center")


def min_norm_interpolator(
    X: ArrayLike,
    y: ArrayLike,
    *,
    p: int = 2,
    center: ArrayLike | None = None,
    solver: str | None = None,
) -> FloatArray:
    r"""The interpolator closest to ``center`` in :math:`\ell_p`:

    .. math:: \arg\min_\theta \|\theta - c\|_p \quad \text{s.t.}\quad X\theta = y, \qquad p\in\{1, 2\}.

    ``p=2`` is a QP (unique minimiser); ``p=1`` is basis pursuit, an LP (the minimiser
    may not be unique — the solver returns one of them).
    """
    X_arr, y_arr = design_and_labels(X, y)
    if p not in (1, 2):
        raise InputError(f"p must be 1 or 2; got {p!r}")
    c = _centre(center, X_arr.shape[1])
    theta = cp.Variable(X_arr.shape[1])
    objective = cp.sum_squares(theta - c) if p == 2 else cp.norm1(theta - c)
    solve(cp.Problem(cp.Minimize(objective), _interpolation_constraint(theta, X_arr, y_arr)),
          solver=solver, what=f"min-l{p} interpolation program")
    return np.asarray(theta.value, dtype=np.float64)


def weighted_min_norm_interpolator(
    X: ArrayLike,
    y: ArrayLike,
    weights: ArrayLike,
    *,
    center: ArrayLike | None = None,
    solver: str | None = None,
) -> FloatArray:
    r"""The interpolator closest to ``center`` in a weighted Euclidean norm:

    .. math:: \arg\min_\theta \sum_i w_i(\theta_i - c_i)^2 \quad \text{s.t.}\quad X\theta = y .

    With :math:`w = 1/\mathrm{diag}(P)` this is the limit of GD preconditioned by :math:`P`.
    """
    X_arr, y_arr = design_and_labels(X, y)
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape[0] != X_arr.shape[1] or np.any(w <= 0):
        raise InputError(f"weights must be {X_arr.shape[1]} positive numbers")
    c = _centre(center, X_arr.shape[1])
    theta = cp.Variable(X_arr.shape[1])
    objective = cp.sum_squares(cp.multiply(np.sqrt(w), theta - c))
    solve(cp.Problem(cp.Minimize(objective), _interpolation_constraint(theta, X_arr, y_arr)),
          solver=solver, what="weighted min-norm interpolation program")
    return np.asarray(theta.value, dtype=np.float64)


def ridge(X: ArrayLike, y: ArrayLike, lam: float, *, solver: str | None = None) -> FloatArray:
    r"""Ridge regression :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \frac\lambda2\|\theta\|^2`."""
    X_arr, y_arr = design_and_labels(X, y)
    lam = positive(lam, "lam", allow_zero=True)
    n = X_arr.shape[0]
    theta = cp.Variable(X_arr.shape[1])
    objective = cp.sum_squares(X_arr @ theta - y_arr) / (2 * n) + lam / 2 * cp.sum_squares(theta)
    solve(cp.Problem(cp.Minimize(objective)), solver=solver, what="ridge program")
    return np.asarray(theta.value, dtype=np.float64)
