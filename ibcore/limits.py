r"""Exact characterisations, without cvxpy: closed forms on the SVD of ``X``.

Write the thin SVD :math:`X = \sum_{j\le r} \sigma_j u_j v_j^\top` (rank :math:`r`), the
coordinates :math:`\beta_j = \langle v_j, \theta\rangle` and :math:`\tilde y_j = \langle u_j, y\rangle`.
For :math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2` the least-squares solution closest to
:math:`\theta_0` is

.. math:: \theta_\infty = \theta_{0,\perp} + X^+ y, \qquad
          \theta_{0,\perp} = \theta_0 - \textstyle\sum_{j\le r} \beta_{0,j} v_j ,

and gradient flow, gradient descent and ridge regression are all *spectral filters* of it:
each direction :math:`v_j` keeps a fraction :math:`h_j` of its initial coordinate and moves
the rest of the way to :math:`\tilde y_j/\sigma_j`,

.. math:: \theta = \theta_{0,\perp} + \sum_{j\le r}\Big[(1-h_j)\frac{\tilde y_j}{\sigma_j}
          + h_j\,\beta_{0,j}\Big] v_j ,

with :math:`h_j = e^{-\sigma_j^2 t/n}` (flow at time :math:`t`, ENS notes eqs. 2.11–2.14),
:math:`h_j = (1-\eta\sigma_j^2/n)^k` (GD after :math:`k` steps) and
:math:`h_j = n\lambda/(\sigma_j^2 + n\lambda)` (ridge, :math:`\theta_0 = 0`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, positive, vector_of_length
from .errors import InputError

#: Singular values below ``RANK_RTOL * sigma_max`` are treated as zero.
RANK_RTOL = 1e-12


@dataclass(frozen=True)
class Spectrum:
    r"""The thin SVD of ``X`` with the problem's coordinates.

    ``U`` (n, r), ``sigma`` (r,), ``V`` (d, r) span :math:`\mathrm{range}(X^\top)`;
    ``y_tilde`` = :math:`U^\top y`; ``n`` the number of samples.
    """

    U: FloatArray
    sigma: FloatArray
    V: FloatArray
    y_tilde: FloatArray
    n: int

    @property
    def rank(self) -> int:
        """Numerical rank of ``X``."""
        return int(self.sigma.size)

    @property
    def rates(self) -> FloatArray:
        r"""Decay rates :math:`\sigma_j^2/n` of the flow along each :math:`v_j`."""
        return self.sigma**2 / self.n

    def row_space_component(self, theta: FloatArray) -> FloatArray:
        r"""Orthogonal projection of ``theta`` onto :math:`\mathrm{range}(X^\top)`."""
        return self.V @ (self.V.T @ theta)


def spectrum(X: ArrayLike, y: ArrayLike) -> Spectrum:
    """Thin SVD of ``X`` restricted to its numerical rank, with ``U^T y``."""
    X_arr, y_arr = design_and_labels(X, y)
    U, s, Vt = np.linalg.svd(X_arr, full_matrices=False)
    r = int(np.sum(s > RANK_RTOL * s[0])) if s[0] > 0 else 0
    return Spectrum(U=U[:, :r], sigma=s[:r], V=Vt[:r].T, y_tilde=U[:, :r].T @ y_arr, n=X_arr.shape[0])


def spectral_filter(spec: Spectrum, keep: ArrayLike, theta0: FloatArray) -> FloatArray:
    r"""Apply the filter :math:`h` (shape ``(..., r)``) to the problem; returns ``(..., d)``.

    :math:`\theta = \theta_{0,\perp} + \sum_j [(1-h_j)\tilde y_j/\sigma_j + h_j\beta_{0,j}]\,v_j`.
    """
    h = np.asarray(keep, dtype=np.float64)
    beta0 = spec.V.T @ theta0
    beta = (1.0 - h) * (spec.y_tilde / spec.sigma) + h * beta0
    return (theta0 - spec.V @ beta0) + beta @ spec.V.T


def least_squares_limit(X: ArrayLike, y: ArrayLike, theta0: ArrayLike | None = None) -> FloatArray:
    r"""The least-squares solution closest to ``theta0``: :math:`\theta_{0,\perp} + X^+ y`.

    For :math:`n < d` and full row rank this is :math:`\arg\min\{\|\theta-\theta_0\| : X\theta=y\}`;
    for :math:`n\ge d` and full column rank it is :math:`(X^\top X)^{-1}X^\top y` whatever ``theta0``.
    """
    spec = spectrum(X, y)
    d = spec.V.shape[0]
    th0 = np.zeros(d) if theta0 is None else vector_of_length(theta0, d, "theta0")
    return spectral_filter(spec, np.zeros(spec.rank), th0)


def least_squares_flow(X: ArrayLike, y: ArrayLike, theta0: ArrayLike, times: ArrayLike) -> FloatArray:
    r"""Closed-form gradient flow on :math:`\frac{1}{2n}\|X\theta-y\|^2`: filter :math:`h_j = e^{-\sigma_j^2 t/n}`.

    Returns an array of shape ``(len(times), d)``.
    """
    spec = spectrum(X, y)
    th0 = vector_of_length(theta0, spec.V.shape[0], "theta0")
    t = as_float_array(times, "times", ndim=1)
    return spectral_filter(spec, np.exp(-np.outer(t, spec.rates)), th0)


def least_squares_gd(X: ArrayLike, y: ArrayLike, theta0: ArrayLike, step: float, steps: ArrayLike) -> FloatArray:
    r"""Closed-form GD iterates: filter :math:`h_j = (1-\eta\sigma_j^2/n)^k`; shape ``(len(steps), d)``."""
    spec = spectrum(X, y)
    th0 = vector_of_length(theta0, spec.V.shape[0], "theta0")
    eta = positive(step, "step")
    k = as_float_array(steps, "steps", ndim=1)
    if np.any(k < 0) or np.any(k != np.round(k)):
        raise InputError("steps must be non-negative integers (iteration counts)")
    return spectral_filter(spec, np.power.outer(1.0 - eta * spec.rates, k).T, th0)


def ridge_path(X: ArrayLike, y: ArrayLike, lambdas: ArrayLike) -> FloatArray:
    r"""Ridge solutions :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \frac\lambda2\|\theta\|^2`.

    Filter :math:`h_j = n\lambda/(\sigma_j^2+n\lambda)`; shape ``(len(lambdas), d)``. This
    :math:`\lambda` is also the one of the EPFL sheet's :math:`\frac1n\|Xw-y\|^2+\lambda\|w\|^2`.
    """
    spec = spectrum(X, y)
    lam = as_float_array(lambdas, "lambdas", ndim=1)
    if np.any(lam < 0):
        raise InputError("lambdas must be non-negative")
    nl = spec.n * lam[:, None]
    return spectral_filter(spec, nl / (spec.sigma**2 + nl), np.zeros(spec.V.shape[0]))
