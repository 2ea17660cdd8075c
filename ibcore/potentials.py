r"""Separable Legendre functions (mirror potentials) :math:`\psi(\theta) = \sum_j \phi_j(\theta_j)`.

Each potential provides its value, its gradient (the *mirror map*) :math:`\nabla\psi`,
the inverse mirror map :math:`\nabla\psi^{-1} = \nabla\psi^*`, the inverse Hessian
:math:`(\nabla^2\psi)^{-1}` (diagonal, returned as a vector), its convex conjugate
:math:`\psi^*` and the Bregman divergence

.. math:: D_\psi(\theta, \theta') = \psi(\theta) - \psi(\theta') - \langle\nabla\psi(\theta'), \theta - \theta'\rangle .

Parameters may be scalars or per-coordinate arrays (broadcast against ``theta``). The protocol
:class:`Potential` documents the methods once.

- :class:`Euclidean`: :math:`\phi(t) = \frac{w}{2}t^2`, mirror map :math:`w\,t`;
- :class:`NegativeEntropy`: :math:`\phi(t) = w\,(t\log t - t)` on :math:`t > 0`, mirror map
  :math:`w\log t`;
- :class:`HyperbolicEntropy`: :math:`\phi(t) = w\,[t\,\mathrm{arcsinh}(t/\gamma) - \sqrt{t^2+\gamma^2}
  + \gamma]`, mirror map :math:`w\,\mathrm{arcsinh}(t/\gamma)`;
- :class:`LogCosh`: the potential of :math:`\theta = \log u - \log v`, whose mirror map has a
  bounded range;
- :class:`DeepDiagonal`: the potential of :math:`\theta = u^k - v^k`, known through its inverse
  mirror map only.

The hyperbolic entropy is the potential of the diagonal network
:math:`\theta = u\odot u - v\odot v` (with :math:`w = 1/4`, :math:`\gamma = 2|u_0 v_0|`);
all its maps are evaluated in forms that neither overflow nor cancel for
:math:`\gamma` anywhere in :math:`[10^{-24}, 10^{8}]`.

Examples
--------
>>> import numpy as np
>>> import ibcore as ib
>>> def ratio(psi):                                  # psi(e_1) / psi(e/2): 1 for the l1 norm, 2 for l2 squared
...     return round(psi.value([1.0, 0.0]) / psi.value([0.5, 0.5]), 3)
>>> ratio(ib.potentials.diagonal_potential(1e-6)), ratio(ib.potentials.diagonal_potential(1e3))
(1.027, 2.0)
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
    where :math:`\psi` has a closed form (:class:`DeepDiagonal` has none). The methods are
    documented here once; each subclass's docstring gives its formulas. Parameters of a potential
    (``weight``, ``gamma``, ...) may be per coordinate: they broadcast against ``theta``.

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
        r"""The terms :math:`\phi_j(\theta_j)` (coordinates on the last axis); :meth:`value` is their sum.

        Parameters
        ----------
        theta : array_like of shape (..., d)
            Points in the domain of :math:`\psi`.

        Returns
        -------
        ndarray of shape (..., d)
            :math:`\phi_j(\theta_j)` for each coordinate.

        Raises
        ------
        InputError
            If ``theta`` is not a real, finite, non-empty array, lies outside the domain
            (:class:`NegativeEntropy` needs :math:`\theta > 0`), or the potential has no closed form
            (:class:`DeepDiagonal`).

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.potentials.Euclidean(2.0).coordinate_values([1.0, -3.0]))   # w t^2 / 2
        [1. 9.]
        """
        raise InputError(f"{type(self).__name__} is known through its inverse mirror map only: it has no "
                         "closed-form value (use conjugate, grad and grad_inv)")

    def value(self, theta: ArrayLike) -> float:
        r"""The potential :math:`\psi(\theta) = \sum_j\phi_j(\theta_j)`.

        Parameters
        ----------
        theta : array_like of shape (..., d)
            A point in the domain of :math:`\psi` (a stack of points is summed over all of them).

        Returns
        -------
        float
            :math:`\psi(\theta)`.

        Raises
        ------
        InputError
            As :meth:`coordinate_values`: a non-finite ``theta``, one outside the domain, or a potential
            without a closed form (:class:`DeepDiagonal`).

        Examples
        --------
        >>> import ibcore as ib
        >>> ib.potentials.NegativeEntropy(1.0).value([1.0])              # t log t - t at t = 1
        -1.0
        """
        return float(np.sum(self.coordinate_values(theta)))

    @abstractmethod
    def grad(self, theta: ArrayLike) -> FloatArray:
        r"""The mirror map :math:`\nabla\psi(\theta)`.

        Parameters
        ----------
        theta : array_like of shape (..., d)
            Points in the domain of :math:`\psi`.

        Returns
        -------
        ndarray of shape (..., d)
            The dual point :math:`z = \nabla\psi(\theta)`, coordinate by coordinate (for
            :class:`LogCosh` and :class:`DeepDiagonal` inside their bounded box).

        Raises
        ------
        InputError
            If ``theta`` is not a real, finite, non-empty array or lies outside the domain
            (:class:`NegativeEntropy` needs :math:`\theta > 0`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.potentials.NegativeEntropy(1.0).grad([np.e]))   # w log t
        [1.]
        """

    @abstractmethod
    def grad_inv(self, z: ArrayLike) -> FloatArray:
        r"""The inverse mirror map :math:`(\nabla\psi)^{-1}(z) = \nabla\psi^*(z)`.

        Mirror descent and the mirror flows keep the dual point :math:`z` as their state and map it
        back with this method; it refuses a :math:`z` at which it would overflow instead of returning ``inf``.

        Parameters
        ----------
        z : array_like of shape (..., d)
            Dual points.

        Returns
        -------
        ndarray of shape (..., d)
            :math:`\theta = \nabla\psi^*(z)`.

        Raises
        ------
        InputError
            If ``z`` is not a real, finite, non-empty array.
        DivergenceError
            If :math:`|z|/w` exceeds :data:`MAX_DUAL_ARGUMENT` (:class:`NegativeEntropy`,
            :class:`HyperbolicEntropy`, whose inverse is exponential), or ``z`` lies outside the bounded
            range of :math:`\nabla\psi` (:class:`LogCosh`, :class:`DeepDiagonal`).

        Examples
        --------
        >>> import ibcore as ib
        >>> psi = ib.potentials.HyperbolicEntropy(gamma=1.0)
        >>> print(psi.grad_inv([0.0]), psi.grad(psi.grad_inv([2.0])))    # gamma sinh(z / w)
        [0.] [2.]
        """

    @abstractmethod
    def hess_inv(self, theta: ArrayLike) -> FloatArray:
        r"""The inverse Hessian :math:`(\nabla^2\psi(\theta))^{-1}`, diagonal, as a vector.

        It is the metric :math:`H` of the mirror flow, :math:`\dot\theta = -H\nabla R(\theta)`, and of
        :func:`ibcore.limits.sensitivity`.

        Parameters
        ----------
        theta : array_like of shape (..., d)
            Points in the domain of :math:`\psi`.

        Returns
        -------
        ndarray of shape (..., d)
            The diagonal of :math:`(\nabla^2\psi(\theta))^{-1}`, positive.

        Raises
        ------
        InputError
            If ``theta`` is not a real, finite, non-empty array or lies outside the domain
            (:class:`NegativeEntropy` needs :math:`\theta > 0`).

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.potentials.HyperbolicEntropy(gamma=3.0, weight=0.5).hess_inv([4.0]))   # sqrt(t^2 + gamma^2) / w
        [10.]
        """

    @abstractmethod
    def conjugate(self, z: ArrayLike) -> float:
        r"""The convex conjugate :math:`\psi^*(z) = \sup_\theta\langle z, \theta\rangle - \psi(\theta)`.

        The dual objective of :func:`ibcore.limits.mirror_flow_limit` is
        :math:`\psi^*(z_0 + X^\top\nu) - \langle y, \nu\rangle`.

        Parameters
        ----------
        z : array_like of shape (..., d)
            Dual points.

        Returns
        -------
        float
            :math:`\psi^*(z)`, summed over the coordinates; ``inf`` outside the bounded domain of
            :class:`LogCosh` and :class:`DeepDiagonal`, where the conjugate is infinite.

        Raises
        ------
        InputError
            If ``z`` is not a real, finite, non-empty array.
        DivergenceError
            If :math:`|z|/w` exceeds :data:`MAX_DUAL_ARGUMENT` (:class:`NegativeEntropy`,
            :class:`HyperbolicEntropy`).

        Examples
        --------
        >>> import ibcore as ib
        >>> ib.potentials.Euclidean(2.0).conjugate([2.0]), ib.potentials.LogCosh(1.0, 1.0).conjugate([0.6])
        (1.0, inf)
        """

    @abstractmethod
    def dual_scale(self) -> FloatArray:
        r"""The size of dual values :math:`z` on which :meth:`grad_inv` is well conditioned.

        Integrators saturate trial states at :data:`MAX_DUAL_ARGUMENT` times it, and the damped Newton
        steps of :func:`ibcore.limits.mirror_flow_limit` are measured in its units.

        Returns
        -------
        ndarray
            A scalar or per-coordinate array: ``inf`` for :class:`Euclidean` (its inverse map never
            overflows), the weight :math:`w` for the entropies, :math:`\min(a, b)/8` for :class:`LogCosh`
            and an eighth of the distance from 0 to the nearer end of the box for :class:`DeepDiagonal`.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.potentials.HyperbolicEntropy(1.0, 0.25).dual_scale(), ib.potentials.Euclidean().dual_scale())
        0.25 inf
        """

    def bregman(self, theta: ArrayLike, reference: ArrayLike) -> float:
        r"""The Bregman divergence of :math:`\psi` between ``theta`` and ``reference``.

        .. math:: D_\psi(\theta, \theta') = \psi(\theta) - \psi(\theta')
                  - \langle\nabla\psi(\theta'), \theta - \theta'\rangle

        (``reference`` is :math:`\theta'`). Non-negative, zero only at :math:`\theta = \theta'`; the limits
        of the mirror flows minimise it over the interpolators.

        Parameters
        ----------
        theta : array_like of shape (d,)
            The point :math:`\theta`.
        reference : array_like of shape (d,)
            The reference :math:`\theta'`.

        Returns
        -------
        float
            :math:`D_\psi(\theta, \theta')`.

        Raises
        ------
        InputError
            If either argument is not a real, finite, non-empty array, lies outside the domain
            (:class:`NegativeEntropy` needs positive entries), or the potential has no closed form
            (:class:`DeepDiagonal`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> psi = ib.potentials.NegativeEntropy(1.0)               # the relative entropy
        >>> print(round(psi.bregman([2.0], [1.0]), 12), round(2 * np.log(2) - 1, 12))
        0.38629436112 0.38629436112
        """
        t, r = _theta(theta), as_float_array(reference, "reference")
        return self.value(t) - self.value(r) - float(np.sum(self.grad(r) * (t - r)))


def asinh_ratio(t: FloatArray, g: FloatArray) -> FloatArray:
    r""":math:`\mathrm{arcsinh}(t/g)` for :math:`g > 0`, also where :math:`t/g` overflows.

    There it is :math:`\mathrm{sign}(t)(\log 2 + \log|t| - \log g)`, exact to rounding once
    :math:`|t/g| > 10^{150}`. The mirror map of :class:`HyperbolicEntropy` at tiny :math:`\gamma`.

    Parameters
    ----------
    t : ndarray
        The numerators.
    g : ndarray
        The denominators, positive (broadcast against ``t``; neither is checked, so a NaN passes through).

    Returns
    -------
    ndarray
        :math:`\mathrm{arcsinh}(t/g)`, with the shape of ``t`` and ``g`` broadcast.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> out = ib.potentials.asinh_ratio(np.array([1.0, 1e300]), np.array(1e-10))
    >>> print(np.round(out, 6))                                 # t / g = 1e310 overflows float64
    [ 23.718998 714.494526]
    """
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

    Computed as :math:`\mathrm{sign}(s)\,e^{|s| + \log(c/2)}\,(1 - e^{-2|s|})`: the inverse mirror
    map :math:`\gamma\sinh(z/w)` of :class:`HyperbolicEntropy`.

    Parameters
    ----------
    s : ndarray
        The arguments of :math:`\sinh` (not checked; beyond about :math:`709 - \log(c/2)` the result
        overflows).
    c : ndarray
        The positive factors (not checked), broadcast against ``s``.

    Returns
    -------
    ndarray
        :math:`c\sinh(s)`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> out = ib.potentials.scaled_sinh(np.array([1.0, 800.0]), np.array(1e-300))
    >>> print(f"{out[0]:.6e} {out[1]:.6e}")                      # sinh(800) alone overflows
    1.175201e-300 1.363187e+47
    """
    a = np.abs(s)
    return np.sign(s) * np.exp(a + np.log(c / 2)) * (-np.expm1(-2 * a))


def scaled_cosh_minus_one(s: FloatArray, c: FloatArray) -> FloatArray:
    r""":math:`c(\cosh(s) - 1)` for :math:`c > 0`, accurate for small :math:`|s|` and tiny :math:`c`.

    Uses :math:`2c\sinh^2(s/2)` with :math:`\sinh` from :func:`scaled_sinh`: the conjugate
    :math:`w\gamma(\cosh(z/w) - 1)` of :class:`HyperbolicEntropy`, without the cancellation of
    :math:`\cosh(s) - 1` near 0.

    Parameters
    ----------
    s : ndarray
        The arguments (not checked).
    c : ndarray
        The positive factors (not checked), broadcast against ``s``.

    Returns
    -------
    ndarray
        :math:`c(\cosh(s) - 1)`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> out = ib.potentials.scaled_cosh_minus_one(np.array([1e-8, 2.0]), np.array(1.0))
    >>> print(f"{out[0]:.6e} {out[1]:.6f}")                      # cosh(1e-8) - 1 rounds to 0
    5.000000e-17 2.762196
    """
    half = scaled_sinh(s / 2, np.sqrt(2 * c))  # sqrt(2c) sinh(s/2)
    return half * half


@dataclass(frozen=True)
class Euclidean(Potential):
    r""":math:`\psi(\theta) = \frac{w}{2}\|\theta\|^2`; the mirror map is :math:`w\theta` (plain GD's geometry).

    Inverse mirror map :math:`z/w`, inverse Hessian :math:`1/w`, conjugate
    :math:`\sum_j z_j^2/(2w_j)`, Bregman divergence :math:`\frac w2\|\theta - \theta'\|^2` and
    :meth:`~Potential.dual_scale` ``inf``. A per-coordinate ``weight`` :math:`w` gives the geometry of
    GD preconditioned by :math:`P = \mathrm{diag}(1/w)`.

    Parameters
    ----------
    weight : float or ndarray, default 1.0
        The weight :math:`w > 0`, scalar or per coordinate.

    Raises
    ------
    InputError
        If ``weight`` is not finite and positive (every entry).

    Examples
    --------
    >>> import ibcore as ib
    >>> psi = ib.potentials.Euclidean(2.0)
    >>> print(psi.value([1.0, 2.0]), psi.grad([1.0, 2.0]), psi.grad_inv([2.0]), psi.bregman([1.0], [0.0]))
    5.0 [2. 4.] [1.] 1.0
    """

    weight: float | FloatArray = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", _positive_param(self.weight, "weight"))

    def coordinate_values(self, theta: ArrayLike) -> FloatArray:
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
    (with :math:`w = 1/4`; Chizat, Lecture 10, §3). :meth:`~Potential.dual_scale` is :math:`w`.
    Every method taking :math:`\theta` raises :class:`~ibcore.errors.InputError` unless :math:`\theta > 0`.

    Parameters
    ----------
    weight : float or ndarray, default 1.0
        The weight :math:`w > 0`, scalar or per coordinate.

    Raises
    ------
    InputError
        If ``weight`` is not finite and positive (every entry).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> psi = ib.potentials.NegativeEntropy(0.25)
    >>> print(psi.grad_inv([0.0]), psi.hess_inv([2.0]), round(psi.conjugate([0.0]), 6))
    [1.] [8.] 0.25
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
    r"""The hyperbolic entropy :math:`\psi(\theta) = w\sum_j h_{\gamma_j}(\theta_j)`.

    .. math:: h_\gamma(t) = t\,\mathrm{arcsinh}(t/\gamma) - \sqrt{t^2+\gamma^2} + \gamma .

    Mirror map :math:`w\,\mathrm{arcsinh}(\theta/\gamma)`, inverse :math:`\gamma\sinh(z/w)`,
    inverse Hessian :math:`\sqrt{\theta^2+\gamma^2}/w`, conjugate
    :math:`w\gamma(\cosh(z/w) - 1)`. ``gamma`` may differ per coordinate. For
    :math:`\gamma\to 0` it behaves like :math:`w\log(1/\gamma)\|\theta\|_1`, for
    :math:`\gamma\to\infty` like :math:`\frac{w}{2\gamma}\|\theta\|_2^2`. It is the potential of
    :math:`\theta = u\odot u - v\odot v` (:func:`diagonal_potential`); every map is evaluated without
    overflow or cancellation (:func:`asinh_ratio`, :func:`scaled_sinh`, :func:`scaled_cosh_minus_one`).
    :meth:`~Potential.dual_scale` is :math:`w`.

    Parameters
    ----------
    gamma : float or ndarray
        The scale :math:`\gamma > 0`, scalar or per coordinate.
    weight : float or ndarray, default 1.0
        The weight :math:`w > 0`, scalar or per coordinate.

    Raises
    ------
    InputError
        If ``gamma`` or ``weight`` is not finite and positive (every entry).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> psi = ib.potentials.HyperbolicEntropy(gamma=2.0, weight=0.25)
    >>> print(np.round(psi.grad([0.5, -1.0]), 6), np.round(psi.hess_inv([0.0]), 6))
    [ 0.061867 -0.120303] [8.]
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
    r"""The potential of :math:`\theta = \log u - \log v`.

    .. math:: \psi(\theta) = \frac14\sum_j\big[b_j\,\mathrm{sp}(2\theta_j) + a_j\,\mathrm{sp}(-2\theta_j)\big],
              \qquad \mathrm{sp}(x) = \log(1+e^x).

    Mirror map :math:`\nabla\psi(\theta) = \frac12[b\,\sigma(2\theta) - a\,\sigma(-2\theta)]` with
    :math:`\sigma` the logistic function; its range is the **bounded** box
    :math:`(-a/2, b/2)`, on which the inverse is
    :math:`\theta = \frac12[\log(a + 2z) - \log(b - 2z)]`. Inverse Hessian
    :math:`1/((a+b)\,\sigma(2\theta)\sigma(-2\theta))`. For :math:`a = b = c` it is the rescaled
    log-cosh :math:`\frac c2\sum_j\log(2\cosh\theta_j)` (Jacobs, Zhou & Burkholz 2025, App. E).
    The gradient flow of :math:`\log u - \log v` from :math:`(u_0, v_0)` has
    :math:`a = u_0^2`, :math:`b = v_0^2`. Outside the box :meth:`~Potential.grad_inv` raises
    :class:`~ibcore.errors.DivergenceError` and :meth:`~Potential.conjugate` is ``inf``;
    :meth:`~Potential.dual_scale` is :math:`\min(a, b)/8`.

    Parameters
    ----------
    a : float or ndarray
        :math:`a > 0`, scalar or per coordinate (the box's lower end is :math:`-a/2`).
    b : float or ndarray
        :math:`b > 0`, scalar or per coordinate (the box's upper end is :math:`b/2`).

    Raises
    ------
    InputError
        If ``a`` or ``b`` is not finite and positive (every entry).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> psi = ib.potentials.LogCosh(1.0, 1.0)
    >>> print(psi.grad([0.0, 10.0]), np.round(psi.grad_inv([0.25]), 6), round(psi.value([0.0]), 6))
    [0.  0.5] [0.549306] 0.346574
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
        r""":math:`\psi^*(z)`, ``inf`` outside the box (where the conjugate is infinite).

        See :meth:`Potential.conjugate`.
        """
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
    r"""The potential of the depth-:math:`k` network :math:`\theta = u^k - v^k` (:math:`k\ge3`, :math:`u, v > 0`).

    It is defined through its inverse mirror map (there is no closed form for :math:`\psi` itself).
    Gradient flow from :math:`(u_0, v_0)` gives :math:`u^{2-k} = A - K\mu`,
    :math:`v^{2-k} = B + K\mu` with :math:`A = u_0^{2-k}`, :math:`B = v_0^{2-k}`,
    :math:`K = k(k-2)` and :math:`\mu = -\int_0^t\nabla R`, so

    .. math:: \nabla\psi^{-1}(\mu) = (A - K\mu)^{-P} - (B + K\mu)^{-P},\qquad P = \frac{k}{k-2},

    on the bounded box :math:`-B/K < \mu < A/K` (the range of :math:`\nabla\psi`), with the
    conjugate :math:`\psi^*(\mu) = \frac1{2k}\sum_j[(A - K\mu)^{1-P} - A^{1-P} + (B + K\mu)^{1-P} - B^{1-P}]`
    (Woodworth et al. 2020, §5, in the dual form). ``grad`` inverts the monotone map by
    bisection inside the box; the inverse Hessian is the derivative
    :math:`PK[(A - K\mu)^{-P-1} + (B + K\mu)^{-P-1}]` of the inverse map at :math:`\mu = \nabla\psi(\theta)`.
    :meth:`~Potential.value`, :meth:`~Potential.coordinate_values` and :meth:`~Potential.bregman`
    raise :class:`~ibcore.errors.InputError`; outside the box :meth:`~Potential.grad_inv` raises
    :class:`~ibcore.errors.DivergenceError` and :meth:`~Potential.conjugate` is ``inf``.
    :meth:`~Potential.dual_scale` is an eighth of :math:`\min(B/K, A/K)`.

    Parameters
    ----------
    k : int
        The depth, an integer :math:`\ge 3`.
    u0 : float or ndarray
        The initialisation :math:`u_0 > 0`, scalar or per coordinate.
    v0 : float or ndarray
        The initialisation :math:`v_0 > 0`, scalar or per coordinate.

    Raises
    ------
    InputError
        If ``k`` is not an integer :math:`\ge 3`, or ``u0`` or ``v0`` is not finite and positive.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> psi = ib.potentials.DeepDiagonal(3, 1.0, 1.0)
    >>> theta = psi.grad_inv([0.1])                           # (1 - 0.3)^-3 - (1 + 0.3)^-3
    >>> print(np.round(theta, 6), np.round(psi.grad(theta), 10), psi.hess_inv([0.0]))
    [2.460286] [0.1] [18.]
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
        r"""The constants :math:`(A, B, K, P)` of the inverse mirror map.

        .. math:: (A, B, K, P) = \big(u_0^{2-k},\ v_0^{2-k},\ k(k-2),\ k/(k-2)\big).

        Returns
        -------
        A : ndarray
            :math:`u_0^{2-k}` (scalar or per coordinate).
        B : ndarray
            :math:`v_0^{2-k}`.
        K : float
            :math:`k(k-2)`.
        P : float
            :math:`k/(k-2)`.

        Examples
        --------
        >>> import ibcore as ib
        >>> A, B, K, P = ib.potentials.DeepDiagonal(4, 0.5, 1.0).dual_parameters()
        >>> print(A, B, K, P)
        4.0 1.0 8.0 2.0
        """
        k = self.k
        return self.u0 ** (2.0 - k), self.v0 ** (2.0 - k), float(k * (k - 2)), k / (k - 2)

    def box(self) -> tuple[FloatArray, FloatArray]:
        r"""The open interval :math:`(-B/K, A/K)` of dual values, coordinate by coordinate.

        It is the range of the mirror map :math:`\nabla\psi`: the dual state :math:`\mu` of a flow stays in it.

        Returns
        -------
        lower : ndarray
            :math:`-B/K` (scalar or per coordinate).
        upper : ndarray
            :math:`A/K`.

        Examples
        --------
        >>> import ibcore as ib
        >>> lower, upper = ib.potentials.DeepDiagonal(3, 1.0, 0.5).box()
        >>> print(round(float(lower), 6), round(float(upper), 6))
        -0.666667 0.333333
        """
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
        r""":math:`\psi^*(z)`, ``inf`` outside the box. See :meth:`Potential.conjugate`."""
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

    Parameters
    ----------
    z : array_like
        The arguments, real and finite.

    Returns
    -------
    ndarray
        :math:`q(z)`, with the shape of ``z``.

    Raises
    ------
    InputError
        If ``z`` is not a real, finite, non-empty array.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> z = ib.potentials.q([1e-3, 1.0, 100.0])
    >>> print(f"{z[0]:.6g} {z[1]:.6f} {z[2]:.4f}")             # z^2 / 4 near 0
    2.5e-07 0.245144 362.5070
    """
    return HyperbolicEntropy(2.0, 1.0).coordinate_values(as_float_array(z, "z"))


def q_alpha(theta: ArrayLike, alpha: float) -> float:
    r""":math:`Q_\alpha(\theta) = \alpha^2\sum_j q(\theta_j/\alpha^2) = \sum_j h_{2\alpha^2}(\theta_j)`.

    Woodworth et al. (2020), Thm 1; Ma's notes, Thm 9.18. The diagonal network's mirror
    potential is :math:`\psi_\alpha = Q_\alpha/4`, so both have the same
    minimiser over the interpolators.

    Parameters
    ----------
    theta : array_like of shape (d,)
        The predictor, real and finite.
    alpha : float
        The scale :math:`\alpha > 0` of the initialisation :math:`u_0 = v_0 = \alpha`.

    Returns
    -------
    float
        :math:`Q_\alpha(\theta)`.

    Raises
    ------
    InputError
        If ``alpha`` is not finite and positive (or so small that :math:`2\alpha^2` underflows to 0),
        or ``theta`` is not a real, finite, non-empty array.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(round(ib.potentials.q_alpha([1.0, -1.0], 1.0), 9), round(2 * ib.potentials.q([1.0])[0], 9))
    0.490287695 0.490287695
    """
    return HyperbolicEntropy(alpha_gamma(alpha), 1.0).value(theta)


def alpha_gamma(alpha: ArrayLike) -> FloatArray:
    r"""The hyperbolic-entropy scale :math:`\gamma = 2\alpha^2` of the initialisation :math:`u_0 = v_0 = \alpha`.

    Parameters
    ----------
    alpha : array_like
        The scale :math:`\alpha > 0`, scalar or per coordinate.

    Returns
    -------
    ndarray
        :math:`2\alpha^2`, with the shape of ``alpha`` (it underflows to 0 below :math:`\alpha\approx10^{-154}`).

    Raises
    ------
    InputError
        If ``alpha`` is not finite and positive (every entry).

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.potentials.alpha_gamma([0.5, 1.0]))
    [0.5 2. ]
    """
    a = _positive_param(alpha, "alpha")
    gamma = 2 * a * a
    if np.any(gamma == 0) or not np.all(np.isfinite(gamma)):
        raise InputError(f"alpha = {np.min(a):.3g}..{np.max(a):.3g}: gamma = 2 alpha^2 under- or overflows float64; "
                         "use alpha in [1e-150, 1e150]")
    return gamma


def diagonal_potential(alpha: ArrayLike) -> HyperbolicEntropy:
    r"""The potential :math:`\psi_\alpha = \frac14\sum_j h_{2\alpha_j^2}` of the flow of :math:`u\odot u - v\odot v`.

    ``alpha`` may be a scalar or per coordinate (an effective :math:`\alpha` of GD or SGD,
    :meth:`ibcore.parametrizations.Parametrization.effective_alpha`). It is :math:`Q_\alpha/4`
    (:func:`q_alpha`) and the :meth:`~ibcore.parametrizations.Parametrization.mirror_potential` of
    :func:`ibcore.parametrizations.signed_square` from :math:`u_0 = v_0 = \alpha`.

    Parameters
    ----------
    alpha : array_like
        The scale :math:`\alpha > 0`, scalar or per coordinate.

    Returns
    -------
    HyperbolicEntropy
        :math:`\gamma = 2\alpha^2`, weight :math:`1/4`.

    Raises
    ------
    InputError
        If ``alpha`` is not finite and positive, or so small that :math:`2\alpha^2` underflows to 0.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.potentials.diagonal_potential([0.5, 1.0])
    HyperbolicEntropy(gamma=array([0.5, 2. ]), weight=array(0.25))
    """
    return HyperbolicEntropy(alpha_gamma(alpha), 0.25)
