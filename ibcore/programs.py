r"""The convex programs the theorems predict, written in cvxpy, with certificates computed after the solve.

These are the book's *independent* references: they know nothing of the dynamics, only
the optimisation problem a theorem says the dynamics solve. A solver's status is not
trusted: every ``*_program`` function returns a :class:`Solution` whose
:class:`Certificate` is computed here from the solver's primal and dual variables —

- strictly convex programs (min-:math:`\ell_2`, min-Bregman, :math:`Q_\alpha`): the feasibility
  :math:`\|X\theta - y\|`, the KKT residual :math:`\|\theta - \nabla\psi^*(\nabla\psi(\theta_0) + X^\top\nu)\|`
  of the dual variable :math:`\nu`, and from them a bound on the distance to the exact
  minimiser, :math:`\|\theta - \theta_\star\|\le\|\theta - \theta(\nu)\| + 2\kappa\|X\theta(\nu) - y\|`
  (:func:`ibcore.limits.residual_sensitivity`; first order in the residual);
- linear programs (basis pursuit, the hard-margin SVM): the solution is *polished* to the
  vertex its support defines, which is certified optimal and unique when the KKT conditions
  hold there with strict complementarity; the bound is the distance to that vertex;
- ridge: the gradient norm divided by the strong-convexity constant (an exact bound).

The solvers are asked for tight tolerances; an ``optimal_inaccurate`` status is accepted when
the certificate is good (at :math:`\alpha\le10^{-6}` Clarabel often reports it for an answer
accurate to :math:`10^{-9}`), and a solution whose certificate is poor is refused with
:class:`~ibcore.errors.SolverError`, whatever the status. The array-returning functions
(:func:`min_norm_interpolator`, :func:`q_alpha_interpolator`, ...) keep the contract of returning
the minimiser and run the same checks.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, frozen, positive, vector_of_length
from .data import spectral_design
from .errors import DivergenceError, InputError, SolverError
from .limits import residual_sensitivity
from .potentials import (
    DeepDiagonal,
    Euclidean,
    HyperbolicEntropy,
    LogCosh,
    NegativeEntropy,
    Potential,
    diagonal_potential,
)
from .records import Record

#: Solver options used for every program (tight interior-point tolerances; the certificate decides).
SOLVER_OPTIONS: dict[str, dict[str, Any]] = {
    "CLARABEL": {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "tol_ktratio": 1e-10,
                 "max_iter": 400},
    "ECOS": {"abstol": 1e-10, "reltol": 1e-10, "feastol": 1e-10, "max_iters": 200},
}
#: Solvers tried in turn when none is named (Clarabel, then ECOS as an independent second solver).
DEFAULT_CHAIN: tuple[str, ...] = ("CLARABEL", "ECOS")
#: A certified bound below this (relative to 1 + ||theta||) ends the search over solvers.
GOOD_BOUND = 1e-9
#: A certified bound above this (relative) is refused: the program was not solved accurately enough.
MAX_BOUND = 1e-5
_ACCEPTED = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
_DISPLAY = {"CLARABEL": "Clarabel", "ECOS": "ECOS"}


@dataclass(frozen=True)
class Certificate(Record):
    r"""How accurately a program was solved, computed after the solve.

    ``feasibility`` is the constraint violation (:math:`\|X\theta - y\|` for interpolation
    programs), ``optimality`` the KKT residual of the dual variables (or the distance to the
    polished vertex for linear programs), ``error_bound`` a bound on the distance of the
    returned minimiser to the exact one (``inf`` when none can be given, e.g. a degenerate
    linear program), ``solver`` and ``status`` what the solver said. ``str()`` gives a one-line
    summary, as the chapters print it.

    Parameters
    ----------
    solver : str
        The solver that produced the answer (``"CLARABEL"`` or ``"ECOS"``).
    status : str
        Its status, ``"optimal"`` or ``"optimal_inaccurate"``.
    feasibility : float
        The constraint violation.
    optimality : float
        The KKT residual, or the distance to the polished vertex.
    error_bound : float
        The certified bound on the distance to the exact minimiser, or ``inf``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(3, 5, sparsity=1, seed=0)   # n = 3 < d = 5, a 1-sparse target
    >>> certificate = ib.programs.min_norm_program(problem.X, problem.y).certificate
    >>> print(certificate.status, certificate.feasibility < 1e-9, certificate.error_bound < 1e-9)
    optimal True True
    """

    solver: str
    status: str
    feasibility: float
    optimality: float
    error_bound: float

    def __str__(self) -> str:
        bound = "no distance bound" if math.isinf(self.error_bound) else f"error ≤ {self.error_bound:.1e}"
        return (f"{_DISPLAY.get(self.solver, self.solver)} ({self.status}); feasibility {self.feasibility:.1e}, "
                f"KKT {self.optimality:.1e}, {bound}")


@dataclass(frozen=True)
class Solution(Record):
    r"""A program's minimiser ``theta`` (read-only), its :class:`Certificate`, and the dual variables if any.

    Parameters
    ----------
    theta : ndarray of shape (d,)
        The minimiser.
    certificate : Certificate
        How accurately it was computed.
    dual : ndarray or None, default None
        The multipliers of the constraints, in the convention of each program: for the min-Bregman
        programs the :math:`\nu` with :math:`\nabla\psi(\theta) = \nabla\psi(\theta_0) + X^\top\nu`, for the
        SVM the :math:`\alpha\ge 0` with :math:`\hat w = \sum_i\alpha_iy_ix_i`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> solution = ib.programs.min_norm_program(X, y)
    >>> print(np.round(solution.theta, 6) + 0.0, np.round(solution.dual, 6) + 0.0, solution.theta.flags.writeable)
    [0. 1. 1.] [0. 1.] False
    """

    theta: FloatArray
    certificate: Certificate
    dual: FloatArray | None = None


def _validated(name: str) -> str:
    key = name.upper()
    if key not in SOLVER_OPTIONS:
        raise InputError(f"solver must be one of {sorted(SOLVER_OPTIONS)}; got {name!r}")
    return key


def _disciplined(problem: object, what: str) -> None:
    if not isinstance(problem, cp.Problem):
        raise InputError(f"the {what} must be a cvxpy.Problem; got {type(problem).__name__}")
    if not problem.is_dcp():
        raise InputError(f"the {what} is not DCP (disciplined convex): cvxpy cannot solve it as written")


def _run_solver(problem: cp.Problem, name: str) -> str:
    """Solve with one solver; return its status ('error (...)' if it crashed)."""
    try:
        with warnings.catch_warnings():
            # cvxpy repeats an 'optimal_inaccurate' status as a UserWarning; the certificate decides instead
            warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
            problem.solve(solver=name, **SOLVER_OPTIONS[name])
    except cp.error.SolverError as exc:
        return f"error ({exc})"
    return str(problem.status)


Diagnosis = Callable[[], str]


def interpolation_diagnosis(X: FloatArray, y: FloatArray, *, signed: bool = False) -> Diagnosis:
    r"""What an infeasible status of an interpolation program means.

    From the least-squares residual of :math:`X\theta = y`: a system with no solution, or a consistent
    but ill-conditioned one (``signed``: or one without a solution of the required sign). The
    programs pass it to :class:`~ibcore.errors.SolverError`'s message; it is evaluated only on failure.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The design (not checked).
    y : ndarray of shape (n,)
        The targets (not checked).
    signed : bool, default False
        Whether the program also asks :math:`\theta\ge` its centre (non-negative basis pursuit).

    Returns
    -------
    callable
        A function of no argument that returns the explanation as a sentence.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> diagnosis = ib.programs.interpolation_diagnosis(np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([1.0, 2.0]))
    >>> print(diagnosis())
    X theta = y has no solution: its least-squares residual is 3.2e-01 of ||y||
    """

    def diagnosis() -> str:
        theta, *_ = np.linalg.lstsq(X, y, rcond=None)
        relative = float(np.linalg.norm(X @ theta - y) / max(float(np.linalg.norm(y)), np.finfo(float).tiny))
        if relative > 1e-8:
            return f"X theta = y has no solution: its least-squares residual is {relative:.1e} of ||y||"
        singular = np.linalg.svd(X, compute_uv=False)
        condition = float(singular[0] / singular[singular > 0][-1]) if np.any(singular > 0) else np.inf
        if signed:
            return (f"X theta = y is consistent (least-squares residual {relative:.1e} of ||y||) but has no solution "
                    f"with theta >= center, or X is too ill-conditioned (condition number {condition:.1e}) to find it")
        return (f"yet X theta = y is consistent (least-squares residual {relative:.1e} of ||y||): the infeasibility is "
                f"numerical; X is ill-conditioned (condition number {condition:.1e}): drop near-dependent rows or "
                "rescale them")

    return diagnosis


def _separability_diagnosis() -> str:
    return ("the solver certified that no w has y_i <w, x_i> >= 1 for every i: the data are not linearly separable "
            "(a hard-margin SVM needs separable data)")


def _failure(what: str, outcomes: list[tuple[str, str]], infeasible: Diagnosis | None = None) -> SolverError:
    status = outcomes[-1][1]
    if status.startswith("infeasible"):
        hint = f" ({infeasible() if infeasible is not None else 'the constraints admit no point'})"
    elif status.startswith("certificate"):
        hint = " (the solver's answer could not be certified accurate; the problem may be ill-conditioned)"
    else:
        hint = ""
    tried = "; ".join(f"{n}: '{st}'" for n, st in outcomes)
    return SolverError(f"could not solve the {what}: {tried}{hint}", solver=outcomes[-1][0], status=status)


def solve(problem: cp.Problem, *, solver: str | None = None, what: str = "program",
          infeasible: Diagnosis | None = None) -> float:
    r"""Solve ``problem`` with tight tolerances; return its optimal value (status ``optimal`` required).

    For programs without a certificate of their own (the solver's status is all there is). With
    ``solver=None`` the solvers of :data:`DEFAULT_CHAIN` are tried in turn, each with its options of
    :data:`SOLVER_OPTIONS`; a certificate of infeasibility or unboundedness ends the search.

    Parameters
    ----------
    problem : cvxpy.Problem
        A DCP problem (cvxpy raises its own ``DCPError`` otherwise).
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN`, in turn.
    what : str, default "program"
        What is solved, for the error message.
    infeasible : callable, optional
        Called on an infeasible status for the explanation in the message (e.g. :func:`interpolation_diagnosis`).

    Returns
    -------
    float
        The optimal value; the variables of ``problem`` hold the solution.

    Raises
    ------
    InputError
        If ``solver`` is not one of the keys of :data:`SOLVER_OPTIONS`.
    SolverError
        Naming every solver tried and its status, when none reports ``optimal``.

    Examples
    --------
    >>> import cvxpy as cp
    >>> import ibcore as ib
    >>> x = cp.Variable(2)
    >>> round(ib.programs.solve(cp.Problem(cp.Minimize(cp.sum_squares(x - 1) + 1))), 9)
    1.0
    >>> try:
    ...     ib.programs.solve(cp.Problem(cp.Minimize(cp.sum(x)), [x >= 1, x <= 0]), what="toy program")
    ... except ib.SolverError as error:
    ...     print(error.status)
    infeasible
    """
    names = DEFAULT_CHAIN if solver is None else (_validated(solver),)
    _disciplined(problem, what)
    outcomes = []
    for name in names:
        status = _run_solver(problem, name)
        if status == cp.OPTIMAL:
            return float(problem.value)
        outcomes.append((name, status))
        if status.startswith(("infeasible", "unbounded")) and "inaccurate" not in status:
            break  # a certificate of infeasibility: another solver will not change the answer
    raise _failure(what, outcomes, infeasible)


def _certified(problem: cp.Problem, solver: str | None, what: str,
               certify: Callable[[str, str], Solution], infeasible: Diagnosis | None = None) -> Solution:
    """Try the solvers; certify each answer (``certify(name, status)``) and keep the best certificate."""
    names = DEFAULT_CHAIN if solver is None else (_validated(solver),)
    _disciplined(problem, what)
    outcomes: list[tuple[str, str]] = []
    best: Solution | None = None
    for name in names:
        status = _run_solver(problem, name)
        if status not in _ACCEPTED:
            outcomes.append((name, status))
            if status.startswith(("infeasible", "unbounded")) and "inaccurate" not in status:
                break
            continue
        try:
            candidate = certify(name, status)
        except (DivergenceError, np.linalg.LinAlgError, FloatingPointError) as exc:
            outcomes.append((name, f"certificate failed ({status}; {exc})"))
            continue
        scale = 1.0 + float(np.linalg.norm(candidate.theta))
        if best is None or candidate.certificate.error_bound < best.certificate.error_bound:
            best = candidate
        if candidate.certificate.error_bound <= GOOD_BOUND * scale:
            break
        outcomes.append((name, f"certificate {candidate.certificate.error_bound:.1e} ({status})"))
    if best is None:
        raise _failure(what, outcomes, infeasible)
    return best


def _checked(solution: Solution, what: str) -> Solution:
    """Refuse a solution whose certified bound exceeds :data:`MAX_BOUND` (relative)."""
    bound = solution.certificate.error_bound
    if not bound <= MAX_BOUND * (1.0 + float(np.linalg.norm(solution.theta))):
        c = solution.certificate
        raise SolverError(f"the {what} was not solved accurately enough: {c}", solver=c.solver,
                          status=f"certificate {bound:.1e}")
    return solution


def _param(value: Any, d: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (d,)).copy()


def _bregman_objective(potential: Potential, theta: cp.Variable, z0: FloatArray, d: int,
                       constraints: list[cp.Constraint]) -> cp.Expression:
    """psi(theta) - <z0, theta>, written so that the conic program stays well scaled (see the module docs)."""
    w = _param(getattr(potential, "weight", 1.0), d)
    if isinstance(potential, Euclidean):
        return cp.sum(cp.multiply(w / 2, cp.square(theta))) - z0 @ theta
    if isinstance(potential, NegativeEntropy):
        return cp.sum(cp.multiply(w, -cp.entr(theta) - theta)) - z0 @ theta
    if isinstance(potential, HyperbolicEntropy):
        gamma = _param(potential.gamma, d)
        p, m = cp.Variable(d), cp.Variable(d)
        constraints.append(theta == p - m)
        linear = np.log(2 / gamma) - 1
        return cp.sum(cp.multiply(w, cp.multiply(linear, p + m) - cp.entr(p) - cp.entr(m))) - z0 @ theta
    if isinstance(potential, LogCosh):
        a, b = _param(potential.a, d), _param(potential.b, d)
        return (cp.sum(cp.multiply(b / 4, cp.logistic(2 * theta)) + cp.multiply(a / 4, cp.logistic(-2 * theta)))
                - z0 @ theta)
    raise InputError(f"min_bregman_program has no program for {type(potential).__name__}")


def _kkt_certificate(potential: Potential, X: FloatArray, y: FloatArray, z0: FloatArray, theta: FloatArray,
                     nu: FloatArray, solver: str, status: str) -> Solution:
    """Feasibility, KKT residual and first-order distance bound of (theta, nu) for min D_psi s.t. X theta = y."""
    theta_nu = potential.grad_inv(z0 + X.T @ nu)
    feasibility = float(np.linalg.norm(X @ theta - y))
    stationarity = float(np.linalg.norm(theta - theta_nu))
    kappa = residual_sensitivity(potential, X, theta_nu)
    bound = stationarity + 2 * kappa * float(np.linalg.norm(X @ theta_nu - y))
    return Solution(frozen(theta), Certificate(solver, status, feasibility, stationarity, bound), frozen(nu))


def min_bregman_program(
    potential: Potential,
    X: ArrayLike,
    y: ArrayLike,
    *,
    reference: ArrayLike,
    solver: str | None = None,
) -> Solution:
    r"""The interpolator of least Bregman divergence from ``reference``, with its certificate.

    .. math:: \arg\min_\theta D_\psi(\theta, \theta_0)
              = \arg\min_\theta\ \psi(\theta) - \langle\nabla\psi(\theta_0), \theta\rangle
              \quad\text{s.t.}\quad X\theta = y .

    The formulation keeps every potential well scaled:

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

    The certificate uses the dual variable :math:`\nu` of :math:`X\theta = y` (cvxpy's sign
    convention is :math:`\nabla\psi(\theta) - z_0 = -X^\top\nu_{\mathrm{cvxpy}}`). The same minimiser,
    without a solver: :func:`ibcore.limits.mirror_flow_limit`.

    Parameters
    ----------
    potential : Potential
        One of :class:`~ibcore.potentials.Euclidean`, :class:`~ibcore.potentials.NegativeEntropy`,
        :class:`~ibcore.potentials.HyperbolicEntropy`, :class:`~ibcore.potentials.LogCosh`,
        :class:`~ibcore.potentials.DeepDiagonal`.
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    reference : array_like of shape (d,)
        The reference :math:`\theta_0`, in the domain of :math:`\psi`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        ``theta`` the minimiser, ``dual`` the multiplier :math:`\nu`, ``certificate`` its accuracy.

    Raises
    ------
    InputError
        If ``X``, ``y`` or ``reference`` is not a real, finite array of the right shape, ``reference``
        lies outside the domain of :math:`\psi`, the potential is of another class, or ``solver`` is unknown.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y, psi = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0], ib.potentials.NegativeEntropy()
    >>> solution = ib.programs.min_bregman_program(psi, X, y, reference=np.ones(3))
    >>> exact = ib.limits.mirror_flow_limit(psi, X, y, np.ones(3))
    >>> print(np.round(solution.theta, 6), bool(np.allclose(solution.dual, exact.nu, atol=1e-6)))
    [0.414214 0.585786 1.414214] True
    """
    X_arr, y_arr = design_and_labels(X, y)
    d = X_arr.shape[1]
    theta0 = vector_of_length(reference, d, "reference")
    z0 = potential.grad(theta0)
    what = f"min-Bregman ({type(potential).__name__}) interpolation program"
    if isinstance(potential, DeepDiagonal):
        return _checked(_deep_diagonal_dual(potential, X_arr, y_arr, z0, solver), what)
    theta = cp.Variable(d)
    constraints: list[cp.Constraint] = [X_arr @ theta == y_arr]
    objective = _bregman_objective(potential, theta, z0, d, constraints)
    problem = cp.Problem(cp.Minimize(objective), constraints)

    def certify(name: str, status: str) -> Solution:
        nu = -np.asarray(constraints[0].dual_value, dtype=np.float64)
        return _kkt_certificate(potential, X_arr, y_arr, z0, np.asarray(theta.value, dtype=np.float64), nu,
                                name, status)

    return _checked(_certified(problem, solver, what, certify, interpolation_diagnosis(X_arr, y_arr)), what)


def min_bregman_interpolator(potential: Potential, X: ArrayLike, y: ArrayLike, *, reference: ArrayLike,
                             solver: str | None = None) -> FloatArray:
    r""":math:`\arg\min\{D_\psi(\theta,\theta_0) : X\theta = y\}` (the ``theta`` of :func:`min_bregman_program`).

    Parameters
    ----------
    potential : Potential
        The potential :math:`\psi` (see :func:`min_bregman_program`).
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    reference : array_like of shape (d,)
        The reference :math:`\theta_0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (d,)
        The certified minimiser.

    Raises
    ------
    InputError
        As :func:`min_bregman_program`.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> theta = ib.programs.min_bregman_interpolator(ib.potentials.Euclidean(), X, y, reference=[1.0, 0.0, 0.0])
    >>> print(bool(np.allclose(theta, ib.limits.least_squares_limit(X, y, [1.0, 0.0, 0.0]))))   # closest to theta0
    True
    """
    return min_bregman_program(potential, X, y, reference=reference, solver=solver).theta


def _deep_diagonal_dual(potential: DeepDiagonal, X: FloatArray, y: FloatArray, z0: FloatArray,
                        solver: str | None) -> Solution:
    A, B, K, P = potential.dual_parameters()
    d = X.shape[1]
    A, B = _param(A, d), _param(B, d)
    nu = cp.Variable(X.shape[0])
    z = z0 + X.T @ nu
    e = 1 - P
    objective = cp.sum(cp.power(A - K * z, e) + cp.power(B + K * z, e)) / (2 * potential.k) - y @ nu
    problem = cp.Problem(cp.Minimize(objective))

    def certify(name: str, status: str) -> Solution:
        nu_value = np.asarray(nu.value, dtype=np.float64)
        theta = potential.grad_inv(z0 + X.T @ nu_value)  # exactly on the mirror-affine set: KKT residual 0
        return _kkt_certificate(potential, X, y, z0, theta, nu_value, name, status)

    return _certified(problem, solver, "depth-k dual program", certify, interpolation_diagnosis(X, y))


#: Largest alpha for which the exponential-cone formulation of Q_alpha is offered.
Q_ALPHA_MAX = 1.0


def q_alpha_program(X: ArrayLike, y: ArrayLike, alpha: float, *, solver: str | None = None) -> Solution:
    r""":math:`\arg\min\{Q_\alpha(\theta) : X\theta = y\}` by cvxpy, with its certificate (the reference of C3.1).

    The program of :func:`min_bregman_program` with :math:`\psi_\alpha = Q_\alpha/4`,
    :math:`\theta_0 = 0`, i.e. basis pursuit plus entropy,
    :math:`\min \sum (L-1)(p+m) - \mathrm{entr}(p) - \mathrm{entr}(m)` s.t. :math:`X(p-m) = y`,
    :math:`L = 2\log(1/\alpha)`. For :math:`\alpha > 1` the minimiser is a small difference of
    large :math:`p` and :math:`m` (both near :math:`\alpha^2`), so the program is refused there:
    use :func:`ibcore.limits.q_alpha_limit`, or the minimum-:math:`\ell_2` interpolator, which is
    within :math:`O(\alpha^{-4})` of it.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    alpha : float
        The scale :math:`0 < \alpha\le` :data:`Q_ALPHA_MAX`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        The certified minimiser (Woodworth et al. 2020, Thm 1: the limit of the diagonal network
        from :math:`u_0 = v_0 = \alpha`).

    Raises
    ------
    InputError
        If ``alpha`` is not finite and positive or exceeds :data:`Q_ALPHA_MAX`, or ``X``, ``y`` or
        ``solver`` is not valid.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(3, 5, sparsity=1, seed=0)   # n = 3 < d = 5, a 1-sparse target
    >>> solution = ib.programs.q_alpha_program(problem.X, problem.y, 0.1)
    >>> print(bool(np.allclose(solution.theta, ib.limits.q_alpha_limit(problem.X, problem.y, 0.1), atol=1e-8)))
    True
    """
    a = positive(alpha, "alpha")
    if a > Q_ALPHA_MAX:
        raise InputError(f"q_alpha_program is offered for alpha <= {Q_ALPHA_MAX:g}; got {a:g}. "
                         "Use ibcore.limits.q_alpha_limit (exact) or the min-l2 interpolator (O(alpha^-4) away).")
    X_arr, y_arr = design_and_labels(X, y)
    return min_bregman_program(diagonal_potential(a), X_arr, y_arr, reference=np.zeros(X_arr.shape[1]),
                               solver=solver)


def q_alpha_interpolator(X: ArrayLike, y: ArrayLike, alpha: float, *, solver: str | None = None) -> FloatArray:
    r""":math:`\arg\min\{Q_\alpha(\theta) : X\theta = y\}` by cvxpy (the ``theta`` of :func:`q_alpha_program`).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    alpha : float
        The scale :math:`0 < \alpha\le` :data:`Q_ALPHA_MAX`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (d,)
        The certified minimiser.

    Raises
    ------
    InputError
        As :func:`q_alpha_program`.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(3, 5, sparsity=1, seed=0)   # n = 3 < d = 5, a 1-sparse target
    >>> theta = ib.programs.q_alpha_interpolator(problem.X, problem.y, 1e-3)   # small alpha: nearly min-l1
    >>> print(np.round(theta, 3) + 0.0, np.round(problem.w_star, 3) + 0.0)
    [ 0.  0.  0.  0. -1.] [ 0.  0.  0.  0. -1.]
    """
    return q_alpha_program(X, y, alpha, solver=solver).theta


def _centre(center: ArrayLike | None, d: int) -> FloatArray:
    return np.zeros(d) if center is None else vector_of_length(center, d, "center")


def _polish_basis_pursuit(X: FloatArray, b: FloatArray, delta: FloatArray, nu_cvx: FloatArray | None,
                          nonnegative: bool, solver: str, status: str) -> tuple[FloatArray, Certificate]:
    r"""Polish an approximate solution of :math:`\min\|\delta\|_1` (or :math:`\min 1^\top\delta`, :math:`\delta\ge0`)
    s.t. :math:`X\delta = b` to the vertex of its support, and certify it.

    The vertex :math:`\delta_S = X_S^+ b` is optimal iff some :math:`\nu` has
    :math:`X_S^\top\nu = \mathrm{sign}(\delta_S)` (resp. :math:`\mathbf 1`) and
    :math:`|X_j^\top\nu|\le1` (resp. :math:`X_j^\top\nu\le1`) off :math:`S`; strict inequality and full column
    rank of :math:`X_S` make it the unique minimiser. The bound is then the distance to the vertex.
    """
    feasibility = float(np.linalg.norm(X @ delta - b))
    top = float(np.max(np.abs(delta)))
    support = np.flatnonzero(np.abs(delta) > 1e-7 * top) if top > 0 else np.array([], dtype=int)
    no_bound = Certificate(solver, status, feasibility, math.inf, math.inf)
    if support.size == 0 or support.size > X.shape[0]:
        return delta, no_bound
    XS = X[:, support]
    coef, *_ = np.linalg.lstsq(XS, b, rcond=None)
    vertex = np.zeros_like(delta)
    vertex[support] = coef
    signs = np.ones(support.size) if nonnegative else np.sign(coef)
    if (nonnegative and np.any(coef <= 0)) or np.any(np.sign(coef) != np.sign(delta[support])):
        return delta, no_bound
    if np.linalg.norm(XS @ coef - b) > 1e-10 * (1 + np.linalg.norm(b)) or np.linalg.matrix_rank(XS) < support.size:
        return delta, no_bound
    candidates = [np.linalg.lstsq(XS.T, signs, rcond=None)[0]]
    if nu_cvx is not None:
        candidates.append(nu_cvx)
    off = np.setdiff1d(np.arange(X.shape[1]), support)
    for nu in candidates:
        if np.linalg.norm(XS.T @ nu - signs) > 1e-9 * np.sqrt(support.size):
            continue
        slack = X[:, off].T @ nu
        worst = float(np.max(slack if nonnegative else np.abs(slack), initial=-np.inf))
        if worst < 1 - 1e-9:  # strict complementarity: the vertex is the unique minimiser
            distance = float(np.linalg.norm(delta - vertex))
            return vertex, Certificate(solver, status, feasibility, distance, distance)
    return delta, no_bound


def min_norm_program(
    X: ArrayLike,
    y: ArrayLike,
    *,
    p: int = 2,
    center: ArrayLike | None = None,
    nonnegative: bool = False,
    solver: str | None = None,
) -> Solution:
    r"""The interpolator closest to ``center`` in :math:`\ell_p`, with its certificate.

    .. math:: \arg\min_\theta \|\theta - c\|_p \quad \text{s.t.}\quad X\theta = y, \qquad p\in\{1, 2\}.

    ``p=2`` is the QP of :func:`min_bregman_program` with :math:`\psi = \frac12\|\cdot\|^2` and
    reference :math:`c` (unique miniser, KKT certificate). ``p=1`` is basis pursuit, an LP; its
    answer is polished to the vertex of its support and certified there (see
    ``_polish_basis_pursuit``); when the minimiser is not unique the certificate has no
    distance bound (``error_bound = inf``). With ``nonnegative=True`` (``p=1``, ``center`` 0) the
    constraint :math:`\theta\ge0` is added: :math:`\min\sum_j\theta_j`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    p : {1, 2}, default 2
        The norm.
    center : array_like of shape (d,), optional
        The centre :math:`c`; default 0.
    nonnegative : bool, default False
        Add :math:`\theta\ge 0` (basis pursuit only, with centre 0).
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        The minimiser, its certificate and the multiplier :math:`\nu` of :math:`X\theta = y`.

    Raises
    ------
    InputError
        If ``p`` is not 1 or 2, ``nonnegative`` is combined with ``p=2`` or a non-zero ``center``, or
        ``X``, ``y``, ``center`` or ``solver`` is not valid.
    SolverError
        If no solver returns an accepted answer (for instance when :math:`X\theta = y`, or
        :math:`X\theta = y` with :math:`\theta\ge0`, has no solution), for ``p=2`` a certified bound
        above :data:`MAX_BOUND`, or for ``p=1`` a feasibility above :data:`MAX_BOUND` :math:`(1 + \|y\|)`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(3, 5, sparsity=1, seed=0)   # n = 3 < d = 5, a 1-sparse target
    >>> solution = ib.programs.min_norm_program(problem.X, problem.y, p=1)   # basis pursuit recovers it
    >>> print(np.round(solution.theta, 6) + 0.0, solution.certificate.error_bound < 1e-9)
    [ 0.  0.  0.  0. -1.] True
    """
    X_arr, y_arr = design_and_labels(X, y)
    if p not in (1, 2):
        raise InputError(f"p must be 1 or 2; got {p!r}")
    c = _centre(center, X_arr.shape[1])
    if nonnegative and (p != 1 or np.any(c)):
        raise InputError("nonnegative applies to basis pursuit: p=1 with center 0")
    if p == 2:
        return min_bregman_program(Euclidean(1.0), X_arr, y_arr, reference=c, solver=solver)
    delta = cp.Variable(X_arr.shape[1])
    b = y_arr - X_arr @ c
    constraints: list[cp.Constraint] = [X_arr @ delta == b]
    if nonnegative:
        constraints.append(delta >= 0)
    problem = cp.Problem(cp.Minimize(cp.sum(delta) if nonnegative else cp.norm1(delta)), constraints)
    what = f"{'non-negative ' if nonnegative else ''}basis pursuit (min-l1 interpolation program)"

    def certify(name: str, status: str) -> Solution:
        raw = np.asarray(delta.value, dtype=np.float64)
        nu = -np.asarray(constraints[0].dual_value, dtype=np.float64)
        vertex, cert = _polish_basis_pursuit(X_arr, b, raw, nu, nonnegative, name, status)
        return Solution(frozen(c + vertex), cert, frozen(nu))

    solution = _certified(problem, solver, what, certify, interpolation_diagnosis(X_arr, b, signed=nonnegative))
    if solution.certificate.feasibility > MAX_BOUND * (1 + float(np.linalg.norm(y_arr))):
        raise SolverError(f"the {what} was not solved accurately enough: {solution.certificate}",
                          solver=solution.certificate.solver, status="infeasible point")
    return solution


def min_norm_interpolator(
    X: ArrayLike,
    y: ArrayLike,
    *,
    p: int = 2,
    center: ArrayLike | None = None,
    nonnegative: bool = False,
    solver: str | None = None,
) -> FloatArray:
    r""":math:`\arg\min\{\|\theta - c\|_p : X\theta = y\}`, :math:`p\in\{1, 2\}` (see :func:`min_norm_program`).

    For ``p=1`` the minimiser may not be unique; a certified vertex is returned when one exists.
    For ``p=2`` it is :func:`ibcore.limits.least_squares_limit` from :math:`c`, the limit of gradient
    descent on the square loss.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    p : {1, 2}, default 2
        The norm.
    center : array_like of shape (d,), optional
        The centre :math:`c`; default 0.
    nonnegative : bool, default False
        Add :math:`\theta\ge 0` (``p=1`` with centre 0).
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (d,)
        The minimiser.

    Raises
    ------
    InputError
        As :func:`min_norm_program`.
    SolverError
        As :func:`min_norm_program`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(3, 5, sparsity=1, seed=0)   # n = 3 < d = 5, a 1-sparse target
    >>> theta = ib.programs.min_norm_interpolator(problem.X, problem.y)
    >>> print(bool(np.allclose(theta, ib.limits.least_squares_limit(problem.X, problem.y))))
    True
    """
    return min_norm_program(X, y, p=p, center=center, nonnegative=nonnegative, solver=solver).theta


def weighted_min_norm_interpolator(
    X: ArrayLike,
    y: ArrayLike,
    weights: ArrayLike,
    *,
    center: ArrayLike | None = None,
    solver: str | None = None,
) -> FloatArray:
    r"""The interpolator closest to ``center`` in a weighted Euclidean norm.

    .. math:: \arg\min_\theta \sum_i w_i(\theta_i - c_i)^2 \quad \text{s.t.}\quad X\theta = y .

    With :math:`w = 1/\mathrm{diag}(P)` this is the limit of GD preconditioned by :math:`P`
    (:func:`ibcore.algorithms.preconditioned_gd`). It is :func:`min_bregman_program` with the
    weighted Euclidean potential (KKT certificate); in closed form
    :math:`c + W^{-1}X^\top(XW^{-1}X^\top)^{-1}(y - Xc)`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    weights : array_like of shape (d,)
        The weights :math:`w_i > 0`.
    center : array_like of shape (d,), optional
        The centre :math:`c`; default 0.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (d,)
        The certified minimiser.

    Raises
    ------
    InputError
        If ``weights`` is not ``d`` positive finite numbers, or ``X``, ``y``, ``center`` or ``solver``
        is not valid.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y, w = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    >>> theta = ib.programs.weighted_min_norm_interpolator(X, y, w)
    >>> print(bool(np.allclose(theta, (X.T / w[:, None]) @ np.linalg.solve(X @ (X.T / w[:, None]), y))))
    True
    """
    X_arr, y_arr = design_and_labels(X, y)
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape[0] != X_arr.shape[1] or np.any(w <= 0):
        raise InputError(f"weights must be {X_arr.shape[1]} positive numbers")
    c = _centre(center, X_arr.shape[1])
    return min_bregman_program(Euclidean(w), X_arr, y_arr, reference=c, solver=solver).theta


def _polish_lasso(X: FloatArray, y: FloatArray, lam: float, theta: FloatArray, nonnegative: bool, solver: str,
                  status: str) -> Solution:
    r"""Polish an approximate lasso minimiser to the exact solution on its support, and certify it.

    On the support :math:`S` with signs :math:`s` (all :math:`+1` when ``nonnegative``) the KKT
    conditions :math:`X_S^\top(X_S\theta_S - y)/n + \lambda s = 0` determine :math:`\theta_S`; the
    polished point is certified when its signs are :math:`s` and
    :math:`|\nabla R_j| < \lambda` (``nonnegative``: :math:`\nabla R_j > -\lambda`) strictly off :math:`S`,
    which with :math:`X_S` of full column rank makes it the unique minimiser. The bound is the
    distance to it.
    """
    n = X.shape[0]
    top = float(np.max(np.abs(theta)))
    support = np.flatnonzero((theta if nonnegative else np.abs(theta)) > 1e-9 * max(top, 1e-300))
    no_bound = Solution(frozen(theta), Certificate(solver, status, 0.0, lasso_kkt(X, y, lam, theta), math.inf))
    signs = np.ones(support.size) if nonnegative else np.sign(theta[support])
    polished = np.zeros_like(theta)
    if support.size:
        XS = X[:, support]
        gram = XS.T @ XS / n
        if np.linalg.matrix_rank(gram) < support.size:
            return no_bound
        polished[support] = np.linalg.solve(gram, XS.T @ y / n - lam * signs)
        if np.any(np.sign(polished[support]) != signs):
            return no_bound
    g = X.T @ (X @ polished - y) / n
    off = np.setdiff1d(np.arange(X.shape[1]), support)
    strict = np.all(g[off] > -lam + 1e-12) if nonnegative else np.all(np.abs(g[off]) < lam - 1e-12)
    if not strict:
        return no_bound
    distance = float(np.linalg.norm(theta - polished))
    return Solution(frozen(polished), Certificate(solver, status, 0.0, lasso_kkt(X, y, lam, polished), distance))


def lasso_program(X: ArrayLike, y: ArrayLike, lam: float, *, nonnegative: bool = False,
                  solver: str | None = None) -> Solution:
    r"""The lasso :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \lambda\|\theta\|_1`, polished and certified.

    With ``nonnegative=True`` the constraint :math:`\theta\ge0` is added (then
    :math:`\|\theta\|_1 = \sum_j\theta_j`). The EPFL sheet's :math:`\frac1n\|Xw-y\|^2+\lambda\|w\|_1`
    has the same minimiser at twice this :math:`\lambda`. The solver's answer is polished to the
    exact minimiser on its support (``_polish_lasso``); when that cannot be certified (a
    non-unique minimiser, or no strict complementarity) the certificate has no distance bound.
    Unlike the interpolation programs, an answer without a bound is returned, not refused.
    Without a solver: :func:`ibcore.limits.lasso_path`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lam : float
        The penalty :math:`\lambda\ge 0`.
    nonnegative : bool, default False
        Add :math:`\theta\ge 0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        The minimiser; its certificate's ``optimality`` is :func:`lasso_kkt` at it and its
        ``error_bound`` the distance to the polished point (``inf`` if uncertified).

    Raises
    ------
    InputError
        If ``lam`` is negative or not finite, or ``X``, ``y`` or ``solver`` is not valid.
    SolverError
        If no solver returns an optimal (or optimal but inaccurate) status.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = np.eye(2), np.array([1.0, 0.2])                 # theta_j = S_{n lambda}(y_j), n = 2
    >>> solution = ib.programs.lasso_program(X, y, 0.2)
    >>> print(np.round(solution.theta, 9) + 0.0, solution.certificate.error_bound < 1e-9)
    [0.6 0. ] True
    """
    X_arr, y_arr = design_and_labels(X, y)
    lam = positive(lam, "lam", allow_zero=True)
    theta = cp.Variable(X_arr.shape[1])
    fit = cp.sum_squares(X_arr @ theta - y_arr) / (2 * X_arr.shape[0])
    if nonnegative:
        problem = cp.Problem(cp.Minimize(fit + lam * cp.sum(theta)), [theta >= 0])
    else:
        problem = cp.Problem(cp.Minimize(fit + lam * cp.norm1(theta)))

    def certify(name: str, status: str) -> Solution:
        return _polish_lasso(X_arr, y_arr, lam, np.asarray(theta.value, dtype=np.float64), nonnegative, name, status)

    return _certified(problem, solver, f"{'non-negative ' if nonnegative else ''}lasso", certify)


def lasso(X: ArrayLike, y: ArrayLike, lam: float, *, nonnegative: bool = False,
          solver: str | None = None) -> FloatArray:
    r"""The lasso :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \lambda\|\theta\|_1` (:func:`lasso_program`).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lam : float
        The penalty :math:`\lambda\ge 0`.
    nonnegative : bool, default False
        Add :math:`\theta\ge 0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (d,)
        The minimiser (the ``theta`` of :func:`lasso_program`).

    Raises
    ------
    InputError
        As :func:`lasso_program`.
    SolverError
        As :func:`lasso_program`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = np.eye(2), np.array([1.0, 0.2])
    >>> print(bool(np.allclose(ib.programs.lasso(X, y, 0.05), ib.limits.lasso_path(X, y, [0.05])[0])))
    True
    """
    return lasso_program(X, y, lam, nonnegative=nonnegative, solver=solver).theta


def lasso_kkt(X: ArrayLike, y: ArrayLike, lam: float, theta: ArrayLike) -> float:
    r"""The distance from 0 to the subdifferential of the lasso objective at ``theta``.

    With :math:`g = \nabla R(\theta) = X^\top(X\theta - y)/n`: :math:`|g_j + \lambda\,\mathrm{sign}(\theta_j)|`
    where :math:`\theta_j\ne0` and :math:`(|g_j| - \lambda)_+` where :math:`\theta_j = 0` (Euclidean norm over
    :math:`j`). It is 0 exactly at the minimisers; divided by the strong-convexity constant
    :math:`\lambda_{\min}(X^\top X/n)` (when positive) it bounds the distance to the minimiser.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lam : float
        The penalty :math:`\lambda\ge 0`.
    theta : array_like of shape (d,)
        The point at which the KKT conditions are checked.

    Returns
    -------
    float
        :math:`\mathrm{dist}(0, \partial F(\theta))`.

    Raises
    ------
    InputError
        If ``X``, ``y`` or ``theta`` is not a real, finite array of the right shape, or ``lam`` is
        negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = np.eye(2), np.array([1.0, 0.2])
    >>> print(ib.programs.lasso_kkt(X, y, 0.2, [0.6, 0.0]), round(ib.programs.lasso_kkt(X, y, 0.2, [0.7, 0.0]), 12))
    0.0 0.05
    """
    X_arr, y_arr = design_and_labels(X, y)
    lam = positive(lam, "lam", allow_zero=True)
    th = vector_of_length(theta, X_arr.shape[1], "theta")
    g = X_arr.T @ (X_arr @ th - y_arr) / X_arr.shape[0]
    return float(np.linalg.norm(np.where(th != 0, g + lam * np.sign(th), np.maximum(np.abs(g) - lam, 0.0))))


def lasso_distance_bound(X: ArrayLike, theta: ArrayLike, stationarity: float, support: ArrayLike) -> float:
    r"""A-priori bound on :math:`\|\theta - \theta_\star\|` from a stationarity certificate of ``theta``.

    If :math:`\mathrm{dist}(0, \partial F(\theta))\le s` (``stationarity``) for the lasso objective
    :math:`F = \frac{1}{2n}\|X\theta - y\|^2 + \lambda\|\theta\|_1`, and :math:`U\supseteq`
    :math:`\mathrm{supp}\,\theta\cup\mathrm{supp}\,\theta_\star` (``support`` is that of the minimiser
    :math:`\theta_\star`), then :math:`F` restricted to vectors supported in :math:`U` is
    :math:`\mu_U`-strongly convex with :math:`\mu_U = \lambda_{\min}(X_U^\top X_U/n)`, so

    .. math:: \|\theta - \theta_\star\| \le s/\mu_U

    (``inf`` if :math:`\mu_U = 0`). The bound uses only the design, the run's own certificate and
    the minimiser's support — not the distance of ``theta`` from satisfying the lasso's KKT
    conditions — so a comparison with it can fail.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design.
    theta : array_like of shape (d,)
        The point, e.g. the last iterate of :func:`ibcore.algorithms.proximal_gradient`.
    stationarity : float
        The certificate :math:`s\ge 0` (:func:`lasso_kkt`, or the bound of :func:`ibcore.algorithms.ista_step`).
    support : array_like of int
        The indices of the support of :math:`\theta_\star`, in ``range(d)`` (converted with ``int``).

    Returns
    -------
    float
        :math:`s/\mu_U`; ``inf`` if :math:`\mu_U` is 0 to rounding, and 0 when :math:`U` is empty and
        :math:`s = 0`.

    Raises
    ------
    InputError
        If ``X`` or ``theta`` is not a real, finite array of the right shape, ``stationarity`` is
        negative or not finite, or a ``support`` index lies outside ``range(d)``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y, theta = np.eye(2), np.array([1.0, 0.2]), np.array([0.7, 0.0])   # the minimiser is (0.6, 0)
    >>> s = ib.programs.lasso_kkt(X, y, 0.2, theta)
    >>> print(round(ib.programs.lasso_distance_bound(X, theta, s, [0]), 12))    # mu_U = 1/2
    0.1
    """
    X_arr = as_float_array(X, "X", ndim=2)
    th = vector_of_length(theta, X_arr.shape[1], "theta")
    s = positive(stationarity, "stationarity", allow_zero=True)
    sup = np.asarray(support, dtype=int).ravel()
    if sup.size and (sup.min() < 0 or sup.max() >= X_arr.shape[1]):
        raise InputError(f"support indices must lie in [0, {X_arr.shape[1]})")
    U = np.union1d(np.flatnonzero(th), sup)
    if U.size == 0:
        return 0.0 if s == 0 else math.inf
    XU = X_arr[:, U]
    mu = float(np.linalg.eigvalsh(XU.T @ XU / X_arr.shape[0])[0])
    return s / mu if mu > 1e-14 else math.inf


def ridge_program(X: ArrayLike, y: ArrayLike, lam: float, *, solver: str | None = None) -> Solution:
    r"""Ridge regression :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \frac\lambda2\|\theta\|^2`, certified.

    The objective is :math:`\mu`-strongly convex with :math:`\mu = \lambda_{\min}(X^\top X/n) + \lambda`,
    so :math:`\|\theta - \theta_\star\|\le\|\nabla(\text{objective})(\theta)\|/\mu` exactly (``inf`` if
    :math:`\mu = 0`). Without a solver: :func:`ibcore.limits.ridge_path`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lam : float
        The penalty :math:`\lambda\ge 0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        The minimiser; its certificate's ``optimality`` is the gradient norm, ``error_bound`` the
        bound above (the answer is returned whatever the bound).

    Raises
    ------
    InputError
        If ``lam`` is negative or not finite, or ``X``, ``y`` or ``solver`` is not valid.
    SolverError
        If no solver returns an optimal (or optimal but inaccurate) status.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> solution = ib.programs.ridge_program(X, y, 1.0)
    >>> exact = ib.limits.ridge_path(X, y, [1.0])[0]
    >>> print(bool(np.allclose(solution.theta, exact)), solution.certificate.error_bound < 1e-9)
    True True
    """
    X_arr, y_arr = design_and_labels(X, y)
    lam = positive(lam, "lam", allow_zero=True)
    n = X_arr.shape[0]
    theta = cp.Variable(X_arr.shape[1])
    objective = cp.sum_squares(X_arr @ theta - y_arr) / (2 * n) + lam / 2 * cp.sum_squares(theta)
    problem = cp.Problem(cp.Minimize(objective))
    mu = float(np.linalg.eigvalsh(X_arr.T @ X_arr / n)[0]) + lam

    def certify(name: str, status: str) -> Solution:
        th = np.asarray(theta.value, dtype=np.float64)
        gradient = float(np.linalg.norm(X_arr.T @ (X_arr @ th - y_arr) / n + lam * th))
        bound = gradient / mu if mu > 1e-14 else math.inf
        return Solution(frozen(th), Certificate(name, status, 0.0, gradient, bound))

    return _certified(problem, solver, "ridge program", certify)


def ridge(X: ArrayLike, y: ArrayLike, lam: float, *, solver: str | None = None) -> FloatArray:
    r"""Ridge regression :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \frac\lambda2\|\theta\|^2`.

    The ``theta`` of :func:`ridge_program`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lam : float
        The penalty :math:`\lambda\ge 0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (d,)
        The minimiser.

    Raises
    ------
    InputError
        As :func:`ridge_program`.
    SolverError
        As :func:`ridge_program`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(np.round(ib.programs.ridge([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0], 1.0), 6))
    [0.133333 0.6      0.466667]
    """
    return ridge_program(X, y, lam, solver=solver).theta


def _polish_svm(X: FloatArray, y: FloatArray, w: FloatArray, alpha: FloatArray, solver: str,
                status: str) -> tuple[FloatArray, FloatArray, Certificate]:
    r"""Polish a hard-margin SVM answer to the exact solution of its support vectors, and certify it.

    With :math:`Z = \mathrm{diag}(y)X` and support :math:`S = \{\alpha_i > 0\}`, the KKT conditions
    are :math:`\hat w = Z_S^\top\alpha_S`, :math:`Z_S\hat w = \mathbf 1`, :math:`\alpha_S > 0` and
    :math:`Z_j\hat w > 1` off :math:`S` (strictly: unique multipliers, and the solution does not
    move under small perturbations).
    """
    Z = y[:, None] * X
    feasibility = float(max(0.0, 1.0 - float(np.min(Z @ w))))
    no_bound = Certificate(solver, status, feasibility, math.inf, math.inf)
    support = np.flatnonzero(alpha > 1e-7 * alpha.max()) if alpha.max() > 0 else np.array([], dtype=int)
    if support.size == 0 or support.size > X.shape[1]:
        return w, alpha, no_bound
    ZS = Z[support]
    gram = ZS @ ZS.T
    if np.linalg.matrix_rank(gram) < support.size:
        return w, alpha, no_bound
    a_S = np.linalg.solve(gram, np.ones(support.size))
    w_pol = ZS.T @ a_S
    off = np.setdiff1d(np.arange(X.shape[0]), support)
    if np.any(a_S <= 0) or (off.size and float(np.min(Z[off] @ w_pol)) <= 1 + 1e-9):
        return w, alpha, no_bound
    a_full = np.zeros_like(alpha)
    a_full[support] = a_S
    distance = float(np.linalg.norm(w - w_pol))
    return w_pol, a_full, Certificate(solver, status, feasibility, distance, distance)


def max_margin_program(X: ArrayLike, y: ArrayLike, *, solver: str | None = None) -> Solution:
    r"""The hard-margin SVM :math:`\hat w = \arg\min\{\|w\|_2 : y_i\langle w, x_i\rangle\ge1\}`, certified.

    ``theta`` is the *unnormalised* :math:`\hat w`, polished to the exact solution of its support
    vectors (``_polish_svm``); ``dual`` the multipliers :math:`\alpha\ge0` with
    :math:`\hat w = \sum_i\alpha_iy_ix_i`. Non-separable data raise :class:`~ibcore.errors.SolverError`.
    The direction :math:`\hat w/\|\hat w\|` is the limit of gradient descent on the logistic or
    exponential loss (:func:`max_margin`).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The inputs, one point per row.
    y : array_like of shape (n,)
        The labels, each ``-1.0`` or ``+1.0``.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        ``theta`` :math:`\hat w`, ``dual`` :math:`\alpha`, and the certificate (the distance to the
        polished solution).

    Raises
    ------
    InputError
        If ``X`` or ``y`` is not valid or a label is not :math:`\pm1`, or ``solver`` is unknown.
    SolverError
        If the data are not linearly separable, or the answer cannot be certified to :data:`MAX_BOUND`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[2.0, 1.0], [1.0, 2.0], [-1.0, -1.5], [-2.0, -0.5]])
    >>> y = np.array([1.0, 1.0, -1.0, -1.0])
    >>> svm = ib.programs.max_margin_program(X, y)
    >>> print(np.round(svm.theta, 9), np.round(svm.dual, 9), bool(np.allclose((svm.dual * y) @ X, svm.theta)))
    [0.4 0.4] [0.   0.   0.24 0.08] True
    """
    X_arr, y_arr = _labelled(X, y)
    w = cp.Variable(X_arr.shape[1])
    margins = cp.multiply(y_arr, X_arr @ w) >= 1
    problem = cp.Problem(cp.Minimize(cp.sum_squares(w) / 2), [margins])

    def certify(name: str, status: str) -> Solution:
        raw = np.asarray(w.value, dtype=np.float64)
        alpha = np.maximum(np.asarray(margins.dual_value, dtype=np.float64), 0.0)
        w_pol, a_pol, cert = _polish_svm(X_arr, y_arr, raw, alpha, name, status)
        return Solution(frozen(w_pol), cert, frozen(a_pol))

    solution = _certified(problem, solver, "hard-margin SVM (l2)", certify, _separability_diagnosis)
    return _checked(solution, "hard-margin SVM")


def _labelled(X: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    X_arr, y_arr = design_and_labels(X, y)
    if not np.all(np.isin(y_arr, (-1.0, 1.0))):
        raise InputError("labels must be -1 or +1")
    return X_arr, y_arr


def max_margin(X: ArrayLike, y: ArrayLike, *, p: int | float = 2, solver: str | None = None,
               return_dual: bool = False) -> FloatArray | tuple[FloatArray, FloatArray, FloatArray]:
    r"""The unit-norm direction of the hard-margin SVM in the norm :math:`\ell_p`, :math:`p\in\{1, 2, \infty\}`.

    .. math:: \hat w = \arg\min_w \|w\|_p \quad\text{s.t.}\quad y_i\langle w, x_i\rangle\ge 1,

    returned as :math:`\hat w/\|\hat w\|_p` (a QP for :math:`p=2`, certified by
    :func:`max_margin_program`; an LP otherwise; Ma's notes Def. 9.24; Gunasekar et al. 2018 for
    other norms). With ``return_dual`` (``p=2``) it also returns the unnormalised :math:`\hat w`
    and the dual variables :math:`\alpha\ge0` of the constraints, :math:`\hat w = \sum_i\alpha_i y_i x_i`.
    Non-separable data raise :class:`~ibcore.errors.SolverError` (the program is infeasible). The LPs
    are solved by :func:`solve` (status only, no certificate; the minimiser may not be unique).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The inputs, one point per row.
    y : array_like of shape (n,)
        The labels, each ``-1.0`` or ``+1.0``.
    p : {1, 2, numpy.inf}, default 2
        The norm.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn (see
        :func:`max_margin_program` and :func:`solve`).
    return_dual : bool, default False
        Also return :math:`\hat w` and :math:`\alpha` (``p=2`` only).

    Returns
    -------
    direction : ndarray of shape (d,)
        :math:`\hat w/\|\hat w\|_p`.
    w_hat : ndarray of shape (d,)
        With ``return_dual``: the unnormalised :math:`\hat w`.
    alpha : ndarray of shape (n,)
        With ``return_dual``: the multipliers :math:`\alpha\ge 0`.

    Raises
    ------
    InputError
        If ``p`` is not 1, 2 or ``inf``, ``return_dual`` is set with another ``p``, a label is not
        :math:`\pm1`, or ``X``, ``y`` or ``solver`` is not valid.
    SolverError
        If the data are not linearly separable, or the program is not solved accurately.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[2.0, 1.0], [1.0, 2.0], [-1.0, -1.5], [-2.0, -0.5]])
    >>> y = np.array([1.0, 1.0, -1.0, -1.0])
    >>> print(np.round(ib.programs.max_margin(X, y), 6), np.round(ib.programs.max_margin(X, y, p=np.inf), 6))
    [0.707107 0.707107] [1. 1.]
    """
    X_arr, y_arr = _labelled(X, y)
    if p not in (1, 2, np.inf):
        raise InputError(f"p must be 1, 2 or inf; got {p!r}")
    if return_dual and p != 2:
        raise InputError("return_dual is available for p = 2")
    if p == 2:
        solution = max_margin_program(X_arr, y_arr, solver=solver)
        w_hat = np.asarray(solution.theta)
        direction = w_hat / np.linalg.norm(w_hat)
        if return_dual:
            return direction, w_hat, np.asarray(solution.dual)
        return direction
    w = cp.Variable(X_arr.shape[1])
    margins = cp.multiply(y_arr, X_arr @ w) >= 1
    solve(cp.Problem(cp.Minimize(cp.norm(w, 1 if p == 1 else "inf")), [margins]), solver=solver,
          what=f"hard-margin SVM (l{p})", infeasible=_separability_diagnosis)
    w_hat = np.asarray(w.value, dtype=np.float64)
    return w_hat / np.linalg.norm(w_hat, p)


@dataclass(frozen=True)
class SdpSolution(Record):
    r"""A solution of the nuclear-norm SDP with its own certificate.

    ``M`` the minimiser; ``gap`` the duality gap :math:`\mathrm{tr}M - \langle y,\nu\rangle`;
    ``infeasibility`` the largest of :math:`\|\mathcal A(M) - y\|`, :math:`-\lambda_{\min}(M)` and
    :math:`-\lambda_{\min}(I - \mathcal A^*\nu)` (primal and dual cone violations). Returned by
    :func:`nuclear_norm_sensing`.

    Parameters
    ----------
    M : ndarray of shape (dim, dim)
        The minimiser, symmetrised.
    gap : float
        The duality gap.
    infeasibility : float
        The largest primal or dual violation.
    status : str
        Clarabel's status (``"optimal"`` or ``"optimal_inaccurate"``).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, seed=0)
    >>> sdp = ib.programs.nuclear_norm_sensing(data.A, data.y)
    >>> print(sdp.M.shape, abs(sdp.gap) < 1e-7, sdp.infeasibility < 1e-7)
    (3, 3) True True
    """

    M: FloatArray
    gap: float
    infeasibility: float
    status: str


def nuclear_norm_sensing(A: ArrayLike, y: ArrayLike, *, certificate_tol: float = 1e-7) -> SdpSolution:
    r"""The PSD matrix of least nuclear norm that fits the measurements (an SDP, Clarabel).

    .. math:: \arg\min\{\mathrm{tr}\,M : M\succeq 0,\ \langle A_i, M\rangle = y_i\},

    the nuclear norm of a PSD matrix being its trace (Gunasekar et al. 2017's conjectured
    limit of :math:`UU^\top` from a vanishing initialisation). ``A`` is (m, dim, dim).

    When the measurements determine a low-rank :math:`M` (exact recovery) the SDP has no
    strictly feasible point and Clarabel stops at ``optimal_inaccurate`` although its answer
    is excellent. So the solution is certified here, not by the solver's status: with the
    dual :math:`\nu` of the equality constraints, the duality gap and every primal/dual
    infeasibility must be below ``certificate_tol`` :math:`\times(1 + \|y\|)`, else
    :class:`~ibcore.errors.SolverError`.

    Parameters
    ----------
    A : array_like of shape (m, dim, dim)
        The sensing matrices :math:`A_i`.
    y : array_like of shape (m,)
        The measurements :math:`y_i`.
    certificate_tol : float, default 1e-7
        The relative tolerance of the certificate.

    Returns
    -------
    SdpSolution
        The minimiser and its certificate.

    Raises
    ------
    InputError
        If ``A`` is not a real finite (m, dim, dim) array, ``y`` not a real finite vector of length
        m, or ``certificate_tol`` not finite and positive.
    SolverError
        If Clarabel fails or reports another status, or the duality gap or an infeasibility exceeds
        the tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, seed=0)            # a rank-1 M*, 8 measurements
    >>> print(bool(np.allclose(ib.programs.nuclear_norm_sensing(data.A, data.y).M, data.M_star, atol=1e-6)))
    True
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
    r"""Corollary C.3's program for *commuting* sensing matrices: the PSD matrix of least spectral entropy.

    .. math:: \sum_j \lambda_j\log\lambda_j + (\log(1/s) - 1)\lambda_j
              \quad\text{s.t.}\quad\langle A_i, M\rangle = y_i

    over its eigenvalues :math:`\lambda_j` (:math:`s` = ``scale``; :math:`s = \beta e^{-2\Lambda_T}` for
    the factored flow). The objective is unitarily invariant and convex, so pinching
    :math:`M` to the common eigenbasis :math:`Q` of the :math:`A_i` keeps every constraint and
    does not increase it: the minimiser is :math:`Q\,\mathrm{diag}(\lambda)Q^\top` with
    :math:`\lambda` solving the entropy program on the spectral design
    (:func:`ibcore.data.spectral_design`) — an exponential-cone program, equal to
    :math:`\arg\min D_{\mathrm{ent}}(\lambda, s\mathbf 1)` over :math:`S\lambda = y` (Jacobs, Zhou &
    Burkholz 2025). The reference of :mod:`ibcore.sensing`.

    Parameters
    ----------
    data : MatrixSensingData
        A problem drawn with ``commuting=True`` (:func:`ibcore.data.matrix_sensing`).
    scale : float
        The scale :math:`s > 0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    ndarray of shape (dim, dim)
        The minimiser :math:`Q\,\mathrm{diag}(\lambda)Q^\top`.

    Raises
    ------
    InputError
        If ``scale`` is not finite and positive, the :math:`A_i` have no common eigenbasis
        (:func:`ibcore.data.spectral_design`), or ``solver`` is unknown.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 4, 1, commuting=True, seed=0)
    >>> M = ib.programs.spectral_entropy_sensing(data, 1e-3)
    >>> print(bool(np.allclose(np.einsum("kij,ij->k", data.A, M), data.y)), bool(np.allclose(M, M.T)))
    True True
    """
    lam = spectral_entropy_program(data, scale, solver=solver).theta
    return (data.basis * lam) @ data.basis.T


def spectral_entropy_program(data: Any, scale: float, *, solver: str | None = None) -> Solution:
    r"""The eigenvalues :math:`\lambda` of :func:`spectral_entropy_sensing`'s minimiser in the common basis, certified.

    :func:`min_bregman_program` for the negative entropy on the spectral design, with reference
    :math:`s\mathbf 1` (``scale``).

    Parameters
    ----------
    data : MatrixSensingData
        A problem drawn with ``commuting=True``.
    scale : float
        The scale :math:`s > 0`.
    solver : {"CLARABEL", "ECOS"}, optional
        One solver (case-insensitive); by default those of :data:`DEFAULT_CHAIN` are tried in turn until one's
        answer is certified to :data:`GOOD_BOUND`, and the best certified answer is kept.

    Returns
    -------
    Solution
        :math:`\lambda` (in the order of the columns of ``data.basis``) and its certificate.

    Raises
    ------
    InputError
        As :func:`spectral_entropy_sensing`.
    SolverError
        If no solver returns an answer whose certified bound is below :data:`MAX_BOUND` (relative to
        :math:`1 + \|\theta\|`), for instance when :math:`X\theta = y` has no solution; the message names
        every solver tried and its status, and for an infeasible program says why.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 4, 1, commuting=True, seed=0)
    >>> eigenvalues = ib.programs.spectral_entropy_program(data, 1e-3).theta
    >>> print(bool(np.allclose(ib.data.spectral_design(data) @ eigenvalues, data.y)), bool(np.all(eigenvalues > 0)))
    True True
    """

    s = positive(scale, "scale")
    S = spectral_design(data)
    return min_bregman_program(NegativeEntropy(1.0), S, data.y, reference=np.full(data.dim, s), solver=solver)


@dataclass(frozen=True)
class SlopeVariationSolution(Record):
    r"""The least slope variation of an interpolant on a knot grid: :func:`min_slope_variation_program`.

    Parameters
    ----------
    knots : ndarray of shape (k,)
        The knots :math:`t_l` inside :math:`(x_1, x_n)`.
    jumps : ndarray of shape (k,)
        The slope changes :math:`c_l` at the knots; the variation is :math:`\sum_l|c_l|`.
    intercept, slope : float
        The value and the slope of the interpolant at :math:`x_1`.
    certificate : Certificate
        The basis-pursuit certificate of ``jumps``.
    start : float
        :math:`x_1`, where ``intercept`` and ``slope`` are taken.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> sol = ib.programs.min_slope_variation_program([0.0, 1.0, 2.0], [0.0, 1.0, 0.0], np.linspace(0.5, 1.5, 3))
    >>> print(round(sol.variation, 9), np.round(sol.jumps, 9) + 0.0)
    2.0 [ 0. -2.  0.]
    """

    knots: FloatArray
    jumps: FloatArray
    intercept: float
    slope: float
    certificate: Certificate
    start: float

    @property
    def variation(self) -> float:
        r"""The slope variation of the interpolant, :math:`\int_{x_1}^{x_n}|f''| = \sum_l|c_l|`.

        Returns
        -------
        float
            The sum of the absolute slope jumps at the knots.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(round(ib.programs.min_slope_variation_program([0.0, 1.0, 2.0], [0.0, 2.0, 0.0], [1.0]).variation, 9))
        4.0
        """
        return float(np.sum(np.abs(self.jumps)))

    def __call__(self, t: ArrayLike) -> FloatArray:
        r"""The interpolant :math:`f(t) = f(x_1) + s(t - x_1) + \sum_lc_l\,\mathrm{relu}(t - t_l)` at ``t``."""
        t_ = as_float_array(t, "t", ndim=1)
        return self.intercept + self.slope * (t_ - self.start) + np.maximum(t_[:, None] - self.knots, 0.0) @ self.jumps


def min_slope_variation_program(x: ArrayLike, y: ArrayLike, knots: ArrayLike, *,
                                solver: str | None = None) -> SlopeVariationSolution:
    r"""The interpolant of least slope variation :math:`\int_{x_1}^{x_n}|f''|` among linear splines on a knot grid.

    .. math:: \min\ \sum_l|c_l| \quad\text{s.t.}\quad f(x_i) = y_i \ (i\le n),

    over the linear splines :math:`f(t) = b + s\,(t - x_1) + \sum_lc_l\,\mathrm{relu}(t - t_l)`, for sorted
    :math:`x_1 < \dots < x_n` and knots :math:`t_l\in(x_1, x_n)`. The unpenalised affine part is
    eliminated (the constraints are projected on the complement of the span of :math:`1` and
    :math:`x - x_1`), which leaves a basis pursuit, solved and certified by :func:`min_norm_program`.
    When the interior data points are knots, the piecewise-linear interpolant is feasible, and it
    attains the minimum over all interpolants whose slope has bounded variation (Savarese et al. 2019):
    a smooth interpolant's slope takes each secant slope somewhere between consecutive points.

    Parameters
    ----------
    x, y : array_like of shape (n,)
        The data, ``x`` strictly increasing, :math:`n\ge3`.
    knots : array_like of shape (k,)
        The knot grid, inside :math:`(x_1, x_n)`.
    solver : str, optional
        As for :func:`min_norm_program`.

    Returns
    -------
    SlopeVariationSolution

    Raises
    ------
    InputError
        If ``x`` is not strictly increasing with at least 3 points, ``y`` has another length, or
        a knot lies outside :math:`(x_1, x_n)`.
    SolverError
        As :func:`min_norm_program`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> sol = ib.programs.min_slope_variation_program([0.0, 1.0, 2.0], [0.0, 1.0, 0.0], [1.0])
    >>> print(round(sol.variation, 9), round(sol.slope, 9))
    2.0 1.0
    """
    x_ = as_float_array(x, "x", ndim=1)
    y_ = vector_of_length(y, x_.size, "y")
    t = as_float_array(knots, "knots", ndim=1)
    if x_.size < 3 or np.any(np.diff(x_) <= 0):
        raise InputError(f"x must be strictly increasing with at least 3 points; got {x_.size} points")
    if np.any(t <= x_[0]) or np.any(t >= x_[-1]):
        raise InputError(f"the knots must lie inside (x_1, x_n) = ({x_[0]:g}, {x_[-1]:g})")
    affine = np.column_stack([np.ones_like(x_), x_ - x_[0]])
    ramps = np.maximum(x_[:, None] - t[None, :], 0.0)
    Q = np.linalg.svd(affine, full_matrices=True)[0][:, 2:]  # orthonormal complement of the affine span
    bp = min_norm_program(Q.T @ ramps, Q.T @ y_, p=1, solver=solver)
    jumps = np.asarray(bp.theta)
    coef = np.linalg.lstsq(affine, y_ - ramps @ jumps, rcond=None)[0]
    return SlopeVariationSolution(t, jumps, float(coef[0]), float(coef[1]), bp.certificate, float(x_[0]))
