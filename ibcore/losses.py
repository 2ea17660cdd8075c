r"""Losses of a linear predictor :math:`x \mapsto \langle \theta, x\rangle`, with one normalisation, and the
protocol every loss of the package follows.

The square loss of the whole book is

.. math:: R(\theta) = \frac{1}{2n}\,\|X\theta - y\|_2^2, \qquad
          \nabla R(\theta) = \frac1n X^\top (X\theta - y),

the convention of Loureiro's ENS notes, eq. (2.1). The EPFL exercise sheet uses
:math:`\frac1n\|X\theta-y\|^2` (twice ours: its time runs twice as fast) and Ma's notes
:math:`\frac12\|X\theta-y\|^2` (``n`` times ours); the notation page maps them.

:class:`Loss` is the interface the methods of :mod:`ibcore.algorithms` accept; three kinds of
loss implement it: :class:`SquareLoss`, the loss of a parameterised model
(:class:`ibcore.parametrizations.ReparametrizedLoss`) and the classification losses
(:class:`ibcore.classification.ClassificationLoss`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ._validate import DesignShape, FloatArray, design_and_labels, vector_of_length
from .errors import InputError


class Loss(ABC):
    r"""The protocol of a differentiable loss :math:`F:\mathbb R^d\to\mathbb R` of a sum of ``n`` samples.

    Every method of :mod:`ibcore.algorithms` takes a ``Loss``. The methods called in the inner
    loops (:meth:`value`, :meth:`grad`, :meth:`batch_grad`) check only the shape of their
    argument; :meth:`check_theta` validates a starting point fully, once.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
    >>> isinstance(loss, ib.losses.Loss), loss.value(np.zeros(2)), loss.grad(np.zeros(2))
    (True, 1.25, array([-0.5, -1. ]))
    """

    @property
    @abstractmethod
    def n(self) -> int:
        """Number of samples (the loss is their average)."""

    @property
    @abstractmethod
    def d(self) -> int:
        """Dimension of the argument."""

    @abstractmethod
    def value(self, theta: FloatArray) -> float:
        r"""The loss :math:`F(\theta)`."""

    @abstractmethod
    def grad(self, theta: FloatArray) -> FloatArray:
        r"""The gradient :math:`\nabla F(\theta)`, shape ``(d,)``."""

    @abstractmethod
    def batch_grad(self, theta: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The gradient of the average over the samples ``batch`` (indices) only."""

    @abstractmethod
    def hessian(self, theta: FloatArray) -> FloatArray:
        r"""The Hessian :math:`\nabla^2F(\theta)`, shape ``(d, d)`` (dense; for small problems)."""

    @property
    def smoothness(self) -> float | None:
        r"""A global Lipschitz constant :math:`L` of :math:`\nabla F`, or ``None`` where none exists.

        Gradient descent with a constant step :math:`\eta < 2/L` is stable on a quadratic; a
        non-convex loss (a parameterised model) has no global :math:`L`.
        """
        return None

    def check_theta(self, theta: ArrayLike, name: str = "theta0") -> FloatArray:
        """Validate a starting point: a finite real vector of length :attr:`d`."""
        return vector_of_length(theta, self.d, name)

    def _point(self, theta: FloatArray) -> FloatArray:
        """The shape check of the inner-loop methods: a vector of length ``d``."""
        if np.shape(theta) != (self.d,):
            raise InputError(f"{type(self).__name__} takes a vector of length d = {self.d}; got shape "
                             f"{np.shape(theta)} (validate starting points with check_theta)")
        return theta


@dataclass(frozen=True)
class SquareLoss(DesignShape, Loss):
    r"""The empirical square loss :math:`R(\theta) = \frac{1}{2n}\|X\theta - y\|^2`.

    Build it with :func:`square_loss`, which validates ``X`` and ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss([[1.0, 0.0], [0.0, 2.0]], [1.0, 1.0])
    >>> loss.residual(np.zeros(2)), loss.smoothness, loss.hessian(np.zeros(2))
    (array([-1., -1.]), 2.0, array([[0.5, 0. ],
           [0. , 2. ]]))
    """

    X: FloatArray
    y: FloatArray
    _smoothness: float = field(default=0.0, repr=False)

    def residual(self, theta: FloatArray) -> FloatArray:
        r"""The residual :math:`X\theta - y`."""
        return self.X @ self._point(theta) - self.y

    def value(self, theta: FloatArray) -> float:
        r""":math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2`."""
        r = self.residual(theta)
        return float(r @ r) / (2 * self.n)

    def grad(self, theta: FloatArray) -> FloatArray:
        r""":math:`\nabla R(\theta) = \frac1n X^\top(X\theta - y)`."""
        return self.X.T @ self.residual(theta) / self.n

    def batch_grad(self, theta: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""Mini-batch gradient :math:`\frac{1}{|B|}\sum_{i\in B} (\langle x_i,\theta\rangle - y_i)\,x_i`."""
        Xb = self.X[batch]
        return Xb.T @ (Xb @ self._point(theta) - self.y[batch]) / len(batch)

    def hessian(self, theta: FloatArray) -> FloatArray:
        r""":math:`\nabla^2 R = \hat\Sigma = X^\top X/n`, the same at every :math:`\theta`."""
        return self.X.T @ self.X / self.n

    @property
    def smoothness(self) -> float:
        r"""The smoothness constant :math:`L = \lambda_{\max}(X^\top X)/n = \sigma_1(X)^2/n`.

        Gradient descent with a constant step ``eta`` is stable iff ``eta < 2/L``.
        """
        return self._smoothness


def square_loss(X: ArrayLike, y: ArrayLike) -> SquareLoss:
    r"""The square loss :math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2` of the data ``(X, y)``.

    Raises :class:`~ibcore.errors.InputError` for bad shapes, non-finite or complex entries,
    and for data so large that :math:`\|X\|_2^2` (the smoothness) or :math:`\|y\|^2` overflows
    float64 — rescale them.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.losses.square_loss([[3.0, 4.0]], [1.0]).smoothness
    25.0
    """
    X_arr, y_arr = design_and_labels(X, y)
    with np.errstate(over="ignore"):
        sigma_max = float(np.linalg.norm(X_arr, 2))
        smoothness = sigma_max * sigma_max / X_arr.shape[0]
        y_square = float(y_arr @ y_arr)
    if not (np.isfinite(smoothness) and np.isfinite(y_square)):
        raise InputError(f"X or y is too large for float64 arithmetic (||X||_2 = {sigma_max:.3g}, "
                         f"max |y| = {np.abs(y_arr).max():.3g}): the loss and its smoothness overflow; rescale them")
    return SquareLoss(X=X_arr, y=y_arr, _smoothness=smoothness)
