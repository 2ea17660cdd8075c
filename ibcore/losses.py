r"""Losses of a linear predictor :math:`x \mapsto \langle \theta, x\rangle`, with one normalisation.

The square loss of the whole book is

.. math:: R(\theta) = \frac{1}{2n}\,\|X\theta - y\|_2^2, \qquad
          \nabla R(\theta) = \frac1n X^\top (X\theta - y),

the convention of Loureiro's ENS notes, eq. (2.1). The EPFL exercise sheet uses
:math:`\frac1n\|X\theta-y\|^2` (twice ours: its time runs twice as fast) and Ma's notes
:math:`\frac12\|X\theta-y\|^2` (``n`` times ours); the notation page maps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ._validate import DesignShape, FloatArray, design_and_labels, vector_of_length


@dataclass(frozen=True)
class SquareLoss(DesignShape):
    r"""The empirical square loss :math:`R(\theta) = \frac{1}{2n}\|X\theta - y\|^2`.

    Build it with :func:`square_loss`, which validates ``X`` and ``y``.
    """

    X: FloatArray
    y: FloatArray
    _smoothness: float = field(default=0.0, repr=False)

    def residual(self, theta: FloatArray) -> FloatArray:
        r"""The residual :math:`X\theta - y`."""
        return self.X @ theta - self.y

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
        return Xb.T @ (Xb @ theta - self.y[batch]) / len(batch)

    @property
    def smoothness(self) -> float:
        r"""The smoothness constant :math:`L = \lambda_{\max}(X^\top X)/n = \sigma_1(X)^2/n`.

        Gradient descent with a constant step ``eta`` is stable iff ``eta < 2/L``.
        """
        return self._smoothness

    def check_theta(self, theta: ArrayLike, name: str = "theta0") -> FloatArray:
        """Validate a parameter vector for this loss."""
        return vector_of_length(theta, self.d, name)


def square_loss(X: ArrayLike, y: ArrayLike) -> SquareLoss:
    r"""The square loss :math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2` of the data ``(X, y)``."""
    X_arr, y_arr = design_and_labels(X, y)
    sigma_max = float(np.linalg.norm(X_arr, 2))
    return SquareLoss(X=X_arr, y=y_arr, _smoothness=sigma_max**2 / X_arr.shape[0])
