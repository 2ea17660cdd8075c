r"""Symmetric matrix sensing with the factorisation :math:`M = UU^\top` and scheduled weight decay.

The loss is :math:`f(M) = \frac1{2m}\sum_i(\langle A_i, M\rangle - y_i)^2`, with gradient
:math:`\nabla f(M) = \frac1m\sum_i r_i A_i` (symmetric), and training runs on
:math:`F(U) = f(UU^\top) + \frac{\lambda_t}2\|U\|_F^2`:

.. math:: \dot U = -2\nabla f(UU^\top)\,U - \lambda_t U .

When the :math:`A_i` commute and :math:`U_0U_0^\top = \beta I`, every :math:`M_t` shares their
eigenbasis, and its eigenvalues follow exactly the flow of :math:`\theta = u\odot u` with the
*spectral design* :math:`S_{ij} = (Q^\top A_i Q)_{jj}` (Jacobs, Zhou & Burkholz 2025,
Corollary C.3): weight decay shrinks the entropy's scale from :math:`\beta` to
:math:`\beta e^{-2\Lambda_t}`. :func:`~ibcore.data.spectral_design` (re-exported here) builds :math:`S`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, frozen, positive, positive_int
from .algorithms import DIVERGENCE_FACTOR, integrate_certified
from .data import MatrixSensingData
from .data import spectral_design as spectral_design  # re-exported: the design lives with the data
from .errors import DivergenceError, InputError
from .records import Record
from .schedules import Schedule


def _check(data: MatrixSensingData, U0: ArrayLike) -> FloatArray:
    if not isinstance(data, MatrixSensingData):
        raise InputError(f"data must be ibcore.data.MatrixSensingData; got {type(data).__name__}")
    U = as_float_array(U0, "U0", ndim=2)
    if U.shape[0] != data.dim:
        raise InputError(f"U0 must have {data.dim} rows (the matrix dimension); got shape {U.shape}")
    return U


def residuals(data: MatrixSensingData, M: FloatArray) -> FloatArray:
    r""":math:`r_i = \langle A_i, M\rangle - y_i`.

    Here :math:`\langle A, M\rangle = \sum_{jk} A_{jk}M_{jk} = \mathrm{tr}(A^\top M)`.

    Parameters
    ----------
    data : MatrixSensingData
        The sensing problem.
    M : ndarray of shape (dim, dim)
        A matrix (not checked).

    Returns
    -------
    ndarray of shape (m,)
        The residual of each measurement.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, seed=0)
    >>> print(bool(np.allclose(ib.sensing.residuals(data, data.M_star), 0.0)))
    True
    >>> print(bool(np.allclose(ib.sensing.residuals(data, np.zeros((3, 3))), -data.y)))
    True
    """
    return data.A.reshape(data.m, -1) @ M.reshape(-1) - data.y


def loss_value(data: MatrixSensingData, M: FloatArray) -> float:
    r""":math:`f(M) = \frac1{2m}\|r\|^2`.

    .. math:: f(M) = \frac1{2m}\sum_{i=1}^m\big(\langle A_i, M\rangle - y_i\big)^2.

    Parameters
    ----------
    data : MatrixSensingData
        The sensing problem.
    M : ndarray of shape (dim, dim)
        A matrix (not checked).

    Returns
    -------
    float
        The loss :math:`f(M)`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, seed=0)
    >>> zero = np.zeros((3, 3))
    >>> print(ib.sensing.loss_value(data, zero) == float(data.y @ data.y) / 16)  # ||y||^2 / (2m)
    True
    """
    r = residuals(data, M)
    return float(r @ r) / (2 * data.m)


def loss_grad(data: MatrixSensingData, M: FloatArray) -> FloatArray:
    r""":math:`\nabla f(M) = \frac1m\sum_i r_iA_i`.

    It is symmetric when the :math:`A_i` are.

    Parameters
    ----------
    data : MatrixSensingData
        The sensing problem.
    M : ndarray of shape (dim, dim)
        A matrix (not checked).

    Returns
    -------
    ndarray of shape (dim, dim)
        The gradient of :math:`f` at :math:`M`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, seed=0)
    >>> gradient = ib.sensing.loss_grad(data, np.zeros((3, 3)))
    >>> print(gradient.shape, bool(np.allclose(gradient, gradient.T)))
    (3, 3) True
    >>> print(float(np.abs(ib.sensing.loss_grad(data, data.M_star)).max()) < 1e-12)
    True
    """
    return (residuals(data, M) @ data.A.reshape(data.m, -1)).reshape(data.dim, data.dim) / data.m


@dataclass(frozen=True)
class SensingRun(Record):
    r"""A recorded run on :math:`M = UU^\top`.

    ``times`` are times: :math:`k\eta` after :math:`k` steps (GD) or :math:`t` (flow); ``losses``
    is :math:`f(M_t)`, ``recon_error``
    :math:`\|M_t - M_\star\|_F^2` (the paper's reconstruction error), ``nuclear_norm``
    :math:`\|M_t\|_* = \mathrm{tr}\,M_t`; ``decay`` is :math:`\Lambda_t`; ``final`` the last
    factor :math:`U` (what the method updates), ``final_predictor`` the last :math:`M = UU^\top`.
    Returned by :func:`factored_gd` and :func:`factored_flow`;
    its arrays are read-only.

    Parameters
    ----------
    times : ndarray of shape (k,)
        The recording times.
    losses : ndarray of shape (k,)
        :math:`f(M_t)` at each time.
    recon_error : ndarray of shape (k,)
        :math:`\|M_t - M_\star\|_F^2` at each time.
    nuclear_norm : ndarray of shape (k,)
        :math:`\mathrm{tr}\,M_t` at each time.
    decay : ndarray of shape (k,)
        The accumulated weight decay :math:`\Lambda_t` at each time.
    final : ndarray of shape (dim, r)
        The last factor :math:`U`.
    final_predictor : ndarray of shape (dim, dim)
        The last :math:`M = UU^\top`.
    converged : bool
        Whether the run stopped on its certificate (always ``False`` for :func:`factored_gd`).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, commuting=True, seed=0)
    >>> run = ib.sensing.factored_gd(data, 0.1 * np.eye(3), ib.schedules.switched_off(0.5, 2.0),
    ...                              step=0.05, n_steps=400, record_every=100)
    >>> print(run.times, run.decay, run.converged)
    [ 0.  5. 10. 15. 20.] [0. 1. 1. 1. 1.] False
    """

    times: FloatArray
    losses: FloatArray
    recon_error: FloatArray
    nuclear_norm: FloatArray
    decay: FloatArray
    final: FloatArray
    final_predictor: FloatArray
    converged: bool


def _record(data: MatrixSensingData, Us: list[FloatArray], times: list[float], schedule: Schedule,
            converged: bool) -> SensingRun:
    Ms = [U @ U.T for U in Us]
    return SensingRun(
        times=frozen(times),
        losses=frozen([loss_value(data, M) for M in Ms]),
        recon_error=frozen([float(np.sum((M - data.M_star) ** 2)) for M in Ms]),
        nuclear_norm=frozen([float(np.trace(M)) for M in Ms]),
        decay=frozen(schedule.integral(np.asarray(times, dtype=float))),
        final=frozen(Us[-1]),
        final_predictor=frozen(Ms[-1]),
        converged=converged,
    )


def factored_gd(data: MatrixSensingData, U0: ArrayLike, schedule: Schedule, *, step: float, n_steps: int,
                record_every: int = 1) -> SensingRun:
    r"""Gradient descent :math:`U_{k+1} = U_k - \eta\,(2\nabla f(U_kU_k^\top)U_k + \lambda_{k\eta}U_k)`.

    The schedule is read at time :math:`k\eta` (so ``until`` is in units of time, as for the
    flow). Runs exactly ``n_steps`` steps (the experiment of the paper's Appendix C is a
    fixed budget); raises :class:`~ibcore.errors.DivergenceError` if the loss blows up.

    Here :math:`f` is the loss of :func:`loss_value`, and the gradient of
    :math:`F(U) = f(UU^\top) + \frac{\lambda}2\|U\|_F^2` is :math:`2\nabla f(UU^\top)U + \lambda U`
    (:math:`\nabla f` is symmetric). The run is recorded every ``record_every`` steps and at the
    last one; at each recorded step the loss must stay below
    :math:`10^{12}\max(f(U_0U_0^\top), 1)` (the factor is ``ibcore.algorithms.DIVERGENCE_FACTOR``).

    Parameters
    ----------
    data : MatrixSensingData
        The sensing problem.
    U0 : array_like of shape (dim, r)
        The initial factor.
    schedule : Schedule
        The weight decay :math:`\lambda_t`, read at :math:`t = k\eta`.
    step : float
        The step size :math:`\eta > 0`.
    n_steps : int
        The number of steps, at least 1.
    record_every : int, default 1
        Record every so many steps (the last step is always recorded).

    Returns
    -------
    SensingRun
        The record, with times :math:`k\eta` and ``converged`` always ``False``.

    Raises
    ------
    InputError
        If ``data`` is not a :class:`~ibcore.data.MatrixSensingData`, ``U0`` is not a finite 2-d
        array with ``dim`` rows, ``step`` is not positive and finite, or ``n_steps`` or
        ``record_every`` is not a positive integer.
    DivergenceError
        If the loss at a recorded step exceeds its ceiling, or an overflow occurs.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, commuting=True, seed=0)
    >>> run = ib.sensing.factored_gd(data, 0.1 * np.eye(3), ib.schedules.switched_off(0.5, 2.0),
    ...                              step=0.05, n_steps=400, record_every=100)
    >>> print([f"{x:.2e}" for x in run.losses])
    ['1.45e-01', '6.16e-02', '1.94e-03', '3.82e-04', '1.55e-04']
    >>> print(np.round(run.nuclear_norm, 2))  # tends to the nuclear norm 1 of the ground truth
    [0.03 0.42 0.96 0.99 1.  ]
    """
    U = _check(data, U0).copy()
    step = positive(step, "step")
    n_steps = positive_int(n_steps, "n_steps")
    record_every = positive_int(record_every, "record_every")
    ceiling = DIVERGENCE_FACTOR * max(loss_value(data, U @ U.T), 1.0)
    Us, times = [U.copy()], [0.0]
    with np.errstate(over="raise", invalid="raise"):
        try:
            for k in range(n_steps):
                lam = float(schedule.rate(k * step))
                U = U - step * (2 * loss_grad(data, U @ U.T) @ U + lam * U)
                if (k + 1) % record_every == 0 or k + 1 == n_steps:
                    if not loss_value(data, U @ U.T) <= ceiling:
                        raise DivergenceError(f"factored GD diverged at step {k + 1}; reduce the step {step:.3g}")
                    Us.append(U.copy())
                    times.append(float(k + 1))
        except FloatingPointError as exc:
            raise DivergenceError(f"factored GD overflowed at step {k + 1}; reduce the step {step:.3g}") from exc
    return _record(data, Us, [t * step for t in times], schedule, False)


def factored_flow(data: MatrixSensingData, U0: ArrayLike, schedule: Schedule, times: ArrayLike, *,
                  tol: float | None = None, rtol: float = 1e-10, atol: float = 1e-12,
                  method: str = "LSODA") -> SensingRun:
    r"""Gradient flow :math:`\dot U = -2\nabla f(UU^\top)U - \lambda_tU`, integrated by ``solve_ivp``.

    With ``tol`` it stops once the schedule is off and :math:`\|\nabla f(M)\|_F\le` ``tol``/2.
    The stopping state is then appended to the record and ``converged`` is ``True``; times
    after it are not recorded.

    Parameters
    ----------
    data : MatrixSensingData
        The sensing problem.
    U0 : array_like of shape (dim, r)
        The initial factor.
    schedule : Schedule
        The weight decay :math:`\lambda_t`.
    times : array_like of shape (k,)
        The recording times: non-negative and strictly increasing.
    tol : float, optional
        The stopping tolerance, :math:`> 0`; ``None`` (the default) integrates up to ``times[-1]``.
    rtol : float, default 1e-10
        Relative tolerance of ``solve_ivp``, :math:`> 0`.
    atol : float, default 1e-12
        Absolute tolerance of ``solve_ivp``, :math:`> 0`.
    method : str, default "LSODA"
        The integration method of ``solve_ivp``.

    Returns
    -------
    SensingRun
        The record at ``times`` (and at the stopping time, if the run stopped).

    Raises
    ------
    InputError
        If ``data`` is not a :class:`~ibcore.data.MatrixSensingData`, ``U0`` is not a finite 2-d
        array with ``dim`` rows, ``times`` is not a finite 1-d array that is non-negative and
        strictly increasing, or ``tol``, ``rtol`` or ``atol`` is not positive.
    NotConverged
        If ``solve_ivp`` fails, or needs more than 50 000 evaluations of the right-hand side.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, commuting=True, seed=0)
    >>> run = ib.sensing.factored_flow(data, 0.1 * np.eye(3), ib.schedules.switched_off(0.5, 2.0), [0.0, 2.0, 50.0])
    >>> print([f"{x:.2e}" for x in run.losses], np.round(run.nuclear_norm, 3), run.converged)
    ['1.45e-01', '1.41e-01', '1.51e-05'] [0.03  0.033 0.999] False
    """
    U0 = _check(data, U0)
    shape = U0.shape

    def rhs(s: float, x: FloatArray) -> FloatArray:
        U = x.reshape(shape)
        return (-2 * loss_grad(data, U @ U.T) @ U - float(schedule.rate(s)) * U).ravel()

    def certificate(s: float, x: FloatArray) -> float:
        if not schedule.is_off(s):
            return np.inf
        U = x.reshape(shape)
        return float(np.linalg.norm(loss_grad(data, U @ U.T)))

    states, stamps, certified = integrate_certified(rhs, U0.ravel(), times, method=method, rtol=rtol, atol=atol,
                                                    what="the factored flow", certificate=certificate, tol=tol)
    return _record(data, [x.reshape(shape) for x in states], list(stamps), schedule, certified)


def in_basis(data: MatrixSensingData, M: ArrayLike) -> tuple[FloatArray, float]:
    r"""The diagonal of :math:`Q^\top MQ` and the size of its off-diagonal part (Frobenius).

    Here :math:`Q` is ``data.basis``; a matrix shares the eigenbasis of the :math:`A_i` exactly when
    the off-diagonal part is zero, and the diagonal then holds its eigenvalues.

    Parameters
    ----------
    data : MatrixSensingData
        A problem drawn with ``commuting=True``.
    M : array_like of shape (dim, dim)
        A matrix.

    Returns
    -------
    tuple of (ndarray of shape (dim,), float)
        The diagonal of :math:`Q^\top MQ`, and the Frobenius norm of :math:`Q^\top MQ` minus its diagonal.

    Raises
    ------
    InputError
        If ``data.basis`` is ``None``, or ``M`` is not a finite 2-d array.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, commuting=True, seed=0)
    >>> diagonal, off = ib.sensing.in_basis(data, data.M_star)
    >>> print(round(float(diagonal.sum()), 12), off < 1e-12)
    1.0 True
    """
    if data.basis is None:
        raise InputError("no common eigenbasis (commuting=False)")
    Q = data.basis
    D = Q.T @ as_float_array(M, "M", ndim=2) @ Q
    diag = np.diag(D).copy()
    return diag, float(np.linalg.norm(D - np.diag(diag)))
