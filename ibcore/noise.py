r"""SGD noise: exact stationary covariances, their Ornstein-Uhlenbeck (Lyapunov) limit, label noise.

Single-sample SGD on the square loss :math:`R(\theta) = \frac1{2n}\|X\theta - y\|^2`,

.. math:: \theta_{k+1} = \theta_k - \eta\,x_i(x_i^\top\theta_k - y_i), \qquad i\sim\mathrm{Unif}\{1..n\},

fluctuates around the least-squares solution :math:`\theta_{\mathrm{ls}}` when the residuals
:math:`r = y - X\theta_{\mathrm{ls}}` do not vanish. Its stationary covariance solves a linear
equation in the :math:`d\times d` covariance (:func:`sgd_stationary_covariance`); as
:math:`\eta\to0` it is :math:`\eta` times the solution of a Lyapunov equation
(:func:`ou_covariance`), the stationary covariance of the Ornstein-Uhlenbeck process
:math:`d\theta = -H\theta\,dt + \sqrt{\eta}\,\Gamma^{1/2}dW` (Ma's notes, §9.5; Wu, Ma, E 2018).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, design_and_labels, positive, positive_int, rng_from, vector_of_length
from .errors import InputError
from .records import Record


def _symmetric(value: ArrayLike, name: str, d: int | None = None) -> FloatArray:
    A = as_float_array(value, name, ndim=2)
    if A.shape[0] != A.shape[1] or (d is not None and A.shape[0] != d):
        want = "square" if d is None else f"of shape ({d}, {d})"
        raise InputError(f"{name} must be {want}, got shape {A.shape}")
    if not np.allclose(A, A.T, rtol=1e-12, atol=1e-14 * max(1.0, float(np.abs(A).max()))):
        raise InputError(f"{name} must be symmetric")
    return (A + A.T) / 2


def ou_covariance(H: ArrayLike, noise_cov: ArrayLike, eta: float) -> FloatArray:
    r"""The solution :math:`C` of the Lyapunov equation :math:`HC + CH = \eta\,\Gamma`.

    In the eigenbasis :math:`H = Q\operatorname{diag}(\omega)Q^\top`,
    :math:`\tilde C_{ab} = \eta\,\tilde\Gamma_{ab}/(\omega_a + \omega_b)` with :math:`\tilde\Gamma = Q^\top\Gamma Q`.
    It is the stationary covariance of the Ornstein-Uhlenbeck process
    :math:`d\theta = -H\theta\,dt + \sqrt\eta\,\Gamma^{1/2}dW`,
    the small-step limit of SGD with gradient-noise covariance :math:`\Gamma` on the quadratic
    :math:`\frac12\theta^\top H\theta`.

    Parameters
    ----------
    H : array_like of shape (d, d)
        Symmetric positive definite.
    noise_cov : array_like of shape (d, d)
        The symmetric noise covariance :math:`\Gamma`.
    eta : float
        The step size :math:`\eta > 0`.

    Returns
    -------
    ndarray of shape (d, d)
        The symmetric solution :math:`C`.

    Raises
    ------
    InputError
        If ``H`` is not symmetric positive definite, ``noise_cov`` not symmetric of the same shape,
        or ``eta`` not positive.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> H = np.diag([1.0, 4.0])
    >>> print(ib.noise.ou_covariance(H, H, 0.1))   # noise shaped like H: isotropic, eta/2
    [[0.05 0.  ]
     [0.   0.05]]
    """
    H_ = _symmetric(H, "H")
    C = _symmetric(noise_cov, "noise_cov", H_.shape[0])
    step = positive(eta, "eta")
    lam, Q = np.linalg.eigh(H_)
    if lam[0] <= 0:
        raise InputError(f"H must be positive definite; its smallest eigenvalue is {lam[0]:.3g}")
    C_tilde = Q.T @ C @ Q
    S_tilde = step * C_tilde / (lam[:, None] + lam[None, :])
    S = Q @ S_tilde @ Q.T
    return (S + S.T) / 2


def sgd_noise_covariance(X: ArrayLike, y: ArrayLike) -> FloatArray:
    r"""The covariance of the single-sample gradient at the least-squares solution.

    .. math:: \Gamma = \frac1n\sum_i r_i^2\,x_ix_i^\top, \qquad r = y - X\theta_{\mathrm{ls}}

    (the mean gradient vanishes there, so this is also the second moment).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, of full column rank (``n > d``).
    y : array_like of shape (n,)
        The targets.

    Returns
    -------
    ndarray of shape (d, d)

    Raises
    ------
    InputError
        If ``X`` is not of full column rank.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0], [1.0]])
    >>> print(ib.noise.sgd_noise_covariance(X, [1.0, -1.0]))   # residuals +-1
    [[1.]]
    """
    return _gradient_noise(*_residuals(X, y))


def _gradient_noise(X_: FloatArray, r: FloatArray) -> FloatArray:
    return (X_.T * r**2) @ X_ / X_.shape[0]


def _residuals(X: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    X_, y_ = design_and_labels(X, y)
    d = X_.shape[1]
    if np.linalg.matrix_rank(X_) < d:
        raise InputError(f"X must have full column rank ({d}) for SGD to have a stationary covariance "
                         f"around a unique least-squares solution; its rank is {np.linalg.matrix_rank(X_)}")
    theta_ls, *_ = np.linalg.lstsq(X_, y_, rcond=None)
    return X_, y_ - X_ @ theta_ls


def _second_moment_map(X_: FloatArray, step: float) -> FloatArray:
    """The matrix of vec(S) -> vec(E[(I - eta x x^T) S (I - eta x x^T)]), x a uniformly drawn row of X."""
    n, d = X_.shape
    H = X_.T @ X_ / n
    eye = np.eye(d)
    K = np.einsum("ia,ib->iab", X_, X_).reshape(n, d * d)  # rows vec(x_i x_i^T)
    return np.eye(d * d) - step * (np.kron(H, eye) + np.kron(eye, H)) + step**2 * (K.T @ K) / n


def _radius(T: FloatArray) -> float:
    return float(np.max(np.abs(np.linalg.eigvalsh((T + T.T) / 2))))


def second_moment_contraction(X: ArrayLike, eta: float) -> float:
    r"""The spectral radius :math:`\rho` of the second-moment map of single-sample SGD on least squares.

    .. math:: \mathcal T(C) = \mathbb E\big[(I - \eta xx^\top)C(I - \eta xx^\top)\big],

    :math:`x` a uniformly drawn row of :math:`X`. From any start, the covariance of
    :math:`\theta_k - \theta_{\mathrm{ls}}` reaches :func:`sgd_stationary_covariance` geometrically, the gap
    contracting by :math:`\rho` per step (:math:`\mathcal T` is self-adjoint in the trace inner product).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design.
    eta : float
        The step size.

    Returns
    -------
    float

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.noise.second_moment_contraction([[1.0], [1.0]], 0.5))   # (1 - eta)^2
    0.25
    """
    X_ = as_float_array(X, "X", ndim=2)
    return _radius(_second_moment_map(X_, positive(eta, "eta")))


def sgd_stationary_covariance(X: ArrayLike, y: ArrayLike, eta: float) -> FloatArray:
    r"""The exact stationary covariance of :math:`\theta_k - \theta_{\mathrm{ls}}` for single-sample SGD.

    With uniform sampling with replacement, :math:`e_{k+1} = (I - \eta x_ix_i^\top)e_k + \eta r_ix_i`,
    the stationary mean is 0 and the covariance solves

    .. math::

        C = \mathbb E\big[(I - \eta xx^\top)C(I - \eta xx^\top)\big] + \eta^2\,\mathbb E\big[r^2xx^\top\big],

    that is :math:`\hat\Sigma C + C\hat\Sigma - \eta M(C) = \eta\Gamma` with :math:`\hat\Sigma = X^\top X/n`,
    :math:`M(C) = \frac1n\sum_i(x_i^\top Cx_i)\,x_ix_i^\top` and :math:`\Gamma` of
    :func:`sgd_noise_covariance`; solved as a :math:`d^2\times d^2` linear system. As
    :math:`\eta\to0`, :math:`C = ` :func:`ou_covariance` :math:`(\hat\Sigma, \Gamma, \eta) + O(\eta^2)`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, of full column rank (``n > d``).
    y : array_like of shape (n,)
        The targets.
    eta : float
        The step size.

    Returns
    -------
    ndarray of shape (d, d)

    Raises
    ------
    InputError
        If ``X`` is not of full column rank, or ``eta`` is so large that the second-moment map
        :math:`C\mapsto\mathbb E[(I-\eta xx^\top)C(I-\eta xx^\top)]` has spectral radius
        :math:`\ge1` (no stationary covariance; the message gives the radius and the sufficient
        bound :math:`\eta < 2/\max_i\|x_i\|^2`).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0], [1.0]])     # 1-D: S = eta r^2 / (2 - eta)
    >>> print(round(float(ib.noise.sgd_stationary_covariance(X, [1.0, -1.0], 0.5)[0, 0]), 12))
    0.333333333333
    """
    X_, r = _residuals(X, y)
    step = positive(eta, "eta")
    T = _second_moment_map(X_, step)
    radius = _radius(T)
    if radius >= 1:
        bound = 2 / float(np.max(np.sum(X_**2, axis=1)))
        raise InputError(f"eta = {step:.4g} is too large for SGD to have a stationary covariance: the "
                         f"second-moment map has spectral radius {radius:.6g} >= 1; it is below 1 for "
                         f"eta < 2/max_i ||x_i||^2 = {bound:.4g}")
    d = X_.shape[1]
    S = np.linalg.solve(np.eye(d * d) - T, step**2 * _gradient_noise(X_, r).reshape(-1)).reshape(d, d)
    return (S + S.T) / 2


def stationary_variance_1d(a: float, sigma: float, eta: float) -> float:
    r"""The stationary variance of SGD on :math:`\frac a2\theta^2` with additive noise of variance :math:`\sigma^2`.

    :math:`\theta_{k+1} = (1 - \eta a)\theta_k - \eta\sigma\xi_k` has variance recursion
    :math:`v_{k+1} = (1-\eta a)^2v_k + \eta^2\sigma^2`, hence

    .. math:: v_\infty = \frac{\eta\sigma^2}{a(2 - \eta a)} = \frac{\eta\sigma^2}{2a}\cdot\frac1{1 - \eta a/2},

    the Ornstein-Uhlenbeck variance :math:`\eta\sigma^2/(2a)` times :math:`1/(1-\eta a/2)`.

    Parameters
    ----------
    a, sigma, eta : float
        Curvature :math:`a>0`, noise level :math:`\sigma\ge0`, step :math:`0<\eta<2/a`.

    Returns
    -------
    float

    Raises
    ------
    InputError
        If ``eta >= 2/a`` (the recursion diverges) or an argument is out of range.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.noise.stationary_variance_1d(1.0, 1.0, 1.0))
    1.0
    """
    a_, s_, e_ = positive(a, "a"), positive(sigma, "sigma", allow_zero=True), positive(eta, "eta")
    if e_ * a_ >= 2:
        raise InputError(f"eta * a = {e_ * a_:.4g} >= 2: the variance recursion diverges (|1 - eta a| >= 1)")
    return e_ * s_**2 / (a_ * (2 - e_ * a_))


def label_noise_drift(D: ArrayLike, y: float, sigma: float, eta: float) -> FloatArray:
    r"""The mean drift per step of :math:`\log|u^2 - v^2|` under label-noise SGD on :math:`\frac12(uv - y)^2`.

    Near the valley :math:`uv = y`, with :math:`r = y \pm \sigma - uv` and the sharpness
    :math:`\lambda_{\max} = u^2 + v^2 = \sqrt{D^2 + 4y^2}`,

    .. math::

        \frac{d}{dk}\,\mathbb E\log|D| \approx -\eta^2\,\mathbb E r^2
        = -\frac{\eta^2\sigma^2}{1 - \eta\lambda_{\max}/2},

    the label variance :math:`\sigma^2` plus the stationary variance of :math:`uv - y` across the valley
    (:func:`stationary_variance_1d` with curvature :math:`\lambda_{\max}` and noise :math:`\lambda_{\max}\sigma`).
    The drift is kept through order :math:`\eta^3` per step; it neglects terms of order :math:`\eta^4`:
    the next term :math:`-\frac12\eta^4r^4` of :math:`\log(1 - \eta^2r^2)` and the non-linear corrections to
    :math:`\mathbb E r^2`. :math:`\lambda_{\max}` is evaluated at the given :math:`D` (a mean-field closure).

    Parameters
    ----------
    D : array_like
        :math:`u^2 - v^2` (any shape).
    y, sigma, eta : float
        The clean label, the label-noise level and the step (:math:`\eta\lambda_{\max} < 2`).

    Returns
    -------
    ndarray of the shape of ``D``

    Raises
    ------
    InputError
        If :math:`\eta\lambda_{\max}\ge2` somewhere: the valley is not stable there.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(round(float(ib.noise.label_noise_drift(0.0, 1.0, 0.5, 0.1)), 6))   # -eta^2 sigma^2 / (1 - eta y)
    -0.002778
    """
    D_ = as_float_array(D, "D")
    e_, s_ = positive(eta, "eta"), positive(sigma, "sigma", allow_zero=True)
    sharpness = np.sqrt(D_**2 + 4 * float(y) ** 2)
    if np.any(e_ * sharpness >= 2):
        raise InputError(f"eta * lambda_max = {float(np.max(e_ * sharpness)):.4g} >= 2: the valley is unstable there")
    return -(e_**2) * s_**2 / (1 - e_ * sharpness / 2)


def label_noise_strength(eta: float, sigma: float) -> float:
    r"""The :math:`\lambda` of label-noise SGD's implicit regulariser :math:`\lambda\,\mathrm{tr}\,\nabla^2L`.

    For the loss :math:`\frac12(f - \tilde y)^2` with labels :math:`\tilde y = y\pm\sigma` and step
    :math:`\eta`, the stationary point matches that of :math:`L + \lambda\,\mathrm{tr}\,\nabla^2 L` with
    :math:`\lambda = \eta\sigma^2/4` to leading order in :math:`\eta` (the mechanism of Blanc et al. 2020
    and Damian, Ma, Lee 2021; the constant is this normalisation's). On the scalar factorisation the
    stationary mean of :math:`uv - y` is :math:`-2\lambda(1 + \eta y) + O(\eta^3)`.

    Parameters
    ----------
    eta, sigma : float
        Step size and label-noise level.

    Returns
    -------
    float

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.noise.label_noise_strength(0.1, 1.0))
    0.025
    """
    return positive(eta, "eta") * positive(sigma, "sigma", allow_zero=True) ** 2 / 4


# --- Monte Carlo over independent chains (vectorised: one array of chains per step) -----------------------


@dataclass(frozen=True)
class ChainMoments(Record):
    r"""Monte Carlo mean and variance over independent chains, with their standard errors.

    For :math:`N` chains with values :math:`x^{(c)}`: ``mean`` :math:`\bar x`, ``variance``
    :math:`\frac1{N-1}\sum_c(x^{(c)} - \bar x)^2`, ``mean_se`` :math:`\sqrt{\mathrm{variance}/N}` and
    ``variance_se`` :math:`\sqrt{(m_4 - \mathrm{variance}^2)/N}`, :math:`m_4` the fourth central moment
    (the delta-method standard error of a sample variance).

    Parameters
    ----------
    times : ndarray of shape (k,)
        The recorded step counts.
    mean, variance, mean_se, variance_se : ndarray of shape (k,)
        The moments at each recorded step.
    chains : int
        The number of chains :math:`N`.

    Examples
    --------
    >>> import ibcore as ib
    >>> moments = ib.noise.chain_moments([[1.0, 3.0], [0.0, 0.0]], [0, 1])
    >>> print(moments.chains, moments.mean, moments.variance_se)
    2 [2. 0.] [0. 0.]
    """

    times: FloatArray
    mean: FloatArray
    variance: FloatArray
    mean_se: FloatArray
    variance_se: FloatArray
    chains: int


def chain_moments(samples: ArrayLike, times: ArrayLike) -> ChainMoments:
    r"""The :class:`ChainMoments` of ``samples[k, c]``, the value of chain ``c`` at recorded step ``times[k]``.

    Parameters
    ----------
    samples : array_like of shape (k, N)
        One row per recorded step, one column per chain (:math:`N\ge2`).
    times : array_like of shape (k,)
        The recorded step counts.

    Returns
    -------
    ChainMoments

    Raises
    ------
    InputError
        If the shapes do not match or there are fewer than two chains.

    Examples
    --------
    >>> import ibcore as ib
    >>> m = ib.noise.chain_moments([[0.0, 2.0, 0.0, 2.0]], [0])
    >>> print(m.mean, m.variance, m.mean_se)
    [1.] [1.33333333] [0.57735027]
    """
    x = as_float_array(samples, "samples", ndim=2)
    t = as_float_array(times, "times", ndim=1)
    if x.shape[0] != t.shape[0] or x.shape[1] < 2:
        raise InputError(f"samples must have one row per time ({t.shape[0]}) and at least two chains; "
                         f"got shape {x.shape}")
    N = x.shape[1]
    mean = x.mean(axis=1)
    dev = x - mean[:, None]
    var = (dev**2).sum(axis=1) / (N - 1)
    m4 = (dev**4).mean(axis=1)
    return ChainMoments(t, mean, var, np.sqrt(var / N), np.sqrt(np.maximum(m4 - var**2, 0.0) / N), N)


def additive_noise_sgd(H: ArrayLike, sigma: float, eta: float, theta0: ArrayLike, steps: int, *, chains: int,
                       seed: int | np.random.Generator = 0,
                       record_every: int | None = None) -> tuple[FloatArray, FloatArray]:
    r"""Monte Carlo of SGD on :math:`\frac12\theta^\top H\theta` with additive isotropic Gaussian gradient noise.

    .. math:: \theta_{k+1} = \theta_k - \eta\,(H\theta_k + \sigma\xi_k),

    with :math:`\xi_k\sim\mathcal N(0, I_d)` independent across steps and chains, all chains advanced at once.

    Parameters
    ----------
    H : array_like of shape (d, d)
        The symmetric Hessian (a ``(1, 1)`` array for the 1-D quadratic :math:`\frac a2\theta^2`).
    sigma, eta : float
        Noise level and step size.
    theta0 : array_like of shape (d,)
        The common starting point.
    steps : int
        The number of steps.
    chains : int
        The number of independent chains.
    seed : int or numpy.random.Generator, default 0
        The seed of the noise.
    record_every : int or None, default None
        Record every so many steps; ``None`` records the start and the end.

    Returns
    -------
    times : ndarray of shape (k,)
        The recorded step counts.
    states : ndarray of shape (k, chains, d)
        Every chain at the recorded steps.

    Examples
    --------
    >>> import ibcore as ib
    >>> _, states = ib.noise.additive_noise_sgd([[1.0]], 1.0, 0.5, [0.0], 50, chains=20000, seed=0)
    >>> print(round(float(states[-1].var()), 2))          # eta sigma^2 / (a (2 - eta a)) = 1/3
    0.33
    """
    H_ = _symmetric(H, "H")
    s_, e_ = positive(sigma, "sigma", allow_zero=True), positive(eta, "eta")
    K, N = positive_int(steps, "steps"), positive_int(chains, "chains")
    every = K if record_every is None else positive_int(record_every, "record_every")
    theta = np.tile(vector_of_length(theta0, H_.shape[0], "theta0"), (N, 1))
    rng = rng_from(seed)
    times, states = [0], [theta.copy()]
    with np.errstate(over="raise", invalid="raise"):
        for k in range(1, K + 1):
            theta = theta - e_ * (theta @ H_ + s_ * rng.standard_normal(theta.shape))
            if k % every == 0 or k == K:
                times.append(k)
                states.append(theta.copy())
    return np.array(times, dtype=float), np.stack(states)


def single_sample_sgd(X: ArrayLike, y: ArrayLike, eta: float, theta0: ArrayLike, steps: int, *, chains: int,
                      seed: int | np.random.Generator = 0) -> FloatArray:
    r"""The final iterates of independent chains of single-sample SGD on least squares, all chains at once.

    .. math:: \theta_{k+1} = \theta_k - \eta\,x_i(x_i^\top\theta_k - y_i),

    with :math:`i\sim\mathrm{Unif}\{1..n\}` independent across steps and chains.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design.
    y : array_like of shape (n,)
        The targets.
    eta : float
        The step size.
    theta0 : array_like of shape (d,)
        The common starting point.
    steps : int
        The number of steps.
    chains : int
        The number of chains.
    seed : int or numpy.random.Generator, default 0
        The seed of the sampling.

    Returns
    -------
    ndarray of shape (chains, d)
        :math:`\theta_{\mathrm{steps}}` of every chain.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0], [1.0]])
    >>> final = ib.noise.single_sample_sgd(X, [1.0, -1.0], 0.5, [0.0], 100, chains=40000, seed=1)
    >>> print(abs(float(final.var()) - 1 / 3) < 0.01)     # sgd_stationary_covariance: 1/3
    True
    """
    X_, y_ = design_and_labels(X, y)
    e_ = positive(eta, "eta")
    K, N = positive_int(steps, "steps"), positive_int(chains, "chains")
    theta = np.tile(as_float_array(theta0, "theta0", ndim=1), (N, 1))
    if theta.shape[1] != X_.shape[1]:
        raise InputError(f"theta0 must have length {X_.shape[1]}")
    rng = rng_from(seed)
    with np.errstate(over="raise", invalid="raise"):
        for _ in range(K):
            i = rng.integers(X_.shape[0], size=N)
            x = X_[i]
            theta -= e_ * x * (np.einsum("cd,cd->c", x, theta) - y_[i])[:, None]
    return theta


@dataclass(frozen=True)
class FactorizationChains(Record):
    r"""Chains of (label-noise) gradient descent on the scalar factorisation :math:`\frac12(uv - \tilde y)^2`.

    Parameters
    ----------
    times : ndarray of shape (k,)
        The recorded step counts.
    u, v : ndarray of shape (k, N)
        The two parameters of every chain at the recorded steps.
    diverged : ndarray of shape (N,), bool
        The chains that left the ball :math:`u^2 + v^2\le10^{8}` (frozen from then on; their
        recorded values are those at which they were stopped).

    Examples
    --------
    >>> import ibcore as ib
    >>> run = ib.noise.factorization_sgd([1.0, 3.0], [1.0, 3.0], 1.0, eta=0.5, sigma=0.0, steps=100)
    >>> print(run.u.shape, run.diverged)        # (start, end) x 2 chains; eta (u^2 + v^2) = 9 > 2 diverges
    (2, 2) [False  True]
    """

    times: FloatArray
    u: FloatArray
    v: FloatArray
    diverged: np.ndarray


def factorization_sgd(u0: ArrayLike, v0: ArrayLike, y: float, *, eta: float, sigma: float, steps: int,
                      record_every: int | None = None, seed: int | np.random.Generator = 0) -> FactorizationChains:
    r"""Gradient descent on :math:`\mathcal L = \frac12(uv - \tilde y)^2` for many chains at once, with label noise.

    .. math:: r_k = y \pm \sigma - u_kv_k, \qquad u_{k+1} = u_k + \eta\,r_kv_k, \qquad
              v_{k+1} = v_k + \eta\,r_ku_k,

    the sign of the label noise :math:`\pm\sigma` uniform and independent across steps and chains;
    ``sigma = 0`` is plain gradient descent from every start.

    Parameters
    ----------
    u0, v0 : array_like of shape (N,)
        The starting points of the chains.
    y : float
        The clean label.
    eta : float
        The step size.
    sigma : float
        The label-noise level (0: plain GD).
    steps : int
        The number of steps.
    record_every : int or None, default None
        Record every so many steps; ``None`` records the start and the end.
    seed : int or numpy.random.Generator, default 0
        The seed of the label noise.

    Returns
    -------
    FactorizationChains

    Examples
    --------
    >>> import ibcore as ib
    >>> run = ib.noise.factorization_sgd([2.0], [1.0], 1.0, eta=0.1, sigma=0.0, steps=500)
    >>> u, v = run.u[-1, 0], run.v[-1, 0]
    >>> print(round(float(u * v), 9), round(float(u**2 - v**2), 3))   # on uv = 1; u^2 - v^2 moved from 3
    1.0 2.958
    """
    u = as_float_array(u0, "u0", ndim=1).copy()
    v = as_float_array(v0, "v0", ndim=1).copy()
    if u.shape != v.shape:
        raise InputError(f"u0 and v0 must have the same shape; got {u.shape} and {v.shape}")
    e_, s_ = positive(eta, "eta"), positive(sigma, "sigma", allow_zero=True)
    y_ = float(as_float_array(y, "y", ndim=0))
    K = positive_int(steps, "steps")
    every = K if record_every is None else positive_int(record_every, "record_every")
    rng = rng_from(seed)
    times, us, vs = [0], [u.copy()], [v.copy()]
    alive = np.ones(u.shape, dtype=bool)
    for k in range(1, K + 1):
        labels = y_ + (s_ * rng.choice([-1.0, 1.0], size=u.shape) if s_ > 0 else 0.0)
        r = np.where(alive, labels - u * v, 0.0)  # label minus prediction
        u, v = u + e_ * r * v, v + e_ * r * u
        alive &= u * u + v * v <= 1e8
        if k % every == 0 or k == K:
            times.append(k)
            us.append(u.copy())
            vs.append(v.copy())
    return FactorizationChains(np.array(times, dtype=float), np.stack(us), np.stack(vs), ~alive)


def factorization_hessian(u: ArrayLike, v: ArrayLike, y: float) -> FloatArray:
    r"""The Hessian of :math:`L(u, v) = \frac12(uv - y)^2`, for arrays of points.

    .. math:: \nabla^2L = \begin{pmatrix} v^2 & 2uv - y\\ 2uv - y & u^2\end{pmatrix};

    on the minima :math:`uv = y` its eigenvalues are 0 and :math:`u^2 + v^2`, the sharpness.

    Parameters
    ----------
    u, v : array_like of the same shape
        The points.
    y : float
        The label.

    Returns
    -------
    ndarray of shape ``u.shape + (2, 2)``

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(np.linalg.eigvalsh(ib.noise.factorization_hessian(2.0, 0.5, 1.0)))
    [0.   4.25]
    """
    u_, v_ = np.broadcast_arrays(as_float_array(u, "u"), as_float_array(v, "v"))
    off = 2 * u_ * v_ - float(y)
    return np.stack([np.stack([v_**2, off], -1), np.stack([off, u_**2], -1)], -2)
