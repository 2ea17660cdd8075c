r"""Parameterisations :math:`\theta = g(w)` of a linear predictor, and the losses they induce.

A parameterisation maps parameters :math:`w\in\mathbb R^p` to the linear predictor
:math:`\theta\in\mathbb R^d`; training runs gradient descent on :math:`F(w) = R(g(w))`, whose
gradient is :math:`\nabla F(w) = Dg(w)^\top\nabla R(\theta)` (chain rule). For two-vector
parameterisations :math:`w = (u, v)\in\mathbb R^{2d}` is the concatenation.

- :func:`identity`: :math:`\theta = w`; potential :math:`\frac12\|\theta\|^2`.
- :func:`square`: :math:`\theta = u\odot u`; potential :math:`\frac14\sum_j\theta_j\log\theta_j - \theta_j`.
- :func:`product`: :math:`\theta = u\odot v`; conserved :math:`u\odot u - v\odot v`; potential
  :math:`\frac12\sum_j h_{\gamma_j}` with :math:`\gamma = |u_0^2 - v_0^2|/2`.
- :func:`signed_square`: :math:`\theta = u\odot u - v\odot v`; conserved :math:`u\odot v`;
  potential :math:`\frac14\sum_j h_{\gamma_j}` with :math:`\gamma = 2|u_0 v_0|`.
- :func:`power`: :math:`\theta = u^k - v^k` (:math:`u, v > 0`); potential
  :class:`~ibcore.potentials.DeepDiagonal`, known through its inverse mirror map.
- :func:`log_ratio`: :math:`\theta = \log u - \log v` (:math:`u, v > 0`); potential
  :class:`~ibcore.potentials.LogCosh` with :math:`a = u_0^2`, :math:`b = v_0^2`.

with :math:`h_\gamma(t) = t\,\mathrm{arcsinh}(t/\gamma) - \sqrt{t^2+\gamma^2}+\gamma` the
hyperbolic entropy (:class:`~ibcore.potentials.HyperbolicEntropy`). Every array method
works on the last axis, so a whole recorded trajectory can be mapped at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, positive, positive_int, vector_of_length
from .errors import InputError
from .losses import SquareLoss
from .potentials import DeepDiagonal, Euclidean, HyperbolicEntropy, LogCosh, NegativeEntropy, Potential


@dataclass(frozen=True)
class Parametrization:
    r"""A parameterisation :math:`\theta = g(w)` of :math:`\theta\in\mathbb R^d` (see the module table).

    Build one with :func:`identity`, :func:`square`, :func:`product`, :func:`signed_square`
    or :func:`power`.
    """

    kind: str
    d: int
    k: int = 2

    @property
    def p(self) -> int:
        """Number of parameters."""
        return self.d if self.kind in ("identity", "square") else 2 * self.d

    # -- the map and its derivatives -------------------------------------------------------
    def _w(self, w: ArrayLike) -> FloatArray:
        arr = as_float_array(w, "w")
        if arr.shape[-1] != self.p:
            raise InputError(f"w must have {self.p} entries on its last axis for {self.kind}(d={self.d}); "
                             f"got shape {arr.shape}")
        return arr

    def split(self, w: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """``(u, v)`` for two-vector parameterisations (``v`` is empty otherwise)."""
        arr = self._w(w)
        if self.p == self.d:
            return arr, arr[..., :0]
        return arr[..., : self.d], arr[..., self.d :]

    def _halves(self, arr: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(u, v)`` of an already validated float array."""
        if self.p == self.d:
            return arr, arr[..., :0]
        return arr[..., : self.d], arr[..., self.d :]

    def theta(self, w: ArrayLike) -> FloatArray:
        r"""The predictor :math:`\theta = g(w)`."""
        return self._map(*self.split(w))

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        if self.kind == "identity":
            return u.copy()
        if self.kind == "square":
            return u * u
        if self.kind == "product":
            return u * v
        if self.kind == "signed_square":
            return u * u - v * v
        if self.kind == "log_ratio":
            self._check_positive(u, v)
            return np.log(u) - np.log(v)
        return u**self.k - v**self.k

    def _check_positive(self, u: FloatArray, v: FloatArray) -> None:
        if np.any(u <= 0) or np.any(v <= 0):
            raise InputError(f"{self.kind} needs u > 0 and v > 0 in every coordinate")

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Diagonal blocks of the Jacobian: d theta_j / d u_j and d theta_j / d v_j."""
        if self.kind == "identity":
            return np.ones_like(u), v
        if self.kind == "square":
            return 2 * u, v
        if self.kind == "product":
            return v, u
        if self.kind == "signed_square":
            return 2 * u, -2 * v
        if self.kind == "log_ratio":
            self._check_positive(u, v)
            return 1 / u, -1 / v
        return self.k * u ** (self.k - 1), -self.k * v ** (self.k - 1)

    def vjp(self, w: ArrayLike, g: ArrayLike) -> FloatArray:
        r"""Vector-Jacobian product :math:`Dg(w)^\top g` (the chain rule for gradients)."""
        u, v = self.split(w)
        return self._pullback(u, v, as_float_array(g, "g"))

    def _pullback(self, u: FloatArray, v: FloatArray, g: FloatArray) -> FloatArray:
        du, dv = self._partials(u, v)
        if self.p == self.d:
            return du * g
        return np.concatenate([du * g, dv * g], axis=-1)

    def jvp(self, w: ArrayLike, dw: ArrayLike) -> FloatArray:
        r"""Jacobian-vector product :math:`Dg(w)\,\delta w`."""
        u, v = self.split(w)
        du, dv = self._partials(u, v)
        a, b = self.split(dw)
        return du * a if self.p == self.d else du * a + dv * b

    def jacobian(self, w: ArrayLike) -> FloatArray:
        r"""The Jacobian :math:`Dg(w)\in\mathbb R^{d\times p}` (dense; for small problems)."""
        u, v = self.split(np.atleast_1d(self._w(w)))
        du, dv = self._partials(u, v)
        if self.p == self.d:
            return np.diag(du)
        return np.hstack([np.diag(du), np.diag(dv)])

    def curvature(self, w: ArrayLike, g: ArrayLike) -> FloatArray:
        r"""The second-order term :math:`\sum_j g_j\nabla^2\theta_j(w)\in\mathbb R^{p\times p}` of a Hessian."""
        u, v = self.split(self._w(w))
        g = as_float_array(g, "g")
        if self.kind == "identity":
            return np.zeros((self.p, self.p))
        if self.kind == "square":
            return np.diag(2 * g)
        if self.kind == "product":
            zero, dg = np.zeros((self.d, self.d)), np.diag(g)
            return np.block([[zero, dg], [dg, zero]])
        if self.kind == "log_ratio":
            self._check_positive(u, v)
            return np.diag(np.concatenate([-g / (u * u), g / (v * v)]))
        k = self.k
        top = 2 * g if self.kind == "signed_square" else k * (k - 1) * u ** (k - 2) * g
        bottom = -2 * g if self.kind == "signed_square" else -k * (k - 1) * v ** (k - 2) * g
        return np.diag(np.concatenate([top, bottom]))

    def metric(self, w: ArrayLike) -> FloatArray:
        r"""Diagonal of :math:`Dg(w)Dg(w)^\top`: :math:`\sum_i (\partial\theta_j/\partial w_i)^2` for each :math:`j`.

        Gradient flow on the parameters moves the predictor by
        :math:`\dot\theta = -Dg\,Dg^\top\nabla R(\theta)`, so this is the tangent kernel of the
        parameterisation in predictor space — the inverse of the pushforward metric (Chizat,
        Lecture 10, Remark 2.1). For :math:`u\odot u - v\odot v` it is :math:`4(u^2 + v^2)`.
        """
        u, v = self.split(w)
        du, dv = self._partials(u, v)
        return du * du if self.p == self.d else du * du + dv * dv

    @property
    def sign_preserving(self) -> bool:
        r"""Whether gradient flow keeps the sign of every parameter.

        True for :func:`square`, :func:`signed_square` and :func:`power`, whose parameter
        velocities are proportional to the parameters (:math:`\dot u = -2u\odot g`, ...): they
        can be integrated in the log-displacement :math:`s = \log(w/w_0)`
        (:func:`ibcore.algorithms.parameter_flow`).
        """
        return self.kind in ("square", "signed_square", "power")

    def theta_displaced(self, w0: ArrayLike, s: ArrayLike) -> FloatArray:
        r""":math:`g(w_0\odot e^{s})` for a :attr:`sign_preserving` parameterisation, without cancellation.

        For :math:`u\odot u - v\odot v`:
        :math:`u_0^2\,\mathrm{expm1}(2s_u) - v_0^2\,\mathrm{expm1}(2s_v) + (u_0^2 - v_0^2)`; at a large
        initialisation (:math:`u_0 = v_0 = 100`) the predictor is a small difference of two
        numbers of size :math:`10^4`, and this form keeps its digits.
        """
        if not self.sign_preserving:
            raise InputError(f"{self.kind} does not preserve the signs of its parameters; integrate it in w")
        return self._displaced(*self.split(w0), *self.split(s))

    def _displaced(self, u0: FloatArray, v0: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
        """:meth:`theta_displaced` on validated halves (the integrators' inner loop)."""
        if self.kind == "square":
            return u0 * u0 * np.exp(2 * a)
        k = 2 if self.kind == "signed_square" else self.k
        return u0**k * np.expm1(k * a) - v0**k * np.expm1(k * b) + (u0**k - v0**k)

    # -- conservation laws and the induced geometry ----------------------------------------------
    def conserved(self, w: ArrayLike) -> FloatArray:
        r"""The quantity conserved by gradient flow on :math:`R(g(w))`, coordinate by coordinate.

        :math:`u\odot u - v\odot v` for :func:`product`, :math:`u\odot v` for :func:`signed_square`.
        """
        u, v = self.split(w)
        if self.kind == "product":
            return u * u - v * v
        if self.kind == "signed_square":
            return u * v
        raise InputError(f"{self.kind} has no per-coordinate conserved quantity in ibcore")

    def effective_alpha(self, w: ArrayLike) -> FloatArray:
        r"""The per-coordinate scale :math:`\alpha_{\mathrm{eff}} = \sqrt{|u\odot v|}` (:func:`signed_square`).

        Gradient flow conserves :math:`u\odot v = \alpha^2`; a GD step multiplies it by
        :math:`1 - 4\eta^2 g_j^2` (and an SGD step likewise with the batch gradient), so after
        a discrete run :math:`\alpha_{\mathrm{eff}}\le\alpha`. The limit of the run is then the
        :math:`Q` program at :math:`\alpha_{\mathrm{eff}}` up to :math:`O(\eta^2)` terms (Even et al. 2023; C3.7b
        measures the exponent 2).
        """
        if self.kind != "signed_square":
            raise InputError("effective_alpha is defined for the signed_square parameterisation")
        u, v = self.split(w)
        return np.sqrt(np.abs(u * v))

    def mirror_potential(self, w0: ArrayLike) -> Potential:
        r"""The potential :math:`\psi` such that :math:`\theta(t) = g(w(t))` is the mirror flow of :math:`\psi`.

        Gradient flow :math:`\dot w = -\nabla_w R(g(w))` from ``w0`` gives
        :math:`\frac{d}{dt}\nabla\psi(\theta) = -\nabla R(\theta)` (module table).
        """
        u0, v0 = self.split(vector_of_length(w0, self.p, "w0"))
        if self.kind == "identity":
            return Euclidean(1.0)
        if self.kind == "square":
            if np.any(u0 == 0):
                raise InputError("square: every u0_j must be non-zero (theta stays 0 where it starts at 0)")
            return NegativeEntropy(0.25)
        if self.kind == "product":
            gamma = np.abs(u0 * u0 - v0 * v0) / 2
            what = "u0_j^2 != v0_j^2 in every coordinate (imbalance)"
            weight = 0.5
        elif self.kind == "signed_square":
            gamma = 2 * np.abs(u0 * v0)
            what = "u0_j v0_j != 0 in every coordinate"
            weight = 0.25
        else:
            if np.any(u0 <= 0) or np.any(v0 <= 0):
                raise InputError(f"{self.kind}: the mirror potential needs u0 > 0 and v0 > 0")
            if self.kind == "log_ratio":
                return LogCosh(a=u0 * u0, b=v0 * v0)
            if self.k < 3:
                raise InputError("power with k = 2 is signed_square; use signed_square(d) for its potential")
            return DeepDiagonal(self.k, u0, v0)
        if np.any(gamma == 0):
            raise InputError(f"{self.kind}: a mirror potential needs {what}; it degenerates otherwise")
        return HyperbolicEntropy(gamma=gamma, weight=weight)

    def init(self, alpha: float, theta0: ArrayLike | None = None) -> FloatArray:
        r"""Initialisation at scale :math:`\alpha` with :math:`g(w_0) = \theta_0` (default 0).

        - :func:`signed_square`: :math:`u_0 v_0 = \alpha^2` and :math:`u_0^2 - v_0^2 = \theta_0`,
          i.e. :math:`u_0^2 = (\theta_0 + \sqrt{\theta_0^2 + 4\alpha^4})/2`; :math:`\theta_0 = 0`
          gives :math:`u_0 = v_0 = \alpha\mathbf 1`, and the potential is
          :math:`\frac14\sum h_{2\alpha^2}` whatever :math:`\theta_0`.
        - :func:`product`: :math:`u_0^2 - v_0^2 = 2\alpha^2` and :math:`u_0 v_0 = \theta_0`
          (potential :math:`\frac12\sum h_{\alpha^2}`; :math:`\theta_0 = 0` gives
          :math:`(\sqrt2\alpha, 0)`, the ENS notes' initialisation once corrected).
        - :func:`square`: :math:`u_0 = \alpha\mathbf 1` (so :math:`\theta_0 = \alpha^2\mathbf 1`;
          ``theta0`` must be omitted).
        - :func:`power`: :math:`u_0 = v_0 = \alpha\mathbf 1`; :func:`identity`: :math:`\theta_0`.
        - :func:`log_ratio`: :math:`u_0 = \alpha e^{\theta_0/2}`, :math:`v_0 = \alpha e^{-\theta_0/2}`.
        """
        alpha = positive(alpha, "alpha")
        t0 = np.zeros(self.d) if theta0 is None else vector_of_length(theta0, self.d, "theta0")
        if self.kind == "identity":
            return t0.copy()
        if self.kind == "log_ratio":
            return np.concatenate([alpha * np.exp(t0 / 2), alpha * np.exp(-t0 / 2)])
        if self.kind in ("square", "power"):
            if theta0 is not None:
                raise InputError(f"{self.kind}.init takes no theta0 (it starts at u0 = v0 = alpha)")
            ones = np.full(self.d, alpha)
            return ones if self.kind == "square" else np.concatenate([ones, ones])
        if self.kind == "signed_square":
            # u0^2 and v0^2 are the roots (sqrt(theta0^2 + 4 alpha^4) +- theta0)/2, whose product is
            # alpha^4: compute the larger one directly and the smaller as alpha^4 / larger (no cancellation).
            big = (np.hypot(t0, 2 * alpha * alpha) + np.abs(t0)) / 2
            small = (alpha * alpha) * (alpha * alpha) / big
            u0 = np.sqrt(np.where(t0 >= 0, big, small))
            v0 = np.sqrt(np.where(t0 >= 0, small, big))
            return np.concatenate([u0, v0])
        # product: u^2 - v^2 = 2 alpha^2, u v = theta0  =>  u^2 = alpha^2 + sqrt(alpha^4 + theta0^2)
        u0 = np.sqrt(alpha * alpha + np.hypot(alpha * alpha, t0))
        return np.concatenate([u0, t0 / u0])


def identity(d: int) -> Parametrization:
    r""":math:`\theta = w` (plain linear regression)."""
    return Parametrization("identity", positive_int(d, "d"))


def square(d: int) -> Parametrization:
    r""":math:`\theta = u\odot u` (non-negative predictors; Chizat, Lecture 10, §3)."""
    return Parametrization("square", positive_int(d, "d"))


def product(d: int) -> Parametrization:
    r""":math:`\theta = u\odot v`, the two-layer diagonal network of Loureiro's notes §3."""
    return Parametrization("product", positive_int(d, "d"))


def signed_square(d: int) -> Parametrization:
    r""":math:`\theta = u\odot u - v\odot v`, the canonical diagonal network of this book (Woodworth et al.)."""
    return Parametrization("signed_square", positive_int(d, "d"))


def log_ratio(d: int) -> Parametrization:
    r""":math:`\theta = \log u - \log v` on :math:`u, v > 0` (Jacobs, Zhou & Burkholz 2025, App. E)."""
    return Parametrization("log_ratio", positive_int(d, "d"))


def power(d: int, k: int) -> Parametrization:
    r""":math:`\theta = u^{k} - v^{k}` (depth-:math:`k` diagonal network), :math:`k\ge 2`."""
    k = positive_int(k, "k")
    if k < 2:
        raise InputError(f"power needs k >= 2; got {k}")
    return Parametrization("power", positive_int(d, "d"), k)


@dataclass(frozen=True)
class ReparametrizedLoss:
    r"""The loss :math:`F(w) = R(g(w))` of a parameterised model, with :math:`\nabla F = Dg^\top\nabla R`.

    It has the interface of :class:`~ibcore.losses.SquareLoss` that the methods of
    :mod:`ibcore.algorithms` use, so ``gradient_descent(reparametrized(loss, param), w0, ...)``
    runs GD on the parameters. The certificate is :math:`\|\nabla F(w)\|`.
    """

    loss: SquareLoss
    param: Parametrization

    @property
    def n(self) -> int:
        return self.loss.n

    @property
    def d(self) -> int:
        return self.param.p

    def _halves(self, w: FloatArray) -> tuple[FloatArray, FloatArray]:
        # the methods below run in the inner loops of the algorithms, on iterates that started from a
        # validated w0: check only the shape here (the full checks cost more than the step itself)
        arr = np.asarray(w, dtype=np.float64)
        if arr.shape[-1:] != (self.param.p,):
            raise InputError(f"w must have {self.param.p} entries on its last axis; got shape {arr.shape}")
        return self.param._halves(arr)

    def value(self, w: FloatArray) -> float:
        """:math:`F(w) = R(g(w))`."""
        return self.loss.value(self.param._map(*self._halves(w)))

    def grad(self, w: FloatArray) -> FloatArray:
        r""":math:`\nabla F(w) = Dg(w)^\top\nabla R(g(w))`."""
        u, v = self._halves(w)
        return self.param._pullback(u, v, self.loss.grad(self.param._map(u, v)))

    def batch_grad(self, w: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The mini-batch gradient :math:`Dg(w)^\top\nabla R_B(g(w))`."""
        u, v = self._halves(w)
        return self.param._pullback(u, v, self.loss.batch_grad(self.param._map(u, v), batch))

    def hessian(self, w: FloatArray) -> FloatArray:
        r""":math:`\nabla^2F = Dg^\top\hat\Sigma Dg + \sum_j (\nabla R)_j\nabla^2\theta_j` (dense)."""
        J = self.loss.X @ self.param.jacobian(w)
        theta = self.param.theta(w)
        return J.T @ J / self.n + self.param.curvature(w, self.loss.grad(theta))

    def check_theta(self, w: ArrayLike, name: str = "w0") -> FloatArray:
        return vector_of_length(w, self.param.p, name)


def reparametrized(loss: SquareLoss, param: Parametrization) -> ReparametrizedLoss:
    """The loss ``R(g(w))`` of ``loss`` under the parameterisation ``param`` (dimensions checked)."""
    if loss.d != param.d:
        raise InputError(f"the loss has d = {loss.d} features but the parameterisation has d = {param.d}")
    return ReparametrizedLoss(loss, param)
