r"""Separable Legendre functions (mirror potentials) :math:`\psi(\theta) = \sum_j \phi_j(\theta_j)`.

Each potential provides its value, its gradient (the *mirror map*) :math:`\nabla\psi`,
the inverse mirror map :math:`\nabla\psi^{-1} = \nabla\psi^*`, the inverse Hessian
:math:`(\nabla^2\psi)^{-1}` (diagonal, returned as a vector), its convex conjugate
:math:`\psi^*` and the Bregman divergence

.. math:: D_\psi(\theta, \theta') = \psi(\theta) - \psi(\theta') - \langle\nabla\psi(\theta'), \theta - \theta'\rangle .

Parameters may be scalars or per-coordinate arrays (broadcast against ``theta``).

- :class:`Euclidean`: :math:`\phi(t) = \frac{w}{2}t^2`, mirror map :math:`w\,t`;
- :class:`NegativeEntropy`: :math:`\phi(t) = w\,(t\log t - t)` on :math:`t > 0`, mirror map
  :math:`w\log t`;
- :class:`HyperbolicEntropy`: :math:`\phi(t) = w\,[t\,\mathrm{arcsinh}(t/\gamma) - \sqrt{t^2+\gamma^2}
  + \gamma]`, mirror map :math:`w\,\mathrm{arcsinh}(t/\gamma)`.

The hyperbolic entropy is the potential of the diagonal network
:math:`\theta = u\odot u - v\odot v` (with :math:`w = 1/4`, :math:`\gamma = 2|u_0 v_0|`);
all its maps are evaluated in forms that neither overflow nor cancel for
:math:`\gamma` anywhere in :math:`[10^{-24}, 10^{8}]`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array
from .errors import DivergenceError, InputError

#: Largest dual argument :math:`|z|/w` accepted before ``exp`` would overflow.
MAX_DUAL_ARGUMENT = 700.0


def _positive_param(value: ArrayLike, name: str) -> FloatArray:
    arr = as_float_array(value, name)
    if np.any(arr <= 0):
        raise InputError(f"{name} must be positive (every entry); got min {arr.min():.3g}")
    return arr


def _theta(theta: ArrayLike) -> FloatArray:
    return as_float_array(theta, "theta")


def _check_dual(s: FloatArray, name: str) -> None:
    if np.any(np.abs(s) > MAX_DUAL_ARGUMENT):
        raise DivergenceError(
            f"{name}: the dual variable reached |z|/w = {np.abs(s).max():.3g} > {MAX_DUAL_ARGUMENT:g}; "
            "the inverse mirror map would overflow (is the step size too large?)"
        )


class Potential(ABC):
    r"""The protocol of a separable Legendre function :math:`\psi(\theta) = \sum_j\phi_j(\theta_j)`.

    Every potential of this module derives from it, and :func:`ibcore.algorithms.mirror_descent`,
    :func:`ibcore.algorithms.mirror_flow`, :func:`ibcore.limits.mirror_flow_limit` and
    :func:`ibcore.programs.min_bregman_program` accept any of them. Methods act coordinate by
    coordinate on the last axis; a subclass implements :meth:`grad`, :meth:`grad_inv`,
    :meth:`hess_inv`, :meth:`conjugate` and :meth:`dual_scale`, and :meth:`coordinate_values`
    where :math:`\psi` has a closed form (:class:`DeepDiagonal` has none).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> psi = ib.potentials.HyperbolicEntropy(gamma=2.0, weight=0.25)
    >>> theta = np.array([0.5, -1.0])
    >>> bool(np.allclose(psi.grad_inv(psi.grad(theta)), theta))      # the mirror map and its inverse
    True
    >>> round(psi.bregman(theta, theta), 12)                         # D(theta, theta) = 0
    0.0
    """

    def coordinate_values(self, theta: ArrayLike) -> FloatArray:
        r"""The terms :math:`\phi_j(\theta_j)` (coordinates on the last axis); :meth:`value` is their sum."""
        raise InputError(f"{type(self).__name__} is known through its inverse mirror map only: it has no "
                         "closed-form value (use conjugate, grad and grad_inv)")

    def value(self, theta: ArrayLike) -> float:
        r"""The potential :math:`\psi(\theta) = \sum_j\phi_j(\theta_j)`."""
        return float(np.sum(self.coordinate_values(theta)))

    @abstractmethod
    def grad(self, theta: ArrayLike) -> FloatArray:
        r"""The mirror map :math:`\nabla\psi(\theta)`."""

    @abstractmethod
    def grad_inv(self, z: ArrayLike) -> FloatArray:
        r"""The inverse mirror map :math:`(\nabla\psi)^{-1}(z) = \nabla\psi^*(z)`."""

    @abstractmethod
    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        r"""The inverse Hessian :math:`(\nabla^2\psi(\theta))^{-1}`, diagonal, as a vector."""

    @abstractmethod
    def conjugate(self, z: ArrayLike) -> float:
        r"""The convex conjugate :math:`\psi^*(z) = \sup_\theta\langle z, \theta\rangle - \psi(\theta)`."""

    @abstractmethod
    def dual_scale(self) -> FloatArray:
        r"""The size of dual values :math:`z` on which :meth:`grad_inv` is well conditioned (integrators saturate
        trial states at :data:`MAX_DUAL_ARGUMENT` times it)."""

    def bregman(self, theta: ArrayLike, reference: ArrayLike) -> float:
        r"""The Bregman divergence :math:`D_\psi(\theta, \theta') = \psi(\theta) - \psi(\theta')
        - \langle\nabla\psi(\theta'), \theta - \theta'\rangle` (``reference`` is :math:`\theta'`)."""
        t, r = _theta(theta), as_float_array(reference, "reference")
        return self.value(t) - self.value(r) - float(np.sum(self.grad(r) * (t - r)))


def asinh_ratio(t: FloatArray, g: FloatArray) -> FloatArray:
    r""":math:`\mathrm{arcsinh}(t/g)` for :math:`g > 0`, also where :math:`t/g` overflows: there it is
    :math:`\mathrm{sign}(t)(\log 2 + \log|t| - \log g)`, exact to rounding once :math:`|t/g| > 10^{150}`."""
    t, g = np.broadcast_arrays(np.asarray(t, dtype=np.float64), np.asarray(g, dtype=np.float64))
    with np.errstate(over="ignore"):
        ratio = t / g
    big = ~(np.abs(ratio) <= 1e150)
    if not np.any(big):
        return np.arcsinh(ratio)
    far = np.sign(t) * (np.log(2.0) + np.log(np.where(big, np.abs(t), 1.0)) - np.log(g))
    return np.where(big, far, np.arcsinh(np.where(big, 0.0, ratio)))


def scaled_sinh(s: FloatArray, c: FloatArray) -> FloatArray:
    r""":math:`c\sinh(s)` for :math:`c > 0`, without overflow when :math:`c` is tiny and :math:`|s|` large.

    Computed as :math:`\mathrm{sign}(s)\,e^{|s| + \log(c/2)}\,(1 - e^{-2|s|})`.
    """
    a = np.abs(s)
    return np.sign(s) * np.exp(a + np.log(c / 2)) * (-np.expm1(-2 * a))


def scaled_cosh_minus_one(s: FloatArray, c: FloatArray) -> FloatArray:
    r""":math:`c(\cosh(s) - 1)` for :math:`c > 0`, accurate for small :math:`|s|` and tiny :math:`c`.

    Uses :math:`2c\sinh^2(s/2)` with :math:`\sinh` from :func:`scaled_sinh`.
    """
    half = scaled_sinh(s / 2, np.sqrt(2 * c))  # sqrt(2c) sinh(s/2)
    return half * half


@dataclass(frozen=True)
class Euclidean(Potential):
    r""":math:`\psi(\theta) = \frac{w}{2}\|\theta\|^2`; the mirror map is :math:`w\theta` (plain GD's geometry)."""

    weight: float | FloatArray = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", _positive_param(self.weight, "weight"))

    def coordinate_values(self, theta: ArrayLike) -> FloatArray:
        """The terms :math:`\\phi_j(\\theta_j)` (coordinates on the last axis); ``value`` is their sum."""
        t = _theta(theta)
        return self.weight * t * t / 2

    def value(self, theta: ArrayLike) -> float:
        return float(np.sum(self.coordinate_values(theta)))

    def grad(self, theta: ArrayLike) -> FloatArray:
        return self.weight * _theta(theta)

    def grad_inv(self, z: ArrayLike) -> FloatArray:
        return as_float_array(z, "z") / self.weight

    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        return np.broadcast_to(1.0 / self.weight, _theta(theta).shape).copy()

    def conjugate(self, z: ArrayLike) -> float:
        zz = as_float_array(z, "z")
        return float(np.sum(zz * zz / self.weight) / 2)

    def dual_scale(self) -> FloatArray:
        return np.asarray(np.inf)

    def bregman(self, theta: ArrayLike, reference: ArrayLike) -> float:
        d = _theta(theta) - as_float_array(reference, "reference")
        return float(np.sum(self.weight * d * d) / 2)


@dataclass(frozen=True)
class NegativeEntropy(Potential):
    r""":math:`\psi(\theta) = w\sum_j (\theta_j\log\theta_j - \theta_j)` on :math:`\theta > 0`.

    Mirror map :math:`w\log\theta`, inverse :math:`e^{z/w}`, inverse Hessian :math:`\theta/w`,
    conjugate :math:`w\sum_j e^{z_j/w}`; the Bregman divergence is :math:`w` times the
    relative entropy :math:`\sum_j \theta_j\log(\theta_j/\theta'_j) - \theta_j + \theta'_j`.
    It is the potential of the square parameterisation :math:`\theta = u\odot u`
    (with :math:`w = 1/4`; Chizat, Lecture 10, §3).
    """

    weight: float | FloatArray = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", _positive_param(self.weight, "weight"))

    @staticmethod
    def _positive(theta: ArrayLike, name: str = "theta") -> FloatArray:
        t = as_float_array(theta, name)
        if np.any(t <= 0):
            raise InputError(f"{name} must be positive for the negative entropy; got min {t.min():.3g}")
        return t

    def coordinate_values(self, theta: ArrayLike) -> FloatArray:
        """The terms :math:`\\phi_j(\\theta_j)` (coordinates on the last axis); ``value`` is their sum."""
        t = self._positive(theta)
        return self.weight * (t * np.log(t) - t)

    def value(self, theta: ArrayLike) -> float:
        return float(np.sum(self.coordinate_values(theta)))

    def grad(self, theta: ArrayLike) -> FloatArray:
        return self.weight * np.log(self._positive(theta))

    def grad_inv(self, z: ArrayLike) -> FloatArray:
        s = as_float_array(z, "z") / self.weight
        _check_dual(s, "negative entropy")
        return np.exp(s)

    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        return self._positive(theta) / self.weight

    def conjugate(self, z: ArrayLike) -> float:
        s = as_float_array(z, "z") / self.weight
        _check_dual(s, "negative entropy")
        return float(np.sum(self.weight * np.exp(s)))

    def dual_scale(self) -> FloatArray:
        return np.asarray(self.weight)

    def bregman(self, theta: ArrayLike, reference: ArrayLike) -> float:
        t, r = self._positive(theta), self._positive(reference, "reference")
        return float(np.sum(self.weight * (t * np.log(t / r) - t + r)))


@dataclass(frozen=True)
class HyperbolicEntropy(Potential):
    r"""The hyperbolic entropy :math:`\psi(\theta) = w\sum_j [\theta_j\,\mathrm{arcsinh}(\theta_j/\gamma_j)
    - \sqrt{\theta_j^2+\gamma_j^2} + \gamma_j]`.

    Mirror map :math:`w\,\mathrm{arcsinh}(\theta/\gamma)`, inverse :math:`\gamma\sinh(z/w)`,
    inverse Hessian :math:`\sqrt{\theta^2+\gamma^2}/w`, conjugate
    :math:`w\gamma(\cosh(z/w) - 1)`. ``gamma`` may differ per coordinate. For
    :math:`\gamma\to 0` it behaves like :math:`w\log(1/\gamma)\|\theta\|_1`, for
    :math:`\gamma\to\infty` like :math:`\frac{w}{2\gamma}\|\theta\|_2^2`.
    """

    gamma: float | FloatArray
    weight: float | FloatArray = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "gamma", _positive_param(self.gamma, "gamma"))
        object.__setattr__(self, "weight", _positive_param(self.weight, "weight"))

    def _phi(self, t: FloatArray) -> FloatArray:
        # theta asinh(theta/g) - (hypot(theta, g) - g), the bracket written without cancellation
        g = self.gamma
        return t * asinh_ratio(t, g) - t * (t / (np.hypot(t, g) + g))

    def coordinate_values(self, theta: ArrayLike) -> FloatArray:
        """The terms :math:`\\phi_j(\\theta_j)` (coordinates on the last axis); ``value`` is their sum."""
        return self.weight * self._phi(_theta(theta))

    def value(self, theta: ArrayLike) -> float:
        return float(np.sum(self.coordinate_values(theta)))

    def grad(self, theta: ArrayLike) -> FloatArray:
        return self.weight * asinh_ratio(_theta(theta), self.gamma)

    def grad_inv(self, z: ArrayLike) -> FloatArray:
        s = as_float_array(z, "z") / self.weight
        _check_dual(s, "hyperbolic entropy")
        return scaled_sinh(s, self.gamma)

    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        return np.hypot(_theta(theta), self.gamma) / self.weight

    def conjugate(self, z: ArrayLike) -> float:
        s = as_float_array(z, "z") / self.weight
        _check_dual(s, "hyperbolic entropy")
        return float(np.sum(self.weight * scaled_cosh_minus_one(s, self.gamma)))

    def dual_scale(self) -> FloatArray:
        return np.asarray(self.weight)

    def bregman(self, theta: ArrayLike, reference: ArrayLike) -> float:
        t, r = _theta(theta), as_float_array(reference, "reference")
        linear = asinh_ratio(r, self.gamma) * (t - r)
        return float(np.sum(self.weight * (self._phi(t) - self._phi(r) - linear)))


def _box_check(inside: np.ndarray, name: str) -> None:
    if not np.all(inside):
        raise DivergenceError(f"{name}: the dual variable left the bounded domain of the inverse mirror map "
                              f"({int(np.size(inside) - np.count_nonzero(inside))} coordinates outside)")


@dataclass(frozen=True)
class LogCosh(Potential):
    r"""The potential of :math:`\theta = \log u - \log v`: :math:`\psi(\theta) = \frac14\sum_j
    [b_j\,\mathrm{sp}(2\theta_j) + a_j\,\mathrm{sp}(-2\theta_j)]`, :math:`\mathrm{sp}(x) = \log(1+e^x)`.

    Mirror map :math:`\nabla\psi(\theta) = \frac12[b\,\sigma(2\theta) - a\,\sigma(-2\theta)]` with
    :math:`\sigma` the logistic function; its range is the **bounded** box
    :math:`(-a/2, b/2)`, on which the inverse is
    :math:`\theta = \frac12[\log(a + 2z) - \log(b - 2z)]`. Inverse Hessian
    :math:`1/((a+b)\,\sigma(2\theta)\sigma(-2\theta))`. For :math:`a = b = c` it is the rescaled
    log-cosh :math:`\frac c2\sum_j\log(2\cosh\theta_j)` (Jacobs, Zhou & Burkholz 2025, App. E).
    The gradient flow of :math:`\log u - \log v` from :math:`(u_0, v_0)` has
    :math:`a = u_0^2`, :math:`b = v_0^2`.
    """

    a: float | FloatArray
    b: float | FloatArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", _positive_param(self.a, "a"))
        object.__setattr__(self, "b", _positive_param(self.b, "b"))

    def coordinate_values(self, theta: ArrayLike) -> FloatArray:
        t = _theta(theta)
        return (self.b * np.logaddexp(0.0, 2 * t) + self.a * np.logaddexp(0.0, -2 * t)) / 4

    def value(self, theta: ArrayLike) -> float:
        return float(np.sum(self.coordinate_values(theta)))

    def grad(self, theta: ArrayLike) -> FloatArray:
        t = _theta(theta)
        return (self.b * _logistic(2 * t) - self.a * _logistic(-2 * t)) / 2

    def _inside(self, z: FloatArray) -> np.ndarray:
        return (z > -self.a / 2) & (z < self.b / 2)

    def grad_inv(self, z: ArrayLike) -> FloatArray:
        s = as_float_array(z, "z")
        _box_check(self._inside(s), "log-cosh potential")
        return (np.log(self.a + 2 * s) - np.log(self.b - 2 * s)) / 2

    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        t = _theta(theta)
        return 1 / ((self.a + self.b) * _logistic(2 * t) * _logistic(-2 * t))

    def conjugate(self, z: ArrayLike) -> float:
        """:math:`\\psi^*(z)`, ``inf`` outside the box (where the conjugate is infinite)."""
        s = as_float_array(z, "z")
        if not np.all(self._inside(np.broadcast_to(s, np.broadcast(s, self.a).shape))):
            return np.inf
        t = self.grad_inv(s)
        return float(np.sum(s * t - self.coordinate_values(t)))

    def dual_scale(self) -> FloatArray:
        return np.minimum(self.a, self.b) / 8

    def bregman(self, theta: ArrayLike, reference: ArrayLike) -> float:
        t, r = _theta(theta), as_float_array(reference, "reference")
        return float(np.sum(self.coordinate_values(t) - self.coordinate_values(r) - self.grad(r) * (t - r)))


def _logistic(x: FloatArray) -> FloatArray:
    return np.exp(-np.logaddexp(0.0, -x))


@dataclass(frozen=True)
class DeepDiagonal(Potential):
    r"""The potential of the depth-:math:`k` network :math:`\theta = u^k - v^k` (:math:`k\ge3`, :math:`u, v > 0`),
    defined through its inverse mirror map (there is no closed form for :math:`\psi` itself).

    Gradient flow from :math:`(u_0, v_0)` gives :math:`u^{2-k} = A - K\mu`,
    :math:`v^{2-k} = B + K\mu` with :math:`A = u_0^{2-k}`, :math:`B = v_0^{2-k}`,
    :math:`K = k(k-2)` and :math:`\mu = -\int_0^t\nabla R`, so

    .. math:: \nabla\psi^{-1}(\mu) = (A - K\mu)^{-P} - (B + K\mu)^{-P},\qquad P = \frac{k}{k-2},

    on the bounded box :math:`-B/K < \mu < A/K` (the range of :math:`\nabla\psi`), with the
    conjugate :math:`\psi^*(\mu) = \frac1{2k}\sum_j[(A - K\mu)^{1-P} - A^{1-P} + (B + K\mu)^{1-P} - B^{1-P}]`
    (Woodworth et al. 2020, §5, in the dual form). ``grad`` inverts the monotone map by
    bisection inside the box.
    """

    k: int
    u0: float | FloatArray
    v0: float | FloatArray

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, (int, np.integer)) or self.k < 3:
            raise InputError(f"DeepDiagonal needs an integer depth k >= 3; got {self.k!r}")
        object.__setattr__(self, "u0", _positive_param(self.u0, "u0"))
        object.__setattr__(self, "v0", _positive_param(self.v0, "v0"))

    def dual_parameters(self) -> tuple[FloatArray, FloatArray, float, float]:
        r""":math:`(A, B, K, P) = (u_0^{2-k}, v_0^{2-k}, k(k-2), k/(k-2))` of the inverse mirror map."""
        k = self.k
        return self.u0 ** (2.0 - k), self.v0 ** (2.0 - k), float(k * (k - 2)), k / (k - 2)

    def box(self) -> tuple[FloatArray, FloatArray]:
        """The open interval :math:`(-B/K, A/K)` of dual values, coordinate by coordinate."""
        A, B, K, _ = self.dual_parameters()
        return -B / K, A / K

    def _inside(self, z: FloatArray) -> np.ndarray:
        lo, hi = self.box()
        return (z > lo) & (z < hi)

    def grad_inv(self, z: ArrayLike) -> FloatArray:
        s = as_float_array(z, "z")
        _box_check(self._inside(s), "depth-k potential")
        A, B, K, P = self.dual_parameters()
        return (A - K * s) ** (-P) - (B + K * s) ** (-P)

    def _dual_hess(self, s: FloatArray) -> FloatArray:
        A, B, K, P = self.dual_parameters()
        return P * K * ((A - K * s) ** (-P - 1) + (B + K * s) ** (-P - 1))

    def grad(self, theta: ArrayLike) -> FloatArray:
        t = _theta(theta)
        lo, hi = self.box()
        lo, hi = np.broadcast_to(lo, t.shape).copy(), np.broadcast_to(hi, t.shape).copy()
        for _ in range(200):  # bisection on the increasing map mu -> theta(mu)
            mid = (lo + hi) / 2
            below = self.grad_inv(mid) < t
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
            if np.all(hi - lo <= 4 * np.finfo(float).eps * np.maximum(np.abs(mid), 1e-300)):
                break
        return (lo + hi) / 2

    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        return self._dual_hess(self.grad(theta))

    def conjugate(self, z: ArrayLike) -> float:
        """:math:`\\psi^*(z)`, ``inf`` outside the box."""
        s = as_float_array(z, "z")
        if not np.all(self._inside(np.broadcast_to(s, np.broadcast(s, self.u0).shape))):
            return np.inf
        A, B, K, P = self.dual_parameters()
        e = 1 - P
        return float(np.sum(((A - K * s) ** e - A**e + (B + K * s) ** e - B**e) / (2 * self.k)))

    def dual_scale(self) -> FloatArray:
        lo, hi = self.box()
        return np.minimum(-lo, hi) / 8


def q(z: ArrayLike) -> FloatArray:
    r"""Woodworth et al.'s :math:`q(z) = 2 - \sqrt{4 + z^2} + z\,\mathrm{arcsinh}(z/2)` (elementwise).

    :math:`q(z) = z^2/4 + O(z^4)` near 0 and :math:`q(z) = |z|\log|z| - |z| + 2 - 1/|z| + O(|z|^{-3})` at
    infinity. Computed as :math:`h_2(z)` of :class:`HyperbolicEntropy`, without cancellation.
    """
    return HyperbolicEntropy(2.0, 1.0).coordinate_values(as_float_array(z, "z"))


def q_alpha(theta: ArrayLike, alpha: float) -> float:
    r""":math:`Q_\alpha(\theta) = \alpha^2\sum_j q(\theta_j/\alpha^2) = \sum_j h_{2\alpha^2}(\theta_j)`.

    Woodworth et al. (2020), Thm 1; Ma's notes, Thm 9.18. The diagonal network's mirror
    potential is :math:`\psi_\alpha = Q_\alpha/4`, so both have the same
    minimiser over the interpolators.
    """
    return HyperbolicEntropy(alpha_gamma(alpha), 1.0).value(theta)


def alpha_gamma(alpha: ArrayLike) -> FloatArray:
    r"""The hyperbolic-entropy scale :math:`\gamma = 2\alpha^2` of the initialisation :math:`u_0 = v_0 = \alpha`."""
    a = _positive_param(alpha, "alpha")
    return 2 * a * a


def diagonal_potential(alpha: ArrayLike) -> HyperbolicEntropy:
    r"""The potential :math:`\psi_\alpha = \frac14\sum_j h_{2\alpha_j^2}` of the flow of :math:`u\odot u - v\odot v`.

    ``alpha`` may be a scalar or per coordinate (an effective :math:`\alpha` of GD or SGD).
    """
    return HyperbolicEntropy(alpha_gamma(alpha), 0.25)
