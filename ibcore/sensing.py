r"""Symmetric matrix sensing with the factorisation :math:`M = UU^\top` and scheduled weight decay.

The loss is :math:`f(M) = \frac1{2m}\sum_i(\langle A_i, M\rangle - y_i)^2`, with gradient
:math:`\nabla f(M) = \frac1m\sum_i r_i A_i` (symmetric), and training runs on
:math:`F(U) = f(UU^\top) + \frac{\lambda_t}2\|U\|_F^2`:

.. math:: \dot U = -2\nabla f(UU^\top)\,U - \lambda_t U .

When the :math:`A_i` commute and :math:`U_0U_0^\top = \beta I`, every :math:`M_t` shares their
eigenbasis, and its eigenvalues follow exactly the flow of :math:`\theta = u\odot u` with the
*spectral design* :math:`S_{ij} = (Q^\top A_i Q)_{jj}` (Jacobs, Zhou & Burkholz 2025,
Corollary C.3): weight decay shrinks the entropy's scale from :math:`\beta` to
:math:`\beta e^{-2\Lambda_t}`. :func:`spectral_design` builds :math:`S`.
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
    r""":math:`r_i = \langle A_i, M\rangle - y_i`."""
    return data.A.reshape(data.m, -1) @ M.reshape(-1) - data.y


def loss_value(data: MatrixSensingData, M: FloatArray) -> float:
    r""":math:`f(M) = \frac1{2m}\|r\|^2`."""
    r = residuals(data, M)
    return float(r @ r) / (2 * data.m)


def loss_grad(data: MatrixSensingData, M: FloatArray) -> FloatArray:
    r""":math:`\nabla f(M) = \frac1m\sum_i r_iA_i`."""
    return (residuals(data, M) @ data.A.reshape(data.m, -1)).reshape(data.dim, data.dim) / data.m


@dataclass(frozen=True)
class SensingRun(Record):
    r"""A recorded run on :math:`M = UU^\top`.

    ``times`` are steps (GD) or times (flow); ``losses`` is :math:`f(M_t)`, ``recon_error``
    :math:`\|M_t - M_\star\|_F^2` (the paper's reconstruction error), ``nuclear_norm``
    :math:`\|M_t\|_* = \mathrm{tr}\,M_t`; ``decay`` is :math:`\Lambda_t`; ``final`` the last
    factor :math:`U` (what the method updates), ``final_predictor`` the last :math:`M = UU^\top`.
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
    r"""The diagonal of :math:`Q^\top MQ` and the size of its off-diagonal part (Frobenius)."""
    if data.basis is None:
        raise InputError("no common eigenbasis (commuting=False)")
    Q = data.basis
    D = Q.T @ as_float_array(M, "M", ndim=2) @ Q
    diag = np.diag(D).copy()
    return diag, float(np.linalg.norm(D - np.diag(diag)))
