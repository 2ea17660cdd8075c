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
from scipy.special import logsumexp

from ._validate import DesignShape, FloatArray, as_float_array, design_and_labels, positive, vector_of_length
from .algorithms import integrate_certified
from .errors import InputError
from .losses import Loss
from .parametrizations import Parametrization
from .records import Record


@dataclass(frozen=True)
class ClassificationLoss(DesignShape, Loss):
    r"""The exponential or logistic loss of a linear classifier (build it with :func:`classification_loss`).

    .. math::

        L(w) = \frac1n\sum_i \ell(m_i), \qquad m_i = y_i\langle w, x_i\rangle,

        \ell(m) = e^{-m}\ \text{(exponential)}\quad\text{or}\quad \log(1 + e^{-m})\ \text{(logistic)}.

    Every method takes a parameter ``w`` of length ``d`` as it is (call :meth:`check_theta` on
    an input first); the properties ``n`` and ``d`` give the number of points and the dimension.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The inputs, one point per row.
    y : ndarray of shape (n,)
        The labels, each ``-1.0`` or ``+1.0``.
    kind : str
        ``"exponential"`` or ``"logistic"``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    >>> y = np.array([1.0, 1.0, -1.0])
    >>> loss = ib.classification.classification_loss(X, y, "exponential")
    >>> w = np.array([1.0, 1.0])
    >>> print(loss.margins(w), round(loss.value(w), 6), round(loss.log_value(1000 * w), 3))
    [1. 1. 2.] 0.290365 -1000.405
    """

    X: FloatArray
    y: FloatArray
    kind: str

    def margins(self, w: FloatArray) -> FloatArray:
        r"""The margins :math:`m_i = y_i\langle w, x_i\rangle`.

        Parameters
        ----------
        w : ndarray of shape (d,)
            The parameter (not checked).

        Returns
        -------
        ndarray of shape (n,)
            One margin per point.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
        >>> y = np.array([1.0, 1.0, -1.0])
        >>> loss = ib.classification.classification_loss(X, y)
        >>> print(loss.margins(np.array([1.0, -1.0])))
        [ 1. -1.  0.]
        """
        return self.y * (self.X @ self._point(w))

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
        r""":math:`\log L(w)`, finite for any margins (never :math:`-\infty` from underflow).

        .. math:: \log L(w) = \operatorname{logsumexp}_i\big(\log\ell(m_i)\big) - \log n,

        with :math:`\log\ell(m) = -m` (exponential) and, for the logistic loss,
        :math:`\log\log(1 + e^{-m})`, evaluated as :math:`-m + \log(1 - e^{-m}/2)` once :math:`m > 30`.

        Parameters
        ----------
        w : ndarray of shape (d,)
            The parameter (not checked).

        Returns
        -------
        float
            :math:`\log L(w)`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
        >>> y = np.array([1.0, 1.0, -1.0])
        >>> loss = ib.classification.classification_loss(X, y, "logistic")
        >>> print(round(loss.log_value(np.array([1000.0, 1000.0])), 3))  # L itself underflows to 0
        -1000.405
        """
        return float(logsumexp(self._log_terms(self.margins(w))) - np.log(self.n))

    def value(self, w: FloatArray) -> float:
        r""":math:`L(w)` itself (it underflows to 0 once :math:`\log L < -745`; use :meth:`log_value`).

        .. math:: L(w) = \exp\big(\log L(w)\big) = \frac1n\sum_i \ell(m_i).

        Parameters
        ----------
        w : ndarray of shape (d,)
            The parameter (not checked).

        Returns
        -------
        float
            :math:`L(w)`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
        >>> y = np.array([1.0, 1.0, -1.0])
        >>> loss = ib.classification.classification_loss(X, y, "exponential")
        >>> print(round(loss.value(np.array([1.0, 1.0])), 6))  # (2 e^-1 + e^-2) / 3
        0.290365
        """
        return float(np.exp(self.log_value(w)))

    def _weights(self, m: FloatArray, log_scale: float) -> FloatArray:
        r""":math:`e^{s}\,\phi(m_i)` with :math:`\phi = -\ell'`: :math:`e^{-m}` or :math:`1/(1+e^{m})`."""
        if self.kind == "exponential":
            return np.exp(np.minimum(log_scale - m, 700.0))
        return np.exp(np.minimum(log_scale - np.logaddexp(0.0, m), 700.0))

    def grad(self, w: FloatArray, log_scale: float = 0.0) -> FloatArray:
        r""":math:`e^{s}\nabla L(w) = -\frac{e^{s}}{n}\sum_i \phi(m_i)\,y_i x_i` with :math:`s` = ``log_scale``.

        Here :math:`\phi = -\ell'`: :math:`\phi(m) = e^{-m}` (exponential) or :math:`1/(1 + e^{m})`
        (logistic). Each weight :math:`e^{s}\phi(m_i)` is computed as one exponential,
        :math:`\exp(s - m_i)` or :math:`\exp(s - \log(1 + e^{m_i}))`, with its exponent capped at 700.

        Parameters
        ----------
        w : ndarray of shape (d,)
            The parameter (not checked).
        log_scale : float, default 0.0
            The logarithm :math:`s` of the factor the gradient is multiplied by.

        Returns
        -------
        ndarray of shape (d,)
            :math:`e^{s}\nabla L(w)`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
        >>> y = np.array([1.0, 1.0, -1.0])
        >>> loss = ib.classification.classification_loss(X, y, "exponential")
        >>> w = np.array([1.0, 1.0])
        >>> print(np.round(loss.grad(w), 6), np.round(loss.grad(w, log_scale=np.log(2.0)), 6))
        [-0.167738 -0.167738] [-0.335476 -0.335476]
        """
        return -self.X.T @ (self.y * self._weights(self.margins(w), log_scale)) / self.n

    def check_theta(self, w: ArrayLike, name: str = "w0") -> FloatArray:
        """Check a parameter of this loss: a finite vector of length ``d``.

        Parameters
        ----------
        w : array_like
            The candidate parameter.
        name : str, default "w0"
            Its name in the error message.

        Returns
        -------
        ndarray of shape (d,)
            ``w`` as a float64 array.

        Raises
        ------
        InputError
            If ``w`` is not a finite non-empty 1-d array of length ``d``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
        >>> y = np.array([1.0, 1.0, -1.0])
        >>> loss = ib.classification.classification_loss(X, y)
        >>> print(loss.check_theta([1, 2], "w"))
        [1. 2.]
        >>> loss.check_theta([1.0, 2.0, 3.0], "w")
        Traceback (most recent call last):
            ...
        ibcore.errors.InputError: w must have length 2 (the number of features); got 3
        """
        return vector_of_length(w, self.d, name)

    def batch_grad(self, w: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The gradient of the average of the loss over the samples ``batch`` only,
        :math:`-\frac1{|B|}\sum_{i\in B}\phi(m_i)\,y_ix_i`.

        Parameters
        ----------
        w : ndarray of shape (d,)
            The parameter.
        batch : ndarray of int
            The indices of the samples.

        Returns
        -------
        ndarray of shape (d,)
            The mini-batch gradient (all indices give :meth:`grad`).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.classification.classification_loss(np.eye(2), [1.0, -1.0])
        >>> loss.batch_grad(np.zeros(2), np.array([0]))
        array([-0.5,  0. ])
        """
        Xb, yb = self.X[batch], self.y[batch]
        return -Xb.T @ (yb * self._weights(yb * (Xb @ self._point(w)), 0.0)) / len(batch)

    def hessian(self, w: FloatArray) -> FloatArray:
        r""":math:`\nabla^2L(w) = \frac1n\sum_i\ell''(m_i)\,x_ix_i^\top`: :math:`\ell'' = e^{-m}` (exponential),
        :math:`1/((1+e^{m})(1+e^{-m}))` (logistic).

        Parameters
        ----------
        w : ndarray of shape (d,)
            The parameter.

        Returns
        -------
        ndarray of shape (d, d)
            The Hessian.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> ib.classification.classification_loss(np.eye(2), [1.0, -1.0]).hessian(np.zeros(2))
        array([[0.125, 0.   ],
               [0.   , 0.125]])
        """
        m = self.margins(self._point(w))
        if self.kind == "exponential":
            curvature = np.exp(np.minimum(-m, 700.0))
        else:
            curvature = np.exp(-np.logaddexp(0.0, m) - np.logaddexp(0.0, -m))
        return (self.X * curvature[:, None]).T @ self.X / self.n

    @property
    def smoothness(self) -> float | None:
        r""":math:`\sigma_1(X)^2/(4n)` for the logistic loss (:math:`\ell''\le 1/4`); ``None`` for the exponential
        loss, whose gradient has no global Lipschitz constant.

        Returns
        -------
        float or None
            The smoothness constant :math:`L`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.classification.classification_loss(np.eye(2), [1.0, -1.0]).smoothness)
        0.125
        """
        if self.kind == "exponential":
            return None
        return float(np.linalg.norm(self.X, 2) ** 2 / (4 * self.n))


def classification_loss(X: ArrayLike, y: ArrayLike, kind: str = "logistic") -> ClassificationLoss:
    r"""The exponential or logistic loss of the labelled data ``(X, y)`` (labels in {-1, +1}).

    .. math::

        L_{\exp}(w) = \frac1n\sum_i e^{-m_i}, \qquad L_{\log}(w) = \frac1n\sum_i \log(1 + e^{-m_i}),

        m_i = y_i\langle w, x_i\rangle.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The inputs, finite.
    y : array_like of shape (n,)
        The labels, each -1 or +1.
    kind : str, default "logistic"
        ``"logistic"`` or ``"exponential"``.

    Returns
    -------
    ClassificationLoss
        The loss, with ``X`` and ``y`` as float64 arrays.

    Raises
    ------
    InputError
        If ``X`` is not a finite 2-d array, ``y`` not a finite 1-d array with one entry per row of
        ``X``, a label is not -1 or +1, or ``kind`` is not one of the two losses.

    Examples
    --------
    >>> import ibcore as ib
    >>> data = ib.data.separable(10, 3, seed=0)
    >>> loss = ib.classification.classification_loss(data.X, data.y, "exponential")
    >>> print(loss.kind, loss.n, loss.d)
    exponential 10 3
    """
    X_arr, y_arr = design_and_labels(X, y)
    if not np.all(np.isin(y_arr, (-1.0, 1.0))):
        raise InputError("labels must be -1 or +1")
    if kind not in ("logistic", "exponential"):
        raise InputError(f"kind must be 'logistic' or 'exponential'; got {kind!r}")
    return ClassificationLoss(X_arr, y_arr, kind)


def _nonzero(w: FloatArray, what: str, name: str = "w") -> FloatArray:
    if not np.any(w):
        raise InputError(f"{what} is undefined at {name} = 0 (it divides by the norm of {name})")
    return w


def normalized_margin(loss: ClassificationLoss, w: ArrayLike) -> float:
    r""":math:`\gamma(w) = \min_i y_i\langle w, x_i\rangle/\|w\|_2` (Ma's notes, Def. 9.23).

    Parameters
    ----------
    loss : ClassificationLoss
        The labelled data.
    w : array_like of shape (d,)
        A non-zero parameter.

    Returns
    -------
    float
        The normalised margin, positive if and only if ``w`` separates the data.

    Raises
    ------
    InputError
        If ``w`` is not a finite vector of length ``d``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    >>> loss = ib.classification.classification_loss(X, [1.0, 1.0, -1.0])
    >>> print(round(ib.classification.normalized_margin(loss, [1.0, 1.0]), 6))  # 1/sqrt(2)
    0.707107
    """
    w_arr = _nonzero(loss.check_theta(w, "w"), "the normalised margin")
    return float(loss.margins(w_arr).min() / np.linalg.norm(w_arr))


def smooth_margin(loss: ClassificationLoss, w: ArrayLike) -> float:
    r"""The smooth margin :math:`\tilde\gamma(w) = -\log\sum_i e^{-m_i}/\|w\|_2`.

    The log-sum-exp sandwich gives :math:`\gamma(w) - \log n/\|w\| \le\tilde\gamma(w)\le\gamma(w)`.
    It is computed as a log-sum-exp, so it stays finite for any margins.

    Parameters
    ----------
    loss : ClassificationLoss
        The labelled data.
    w : array_like of shape (d,)
        A non-zero parameter.

    Returns
    -------
    float
        The smooth margin :math:`\tilde\gamma(w)`.

    Raises
    ------
    InputError
        If ``w`` is not a finite vector of length ``d``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    >>> loss = ib.classification.classification_loss(X, [1.0, 1.0, -1.0])
    >>> w = np.array([1.0, 1.0])
    >>> for scale in (1.0, 100.0):  # the sandwich tightens as the norm grows
    ...     print(round(ib.classification.smooth_margin(loss, scale * w), 6))
    0.097584
    0.702205
    """
    w_arr = _nonzero(loss.check_theta(w, "w"), "the smooth margin")
    return float(-logsumexp(-loss.margins(w_arr)) / np.linalg.norm(w_arr))


def angle_gap(w: ArrayLike, direction: ArrayLike) -> float:
    r""":math:`1 - \cos\angle(w, \hat w)`, the distance of the direction of ``w`` to ``direction``.

    .. math:: 1 - \frac{\langle w, \hat w\rangle}{\|w\|_2\,\|\hat w\|_2} \in [0, 2].

    Parameters
    ----------
    w : array_like
        A non-zero vector.
    direction : array_like
        A non-zero vector :math:`\hat w` of the same length.

    Returns
    -------
    float
        0 for the same direction, 1 for orthogonal vectors, 2 for opposite ones.

    Raises
    ------
    InputError
        If ``w`` or ``direction`` is empty or not finite.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(round(ib.classification.angle_gap([1.0, 0.0], [1.0, 1.0]), 6))  # 1 - 1/sqrt(2)
    0.292893
    >>> print(round(ib.classification.angle_gap([1.0, 1.0], [2.0, 2.0]), 12))
    0.0
    """
    a, b = as_float_array(w, "w", ndim=1), as_float_array(direction, "direction", ndim=1)
    if a.shape != b.shape:
        raise InputError(f"w and direction must have the same length; got {a.size} and {b.size}")
    a, b = _nonzero(a, "an angle"), _nonzero(b, "an angle", "direction")
    return float(1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@dataclass(frozen=True)
class LogTimeRun(Record):
    r"""A gradient flow recorded at ``times``: iterates (k, d), or (k, p) parameters with ``param``; log-losses.

    Returned by :func:`log_time_flow`.

    Parameters
    ----------
    times : ndarray of shape (k,)
        The recording times, :math:`\ge 1` and increasing.
    iterates : ndarray of shape (k, d) or (k, p)
        The iterate at each time: the predictor, or the parameters with ``param``.
    log_losses : ndarray of shape (k,)
        :math:`\log L` of the predictor at each time.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.separable(10, 2, margin=0.3, seed=1)
    >>> loss = ib.classification.classification_loss(data.X, data.y, "exponential")
    >>> run = ib.classification.log_time_flow(loss, np.zeros(2), [1.0, 1e10, 1e50])
    >>> print(run.times.shape, run.iterates.shape, np.round(run.log_losses, 1))
    (3,) (3, 2) [  -0.4  -21.1 -113.2]
    """

    times: FloatArray
    iterates: FloatArray
    log_losses: FloatArray


def log_time_flow(loss: ClassificationLoss, w0: ArrayLike, times: ArrayLike, *, param: Parametrization | None = None,
                  rtol: float = 1e-10, atol: float = 1e-12, max_evaluations: int = 500_000) -> LogTimeRun:
    r"""Gradient flow :math:`\dot w = -\nabla L(w)` from ``w0``, recorded at ``times`` (:math:`\ge1`).

    From :math:`t = 0` to :math:`1` it is integrated in :math:`t`; then
    :math:`dw/ds = -e^{s}\nabla L(w)` (see the module docstring) up to :math:`s = \log t_{\max}`.
    With ``param`` the flow runs on the parameters :math:`w` of the predictor
    :math:`\theta = g(w)`, with gradient :math:`Dg(w)^\top\nabla L(\theta)`; iterates are parameters.

    .. math:: \frac{dw}{ds} = -e^{s}\nabla L(w), \qquad s = \log t \in [0, \log t_{\max}],

    which is well scaled for all :math:`t` because :math:`m_i\approx\log t` on the support vectors
    (Soudry et al. 2018). Both stages use scipy's LSODA with the tolerances ``rtol`` and ``atol``.

    Parameters
    ----------
    loss : ClassificationLoss
        The loss :math:`L`.
    w0 : array_like
        The initial point: a predictor of length ``d``, or parameters of length ``param.p``.
    times : array_like of shape (k,)
        Recording times, :math:`\ge 1` and strictly increasing.
    param : Parametrization, optional
        A parametrisation :math:`\theta = g(w)` with ``param.d == loss.d``; ``None`` (the default)
        runs the flow on the predictor itself.
    rtol : float, default 1e-10
        Relative tolerance of the integrator, :math:`> 0`.
    atol : float, default 1e-12
        Absolute tolerance of the integrator, :math:`> 0`.
    max_evaluations : int, default 500000
        The budget of evaluations of the right-hand side in each stage (the shared driver
        :func:`ibcore.algorithms.integrate_certified`).

    Returns
    -------
    LogTimeRun
        The times, the iterates at each time and :math:`\log L` of the predictor there.

    Raises
    ------
    InputError
        If ``w0`` has the wrong length or is not finite, ``param`` and ``loss`` differ in ``d``,
        ``times`` is not a finite 1-d array that starts at or after 1 and strictly increases, or a
        tolerance is not positive.
    NotConverged
        If the integrator fails on :math:`[0, 1]` or in logarithmic time, or exceeds its budget.
    DivergenceError
        If the state overflows.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    >>> loss = ib.classification.classification_loss(X, [1.0, 1.0, -1.0], "exponential")
    >>> run = ib.classification.log_time_flow(loss, np.zeros(2), [1.0, 1e3, 1e6])
    >>> print(np.round(run.iterates[:, 0], 4), np.round(run.log_losses, 3))
    [ 0.4656  5.8274 12.7169] [ -0.598  -6.231 -13.122]
    >>> print(round(ib.classification.normalized_margin(loss, run.iterates[-1]), 4))
    0.7071
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
    first, _, _ = integrate_certified(lambda _, w: -scaled_grad(w, 0.0), w0, [0.0, 1.0], method="LSODA", rtol=rtol,
                                      atol=atol, what="the flow on [0, 1]", max_evaluations=max_evaluations)
    iterates, _, _ = integrate_certified(lambda s, w: -scaled_grad(w, s), first[-1], np.log(t), method="LSODA",
                                         rtol=rtol, atol=atol, what="the flow in log time",
                                         max_evaluations=max_evaluations)
    thetas = iterates if param is None else param.theta(iterates)
    return LogTimeRun(times=t, iterates=iterates, log_losses=np.array([loss.log_value(th) for th in thetas]))
