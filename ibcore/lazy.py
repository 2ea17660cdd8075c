r"""Lazy training (Chizat, Oyallon, Bach 2019; Chizat, Lecture 10, §4).

A model :math:`f: w\mapsto f_w\in\mathbb R^n` (its predictions on the training set) with
:math:`f_{w_0} = 0` is trained on the rescaled objective

.. math:: F_\alpha(w) = \frac{1}{\alpha^2} R(\alpha f_w), \qquad
          \dot w = -\frac1\alpha Df(w)^\top\nabla R(\alpha f_w),

and compared with its linearisation :math:`\bar f_w = Df(w_0)(w - w_0)` trained the same
way. Theorem 4.1 of the lecture: on a fixed horizon,
:math:`\sup_t\|w(t) - w_0\| = O(1/\alpha)`, :math:`\sup_t\|w(t) - \bar w(t)\| = O(1/\alpha^2)` and
:math:`\sup_t\|\alpha f_t - \alpha\bar f_t\| = O(1/\alpha)`. Here
:math:`R(g) = \frac{1}{2n}\|g - y\|^2`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, positive, positive_int, rng_from
from .algorithms import integrate_certified
from .errors import InputError
from .records import Record


@dataclass(frozen=True)
class DiagonalModel:
    r""":math:`f_w = X(u\odot u - v\odot v)` with :math:`w_0 = (\mathbf 1, \mathbf 1)`, so :math:`f_{w_0} = 0`.

    Its tangent features at :math:`w_0` are :math:`2[x, -x]` (the NTK features of Ma's notes §9.3).
    """

    X: FloatArray

    def init(self) -> FloatArray:
        return np.ones(2 * self.X.shape[1])

    def predict(self, w: FloatArray) -> FloatArray:
        d = self.X.shape[1]
        return self.X @ (w[:d] ** 2 - w[d:] ** 2)

    def jacobian(self, w: FloatArray) -> FloatArray:
        d = self.X.shape[1]
        return np.hstack([2 * self.X * w[:d], -2 * self.X * w[d:]])


@dataclass(frozen=True)
class TwoLayerNetwork:
    r"""A two-layer tanh network :math:`f_w(x) = \frac{1}{\sqrt m}\sum_{k} a_k\tanh(\langle b_k, x\rangle)`.

    Two ways to start at :math:`f_{w_0} = 0` (Chizat et al. 2019): with ``doubling=True``
    every neuron is duplicated with the opposite output weight (the "doubling trick"); with
    ``doubling=False`` the neurons are independent and the model is *centred*,
    :math:`f_w - f_{w_0}`. The doubling trick is symmetric enough to cancel the second-order
    term of :math:`f` at :math:`w_0`; centring is not. Parameters are ``w = (a, B.ravel())``.
    """

    X: FloatArray
    width: int
    seed: int = 0
    doubling: bool = True

    def init(self) -> FloatArray:
        rng = rng_from(self.seed)
        d = self.X.shape[1]
        if self.doubling:
            half = self.width // 2
            a = rng.standard_normal(half)
            B = rng.standard_normal((half, d)) / np.sqrt(d)
            return np.concatenate([a, -a, np.vstack([B, B]).ravel()])
        B = rng.standard_normal((self.width, d)) / np.sqrt(d)
        return np.concatenate([rng.standard_normal(self.width), B.ravel()])

    def _split(self, w: FloatArray) -> tuple[FloatArray, FloatArray]:
        m = self.width
        return w[:m], w[m:].reshape(m, self.X.shape[1])

    def _raw(self, w: FloatArray) -> FloatArray:
        a, B = self._split(w)
        return np.tanh(self.X @ B.T) @ a / np.sqrt(self.width)

    def predict(self, w: FloatArray) -> FloatArray:
        return self._raw(w) if self.doubling else self._raw(w) - self._raw(self.init())

    def jacobian(self, w: FloatArray) -> FloatArray:
        a, B = self._split(w)
        act = np.tanh(self.X @ B.T)  # (n, m)
        d_a = act / np.sqrt(self.width)
        d_B = ((1 - act**2) * a)[:, :, None] * self.X[:, None, :] / np.sqrt(self.width)  # (n, m, d)
        return np.hstack([d_a, d_B.reshape(self.X.shape[0], -1)])


def diagonal_model(X: ArrayLike) -> DiagonalModel:
    """The diagonal model of :class:`DiagonalModel` on the design ``X``."""
    return DiagonalModel(as_float_array(X, "X", ndim=2))


def two_layer_network(X: ArrayLike, width: int, *, seed: int = 0, doubling: bool = True) -> TwoLayerNetwork:
    """The network of :class:`TwoLayerNetwork` with ``width`` neurons on the design ``X``.

    With the doubling trick (default) ``width`` must be even (neurons come in +- pairs).
    """
    width = positive_int(width, "width")
    if doubling and width % 2:
        raise InputError(f"width must be even with the doubling trick (neurons come in +- pairs); got {width}")
    return TwoLayerNetwork(as_float_array(X, "X", ndim=2), width, seed, bool(doubling))


@dataclass(frozen=True)
class LazyRun(Record):
    r"""Gradient flows of :math:`F_\alpha` and of its linearisation, on the same time grid.

    ``iterates``, ``linear_iterates``: parameters (times, p); ``outputs``, ``linear_outputs``:
    the scaled predictions :math:`\alpha f_t` and :math:`\alpha\bar f_t` on the training points
    (times, n). The three ``sup_*`` properties are the quantities of Theorem 4.1.
    """

    alpha: float
    times: FloatArray
    iterates: FloatArray
    linear_iterates: FloatArray
    outputs: FloatArray
    linear_outputs: FloatArray

    @property
    def sup_displacement(self) -> float:
        r""":math:`\sup_t\|w(t) - w_0\|`."""
        return float(np.linalg.norm(self.iterates - self.iterates[0], axis=1).max())

    @property
    def sup_parameter_gap(self) -> float:
        r""":math:`\sup_t\|w(t) - \bar w(t)\|`."""
        return float(np.linalg.norm(self.iterates - self.linear_iterates, axis=1).max())

    @property
    def sup_prediction_gap(self) -> float:
        r""":math:`\sup_t\|\alpha f_t - \alpha\bar f_t\|`."""
        return float(np.linalg.norm(self.outputs - self.linear_outputs, axis=1).max())


def lazy_training(
    model: DiagonalModel | TwoLayerNetwork,
    y: ArrayLike,
    alpha: float,
    times: ArrayLike,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str | None = None,
    max_evaluations: int = 200_000,
) -> LazyRun:
    r"""Integrate the gradient flows of :math:`F_\alpha` and :math:`\bar F_\alpha` from :math:`w_0` (both at once).

    .. math:: \dot w = -\tfrac1\alpha Df(w)^\top\nabla R(\alpha f_w), \qquad
              \dot{\bar w} = -\tfrac1\alpha Df(w_0)^\top\nabla R(\alpha Df(w_0)(\bar w - w_0)).

    The state is the rescaled displacement :math:`s = \alpha(w - w_0)`, which is
    :math:`O(1)`: integrating :math:`w` itself (:math:`\approx w_0`) would put an error of
    ``rtol`` :math:`\times|w_0|` in :math:`w`, which :math:`\alpha f` amplifies by :math:`\alpha`. In
    these coordinates :math:`\dot s = -Df(w_0 + s/\alpha)^\top(\alpha f_{w_0+s/\alpha} - y)/n` and the
    linearised flow :math:`\dot{\bar s} = -J_0^\top(J_0\bar s - y)/n` does not depend on :math:`\alpha`.
    ``method`` is passed to ``solve_ivp``; by default RK45 for :math:`\alpha\ge1` and LSODA below,
    where the flow is stiff (its curvature grows like :math:`1/\alpha`: at :math:`\alpha = 10^{-5}` RK45
    needs over :math:`10^5` evaluations on :math:`[0, 10]`, LSODA 0.2 s). Over long horizons the flows
    become stiff at any :math:`\alpha`: pass LSODA (on :math:`[0, 2000]` it takes 0.04 s where RK45 takes 4 s).
    Raises :class:`~ibcore.errors.NotConverged` after ``max_evaluations`` evaluations of the
    right-hand side and :class:`~ibcore.errors.DivergenceError` if the state overflows.
    """
    X, y_arr = design_and_labels(model.X, y)
    alpha = positive(alpha, "alpha")
    t = as_float_array(times, "times", ndim=1)
    if t[0] != 0 or np.any(np.diff(t) <= 0):
        raise InputError("times must start at 0 and increase strictly")
    n = X.shape[0]
    w0 = model.init()
    p = w0.size
    J0 = model.jacobian(w0)

    def rhs(_: float, state: FloatArray) -> FloatArray:
        s_, s_bar = state[:p], state[p:]
        w = w0 + s_ / alpha
        return np.concatenate([-model.jacobian(w).T @ (alpha * model.predict(w) - y_arr) / n,
                               -J0.T @ (J0 @ s_bar - y_arr) / n])

    method = ("RK45" if alpha >= 1 else "LSODA") if method is None else method
    what = (f"the lazy-training flows at alpha = {alpha:.3g} (below alpha = 1 the flow is fast and stiff: its "
            "curvature grows like 1/alpha; try method='LSODA', a shorter horizon, or a larger alpha)")
    states, _, _ = integrate_certified(rhs, np.zeros(2 * p), t, method=method, rtol=positive(rtol, "rtol"),
                                       atol=positive(atol, "atol"), what=what, max_evaluations=max_evaluations)
    s_t, s_bar_t = states[:, :p], states[:, p:]
    w, w_bar = w0 + s_t / alpha, w0 + s_bar_t / alpha
    f = alpha * np.array([model.predict(wi) for wi in w])
    return LazyRun(alpha=alpha, times=t, iterates=w, linear_iterates=w_bar, outputs=f, linear_outputs=s_bar_t @ J0.T)
