r"""Two-layer ReLU networks, their tangent kernels and the infinite-width kernel.

The network of width :math:`m` on inputs :math:`x\in\mathbb R^d`,

.. math:: f_w(x) = \frac{1}{m^{q}}\sum_{j=1}^m a_j\,\mathrm{relu}(\langle w_j, x\rangle),

with :math:`q = \frac12` (the NTK scaling) or :math:`q = 1` (the mean-field scaling) and parameters
``w = (a, W.ravel())`` (:math:`a\in\mathbb R^m`, rows :math:`w_j` of
:math:`W\in\mathbb R^{m\times d}`), started by the doubling trick so that :math:`f_{w_0} = 0`, and its
infinite-width tangent kernel in the NTK scaling (Cho & Saul 2009; Jacot, Gabriel, Hongler 2018).
A bias is a constant input coordinate. The model follows the protocol of :mod:`ibcore.lazy`
(``X``, ``init``, ``predict``, ``jacobian``), so :func:`ibcore.lazy.lazy_training` can integrate its flow, and
:func:`network_loss` makes it a :class:`~ibcore.losses.Loss` for :mod:`ibcore.algorithms`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, positive, positive_int, rng_from
from .errors import InputError
from .losses import Loss

SCALINGS = {"ntk": 0.5, "mean_field": 1.0}


def _pair(X1: ArrayLike, X2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    A = as_float_array(X1, "X1", ndim=2)
    B = as_float_array(X2, "X2", ndim=2)
    if A.shape[1] != B.shape[1]:
        raise InputError(f"X1 and X2 must have the same number of columns; got {A.shape[1]} and {B.shape[1]}")
    return A, B


def relu_ntk(X1: ArrayLike, X2: ArrayLike) -> FloatArray:
    r"""The infinite-width tangent kernel of a two-layer ReLU network, both layers trained.

    For :math:`f(x) = m^{-1/2}\sum_j a_j\,\mathrm{relu}(\langle w_j, x\rangle)` with :math:`a_j\sim\mathcal N(0, 1)`
    and :math:`w_j\sim\mathcal N(0, I_d)`, as :math:`m\to\infty`,

    .. math:: K(x, x') = \frac{|x||x'|\,\big(\sin t + (\pi - t)\cos t\big)}{2\pi}
              + \frac{\langle x, x'\rangle\,(\pi - t)}{2\pi},

    :math:`t\in[0, \pi]` the angle between :math:`x` and :math:`x'`: the first term is
    :math:`\mathbb E[\mathrm{relu}(\langle w, x\rangle)\,\mathrm{relu}(\langle w, x'\rangle)]` (the output layer's
    features, Cho & Saul 2009), the second
    :math:`\mathbb E[a^2]\,\mathbb P(\langle w, x\rangle > 0, \langle w, x'\rangle > 0)\,\langle x, x'\rangle`
    (the input layer's; Jacot et al. 2018). A zero row has kernel 0 with every point.

    Parameters
    ----------
    X1, X2 : array_like of shape (n1, d), (n2, d)
        The inputs, finite, with the same number of columns.

    Returns
    -------
    ndarray of shape (n1, n2)

    Raises
    ------
    InputError
        If an input is not a finite 2-d array or the column counts differ.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> print(np.round(ib.networks.relu_ntk(x, x), 4))   # K(x, x) = |x|^2, orthogonal: 1/(2 pi)
    [[1.     0.1592 0.    ]
     [0.1592 1.     0.    ]
     [0.     0.     0.    ]]
    """
    A, B = _pair(X1, X2)
    na, nb = np.linalg.norm(A, axis=1), np.linalg.norm(B, axis=1)
    inner = A @ B.T
    scale = np.outer(na, nb)
    # the angle by Kahan's formula t = 2 atan2(|u - v|, |u + v|) for unit u, v: accurate near 0 and
    # pi, where arccos of the cosine loses half the digits
    U = np.divide(A, na[:, None], out=np.zeros_like(A), where=na[:, None] > 0)
    V = np.divide(B, nb[:, None], out=np.zeros_like(B), where=nb[:, None] > 0)
    t = 2 * np.arctan2(np.linalg.norm(U[:, None, :] - V[None, :, :], axis=2),
                       np.linalg.norm(U[:, None, :] + V[None, :, :], axis=2))
    return (scale * (np.sin(t) + (np.pi - t) * np.cos(t)) + inner * (np.pi - t)) / (2 * np.pi)


@dataclass(frozen=True)
class ReluNetwork:
    r"""A two-layer ReLU network :math:`f_w(x) = m^{-q}\sum_j a_j\,\mathrm{relu}(\langle w_j, x\rangle)`, zero at start.

    Build it with :func:`relu_network`, which checks the arguments. The initialisation draws
    ``width/2`` neurons, :math:`a_j\sim\mathcal N(0, 1)`, :math:`w_j\sim\mathcal N(0, I_d)`, times ``scale``,
    and repeats them with the opposite output weight (the doubling trick), so the network is
    zero at :math:`w_0` while its tangent kernel is that of ``width/2`` independent neurons counted
    twice.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The training inputs.
    width : int
        The number :math:`m` of neurons (even).
    scaling : {"ntk", "mean_field"}
        :math:`q = 1/2` or :math:`q = 1`.
    seed : int
        The seed of :math:`w_0`.
    scale : float
        The factor on both layers at initialisation (small for the rich regime).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> net = ib.networks.relu_network(np.array([[1.0, 2.0], [0.5, -1.0]]), 4, seed=0)
    >>> w0 = net.init()
    >>> print(w0.shape, net.predict(w0), net.jacobian(w0).shape)
    (12,) [0. 0.] (2, 12)
    """

    X: FloatArray
    width: int
    scaling: str = "ntk"
    seed: int = 0
    scale: float = 1.0

    @property
    def exponent(self) -> float:
        """The exponent :math:`q` of the output scaling :math:`m^{-q}`.

        Returns
        -------
        float
            0.5 for ``"ntk"``, 1.0 for ``"mean_field"``.
        """
        return SCALINGS[self.scaling]

    @property
    def p(self) -> int:
        """The number of parameters, :math:`m(d + 1)`.

        Returns
        -------
        int
            The length of ``w = (a, W.ravel())``.
        """
        return self.width * (self.X.shape[1] + 1)

    def init(self) -> FloatArray:
        r"""The initialisation :math:`w_0 = (a, W.ravel())`, the same at every call.

        Returns
        -------
        ndarray of shape (width * (d + 1),)

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> a = ib.networks.relu_network(np.ones((3, 2)), 4, seed=0).init()[:4]
        >>> print(bool(np.all(a[:2] == -a[2:])))
        True
        """
        rng = rng_from(self.seed)
        half, d = self.width // 2, self.X.shape[1]
        a = rng.standard_normal(half) * self.scale
        W = rng.standard_normal((half, d)) * self.scale
        return np.concatenate([a, -a, np.vstack([W, W]).ravel()])

    def _split(self, w: FloatArray) -> tuple[FloatArray, FloatArray]:
        if np.shape(w) != (self.p,):
            raise InputError(f"w must have shape ({self.p},) for width {self.width}; got {np.shape(w)}")
        return w[: self.width], w[self.width :].reshape(self.width, self.X.shape[1])

    def _inputs(self, X: ArrayLike | None) -> FloatArray:
        if X is None:
            return self.X
        Z = as_float_array(X, "X", ndim=2)
        if Z.shape[1] != self.X.shape[1]:
            raise InputError(f"X must have {self.X.shape[1]} columns; got {Z.shape[1]}")
        return Z

    def predict(self, w: FloatArray, X: ArrayLike | None = None) -> FloatArray:
        r"""The predictions :math:`f_w(x_i)` on the training inputs, or on the rows of ``X``.

        .. math:: f_w(x) = m^{-q}\sum_{j=1}^m a_j\,\mathrm{relu}(\langle w_j, x\rangle).

        Parameters
        ----------
        w : ndarray of shape (width * (d + 1),)
            The parameter ``(a, W.ravel())``.
        X : array_like of shape (k, d), optional
            Other inputs; the training inputs by default.

        Returns
        -------
        ndarray of shape (n,) or (k,)

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> net = ib.networks.relu_network(np.eye(2), 2, seed=0)
        >>> print(net.predict(net.init()))
        [0. 0.]
        """
        a, W = self._split(w)
        return self._output(np.maximum(self._inputs(X) @ W.T, 0.0), a)

    def _output(self, act: FloatArray, a: FloatArray) -> FloatArray:
        # the two halves summed separately: at w_0 they cancel exactly (the doubling trick)
        h = self.width // 2
        return (act[:, :h] @ a[:h] + act[:, h:] @ a[h:]) / self.width**self.exponent

    def jacobian(self, w: FloatArray, X: ArrayLike | None = None) -> FloatArray:
        r"""The Jacobian of the predictions with respect to ``w = (a, W.ravel())``.

        .. math:: \frac{\partial f_w(x)}{\partial a_j} = \frac{\mathrm{relu}(\langle w_j, x\rangle)}{m^q}, \qquad
                  \frac{\partial f_w(x)}{\partial w_j} = \frac{a_j\,\mathbf 1\{\langle w_j, x\rangle > 0\}}{m^q}\,x .

        Parameters
        ----------
        w : ndarray of shape (width * (d + 1),)
            The parameter.
        X : array_like of shape (k, d), optional
            Other inputs; the training inputs by default.

        Returns
        -------
        ndarray of shape (n, width * (d + 1)) or (k, width * (d + 1))

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> net = ib.networks.relu_network(np.eye(2), 2, seed=0)
        >>> print(net.jacobian(net.init()).shape)
        (2, 6)
        """
        a, W = self._split(w)
        Z = self._inputs(X)
        pre = Z @ W.T  # (k, m)
        norm = self.width**self.exponent
        d_W = ((pre > 0) * a)[:, :, None] * Z[:, None, :] / norm
        return np.hstack([np.maximum(pre, 0.0) / norm, d_W.reshape(Z.shape[0], -1)])

    def tangent_kernel(self, w: FloatArray, X1: ArrayLike | None = None, X2: ArrayLike | None = None) -> FloatArray:
        r"""The empirical tangent kernel :math:`Df_w(X_1)\,Df_w(X_2)^\top` (training inputs by default).

        In the NTK scaling at :math:`w_0` it tends to :func:`relu_ntk` as the width grows.

        Parameters
        ----------
        w : ndarray of shape (width * (d + 1),)
            The parameter.
        X1, X2 : array_like, optional
            The two sets of inputs; ``X2`` defaults to ``X1``, which defaults to the training inputs.

        Returns
        -------
        ndarray of shape (n1, n2)

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> net = ib.networks.relu_network(np.eye(2), 20_000, seed=0)
        >>> print(np.round(net.tangent_kernel(net.init()), 1))
        [[1.  0.2]
         [0.2 1. ]]
        """
        J1 = self.jacobian(w, X1)
        return J1 @ (J1 if X2 is None else self.jacobian(w, X2)).T


def relu_network(X: ArrayLike, width: int, *, scaling: str = "ntk", seed: int = 0, scale: float = 1.0) -> ReluNetwork:
    r"""The network of :class:`ReluNetwork` with ``width`` neurons on the training inputs ``X``.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The training inputs, finite (append a column of ones for biases).
    width : int
        The number of neurons, even and at least 2 (the doubling trick pairs them).
    scaling : {"ntk", "mean_field"}, default "ntk"
        The output scaling :math:`m^{-1/2}` or :math:`m^{-1}`.
    seed : int, default 0
        The seed of the initialisation.
    scale : float, default 1.0
        The factor on both layers at initialisation, positive.

    Returns
    -------
    ReluNetwork

    Raises
    ------
    InputError
        If ``X`` is not a finite 2-d array, ``width`` is not an even positive integer,
        ``scaling`` is unknown or ``scale`` is not positive.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.networks.relu_network([[1.0, 2.0]], 3)
    Traceback (most recent call last):
        ...
    ibcore.errors.InputError: width must be even (the doubling trick pairs the neurons); got 3
    """
    width = positive_int(width, "width")
    if width % 2:
        raise InputError(f"width must be even (the doubling trick pairs the neurons); got {width}")
    if scaling not in SCALINGS:
        raise InputError(f"scaling must be one of {sorted(SCALINGS)}; got {scaling!r}")
    rng_from(seed)  # checks the seed now, not at the first init()
    return ReluNetwork(as_float_array(X, "X", ndim=2), width, scaling, seed, positive(scale, "scale"))


@dataclass(frozen=True)
class NetworkLoss(Loss):
    r"""The rescaled square loss of a network, :math:`F_\alpha(w) = \frac{1}{2n\alpha^2}\|\alpha f_w - y\|^2`.

    Its gradient is :math:`\frac1{n\alpha}Df_w^\top(\alpha f_w - y)`; :math:`\alpha = 1` is the plain
    square loss of the network. Build it with :func:`network_loss`.

    Parameters
    ----------
    network : ReluNetwork
        The model.
    y : ndarray of shape (n,)
        The labels.
    alpha : float
        The output scale :math:`\alpha` of lazy training.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> net = ib.networks.relu_network(np.eye(2), 4, seed=0)
    >>> loss = ib.networks.network_loss(net, [1.0, -1.0])
    >>> print(loss.value(net.init()), loss.d)
    0.5 12
    """

    network: ReluNetwork
    y: FloatArray
    alpha: float = 1.0

    @property
    def n(self) -> int:
        """The number of training points."""
        return int(self.y.size)

    @property
    def d(self) -> int:
        """The number of parameters."""
        return self.network.p

    def residual(self, w: FloatArray) -> FloatArray:
        r"""The scaled residual :math:`\alpha f_w - y` on the training points."""
        return self.alpha * self.network.predict(w) - self.y

    def value(self, w: FloatArray) -> float:
        r""":math:`\frac{1}{2n\alpha^2}\|\alpha f_w - y\|^2`."""
        r = self.residual(w)
        return float(r @ r) / (2 * self.n * self.alpha**2)

    def grad(self, w: FloatArray) -> FloatArray:
        r""":math:`\frac{1}{n\alpha}Df_w^\top(\alpha f_w - y)`, without forming :math:`Df_w`.

        With :math:`r = \alpha f_w - y`,
        :math:`\partial_{a_j}F = \sum_ir_i\,\mathrm{relu}(\langle w_j, x_i\rangle)/(n\alpha m^q)`
        and :math:`\partial_{w_j}F = a_j\sum_ir_i\mathbf 1\{\langle w_j, x_i\rangle > 0\}\,x_i/(n\alpha m^q)`.
        """
        net = self.network
        a, W = net._split(w)
        pre = net.X @ W.T  # (n, m)
        r = self.alpha * net._output(np.maximum(pre, 0.0), a) - self.y
        g_a = np.maximum(pre, 0.0).T @ r
        g_W = a[:, None] * (((pre > 0) * r[:, None]).T @ net.X)
        return np.concatenate([g_a, g_W.ravel()]) / (self.n * self.alpha * net.width**net.exponent)

    def hessian(self, w: FloatArray) -> FloatArray:
        r"""The Hessian :math:`\frac1nDf^\top Df + \frac1{n\alpha}\sum_ir_i\nabla^2f(x_i)` (no pre-activation at 0).

        ReLU is piecewise linear, so :math:`\nabla^2f(x_i)` has only the blocks
        :math:`\partial_{a_j}\partial_{w_j}f = \mathbf 1\{\langle w_j, x_i\rangle > 0\}\,x_i/m^q` and their transposes.
        """
        net = self.network
        J, r = net.jacobian(w), self.residual(w)
        _, W = net._split(w)
        m, d = W.shape
        active = (net.X @ W.T > 0) * r[:, None]  # (n, m): r_i 1{w_j . x_i > 0}
        cross = (active.T @ net.X) / net.width**net.exponent  # (m, d): sum_i r_i 1{.} x_i
        H = J.T @ J / self.n
        block = np.zeros((m, m * d))
        block[np.arange(m)[:, None], np.arange(m)[:, None] * d + np.arange(d)] = cross
        H[:m, m:] += block / (self.n * self.alpha)
        H[m:, :m] += block.T / (self.n * self.alpha)
        return H

    def batch_grad(self, w: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The gradient of the average over the samples in ``batch``."""
        idx = np.asarray(batch)
        J = self.network.jacobian(w)[idx]
        return J.T @ self.residual(w)[idx] / (idx.size * self.alpha)


def network_loss(network: ReluNetwork, y: ArrayLike, *, alpha: float = 1.0) -> NetworkLoss:
    r"""The loss :class:`NetworkLoss` of ``network`` on the labels ``y`` at output scale ``alpha``.

    Parameters
    ----------
    network : ReluNetwork
        The model.
    y : array_like of shape (n,)
        One finite label per training input.
    alpha : float, default 1.0
        The output scale, positive.

    Returns
    -------
    NetworkLoss

    Raises
    ------
    InputError
        If ``network`` is not a :class:`ReluNetwork`, ``y`` does not have one finite entry per
        training input, or ``alpha`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> net = ib.networks.relu_network(np.eye(2), 4, seed=0)
    >>> ib.networks.network_loss(net, [1.0])
    Traceback (most recent call last):
        ...
    ibcore.errors.InputError: X has 2 rows (samples) but y has 1 entries
    """
    if not isinstance(network, ReluNetwork):
        raise InputError(f"network must be a ReluNetwork (see relu_network); got {type(network).__name__}")
    _, y_ = design_and_labels(network.X, y)
    return NetworkLoss(network, y_, positive(alpha, "alpha"))


def kernel_interpolant(K_train: ArrayLike, K_test: ArrayLike, y: ArrayLike) -> FloatArray:
    r"""Kernel interpolation :math:`K(X_{\mathrm{test}}, X)\,K(X, X)^{-1}y`, by a Cholesky solve.

    The limit of gradient flow on a linear model with tangent kernel :math:`K` from zero
    predictions (the minimum-RKHS-norm interpolant).

    Parameters
    ----------
    K_train : array_like of shape (n, n)
        The kernel on the training inputs, symmetric positive definite.
    K_test : array_like of shape (k, n)
        The kernel between test and training inputs.
    y : array_like of shape (n,)
        The labels.

    Returns
    -------
    ndarray of shape (k,)

    Raises
    ------
    InputError
        If the shapes disagree or ``K_train`` is not positive definite.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(ib.networks.kernel_interpolant(np.eye(2), [[1.0, 0.0], [0.5, 0.5]], [2.0, 4.0]))
    [2. 3.]
    """
    K = as_float_array(K_train, "K_train", ndim=2)
    Kt = as_float_array(K_test, "K_test", ndim=2)
    y_ = as_float_array(y, "y", ndim=1)
    if K.shape != (y_.size, y_.size) or Kt.shape[1] != y_.size:
        raise InputError(f"K_train must be ({y_.size}, {y_.size}) and K_test (k, {y_.size}); "
                         f"got {K.shape} and {Kt.shape}")
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError as exc:
        raise InputError("K_train is not positive definite: repeated inputs, or a degenerate kernel") from exc
    return Kt @ np.linalg.solve(L.T, np.linalg.solve(L, y_))


def slope_variation(network: ReluNetwork, w: ArrayLike, lo: float, hi: float, *, factor: float = 1.0) -> float:
    r"""The total variation of the slope, :math:`\int_{lo}^{hi}|f''|`, of a univariate network with a bias.

    On inputs :math:`(x, 1)` the network :math:`f(x) = m^{-q}\sum_ja_j\,\mathrm{relu}(w_{j1}x + w_{j2})` is
    piecewise linear with kinks at :math:`-w_{j2}/w_{j1}`; its slope is evaluated exactly between
    consecutive kinks in :math:`(lo, hi)` and the absolute jumps are summed (kinks at one point
    merge, as they should).

    Parameters
    ----------
    network : ReluNetwork
        A network on 2-column inputs :math:`(x, 1)`.
    w : array_like
        Its parameter.
    lo, hi : float
        The interval, :math:`lo < hi`.
    factor : float, default 1.0
        A factor on :math:`f` (the :math:`\alpha` of lazy training).

    Returns
    -------
    float

    Raises
    ------
    InputError
        If the inputs do not have two columns or :math:`lo\ge hi`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> net = ib.networks.relu_network(np.array([[0.0, 1.0], [1.0, 1.0]]), 2, seed=0)
    >>> w = np.array([1.0, 0.0, 1.0, -0.5, 1.0, 0.0])  # sqrt(2) f = relu(x - 1/2)
    >>> print(round(ib.networks.slope_variation(net, w, 0.0, 1.0) * np.sqrt(2), 12))
    1.0
    """
    if network.X.shape[1] != 2:
        raise InputError(f"slope_variation needs inputs (x, 1) with two columns; got {network.X.shape[1]}")
    if not float(lo) < float(hi):
        raise InputError(f"need lo < hi; got lo = {lo}, hi = {hi}")
    a, W = network._split(as_float_array(w, "w", ndim=1))
    slope, shift = W[:, 0], W[:, 1]
    kinks = -shift[slope != 0] / slope[slope != 0]
    inside = np.sort(kinks[(kinks > lo) & (kinks < hi)])
    edges = np.concatenate([[lo], inside, [hi]])
    mids = (edges[:-1] + edges[1:]) / 2
    slopes = ((np.outer(mids, slope) + shift) > 0) * slope @ a / network.width**network.exponent
    return float(factor * np.sum(np.abs(np.diff(slopes))))
