r"""Explicit regularisation of a parameterised model, and the time-dependent mirror flow it induces.

Gradient flow on the parameters with a scheduled penalty :math:`\lambda_t h(w)`,

.. math:: \dot w = -Dg(w)^\top\nabla R(g(w)) - \lambda_t\nabla h(w),\qquad \theta = g(w),

is, for the pairs :math:`(g, h)` that commute (Jacobs, Zhou & Burkholz 2025, Theorem 3.2 and
Corollary 3.7), a *time-dependent* mirror flow
:math:`\frac{d}{dt}\nabla R_{\Lambda_t}(\theta_t) = -\nabla R(\theta_t)`, where
:math:`\Lambda_t = \int_0^t\lambda_s ds` (:mod:`ibcore.schedules`). For every pair in this
module the time-dependent Legendre function has the same explicit form: it is the
(time-independent) potential of the *unregularised* model started from an **effective
initialisation** :math:`w_{\mathrm{eff}}(\Lambda)`, centred at :math:`g(w_{\mathrm{eff}})`:

.. math:: \nabla R_\Lambda(\theta) = \nabla\psi_{w_{\mathrm{eff}}(\Lambda)}(\theta)
          - \nabla\psi_{w_{\mathrm{eff}}(\Lambda)}\big(g(w_{\mathrm{eff}}(\Lambda))\big).

- :math:`u\odot u`, :math:`u\odot v`, :math:`u\odot u - v\odot v` (quadratic) with weight decay
  ``l2``, :math:`h = \frac12\|w\|^2`: :math:`w_{\mathrm{eff}}(\Lambda) = e^{-\Lambda}w_0`.
- :math:`u^k - v^k`, :math:`k\ge3`, with ``matched``, :math:`h = \sum(u^k+v^k)/k`:
  :math:`w_{\mathrm{eff}}(\Lambda) = (w_0^{2-k} + (k-2)\Lambda)^{1/(2-k)}`.
- :math:`\log u - \log v` with ``matched``, :math:`h = \sum(\log u + \log v)`:
  :math:`w_{\mathrm{eff}}(\Lambda) = \sqrt{w_0^2 - 2\Lambda}` (needs :math:`2\Lambda < \min w_0^2`).

(``matched`` is the penalty :math:`h_{ij} = \pm g_{ij}` of Corollary 3.7; for the quadratic
parameterisations it is weight decay itself.) Weight decay on :math:`u^k - v^k` or on only
some parameters (``mask``) does not commute with :math:`g`: :func:`legendre` refuses it and
:func:`lie_bracket` measures the obstruction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, frozen, positive, vector_of_length
from .algorithms import integrate_certified
from .errors import InputError
from .limits import MirrorLimit, mirror_flow_limit, sensitivity
from .losses import SquareLoss
from .parametrizations import PENALTIES, Parametrization
from .potentials import Potential
from .records import Record
from .schedules import Schedule


def _check_penalty(param: Parametrization, penalty: str, mask: ArrayLike | None) -> FloatArray | None:
    if not isinstance(param, Parametrization):
        raise InputError(f"param must be an ibcore.parametrizations.Parametrization; got {type(param).__name__}")
    if penalty not in PENALTIES:
        raise InputError(f"penalty must be one of {PENALTIES}; got {penalty!r}")
    if mask is None:
        return None
    if penalty != "l2":
        raise InputError("a mask selects which parameters get weight decay; it needs penalty='l2'")
    m = vector_of_length(mask, param.p, "mask")
    if np.any(m < 0):
        raise InputError("mask entries must be >= 0")
    return m


def penalty_gradient(param: Parametrization, w: ArrayLike, *, penalty: str = "l2",
                     mask: ArrayLike | None = None) -> FloatArray:
    r""":math:`\nabla h(w)` of the penalty, with an optional mask.

    ``l2`` gives :math:`m\odot w` (:math:`h = \frac12\sum m_i w_i^2`, ``m`` = ``mask``,
    default all ones); ``matched`` gives :math:`(u^{k-1}, v^{k-1})` for :math:`u^k - v^k` and
    :math:`(1/u, 1/v)` for :math:`\log u - \log v` (module list), and :math:`w` for the
    quadratic parameterisations (:meth:`~ibcore.parametrizations.Parametrization.penalty_gradient`).

    Parameters
    ----------
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w : array_like of shape (p,)
        The parameters.
    penalty : {"l2", "matched"}, default "l2"
        Weight decay :math:`h = \frac12\|w\|^2`, or the penalty matched to :math:`g` (module list).
    mask : array_like of shape (p,), optional
        Weights :math:`m\ge 0` of weight decay per parameter, :math:`h = \frac12\sum_i m_iw_i^2`
        (``penalty="l2"`` only); default all ones.

    Returns
    -------
    ndarray of shape (p,)
        :math:`\nabla h(w)`.

    Raises
    ------
    InputError
        If ``param`` is not a :class:`~ibcore.parametrizations.Parametrization`, ``penalty`` is not
        one of :data:`~ibcore.parametrizations.PENALTIES`, ``mask`` is given with ``penalty="matched"``
        or is not a vector of :math:`p` finite non-negative numbers,
        or ``w`` is not a finite real vector of length :math:`p` (positive, for ``matched`` on
        :math:`\log u - \log v`).

    Examples
    --------
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> print(ib.regularized.penalty_gradient(g, g.init(0.5), mask=[1.0, 0.0, 1.0, 0.0]))   # decay on u_1, v_1 only
    [0.5 0.  0.5 0. ]
    >>> print(ib.regularized.penalty_gradient(ib.parametrizations.log_ratio(1), [2.0, 0.5], penalty="matched"))
    [0.5 2. ]
    """
    m = _check_penalty(param, penalty, mask)
    grad = param.penalty_gradient(w, penalty)
    return grad if m is None else m * grad


def _penalty_hessian(param: Parametrization, w: FloatArray, penalty: str, mask: FloatArray | None) -> FloatArray:
    curvature = param.penalty_curvature(w, penalty)
    return curvature if mask is None else mask * curvature


def lie_bracket(param: Parametrization, w: ArrayLike, *, penalty: str = "l2",
                mask: ArrayLike | None = None) -> FloatArray:
    r"""The Lie brackets :math:`[\nabla g_j, \nabla h](w) = \nabla^2 h\,\nabla g_j - \nabla^2 g_j\,\nabla h`.

    Theorem 3.2 of Jacobs et al. needs them to vanish (the commuting condition, their
    Definition A.5): then running the gradient part and the penalty part in either order
    gives the same point. Returns a :math:`(d, p)` array, one row per :math:`j`; :func:`order_test`
    measures the same obstruction on a finite interval.

    Parameters
    ----------
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w : array_like of shape (p,)
        The point at which the brackets are evaluated.
    penalty : {"l2", "matched"}, default "l2"
        Weight decay :math:`h = \frac12\|w\|^2`, or the penalty matched to :math:`g` (module list).
    mask : array_like of shape (p,), optional
        Weights :math:`m\ge 0` of weight decay per parameter, :math:`h = \frac12\sum_i m_iw_i^2`
        (``penalty="l2"`` only); default all ones.

    Returns
    -------
    ndarray of shape (d, p)
        Row :math:`j` is :math:`[\nabla g_j, \nabla h](w)`.

    Raises
    ------
    InputError
        If ``param`` is not a :class:`~ibcore.parametrizations.Parametrization`, ``penalty`` is not
        one of :data:`~ibcore.parametrizations.PENALTIES`, ``mask`` is given with ``penalty="matched"``
        or is not a vector of :math:`p` finite non-negative numbers,
        or ``w`` is not a finite real vector of length :math:`p` in the domain of :math:`g`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> deep = ib.parametrizations.power(1, 3)
    >>> w = np.full(2, 0.5)
    >>> print(ib.regularized.lie_bracket(deep, w), ib.regularized.lie_bracket(deep, w, penalty="matched"))
    [[-0.75  0.75]] [[0. 0.]]
    """
    m = _check_penalty(param, penalty, mask)
    w_arr = vector_of_length(w, param.p, "w")
    J = param.jacobian(w_arr)  # rows: grad g_j
    grad_h = penalty_gradient(param, w_arr, penalty=penalty, mask=mask)
    hess_h = _penalty_hessian(param, w_arr, penalty, m)
    rows = []
    for j in range(param.d):
        e = np.zeros(param.d)
        e[j] = 1.0
        rows.append(hess_h * J[j] - param.curvature(w_arr, e) @ grad_h)
    return np.array(rows)


def effective_init(param: Parametrization, w0: ArrayLike, decay: float, *, penalty: str = "l2") -> FloatArray:
    r"""The initialisation :math:`w_{\mathrm{eff}}(\Lambda)` whose unregularised potential is :math:`R_\Lambda`.

    The formulas live with each parameterisation
    (:meth:`~ibcore.parametrizations.Parametrization.effective_init`; module list):
    :math:`e^{-\Lambda}w_0` for weight decay on a quadratic parameterisation,
    :math:`(w_0^{2-k} + (k-2)\Lambda)^{1/(2-k)}` and :math:`\sqrt{w_0^2 - 2\Lambda}` for the matched
    penalties of :math:`u^k - v^k` and :math:`\log u - \log v`.

    Parameters
    ----------
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w0 : array_like of shape (p,)
        The initialisation :math:`w_0`.
    decay : float
        The accumulated amount :math:`\Lambda\ge 0` (:meth:`ibcore.schedules.Schedule.integral`).
    penalty : {"l2", "matched"}, default "l2"
        The penalty :math:`h`.

    Returns
    -------
    ndarray of shape (p,)
        :math:`w_{\mathrm{eff}}(\Lambda)`.

    Raises
    ------
    InputError
        For a pair :math:`(g, h)` without a time-dependent Legendre
        function (weight decay on :math:`u^k - v^k` or :math:`\log u - \log v`; the identity, whose weight
        decay is ridge regression), when :math:`2\Lambda\ge\min w_0^2` for :math:`\log u - \log v` (the
        parameters reach 0), and for a ``param``, ``w0``, ``decay`` or ``penalty`` that is not valid.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.log_ratio(1)
    >>> print(ib.regularized.effective_init(g, np.ones(2), 0.375, penalty="matched"))   # sqrt(1 - 2 * 0.375)
    [0.5 0.5]
    """
    _check_penalty(param, penalty, None)
    return param.effective_init(w0, decay, penalty)


def legendre(param: Parametrization, w0: ArrayLike, decay: float, *,
             penalty: str = "l2") -> tuple[Potential, FloatArray]:
    r"""The time-dependent Legendre function at accumulated amount :math:`\Lambda`: ``(potential, centre)``.

    :math:`\nabla R_\Lambda(\theta) = \nabla\psi(\theta) - \nabla\psi(\text{centre})`, with
    ``potential`` :math:`= \psi_{w_{\mathrm{eff}}}` and centre :math:`g(w_{\mathrm{eff}})`: the
    point the regulariser pulls the bias towards (positional bias).

    Parameters
    ----------
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w0 : array_like of shape (p,)
        The initialisation :math:`w_0`.
    decay : float
        The accumulated amount :math:`\Lambda\ge 0`.
    penalty : {"l2", "matched"}, default "l2"
        The penalty :math:`h`.

    Returns
    -------
    potential : Potential
        :math:`\psi_{w_{\mathrm{eff}}(\Lambda)}`, the
        :meth:`~ibcore.parametrizations.Parametrization.mirror_potential` of the effective initialisation.
    centre : ndarray of shape (d,)
        :math:`g(w_{\mathrm{eff}}(\Lambda))`.

    Raises
    ------
    InputError
        As :func:`effective_init`, and where the potential degenerates at :math:`w_{\mathrm{eff}}`
        (:meth:`~ibcore.parametrizations.Parametrization.mirror_potential`).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> psi, centre = ib.regularized.legendre(g, g.init(1.0, [0.5, -0.5]), 1.0)
    >>> print(np.round(psi.gamma, 6), np.round(centre, 6))    # 2 alpha^2 e^{-2 Lambda} and e^{-2 Lambda} theta0
    [0.270671 0.270671] [ 0.067668 -0.067668]
    """
    w_eff = effective_init(param, w0, decay, penalty=penalty)
    return param.mirror_potential(w_eff), param.theta(w_eff)


def mirror_coordinate(param: Parametrization, w0: ArrayLike, theta: ArrayLike, decay: ArrayLike, *,
                      penalty: str = "l2") -> FloatArray:
    r""":math:`\nabla R_{\Lambda}(\theta)` for each recorded pair (rows of ``theta``, entries of ``decay``).

    Along a run, Theorem 3.2 says this equals :math:`\mu_t = -\int_0^t\nabla R(\theta_s)\,ds`
    (the ``mu`` of :class:`RegularizedRun`).

    Parameters
    ----------
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w0 : array_like of shape (p,)
        The initialisation :math:`w_0`.
    theta : array_like of shape (k, d) or (d,)
        The recorded predictors :math:`\theta_t`.
    decay : array_like of shape (k,) or scalar
        The accumulated amounts :math:`\Lambda_t`, one per row of ``theta``.
    penalty : {"l2", "matched"}, default "l2"
        The penalty :math:`h`.

    Returns
    -------
    ndarray of shape (k, d)
        :math:`\nabla R_{\Lambda_t}(\theta_t)`, row by row.

    Raises
    ------
    InputError
        If ``theta`` or ``decay`` is not finite, their numbers of rows differ, or as :func:`legendre`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
    >>> schedule = ib.schedules.switched_off(1.0, 1.0)
    >>> run = ib.regularized.regularized_flow(loss, g, g.init(0.5), schedule, [0.0, 0.5, 2.0])
    >>> print(bool(np.allclose(ib.regularized.mirror_coordinate(g, g.init(0.5), run.predictors, run.decay), run.mu)))
    True
    """
    th = np.atleast_2d(as_float_array(theta, "theta"))
    if th.ndim != 2 or th.shape[1] != param.d:
        raise InputError(f"theta must have d = {param.d} columns (one predictor per row); got shape {th.shape}")
    lam = np.atleast_1d(as_float_array(decay, "decay"))
    if th.shape[0] != lam.shape[0]:
        raise InputError(f"theta has {th.shape[0]} rows but decay has {lam.shape[0]} entries")
    out = []
    for row, amount in zip(th, lam, strict=True):
        potential, centre = legendre(param, w0, float(amount), penalty=penalty)
        out.append(potential.grad(row) - potential.grad(centre))
    return np.array(out)


def regularized_limit(X: ArrayLike, y: ArrayLike, param: Parametrization, w0: ArrayLike, decay: float, *,
                      penalty: str = "l2") -> MirrorLimit:
    r"""The exact limit once the regulariser is switched off with :math:`\Lambda_\infty` = ``decay``.

    .. math:: \theta_\infty = \arg\min\{R_{\Lambda_\infty}(\theta) : X\theta = y\}

    (Jacobs et al., Theorem 3.6), computed by :func:`ibcore.limits.mirror_flow_limit` with the
    potential and centre of :func:`legendre`. For :math:`u\odot u - v\odot v` from
    :math:`u_0 = v_0 = \alpha` this is :math:`Q` at :math:`\alpha e^{-\Lambda_\infty}`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design.
    y : array_like of shape (n,)
        The targets.
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w0 : array_like of shape (p,)
        The initialisation :math:`w_0`.
    decay : float
        The total amount :math:`\Lambda_\infty\ge 0` of the schedule (:attr:`ibcore.schedules.Schedule.total`).
    penalty : {"l2", "matched"}, default "l2"
        The penalty :math:`h`.

    Returns
    -------
    MirrorLimit
        The limit and its certificate.

    Raises
    ------
    InputError
        As :func:`legendre`, and for ``X`` and ``y`` that are not valid.
    NotConverged
        As :func:`ibcore.limits.mirror_flow_limit`.
    DivergenceError
        As :func:`ibcore.limits.mirror_flow_limit`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 0.5]], [1.0]
    >>> limit = ib.regularized.regularized_limit(X, y, ib.parametrizations.signed_square(2),
    ...                                          np.full(4, 0.5), 1.0)
    >>> print(bool(np.allclose(limit.theta, ib.limits.q_alpha_limit(X, y, 0.5 * np.exp(-1.0)))))
    True
    """
    potential, centre = legendre(param, w0, decay, penalty=penalty)
    return mirror_flow_limit(potential, X, y, centre)


@dataclass(frozen=True)
class RegularizedRun(Record):
    r"""A recorded run of :func:`regularized_flow`.

    ``iterates`` (k, p) parameters, ``predictors`` (k, d) predictors, ``mu`` (k, d) the accumulated
    gradient :math:`\mu_t = -\int_0^t\nabla R(\theta_s)ds`, ``decay`` (k,) the accumulated
    amount :math:`\Lambda_t`, ``losses`` (k,) :math:`R(\theta_t)`. ``residual`` is
    :math:`\|X\theta - y\|` at the last time; ``converged`` says whether the run stopped on
    the certificate ``tol``; ``error_bound`` is then :math:`2\kappa\cdot` ``residual`` with
    :math:`\kappa` from the model's tangent kernel :math:`\mathrm{diag}(Dg\,Dg^\top)` at the last point
    (:func:`ibcore.limits.sensitivity`): a first-order bound on the distance to the limit of the
    unregularised flow that follows the switch-off. For a constant schedule it is
    :math:`2\|Dg\,H^{-1}\|\cdot\|\nabla F_\lambda\|` (``_stationary_sensitivity``), a first-order
    bound on the distance of the predictor to the stationary point the flow approaches.
    ``None`` if the run did not certify.

    Parameters
    ----------
    times : ndarray of shape (k,)
        The recorded times (the last is the stopping time when the run certified).
    iterates : ndarray of shape (k, p)
        The parameters :math:`w_t`.
    predictors : ndarray of shape (k, d)
        The predictors :math:`\theta_t = g(w_t)`.
    mu : ndarray of shape (k, d)
        :math:`\mu_t = -\int_0^t\nabla R(\theta_s)ds`.
    decay : ndarray of shape (k,)
        :math:`\Lambda_t`.
    losses : ndarray of shape (k,)
        :math:`R(\theta_t)`.
    residual : float
        :math:`\|X\theta - y\|` at the last time.
    converged : bool
        Whether the run stopped on its certificate.
    error_bound : float or None, default None
        The first-order bound above, or ``None``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
    >>> run = ib.regularized.regularized_flow(loss, g, g.init(0.5), ib.schedules.switched_off(1.0, 1.0),
    ...                                       [0.0, 1.0, 1e4], tol=1e-9)
    >>> print(run.converged, run.decay, run.error_bound < 1e-8)
    True [0. 1. 1.] True
    """

    times: FloatArray
    iterates: FloatArray
    predictors: FloatArray
    mu: FloatArray
    decay: FloatArray
    losses: FloatArray
    residual: float
    converged: bool
    error_bound: float | None = None

    @property
    def final(self) -> FloatArray:
        r"""The parameters at the last recorded time.

        Returns
        -------
        ndarray of shape (p,)
            ``iterates[-1]``.

        Examples
        --------
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
        >>> run = ib.regularized.regularized_flow(loss, g, g.init(0.5), ib.schedules.linear(1.0, 1.0), [0.0, 1.0])
        >>> print(run.final.shape, (run.final == run.iterates[-1]).all())
        (4,) True
        """
        return self.iterates[-1]

    @property
    def final_predictor(self) -> FloatArray:
        r"""The predictor at the last recorded time.

        Returns
        -------
        ndarray of shape (d,)
            ``predictors[-1]``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> loss = ib.losses.square_loss([[1.0, 0.5]], [1.0])
        >>> run = ib.regularized.regularized_flow(loss, g, g.init(0.5), ib.schedules.linear(1.0, 1.0), [0.0, 1.0])
        >>> print(bool(np.allclose(run.final_predictor, g.theta(run.final))))
        True
        """
        return self.predictors[-1]


def _stationary_sensitivity(loss: SquareLoss, param: Parametrization, w: FloatArray,
                            penalty_curvature: FloatArray) -> float:
    r""":math:`\|Dg(w)\,H^{-1}\|_2` with :math:`H = \nabla^2 F_\lambda(w)` (``inf`` unless :math:`H\succ0`).

    Near a non-degenerate minimiser :math:`w_\star` of :math:`F_\lambda`,
    :math:`w - w_\star \approx H^{-1}\nabla F_\lambda(w)`, so the predictor moves by at most this
    times the stationarity :math:`\|\nabla F_\lambda(w)\|`, to first order.
    """
    J = loss.X @ param.jacobian(w)
    H = J.T @ J / loss.n + param.curvature(w, loss.grad(param.theta(w))) + np.diag(penalty_curvature)
    H = (H + H.T) / 2
    if float(np.linalg.eigvalsh(H)[0]) <= 0:
        return np.inf
    return float(np.linalg.norm(np.linalg.solve(H, param.jacobian(w).T).T, 2))


def regularized_flow(
    loss: SquareLoss,
    param: Parametrization,
    w0: ArrayLike,
    schedule: Schedule,
    times: ArrayLike,
    *,
    penalty: str = "l2",
    mask: ArrayLike | None = None,
    tol: float | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str = "LSODA",
) -> RegularizedRun:
    r"""Gradient flow :math:`\dot w = -Dg^\top\nabla R(g(w)) - \lambda_t\nabla h(w)` with :math:`\mu_t` alongside.

    The state is :math:`(w, \nu)` with :math:`\dot\nu = -(X\theta - y)/n`, so that
    :math:`\mu_t = X^\top\nu_t` is integrated by the same error-controlled ``solve_ivp`` call
    (adaptive, ``rtol``/``atol``). The default LSODA gets the exact Jacobian: near convergence
    the flow is stiff (coordinates of very different sizes). Measured on :math:`n=20`,
    :math:`d=40`, :math:`\Lambda = 2`: to ``tol=1e-9`` LSODA takes 0.08 s and RK45 0.27 s; to
    ``tol=1e-10`` LSODA 0.1 s, while RK45 had not certified after 345 s.
    With ``tol``, the run stops once the schedule is off and
    :math:`\|\nabla R(\theta)\|\le` ``tol``/2 (``converged``) — or, for a ``constant`` schedule with
    :math:`\lambda > 0`, which is never off, once the stationarity
    :math:`\|\nabla_w(R\circ g + \lambda h)(w)\|\le` ``tol``/2; otherwise it runs to ``times[-1]``.
    Once a switched-off run certifies, its limit is :func:`regularized_limit` at
    :math:`\Lambda_\infty` = the schedule's total.

    Parameters
    ----------
    loss : SquareLoss
        The square loss :math:`R` of the predictor.
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w0 : array_like of shape (p,)
        The initialisation, in the domain of :math:`g`.
    schedule : Schedule
        The rate :math:`\lambda_t` (:mod:`ibcore.schedules`).
    times : array_like of shape (k,)
        The recording times, non-negative and strictly increasing.
    penalty : {"l2", "matched"}, default "l2"
        Weight decay :math:`h = \frac12\|w\|^2`, or the penalty matched to :math:`g` (module list).
    mask : array_like of shape (p,), optional
        Weights :math:`m\ge 0` of weight decay per parameter, :math:`h = \frac12\sum_i m_iw_i^2`
        (``penalty="l2"`` only); default all ones.
    tol : float, optional
        The certificate at which to stop (see above).
    rtol : float, default 1e-10
        The relative tolerance of the integrator.
    atol : float, default 1e-12
        Its absolute tolerance.
    method : str, default "LSODA"
        A ``solve_ivp`` method.

    Returns
    -------
    RegularizedRun
        The recorded run.

    Raises
    ------
    InputError
        If ``param`` is not a :class:`~ibcore.parametrizations.Parametrization`, ``penalty`` is not
        one of :data:`~ibcore.parametrizations.PENALTIES`, ``mask`` is given with ``penalty="matched"``
        or is not a vector of :math:`p` finite non-negative numbers,
        the dimensions of ``loss`` and ``param`` differ,
        ``schedule`` is not a :class:`~ibcore.schedules.Schedule`, ``w0`` is not a finite real vector of
        length :math:`p` in the domain of :math:`g`, or ``times``, ``tol``, ``rtol`` or ``atol`` is invalid.
    NotConverged
        If the integrator fails or needs more than 50 000 evaluations.
    DivergenceError
        If the state overflows.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 0.5]], [1.0]
    >>> g = ib.parametrizations.signed_square(2)
    >>> schedule = ib.schedules.switched_off(1.0, 1.0)                   # Lambda_infinity = 1
    >>> run = ib.regularized.regularized_flow(ib.losses.square_loss(X, y), g, g.init(0.5), schedule, [0.0, 1e4],
    ...                                       tol=1e-9)
    >>> limit = ib.regularized.regularized_limit(X, y, g, g.init(0.5), schedule.total)
    >>> print(run.converged, np.round(run.final_predictor, 4), bool(np.allclose(run.final_predictor, limit.theta)))
    True [0.9152 0.1696] True
    """
    mask_arr = _check_penalty(param, penalty, mask)
    if not isinstance(loss, SquareLoss):
        raise InputError("regularized_flow integrates the square loss's dynamics (its dual accumulator mu is "
                         f"X^T nu); build the loss with ibcore.losses.square_loss; got {type(loss).__name__}")
    if loss.d != param.d:
        raise InputError(f"the loss has d = {loss.d} features but the parameterisation has d = {param.d}")
    if not isinstance(schedule, Schedule):
        raise InputError(f"schedule must be an ibcore.schedules.Schedule; got {type(schedule).__name__}")
    w0 = vector_of_length(w0, param.p, "w0")
    param.theta(w0)  # domain check (log_ratio needs w0 > 0)
    X, y, n, p = loss.X, loss.y, loss.n, param.p

    def rhs(s: float, state: FloatArray) -> FloatArray:
        w = state[:p]
        theta = param.theta(w)
        r = X @ theta - y
        dw = -param.vjp(w, X.T @ r / n) - float(schedule.rate(s)) * penalty_gradient(
            param, w, penalty=penalty, mask=mask_arr)
        return np.concatenate([dw, -r / n])

    def jac(s: float, state: FloatArray) -> FloatArray:
        w = state[:p]
        theta = param.theta(w)
        J = X @ param.jacobian(w)
        top = -(J.T @ J / n + param.curvature(w, X.T @ (X @ theta - y) / n))
        top -= float(schedule.rate(s)) * np.diag(_penalty_hessian(param, w, penalty, mask_arr))
        full = np.zeros((p + n, p + n))
        full[:p, :p] = top
        full[p:, :p] = -J / n
        return full

    lam = schedule.strength
    stationary = schedule.kind == "constant" and lam > 0  # never switched off: stop at a stationary point

    def stationarity(w: FloatArray) -> float:
        """||grad_w F_lambda(w)||, F_lambda = R(g(w)) + lambda h(w)."""
        field = param.vjp(w, loss.grad(param.theta(w))) + lam * penalty_gradient(param, w, penalty=penalty,
                                                                                  mask=mask_arr)
        return float(np.linalg.norm(field))

    def certificate(s: float, state: FloatArray) -> float:
        if stationary:
            return stationarity(state[:p])
        if not schedule.is_off(s):
            return np.inf
        return float(np.linalg.norm(loss.grad(param.theta(state[:p]))))

    S, stamps, certified = integrate_certified(
        rhs, np.concatenate([w0, np.zeros(n)]), times, method=method, rtol=rtol, atol=atol,
        what="the regularised flow", jac=jac, certificate=certificate, tol=tol)
    W = S[:, :p]
    theta = param.theta(W)
    residual = float(np.linalg.norm(X @ theta[-1] - y))
    if not certified:
        bound = None
    elif stationary:
        bound = 2 * _stationary_sensitivity(loss, param, W[-1], lam * _penalty_hessian(
            param, W[-1], penalty, mask_arr)) * stationarity(W[-1])
    else:
        bound = 2 * sensitivity(X, param.metric(W[-1])) * residual
    return RegularizedRun(
        times=frozen(stamps),
        iterates=W,
        predictors=theta,
        mu=frozen(S[:, p:] @ X),
        decay=frozen(schedule.integral(stamps)),
        losses=frozen([loss.value(th) for th in theta]),
        residual=residual,
        converged=certified,
        error_bound=bound,
    )


@dataclass(frozen=True)
class OrderTest(Record):
    r"""The two orders of a gradient phase and a penalty phase, from the same start (:func:`order_test`).

    Both end at the same :math:`(\mu, \Lambda)`; ``gap`` is :math:`\|\theta_{gh} - \theta_{hg}\|`.

    Parameters
    ----------
    theta_gradient_first : ndarray of shape (d,)
        :math:`\theta_{gh}`: the loss phase, then the penalty phase.
    theta_penalty_first : ndarray of shape (d,)
        :math:`\theta_{hg}`: the penalty phase, then the loss phase.
    gap : float
        :math:`\|\theta_{gh} - \theta_{hg}\|`.
    mu : ndarray of shape (d,)
        The accumulated gradient :math:`\mu = -c\tau` of both orders.
    decay : float
        The accumulated amount :math:`\Lambda = \lambda\tau`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> result = ib.regularized.order_test(g, g.init(0.5), [1.0, -1.0], 0.1)
    >>> print(result.gap < 1e-12, result.mu, result.decay)
    True [-0.1  0.1] 0.1
    """

    theta_gradient_first: FloatArray
    theta_penalty_first: FloatArray
    gap: float
    mu: FloatArray
    decay: float


def order_test(param: Parametrization, w0: ArrayLike, direction: ArrayLike, duration: float, *,
               strength: float = 1.0, penalty: str = "l2", mask: ArrayLike | None = None,
               rtol: float = 1e-12, atol: float = 1e-14) -> OrderTest:
    r"""Run the loss phase and the penalty phase in both orders and compare where :math:`\theta` ends.

    The loss phase is the flow of the linear loss :math:`\langle c, \theta\rangle`
    (``c`` = ``direction``, so :math:`\nabla R\equiv c` and :math:`\mu = -c\tau` in either order);
    the penalty phase is :math:`\dot w = -\lambda\nabla h(w)` for the same ``duration``
    :math:`\tau` (:math:`\Lambda = \lambda\tau`). If a time-dependent Legendre function exists
    (Theorem 3.2), :math:`\theta` is a function of :math:`(\mu, \Lambda)` and the ``gap`` is zero;
    for small :math:`\tau` it is :math:`\approx\tau^2\lambda\|\sum_j c_j[\nabla g_j, \nabla h]\|` otherwise
    (:func:`lie_bracket`). Each phase is integrated with ``DOP853``.

    Parameters
    ----------
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.
    w0 : array_like of shape (p,)
        The common start.
    direction : array_like of shape (d,)
        The constant gradient :math:`c` of the loss phase.
    duration : float
        The length :math:`\tau > 0` of each phase (the linear loss is unbounded below, so a long phase
        grows the parameters exponentially).
    strength : float, default 1.0
        The rate :math:`\lambda > 0` of the penalty phase.
    penalty : {"l2", "matched"}, default "l2"
        Weight decay :math:`h = \frac12\|w\|^2`, or the penalty matched to :math:`g` (module list).
    mask : array_like of shape (p,), optional
        Weights :math:`m\ge 0` of weight decay per parameter, :math:`h = \frac12\sum_i m_iw_i^2`
        (``penalty="l2"`` only); default all ones.
    rtol : float, default 1e-12
        The relative tolerance of the integrator.
    atol : float, default 1e-14
        Its absolute tolerance.

    Returns
    -------
    OrderTest
        Both end points and their gap.

    Raises
    ------
    InputError
        If ``param`` is not a :class:`~ibcore.parametrizations.Parametrization`, ``penalty`` is not
        one of :data:`~ibcore.parametrizations.PENALTIES`, ``mask`` is given with ``penalty="matched"``
        or is not a vector of :math:`p` finite non-negative numbers,
        ``w0`` or ``direction`` is not a finite real vector of the right length, or ``duration``,
        ``strength``, ``rtol`` or ``atol`` is not positive.
    NotConverged
        If the integrator fails or needs more than 50 000 evaluations.
    DivergenceError
        If a phase overflows.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> deep = ib.parametrizations.power(2, 3)                 # weight decay does not commute with u^3 - v^3
    >>> w0, c, tau = np.full(4, 0.5), np.array([1.0, -1.0]), 0.01
    >>> gap = ib.regularized.order_test(deep, w0, c, tau).gap
    >>> predicted = tau**2 * np.linalg.norm(c @ ib.regularized.lie_bracket(deep, w0))
    >>> print(f"{gap:.2e} {predicted:.2e}")
    1.54e-04 1.50e-04
    """
    mask_arr = _check_penalty(param, penalty, mask)
    w0 = vector_of_length(w0, param.p, "w0")
    c = vector_of_length(direction, param.d, "direction")
    tau = positive(duration, "duration")
    lam = positive(strength, "strength")

    def loss_field(_: float, w: FloatArray) -> FloatArray:
        return -param.vjp(w, c)

    def penalty_field(_: float, w: FloatArray) -> FloatArray:
        return -lam * penalty_gradient(param, w, penalty=penalty, mask=mask_arr)

    def flow(field, w: FloatArray) -> FloatArray:  # type: ignore[no-untyped-def]
        states, _, _ = integrate_certified(field, w, [0.0, tau], method="DOP853", rtol=rtol, atol=atol,
                                           what="order_test")
        return states[-1]

    a = param.theta(flow(penalty_field, flow(loss_field, w0)))
    b = param.theta(flow(loss_field, flow(penalty_field, w0)))
    return OrderTest(theta_gradient_first=a, theta_penalty_first=b, gap=float(np.linalg.norm(a - b)),
                     mu=-c * tau, decay=lam * tau)
