r"""The convex programs the theorems predict, written in cvxpy.

These are the book's *independent* references: they know nothing of the dynamics, only
the optimisation problem a theorem says the dynamics solve. Every program is solved by
:func:`solve`, which asks for tight tolerances and raises :class:`~ibcore.errors.SolverError`
(naming the solver and its status) unless the solver reports an optimal solution.

The default is Clarabel (an interior-point conic solver) at duality-gap and feasibility
tolerances ``1e-12``, falling back to ECOS at ``1e-10`` when Clarabel stops short. For a
strongly convex objective a gap :math:`\varepsilon` bounds the error of the minimiser by
about :math:`\sqrt{\varepsilon}` relative, so claims compare with these programs at
``rtol = 1e-6``; measured errors are usually far smaller (QPs and LPs to ``1e-12``,
exponential-cone programs to ``1e-7`` or better for :math:`\alpha\ge 10^{-3}`). For the
hyperbolic entropy at :math:`\alpha \le 10^{-6}` neither solver can always certify its
tolerance; :func:`solve` then raises rather than return an unverified answer, and the
exact solver :func:`ibcore.limits.mirror_flow_limit` is the reference there.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, positive, vector_of_length
from .errors import InputError, SolverError
from .potentials import (
    DeepDiagonal,
    Euclidean,
    HyperbolicEntropy,
    LogCosh,
    NegativeEntropy,
    Potential,
    diagonal_potential,
)

#: Solver options used for every program (tight interior-point tolerances).
SOLVER_OPTIONS: dict[str, dict[str, Any]] = {
    "CLARABEL": {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "tol_ktratio": 1e-10,
                 "max_iter": 400},
    "ECOS": {"abstol": 1e-10, "reltol": 1e-10, "feastol": 1e-10, "max_iters": 200},
}
#: Solvers tried in turn when none is named (Clarabel, then ECOS as an independent second solver).
DEFAULT_CHAIN: tuple[str, ...] = ("CLARABEL", "ECOS")


def solve(problem: cp.Problem, *, solver: str | None = None, what: str = "program") -> float:
    """Solve ``problem`` with tight tolerances; return its optimal value.

    With ``solver=None`` the solvers of :data:`DEFAULT_CHAIN` are tried in turn (Clarabel
    first; ECOS if Clarabel stops short of its tolerances), so the result always comes from
    a solver that reported ``optimal``. Raises :class:`~ibcore.errors.SolverError` naming every solver
    tried and its status when none does — infeasible, unbounded, ``optimal_inaccurate``
    or a solver crash.
    """
    names = DEFAULT_CHAIN if solver is None else (solver.upper(),)
    for name in names:
        if name not in SOLVER_OPTIONS:
            raise InputError(f"solver must be one of {sorted(SOLVER_OPTIONS)}; got {solver!r}")
    outcomes = []
    for name in names:
        try:
            with warnings.catch_warnings():
                # cvxpy repeats an 'optimal_inaccurate' status as a UserWarning; the status check
                # below turns it into a SolverError, so the warning itself is redundant.
                warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
                problem.solve(solver=name, **SOLVER_OPTIONS[name])
        except cp.error.SolverError as exc:
            outcomes.append((name, f"error ({exc})"))
            continue
        if problem.status == cp.OPTIMAL:
            return float(problem.value)
        outcomes.append((name, problem.status))
        if problem.status.startswith(("infeasible", "unbounded")) and "inaccurate" not in problem.status:
            break  # a certificate of infeasibility: another solver will not change the answer
    status = outcomes[-1][1]
    hint = " (is the system X theta = y consistent?)" if status.startswith("infeasible") else ""
    tried = "; ".join(f"{n}: '{st}'" for n, st in outcomes)
    raise SolverError(f"could not solve the {what}: {tried}{hint}", solver=outcomes[-1][0], status=status)


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
    nonnegative: bool = False,
    solver: str | None = None,
) -> FloatArray:
    r"""The interpolator closest to ``center`` in :math:`\ell_p`:

    .. math:: \arg\min_\theta \|\theta - c\|_p \quad \text{s.t.}\quad X\theta = y, \qquad p\in\{1, 2\}.

    ``p=2`` is a QP (unique minimiser); ``p=1`` is basis pursuit, an LP (the minimiser
    may not be unique — the solver returns one of them). With ``nonnegative=True`` the
    constraint :math:`\theta\ge0` is added (non-negative basis pursuit for ``p=1``, written
    as :math:`\min\sum_j\theta_j` when ``center`` is 0).
    """
    X_arr, y_arr = design_and_labels(X, y)
    if p not in (1, 2):
        raise InputError(f"p must be 1 or 2; got {p!r}")
    c = _centre(center, X_arr.shape[1])
    theta = cp.Variable(X_arr.shape[1])
    constraints = _interpolation_constraint(theta, X_arr, y_arr)
    if p == 2:
        objective = cp.sum_squares(theta - c)
    elif nonnegative and not np.any(c):
        objective = cp.sum(theta)  # ||theta||_1 on theta >= 0
    else:
        objective = cp.norm1(theta - c)
    if nonnegative:
        constraints.append(theta >= 0)
    solve(cp.Problem(cp.Minimize(objective), constraints), solver=solver,
          what=f"{'non-negative ' if nonnegative else ''}min-l{p} interpolation program")
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


def lasso(X: ArrayLike, y: ArrayLike, lam: float, *, nonnegative: bool = False,
          solver: str | None = None) -> FloatArray:
    r"""The lasso :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \lambda\|\theta\|_1`.

    With ``nonnegative=True`` the constraint :math:`\theta\ge0` is added (then
    :math:`\|\theta\|_1 = \sum_j\theta_j`). The EPFL sheet's :math:`\frac1n\|Xw-y\|^2+\lambda\|w\|_1`
    has the same minimiser at twice this :math:`\lambda`.
    """
    X_arr, y_arr = design_and_labels(X, y)
    lam = positive(lam, "lam", allow_zero=True)
    theta = cp.Variable(X_arr.shape[1])
    fit = cp.sum_squares(X_arr @ theta - y_arr) / (2 * X_arr.shape[0])
    if nonnegative:
        problem = cp.Problem(cp.Minimize(fit + lam * cp.sum(theta)), [theta >= 0])
    else:
        problem = cp.Problem(cp.Minimize(fit + lam * cp.norm1(theta)))
    solve(problem, solver=solver, what=f"{'non-negative ' if nonnegative else ''}lasso")
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


def _param(value: Any, d: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (d,)).copy()


def min_bregman_interpolator(
    potential: Potential,
    X: ArrayLike,
    y: ArrayLike,
    *,
    reference: ArrayLike,
    solver: str | None = None,
) -> FloatArray:
    r"""The interpolator of least Bregman divergence from ``reference``:

    .. math:: \arg\min_\theta D_\psi(\theta, \theta_0)
              = \arg\min_\theta\ \psi(\theta) - \langle\nabla\psi(\theta_0), \theta\rangle
              \quad\text{s.t.}\quad X\theta = y .

    The formulation keeps every potential well scaled (DESIGN.md §6):

    - Euclidean: a QP.
    - Negative entropy :math:`w\sum\theta\log\theta-\theta`: ``-entr`` (exponential cone);
      :math:`\theta\ge0` is implied.
    - Log-cosh (:class:`~ibcore.potentials.LogCosh`): ``logistic`` atoms (exponential cone).
    - Depth-:math:`k` (:class:`~ibcore.potentials.DeepDiagonal`, no closed-form :math:`\psi`): the
      dual program :math:`\min_\nu \psi^*(z_0 + X^\top\nu) - \langle y,\nu\rangle`, whose
      terms :math:`(A - Kz)^{1-P}` are powers with a negative exponent (power cone); then
      :math:`\theta = \nabla\psi^*(z_0 + X^\top\nu)`.
    - Hyperbolic entropy: :math:`h_\gamma(\theta) - \gamma = \min_{p - m = \theta,\ p, m\ge 0}
      \sum (\log(2/\gamma) - 1)(p + m) - \mathrm{entr}(p) - \mathrm{entr}(m)` — an infimal
      convolution of two entropies (the conjugate of :math:`\gamma\cosh` is that of two
      exponentials). Its coefficients are :math:`O(\log(1/\gamma))`, so the program stays
      accurate at tiny :math:`\gamma`, unlike ``kl_div`` against a tiny constant.
    """
    X_arr, y_arr = design_and_labels(X, y)
    d = X_arr.shape[1]
    theta0 = vector_of_length(reference, d, "reference")
    z0 = potential.grad(theta0)
    theta = cp.Variable(d)
    constraints = _interpolation_constraint(theta, X_arr, y_arr)
    w = _param(getattr(potential, "weight", 1.0), d)
    if isinstance(potential, Euclidean):
        objective = cp.sum(cp.multiply(w / 2, cp.square(theta))) - z0 @ theta
    elif isinstance(potential, NegativeEntropy):
        objective = cp.sum(cp.multiply(w, -cp.entr(theta) - theta)) - z0 @ theta
    elif isinstance(potential, HyperbolicEntropy):
        gamma = _param(potential.gamma, d)
        p, m = cp.Variable(d), cp.Variable(d)
        constraints.append(theta == p - m)
        linear = np.log(2 / gamma) - 1
        objective = (cp.sum(cp.multiply(w, cp.multiply(linear, p + m) - cp.entr(p) - cp.entr(m)))
                     - z0 @ theta)
    elif isinstance(potential, LogCosh):
        a, b = _param(potential.a, d), _param(potential.b, d)
        objective = (cp.sum(cp.multiply(b / 4, cp.logistic(2 * theta)) + cp.multiply(a / 4, cp.logistic(-2 * theta)))
                     - z0 @ theta)
    elif isinstance(potential, DeepDiagonal):
        return _deep_diagonal_dual(potential, X_arr, y_arr, z0, solver)
    else:
        raise InputError(f"min_bregman_interpolator has no program for {type(potential).__name__}")
    solve(cp.Problem(cp.Minimize(objective), constraints), solver=solver,
          what=f"min-Bregman ({type(potential).__name__}) interpolation program")
    return np.asarray(theta.value, dtype=np.float64)


def _deep_diagonal_dual(potential: DeepDiagonal, X: FloatArray, y: FloatArray, z0: FloatArray,
                        solver: str | None) -> FloatArray:
    A, B, K, P = potential._AB
    d = X.shape[1]
    A, B = _param(A, d), _param(B, d)
    nu = cp.Variable(X.shape[0])
    z = z0 + X.T @ nu
    e = 1 - P
    objective = cp.sum(cp.power(A - K * z, e) + cp.power(B + K * z, e)) / (2 * potential.k) - y @ nu
    solve(cp.Problem(cp.Minimize(objective)), solver=solver, what="depth-k dual program")
    return potential.grad_inv(z0 + X.T @ np.asarray(nu.value, dtype=np.float64))


#: Largest alpha for which the exponential-cone formulation of Q_alpha is well conditioned.
Q_ALPHA_MAX = 1.0


def q_alpha_interpolator(X: ArrayLike, y: ArrayLike, alpha: float, *, solver: str | None = None) -> FloatArray:
    r""":math:`\arg\min\{Q_\alpha(\theta) : X\theta = y\}` by cvxpy (the independent reference of C3.1).

    The same program as :func:`min_bregman_interpolator` with :math:`\psi_\alpha = Q_\alpha/4`,
    :math:`\theta_0 = 0`, i.e. basis pursuit plus entropy,
    :math:`\min \sum (L-1)(p+m) - \mathrm{entr}(p) - \mathrm{entr}(m)` s.t. :math:`X(p-m) = y`,
    :math:`L = 2\log(1/\alpha)`. For :math:`\alpha > 1` the minimiser is a small difference of
    large :math:`p` and :math:`m` (both near :math:`\alpha^2`) and the program loses accuracy,
    so it is refused there: use :func:`ibcore.limits.q_alpha_limit`, or the minimum-:math:`\ell_2`
    interpolator, which is within :math:`O(\alpha^{-4})` of it. For :math:`\alpha\lesssim10^{-6}`
    the solvers may be unable to certify their tolerance and a :class:`~ibcore.errors.SolverError` is raised.
    """
    a = positive(alpha, "alpha")
    if a > Q_ALPHA_MAX:
        raise InputError(f"q_alpha_interpolator is reliable for alpha <= {Q_ALPHA_MAX:g}; got {a:g}. "
                         "Use ibcore.limits.q_alpha_limit (exact) or the min-l2 interpolator (O(alpha^-4) away).")
    X_arr, y_arr = design_and_labels(X, y)
    return min_bregman_interpolator(diagonal_potential(a), X_arr, y_arr, reference=np.zeros(X_arr.shape[1]),
                                    solver=solver)


def max_margin(X: ArrayLike, y: ArrayLike, *, p: int | float = 2, solver: str | None = None,
               return_dual: bool = False) -> FloatArray | tuple[FloatArray, FloatArray]:
    r"""The unit-norm direction of the hard-margin SVM in the norm :math:`\ell_p`, :math:`p\in\{1, 2, \infty\}`.

    .. math:: \hat w = \arg\min_w \|w\|_p \quad\text{s.t.}\quad y_i\langle w, x_i\rangle\ge 1,

    returned as :math:`\hat w/\|\hat w\|_p` (a QP for :math:`p=2`, an LP otherwise; Ma's notes Def.
    9.24; Gunasekar et al. 2018 for other norms). With ``return_dual`` (``p=2``) it also
    returns the unnormalised :math:`\hat w` and the dual variables :math:`\alpha\ge0` of the
    constraints, :math:`\hat w = \sum_i\alpha_i y_i x_i`. Non-separable data raise
    :class:`~ibcore.errors.SolverError` (the program is infeasible).
    """
    X_arr, y_arr = design_and_labels(X, y)
    if not np.all(np.isin(y_arr, (-1.0, 1.0))):
        raise InputError("labels must be -1 or +1")
    if p not in (1, 2, np.inf):
        raise InputError(f"p must be 1, 2 or inf; got {p!r}")
    w = cp.Variable(X_arr.shape[1])
    margins = cp.multiply(y_arr, X_arr @ w) >= 1
    objective = cp.sum_squares(w) / 2 if p == 2 else cp.norm(w, 1 if p == 1 else "inf")
    solve(cp.Problem(cp.Minimize(objective), [margins]), solver=solver,
          what=f"hard-margin SVM (l{p}); non-separable data make it infeasible")
    w_hat = np.asarray(w.value, dtype=np.float64)
    direction = w_hat / np.linalg.norm(w_hat, p)
    if return_dual:
        if p != 2:
            raise InputError("return_dual is available for p = 2")
        return direction, w_hat, np.asarray(margins.dual_value, dtype=np.float64)
    return direction


@dataclass(frozen=True)
class SdpSolution:
    r"""A solution of the nuclear-norm SDP with its own certificate.

    ``M`` the minimiser; ``gap`` the duality gap :math:`\mathrm{tr}M - \langle y,\nu\rangle`;
    ``infeasibility`` the largest of :math:`\|\mathcal A(M) - y\|`, :math:`-\lambda_{\min}(M)` and
    :math:`-\lambda_{\min}(I - \mathcal A^*\nu)` (primal and dual cone violations).
    """

    M: FloatArray
    gap: float
    infeasibility: float
    status: str


def nuclear_norm_sensing(A: ArrayLike, y: ArrayLike, *, certificate_tol: float = 1e-7) -> SdpSolution:
    r"""The PSD matrix of least nuclear norm that fits the measurements (an SDP, Clarabel):

    .. math:: \arg\min\{\mathrm{tr}\,M : M\succeq 0,\ \langle A_i, M\rangle = y_i\},

    the nuclear norm of a PSD matrix being its trace (Gunasekar et al. 2017's conjectured
    limit of :math:`UU^\top` from a vanishing initialisation). ``A`` is (m, dim, dim).

    When the measurements determine a low-rank :math:`M` (exact recovery) the SDP has no
    strictly feasible point and Clarabel stops at ``optimal_inaccurate`` although its answer
    is excellent. So the solution is certified here, not by the solver's status: with the
    dual :math:`\nu` of the equality constraints, the duality gap and every primal/dual
    infeasibility must be below ``certificate_tol`` :math:`\times(1 + \|y\|)`, else
    :class:`~ibcore.errors.SolverError`.
    """
    A_arr = as_float_array(A, "A", ndim=3)
    y_arr = as_float_array(y, "y", ndim=1)
    m, dim, dim2 = A_arr.shape
    if dim != dim2 or y_arr.shape[0] != m:
        raise InputError(f"A must be (m, dim, dim) with m = len(y); got {A_arr.shape} and {y_arr.shape}")
    tol = positive(certificate_tol, "certificate_tol") * (1 + float(np.linalg.norm(y_arr)))
    M = cp.Variable((dim, dim), symmetric=True)
    flat = A_arr.reshape(m, -1)
    constraints = [M >> 0, flat @ cp.vec(M, order="C") == y_arr]
    problem = cp.Problem(cp.Minimize(cp.trace(M)), constraints)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
        try:
            problem.solve(solver="CLARABEL", **SOLVER_OPTIONS["CLARABEL"])
        except cp.error.SolverError as exc:
            raise SolverError(f"nuclear-norm SDP: Clarabel failed ({exc})", solver="CLARABEL", status="error") from exc
    if problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        raise SolverError(f"nuclear-norm SDP: Clarabel status '{problem.status}'", solver="CLARABEL",
                          status=problem.status)
    out = np.asarray(M.value, dtype=np.float64)
    out = (out + out.T) / 2
    nu = -np.asarray(constraints[1].dual_value, dtype=np.float64)  # cvxpy's sign: Z = I - A^*(nu) >= 0
    Z = np.eye(dim) - np.einsum("k,kij->ij", nu, A_arr)
    gap = float(np.trace(out) - y_arr @ nu)
    infeas = max(float(np.linalg.norm(flat @ out.ravel() - y_arr)), -float(np.linalg.eigvalsh(out)[0]),
                 -float(np.linalg.eigvalsh(Z)[0]), 0.0)
    if abs(gap) > tol or infeas > tol:
        raise SolverError(f"nuclear-norm SDP not certified: gap {gap:.2e}, infeasibility {infeas:.2e} "
                          f"(tolerance {tol:.1e}; Clarabel status '{problem.status}')",
                          solver="CLARABEL", status=problem.status)
    return SdpSolution(M=out, gap=gap, infeasibility=infeas, status=problem.status)


def spectral_entropy_sensing(data: Any, scale: float, *, solver: str | None = None) -> FloatArray:
    r"""Corollary C.3's program for *commuting* sensing matrices: the PSD matrix minimising

    .. math:: \sum_j \lambda_j\log\lambda_j + (\log(1/s) - 1)\lambda_j
              \quad\text{s.t.}\quad\langle A_i, M\rangle = y_i

    over its eigenvalues :math:`\lambda_j` (:math:`s` = ``scale``; :math:`s = \beta e^{-2\Lambda_T}` for
    the factored flow). The objective is unitarily invariant and convex, so pinching
    :math:`M` to the common eigenbasis :math:`Q` of the :math:`A_i` keeps every constraint and
    does not increase it: the minimiser is :math:`Q\,\mathrm{diag}(\lambda)Q^\top` with
    :math:`\lambda` solving the entropy program on the spectral design
    (:func:`ibcore.sensing.spectral_design`) — an exponential-cone program, equal to
    :math:`\arg\min D_{\mathrm{ent}}(\lambda, s\mathbf 1)` over :math:`S\lambda = y`.
    """
    from .sensing import spectral_design  # sensing imports data only; no cycle at module load

    s = positive(scale, "scale")
    S = spectral_design(data)
    lam = min_bregman_interpolator(NegativeEntropy(1.0), S, data.y, reference=np.full(data.dim, s), solver=solver)
    return (data.basis * lam) @ data.basis.T
