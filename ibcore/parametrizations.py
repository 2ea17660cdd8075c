r"""Parameterisations :math:`\theta = g(w)` of a linear predictor, and the losses they induce.

A parameterisation maps parameters :math:`w\in\mathbb R^p` to the linear predictor
:math:`\theta\in\mathbb R^d`; training runs gradient descent on :math:`F(w) = R(g(w))`, whose
gradient is :math:`\nabla F(w) = Dg(w)^\top\nabla R(\theta)` (chain rule). For two-vector
parameterisations :math:`w = (u, v)\in\mathbb R^{2d}` is the concatenation.

Each parameterisation is one class holding all of its formulas — the map, the diagonal blocks
of its Jacobian, its curvature, conserved quantity, mirror potential, initialisation at a
scale, matched penalty and effective initialisation under that penalty — and they share the
protocol of the base class :class:`Parametrization`, which documents each method once:

=====================  ================================  ==========================================
class (factory)        map                               mirror potential of gradient flow
=====================  ================================  ==========================================
:class:`Identity`      :math:`\theta = w`                :math:`\frac12\|\theta\|^2`
:class:`Square`        :math:`\theta = u\odot u`         :math:`\frac14\sum_j\theta_j\log\theta_j - \theta_j`
:class:`Product`       :math:`\theta = u\odot v`         :math:`\frac12\sum h_{\gamma_j}`, :math:`2\gamma=|u_0^2-v_0^2|`
:class:`SignedSquare`  :math:`\theta = u^2 - v^2`        :math:`\frac14\sum h_{\gamma_j}`, :math:`\gamma = 2|u_0 v_0|`
:class:`Power`         :math:`\theta = u^k - v^k`        :class:`~ibcore.potentials.DeepDiagonal`
:class:`LogRatio`      :math:`\theta = \log u - \log v`  :class:`~ibcore.potentials.LogCosh`
=====================  ================================  ==========================================

with :math:`h_\gamma(t) = t\,\mathrm{arcsinh}(t/\gamma) - \sqrt{t^2+\gamma^2}+\gamma` the
hyperbolic entropy (:class:`~ibcore.potentials.HyperbolicEntropy`). Build them with the
factories :func:`identity`, :func:`square`, :func:`product`, :func:`signed_square`,
:func:`power` and :func:`log_ratio`. Every array method works on the last axis, so a whole
recorded trajectory can be mapped at once.

Examples
--------
>>> import numpy as np
>>> import ibcore as ib
>>> g = ib.parametrizations.signed_square(2)
>>> w0 = g.init(0.5)                       # u0 = v0 = alpha
>>> g.theta(w0), g.conserved(w0)           # theta = u*u - v*v and the conserved u*v
(array([0., 0.]), array([0.25, 0.25]))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, positive, positive_int, vector_of_length
from .errors import InputError
from .losses import Loss
from .potentials import DeepDiagonal, Euclidean, HyperbolicEntropy, LogCosh, NegativeEntropy, Potential

#: The penalties :math:`h` of :mod:`ibcore.regularized`: weight decay, and the penalty matched to :math:`g`.
PENALTIES = ("l2", "matched")


@dataclass(frozen=True)
class Parametrization:
    r"""The protocol every parameterisation :math:`\theta = g(w)` of :math:`\theta\in\mathbb R^d` follows.

    A subclass sets ``kind`` (its name), ``two_vectors`` (whether :math:`w = (u, v)`) and
    implements the private hooks ``_map`` (:math:`g`), ``_partials`` (the diagonal Jacobian
    blocks :math:`\partial\theta_j/\partial u_j`, :math:`\partial\theta_j/\partial v_j`),
    ``_second`` (the second derivatives :math:`\partial^2\theta_j/\partial u_j^2`,
    :math:`\partial^2\theta_j/\partial v_j^2`), ``_potential`` and ``_init``; the optional
    ones (conserved quantity, matched penalty, effective initialisation, log-displacement
    map) raise :class:`~ibcore.errors.InputError` where a parameterisation has none. The public
    methods below validate their input once and call the hooks; they are documented here once for
    all the subclasses, whose own docstrings give their formulas.

    Every method that takes ``w`` accepts an array whose *last* axis has the ``p`` parameters
    (a whole recorded trajectory of shape ``(k, p)`` at once), except :meth:`jacobian`,
    :meth:`curvature`, :meth:`mirror_potential`, :meth:`effective_init` and the penalty methods, which take
    one vector.

    Parameters
    ----------
    d : int
        The dimension of the predictor :math:`\theta`, a positive integer.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> isinstance(g, ib.parametrizations.Parametrization), g.kind, g.d, g.p
    (True, 'signed_square', 2, 4)
    >>> print(g.theta(np.array([2.0, 1.0, 1.0, 1.0])))   # u*u - v*v with u = (2, 1), v = (1, 1)
    [3. 0.]
    """

    d: int
    kind: ClassVar[str] = "parametrization"
    two_vectors: ClassVar[bool] = True
    #: Whether gradient flow keeps the sign of every parameter (its velocity is proportional to it).
    sign_preserving: ClassVar[bool] = False
    #: The largest power of a parameter in :math:`g` (integrators saturate trial states by it).
    order: ClassVar[int] = 2

    def __post_init__(self) -> None:
        positive_int(self.d, "d")

    # -- the hooks a subclass implements ------------------------------------------------------
    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        raise NotImplementedError

    def _second(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        raise NotImplementedError

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        raise NotImplementedError

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        raise NotImplementedError

    def _conserved(self, u: FloatArray, v: FloatArray) -> FloatArray:
        raise InputError(f"{self.kind} has no per-coordinate conserved quantity in ibcore")

    def _displaced(self, u0: FloatArray, v0: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
        raise InputError(f"{self.kind} does not preserve the signs of its parameters; integrate it in w")

    def _matched_gradient(self, w: FloatArray) -> FloatArray:
        return w  # the quadratic parameterisations: the matched penalty is weight decay

    def _matched_curvature(self, w: FloatArray) -> FloatArray:
        return np.ones(w.shape[-1])

    def _effective_init(self, w0: FloatArray, decay: float, penalty: str) -> FloatArray:
        return np.exp(-decay) * w0  # weight decay on a quadratic parameterisation

    # -- shapes ---------------------------------------------------------------------------------
    @property
    def p(self) -> int:
        r"""Number of parameters: :math:`2d` for :math:`w = (u, v)`, :math:`d` otherwise.

        Returns
        -------
        int
            The length of ``w``.

        Examples
        --------
        >>> import ibcore as ib
        >>> ib.parametrizations.signed_square(3).p, ib.parametrizations.square(3).p
        (6, 3)
        """
        return 2 * self.d if self.two_vectors else self.d

    def _g(self, g: ArrayLike) -> FloatArray:
        """A gradient in predictor space: ``d`` entries on the last axis."""
        arr = as_float_array(g, "g")
        if arr.shape[-1] != self.d:
            raise InputError(f"g must have d = {self.d} entries on its last axis; got shape {arr.shape}")
        return arr

    def _w(self, w: ArrayLike) -> FloatArray:
        arr = as_float_array(w, "w")
        if arr.shape[-1] != self.p:
            raise InputError(f"w must have {self.p} entries on its last axis for {self.kind}(d={self.d}); "
                             f"got shape {arr.shape}")
        return arr

    def _halves(self, arr: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(u, v)`` of an already validated float array."""
        if not self.two_vectors:
            return arr, arr[..., :0]
        return arr[..., : self.d], arr[..., self.d :]

    def split(self, w: ArrayLike) -> tuple[FloatArray, FloatArray]:
        r"""``(u, v)`` for two-vector parameterisations (``v`` is empty otherwise).

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters, on the last axis.

        Returns
        -------
        u : ndarray of shape (..., d)
            The first :math:`d` parameters (all of them for a one-vector parameterisation).
        v : ndarray of shape (..., d) or (..., 0)
            The last :math:`d` parameters, or an empty array.

        Raises
        ------
        InputError
            If ``w`` is not a real, finite, non-empty array with ``p`` entries on its last axis.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> u, v = ib.parametrizations.product(2).split(np.array([1.0, 2.0, 3.0, 4.0]))
        >>> print(u, v)
        [1. 2.] [3. 4.]
        """
        return self._halves(self._w(w))

    # -- the map and its derivatives ---------------------------------------------------------------
    def theta(self, w: ArrayLike) -> FloatArray:
        r"""The predictor :math:`\theta = g(w)`.

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters, on the last axis (a recorded trajectory is mapped row by row).

        Returns
        -------
        ndarray of shape (..., d)
            :math:`g(w)`.

        Raises
        ------
        InputError
            If ``w`` is not a finite real array with ``p`` entries on its last axis, or lies outside
            the domain of :math:`g` (:class:`LogRatio` needs :math:`u, v > 0`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> print(g.theta(np.array([[1.0, 1.0, 1.0, 1.0], [2.0, 1.0, 1.0, 0.0]])))   # two recorded points
        [[0. 0.]
         [3. 1.]]
        """
        return self._map(*self.split(w))

    def _pullback(self, u: FloatArray, v: FloatArray, g: FloatArray) -> FloatArray:
        du, dv = self._partials(u, v)
        return np.concatenate([du * g, dv * g], axis=-1) if self.two_vectors else du * g

    def vjp(self, w: ArrayLike, g: ArrayLike) -> FloatArray:
        r"""Vector-Jacobian product :math:`Dg(w)^\top g` (the chain rule for gradients).

        With :math:`g = \nabla R(\theta)` it is the gradient :math:`\nabla_w R(g(w))`; for two-vector
        parameterisations it is :math:`(\partial\theta/\partial u\odot g,\ \partial\theta/\partial v\odot g)`.

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters, on the last axis.
        g : array_like of shape (..., d)
            A vector in predictor space (broadcast against the Jacobian blocks; its shape is not
            checked otherwise).

        Returns
        -------
        ndarray of shape (..., p)
            :math:`Dg(w)^\top g`.

        Raises
        ------
        InputError
            If ``w`` is not a finite real array with ``p`` entries on its last axis (or outside the
            domain of :math:`g`), or ``g`` has a non-finite entry.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> print(g.vjp(np.array([2.0, 1.0, 1.0, 1.0]), [1.0, 1.0]))   # (2u * g, -2v * g)
        [ 4.  2. -2. -2.]
        """
        u, v = self.split(w)
        return self._pullback(u, v, self._g(g))

    def jvp(self, w: ArrayLike, dw: ArrayLike) -> FloatArray:
        r"""Jacobian-vector product :math:`Dg(w)\,\delta w`.

        The first-order change of the predictor when the parameters move by ``dw``.

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters, on the last axis.
        dw : array_like of shape (..., p)
            A displacement of the parameters.

        Returns
        -------
        ndarray of shape (..., d)
            :math:`Dg(w)\,\delta w`.

        Raises
        ------
        InputError
            If ``w`` or ``dw`` is not a finite real array with ``p`` entries on its last axis (or ``w``
            is outside the domain of :math:`g`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> print(g.jvp(np.array([2.0, 1.0, 1.0, 1.0]), np.array([1.0, 0.0, 0.0, 0.0])))   # d theta_1 / d u_1 = 2 u_1
        [4. 0.]
        """
        u, v = self.split(w)
        du, dv = self._partials(u, v)
        a, b = self.split(dw)
        return du * a + dv * b if self.two_vectors else du * a

    def jacobian(self, w: ArrayLike) -> FloatArray:
        r"""The Jacobian :math:`Dg(w)\in\mathbb R^{d\times p}` (dense; for small problems).

        Every parameterisation here is separable, so the blocks are diagonal:
        :math:`Dg = [\mathrm{diag}(\partial\theta/\partial u),\ \mathrm{diag}(\partial\theta/\partial v)]`.

        Parameters
        ----------
        w : array_like of shape (p,)
            One parameter vector.

        Returns
        -------
        ndarray of shape (d, p)
            Row :math:`j` is :math:`\nabla_w\theta_j`.

        Raises
        ------
        InputError
            If ``w`` is not a finite real array with ``p`` entries on its last axis (or outside the
            domain of :math:`g`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.parametrizations.signed_square(2).jacobian(np.array([2.0, 1.0, 1.0, 1.0])))
        [[ 4.  0. -2.  0.]
         [ 0.  2.  0. -2.]]
        """
        u, v = self._halves(vector_of_length(w, self.p, "w"))  # one point: a dense matrix is not a batch
        du, dv = self._partials(u, v)
        return np.hstack([np.diag(du), np.diag(dv)]) if self.two_vectors else np.diag(du)

    def curvature(self, w: ArrayLike, g: ArrayLike) -> FloatArray:
        r"""The second-order term :math:`\sum_j g_j\nabla^2\theta_j(w)\in\mathbb R^{p\times p}` of a Hessian.

        Diagonal for every parameterisation here except :class:`Product`, whose
        :math:`\partial^2\theta_j/\partial u_j\partial v_j = 1` fills the off-diagonal blocks. With
        :math:`g = \nabla R(\theta)` it is the second term of
        :math:`\nabla^2_w R(g(w)) = Dg^\top\nabla^2 R\,Dg + \sum_j g_j\nabla^2\theta_j`.

        Parameters
        ----------
        w : array_like of shape (p,)
            One parameter vector.
        g : array_like of shape (d,)
            The weights :math:`g_j`, typically :math:`\nabla R(\theta)` (only finiteness is checked).

        Returns
        -------
        ndarray of shape (p, p)
            The symmetric matrix :math:`\sum_j g_j\nabla^2\theta_j(w)`.

        Raises
        ------
        InputError
            If ``w`` is not a finite real array with ``p`` entries on its last axis (or outside the
            domain of :math:`g`), or ``g`` has a non-finite entry.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.parametrizations.signed_square(1).curvature(np.array([2.0, 1.0]), [0.5]))   # 0.5 * diag(2, -2)
        [[ 1.  0.]
         [ 0. -1.]]
        >>> print(ib.parametrizations.product(1).curvature(np.array([2.0, 1.0]), [0.5]))
        [[0.  0.5]
         [0.5 0. ]]
        """
        u, v = self._halves(vector_of_length(w, self.p, "w"))
        g = vector_of_length(g, self.d, "g")
        uu, vv = self._second(u, v)
        return np.diag(np.concatenate([uu * g, vv * g]) if self.two_vectors else uu * g)

    def metric(self, w: ArrayLike) -> FloatArray:
        r"""Diagonal of :math:`Dg(w)Dg(w)^\top`: :math:`\sum_i (\partial\theta_j/\partial w_i)^2` for each :math:`j`.

        Gradient flow on the parameters moves the predictor by
        :math:`\dot\theta = -Dg\,Dg^\top\nabla R(\theta)`, so this is the tangent kernel of the
        parameterisation in predictor space — the inverse of the pushforward metric (Chizat,
        Lecture 10, Remark 2.1). For :math:`u\odot u - v\odot v` it is :math:`4(u^2 + v^2)`.

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters, on the last axis.

        Returns
        -------
        ndarray of shape (..., d)
            The diagonal of :math:`Dg(w)Dg(w)^\top`; :func:`ibcore.limits.sensitivity` takes it as its metric.

        Raises
        ------
        InputError
            If ``w`` is not a finite real array with ``p`` entries on its last axis (or outside the
            domain of :math:`g`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.parametrizations.signed_square(2).metric(np.array([2.0, 1.0, 1.0, 1.0])))   # 4 (u^2 + v^2)
        [20.  8.]
        """
        u, v = self.split(w)
        du, dv = self._partials(u, v)
        return du * du + dv * dv if self.two_vectors else du * du

    def theta_displaced(self, w0: ArrayLike, s: ArrayLike) -> FloatArray:
        r""":math:`g(w_0\odot e^{s})` for a :attr:`sign_preserving` parameterisation, without cancellation.

        For :math:`u\odot u - v\odot v`:
        :math:`u_0^2\,\mathrm{expm1}(2s_u) - v_0^2\,\mathrm{expm1}(2s_v) + (u_0^2 - v_0^2)`; at a large
        initialisation (:math:`u_0 = v_0 = 100`) the predictor is a small difference of two
        numbers of size :math:`10^4`, and this form keeps its digits. :func:`ibcore.algorithms.parameter_flow`
        integrates the log-displacement :math:`s = \log(w/w_0)` and maps it with this method.

        Parameters
        ----------
        w0 : array_like of shape (..., p)
            The reference parameters :math:`w_0`.
        s : array_like of shape (..., p)
            The log-displacement :math:`s`, so that :math:`w = w_0\odot e^{s}`.

        Returns
        -------
        ndarray of shape (..., d)
            :math:`g(w_0\odot e^{s})`.

        Raises
        ------
        InputError
            If ``w0`` or ``s`` is not a finite real array with ``p`` entries on its last axis, or the
            parameterisation is not sign-preserving (:class:`Identity`, :class:`Product`, :class:`LogRatio`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(1)
        >>> w0 = g.init(100.0)                                   # u0 = v0 = 100
        >>> print(f"{g.theta_displaced(w0, np.array([1e-3, 0.0]))[0]:.10f}")   # 1e4 * expm1(2e-3)
        20.0200133400
        """
        return self._displaced(*self.split(w0), *self.split(s))

    # -- conservation laws and the induced geometry --------------------------------------------------
    def conserved(self, w: ArrayLike) -> FloatArray:
        r"""The quantity conserved by gradient flow on :math:`R(g(w))`, coordinate by coordinate.

        :math:`u\odot u - v\odot v` for :func:`product`, :math:`u\odot v` for :func:`signed_square`.
        Gradient descent conserves it only up to :math:`O(\eta^2)` per step
        (see :meth:`effective_alpha`).

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters, on the last axis.

        Returns
        -------
        ndarray of shape (..., d)
            The conserved quantity at ``w``.

        Raises
        ------
        InputError
            If ``w`` is not a finite real array with ``p`` entries on its last axis, or the
            parameterisation has no per-coordinate conserved quantity in ``ibcore`` (every one but
            :class:`Product` and :class:`SignedSquare`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> w = np.array([2.0, 1.0, 1.0, 3.0])
        >>> print(ib.parametrizations.signed_square(2).conserved(w), ib.parametrizations.product(2).conserved(w))
        [2. 3.] [ 3. -8.]
        """
        return self._conserved(*self.split(w))

    def effective_alpha(self, w: ArrayLike) -> FloatArray:
        r"""The per-coordinate scale :math:`\alpha_{\mathrm{eff}} = \sqrt{|u\odot v|}` (:func:`signed_square` only).

        Gradient flow conserves :math:`u\odot v = \alpha^2`; a GD step multiplies it by
        :math:`1 - 4\eta^2 g_j^2` (and an SGD step likewise with the batch gradient), so after
        a discrete run :math:`\alpha_{\mathrm{eff}}\le\alpha`. The limit of the run is then the
        :math:`Q` program at :math:`\alpha_{\mathrm{eff}}` up to :math:`O(\eta^2)` terms (Even et al. 2023; C3.7b
        measures the exponent 2).

        Parameters
        ----------
        w : array_like of shape (..., p)
            Parameters :math:`(u, v)`, on the last axis.

        Returns
        -------
        ndarray of shape (..., d)
            :math:`\sqrt{|u\odot v|}`; :func:`ibcore.potentials.diagonal_potential` takes it as a per-coordinate
            :math:`\alpha`.

        Raises
        ------
        InputError
            For every parameterisation but :class:`SignedSquare`, and for a ``w`` that is not a finite
            real array with ``p`` entries on its last axis.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.parametrizations.signed_square(2).effective_alpha(np.array([2.0, 1.0, 0.5, 0.25])))
        [1.  0.5]
        """
        raise InputError("effective_alpha is defined for the signed_square parameterisation")

    def mirror_potential(self, w0: ArrayLike) -> Potential:
        r"""The potential :math:`\psi` such that :math:`\theta(t) = g(w(t))` is the mirror flow of :math:`\psi`.

        Gradient flow :math:`\dot w = -\nabla_w R(g(w))` from ``w0`` gives
        :math:`\frac{d}{dt}\nabla\psi(\theta) = -\nabla R(\theta)` (module table), so its limit, when it
        interpolates, is :math:`\arg\min\{D_\psi(\theta, g(w_0)) : X\theta = y\}`
        (:func:`ibcore.limits.mirror_flow_limit`).

        Parameters
        ----------
        w0 : array_like of shape (p,)
            The initialisation of the flow.

        Returns
        -------
        Potential
            The :class:`~ibcore.potentials.Potential` of the flow from ``w0`` (see each class).

        Raises
        ------
        InputError
            If ``w0`` is not a finite real vector of length ``p``, or the potential degenerates at
            it: a zero :math:`u_{0,j}` (:class:`Square`), :math:`u_{0,j}^2 = v_{0,j}^2` (:class:`Product`),
            :math:`u_{0,j}v_{0,j} = 0` (:class:`SignedSquare`), a non-positive parameter (:class:`Power`,
            :class:`LogRatio`), or :class:`Power` with :math:`k = 2` (use :func:`signed_square`).

        Examples
        --------
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> g.mirror_potential(g.init(0.5))                      # gamma = 2 |u0 v0| = 2 alpha^2
        HyperbolicEntropy(gamma=array([0.5, 0.5]), weight=array(0.25))
        """
        return self._potential(*self._halves(vector_of_length(w0, self.p, "w0")))

    def init(self, alpha: float, theta0: ArrayLike | None = None) -> FloatArray:
        r"""Initialisation at scale :math:`\alpha` with :math:`g(w_0) = \theta_0` (default 0); see each class.

        Parameters
        ----------
        alpha : float
            The scale :math:`\alpha > 0` (:class:`Identity` ignores it).
        theta0 : array_like of shape (d,), optional
            The starting predictor :math:`g(w_0)`; default 0 (:class:`Square` and :class:`Power` take none:
            they start at :math:`u_0 = \alpha`).

        Returns
        -------
        ndarray of shape (p,)
            The initialisation :math:`w_0`.

        Raises
        ------
        InputError
            If ``alpha`` is not finite and positive, ``theta0`` is not a finite real vector of length
            :math:`d`, ``theta0`` is given to :class:`Square` or :class:`Power`, or at this scale the
            parameters, the predictor :math:`g(w_0)` or the tangent kernel overflow float64.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.signed_square(2)
        >>> print(g.init(0.5))                                    # u0 = v0 = alpha
        [0.5 0.5 0.5 0.5]
        >>> w0 = g.init(0.5, [0.75, 0.0])                         # u0 v0 = alpha^2 and u0^2 - v0^2 = theta0
        >>> print(np.round(g.theta(w0), 12), np.round(g.conserved(w0), 12))
        [0.75 0.  ] [0.25 0.25]
        """
        alpha = positive(alpha, "alpha")
        t0 = np.zeros(self.d) if theta0 is None else vector_of_length(theta0, self.d, "theta0")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # overflows are refused below
            w0 = self._init(alpha, t0, theta0 is not None)
            u0, v0 = self._halves(w0)
            du, dv = self._partials(u0, v0) if np.all(np.isfinite(w0)) else (w0, w0)
            usable = all(np.all(np.isfinite(a)) for a in (w0, self._map(u0, v0), du * du, dv * dv))
        if not usable:
            raise InputError(f"{self.kind}.init: at alpha = {alpha:.3g} the parameters, the predictor g(w0) or the "
                             "tangent kernel overflow float64; use a scale nearer 1")
        return w0

    # -- explicit regularisation (ibcore.regularized) ------------------------------------------------
    def penalty_gradient(self, w: ArrayLike, penalty: str = "l2") -> FloatArray:
        r""":math:`\nabla h(w)`: :math:`w` for weight decay ``l2``, the matched penalty's gradient for ``matched``.

        Weight decay is :math:`h = \frac12\|w\|^2`. The matched penalty (Jacobs, Zhou & Burkholz 2025,
        Corollary 3.7) is weight decay for the quadratic parameterisations,
        :math:`\sum_j (u_j^k + v_j^k)/k` for :class:`Power` (gradient :math:`w^{k-1}`) and
        :math:`\sum_j(\log u_j + \log v_j)` for :class:`LogRatio` (gradient :math:`1/w`).

        Parameters
        ----------
        w : array_like of shape (p,)
            One parameter vector.
        penalty : {"l2", "matched"}, default "l2"
            The penalty :math:`h`.

        Returns
        -------
        ndarray of shape (p,)
            :math:`\nabla h(w)`.

        Raises
        ------
        InputError
            If ``penalty`` is not one of :data:`PENALTIES`, ``w`` is not a finite real array with
            ``p`` entries on its last axis, or (``matched`` of :class:`LogRatio`) a parameter is not positive.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> g = ib.parametrizations.power(1, 3)
        >>> print(g.penalty_gradient(np.array([0.5, 2.0])), g.penalty_gradient(np.array([0.5, 2.0]), "matched"))
        [0.5 2. ] [0.25 4.  ]
        """
        _penalty_name(penalty)
        w_arr = self._w(w)
        return w_arr if penalty == "l2" else self._matched_gradient(w_arr)

    def penalty_curvature(self, w: ArrayLike, penalty: str = "l2") -> FloatArray:
        r"""The diagonal of :math:`\nabla^2 h(w)` (every penalty here is separable).

        Ones for weight decay ``l2``; for ``matched``, ones for the quadratic parameterisations,
        :math:`(k-1)w^{k-2}` for :class:`Power` and :math:`-1/w^2` for :class:`LogRatio`.

        Parameters
        ----------
        w : array_like of shape (p,)
            One parameter vector.
        penalty : {"l2", "matched"}, default "l2"
            The penalty :math:`h` (see :meth:`penalty_gradient`).

        Returns
        -------
        ndarray of shape (p,)
            The diagonal of :math:`\nabla^2 h(w)`.

        Raises
        ------
        InputError
            If ``penalty`` is not one of :data:`PENALTIES`, or ``w`` is not a finite real array with
            ``p`` entries on its last axis.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.parametrizations.power(1, 3).penalty_curvature(np.array([0.5, 2.0]), "matched"))   # 2 w
        [1. 4.]
        """
        _penalty_name(penalty)
        w_arr = self._w(w)
        return np.ones(self.p) if penalty == "l2" else self._matched_curvature(w_arr)

    def effective_init(self, w0: ArrayLike, decay: float, penalty: str = "l2") -> FloatArray:
        r"""The initialisation :math:`w_{\mathrm{eff}}(\Lambda)` whose unregularised potential is :math:`R_\Lambda`.

        Jacobs, Zhou & Burkholz (2025), Theorem 3.2 and Corollary 3.7; ``decay`` is the
        accumulated amount :math:`\Lambda`. Weight decay on a quadratic parameterisation gives
        :math:`e^{-\Lambda}w_0`; the matched penalty of :class:`Power` gives
        :math:`(w_0^{2-k} + (k-2)\Lambda)^{1/(2-k)}` and that of :class:`LogRatio`
        :math:`\sqrt{w_0^2 - 2\Lambda}` (see :mod:`ibcore.regularized`).

        Parameters
        ----------
        w0 : array_like of shape (p,)
            The initialisation :math:`w_0`.
        decay : float
            The accumulated amount :math:`\Lambda\ge 0`.
        penalty : {"l2", "matched"}, default "l2"
            The penalty :math:`h` (see :meth:`penalty_gradient`).

        Returns
        -------
        ndarray of shape (p,)
            :math:`w_{\mathrm{eff}}(\Lambda)`.

        Raises
        ------
        InputError
            For a pair :math:`(g, h)` without a time-dependent Legendre function (:class:`Identity`,
            whose weight decay is ridge regression; weight decay on :class:`Power` or :class:`LogRatio`),
            for a ``w0`` that is not a finite real vector of length ``p`` (or not positive, for
            :class:`Power` and :class:`LogRatio`), a ``decay`` that is negative or not finite, a
            ``penalty`` not in :data:`PENALTIES`, and for :class:`LogRatio` when :math:`2\Lambda\ge\min w_0^2`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(np.round(ib.parametrizations.signed_square(1).effective_init(np.ones(2), 1.0), 6))   # e^-1 w0
        [0.367879 0.367879]
        >>> print(np.round(ib.parametrizations.power(1, 3).effective_init(np.full(2, 0.5), 1.0, "matched"), 6))
        [0.333333 0.333333]
        """
        _penalty_name(penalty)
        w0_arr = vector_of_length(w0, self.p, "w0")
        lam = positive(decay, "decay (the accumulated amount Lambda)", allow_zero=True)
        return self._effective_init(w0_arr, lam, penalty)


def _penalty_name(penalty: str) -> str:
    if penalty not in PENALTIES:
        raise InputError(f"penalty must be one of {PENALTIES}; got {penalty!r}")
    return penalty


def _nondegenerate_entropy(gamma: FloatArray, weight: float, kind: str, what: str) -> HyperbolicEntropy:
    if np.any(gamma == 0):
        raise InputError(f"{kind}: a mirror potential needs {what}; it degenerates otherwise")
    return HyperbolicEntropy(gamma=gamma, weight=weight)


@dataclass(frozen=True)
class Identity(Parametrization):
    r""":math:`\theta = w` (plain linear regression); potential :math:`\frac12\|\theta\|^2`.

    One vector (:math:`p = d`), Jacobian the identity, no curvature. :meth:`~Parametrization.init`
    returns :math:`w_0 = \theta_0` whatever the scale; weight decay on it is ridge regression, which
    is not a mirror flow, so :meth:`~Parametrization.effective_init` refuses it. Build it with
    :func:`identity`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> g = ib.parametrizations.identity(2)
    >>> print(g.p, g.theta([1.0, 2.0]), g.init(3.0, [1.0, 2.0]), g.mirror_potential([1.0, 2.0]))
    2 [1. 2.] [1. 2.] Euclidean(weight=array(1.))
    """

    kind: ClassVar[str] = "identity"
    two_vectors: ClassVar[bool] = False

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u.copy()

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return np.ones_like(u), v

    def _second(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return np.zeros_like(u), v

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        return Euclidean(1.0)

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        return theta0.copy()  # w0 = theta0; the scale plays no role

    def _effective_init(self, w0: FloatArray, decay: float, penalty: str) -> FloatArray:
        raise InputError("the identity parameterisation with weight decay is ridge regression: no mirror flow")


@dataclass(frozen=True)
class Square(Parametrization):
    r""":math:`\theta = u\odot u` (non-negative predictors; Chizat, Lecture 10, §3).

    Potential :math:`\frac14\sum_j\theta_j\log\theta_j - \theta_j`; initialisation
    :math:`u_0 = \alpha\mathbf 1`, so :math:`\theta_0 = \alpha^2\mathbf 1`. One vector
    (:math:`p = d`), :math:`\partial\theta_j/\partial u_j = 2u_j`, sign-preserving; weight decay
    gives :math:`w_{\mathrm{eff}}(\Lambda) = e^{-\Lambda}u_0`. Build it with :func:`square`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> g = ib.parametrizations.square(2)
    >>> w0 = g.init(0.5)
    >>> print(w0, g.theta(w0), g.metric(w0), g.mirror_potential(w0))
    [0.5 0.5] [0.25 0.25] [1. 1.] NegativeEntropy(weight=array(0.25))
    """

    kind: ClassVar[str] = "square"
    two_vectors: ClassVar[bool] = False
    sign_preserving: ClassVar[bool] = True

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u * u

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 2 * u, v

    def _second(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return np.full_like(u, 2.0), v

    def _displaced(self, u0: FloatArray, v0: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
        return u0 * u0 * np.exp(2 * a)

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        if np.any(u0 == 0):
            raise InputError("square: every u0_j must be non-zero (theta stays 0 where it starts at 0)")
        return NegativeEntropy(0.25)

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        if given:
            raise InputError("square.init takes no theta0 (it starts at u0 = alpha)")
        return np.full(self.d, alpha)


@dataclass(frozen=True)
class Product(Parametrization):
    r""":math:`\theta = u\odot v`, the two-layer diagonal network of Loureiro's notes §3.

    Conserved :math:`u\odot u - v\odot v`; potential :math:`\frac12\sum_j h_{\gamma_j}` with
    :math:`\gamma = |u_0^2 - v_0^2|/2`. Initialisation: :math:`u_0^2 - v_0^2 = 2\alpha^2` and
    :math:`u_0 v_0 = \theta_0` (potential :math:`\frac12\sum h_{\alpha^2}`; :math:`\theta_0 = 0`
    gives :math:`(\sqrt2\alpha, 0)`, the ENS notes' initialisation once corrected). Jacobian blocks
    :math:`(\mathrm{diag}(v), \mathrm{diag}(u))`; its curvature has off-diagonal blocks
    (:meth:`~Parametrization.curvature`). Build it with :func:`product`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.product(2)
    >>> w0 = g.init(1.0)
    >>> print(np.round(w0, 6), g.conserved(w0), g.mirror_potential(w0))
    [1.414214 1.414214 0.       0.      ] [2. 2.] HyperbolicEntropy(gamma=array([1., 1.]), weight=array(0.5))
    """

    kind: ClassVar[str] = "product"

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u * v

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return v, u

    def curvature(self, w: ArrayLike, g: ArrayLike) -> FloatArray:
        vector_of_length(w, self.p, "w")
        zero, dg = np.zeros((self.d, self.d)), np.diag(vector_of_length(g, self.d, "g"))
        return np.block([[zero, dg], [dg, zero]])

    def _conserved(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u * u - v * v

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        gamma = np.abs(u0 * u0 - v0 * v0) / 2
        weight = 0.5
        return _nondegenerate_entropy(gamma, weight, self.kind, "u0_j^2 != v0_j^2 in every coordinate (imbalance)")

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        # u^2 - v^2 = 2 alpha^2, u v = theta0  =>  u^2 = alpha^2 + sqrt(alpha^4 + theta0^2)
        u0 = np.sqrt(alpha * alpha + np.hypot(alpha * alpha, theta0))
        return np.concatenate([u0, theta0 / u0])


@dataclass(frozen=True)
class SignedSquare(Parametrization):
    r""":math:`\theta = u\odot u - v\odot v`, the canonical diagonal network of this book (Woodworth et al. 2020).

    Conserved :math:`u\odot v`; potential :math:`\frac14\sum_j h_{\gamma_j}` with
    :math:`\gamma = 2|u_0 v_0|`. Initialisation: :math:`u_0 v_0 = \alpha^2` and
    :math:`u_0^2 - v_0^2 = \theta_0`, i.e. :math:`u_0^2 = (\theta_0 + \sqrt{\theta_0^2 + 4\alpha^4})/2`;
    :math:`\theta_0 = 0` gives :math:`u_0 = v_0 = \alpha\mathbf 1`, and the potential is
    :math:`\frac14\sum h_{2\alpha^2}` whatever :math:`\theta_0`. Jacobian blocks
    :math:`(\mathrm{diag}(2u), \mathrm{diag}(-2v))`, tangent kernel :math:`4(u^2 + v^2)`,
    sign-preserving; weight decay gives :math:`w_{\mathrm{eff}}(\Lambda) = e^{-\Lambda}w_0`, and the
    only parameterisation with :meth:`~Parametrization.effective_alpha`. Build it with :func:`signed_square`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> g = ib.parametrizations.signed_square(2)
    >>> w0 = g.init(0.5)
    >>> print(g.theta(w0), g.conserved(w0), g.metric(w0), g.mirror_potential(w0).gamma)
    [0. 0.] [0.25 0.25] [2. 2.] [0.5 0.5]
    """

    kind: ClassVar[str] = "signed_square"
    sign_preserving: ClassVar[bool] = True

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u * u - v * v

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 2 * u, -2 * v

    def _second(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return np.full_like(u, 2.0), np.full_like(v, -2.0)

    def _displaced(self, u0: FloatArray, v0: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
        return _displaced_difference(u0, v0, a, b, 2)

    def _conserved(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u * v

    def effective_alpha(self, w: ArrayLike) -> FloatArray:
        u, v = self.split(w)
        return np.sqrt(np.abs(u * v))

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        gamma = 2 * np.abs(u0 * v0)
        return _nondegenerate_entropy(gamma, 0.25, self.kind, "u0_j v0_j != 0 in every coordinate")

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        # u0^2 and v0^2 are the roots (sqrt(theta0^2 + 4 alpha^4) +- theta0)/2, whose product is
        # alpha^4: compute the larger one directly and the smaller as alpha^4 / larger (no cancellation).
        big = (np.hypot(theta0, 2 * alpha * alpha) + np.abs(theta0)) / 2
        small = (alpha * alpha) * ((alpha * alpha) / big)
        u0 = np.sqrt(np.where(theta0 >= 0, big, small))
        v0 = np.sqrt(np.where(theta0 >= 0, small, big))
        return np.concatenate([u0, v0])


def _displaced_difference(u0: FloatArray, v0: FloatArray, a: FloatArray, b: FloatArray, k: int) -> FloatArray:
    """:math:`(u_0e^a)^k - (v_0e^b)^k` as expm1 terms plus the starting predictor (no cancellation)."""
    return u0**k * np.expm1(k * a) - v0**k * np.expm1(k * b) + (u0**k - v0**k)


def _require_positive(kind: str, u: FloatArray, v: FloatArray, what: str = "") -> None:
    if np.any(u <= 0) or np.any(v <= 0):
        raise InputError(f"{kind}{what} needs u > 0 and v > 0 in every coordinate")


@dataclass(frozen=True)
class Power(Parametrization):
    r""":math:`\theta = u^{k} - v^{k}` on :math:`u, v > 0`, the depth-:math:`k` diagonal network, :math:`k\ge 3`.

    Potential :class:`~ibcore.potentials.DeepDiagonal`, known through its inverse mirror map;
    initialisation :math:`u_0 = v_0 = \alpha\mathbf 1`. Its matched penalty is
    :math:`h = \sum_j (u_j^k + v_j^k)/k` (Jacobs, Zhou & Burkholz 2025, Corollary 3.7), under
    which :math:`w_{\mathrm{eff}}(\Lambda) = (w_0^{2-k} + (k-2)\Lambda)^{1/(2-k)}`; weight decay does
    not commute with it. Jacobian blocks :math:`(\mathrm{diag}(ku^{k-1}), \mathrm{diag}(-kv^{k-1}))`,
    sign-preserving. ``k = 2`` is accepted (it is :class:`SignedSquare`, but
    :meth:`~Parametrization.mirror_potential` refuses it).
    Build it with :func:`power`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.
    k : int, default 3
        The depth, an integer :math:`\ge 2`.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer or ``k`` is not an integer :math:`\ge 2`.

    Examples
    --------
    >>> import ibcore as ib
    >>> g = ib.parametrizations.power(2, 3)
    >>> w0 = g.init(0.5)
    >>> print(g.order, g.theta(w0), g.effective_init(w0, 1.0, "matched").round(6))
    3 [0. 0.] [0.333333 0.333333 0.333333 0.333333]
    """

    k: int = 3
    kind: ClassVar[str] = "power"
    sign_preserving: ClassVar[bool] = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if positive_int(self.k, "k") < 2:
            raise InputError(f"power needs k >= 2; got {self.k}")

    @property
    def order(self) -> int:  # type: ignore[override]
        r"""The depth :math:`k`.

        The largest power of a parameter in :math:`g` (integrators saturate trial states by it).

        Returns
        -------
        int
            ``k``.

        Examples
        --------
        >>> import ibcore as ib
        >>> ib.parametrizations.power(2, 4).order, ib.parametrizations.signed_square(2).order
        (4, 2)
        """
        return self.k

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        return u**self.k - v**self.k

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return self.k * u ** (self.k - 1), -self.k * v ** (self.k - 1)

    def _second(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        k = self.k
        return k * (k - 1) * u ** (k - 2), -k * (k - 1) * v ** (k - 2)

    def _displaced(self, u0: FloatArray, v0: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
        return _displaced_difference(u0, v0, a, b, self.k)

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        _require_positive(self.kind, u0, v0, ": the mirror potential")
        if self.k < 3:
            raise InputError("power with k = 2 is signed_square; use signed_square(d) for its potential")
        return DeepDiagonal(self.k, u0, v0)

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        if given:
            raise InputError("power.init takes no theta0 (it starts at u0 = v0 = alpha)")
        return np.full(2 * self.d, alpha)

    def _matched_gradient(self, w: FloatArray) -> FloatArray:
        return w ** (self.k - 1)

    def _matched_curvature(self, w: FloatArray) -> FloatArray:
        return (self.k - 1) * w ** (self.k - 2)

    def _effective_init(self, w0: FloatArray, decay: float, penalty: str) -> FloatArray:
        if penalty != "matched":
            raise InputError(f"weight decay does not commute with {self.kind} (Jacobs et al., Cor. 3.7 / Thm D.2); "
                             "use penalty='matched'")
        if np.any(w0 <= 0):
            raise InputError(f"{self.kind} needs w0 > 0")
        if self.k == 2:
            raise InputError("power with k = 2 is signed_square, whose matched penalty is weight decay: use "
                             "signed_square(d) with penalty='l2'")
        k = self.k
        return (w0 ** (2.0 - k) + (k - 2) * decay) ** (1.0 / (2 - k))


@dataclass(frozen=True)
class LogRatio(Parametrization):
    r""":math:`\theta = \log u - \log v` on :math:`u, v > 0` (Jacobs, Zhou & Burkholz 2025, App. E).

    Potential :class:`~ibcore.potentials.LogCosh` with :math:`a = u_0^2`, :math:`b = v_0^2`;
    initialisation :math:`u_0 = \alpha e^{\theta_0/2}`, :math:`v_0 = \alpha e^{-\theta_0/2}`. Its
    matched penalty is :math:`h = \sum_j(\log u_j + \log v_j)`, under which
    :math:`w_{\mathrm{eff}}(\Lambda) = \sqrt{w_0^2 - 2\Lambda}` (needs :math:`2\Lambda < \min w_0^2`);
    weight decay does not commute with it. Jacobian blocks :math:`(\mathrm{diag}(1/u), \mathrm{diag}(-1/v))`.
    Every method raises :class:`~ibcore.errors.InputError` on a non-positive parameter. Build it with
    :func:`log_ratio`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> g = ib.parametrizations.log_ratio(1)
    >>> w0 = g.init(1.0, [np.log(4.0)])                      # u0 = 2, v0 = 1/2
    >>> print(w0, np.round(g.theta(w0), 6), g.mirror_potential(w0))
    [2.  0.5] [1.386294] LogCosh(a=array([4.]), b=array([0.25]))
    """

    kind: ClassVar[str] = "log_ratio"

    def _map(self, u: FloatArray, v: FloatArray) -> FloatArray:
        _require_positive(self.kind, u, v)
        return np.log(u) - np.log(v)

    def _partials(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        _require_positive(self.kind, u, v)
        return 1 / u, -1 / v

    def _second(self, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        _require_positive(self.kind, u, v)
        return -1 / (u * u), 1 / (v * v)

    def _potential(self, u0: FloatArray, v0: FloatArray) -> Potential:
        _require_positive(self.kind, u0, v0, ": the mirror potential")
        return LogCosh(a=u0 * u0, b=v0 * v0)

    def _init(self, alpha: float, theta0: FloatArray, given: bool) -> FloatArray:
        return np.concatenate([alpha * np.exp(theta0 / 2), alpha * np.exp(-theta0 / 2)])

    def _matched_gradient(self, w: FloatArray) -> FloatArray:
        _require_positive(self.kind, *self._halves(w))
        return 1 / w

    def _matched_curvature(self, w: FloatArray) -> FloatArray:
        return -1 / (w * w)

    def _effective_init(self, w0: FloatArray, decay: float, penalty: str) -> FloatArray:
        if penalty != "matched":
            raise InputError(f"weight decay does not commute with {self.kind} (Jacobs et al., Cor. 3.7 / Thm D.2); "
                             "use penalty='matched'")
        if np.any(w0 <= 0):
            raise InputError(f"{self.kind} needs w0 > 0")
        if 2 * decay >= np.min(w0 * w0):
            raise InputError(f"log_ratio: 2 Lambda = {2 * decay:.3g} >= min w0^2 = {np.min(w0 * w0):.3g}; "
                             "the penalty sum(log u + log v) has driven a parameter to 0")
        return np.sqrt(w0 * w0 - 2 * decay)


def identity(d: int) -> Identity:
    r""":math:`\theta = w` (plain linear regression).

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Returns
    -------
    Identity
        The parameterisation.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.parametrizations.identity(3)
    Identity(d=3)
    """
    return Identity(positive_int(d, "d"))


def square(d: int) -> Square:
    r""":math:`\theta = u\odot u` (non-negative predictors; Chizat, Lecture 10, §3).

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Returns
    -------
    Square
        The parameterisation.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.parametrizations.square(3).p
    3
    """
    return Square(positive_int(d, "d"))


def product(d: int) -> Product:
    r""":math:`\theta = u\odot v`, the two-layer diagonal network of Loureiro's notes §3.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Returns
    -------
    Product
        The parameterisation.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.parametrizations.product(3).p
    6
    """
    return Product(positive_int(d, "d"))


def signed_square(d: int) -> SignedSquare:
    r""":math:`\theta = u\odot u - v\odot v`, the canonical diagonal network of this book (Woodworth et al. 2020).

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Returns
    -------
    SignedSquare
        The parameterisation.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.parametrizations.signed_square(0)
    Traceback (most recent call last):
        ...
    ibcore.errors.InputError: d must be a positive integer; got 0
    """
    return SignedSquare(positive_int(d, "d"))


def log_ratio(d: int) -> LogRatio:
    r""":math:`\theta = \log u - \log v` on :math:`u, v > 0` (Jacobs, Zhou & Burkholz 2025, App. E).

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.

    Returns
    -------
    LogRatio
        The parameterisation.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.parametrizations.log_ratio(2).theta([1.0, 1.0, 1.0, 1.0])
    array([0., 0.])
    """
    return LogRatio(positive_int(d, "d"))


def power(d: int, k: int) -> Power:
    r""":math:`\theta = u^{k} - v^{k}` (depth-:math:`k` diagonal network), :math:`k\ge 2`.

    Parameters
    ----------
    d : int
        The dimension of :math:`\theta`.
    k : int
        The depth, an integer :math:`\ge 2` (its mirror potential needs :math:`k\ge 3`).

    Returns
    -------
    Power
        The parameterisation.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer or ``k`` is not an integer :math:`\ge 2`.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.parametrizations.power(2, 3)
    Power(d=2, k=3)
    """
    return Power(positive_int(d, "d"), positive_int(k, "k"))


@dataclass(frozen=True)
class ReparametrizedLoss(Loss):
    r"""The loss :math:`F(w) = R(g(w))` of a parameterised model, with :math:`\nabla F = Dg^\top\nabla R`.

    A :class:`~ibcore.losses.Loss`, so every method of :mod:`ibcore.algorithms` trains the
    parameters with it: ``gradient_descent(reparametrized(loss, param), w0, ...)`` runs GD on
    :math:`w`. The certificate of the discrete methods is :math:`\|\nabla F(w)\|`. Its dimension
    :attr:`d` is the number of parameters :math:`p`; it has no global smoothness constant
    (:attr:`~ibcore.losses.Loss.smoothness` is ``None``). Build it with :func:`reparametrized`.

    .. math:: \nabla^2F = Dg^\top\nabla^2R\,Dg + \sum_j (\nabla R)_j\nabla^2\theta_j .

    Parameters
    ----------
    loss : Loss
        The loss :math:`R` of the predictor.
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`, with the same :math:`d` as ``loss``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> base = ib.losses.square_loss(np.eye(2), [1.0, -1.0])
    >>> F = ib.parametrizations.reparametrized(base, ib.parametrizations.signed_square(2))
    >>> w0 = F.param.init(1.0)
    >>> F.d, F.value(w0), F.grad(w0)        # p = 2d parameters; grad = Dg^T grad R
    (4, 0.5, array([-1.,  1.,  1., -1.]))
    """

    loss: Loss
    param: Parametrization

    @property
    def n(self) -> int:
        r"""Number of samples of the loss of the predictor. See :attr:`~ibcore.losses.Loss.n`."""
        return self.loss.n

    @property
    def d(self) -> int:
        r"""Number of parameters :math:`p` (the dimension of :math:`w`). See :attr:`~ibcore.losses.Loss.d`."""
        return self.param.p

    def _halves(self, w: FloatArray) -> tuple[FloatArray, FloatArray]:
        # the methods below run in the inner loops of the algorithms, on iterates that started from a
        # validated w0: check only the shape here (the full checks cost more than the step itself)
        return self.param._halves(self._point(w))

    def value(self, w: FloatArray) -> float:
        r""":math:`F(w) = R(g(w))`. See :meth:`~ibcore.losses.Loss.value`."""
        return self.loss.value(self.param._map(*self._halves(w)))

    def grad(self, w: FloatArray) -> FloatArray:
        r""":math:`\nabla F(w) = Dg(w)^\top\nabla R(g(w))`. See :meth:`~ibcore.losses.Loss.grad`."""
        u, v = self._halves(w)
        return self.param._pullback(u, v, self.loss.grad(self.param._map(u, v)))

    def batch_grad(self, w: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The mini-batch gradient :math:`Dg(w)^\top\nabla R_B(g(w))`. See :meth:`~ibcore.losses.Loss.batch_grad`."""
        u, v = self._halves(w)
        return self.param._pullback(u, v, self.loss.batch_grad(self.param._map(u, v), batch))

    def hessian(self, w: FloatArray) -> FloatArray:
        r""":math:`\nabla^2F = Dg^\top\nabla^2R\,Dg + \sum_j (\nabla R)_j\nabla^2\theta_j` (dense).

        See :meth:`~ibcore.losses.Loss.hessian`.
        """
        J = self.param.jacobian(w)
        theta = self.param.theta(w)
        return J.T @ self.loss.hessian(theta) @ J + self.param.curvature(w, self.loss.grad(theta))

    def check_theta(self, w: ArrayLike, name: str = "w0") -> FloatArray:
        r"""Validate a starting point: a finite real vector of :math:`p` parameters in the domain of :math:`g`.

        The default name is ``"w0"``; :class:`LogRatio` also needs every parameter positive. See
        :meth:`~ibcore.losses.Loss.check_theta`.
        """
        arr = vector_of_length(w, self.param.p, name)
        self.param.theta(arr)  # domain checks (log_ratio and its positivity)
        return arr


def reparametrized(loss: Loss, param: Parametrization) -> ReparametrizedLoss:
    r"""The loss ``R(g(w))`` of ``loss`` under the parameterisation ``param`` (dimensions checked).

    .. math:: F(w) = R(g(w)), \qquad \nabla F(w) = Dg(w)^\top\nabla R(g(w)).

    Parameters
    ----------
    loss : Loss
        The loss :math:`R` of the predictor (a square loss, a classification loss, ...).
    param : Parametrization
        The parameterisation :math:`\theta = g(w)`.

    Returns
    -------
    ReparametrizedLoss
        :math:`F`, a :class:`~ibcore.losses.Loss` of dimension :math:`p`.

    Raises
    ------
    InputError
        If ``loss`` is not a :class:`~ibcore.losses.Loss`, ``param`` is not a :class:`Parametrization`,
        or their dimensions :math:`d` differ.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> base = ib.losses.square_loss(np.ones((3, 2)), np.ones(3))
    >>> ib.parametrizations.reparametrized(base, ib.parametrizations.product(2)).d
    4
    """
    if not isinstance(loss, Loss):
        raise InputError(f"reparametrized takes an ibcore.losses.Loss; got {type(loss).__name__}")
    if not isinstance(param, Parametrization):
        raise InputError(f"reparametrized takes an ibcore.parametrizations.Parametrization; got {type(param).__name__}")
    if loss.d != param.d:
        raise InputError(f"the loss has d = {loss.d} features but the parameterisation has d = {param.d}")
    return ReparametrizedLoss(loss, param)
