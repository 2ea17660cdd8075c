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
        r"""Number of samples ``n`` (the loss is their average).

        Returns
        -------
        int
            The number of terms averaged; :meth:`batch_grad` takes indices in ``range(n)``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> ib.losses.square_loss(np.ones((3, 2)), np.ones(3)).n
        3
        """

    @property
    @abstractmethod
    def d(self) -> int:
        r"""Dimension ``d`` of the argument.

        Returns
        -------
        int
            The length of the vectors that :meth:`value`, :meth:`grad` and :meth:`check_theta` take: the
            number of features of a linear predictor, the number of parameters :math:`p` of a model.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> ib.losses.square_loss(np.ones((3, 2)), np.ones(3)).d
        2
        """

    @abstractmethod
    def value(self, theta: FloatArray) -> float:
        r"""The loss :math:`F(\theta)`.

        Parameters
        ----------
        theta : ndarray of shape (d,)
            The point; only its shape is checked (validate a starting point once with :meth:`check_theta`).

        Returns
        -------
        float
            :math:`F(\theta)`.

        Raises
        ------
        InputError
            If ``theta`` is not of shape ``(d,)``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
        >>> loss.value(np.zeros(2))  # (1 + 4) / (2 n), n = 2
        1.25
        """

    @abstractmethod
    def grad(self, theta: FloatArray) -> FloatArray:
        r"""The gradient :math:`\nabla F(\theta)`, shape ``(d,)``.

        Parameters
        ----------
        theta : ndarray of shape (d,)
            The point; only its shape is checked.

        Returns
        -------
        ndarray of shape (d,)
            :math:`\nabla F(\theta)`; its norm is the convergence certificate of :mod:`ibcore.algorithms`.

        Raises
        ------
        InputError
            If ``theta`` is not of shape ``(d,)``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
        >>> print(loss.grad(np.zeros(2)))  # X^T (X theta - y) / n
        [-0.5 -1. ]
        """

    @abstractmethod
    def batch_grad(self, theta: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""The gradient of the average over the samples ``batch`` (indices) only.

        .. math:: \nabla F_B(\theta) = \frac{1}{|B|}\sum_{i\in B}\nabla f_i(\theta),

        the stochastic gradient of :func:`ibcore.algorithms.sgd`; with :math:`B = \{0, \dots, n-1\}` it
        is :meth:`grad`.

        Parameters
        ----------
        theta : ndarray of shape (d,)
            The point; only its shape is checked.
        batch : ndarray of int
            A non-empty array of sample indices in ``range(n)`` (repetitions count twice; not checked).

        Returns
        -------
        ndarray of shape (d,)
            The mini-batch gradient.

        Raises
        ------
        InputError
            If ``theta`` is not of shape ``(d,)``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
        >>> print(loss.batch_grad(np.zeros(2), np.array([1])), loss.batch_grad(np.zeros(2), np.array([0, 1])))
        [ 0. -2.] [-0.5 -1. ]
        """

    @abstractmethod
    def hessian(self, theta: FloatArray) -> FloatArray:
        r"""The Hessian :math:`\nabla^2F(\theta)`, shape ``(d, d)`` (dense; for small problems).

        Parameters
        ----------
        theta : ndarray of shape (d,)
            The point (a loss whose Hessian is constant, like :class:`SquareLoss`, ignores it).

        Returns
        -------
        ndarray of shape (d, d)
            The symmetric matrix :math:`\nabla^2F(\theta)`; the implicit integrators of the flows use it
            as their Jacobian.

        Raises
        ------
        InputError
            If ``theta`` is not of shape ``(d,)``, for a loss whose Hessian depends on it.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> print(ib.losses.square_loss([[1.0, 0.0], [0.0, 2.0]], [1.0, 1.0]).hessian(np.zeros(2)))
        [[0.5 0. ]
         [0.  2. ]]
        """

    @property
    def smoothness(self) -> float | None:
        r"""A global Lipschitz constant :math:`L` of :math:`\nabla F`, or ``None`` where none exists.

        Gradient descent with a constant step :math:`\eta < 2/L` is stable on a quadratic; a
        non-convex loss (a parameterised model) has no global :math:`L`.

        Returns
        -------
        float or None
            :math:`L`, or ``None`` (the default of the protocol).

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss([[3.0, 4.0]], [1.0])
        >>> model = ib.parametrizations.reparametrized(loss, ib.parametrizations.signed_square(2))
        >>> loss.smoothness, model.smoothness
        (25.0, None)
        """
        return None

    def check_theta(self, theta: ArrayLike, name: str = "theta0") -> FloatArray:
        r"""Validate a starting point: a finite real vector of length :attr:`d`.

        The methods of :mod:`ibcore.algorithms` call it once on their initialisation; the inner-loop
        methods then check only shapes.

        Parameters
        ----------
        theta : array_like of shape (d,)
            The candidate point.
        name : str, default "theta0"
            The name the error message uses.

        Returns
        -------
        ndarray of shape (d,)
            ``theta`` as a float64 array.

        Raises
        ------
        InputError
            If ``theta`` is not a real, finite, non-empty vector of length :attr:`d`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
        >>> print(loss.check_theta([1, 2]))
        [1. 2.]
        >>> loss.check_theta([1.0, np.nan])
        Traceback (most recent call last):
            ...
        ibcore.errors.InputError: theta0 has 1 non-finite entry (NaN or inf)
        """
        return vector_of_length(theta, self.d, name)

    def _point(self, theta: FloatArray) -> FloatArray:
        """The shape check of the inner-loop methods: a vector of length ``d`` (about 0.2 microseconds)."""
        shape = self.__dict__.get("_vector_shape")
        if shape is None:  # computed once per loss (a frozen dataclass: set around its __setattr__)
            shape = (self.d,)
            object.__setattr__(self, "_vector_shape", shape)
        if getattr(theta, "shape", None) == shape:
            return theta
        if not hasattr(theta, "shape"):  # a list or a tuple: as an array, once
            theta = self.check_theta(theta, "theta")
            if theta.shape == shape:
                return theta
        raise InputError(f"{type(self).__name__} takes a vector of length d = {self.d}; got shape "
                         f"{np.shape(theta)} (validate starting points with check_theta)")


@dataclass(frozen=True)
class SquareLoss(DesignShape, Loss):
    r"""The empirical square loss :math:`R(\theta) = \frac{1}{2n}\|X\theta - y\|^2`.

    .. math:: \nabla R(\theta) = \frac1n X^\top(X\theta - y), \qquad \nabla^2 R = \hat\Sigma = \frac1n X^\top X,
              \qquad L = \frac{\sigma_1(X)^2}{n} .

    Build it with :func:`square_loss`, which validates ``X`` and ``y`` and computes the smoothness
    :math:`L`; the methods of the :class:`Loss` protocol are documented there.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The design, one sample per row.
    y : ndarray of shape (n,)
        The targets.
    _smoothness : float
        The smoothness constant :math:`L`, as :func:`square_loss` computes it (private).

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
        r"""The residual :math:`X\theta - y`.

        Parameters
        ----------
        theta : ndarray of shape (d,)
            The predictor; only its shape is checked.

        Returns
        -------
        ndarray of shape (n,)
            One residual per sample; :math:`R(\theta)` is its squared norm over :math:`2n`.

        Raises
        ------
        InputError
            If ``theta`` is not of shape ``(d,)``.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> loss = ib.losses.square_loss([[1.0, 1.0], [0.0, 2.0]], [1.0, 1.0])
        >>> print(loss.residual(np.array([1.0, 1.0])))
        [1. 1.]
        """
        return self.X @ self._point(theta) - self.y

    def value(self, theta: FloatArray) -> float:
        r""":math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2`. See :meth:`Loss.value`."""
        r = self.residual(theta)
        return float(r @ r) / (2 * self.n)

    def grad(self, theta: FloatArray) -> FloatArray:
        r""":math:`\nabla R(\theta) = \frac1n X^\top(X\theta - y)`. See :meth:`Loss.grad`."""
        return self.X.T @ self.residual(theta) / self.n

    def batch_grad(self, theta: FloatArray, batch: np.ndarray) -> FloatArray:
        r"""Mini-batch gradient :math:`\frac{1}{|B|}\sum_{i\in B} (\langle x_i,\theta\rangle - y_i)\,x_i`.

        See :meth:`Loss.batch_grad`.
        """
        if len(batch) == 0:
            raise InputError("batch_grad needs at least one sample in the batch")
        Xb = self.X[batch]
        return Xb.T @ (Xb @ self._point(theta) - self.y[batch]) / len(batch)

    def hessian(self, theta: FloatArray) -> FloatArray:
        r""":math:`\nabla^2 R = \hat\Sigma = X^\top X/n`, the same at every :math:`\theta` (which is not checked).

        See :meth:`Loss.hessian`.
        """
        self._point(theta)
        return self.X.T @ self.X / self.n

    @property
    def smoothness(self) -> float:
        r"""The smoothness constant :math:`L = \lambda_{\max}(X^\top X)/n = \sigma_1(X)^2/n`.

        Gradient descent with a constant step ``eta`` is stable iff ``eta < 2/L``. See :attr:`Loss.smoothness`.
        """
        return self._smoothness


def square_loss(X: ArrayLike, y: ArrayLike) -> SquareLoss:
    r"""The square loss :math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2` of the data ``(X, y)``.

    The normalisation of the whole book (Loureiro's ENS notes, eq. (2.1)); the smoothness
    :math:`L = \sigma_1(X)^2/n` is computed once, here.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.

    Returns
    -------
    SquareLoss
        The loss, with ``X`` and ``y`` as float64 arrays.

    Raises
    ------
    InputError
        For bad shapes, non-finite or complex entries, and for data so large that
        :math:`\|X\|_2^2` (the smoothness) or :math:`\|y\|^2` overflows float64 — rescale them.

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
