r"""First-order methods and flows; every one returns a :class:`Trajectory`.

All discrete methods share one driver, ``_run``: it records the iterates you ask for,
stops on a **certificate** (the gradient norm :math:`\|\nabla R(\theta_k)\| \le` ``tol``),
never on an iteration count alone, and turns a blow-up into a :class:`~ibcore.errors.DivergenceError`
before any overflow can produce ``inf`` or NaN. With ``tol=None`` a method runs exactly
``max_iter`` steps (for early-stopped paths).

Update rules (``g_k`` is the gradient at the point named):

=================  ===================================================================
gradient descent   :math:`\theta_{k+1} = \theta_k - \eta\,\nabla R(\theta_k)`
preconditioned GD  :math:`\theta_{k+1} = \theta_k - \eta\,P\,\nabla R(\theta_k)`, ``P`` diagonal
mini-batch SGD     :math:`\theta_{k+1} = \theta_k - \eta\,\nabla R_{B_k}(\theta_k)`, ``B_k`` uniform of size ``b``
heavy ball         :math:`\theta_{k+1} = \theta_k - \eta\nabla R(\theta_k) + \beta(\theta_k - \theta_{k-1})`
Nesterov           :math:`z_k = \theta_k + \beta(\theta_k-\theta_{k-1}),\ \theta_{k+1} = z_k - \eta\,\nabla R(z_k)`
AdaGrad            :math:`G_k = G_{k-1} + g_k^2,\ \theta_{k+1} = \theta_k - \eta\, g_k/(\sqrt{G_k}+\epsilon)`
gradient flow      :math:`\dot\theta = -\nabla R(\theta)`, integrated by ``scipy.integrate.solve_ivp``
mirror descent     :math:`\nabla\psi(\theta_{k+1}) = \nabla\psi(\theta_k) - \eta\nabla R(\theta_k)`
mirror flow        :math:`\frac{d}{dt}\nabla\psi(\theta) = -\nabla R(\theta)`, in dual coordinates
=================  ===================================================================

Every method accepts any :class:`~ibcore.losses.Loss` — the square loss, the loss of a
parameterised model built by :func:`ibcore.parametrizations.reparametrized` (on which they
train the parameters), or a classification loss; a test runs each of them on each kind.
:func:`parameter_flow` is the one method that needs a model: given a plain loss it trains
the identity parameterisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp

from ._validate import FloatArray, as_float_array, frozen, positive, positive_int, rng_from
from .errors import DivergenceError, InputError, NotConverged
from .limits import sensitivity
from .losses import Loss, SquareLoss
from .parametrizations import ReparametrizedLoss, identity, reparametrized
from .potentials import MAX_DUAL_ARGUMENT, Potential
from .records import Record

#: A run is declared divergent once the loss exceeds this multiple of its starting value.
DIVERGENCE_FACTOR = 1e12
#: The methods of ``scipy.integrate.solve_ivp`` the flows accept.
INTEGRATORS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")

#: Beyond this many time constants (:math:`L\,t_{\max}`) :func:`gradient_flow` integrates with a stiff method.
STIFF_HORIZON = 1e4


@dataclass(frozen=True)
class Trajectory(Record):
    r"""The record of one run of a method.

    Every method of this module returns one; its arrays are read-only (it is an
    ``ibcore.records.Record``).

    Parameters
    ----------
    method : str
        The method's name (and, for flows, the integrator).
    times : ndarray of shape (k,)
        Iteration counts (discrete methods) or times (flows) of the recorded iterates.
    iterates : ndarray of shape (k, d)
        The recorded iterates; the first is the initialisation, the last the final.
    losses : ndarray of shape (k,)
        The loss at each recorded iterate.
    final : ndarray of shape (d,)
        The last iterate.
    grad_norm : float
        :math:`\|\nabla R\|` at ``final`` — the convergence certificate.
    n_steps : float
        Number of steps taken (discrete) or the final time (flows).
    converged : bool
        Whether ``grad_norm <= tol`` (always ``False`` when no ``tol`` was set, and for
        :func:`gradient_flow`).
    predictors : ndarray of shape (k, d_theta) or None, default None
        For :func:`parameter_flow`, the predictors :math:`\theta = g(w)` at the recorded
        times, computed without cancellation (``None`` otherwise).
    error_bound : float or None, default None
        For the flows on the square loss that stop on a certificate (:func:`parameter_flow`,
        :func:`mirror_flow`): :math:`2\kappa\|X\theta - y\|`, a first-order bound on the distance of
        the final predictor to the limit of the flow (:func:`ibcore.limits.sensitivity`), computed at
        the final time whether or not ``tol`` was set; ``None`` otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
    >>> run = ib.algorithms.gradient_descent(loss, np.zeros(2), step=1.0)
    >>> print(run.method, run.converged, run.iterates.shape == (len(run.times), 2), run.grad_norm <= 1e-10)
    gradient descent True True True
    >>> print(np.round(run.final, 9), run.iterates[0], run.losses[0])
    [1. 2.] [0. 0.] 1.25
    """

    method: str
    times: FloatArray
    iterates: FloatArray
    losses: FloatArray
    final: FloatArray
    grad_norm: float
    n_steps: float
    converged: bool
    predictors: FloatArray | None = None
    error_bound: float | None = None

    @property
    def final_predictor(self) -> FloatArray:
        r"""The last predictor: ``predictors[-1]`` for :func:`parameter_flow`, else ``final``.

        For every other method the iterate is :math:`\theta` itself (or the parameters :math:`w`, for a
        model trained with a discrete method: map them with
        :meth:`~ibcore.parametrizations.Parametrization.theta`).

        Returns
        -------
        ndarray
            The last predictor.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> model = ib.parametrizations.reparametrized(ib.losses.square_loss([[1.0, 0.5]], [1.0]),
        ...                                            ib.parametrizations.signed_square(2))
        >>> run = ib.algorithms.parameter_flow(model, model.param.init(1.0), [0.0, 100.0], tol=1e-10)
        >>> print(run.final.shape, run.final_predictor.shape, np.round(run.final_predictor @ [1.0, 0.5], 9))
        (4,) (2,) 1.0
        """
        return self.final if self.predictors is None else self.predictors[-1]

    def rounding_drift(self) -> float:
        r"""A bound on the floating-point drift of a discrete run off the affine set its exact iterates stay in.

        In exact arithmetic gradient descent on the square loss keeps :math:`\theta_k - \theta_0` in
        :math:`\mathrm{range}\,X^\top`; in floating point every step
        :math:`\theta\leftarrow\theta - \eta g` rounds each coordinate with relative error at most
        :math:`\varepsilon`, so :math:`k` steps can leave that set by at most
        :math:`2k\varepsilon\max_j\|\theta_j\|` (maximum over the recorded iterates, among them the
        first and the last). Certified distances of a discrete run add it.

        Returns
        -------
        float
            :math:`2k\varepsilon\max_j\|\theta_j\|`, with :math:`k` = ``n_steps``.

        Raises
        ------
        InputError
            For a flow, which has no steps.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
        >>> run = ib.algorithms.gradient_descent(loss, np.zeros(2), step=1.0)
        >>> bound = 2 * run.n_steps * np.finfo(float).eps * np.linalg.norm(run.final)
        >>> print(int(run.n_steps), bool(np.isclose(run.rounding_drift(), bound)))
        34 True
        """
        if "flow" in self.method:
            raise InputError(f"rounding_drift counts the steps of a discrete method; {self.method} is a flow")
        largest = float(np.max(np.linalg.norm(self.iterates, axis=1)))
        return 2 * self.n_steps * float(np.finfo(np.float64).eps) * max(largest, float(np.linalg.norm(self.final)))


Update = Callable[[int, FloatArray], FloatArray]


def _loss(loss: object, method: str) -> Loss:
    if not isinstance(loss, Loss):
        raise InputError(f"{method} takes an ibcore.losses.Loss (e.g. ib.losses.square_loss(X, y)); "
                         f"got {type(loss).__name__}")
    return loss


def _potential(potential: object, method: str) -> Potential:
    if not isinstance(potential, Potential):
        raise InputError(f"{method} takes an ibcore.potentials.Potential; got {type(potential).__name__}")
    return potential


def _run(
    loss: Loss,
    theta0: FloatArray,
    update: Update,
    *,
    method: str,
    tol: float | None,
    max_iter: int,
    record_every: int | None,
    check_every: int = 1,
    stability_hint: Callable[[], str] = lambda: "",
) -> Trajectory:
    """Iterate ``theta <- update(k, theta)`` with recording, a certificate and divergence checks.

    ``stability_hint`` is called only when the run diverges (it may cost a norm of ``X``).
    """
    max_iter = positive_int(max_iter, "max_iter")
    if tol is not None:
        tol = positive(tol, "tol")
    if record_every is not None:
        record_every = positive_int(record_every, "record_every")
    theta = theta0.copy()
    with np.errstate(over="raise", invalid="raise"):
        try:
            loss0 = loss.value(theta)
            grad_norm = float(np.linalg.norm(loss.grad(theta)))
        except FloatingPointError as exc:
            raise InputError(f"{method}: the loss or its gradient overflows at the starting point ({exc}); "
                             "rescale the data or the initialisation") from exc
    ceiling = DIVERGENCE_FACTOR * max(loss0, 1.0)
    times, iterates, losses = [0], [theta.copy()], [loss0]
    converged = tol is not None and grad_norm <= tol
    k = 0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            while not converged and k < max_iter:
                theta = update(k, theta)
                k += 1
                recording = record_every is not None and k % record_every == 0
                checking = k % check_every == 0 or k == max_iter
                if not (recording or checking):
                    continue  # an overflow in between still raises (errstate), so no NaN can pass
                value = loss.value(theta)
                if not value <= ceiling:  # also catches NaN
                    raise DivergenceError(
                        f"{method} diverged after {k} steps: the loss grew from {loss0:.3g} to "
                        f"{value:.3g}. {stability_hint()}".strip()
                    )
                if recording:
                    times.append(k)
                    iterates.append(theta.copy())
                    losses.append(value)
                if tol is not None and checking:
                    grad_norm = float(np.linalg.norm(loss.grad(theta)))
                    converged = grad_norm <= tol
        except FloatingPointError as exc:
            raise DivergenceError(
                f"{method} overflowed at step {k + 1} ({exc}). {stability_hint()}".strip()
            ) from exc
    grad_norm = float(np.linalg.norm(loss.grad(theta)))
    if tol is not None and not converged:
        raise NotConverged(
            f"{method} did not reach ||grad R|| <= {tol:.1e} within max_iter = {max_iter} steps "
            f"(reached {grad_norm:.2e}); raise max_iter or the step size."
        )
    if times[-1] != k:
        times.append(k)
        iterates.append(theta.copy())
        losses.append(loss.value(theta))
    return Trajectory(
        method=method,
        times=frozen(times),
        iterates=frozen(np.stack(iterates)),
        losses=frozen(losses),
        final=frozen(theta),
        grad_norm=grad_norm,
        n_steps=float(k),
        converged=bool(converged),
    )


def _gd_hint(loss: Loss, step: float, curvature: Callable[[], float | None] | None = None,
             factor: float = 2.0, name: str = "") -> Callable[[], str]:
    """The message of a divergence: the step against ``factor / L`` (computed only when needed)."""

    def hint() -> str:
        L = loss.smoothness if curvature is None else curvature()
        if L is None:  # a non-convex (reparameterised) loss has no global smoothness constant
            return f"Step {step:.3g} is too large for this loss near the iterates; reduce it."
        if not L > 0:
            return f"Step {step:.3g}: the loss has no curvature (L = 0), so no step size is unstable on it."
        return f"Step {step:.3g} vs the stability bound {factor:g}/L = {factor / L:.3g}{name} (L = {L:.3g})."

    return hint


def integrate_certified(
    rhs: Callable[[float, FloatArray], FloatArray],
    y0: FloatArray,
    times: ArrayLike,
    *,
    method: str,
    rtol: float,
    atol: float | FloatArray,
    what: str,
    jac: Callable[[float, FloatArray], FloatArray] | None = None,
    certificate: Callable[[float, FloatArray], float] | None = None,
    tol: float | None = None,
    max_evaluations: int = 50_000,
) -> tuple[FloatArray, FloatArray, bool]:
    r"""``solve_ivp`` with recording at ``times`` and an optional stop on a certificate.

    The flows of this package share it. With ``tol``, integration stops at the first time at
    which ``certificate(t, y)`` (a gradient norm, or ``inf`` while a schedule is still on)
    falls to ``tol``/2; the stopping state is appended to the record. Implicit methods get
    ``jac``. An evaluation budget guards against a certificate below the rounding floor of the
    state, which would otherwise let the integrator creep to a far horizon for hours.

    Parameters
    ----------
    rhs : callable
        The right-hand side ``rhs(t, y) -> dy/dt``.
    y0 : ndarray
        The initial state.
    times : array_like of shape (k,)
        The recording times, non-negative and strictly increasing; integration runs from 0 to
        ``times[-1]`` (``times = [0]`` records the initial state only).
    method : str
        A ``scipy.integrate.solve_ivp`` method (``"RK45"``, ``"DOP853"``, ``"LSODA"``, ``"Radau"``, ``"BDF"``, ...).
    rtol : float
        The relative tolerance of the integrator, positive.
    atol : float or ndarray
        The absolute tolerance, positive (scalar or per state coordinate).
    what : str
        What is integrated, for the error messages.
    jac : callable, optional
        The Jacobian ``jac(t, y)`` of ``rhs``, passed to the implicit methods (``LSODA``, ``Radau``, ``BDF``).
    certificate : callable, optional
        ``certificate(t, y) -> float``; required with ``tol``.
    tol : float, optional
        Stop once ``certificate`` falls to ``tol``/2.
    max_evaluations : int, default 50_000
        The largest number of evaluations of ``rhs``.

    Returns
    -------
    states : ndarray of shape (k', len(y0))
        The states at the recorded times that were reached, then the stopping state if the
        certificate stopped the integration.
    stamps : ndarray of shape (k',)
        Their times.
    certified : bool
        Whether the certificate stopped the integration.

    Raises
    ------
    InputError
        For times that are not non-negative and strictly increasing, a ``tol`` without a
        ``certificate``, a ``tol``, ``rtol`` or ``atol`` that is not positive, or a ``max_evaluations``
        that is not a positive integer.
    NotConverged
        If the integrator fails or needs more than ``max_evaluations`` evaluations of ``rhs``.
    DivergenceError
        If the state overflows.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> states, stamps, certified = ib.algorithms.integrate_certified(
    ...     lambda t, y: -y, np.ones(1), [0.0, 1.0, 100.0], method="RK45", rtol=1e-10, atol=1e-12,
    ...     what="exponential decay", certificate=lambda t, y: abs(y[0]), tol=1e-3)   # stops at y = tol/2, t = log 2000
    >>> print(np.round(states[:2, 0], 6), f"{states[-1, 0]:.1e}", np.round(stamps, 4), certified)
    [1.       0.367879] 5.0e-04 [0.     1.     7.6009] True
    """
    t = as_float_array(times, "times", ndim=1)
    if t[0] < 0 or np.any(np.diff(t) <= 0):
        raise InputError("times must be non-negative and strictly increasing")
    if t[-1] == 0:
        return np.array([y0], dtype=np.float64), t.copy(), False
    events = None
    if tol is not None:
        if certificate is None:
            raise InputError("a tolerance needs a certificate")
        tol = positive(tol, "tol")

        def certified(s: float, state: FloatArray) -> float:
            return min(certificate(s, state), 1e300) - tol / 2

        certified.terminal = True  # type: ignore[attr-defined]
        events = [certified]
    if method not in INTEGRATORS:
        raise InputError(f"method must be one of scipy's integrators {INTEGRATORS}; got {method!r}")
    options = {"jac": jac} if jac is not None and method in ("LSODA", "Radau", "BDF") else {}
    atol_arr = as_float_array(atol, "atol")
    if np.any(atol_arr <= 0):
        raise InputError("atol must be positive")
    budget = positive_int(max_evaluations, "max_evaluations")
    calls = [0]

    def counted(s: float, state: FloatArray) -> FloatArray:
        calls[0] += 1
        if calls[0] > budget:
            where = "" if certificate is None else f"; the certificate is {certificate(s, state):.3e}"
            goal = "" if tol is None else f" (asked for {tol / 2:.1e}: it may be below the rounding floor of the state)"
            raise NotConverged(f"{what}: {budget} evaluations of the right-hand side reached only t = {s:.3e} of "
                               f"{t[-1]:.3e}{where}{goal}")
        velocity = rhs(s, state)
        if not np.all(np.isfinite(velocity)):
            raise DivergenceError(f"{what}: the right-hand side is not finite at t = {s:.3e} (the state left the "
                                  "region where the flow is defined)")
        return velocity

    rtol = positive(rtol, "rtol")
    with np.errstate(over="raise", invalid="raise"):
        try:
            sol = solve_ivp(counted, (0.0, float(t[-1])), y0, t_eval=t, method=method, rtol=rtol,
                            atol=atol_arr if atol_arr.ndim else float(atol_arr), events=events, **options)
        except FloatingPointError as exc:
            raise DivergenceError(f"{what} overflowed ({exc}): the state left every bounded region; a smaller "
                                  "scale or a shorter horizon may stay in range") from exc
    if sol.status == -1:
        raise NotConverged(f"solve_ivp ({method}) failed on {what}: {sol.message}")
    states, stamps = [*sol.y.T], [*sol.t]
    if sol.status == 1:  # stopped by the certificate
        states.append(sol.y_events[0][0])
        stamps.append(sol.t_events[0][0])
    return np.array(states), np.array(stamps), sol.status == 1


def gradient_descent(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
    check_every: int = 1,
) -> Trajectory:
    r"""Gradient descent :math:`\theta_{k+1} = \theta_k - \eta\nabla R(\theta_k)`.

    Stable for a quadratic iff :math:`0 < \eta < 2/L`; beyond that it raises
    :class:`~ibcore.errors.DivergenceError`. ``check_every`` evaluates the certificate
    (and the divergence test) only every so many steps, for long runs. On the square loss from
    :math:`\theta_0` its limit is the least-squares solution closest to :math:`\theta_0`
    (:func:`ibcore.limits.least_squares_limit`).

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.

    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the certificate); ``None`` runs exactly
        ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps (the initial and final iterates are always recorded); ``None``
        records only those two.
    check_every : int, default 1
        Evaluate the certificate and the divergence test every so many steps (an overflow in
        between still raises).

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` (:meth:`~ibcore.losses.Loss.check_theta`), ``step`` or ``tol`` is not finite
        and positive, ``max_iter``, ``record_every`` or ``check_every`` is not a positive integer, or the loss or its
        gradient overflows at ``theta0``.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its starting value (at least 1), or an
        iterate overflows; the message compares the step with the stability bound.
    NotConverged
        If ``tol`` is set and :math:`\|\nabla R\|\le` ``tol`` is not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])    # L = 1/2
    >>> run = ib.algorithms.gradient_descent(loss, np.zeros(2), step=1.0)
    >>> print(np.round(run.final, 9), run.converged)
    [1. 2.] True
    >>> early = ib.algorithms.gradient_descent(loss, np.zeros(2), step=1.0, tol=None, max_iter=3)
    >>> print(early.final, early.converged)                    # the error halves at each step
    [0.875 1.75 ] False
    """
    theta0 = _loss(loss, "gradient_descent").check_theta(theta0)
    step = positive(step, "step")
    return _run(
        loss, theta0, lambda k, th: th - step * loss.grad(th), method="gradient descent",
        tol=tol, max_iter=max_iter, record_every=record_every, stability_hint=_gd_hint(loss, step),
        check_every=positive_int(check_every, "check_every"),
    )


def preconditioned_gd(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    preconditioner: ArrayLike,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
) -> Trajectory:
    r"""GD with a fixed diagonal preconditioner: :math:`\theta_{k+1} = \theta_k - \eta P \nabla R(\theta_k)`.

    ``preconditioner`` is the diagonal of :math:`P` (positive entries). Iterates stay in
    :math:`\theta_0 + P\,\mathrm{range}(X^\top)`, so the limit is the interpolator closest to
    :math:`\theta_0` in the norm :math:`\|v\|_{P^{-1}}^2 = v^\top P^{-1} v`
    (Gunasekar et al. 2018; :func:`ibcore.programs.weighted_min_norm_interpolator` with weights
    :math:`1/P`). Stable iff :math:`\eta < 2/\lambda_{\max}(P^{1/2}X^\top X P^{1/2}/n)`.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.
    preconditioner : array_like of shape (d,)
        The diagonal of :math:`P`, positive.
    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the certificate); ``None`` runs exactly
        ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps (the initial and final iterates are always recorded); ``None``
        records only those two.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` (:meth:`~ibcore.losses.Loss.check_theta`), ``step`` or ``tol`` is not finite
        and positive, ``max_iter`` or ``record_every`` is not a positive integer, or the loss or its
        gradient overflows at ``theta0``, or ``preconditioner`` is not ``d``
        positive numbers.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its starting value (at least 1), or an
        iterate overflows; the message compares the step with the stability bound.
    NotConverged
        If ``tol`` is set and :math:`\|\nabla R\|\le` ``tol`` is not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 1.0, 0.0]], [1.0])
    >>> run = ib.algorithms.preconditioned_gd(loss, np.zeros(3), step=0.25, preconditioner=[1.0, 3.0, 1.0])
    >>> print(np.round(run.final, 9))                           # min sum_j theta_j^2 / P_j s.t. X theta = y
    [0.25 0.75 0.  ]
    """
    theta0 = _loss(loss, "preconditioned_gd").check_theta(theta0)
    step = positive(step, "step")
    p = as_float_array(preconditioner, "preconditioner", ndim=1)
    if p.shape != theta0.shape or np.any(p <= 0):
        raise InputError(f"preconditioner must be {theta0.shape[0]} positive numbers (the diagonal of P)")
    root = np.sqrt(p)

    def curvature() -> float:  # lambda_max(P^1/2 H P^1/2), H the Hessian at the start (exact for the square loss)
        return float(np.linalg.eigvalsh(root[:, None] * loss.hessian(theta0) * root[None, :])[-1])

    return _run(
        loss, theta0, lambda k, th: th - step * p * loss.grad(th), method="preconditioned GD",
        tol=tol, max_iter=max_iter, record_every=record_every,
        stability_hint=_gd_hint(loss, step, curvature, name=" of P^1/2 H P^1/2 at theta0"),
    )


def sgd(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    batch_size: int,
    seed: int | np.random.Generator = 0,
    tol: float | None = 1e-10,
    max_iter: int = 1_000_000,
    record_every: int | None = 1,
    check_every: int | None = None,
) -> Trajectory:
    r"""Mini-batch SGD :math:`\theta_{k+1} = \theta_k - \eta\,\frac1b\sum_{i\in B_k}\nabla \ell_i(\theta_k)`.

    Each batch :math:`B_k` is drawn uniformly without replacement, independently across
    steps (ENS notes eq. 2.17). The full gradient — the certificate — is checked once per
    epoch (every ``ceil(n/b)`` steps) unless ``check_every`` says otherwise. On interpolable
    data the gradient noise vanishes at the interpolator, so a constant step converges.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.
    batch_size : int
        The batch size :math:`b`, between 1 and ``loss.n``.
    seed : int or numpy.random.Generator, default 0
        The seed of the batches (or a generator, which is advanced).
    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the full gradient, checked every
        ``check_every`` steps); ``None`` runs exactly ``max_iter`` steps.
    max_iter : int, default 1_000_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps; ``None`` records only the first and the last iterate.
    check_every : int or None, default None
        Evaluate the certificate every so many steps; ``None`` means once per epoch, ``ceil(n/b)``.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` (:meth:`~ibcore.losses.Loss.check_theta`), ``step`` or ``tol`` is not finite
        and positive, ``max_iter`` or ``record_every`` is not a positive integer, or the loss or its
        gradient overflows at ``theta0``; also if ``batch_size`` is not an integer in
        ``[1, n]``, ``check_every`` is not a positive integer or ``seed`` is not a valid seed.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its starting value (at least 1), or an
        iterate overflows; the message compares the step with the stability bound.
    NotConverged
        If ``tol`` is set and :math:`\|\nabla R\|\le` ``tol`` is not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(4, 6, seed=0)             # n < d: interpolable
    >>> loss = ib.losses.square_loss(problem.X, problem.y)
    >>> run = ib.algorithms.sgd(loss, np.zeros(6), step=0.1, batch_size=2, seed=0)
    >>> print(run.converged, bool(np.allclose(run.final, ib.limits.least_squares_limit(problem.X, problem.y))))
    True True
    """
    theta0 = _loss(loss, "sgd").check_theta(theta0)
    step = positive(step, "step")
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > loss.n:
        raise InputError(f"batch_size must be at most n = {loss.n}; got {batch_size}")
    rng = rng_from(seed)
    block = 4096  # batches are drawn in blocks: one vectorised draw instead of one call per step
    pending: list[np.ndarray] = []

    def next_batch() -> np.ndarray:
        if not pending:
            if batch_size == 1:
                pending.extend(rng.integers(loss.n, size=(block, 1))[::-1])
            else:  # the first b entries of independent uniform permutations: b draws without replacement
                rows = rng.permuted(np.tile(np.arange(loss.n), (block, 1)), axis=1)[:, :batch_size]
                pending.extend(rows[::-1])
        return pending.pop()

    def update(k: int, th: FloatArray) -> FloatArray:
        return th - step * loss.batch_grad(th, next_batch())

    return _run(
        loss, theta0, update, method=f"SGD (b={batch_size})", tol=tol, max_iter=max_iter,
        record_every=record_every,
        check_every=(-(-loss.n // batch_size) if check_every is None
                     else positive_int(check_every, "check_every")),
        stability_hint=_gd_hint(loss, step),
    )


def label_noise_gd(
    loss: ReparametrizedLoss | SquareLoss,
    w0: ArrayLike,
    *,
    step: float,
    sigma: float,
    steps: int,
    seed: int | np.random.Generator = 0,
    record_every: int | None = None,
) -> Trajectory:
    r"""Full-batch gradient descent on freshly perturbed labels, :math:`\tilde y = y + \sigma\varepsilon_k`.

    .. math:: w_{k+1} = w_k - \eta\,Dg(w_k)^\top\tfrac1nX^\top\big(Xg(w_k) - y - \sigma\varepsilon_k\big),

    with :math:`\varepsilon_k \in \{\pm1\}^n` uniform and independent across steps: the label-noise SGD of
    Blanc et al. (2020) and Damian, Ma, Lee (2021) with full batches: the
    noise does not vanish at interpolation, unlike the noise of mini-batches. Runs exactly
    ``steps`` steps (there is no certificate to stop on: the iterates fluctuate around the
    interpolators by :math:`O(\sqrt\eta\,\sigma)`).

    Parameters
    ----------
    loss : ReparametrizedLoss or SquareLoss
        A model of the square loss (:func:`ibcore.parametrizations.reparametrized`), or a square loss.
    w0 : array_like of shape (p,)
        The initialisation of the parameters.
    step : float
        The step size :math:`\eta > 0`.
    sigma : float
        The label-noise level :math:`\sigma \ge 0` (0 is plain gradient descent).
    steps : int
        The number of steps.
    seed : int or numpy.random.Generator, default 0
        The seed of the label noise.
    record_every : int or None, default None
        Record every so many steps; ``None`` records the first and the last iterate.

    Returns
    -------
    Trajectory
        The run, with ``converged`` False; ``losses`` are those of the clean labels.

    Raises
    ------
    InputError
        If ``loss`` is not a model of the square loss, or an argument is out of range.
    DivergenceError
        If the loss of the clean labels grows beyond :data:`DIVERGENCE_FACTOR` times its start.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> model = ib.parametrizations.reparametrized(ib.losses.square_loss([[1.0, 1.0]], [1.0]),
    ...                                            ib.parametrizations.product(2))
    >>> run = ib.algorithms.label_noise_gd(model, [2.0, 0.5, 0.5, 2.0], step=0.1, sigma=0.5, steps=3000)
    >>> u, v = np.split(run.final, 2)
    >>> print(np.round(u * v, 1), bool(np.all(np.abs(u - v) < 0.5)))   # near u = v: the flattest
    [0.5 0.5] True
    """
    if isinstance(loss, SquareLoss):
        loss = reparametrized(loss, identity(loss.d))
    if not isinstance(loss, ReparametrizedLoss) or not isinstance(loss.loss, SquareLoss):
        raise InputError("label_noise_gd perturbs the labels of a square loss: give square_loss(X, y) or "
                         f"reparametrized(square_loss(X, y), param); got {type(loss).__name__}")
    w = loss.check_theta(w0)
    step = positive(step, "step")
    sigma = positive(sigma, "sigma", allow_zero=True)
    steps = positive_int(steps, "steps")
    rng = rng_from(seed)
    X, n, param = loss.loss.X, loss.n, loss.param
    block = 1024  # the signs are drawn in blocks of steps: one vectorised draw instead of one per step
    pending: list[np.ndarray] = []

    def update(k: int, w: FloatArray) -> FloatArray:
        if not pending:
            pending.extend((X.T @ rng.choice([-sigma, sigma], size=(n, block)) / n).T[::-1])
        u, v = param._halves(w)
        return w - step * param._pullback(u, v, loss.loss.grad(param._map(u, v)) - pending.pop())

    return _run(loss, w, update, method=f"label-noise GD (sigma={sigma:g})", tol=None, max_iter=steps,
                record_every=record_every, check_every=max(1, steps // 100), stability_hint=lambda: "")


def _momentum_method(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    momentum: float,
    nesterov: bool,
    tol: float | None,
    max_iter: int,
    record_every: int | None,
) -> Trajectory:
    theta0 = _loss(loss, "heavy_ball" if not nesterov else "nesterov").check_theta(theta0)
    step = positive(step, "step")
    momentum = positive(momentum, "momentum", allow_zero=True)
    if momentum >= 1:
        raise InputError(f"momentum must be in [0, 1); got {momentum}")
    previous = [theta0.copy()]

    def update(k: int, th: FloatArray) -> FloatArray:
        velocity = momentum * (th - previous[0])
        previous[0] = th
        if nesterov:
            z = th + velocity
            return z - step * loss.grad(z)
        return th - step * loss.grad(th) + velocity

    name = "Nesterov" if nesterov else "heavy ball"
    # On a quadratic, heavy ball is stable iff step < 2(1 + beta)/L, Nesterov iff step < (2 + 2 beta)/((1 + 2 beta) L).
    factor = 2 * (1 + momentum) / (1 if not nesterov else 1 + 2 * momentum)
    return _run(
        loss, theta0, update, method=name, tol=tol, max_iter=max_iter, record_every=record_every,
        stability_hint=_gd_hint(loss, step, factor=factor, name=f" of {name} with momentum {momentum}"),
    )


def heavy_ball(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    momentum: float = 0.9,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
) -> Trajectory:
    r"""Polyak's heavy ball (1964).

    .. math:: \theta_{k+1} = \theta_k - \eta\nabla R(\theta_k) + \beta(\theta_k - \theta_{k-1}),

    with :math:`\theta_{-1} = \theta_0`. On a quadratic it is stable iff :math:`\eta < 2(1+\beta)/L`.
    The momentum term is a combination of past gradients, so on the square loss the iterates stay in
    :math:`\theta_0 + \mathrm{range}(X^\top)` and the limit is that of gradient descent.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.
    momentum : float, default 0.9
        The momentum :math:`\beta\in[0, 1)`.
    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the certificate); ``None`` runs exactly
        ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps (the initial and final iterates are always recorded); ``None``
        records only those two.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` (:meth:`~ibcore.losses.Loss.check_theta`), ``step`` or ``tol`` is not finite
        and positive, ``max_iter`` or ``record_every`` is not a positive integer, or the loss or its
        gradient overflows at ``theta0``, or ``momentum`` is not in :math:`[0, 1)`.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its starting value (at least 1), or an
        iterate overflows; the message compares the step with the stability bound.
    NotConverged
        If ``tol`` is set and :math:`\|\nabla R\|\le` ``tol`` is not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
    >>> run = ib.algorithms.heavy_ball(loss, np.zeros(2), step=1.0, momentum=0.5)
    >>> print(np.round(run.final, 9), run.converged)
    [1. 2.] True
    """
    return _momentum_method(loss, theta0, step=step, momentum=momentum, nesterov=False,
                            tol=tol, max_iter=max_iter, record_every=record_every)


def nesterov(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    momentum: float = 0.9,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
) -> Trajectory:
    r"""Nesterov's method with constant momentum :math:`\beta`.

    .. math:: z_k = \theta_k + \beta(\theta_k - \theta_{k-1}), \qquad
              \theta_{k+1} = z_k - \eta\nabla R(z_k),

    with :math:`\theta_{-1} = \theta_0`. On a quadratic it is stable iff
    :math:`\eta < (2 + 2\beta)/((1 + 2\beta)L)`. The certificate is the gradient at :math:`\theta_k`.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.
    momentum : float, default 0.9
        The momentum :math:`\beta\in[0, 1)`.
    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the certificate); ``None`` runs exactly
        ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps (the initial and final iterates are always recorded); ``None``
        records only those two.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` (:meth:`~ibcore.losses.Loss.check_theta`), ``step`` or ``tol`` is not finite
        and positive, ``max_iter`` or ``record_every`` is not a positive integer, or the loss or its
        gradient overflows at ``theta0``, or ``momentum`` is not in :math:`[0, 1)`.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its starting value (at least 1), or an
        iterate overflows; the message compares the step with the stability bound.
    NotConverged
        If ``tol`` is set and :math:`\|\nabla R\|\le` ``tol`` is not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
    >>> run = ib.algorithms.nesterov(loss, np.zeros(2), step=1.0, momentum=0.5)
    >>> print(np.round(run.final, 9), run.converged)
    [1. 2.] True
    """
    return _momentum_method(loss, theta0, step=step, momentum=momentum, nesterov=True,
                            tol=tol, max_iter=max_iter, record_every=record_every)


def adagrad(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    eps: float = 1e-12,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
) -> Trajectory:
    r"""Diagonal AdaGrad (Duchi, Hazan, Singer 2011).

    .. math:: G_k = \sum_{s\le k} g_s \odot g_s, \qquad
              \theta_{k+1} = \theta_k - \eta\, g_k / (\sqrt{G_k} + \epsilon).

    The preconditioner depends on the path, so the iterates leave
    :math:`\theta_0 + \mathrm{range}(X^\top)`: the span argument no longer applies.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.
    eps : float, default 1e-12
        The regularisation :math:`\epsilon > 0` of the denominator.
    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the certificate); ``None`` runs exactly
        ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps (the initial and final iterates are always recorded); ``None``
        records only those two.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` (:meth:`~ibcore.losses.Loss.check_theta`), ``step`` or ``tol`` is not finite
        and positive, ``max_iter`` or ``record_every`` is not a positive integer, or the loss or its
        gradient overflows at ``theta0``, or ``eps`` is not finite and positive.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its starting value (at least 1), or an
        iterate overflows; the message compares the step with the stability bound.
    NotConverged
        If ``tol`` is set and :math:`\|\nabla R\|\le` ``tol`` is not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 1.0, 0.0]], [1.0])
    >>> run = ib.algorithms.adagrad(loss, np.zeros(3), step=0.5)
    >>> print(np.round(run.final, 9), int(run.n_steps))        # the first step lands on an interpolator
    [0.5 0.5 0. ] 1
    """
    theta0 = _loss(loss, "adagrad").check_theta(theta0)
    step = positive(step, "step")
    eps = positive(eps, "eps")
    accumulated = [np.zeros_like(theta0)]

    def update(k: int, th: FloatArray) -> FloatArray:
        g = loss.grad(th)
        accumulated[0] = accumulated[0] + g * g
        return th - step * g / (np.sqrt(accumulated[0]) + eps)

    return _run(loss, theta0, update, method="AdaGrad", tol=tol, max_iter=max_iter,
                record_every=record_every, stability_hint=lambda: f"AdaGrad step {step:.3g} is too large.")


def _ista(loss: Loss, theta: FloatArray, step: float, lam: float) -> FloatArray:
    z = theta - step * loss.grad(theta)
    return np.sign(z) * np.maximum(np.abs(z) - step * lam, 0.0)


def ista_step(loss: Loss, theta: ArrayLike, *, step: float, l1: float) -> FloatArray:
    r"""One proximal-gradient step :math:`S_{\eta\lambda}(\theta - \eta\nabla R(\theta))` (:func:`proximal_gradient`).

    Its point :math:`\theta^+` satisfies :math:`\mathrm{dist}(0, \partial F(\theta^+))\le(1 + \eta L)\,G`
    for :math:`F = R + \lambda\|\cdot\|_1`, with :math:`G = \|\theta - \theta^+\|/\eta` the gradient mapping
    and :math:`L` the smoothness of :math:`R` (since :math:`(\theta - \theta^+)/\eta - \nabla R(\theta) +
    \nabla R(\theta^+)\in\partial F(\theta^+)`): the certificate that
    :func:`ibcore.programs.lasso_distance_bound` turns into a distance.

    Parameters
    ----------
    loss : Loss
        The smooth part :math:`R`.
    theta : array_like of shape (d,)
        The point :math:`\theta`.
    step : float
        The step size :math:`\eta > 0`.
    l1 : float
        The weight :math:`\lambda\ge 0` of the :math:`\ell_1` penalty.

    Returns
    -------
    ndarray of shape (d,)
        :math:`\theta^+ = S_{\eta\lambda}(\theta - \eta\nabla R(\theta))`.

    Raises
    ------
    InputError
        If ``theta`` is not a finite real vector of length ``loss.d``, ``step`` is not finite and
        positive, or ``l1`` is negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
    >>> print(ib.algorithms.ista_step(loss, np.zeros(2), step=2.0, l1=0.25))   # S_0.5((1, 2))
    [0.5 1.5]
    """
    return _ista(loss, loss.check_theta(theta, "theta"), positive(step, "step"), positive(l1, "l1", allow_zero=True))


def proximal_gradient(
    loss: Loss,
    theta0: ArrayLike,
    *,
    step: float,
    l1: float,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
) -> Trajectory:
    r"""Proximal gradient (ISTA) on :math:`R(\theta) + \lambda\|\theta\|_1` (``l1`` is :math:`\lambda`).

    .. math:: \theta_{k+1} = S_{\eta\lambda}\big(\theta_k - \eta\nabla R(\theta_k)\big),\qquad
              S_\tau(z) = \mathrm{sign}(z)\max(|z| - \tau, 0).

    The identity parameterisation trained with an :math:`\ell_1` penalty: the "linear" control arm
    of Jacobs, Zhou & Burkholz (2025). Stable for :math:`\eta < 2/L`; the certificate is the
    norm of the gradient mapping :math:`\|\theta_k - \theta_{k+1}\|/\eta`, which is what ``grad_norm``
    holds, and ``losses`` records :math:`R + \lambda\|\cdot\|_1`. Its limit is the lasso minimiser
    (:func:`ibcore.programs.lasso`, :func:`ibcore.limits.lasso_path`).

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`: a square loss, a parameterised model (then ``theta0`` is the parameter
        vector :math:`w_0`) or a classification loss.
    theta0 : array_like of shape (d,)
        The initialisation.
    step : float
        The step size :math:`\eta > 0`.
    l1 : float
        The weight :math:`\lambda\ge 0` of the penalty.
    tol : float or None, default 1e-10
        Stop once the gradient mapping has norm at most ``tol``; ``None`` runs exactly ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps; ``None`` records only the first and the last iterate.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        As :func:`gradient_descent`, and if ``l1`` is negative or not finite.
    DivergenceError
        If the penalised objective grows beyond :data:`DIVERGENCE_FACTOR` times its start, or an iterate overflows.
    NotConverged
        If ``tol`` is set and not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])    # the lasso minimiser is S_{n lambda}(y)
    >>> print(ib.algorithms.proximal_gradient(loss, np.zeros(2), step=2.0, l1=0.25).final)
    [0.5 1.5]
    """
    theta0 = _loss(loss, "proximal_gradient").check_theta(theta0)
    step = positive(step, "step")
    lam = positive(l1, "l1", allow_zero=True)

    def update(k: int, th: FloatArray) -> FloatArray:
        return _ista(loss, th, step, lam)

    class _Mapped:  # the certificate of _run, ||grad||, becomes the gradient mapping
        n, d = loss.n, loss.d

        @staticmethod
        def value(th: FloatArray) -> float:
            return loss.value(th) + lam * float(np.sum(np.abs(th)))

        @staticmethod
        def grad(th: FloatArray) -> FloatArray:
            return (th - update(0, th)) / step

    return _run(_Mapped, theta0, update, method="proximal gradient (ISTA)", tol=tol, max_iter=max_iter,
                record_every=record_every, stability_hint=_gd_hint(loss, step))


def gradient_flow(
    loss: Loss,
    theta0: ArrayLike,
    times: ArrayLike,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str | None = None,
) -> Trajectory:
    r"""Gradient flow :math:`\dot\theta(t) = -\nabla R(\theta(t))`, :math:`\theta(0)=\theta_0`.

    Integrated with ``scipy.integrate.solve_ivp`` (adaptive, error-controlled with ``rtol``
    and ``atol``) and recorded at ``times`` (increasing, starting at 0 or later).
    ``converged`` is not set by a flow: read ``grad_norm`` at the final time. On the square loss
    the flow has a closed form, :func:`ibcore.limits.least_squares_flow`.

    The default (``method=None``) is ``RK45``, which tracks the closed-form flow to a few
    ``rtol`` at the recorded times (scipy's ``DOP853`` dense output was measured to be off by
    ``~100 rtol`` on the same linear flows), except on long horizons: an explicit method needs
    steps of order :math:`1/L`, so once :math:`L\,t_{\max} >` :data:`STIFF_HORIZON` (or when the
    loss has no global :math:`L`, beyond :math:`t_{\max} >` :data:`STIFF_HORIZON`) it is ``LSODA``
    with the exact Jacobian :math:`-\nabla^2 R`, which steps over the fast directions once they
    have relaxed.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`.
    theta0 : array_like of shape (d,)
        The initialisation.
    times : array_like of shape (k,)
        The recording times, non-negative and strictly increasing.
    rtol : float, default 1e-10
        The relative tolerance of the integrator.
    atol : float, default 1e-12
        Its absolute tolerance.
    method : str or None, default None
        A ``solve_ivp`` method; ``None`` chooses ``RK45`` or ``LSODA`` as above.

    Returns
    -------
    Trajectory
        The flow at ``times``; ``n_steps`` is the final time, ``converged`` is ``False``.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d``, ``times`` is not non-negative and strictly increasing, or ``rtol`` or
        ``atol`` is not positive.
    NotConverged
        If the integrator fails or needs more than 50 000 evaluations of the gradient.
    DivergenceError
        If the state overflows.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])    # theta(t) = (1 - e^{-t/2}) y
    >>> run = ib.algorithms.gradient_flow(loss, np.zeros(2), [0.0, 2.0, 20.0])
    >>> print(np.round(run.iterates, 6), run.method)
    [[0.       0.      ]
     [0.632121 1.264241]
     [0.999955 1.999909]] gradient flow (RK45)
    """
    theta0 = _loss(loss, "gradient_flow").check_theta(theta0)
    t_max = float(as_float_array(times, "times", ndim=1)[-1])
    if method is None:
        scale = loss.smoothness
        method = "LSODA" if t_max * (1.0 if scale is None else scale) > STIFF_HORIZON else "RK45"
    iterates, t, _ = integrate_certified(lambda _, th: -loss.grad(th), theta0, times, method=method,
                                         rtol=rtol, atol=atol, what="the gradient flow",
                                         jac=lambda _, th: -loss.hessian(th))
    final = iterates[-1]
    return Trajectory(
        method=f"gradient flow ({method})",
        times=frozen(t),
        iterates=frozen(iterates),
        losses=frozen([loss.value(th) for th in iterates]),
        final=frozen(final),
        grad_norm=float(np.linalg.norm(loss.grad(final))),
        n_steps=float(t[-1]),
        converged=False,
    )


def parameter_flow(
    loss: ReparametrizedLoss | SquareLoss,
    w0: ArrayLike,
    times: ArrayLike,
    *,
    tol: float | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-13,
    method: str = "LSODA",
) -> Trajectory:
    r"""Gradient flow :math:`\dot w = -\nabla F(w) = -Dg(w)^\top\nabla R(g(w))` on the parameters of a model.

    This trains the network itself: it uses only the parameterisation :math:`\theta = g(w)`
    and its chain rule, never a mirror potential. Two choices make it fast and accurate where
    the flow is stiff (tiny :math:`\alpha`, horizons of :math:`10^{10}` and more) or
    ill-conditioned (large :math:`\alpha`, where :math:`\theta` is a small difference of
    large numbers):

    - for a :attr:`~ibcore.parametrizations.Parametrization.sign_preserving` parameterisation the
      state is the log-displacement :math:`s = \log(w/w_0)`, with
      :math:`\dot s = -\nabla F(w)/w` and :math:`\theta` from
      :meth:`~ibcore.parametrizations.Parametrization.theta_displaced`; otherwise it is :math:`w`;
    - LSODA (or another implicit method) gets the exact Jacobian, from the Hessian
      :math:`\nabla^2F = Dg^\top\hat\Sigma Dg + \sum_j(\nabla R)_j\nabla^2\theta_j`.

    ``atol`` is the absolute accuracy asked of :math:`\theta`; it is converted per parameter.
    With ``tol`` the integration stops as soon as :math:`\|\nabla R(\theta)\|\le` ``tol``/2 (the
    certificate; ``converged``). Returns a :class:`Trajectory` of parameters with the predictors
    in ``predictors`` and :math:`\|\nabla R(\theta)\|` at the end in ``grad_norm``.

    Parameters
    ----------
    loss : ReparametrizedLoss or SquareLoss
        A model of the square loss, built by :func:`ibcore.parametrizations.reparametrized`; a plain
        :class:`~ibcore.losses.SquareLoss` trains the identity parameterisation.
    w0 : array_like of shape (p,)
        The initialisation of the parameters; for a sign-preserving parameterisation, no entry may be 0.
    times : array_like of shape (k,)
        The recording times, non-negative and strictly increasing.
    tol : float, optional
        Stop once :math:`\|\nabla R(\theta)\|\le` ``tol``/2.
    rtol : float, default 1e-8
        The relative tolerance of the integrator.
    atol : float, default 1e-13
        The absolute accuracy asked of :math:`\theta`.
    method : str, default "LSODA"
        A ``solve_ivp`` method.

    Returns
    -------
    Trajectory
        ``iterates`` the parameters, ``predictors`` the predictors, ``error_bound``
        :math:`2\kappa\|X\theta - y\|` with :math:`\kappa` from the tangent kernel
        :meth:`~ibcore.parametrizations.Parametrization.metric` at the end.

    Raises
    ------
    InputError
        If ``loss`` is not a square loss or a model of one, ``w0`` is not a finite real vector of
        length :math:`p` in the domain of :math:`g`, a parameter of a sign-preserving
        parameterisation starts at 0, or ``times``, ``tol``, ``rtol`` or ``atol`` is invalid.
    NotConverged
        If the integrator fails or needs more than 50 000 evaluations.
    DivergenceError
        If the state overflows.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
    >>> model = ib.parametrizations.reparametrized(loss, ib.parametrizations.signed_square(2))
    >>> run = ib.algorithms.parameter_flow(model, model.param.init(0.01), [0.0, 1e5], tol=1e-10)
    >>> limit = ib.limits.q_alpha_limit(loss.X, loss.y, 0.01)             # Woodworth et al.: Q_alpha
    >>> print(run.converged, np.round(run.final_predictor, 4), bool(np.allclose(run.final_predictor, limit)))
    True [0.995 0.01 ] True
    """
    if isinstance(loss, SquareLoss):  # a plain square loss: the model theta = w
        loss = reparametrized(loss, identity(loss.d))
    if not isinstance(loss, ReparametrizedLoss) or not isinstance(loss.loss, SquareLoss):
        raise InputError("parameter_flow trains a parameterised model of the square loss (its certificate and "
                         "error bound are the square loss's): build it with ibcore.parametrizations.reparametrized("
                         f"square_loss, param); got {type(loss).__name__}"
                         + (f" of {type(loss.loss).__name__}" if isinstance(loss, ReparametrizedLoss) else ""))
    w0 = loss.check_theta(w0)
    param, base = loss.param, loss.loss
    log_coordinates = param.sign_preserving
    if log_coordinates and np.any(w0 == 0):
        raise InputError("parameter_flow: a parameter that starts at 0 stays at 0 under this flow; start every "
                         "coordinate away from 0")
    atol = positive(atol, "atol")

    u0, v0 = param._halves(w0)

    def state_to_w(state: FloatArray) -> FloatArray:
        return w0 * np.exp(state) if log_coordinates else state

    def theta_of(state: FloatArray) -> FloatArray:  # the inner loop: validated once, here, not per call
        if log_coordinates:
            return param._displaced(u0, v0, *param._halves(state))
        return param._map(*param._halves(state))

    # implicit methods probe trial states far outside the path; saturate them (rejected anyway) where
    # w^order, its gradient and its Hessian stay far from overflow
    limit = 120.0 / param.order
    gram = base.X.T @ base.X / base.n
    blocks = 1 if param.p == param.d else 2
    gram_p = np.tile(gram, (blocks, blocks))  # Sigma_hat between the coordinates of two parameters

    def trial(state: FloatArray) -> FloatArray:
        return np.clip(state, -limit, limit) if log_coordinates else state

    def rhs(_: float, state: FloatArray) -> FloatArray:
        s_ = trial(state)
        w = state_to_w(s_)
        grad_w = param._pullback(*param._halves(w), base.grad(theta_of(s_)))
        return -grad_w / w if log_coordinates else -grad_w

    def jac(_: float, state: FloatArray) -> FloatArray:
        s_ = trial(state)
        w = state_to_w(s_)
        if not log_coordinates:
            return -loss.hessian(w)
        # diagonal parameterisations: Hessian of F = (e e^T) * Sigma_hat + diag(curvature), e = dtheta/dw
        g = base.grad(theta_of(s_))
        e = param.vjp(w, np.ones(param.d))
        curvature = np.diagonal(param.curvature(w, g))
        out = -((e / w)[:, None] * gram_p) * (e * w)[None, :]
        out[np.diag_indices_from(out)] += (param.vjp(w, g) - curvature * w) / w
        return out

    def certificate(_: float, state: FloatArray) -> float:
        return float(np.linalg.norm(base.grad(theta_of(trial(state)))))

    if log_coordinates:
        gain = np.abs(w0 * param.vjp(w0, np.ones(param.d)))  # |d theta / d s| at the start
        y0, atol_vec = np.zeros_like(w0), atol / np.maximum(gain, 1.0)
    else:
        y0, atol_vec = w0.copy(), np.full_like(w0, atol)
    states, stamps, certified = integrate_certified(rhs, y0, times, method=method, rtol=rtol, atol=atol_vec,
                                                    what="the parameter flow", jac=jac, certificate=certificate,
                                                    tol=tol)
    ws = np.array([state_to_w(st) for st in states])
    thetas = np.array([theta_of(st) for st in states])
    grad_norm = float(np.linalg.norm(base.grad(thetas[-1])))
    return Trajectory(
        method=f"parameter flow ({method}{', log coordinates' if log_coordinates else ''})",
        times=frozen(stamps),
        iterates=frozen(ws),
        losses=frozen([base.value(th) for th in thetas]),
        final=frozen(ws[-1]),
        grad_norm=grad_norm,
        n_steps=float(stamps[-1]),
        converged=bool(certified and tol is not None and grad_norm <= tol),
        predictors=frozen(thetas),
        error_bound=2 * sensitivity(base.X, param.metric(ws[-1])) * float(np.linalg.norm(base.residual(thetas[-1]))),
    )


def mirror_descent(
    loss: Loss,
    potential: Potential,
    theta0: ArrayLike,
    *,
    step: float,
    tol: float | None = 1e-10,
    max_iter: int = 100_000,
    record_every: int | None = 1,
) -> Trajectory:
    r"""Mirror descent :math:`\nabla\psi(\theta_{k+1}) = \nabla\psi(\theta_k) - \eta\nabla R(\theta_k)`.

    The dual iterate :math:`z_k = \nabla\psi(\theta_k)` is the state (so no round trip
    through :math:`\nabla\psi` accumulates error); :math:`\theta_k = \nabla\psi^{-1}(z_k)`. Since
    :math:`z_k - z_0\in\mathrm{range}(X^\top)` at every step, a limit that interpolates is
    :math:`\arg\min D_\psi(\theta,\theta_0)` over interpolators *at any step size*
    (Chizat, Lecture 10, Theorem 3.1 and its footnote).

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`.
    potential : Potential
        The mirror potential :math:`\psi`.
    theta0 : array_like of shape (d,)
        The initialisation, in the domain of :math:`\psi`.
    step : float
        The step size :math:`\eta > 0`.
    tol : float or None, default 1e-10
        Stop once :math:`\|\nabla R(\theta_k)\|\le` ``tol`` (the certificate); ``None`` runs exactly
        ``max_iter`` steps.
    max_iter : int, default 100_000
        The largest number of steps.
    record_every : int or None, default 1
        Record every so many steps (the initial and final iterates are always recorded); ``None``
        records only those two.

    Returns
    -------
    Trajectory
        The recorded run; ``converged`` says whether it stopped on the certificate.

    Raises
    ------
    InputError
        As :func:`gradient_descent`, and if ``theta0`` lies outside the domain of :math:`\psi`.
    DivergenceError
        If the loss grows beyond :data:`DIVERGENCE_FACTOR` times its start, an iterate overflows, or a
        dual iterate leaves the range on which :meth:`~ibcore.potentials.Potential.grad_inv` is defined.
    NotConverged
        If ``tol`` is set and not reached within ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
    >>> psi = ib.potentials.diagonal_potential(0.5)
    >>> run = ib.algorithms.mirror_descent(loss, psi, np.zeros(2), step=0.1)
    >>> print(run.converged, bool(np.allclose(run.final, ib.limits.q_alpha_limit(loss.X, loss.y, 0.5))))
    True True
    """
    theta0 = _loss(loss, "mirror_descent").check_theta(theta0)
    _potential(potential, "mirror_descent")
    step = positive(step, "step")
    dual = [potential.grad(theta0)]

    def update(k: int, th: FloatArray) -> FloatArray:
        dual[0] = dual[0] - step * loss.grad(th)
        return potential.grad_inv(dual[0])

    return _run(loss, theta0, update, method="mirror descent", tol=tol, max_iter=max_iter,
                record_every=record_every, stability_hint=lambda: f"Mirror-descent step {step:.3g} is too large.")


def mirror_flow(
    loss: Loss,
    potential: Potential,
    theta0: ArrayLike,
    times: ArrayLike,
    *,
    tol: float | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str = "LSODA",
) -> Trajectory:
    r"""Mirror flow :math:`\frac{d}{dt}\nabla\psi(\theta(t)) = -\nabla R(\theta(t))`, integrated in dual coordinates.

    For the square loss :math:`\nabla R(\theta) = X^\top(X\theta-y)/n`, so
    :math:`\nabla\psi(\theta(t)) = \nabla\psi(\theta_0) + X^\top\nu(t)` with the
    :math:`n`-dimensional state

    .. math:: \dot\nu = -\tfrac1n\big(X\nabla\psi^{-1}(\nabla\psi(\theta_0) + X^\top\nu) - y\big),\quad \nu(0)=0,

    which is what ``solve_ivp`` integrates: the iterates stay exactly in the
    set that defines the limit, and the state is well scaled whatever the potential. Near
    convergence this system is stiff (the dual Hessian :math:`XHX^\top` has eigenvalues of
    very different sizes when some :math:`\theta_j` are tiny), so the default is LSODA with
    the exact Jacobian :math:`-XHX^\top/n`. With ``tol`` the integration stops as soon as
    :math:`\|\nabla R(\theta)\| \le` ``tol``/2 (``converged``); otherwise it runs to ``times[-1]``.

    Any other :class:`~ibcore.losses.Loss` is integrated in the :math:`d`-dimensional dual
    coordinate :math:`z = \nabla\psi(\theta)` itself, :math:`\dot z = -\nabla F(\nabla\psi^{-1}(z))`,
    with the Jacobian :math:`-\nabla^2F\,(\nabla^2\psi)^{-1}`; its ``error_bound`` is ``None``.

    Parameters
    ----------
    loss : Loss
        The loss :math:`R`.
    potential : Potential
        The mirror potential :math:`\psi`.
    theta0 : array_like of shape (d,)
        The initialisation, in the domain of :math:`\psi`.
    times : array_like of shape (k,)
        The recording times, non-negative and strictly increasing.
    tol : float, optional
        Stop once :math:`\|\nabla R(\theta)\|\le` ``tol``/2.
    rtol : float, default 1e-10
        The relative tolerance of the integrator.
    atol : float, default 1e-12
        Its absolute tolerance (on :math:`\nu`, or on :math:`z`).
    method : str, default "LSODA"
        A ``solve_ivp`` method.

    Returns
    -------
    Trajectory
        The flow in :math:`\theta`; for the square loss ``error_bound`` is
        :math:`2\kappa\|X\theta - y\|` with :math:`\kappa` from :math:`(\nabla^2\psi)^{-1}` at the end
        (:func:`ibcore.limits.sensitivity`).

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``theta0`` is not a finite real vector of
        length ``loss.d`` in the domain of :math:`\psi`, or ``times``, ``tol``, ``rtol`` or ``atol`` is invalid.
    NotConverged
        If the integrator fails or needs more than 50 000 evaluations.
    DivergenceError
        If the state overflows, or a recorded dual state leaves the range of :math:`\nabla\psi`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
    >>> run = ib.algorithms.mirror_flow(loss, ib.potentials.diagonal_potential(0.01), np.zeros(2), [0.0, 1e5],
    ...                                 tol=1e-10)
    >>> print(run.converged, np.round(run.final, 4), run.error_bound < 1e-9)
    True [0.995 0.01 ] True
    """
    theta0 = _loss(loss, "mirror_flow").check_theta(theta0)
    _potential(potential, "mirror_flow")
    z0 = potential.grad(theta0)
    limit = MAX_DUAL_ARGUMENT * np.broadcast_to(potential.dual_scale(), theta0.shape)
    if not isinstance(loss, SquareLoss):
        return _mirror_flow_in_z(loss, potential, z0, limit, times, tol=tol, rtol=rtol, atol=atol, method=method)
    X, y, n = loss.X, loss.y, loss.n

    def primal(nu: FloatArray) -> FloatArray:
        return potential.grad_inv(z0 + X.T @ nu)

    def trial(nu: FloatArray) -> FloatArray:
        # implicit integrators probe trial states that are later rejected; saturate them
        return potential.grad_inv(np.clip(z0 + X.T @ nu, -limit, limit))

    def rhs(_: float, nu: FloatArray) -> FloatArray:
        return -(X @ trial(nu) - y) / n

    def jac(_: float, nu: FloatArray) -> FloatArray:
        return -(X * potential.hess_inv(trial(nu))) @ X.T / n

    def certificate(_: float, nu: FloatArray) -> float:
        return float(np.linalg.norm(loss.grad(trial(nu))))

    states, stamps, _ = integrate_certified(rhs, np.zeros(n), times, method=method, rtol=rtol, atol=atol,
                                            what="the mirror flow", jac=jac, certificate=certificate, tol=tol)
    iterates = np.array([primal(nu) for nu in states])
    final = iterates[-1]
    grad_norm = float(np.linalg.norm(loss.grad(final)))
    return Trajectory(
        method=f"mirror flow ({method})",
        times=frozen(stamps),
        iterates=frozen(iterates),
        losses=frozen([loss.value(th) for th in iterates]),
        final=frozen(final),
        grad_norm=grad_norm,
        n_steps=float(stamps[-1]),
        converged=bool(tol is not None and grad_norm <= tol),
        error_bound=2 * sensitivity(X, potential.hess_inv(final)) * float(np.linalg.norm(loss.residual(final))),
    )


def _mirror_flow_in_z(loss: Loss, potential: Potential, z0: FloatArray, limit: FloatArray, times: ArrayLike, *,
                      tol: float | None, rtol: float, atol: float, method: str) -> Trajectory:
    """:func:`mirror_flow` of a general loss, with the dual coordinate z as the state."""

    def trial(z: FloatArray) -> FloatArray:
        return potential.grad_inv(np.clip(z, -limit, limit))

    def rhs(_: float, z: FloatArray) -> FloatArray:
        return -loss.grad(trial(z))

    def jac(_: float, z: FloatArray) -> FloatArray:
        theta = trial(z)
        return -loss.hessian(theta) * potential.hess_inv(theta)[None, :]

    def certificate(_: float, z: FloatArray) -> float:
        return float(np.linalg.norm(loss.grad(trial(z))))

    states, stamps, _ = integrate_certified(rhs, z0, times, method=method, rtol=rtol, atol=atol,
                                            what="the mirror flow", jac=jac, certificate=certificate, tol=tol)
    iterates = np.array([potential.grad_inv(z) for z in states])
    grad_norm = float(np.linalg.norm(loss.grad(iterates[-1])))
    return Trajectory(
        method=f"mirror flow ({method}, dual coordinates)",
        times=frozen(stamps),
        iterates=frozen(iterates),
        losses=frozen([loss.value(th) for th in iterates]),
        final=frozen(iterates[-1]),
        grad_norm=grad_norm,
        n_steps=float(stamps[-1]),
        converged=bool(tol is not None and grad_norm <= tol),
    )


def mirror_flow_sweep(
    loss: Loss,
    potentials: list[Potential],
    theta0: ArrayLike,
    *,
    tol: float = 1e-10,
    rtol: float = 1e-6,
    t_max: float = 1e18,
) -> list[Trajectory]:
    r"""The certified limits of the mirror flows of several potentials (e.g. an :math:`\alpha` sweep).

    Each flow is integrated in dual coordinates (:func:`mirror_flow`) until
    :math:`\|\nabla R\|\le` ``tol``. The relative tolerance of the integrator can be loose
    (default ``1e-6``) without costing accuracy of the *limit*: in dual coordinates every
    state is exactly of the form :math:`\nabla\psi^{-1}(\nabla\psi(\theta_0)+X^\top\nu)`, so an
    integration error only moves :math:`\nu` along, and the residual certificate — not the
    trajectory — decides how close the final state is to the limit. (Measured on
    :math:`n=40`, :math:`d=100`, 14 values of :math:`\alpha\in[10^{-10}, 10^3]`: 0.5 s at
    ``rtol=1e-6`` versus 38 s at ``1e-10``, with the same :math:`3\times10^{-10}` error.)

    Parameters
    ----------
    loss : Loss
        The loss :math:`R` (the argument above holds for the square loss).
    potentials : list of Potential
        The potentials, one flow each.
    theta0 : array_like of shape (d,)
        The common initialisation.
    tol : float, default 1e-10
        The certificate each flow must reach.
    rtol : float, default 1e-6
        The relative tolerance of the integrator (``atol`` is ``rtol * 1e-2``).
    t_max : float, default 1e18
        The horizon by which each flow must certify.

    Returns
    -------
    list of Trajectory
        One certified run per potential, in order; each has only its initial and final states.

    Raises
    ------
    NotConverged
        If a flow does not certify by ``t_max`` (or its integrator fails).
    InputError
        As :func:`mirror_flow`.
    DivergenceError
        As :func:`mirror_flow`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
    >>> runs = ib.algorithms.mirror_flow_sweep(loss, [ib.potentials.diagonal_potential(a) for a in (0.01, 10.0)],
    ...                                        np.zeros(2))
    >>> print([np.round(run.final, 4) for run in runs])      # sparse at small alpha, min-l2 (0.8, 0.4) at large
    [array([0.995, 0.01 ]), array([0.8, 0.4])]
    """
    runs = []
    for potential in potentials:
        run = mirror_flow(loss, potential, theta0, [0.0, t_max], tol=tol, rtol=rtol, atol=rtol * 1e-2)
        if not run.converged:
            raise NotConverged(f"mirror flow of {potential!r} did not reach ||grad R|| <= {tol:.1e} by t = {t_max:.1e}")
        runs.append(run)
    return runs
