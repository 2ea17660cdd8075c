r"""Exact characterisations, without cvxpy: closed forms on the SVD of ``X``.

Write the thin SVD :math:`X = \sum_{j\le r} \sigma_j u_j v_j^\top` (rank :math:`r`), the
coordinates :math:`\beta_j = \langle v_j, \theta\rangle` and :math:`\tilde y_j = \langle u_j, y\rangle`.
For :math:`R(\theta) = \frac{1}{2n}\|X\theta-y\|^2` the least-squares solution closest to
:math:`\theta_0` is

.. math:: \theta_\infty = \theta_{0,\perp} + X^+ y, \qquad
          \theta_{0,\perp} = \theta_0 - \textstyle\sum_{j\le r} \beta_{0,j} v_j ,

and gradient flow, gradient descent and ridge regression are all *spectral filters* of it:
each direction :math:`v_j` keeps a fraction :math:`h_j` of its initial coordinate and moves
the rest of the way to :math:`\tilde y_j/\sigma_j`,

.. math:: \theta = \theta_{0,\perp} + \sum_{j\le r}\Big[(1-h_j)\frac{\tilde y_j}{\sigma_j}
          + h_j\,\beta_{0,j}\Big] v_j ,

with :math:`h_j = e^{-\sigma_j^2 t/n}` (flow at time :math:`t`, ENS notes eqs. 2.11–2.14),
:math:`h_j = (1-\eta\sigma_j^2/n)^k` (GD after :math:`k` steps) and
:math:`h_j = n\lambda/(\sigma_j^2 + n\lambda)` (ridge, :math:`\theta_0 = 0`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg.lapack import dpotrf as potrf
from scipy.linalg.lapack import dpotrs as potrs

from ._validate import FloatArray, as_float_array, design_and_labels, frozen, positive, positive_int, vector_of_length
from .errors import DivergenceError, InputError, NotConverged
from .potentials import Potential, diagonal_potential
from .records import Record

#: Singular values below ``RANK_RTOL * sigma_max`` are treated as zero.
RANK_RTOL = 1e-12


@dataclass(frozen=True)
class Spectrum(Record):
    r"""The thin SVD of ``X`` with the problem's coordinates.

    ``U`` (n, r), ``sigma`` (r,), ``V`` (d, r) span :math:`\mathrm{range}(X^\top)`;
    ``y_tilde`` = :math:`U^\top y`; ``n`` the number of samples. Singular values below
    :data:`RANK_RTOL` :math:`\sigma_1` are dropped, so :math:`r` is the numerical rank. Build it
    with :func:`spectrum`.

    Parameters
    ----------
    U : ndarray of shape (n, r)
        The left singular vectors :math:`u_j`.
    sigma : ndarray of shape (r,)
        The non-zero singular values :math:`\sigma_1\ge\dots\ge\sigma_r > 0`.
    V : ndarray of shape (d, r)
        The right singular vectors :math:`v_j`, an orthonormal basis of :math:`\mathrm{range}(X^\top)`.
    y_tilde : ndarray of shape (r,)
        The coordinates :math:`\tilde y_j = \langle u_j, y\rangle`.
    n : int
        The number of samples.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> spec = ib.limits.spectrum([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0])
    >>> print(spec.rank, np.round(spec.sigma, 6), spec.rates)      # sigma^2 = 3 and 1, n = 2
    2 [1.732051 1.      ] [1.5 0.5]
    """

    U: FloatArray
    sigma: FloatArray
    V: FloatArray
    y_tilde: FloatArray
    n: int

    @property
    def rank(self) -> int:
        r"""Numerical rank of ``X``.

        Returns
        -------
        int
            :math:`r`, the number of singular values kept.

        Examples
        --------
        >>> import ibcore as ib
        >>> ib.limits.spectrum([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0]).rank
        1
        """
        return int(self.sigma.size)

    @property
    def rates(self) -> FloatArray:
        r"""Decay rates :math:`\sigma_j^2/n` of the flow along each :math:`v_j`.

        Gradient flow keeps the fraction :math:`e^{-\sigma_j^2 t/n}` of the initial error along :math:`v_j`;
        the largest rate is the smoothness :math:`L` of the square loss.

        Returns
        -------
        ndarray of shape (r,)
            :math:`\sigma_j^2/n`.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.limits.spectrum([[3.0, 4.0]], [1.0]).rates)      # L = 25 for this one-sample loss
        [25.]
        """
        return self.sigma**2 / self.n

    def row_space_component(self, theta: FloatArray) -> FloatArray:
        r"""Orthogonal projection of ``theta`` onto :math:`\mathrm{range}(X^\top)`.

        .. math:: \theta\mapsto VV^\top\theta = \sum_{j\le r}\beta_j v_j .

        Parameters
        ----------
        theta : ndarray of shape (d,)
            A vector of length :math:`d` (not checked).

        Returns
        -------
        ndarray of shape (d,)
            The component of ``theta`` that gradient methods on the square loss can change; the rest,
            :math:`\theta_{0,\perp}`, they keep.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> spec = ib.limits.spectrum([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0])
        >>> print(np.round(spec.row_space_component(np.array([1.0, -1.0, 1.0])), 6) + 0.0)   # orthogonal to X's rows
        [0. 0. 0.]
        >>> print(np.round(spec.row_space_component(np.array([1.0, 0.0, 0.0])), 6))
        [ 0.666667  0.333333 -0.333333]
        """
        return self.V @ (self.V.T @ theta)


def spectrum(X: ArrayLike, y: ArrayLike) -> Spectrum:
    r"""Thin SVD of ``X`` restricted to its numerical rank, with ``U^T y``.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.

    Returns
    -------
    Spectrum
        :math:`X = U\,\mathrm{diag}(\sigma)V^\top` with the singular values above :data:`RANK_RTOL`
        :math:`\sigma_1` (none for a zero ``X``), and :math:`\tilde y = U^\top y`.

    Raises
    ------
    InputError
        If ``X`` or ``y`` is not a real, finite, non-empty array of the right dimension, or their numbers
        of samples differ.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> spec = ib.limits.spectrum([[2.0, 0.0], [0.0, 1.0]], [4.0, 1.0])
    >>> print(spec.sigma, np.abs(spec.y_tilde))
    [2. 1.] [4. 1.]
    """
    X_arr, y_arr = design_and_labels(X, y)
    U, s, Vt = np.linalg.svd(X_arr, full_matrices=False)
    r = int(np.sum(s > RANK_RTOL * s[0])) if s[0] > 0 else 0
    return Spectrum(U=U[:, :r], sigma=s[:r], V=Vt[:r].T, y_tilde=U[:, :r].T @ y_arr, n=X_arr.shape[0])


def spectral_filter(spec: Spectrum, keep: ArrayLike, theta0: FloatArray) -> FloatArray:
    r"""Apply the filter :math:`h` (shape ``(..., r)``) to the problem; returns ``(..., d)``.

    :math:`\theta = \theta_{0,\perp} + \sum_j [(1-h_j)\tilde y_j/\sigma_j + h_j\beta_{0,j}]\,v_j`: :math:`h = 0`
    is the least-squares solution closest to :math:`\theta_0`, :math:`h = 1` is :math:`\theta_0` itself.

    Parameters
    ----------
    spec : Spectrum
        The spectrum of the problem (:func:`spectrum`).
    keep : array_like of shape (..., r)
        The fractions :math:`h_j` kept of each initial coordinate; a stack of filters gives a stack of
        predictors (not checked).
    theta0 : ndarray of shape (d,)
        The initialisation :math:`\theta_0` (not checked).

    Returns
    -------
    ndarray of shape (..., d)
        The filtered predictors.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> spec = ib.limits.spectrum(X, y)
    >>> theta0 = np.array([1.0, 2.0, 3.0])
    >>> print(ib.limits.spectral_filter(spec, np.ones(2), theta0), np.round(ib.limits.spectral_filter(spec, np.zeros(2),
    ...       np.zeros(3)), 12))
    [1. 2. 3.] [0. 1. 1.]
    """
    h = np.asarray(keep, dtype=np.float64)
    beta0 = spec.V.T @ theta0
    beta = (1.0 - h) * (spec.y_tilde / spec.sigma) + h * beta0
    return (theta0 - spec.V @ beta0) + beta @ spec.V.T


def least_squares_limit(X: ArrayLike, y: ArrayLike, theta0: ArrayLike | None = None) -> FloatArray:
    r"""The least-squares solution closest to ``theta0``: :math:`\theta_{0,\perp} + X^+ y`.

    For :math:`n < d` and full row rank this is :math:`\arg\min\{\|\theta-\theta_0\| : X\theta=y\}`;
    for :math:`n\ge d` and full column rank it is :math:`(X^\top X)^{-1}X^\top y` whatever ``theta0``.
    It is the limit of gradient descent, gradient flow, SGD and heavy ball on the square loss from
    :math:`\theta_0`. Computed as :math:`\theta_0 + X^+(y - X\theta_0)` by one least-squares solve,
    with singular values below :data:`RANK_RTOL` :math:`\sigma_1` treated as zero.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    theta0 : array_like of shape (d,), optional
        The initialisation; default 0 (then the result is the minimum-norm least-squares solution :math:`X^+y`).

    Returns
    -------
    ndarray of shape (d,)
        :math:`\theta_{0,\perp} + X^+ y`.

    Raises
    ------
    InputError
        If ``X``, ``y`` or ``theta0`` is not a real, finite array of the right shape, or the solution
        does not fit in float64 (``X`` tiny next to ``y``).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> print(np.round(ib.limits.least_squares_limit(X, y), 12),
    ...       np.round(ib.limits.least_squares_limit(X, y, [1.0, 0.0, 0.0]), 6))
    [0. 1. 1.] [0.333333 0.666667 1.333333]
    """
    X_arr, y_arr = design_and_labels(X, y)
    d = X_arr.shape[1]
    th0 = np.zeros(d) if theta0 is None else vector_of_length(theta0, d, "theta0")
    # one direct solve (LAPACK's gelsd, 1.3-2x faster than the SVD of spectrum()): theta0 + X^+ (y - X theta0)
    with np.errstate(over="ignore", invalid="ignore"):
        correction, *_ = np.linalg.lstsq(X_arr, y_arr - X_arr @ th0, rcond=RANK_RTOL)
        theta = th0 + correction
    if not np.all(np.isfinite(theta)):
        raise InputError("the least-squares solution does not fit in float64 (X is tiny next to y); rescale X or y")
    return theta


def least_squares_flow(X: ArrayLike, y: ArrayLike, theta0: ArrayLike, times: ArrayLike) -> FloatArray:
    r"""Closed-form gradient flow on :math:`\frac{1}{2n}\|X\theta-y\|^2`: filter :math:`h_j = e^{-\sigma_j^2 t/n}`.

    .. math:: \theta(t) = \theta_{0,\perp} + \sum_{j\le r}\Big[(1-e^{-\sigma_j^2t/n})\frac{\tilde y_j}{\sigma_j}
              + e^{-\sigma_j^2t/n}\beta_{0,j}\Big] v_j

    (ENS notes eqs. 2.11–2.14); the reference for :func:`ibcore.algorithms.gradient_flow`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    theta0 : array_like of shape (d,)
        The initialisation :math:`\theta_0`.
    times : array_like of shape (k,)
        The times :math:`t` (any real values: a negative time runs the flow backwards).

    Returns
    -------
    ndarray of shape (len(times), d)
        :math:`\theta(t)` at each time.

    Raises
    ------
    InputError
        If ``X``, ``y``, ``theta0`` or ``times`` is not a real, finite array of the right shape.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = np.eye(2), np.array([1.0, 2.0])                # theta(t) = (1 - e^{-t/2}) y
    >>> print(np.round(ib.limits.least_squares_flow(X, y, np.zeros(2), [0.0, 2.0]), 6))
    [[0.       0.      ]
     [0.632121 1.264241]]
    """
    spec = spectrum(X, y)
    th0 = vector_of_length(theta0, spec.V.shape[0], "theta0")
    t = as_float_array(times, "times", ndim=1)
    if np.any(t < 0):
        raise InputError("times must be >= 0 (the closed form would run the flow backwards)")
    return spectral_filter(spec, np.exp(-np.outer(t, spec.rates)), th0)


def least_squares_gd(X: ArrayLike, y: ArrayLike, theta0: ArrayLike, step: float, steps: ArrayLike) -> FloatArray:
    r"""Closed-form GD iterates: filter :math:`h_j = (1-\eta\sigma_j^2/n)^k`; shape ``(len(steps), d)``.

    The reference for :func:`ibcore.algorithms.gradient_descent` on the square loss.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    theta0 : array_like of shape (d,)
        The initialisation :math:`\theta_0`.
    step : float
        The step size :math:`\eta > 0`.
    steps : array_like of shape (k,)
        The iteration counts :math:`k`, non-negative integers (as floats or ints).

    Returns
    -------
    ndarray of shape (len(steps), d)
        :math:`\theta_k` at each count.

    Raises
    ------
    InputError
        If an argument is not real and finite, ``step`` is not positive, or ``steps`` are not
        non-negative integers.
    DivergenceError
        If the iterates overflow float64 (a step above the stability bound :math:`2/L`, run long enough).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> closed = ib.limits.least_squares_gd(X, y, np.zeros(3), 0.5, [0, 1, 2])
    >>> run = ib.algorithms.gradient_descent(ib.losses.square_loss(X, y), np.zeros(3), step=0.5, tol=None, max_iter=2)
    >>> print(closed[2], bool(np.allclose(closed, run.iterates)))
    [0.25   0.9375 0.6875] True
    """
    spec = spectrum(X, y)
    th0 = vector_of_length(theta0, spec.V.shape[0], "theta0")
    eta = positive(step, "step")
    k = as_float_array(steps, "steps", ndim=1)
    if np.any(k < 0) or np.any(k != np.round(k)):
        raise InputError("steps must be non-negative integers (iteration counts)")
    with np.errstate(over="raise", invalid="raise"):
        try:
            return spectral_filter(spec, np.power.outer(1.0 - eta * spec.rates, k).T, th0)
        except FloatingPointError as exc:
            L = float(spec.rates.max()) if spec.rates.size else 0.0
            raise DivergenceError(f"gradient descent with step {eta:.3g} diverges (the stability bound is 2/L = "
                                  f"{2 / L:.3g}) and its iterates overflow float64 by step {int(k.max())}") from exc


def _spd_solve(A: FloatArray, b: FloatArray) -> FloatArray | None:
    """Solve :math:`Ax = b` for a symmetric positive definite ``A`` by one Cholesky factorisation, or
    ``None`` if ``A`` is not positive definite in floating point (the caller chooses the fall-back).
    LAPACK's potrf/potrs directly: scipy's cho_factor wrapper costs more than the factorisation at n = 40."""
    factor, failed = potrf(A, lower=1, clean=0, overwrite_a=0)
    if failed:
        return None
    x, failed = potrs(factor, b, lower=1)
    return x if not failed and np.all(np.isfinite(x)) else None


def _ridge_solve(X: FloatArray, y: FloatArray, lam: float) -> FloatArray | None:
    r"""One ridge solution by a Cholesky solve: :math:`X^\top(XX^\top + n\lambda I)^{-1}y` for
    :math:`n\le d`, :math:`(X^\top X + n\lambda I)^{-1}X^\top y` otherwise (``lam > 0``); ``None``
    if the regularised Gram matrix is singular in floating point."""
    n, d = X.shape
    if n <= d:
        dual = _spd_solve(X @ X.T + n * lam * np.eye(n), y)
        return None if dual is None else X.T @ dual
    return _spd_solve(X.T @ X + n * lam * np.eye(d), X.T @ y)


def ridge_path(X: ArrayLike, y: ArrayLike, lambdas: ArrayLike) -> FloatArray:
    r"""Ridge solutions :math:`\arg\min_\theta \frac{1}{2n}\|X\theta-y\|^2 + \frac\lambda2\|\theta\|^2`.

    Filter :math:`h_j = n\lambda/(\sigma_j^2+n\lambda)`; shape ``(len(lambdas), d)``. This
    :math:`\lambda` is also the one of the EPFL sheet's :math:`\frac1n\|Xw-y\|^2+\lambda\|w\|^2`.
    :math:`\lambda = 0` gives the minimum-norm least-squares solution :math:`X^+y`. A path of
    several values costs one SVD; a single positive :math:`\lambda` is one Cholesky solve with the
    smaller of the two Gram matrices.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lambdas : array_like of shape (k,)
        The regularisation strengths :math:`\lambda\ge 0`.

    Returns
    -------
    ndarray of shape (len(lambdas), d)
        One ridge solution per :math:`\lambda`.

    Raises
    ------
    InputError
        If ``X``, ``y`` or ``lambdas`` is not a real, finite array of the right shape, or a
        :math:`\lambda` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), np.array([1.0, 2.0])
    >>> path = ib.limits.ridge_path(X, y, [0.0, 1.0])
    >>> exact = np.linalg.solve(X.T @ X / 2 + np.eye(3), X.T @ y / 2)   # lambda = 1, n = 2
    >>> print(np.round(path[0], 12), bool(np.allclose(path[1], exact)))
    [0. 1. 1.] True
    """
    lam = as_float_array(lambdas, "lambdas", ndim=1)
    if np.any(lam < 0):
        raise InputError("lambdas must be non-negative")
    if lam.shape == (1,) and lam[0] > 0:  # one solve: a Cholesky of the smaller Gram matrix, not an SVD
        theta = _ridge_solve(*design_and_labels(X, y), float(lam[0]))
        if theta is not None:  # else n lambda is below rounding on a rank-deficient Gram: the SVD filter below
            return theta[None, :]
    spec = spectrum(X, y)
    nl = spec.n * lam[:, None]
    return spectral_filter(spec, nl / (spec.sigma**2 + nl), np.zeros(spec.V.shape[0]))


def lasso_path(X: ArrayLike, y: ArrayLike, lambdas: ArrayLike, *, tol: float = 1e-12,
               max_sweeps: int = 100_000) -> FloatArray:
    r"""The lasso :math:`\arg\min_\theta\frac1{2n}\|X\theta - y\|^2 + \lambda\|\theta\|_1` for each ``lambdas``.

    Cyclic coordinate descent, warm-started along the path in the order given, each solve
    stopped on its certificate: the largest violation of the KKT conditions
    (:math:`|\nabla R(\theta)_j|\le\lambda`, with equality and the opposite sign of :math:`\theta_j`
    on the support; the distance of 0 to the subdifferential) below ``tol``. Fast for small :math:`d`
    (a two-dimensional path of 40 values takes milliseconds); raises
    :class:`~ibcore.errors.NotConverged` after ``max_sweeps`` sweeps. Returns ``(len(lambdas), d)``.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    lambdas : array_like of shape (k,)
        The penalties :math:`\lambda\ge 0` (a decreasing order warm-starts best).
    tol : float, default 1e-12
        The certificate each solve must reach: the norm of the KKT violation.
    max_sweeps : int, default 100_000
        The largest number of sweeps over the coordinates per :math:`\lambda`.

    Returns
    -------
    ndarray of shape (len(lambdas), d)
        One lasso minimiser per :math:`\lambda`.

    Raises
    ------
    InputError
        If ``X``, ``y`` or ``lambdas`` is not a real, finite array of the right shape, a :math:`\lambda`
        is negative, ``tol`` is not positive, ``max_sweeps`` is not a positive integer, or ``X`` has
        a zero column.
    NotConverged
        If a solve does not certify within ``max_sweeps`` sweeps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = np.eye(2), np.array([1.0, 0.2])                 # theta_j = S_{n lambda}(y_j), n = 2
    >>> print(ib.limits.lasso_path(X, y, [0.5, 0.2, 0.05]))
    [[0.  0. ]
     [0.6 0. ]
     [0.9 0.1]]
    """
    X_arr, y_arr = design_and_labels(X, y)
    lam = as_float_array(lambdas, "lambdas", ndim=1)
    if np.any(lam < 0):
        raise InputError("lambdas must be non-negative")
    tol = positive(tol, "tol")
    max_sweeps = positive_int(max_sweeps, "max_sweeps")
    n, d = X_arr.shape
    col = np.sum(X_arr * X_arr, axis=0) / n
    if np.any(col == 0):
        raise InputError("X has a zero column: the lasso does not determine that coordinate")
    theta = np.zeros(d)
    out = np.empty((lam.size, d))
    for k, lk in enumerate(lam):
        residual = y_arr - X_arr @ theta
        for _ in range(max_sweeps):
            for j in range(d):
                rho = X_arr[:, j] @ residual / n + col[j] * theta[j]
                new = np.sign(rho) * max(abs(rho) - lk, 0.0) / col[j]
                residual += X_arr[:, j] * (theta[j] - new)
                theta[j] = new
            g = -X_arr.T @ residual / n
            violation = float(np.linalg.norm(np.where(theta != 0, g + lk * np.sign(theta),
                                                      np.maximum(np.abs(g) - lk, 0.0))))
            if violation <= tol:
                break
        else:
            raise NotConverged(f"lasso_path: no KKT certificate below {tol:.1e} at lambda = {lk:.3g} "
                               f"after {max_sweeps} sweeps (reached {violation:.1e})")
        out[k] = theta
    return out


@dataclass(frozen=True)
class MirrorLimit(Record):
    r"""The exact limit of a mirror flow and its certificate.

    ``theta`` solves :math:`X\theta = y` with :math:`\nabla\psi(\theta) - \nabla\psi(\theta_0) = X^\top\nu`;
    ``residual`` is :math:`\|X\theta - y\|_2`; ``newton_steps`` counts the iterations;
    ``error_bound`` is :math:`2\kappa\cdot` ``residual`` (:func:`residual_sensitivity`), a
    first-order bound on the distance of ``theta`` to the exact minimiser. Returned by
    :func:`mirror_flow_limit`, :func:`q_alpha_solution` and :func:`ibcore.regularized.regularized_limit`.

    Parameters
    ----------
    theta : ndarray of shape (d,)
        The minimiser :math:`\theta = \nabla\psi^*(\nabla\psi(\theta_0) + X^\top\nu)`.
    nu : ndarray of shape (n,)
        The dual variable :math:`\nu`.
    residual : float
        :math:`\|X\theta - y\|_2`.
    newton_steps : int
        The number of damped Newton steps taken.
    error_bound : float
        :math:`2\kappa\|X\theta - y\|` (``inf`` where :func:`sensitivity` has no bound).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> limit = ib.limits.q_alpha_solution([[1.0, 0.5]], [1.0], 0.01)
    >>> print(np.round(limit.theta, 4), limit.residual < 1e-12, limit.error_bound < 1e-10)
    [0.995 0.01 ] True True
    """

    theta: FloatArray
    nu: FloatArray
    residual: float
    newton_steps: int
    error_bound: float


def mirror_flow_limit(
    potential: Potential,
    X: ArrayLike,
    y: ArrayLike,
    reference: ArrayLike,
    *,
    tol: float = 1e-13,
    max_iter: int = 200,
    max_dual_step: float = 2.0,
    certify: bool = True,
) -> MirrorLimit:
    r"""The interpolator :math:`\arg\min\{D_\psi(\theta,\theta_0) : X\theta = y\}`, exactly, without cvxpy.

    By the KKT conditions (Chizat, Lecture 10, eq. 9) the minimiser is
    :math:`\theta = \nabla\psi^*(z_0 + X^\top\nu)`, :math:`z_0 = \nabla\psi(\theta_0)`, where
    :math:`\nu\in\mathbb R^n` minimises the smooth convex dual

    .. math::

       G(\nu) = \psi^*(z_0 + X^\top\nu) - \langle y, \nu\rangle,

       \nabla G = X\theta - y, \qquad \nabla^2 G = X\,\mathrm{diag}\big((\nabla^2\psi)^{-1}(\theta)\big)X^\top .

    Damped Newton on :math:`G`: each step is capped so that no dual coordinate moves by more
    than ``max_dual_step`` in units of the potential's scale (a trust region that keeps
    :math:`e^{z/w}` far from overflow at any :math:`\alpha`), then backtracked until
    :math:`G` decreases. Stops when :math:`\|X\theta-y\|\le` ``tol`` :math:`(1+\|y\|)`. It is the
    limit of :func:`ibcore.algorithms.mirror_flow` and :func:`ibcore.algorithms.mirror_descent` from
    ``reference`` (when they interpolate), and the minimiser of :func:`ibcore.programs.min_bregman_program`
    computed without a solver.

    Parameters
    ----------
    potential : Potential
        The potential :math:`\psi`.
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    reference : array_like of shape (d,)
        The reference :math:`\theta_0`, in the domain of :math:`\psi`.
    tol : float, default 1e-13
        The relative residual at which to stop.
    max_iter : int, default 200
        The largest number of Newton steps.
    max_dual_step : float, default 2.0
        The trust region, in units of :meth:`~ibcore.potentials.Potential.dual_scale` (a positive
        number; it is not checked).
    certify : bool, default True
        Compute the ``error_bound`` (an SVD of :math:`H^{1/2}X^\top`, the cost of about ten Newton
        steps); with ``False`` it is NaN, for callers that need the point only.

    Returns
    -------
    MirrorLimit
        The minimiser, its dual variable and its certificate.

    Raises
    ------
    InputError
        If ``X``, ``y`` or ``reference`` is not a real, finite array of the right shape, ``reference``
        lies outside the domain of :math:`\psi`, ``tol`` is not positive or ``max_iter`` is not a positive integer.
    NotConverged
        If the line search fails or ``max_iter`` steps do not reach the residual (for instance when
        :math:`X\theta = y` has no solution in the domain of :math:`\psi`).
    DivergenceError
        If a dual iterate reaches the overflow guard of the potential
        (:meth:`~ibcore.potentials.Potential.conjugate`), which only a problem without a solution does.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 2.0]
    >>> limit = ib.limits.mirror_flow_limit(ib.potentials.NegativeEntropy(), X, y, np.ones(3))   # least KL from 1
    >>> print(np.round(limit.theta, 6), limit.newton_steps)
    [0.414214 0.585786 1.414214] 5
    """
    X_arr, y_arr = design_and_labels(X, y)
    theta0 = vector_of_length(reference, X_arr.shape[1], "reference")
    tol = positive(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")
    max_dual_step = positive(max_dual_step, "max_dual_step")
    if not isinstance(potential, Potential):
        raise InputError(f"mirror_flow_limit takes an ibcore.potentials.Potential; got {type(potential).__name__}")
    scale = np.broadcast_to(potential.dual_scale(), theta0.shape)
    z0 = potential.grad(theta0)
    nu = np.zeros(X_arr.shape[0])
    target = tol * (1 + np.linalg.norm(y_arr))

    def dual(nu_: FloatArray) -> tuple[float, FloatArray]:
        z = z0 + X_arr.T @ nu_
        value_ = potential.conjugate(z)
        if not np.isfinite(value_):  # outside the (bounded) domain of psi*: G = +inf, backtrack
            return np.inf, theta0
        return value_ - float(y_arr @ nu_), potential.grad_inv(z)

    value, theta = dual(nu)
    for step_count in range(max_iter + 1):
        residual = X_arr @ theta - y_arr
        res_norm = float(np.linalg.norm(residual))
        if res_norm <= target:
            # the bound costs an SVD of H^1/2 X^T (about ten Newton steps): skipped by callers that need theta only
            bound = 2 * sensitivity(X_arr, potential.hess_inv(theta)) * res_norm if certify else float("nan")
            return MirrorLimit(theta=frozen(theta), nu=frozen(nu), residual=res_norm, newton_steps=step_count,
                               error_bound=bound)
        if step_count == max_iter:
            break
        direction = _newton_direction(X_arr, potential.hess_inv(theta), residual)
        move = np.max(np.abs(X_arr.T @ direction) / scale)
        t = min(1.0, max_dual_step / move) if np.isfinite(move) and move > 0 else 1.0
        slope = float(residual @ direction)
        for _ in range(60):
            new_value, new_theta = dual(nu + t * direction)
            new_res = float(np.linalg.norm(X_arr @ new_theta - y_arr))
            # Armijo on G; near the solution G stalls at rounding level, then the residual decides
            if new_value <= value + 1e-4 * t * slope or (new_res < res_norm and abs(new_value - value)
                                                          <= 1e-12 * (1 + abs(value))):
                break
            t /= 2
        else:
            raise NotConverged(f"mirror_flow_limit: line search failed at residual {res_norm:.3e}")
        nu = nu + t * direction
        value, theta = new_value, new_theta
    raise NotConverged(f"mirror_flow_limit did not reach residual {target:.1e} in {max_iter} Newton steps "
                       f"(reached {res_norm:.3e})")


def _newton_direction(X: FloatArray, metric: FloatArray, residual: FloatArray) -> FloatArray:
    r"""Solve :math:`(X H X^\top)\,\delta = -r`: one product :math:`BB^\top` with :math:`B = XH^{1/2}` (a
    symmetric rank-d update, half the flops of a general product) and one Cholesky factorisation; a
    pivoted least-squares solve only if :math:`XHX^\top` is singular in floating point."""
    B = X * np.sqrt(metric)
    hessian = B @ B.T
    direction = _spd_solve(hessian, -residual)
    return direction if direction is not None else np.linalg.lstsq(hessian, -residual, rcond=None)[0]


def sensitivity(X: ArrayLike, metric: ArrayLike) -> float:
    r""":math:`\kappa = \|HX^\top(XHX^\top)^{-1}\|_2` for a positive diagonal metric :math:`H` (``metric``).

    If a point moves on a set :math:`\{\theta(\nu)\}` whose tangent map is :math:`HX^\top` — a mirror
    flow's :math:`H = (\nabla^2\psi)^{-1}`, or a network's tangent kernel
    :meth:`~ibcore.parametrizations.Parametrization.metric` — then to first order its distance to
    the interpolating point of that set is at most :math:`\kappa\|X\theta - y\|`.

    With :math:`A = H^{1/2}X^\top = U\Sigma V^\top` (thin SVD), :math:`HX^\top(XHX^\top)^{-1} =
    H^{1/2}U\Sigma^{-1}V^\top`, so :math:`\kappa = \|H^{1/2}U\Sigma^{-1}\|_2`: computed this way it never
    inverts :math:`XHX^\top`, whose condition number is the square of :math:`A`'s. Where :math:`A` is
    singular (a metric so small on some coordinates that :math:`XHX^\top` is singular in floating
    point, e.g. :math:`Q_\alpha` at :math:`\alpha = 10^{-12}`) no such bound exists and it returns ``inf``.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    metric : array_like of shape (d,)
        The diagonal of :math:`H`, positive.

    Returns
    -------
    float
        :math:`\kappa`, or ``inf`` where :math:`A = H^{1/2}X^\top` is singular to rounding (for
        :math:`n\le d`, rows of ``X`` dependent in the metric :math:`H`).

    Raises
    ------
    InputError
        If ``X`` is not a real, finite 2-d array, or ``metric`` is not ``d`` positive finite numbers.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    >>> print(round(ib.limits.sensitivity(X, np.ones(3)), 12), round(float(np.linalg.norm(np.linalg.pinv(X), 2)), 12))
    1.0 1.0
    >>> ib.limits.sensitivity(np.ones((2, 3)), np.ones(3))    # dependent rows
    inf
    """
    X_arr = as_float_array(X, "X", ndim=2)
    h = as_float_array(metric, "metric", ndim=1)
    if h.shape[0] != X_arr.shape[1] or np.any(h <= 0):
        raise InputError(f"metric must be {X_arr.shape[1]} positive numbers (the diagonal of H)")
    root = np.sqrt(h)
    u, sigma, _ = np.linalg.svd(root[:, None] * X_arr.T, full_matrices=False)
    if sigma[-1] <= sigma[0] * np.finfo(float).eps * max(X_arr.shape):
        return float("inf")
    return float(np.linalg.norm((root[:, None] * u) / sigma, 2))


def residual_sensitivity(potential: Potential, X: ArrayLike, theta: ArrayLike) -> float:
    r"""How far a point of the mirror-affine set can be from the limit, per unit of residual.

    Near the limit :math:`\theta_\infty`, two points of :math:`\{\nabla\psi^{-1}(z_0 + X^\top\nu)\}`
    differ by :math:`H X^\top\delta\nu` with :math:`H = (\nabla^2\psi)^{-1}(\theta_\infty)`, and their
    residuals by :math:`XHX^\top\delta\nu`. So, to first order,
    :math:`\|\theta - \theta_\infty\| \le \kappa\,\|X\theta - y\|` with
    :math:`\kappa = \|HX^\top(XHX^\top)^{-1}\|_2`, which this function returns (:func:`sensitivity`
    with :math:`H` evaluated at ``theta``).

    Parameters
    ----------
    potential : Potential
        The potential :math:`\psi`.
    X : array_like of shape (n, d)
        The design.
    theta : array_like of shape (d,)
        The point at which :math:`H = (\nabla^2\psi)^{-1}(\theta)` is evaluated.

    Returns
    -------
    float
        :math:`\kappa`, or ``inf`` where no such bound exists (see :func:`sensitivity`).

    Raises
    ------
    InputError
        If ``X`` or ``theta`` is not a real, finite array of the right shape, or ``theta`` lies outside
        the domain of :math:`\psi`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    >>> print(round(ib.limits.residual_sensitivity(ib.potentials.Euclidean(), X, np.zeros(3)), 12))   # ||X^+||_2
    1.0
    """
    X_arr = as_float_array(X, "X", ndim=2)
    return sensitivity(X_arr, potential.hess_inv(vector_of_length(theta, X_arr.shape[1], "theta")))


def q_alpha_solution(X: ArrayLike, y: ArrayLike, alpha: float, *, certify: bool = True) -> MirrorLimit:
    r""":func:`q_alpha_limit` with its certificate: the :class:`MirrorLimit` of :math:`Q_\alpha/4` from 0.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    alpha : float or array_like
        The scale :math:`\alpha > 0` of the initialisation :math:`u_0 = v_0 = \alpha` (or one per coordinate).
    certify : bool, default True
        Compute the certificate's ``error_bound`` (see :func:`mirror_flow_limit`).

    Returns
    -------
    MirrorLimit
        The limit :math:`\arg\min\{Q_\alpha(\theta) : X\theta = y\}` and its certificate.

    Raises
    ------
    InputError
        If ``X`` or ``y`` is not a real, finite array of the right shape, or ``alpha`` is not positive
        (or so small that :math:`2\alpha^2` underflows).
    NotConverged
        As :func:`mirror_flow_limit` (for instance when :math:`X\theta = y` has no solution).
    DivergenceError
        As :func:`mirror_flow_limit`.

    Examples
    --------
    >>> import ibcore as ib
    >>> solution = ib.limits.q_alpha_solution([[1.0, 0.5]], [1.0], 0.01)
    >>> print(solution.theta.round(4), solution.newton_steps > 0, solution.error_bound < 1e-10)
    [0.995 0.01 ] True True
    """
    X_arr, y_arr = design_and_labels(X, y)
    return mirror_flow_limit(diagonal_potential(alpha), X_arr, y_arr, np.zeros(X_arr.shape[1]), certify=certify)


def q_alpha_limit(X: ArrayLike, y: ArrayLike, alpha: float) -> FloatArray:
    r"""The exact limit :math:`\arg\min\{Q_\alpha(\theta) : X\theta = y\}` of the diagonal network.

    From :math:`u_0 = v_0 = \alpha\mathbf 1` (Woodworth et al. 2020, Thm 1), in float64.
    It is :func:`mirror_flow_limit` with :math:`\psi_\alpha = Q_\alpha/4` and :math:`\theta_0 = 0`:
    damped Newton on the :math:`n`-dimensional dual, warning-free for :math:`\alpha` anywhere in
    :math:`[10^{-12}, 10^{4}]` (tested). ``alpha`` may also be a per-coordinate array (an effective
    :math:`\alpha`). Each Newton step costs one product :math:`XHX^\top` (:math:`n^2d` flops) and one
    Cholesky factorisation (:math:`n^3/3`); it takes 2-3 steps at :math:`\alpha = 1` and about 20 at
    :math:`\alpha = 10^{-6}`. Measured with one BLAS thread (``make bench``, which also fits the cost
    exponents): 1-4 ms at :math:`(n, d) = (40, 10^2)`, 0.04-0.3 s at :math:`(200, 10^4)`, 0.4-5 s at
    :math:`(200, 10^5)` and 4-25 s at :math:`(2000, 10^4)`. Small :math:`\alpha` approaches the
    minimum-:math:`\ell_1` interpolator, large :math:`\alpha` the minimum-:math:`\ell_2` one.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, real and finite.
    y : array_like of shape (n,)
        The targets, real and finite.
    alpha : float or array_like
        The scale :math:`\alpha > 0` (or one per coordinate).

    Returns
    -------
    ndarray of shape (d,)
        The minimiser (the ``theta`` of :func:`q_alpha_solution`).

    Raises
    ------
    InputError
        As :func:`q_alpha_solution`.
    NotConverged
        As :func:`mirror_flow_limit`.
    DivergenceError
        As :func:`mirror_flow_limit`.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X, y = [[1.0, 0.5]], [1.0]                              # min-l1: (1, 0); min-l2: (0.8, 0.4)
    >>> print(ib.limits.q_alpha_limit(X, y, 1e-6).round(4), ib.limits.q_alpha_limit(X, y, 100.0).round(4))
    [1. 0.] [0.8 0.4]
    """
    return q_alpha_solution(X, y, alpha, certify=False).theta
