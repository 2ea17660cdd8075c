r"""Sparse-recovery theory, computed: restricted isometry constants and statistical dimensions.

- The restricted isometry constant of order :math:`r` of a design :math:`X\in\mathbb R^{n\times d}`
  (Ma's notes, Lemma 9.10) is

  .. math:: \delta_r = \max_{|S| = r}\ \big\|X_S^\top X_S/n - I_r\big\|_2 ,

  the smallest :math:`\delta` with :math:`(1-\delta)\|v\|^2\le\|Xv\|^2/n\le(1+\delta)\|v\|^2` for every
  :math:`r`-sparse :math:`v`. :func:`rip_constant` enumerates all supports (exact, small
  :math:`d`); :func:`rip_constant_lower_bound` samples supports (a lower bound, larger :math:`d`).
- The statistical dimension of the descent cone of the :math:`\ell_1` norm at an
  :math:`s`-sparse vector of :math:`\mathbb R^d` (Amelunxen, Lotz, McCoy, Tropp 2014, Prop. 4.5)
  locates the phase transition of basis pursuit with a Gaussian design:

  .. math:: \delta_{\ell_1}(s, d) = \inf_{\tau\ge0}\Big\{s(1+\tau^2) + (d-s)\,\mathbb E\big[(|g| - \tau)_+^2\big]\Big\},

  and, for non-negative vectors and the constraint :math:`\theta\ge0`, the same with the
  one-sided :math:`\mathbb E[(g - \tau)_+^2]`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize, minimize_scalar
from scipy.stats import norm

from ._validate import as_float_array, positive_int, rng_from
from .errors import InputError, NotConverged

#: Largest number of supports :func:`rip_constant` will enumerate.
MAX_SUPPORTS = 2_000_000


def _restricted_deviation(gram: np.ndarray, supports: np.ndarray) -> float:
    """max over the given supports of the spectral deviation of the Gram submatrix from I."""
    worst = 0.0
    for chunk in np.array_split(supports, max(1, len(supports) // 20_000)):
        blocks = gram[chunk[:, :, None], chunk[:, None, :]]  # (k, r, r)
        eig = np.linalg.eigvalsh(blocks)
        worst = max(worst, float(np.max(np.abs(eig - 1.0))))
    return worst


def _gram_and_order(X: ArrayLike, r: int) -> tuple[np.ndarray, int, int]:
    """Validate (X, r) and return the normalised Gram matrix X^T X / n, d and r."""
    X_arr = as_float_array(X, "X", ndim=2)
    n, d = X_arr.shape
    r = positive_int(r, "r")
    if r > d:
        raise InputError(f"r must be at most d = {d}; got {r}")
    return X_arr.T @ X_arr / n, d, r


def rip_constant(X: ArrayLike, r: int) -> float:
    r"""The exact restricted isometry constant :math:`\delta_r` of :math:`X` (all :math:`\binom dr` supports).

    .. math:: \delta_r = \max_{|S| = r}\ \big\|X_S^\top X_S/n - I_r\big\|_2
              = \max_{|S| = r}\ \max_j \big|\lambda_j(X_S^\top X_S/n) - 1\big| ,

    the largest distance to 1 of an eigenvalue of an :math:`r\times r` principal block of the
    normalised Gram matrix :math:`X^\top X/n` (Ma's notes, Lemma 9.10).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, finite.
    r : int
        The order, between 1 and ``d``.

    Returns
    -------
    float
        :math:`\delta_r`, computed over every support of size ``r``.

    Raises
    ------
    InputError
        If ``X`` is not a finite non-empty 2-d array, ``r`` is not a positive integer, ``r > d``, or
        there are more than :data:`MAX_SUPPORTS` supports (use :func:`rip_constant_lower_bound`).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> X = np.array([[1.0, 1.0, 0.0], [1.0, -1.0, 1.0]])
    >>> print(ib.recovery.rip_constant(X, 1), round(ib.recovery.rip_constant(X, 2), 6))
    0.5 0.809017
    """
    gram, d, r = _gram_and_order(X, r)
    if comb(d, r) > MAX_SUPPORTS:
        raise InputError(f"C({d}, {r}) = {comb(d, r)} supports is too many to enumerate; "
                         "use rip_constant_lower_bound")
    supports = np.array(list(itertools.combinations(range(d), r)), dtype=np.intp)
    return _restricted_deviation(gram, supports)


def rip_constant_lower_bound(X: ArrayLike, r: int, *, samples: int = 20_000,
                             seed: int | np.random.Generator = 0) -> float:
    r"""A lower bound on :math:`\delta_r`: the largest deviation over ``samples`` random supports.

    .. math:: \max_{S\in\mathcal S}\ \big\|X_S^\top X_S/n - I_r\big\|_2 \;\le\; \delta_r ,

    where :math:`\mathcal S` holds ``samples`` supports of size :math:`r`, each drawn uniformly
    (independently, so a support may repeat). Use it when :math:`\binom dr` is too large for
    :func:`rip_constant`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The design, finite.
    r : int
        The order, between 1 and ``d``.
    samples : int, default 20000
        Number of random supports, at least 1.
    seed : int or numpy.random.Generator, default 0
        A non-negative integer seed or a generator for the supports.

    Returns
    -------
    float
        The largest deviation found, a lower bound on :math:`\delta_r`.

    Raises
    ------
    InputError
        If ``X`` is not a finite non-empty 2-d array, ``r`` or ``samples`` is not a positive integer,
        ``r > d``, or ``seed`` is neither a non-negative integer nor a generator.

    Examples
    --------
    >>> import ibcore as ib
    >>> X = ib.data.regression(20, 8, seed=0).X
    >>> exact = ib.recovery.rip_constant(X, 2)
    >>> sampled = ib.recovery.rip_constant_lower_bound(X, 2, samples=200, seed=0)
    >>> print(round(exact, 4), round(sampled, 4), sampled <= exact)
    0.6768 0.6768 True
    """
    gram, d, r = _gram_and_order(X, r)
    rng = rng_from(seed)
    supports = np.argsort(rng.random((positive_int(samples, "samples"), d)), axis=1)[:, :r]
    return _restricted_deviation(gram, np.sort(supports, axis=1))


def statistical_dimension_l1(s: int, d: int, *, nonnegative: bool = False) -> float:
    r"""Statistical dimension of the :math:`\ell_1` descent cone at an :math:`s`-sparse point of :math:`\mathbb R^d`.

    Amelunxen, Lotz, McCoy, Tropp (2014), Prop. 4.5 (signed); with ``nonnegative=True`` the
    cone of :math:`\{\theta\ge0\}\cap\{\|\theta\|_1\le\|\theta^\star\|_1\}` (one-sided Gaussian
    term). Basis pursuit with :math:`n` Gaussian measurements succeeds with high probability
    when :math:`n` exceeds it by :math:`O(\sqrt d)` and fails when :math:`n` is below it by as much.

    .. math::

        \delta_{\ell_1}(s, d) = \inf_{\tau\ge0}\Big\{s(1+\tau^2) + c\,(d-s)\,
        \mathbb E\big[(g - \tau)_+^2\big]\Big\},

        \mathbb E\big[(g - \tau)_+^2\big] = (1+\tau^2)\,\Phi(-\tau) - \tau\,\phi(\tau),

    with :math:`g\sim\mathcal N(0, 1)`, :math:`c = 2` (signed) or :math:`c = 1` (non-negative);
    the infimum is taken over :math:`\tau\in[0, 10]` by a bounded scalar minimisation.

    Parameters
    ----------
    s : int
        The sparsity, between 1 and ``d``.
    d : int
        The ambient dimension, at least 1.
    nonnegative : bool, default False
        Use the one-sided term, for non-negative vectors and the constraint :math:`\theta\ge0`.

    Returns
    -------
    float
        The statistical dimension, between ``s`` and ``d``.

    Raises
    ------
    InputError
        If ``s`` or ``d`` is not a positive integer, or ``s > d``.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(f"{ib.recovery.statistical_dimension_l1(5, 100):.4g}")
    20.39
    >>> print(f"{ib.recovery.statistical_dimension_l1(5, 100, nonnegative=True):.4g}")
    16.71
    """
    s, d = positive_int(s, "s"), positive_int(d, "d")
    if s > d:
        raise InputError(f"s must be at most d = {d}; got {s}")
    sides = 1.0 if nonnegative else 2.0

    def tail(tau: float) -> float:
        # E[(g - tau)_+^2] for one side = (1 + tau^2) Phi(-tau) - tau phi(tau)
        return (1 + tau * tau) * norm.sf(tau) - tau * norm.pdf(tau)

    def objective(tau: float) -> float:
        return s * (1 + tau * tau) + (d - s) * sides * tail(tau)

    res = minimize_scalar(objective, bounds=(0.0, 10.0), method="bounded", options={"xatol": 1e-12})
    return float(res.fun)


@dataclass(frozen=True)
class Transition:
    r"""A probit fit :math:`P(\text{success at } n) = \Phi((n - \mu)/\sigma)` of a phase transition.

    ``location`` is :math:`\hat\mu` (the 50% point), ``width`` :math:`\hat\sigma`, and
    ``location_se`` the standard error of :math:`\hat\mu` from the Fisher information at the fit.
    Returned by :func:`transition_fit`.

    Parameters
    ----------
    location : float
        The fitted 50% point :math:`\hat\mu`, in the units of the sample sizes.
    width : float
        The fitted width :math:`\hat\sigma > 0`.
    location_se : float
        The standard error of :math:`\hat\mu`.

    Examples
    --------
    >>> import ibcore as ib
    >>> fit = ib.recovery.transition_fit([10, 20, 30, 40], [1, 6, 15, 20], trials=20)
    >>> print(f"{fit.location:.3g} {fit.width:.3g} {fit.location_se:.2g}")
    23.9 7.74 1.5
    """

    location: float
    width: float
    location_se: float


def transition_fit(n_values: ArrayLike, successes: ArrayLike, trials: int) -> Transition:
    r"""Maximum-likelihood probit fit of success counts ``successes`` out of ``trials`` at each ``n_values``.

    The 50% point :math:`\hat\mu` uses every trial (not only the two grid points around 1/2), and
    its standard error comes from the expected Fisher information
    :math:`\sum_k T\,\phi(z_k)^2/(\Phi(z_k)(1-\Phi(z_k)))\,\nabla z_k\nabla z_k^\top`,
    :math:`z_k = (n_k - \mu)/\sigma`. Raises :class:`~ibcore.errors.InputError` if no grid point has an
    intermediate success rate on each side of 1/2 (the location is then not identified).

    The fit maximises, over :math:`(\mu, \log\sigma)` by Nelder-Mead, the binomial log-likelihood

    .. math:: \ell(\mu, \sigma) = \sum_k S_k\log\Phi(z_k) + (T - S_k)\log\big(1 - \Phi(z_k)\big),

    where :math:`S_k` of the :math:`T` trials succeed at the sample size :math:`n_k`.

    Parameters
    ----------
    n_values : array_like of shape (K,)
        The sample sizes :math:`n_k` of the grid.
    successes : array_like of shape (K,)
        The number :math:`S_k` of successes at each sample size, between 0 and ``trials``.
    trials : int
        The number :math:`T` of trials at every sample size, at least 1.

    Returns
    -------
    Transition
        The fitted ``location``, ``width`` and ``location_se``.

    Raises
    ------
    InputError
        If ``n_values`` or ``successes`` is not a finite non-empty 1-d array, the two differ in
        shape, a count lies outside ``[0, trials]``, ``trials`` is not a positive integer, no
        success rate lies below 1/2 or none above it, or none lies strictly between 0 and 1.
    NotConverged
        If the maximisation of the likelihood does not converge.

    Examples
    --------
    >>> import ibcore as ib
    >>> fit = ib.recovery.transition_fit([10, 20, 30, 40], [1, 6, 15, 20], trials=20)
    >>> print(round(fit.location, 1), 20 < fit.location < 30)
    23.9 True
    """
    n = as_float_array(n_values, "n_values", ndim=1)
    k = as_float_array(successes, "successes", ndim=1)
    trials = positive_int(trials, "trials")
    if k.shape != n.shape or np.any(k < 0) or np.any(k > trials):
        raise InputError("successes must be counts between 0 and trials, one per n")
    rate = k / trials
    if not (np.any(rate < 0.5) and np.any(rate > 0.5)):
        raise InputError("the success rates do not cross 1/2 on this grid: the transition is not located")

    def negative_log_likelihood(params: np.ndarray) -> float:
        mu, log_sigma = params
        z = (n - mu) / np.exp(log_sigma)
        return -float(np.sum(k * norm.logcdf(z) + (trials - k) * norm.logsf(z)))

    if not np.any((k > 0) & (k < trials)):
        jump = n[np.argmax(rate > 0.5)]
        raise InputError("no sample size has a success rate strictly between 0 and 1: the transition (near "
                         f"n = {jump:g}) is sharper than the grid, so its width cannot be estimated; add sizes there")
    start = np.array([float(np.interp(0.5, np.maximum.accumulate(rate), n)), np.log(np.ptp(n) / 4)])
    fit = minimize(negative_log_likelihood, start, method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    if not fit.success:
        raise NotConverged(f"transition_fit: the likelihood maximisation did not converge ({fit.message})")
    mu, sigma = float(fit.x[0]), float(np.exp(fit.x[1]))
    z = (n - mu) / sigma
    weight = trials * norm.pdf(z) ** 2 / np.maximum(norm.cdf(z) * norm.sf(z), 1e-300)
    grad = np.stack([-np.ones_like(z) / sigma, -z / sigma])  # d z / d(mu, sigma)
    info = (grad * weight) @ grad.T
    try:
        covariance = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:
        raise NotConverged(f"transition_fit: the Fisher information at the fit (width {sigma:.3g}) is singular; the "
                           "grid does not resolve the transition") from exc
    return Transition(location=mu, width=sigma, location_se=float(np.sqrt(covariance[0, 0])))
