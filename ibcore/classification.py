r"""Linear classification on separable data: losses in log form, margins, the log-time flow.

For labels :math:`y_i\in\{\pm1\}` and margins :math:`m_i = y_i\langle w, x_i\rangle`,

.. math:: L_{\exp}(w) = \frac1n\sum_i e^{-m_i}, \qquad L_{\log}(w) = \frac1n\sum_i \log(1 + e^{-m_i}).

On separable data these tend to 0 along the gradient flow, faster than any floating-point
format can follow (:math:`e^{-m}` underflows once :math:`m > 745`), so every quantity is
computed in log form: :meth:`ClassificationLoss.log_value` is a log-sum-exp, and
:meth:`ClassificationLoss.grad` accepts a ``log_scale`` :math:`s` and returns
:math:`e^{s}\nabla L(w)` without forming :math:`e^{-m_i}` on its own.

The flow is integrated in logarithmic time :math:`s = \log t` (:func:`log_time_flow`):

.. math:: \frac{dw}{ds} = t\,\dot w = -e^{s}\nabla L(w) = \frac1n\sum_i y_i x_i\,\phi(m_i)\,e^{s},

which is well scaled for all :math:`t` because :math:`m_i\approx\log t` on the support vectors
(Soudry et al. 2018). Margins: :math:`\gamma(w) = \min_i m_i/\|w\|` (normalised margin),
:math:`\tilde\gamma(w) = -\log\big(\sum_i e^{-m_i}\big)/\|w\|` (smooth margin, Ma's notes §9.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp
from scipy.special import logsumexp

from ._validate import DesignShape, FloatArray, as_float_array, design_and_labels, positive, vector_of_length
from .errors import InputError, NotConverged
from .losses import Loss
from .parametrizations import Parametrization
from .records import Record


@dataclass(frozen=True)
class ClassificationLoss(DesignShape, Loss):
    """The exponential or logistic loss of a linear classifier (build it with :func:`classification_loss`)."""

    X: FloatArray
    y: FloatArray
    kind: str

    def margins(self, w: FloatArray) -> FloatArray:
        r"""The margins :math:`m_i = y_i\langle w, x_i\rangle`."""
        return self.y * (self.X @ w)

    def _log_terms(self, m: FloatArray) -> FloatArray:
        """log of each loss term: -m (exp) or log(log(1 + e^-m)) (logistic), finite for any m."""
        if self.kind == "exponential":
            return -m
        # log(softplus(-m)): softplus(-m) = log1p(exp(-m)); for m > 30 it is exp(-m)(1 - exp(-m)/2 ...)
        out = np.empty_like(m)
        big = m > 30
        out[big] = -m[big] + np.log1p(-0.5 * np.exp(-m[big]))
        out[~big] = np.log(np.logaddexp(0.0, -m[~big]))
        return out

    def log_value(self, w: FloatArray) -> float:
        r""":math:`\log L(w)`, finite for any margins (never :math:`-\infty` from underflow)."""
        return float(logsumexp(self._log_terms(self.margins(w))) - np.log(self.n))

    def value(self, w: FloatArray) -> float:
        r""":math:`L(w)` itself (it underflows to 0 once :math:`\log L < -745`; use :meth:`log_value`)."""
        return float(np.exp(self.log_value(w)))

    def _weights(self, m: FloatArray, log_scale: float) -> FloatArray:
        r""":math:`e^{s}\,\phi(m_i)` with :math:`\phi = -\ell'`: :math:`e^{-m}` or :math:`1/(1+e^{m})`."""
        if self.kind == "exponential":
            return np.exp(np.minimum(log_scale - m, 700.0))
        return np.exp(np.minimum(log_scale - np.logaddexp(0.0, m), 700.0))

    def grad(self, w: FloatArray, log_scale: float = 0.0) -> FloatArray:
        r""":math:`e^{s}\nabla L(w) = -\frac{e^{s}}{n}\sum_i \phi(m_i)\,y_i x_i` with :math:`s` = ``log_scale``."""
        return -self.X.T @ (self.y * self._weights(self.margins(w), log_scale)) / self.n

    def check_theta(self, w: ArrayLike, name: str = "w0") -> FloatArray:
        return vector_of_length(w, self.d, name)

    def batch_grad(self, w: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The gradient of the average of the loss over the samples ``batch`` only."""
        Xb, yb = self.X[batch], self.y[batch]
        return -Xb.T @ (yb * self._weights(yb * (Xb @ self._point(w)), 0.0)) / len(batch)

    def hessian(self, w: FloatArray) -> FloatArray:
        r""":math:`\nabla^2L(w) = \frac1n\sum_i\ell''(m_i)\,x_ix_i^\top`: :math:`\ell'' = e^{-m}` (exponential),
        :math:`1/((1+e^{m})(1+e^{-m}))` (logistic)."""
        m = self.margins(self._point(w))
        if self.kind == "exponential":
            curvature = np.exp(np.minimum(-m, 700.0))
        else:
            curvature = np.exp(-np.logaddexp(0.0, m) - np.logaddexp(0.0, -m))
        return (self.X * curvature[:, None]).T @ self.X / self.n

    @property
    def smoothness(self) -> float | None:
        r""":math:`\sigma_1(X)^2/(4n)` for the logistic loss (:math:`\ell''\le 1/4`); ``None`` for the exponential
        loss, whose gradient has no global Lipschitz constant."""
        if self.kind == "exponential":
            return None
        return float(np.linalg.norm(self.X, 2) ** 2 / (4 * self.n))


def classification_loss(X: ArrayLike, y: ArrayLike, kind: str = "logistic") -> ClassificationLoss:
    """The exponential or logistic loss of the labelled data ``(X, y)`` (labels in {-1, +1})."""
    X_arr, y_arr = design_and_labels(X, y)
    if not np.all(np.isin(y_arr, (-1.0, 1.0))):
        raise InputError("labels must be -1 or +1")
    if kind not in ("logistic", "exponential"):
        raise InputError(f"kind must be 'logistic' or 'exponential'; got {kind!r}")
    return ClassificationLoss(X_arr, y_arr, kind)


def normalized_margin(loss: ClassificationLoss, w: ArrayLike) -> float:
    r""":math:`\gamma(w) = \min_i y_i\langle w, x_i\rangle/\|w\|_2` (Ma's notes, Def. 9.23)."""
    w_arr = loss.check_theta(w, "w")
    return float(loss.margins(w_arr).min() / np.linalg.norm(w_arr))


def smooth_margin(loss: ClassificationLoss, w: ArrayLike) -> float:
    r"""The smooth margin :math:`\tilde\gamma(w) = -\log\sum_i e^{-m_i}/\|w\|_2`.

    The log-sum-exp sandwich gives :math:`\gamma(w) - \log n/\|w\| \le\tilde\gamma(w)\le\gamma(w)`.
    """
    w_arr = loss.check_theta(w, "w")
    return float(-logsumexp(-loss.margins(w_arr)) / np.linalg.norm(w_arr))


def angle_gap(w: ArrayLike, direction: ArrayLike) -> float:
    r""":math:`1 - \cos\angle(w, \hat w)`, the distance of the direction of ``w`` to ``direction``."""
    a, b = as_float_array(w, "w"), as_float_array(direction, "direction")
    return float(1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@dataclass(frozen=True)
class LogTimeRun(Record):
    """A gradient flow recorded at ``times``: iterates (k, d), or (k, p) parameters with ``param``; log-losses."""

    times: FloatArray
    iterates: FloatArray
    log_losses: FloatArray


def log_time_flow(loss: ClassificationLoss, w0: ArrayLike, times: ArrayLike, *, param: Parametrization | None = None,
                  rtol: float = 1e-10, atol: float = 1e-12) -> LogTimeRun:
    r"""Gradient flow :math:`\dot w = -\nabla L(w)` from ``w0``, recorded at ``times`` (:math:`\ge1`).

    From :math:`t = 0` to :math:`1` it is integrated in :math:`t`; then
    :math:`dw/ds = -e^{s}\nabla L(w)` (see the module docstring) up to :math:`s = \log t_{\max}`.
    With ``param`` the flow runs on the parameters :math:`w` of the predictor
    :math:`\theta = g(w)`, with gradient :math:`Dg(w)^\top\nabla L(\theta)`; iterates are parameters.
    """
    if param is None:
        w0 = loss.check_theta(w0)

        def scaled_grad(w: FloatArray, s: float) -> FloatArray:
            return loss.grad(w, log_scale=s)
    else:
        if param.d != loss.d:
            raise InputError(f"the loss has d = {loss.d} features but the parameterisation has d = {param.d}")
        w0 = vector_of_length(w0, param.p, "w0")

        def scaled_grad(w: FloatArray, s: float) -> FloatArray:
            return param.vjp(w, loss.grad(param.theta(w), log_scale=s))

    t = as_float_array(times, "times", ndim=1)
    if t[0] < 1 or np.any(np.diff(t) <= 0):
        raise InputError("times must be >= 1 and strictly increasing")
    rtol, atol = positive(rtol, "rtol"), positive(atol, "atol")
    with np.errstate(over="raise", invalid="raise"):
        first = solve_ivp(lambda _, w: -scaled_grad(w, 0.0), (0.0, 1.0), w0, method="LSODA", rtol=rtol, atol=atol)
        if first.status != 0:
            raise NotConverged(f"solve_ivp failed on [0, 1]: {first.message}")
        sol = solve_ivp(lambda s, w: -scaled_grad(w, s), (0.0, float(np.log(t[-1]))), first.y[:, -1],
                        t_eval=np.log(t), method="LSODA", rtol=rtol, atol=atol)
    if sol.status != 0:
        raise NotConverged(f"solve_ivp failed in log time: {sol.message}")
    iterates = sol.y.T
    thetas = iterates if param is None else param.theta(iterates)
    return LogTimeRun(times=t, iterates=iterates, log_losses=np.array([loss.log_value(th) for th in thetas]))
