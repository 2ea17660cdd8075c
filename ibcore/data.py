"""Problem generators: every experiment in the book starts from one of these.

All generators are deterministic functions of their ``seed`` (an integer or a
``numpy.random.Generator``); none touches global random state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ._validate import DesignShape, FloatArray, positive, positive_int, rng_from
from .errors import InputError

#: Below this probability of keeping a draw, :func:`separable` samples the margin's tail directly.
MIN_ACCEPTANCE = 1e-3


@dataclass(frozen=True)
class RegressionData(DesignShape):
    r"""A linear regression problem :math:`y = X w_\star + \sigma \varepsilon`.

    Returned by :func:`regression`; the properties ``n`` and ``d`` give the number of samples
    and of features.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The design; rows are samples, entries i.i.d. :math:`\mathcal N(0, 1)`.
    y : ndarray of shape (n,)
        The labels.
    w_star : ndarray of shape (d,)
        The ground truth, of unit Euclidean norm.
    noise : float
        The noise level :math:`\sigma`.

    Examples
    --------
    >>> import ibcore as ib
    >>> problem = ib.data.regression(5, 8, seed=0)
    >>> print(problem.n, problem.d, problem.X.shape, problem.y.shape, problem.noise)
    5 8 (5, 8) (5,) 0.0
    """

    X: FloatArray
    y: FloatArray
    w_star: FloatArray
    noise: float


def regression(
    n: int,
    d: int,
    *,
    sparsity: int | None = None,
    noise: float = 0.0,
    seed: int | np.random.Generator = 0,
) -> RegressionData:
    r"""Gaussian design with a dense or sparse ground truth.

    .. math:: X_{ij} \sim \mathcal N(0,1), \qquad y = X w_\star + \sigma\,\varepsilon,
              \quad \varepsilon \sim \mathcal N(0, I_n),\ \|w_\star\|_2 = 1.

    With ``sparsity=r`` the target has ``r`` non-zero entries on a uniformly random
    support (values i.i.d. Gaussian before normalisation); otherwise every entry is.

    Parameters
    ----------
    n : int
        Number of samples (rows of ``X``), at least 1.
    d : int
        Number of features (columns of ``X``), at least 1.
    sparsity : int, optional
        Number ``r`` of non-zero entries of :math:`w_\star`, between 1 and ``d``; ``None`` (the
        default) gives a dense target.
    noise : float, default 0.0
        The noise level :math:`\sigma \ge 0`.
    seed : int or numpy.random.Generator, default 0
        A non-negative integer seed or a generator; the result is a deterministic function of it.

    Returns
    -------
    RegressionData
        The design ``X``, the labels ``y``, the target ``w_star`` and the noise level.

    Raises
    ------
    InputError
        If ``n``, ``d`` or ``sparsity`` is not a positive integer, ``sparsity > d``, ``noise`` is
        negative or not finite, or ``seed`` is neither a non-negative integer nor a generator.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> problem = ib.data.regression(5, 8, sparsity=2, seed=0)
    >>> print(np.count_nonzero(problem.w_star), round(float(np.linalg.norm(problem.w_star)), 12))
    2 1.0
    >>> bool(np.allclose(problem.X @ problem.w_star, problem.y))  # noiseless by default
    True
    """
    n = positive_int(n, "n")
    d = positive_int(d, "d")
    noise = positive(noise, "noise", allow_zero=True)
    if sparsity is not None:
        sparsity = positive_int(sparsity, "sparsity")
        if sparsity > d:
            raise InputError(f"sparsity must be at most d = {d}; got {sparsity}")
    rng = rng_from(seed)
    X = rng.standard_normal((n, d))
    w_star = np.zeros(d)
    support = np.arange(d) if sparsity is None else np.sort(rng.choice(d, size=sparsity, replace=False))
    w_star[support] = rng.standard_normal(support.size)
    w_star /= np.linalg.norm(w_star)
    y = X @ w_star + noise * rng.standard_normal(n)
    return RegressionData(X=X, y=y, w_star=w_star, noise=noise)


@dataclass(frozen=True)
class ClassificationData(DesignShape):
    r"""Labelled data :math:`(X, y)` with :math:`y_i\in\{\pm1\}` and a separating direction ``w_star``.

    Returned by :func:`separable`: :math:`y_i = \sign\langle w_\star, x_i\rangle`. The properties
    ``n`` and ``d`` give the number of points and the dimension.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The inputs, one point per row.
    y : ndarray of shape (n,)
        The labels, each ``-1.0`` or ``+1.0``.
    w_star : ndarray of shape (d,)
        The unit direction that labelled the points.

    Examples
    --------
    >>> import ibcore as ib
    >>> data = ib.data.separable(20, 3, seed=0)
    >>> print(data.n, data.d, sorted(set(data.y.tolist())))
    20 3 [-1.0, 1.0]
    """

    X: FloatArray
    y: FloatArray
    w_star: FloatArray


def separable(n: int, d: int, *, margin: float = 0.1, seed: int | np.random.Generator = 0) -> ClassificationData:
    r"""Gaussian inputs labelled by a random unit direction :math:`w_\star`, keeping a margin.

    Points with :math:`|\langle w_\star, x\rangle| <` ``margin`` are redrawn, so the data are
    linearly separable with margin at least ``margin`` along :math:`w_\star`; the max-margin
    direction is in general different from :math:`w_\star`. The labels are
    :math:`y_i = \sign\langle w_\star, x_i\rangle`, so every margin
    :math:`y_i\langle w_\star, x_i\rangle` is at least ``margin``.

    Parameters
    ----------
    n : int
        Number of points, at least 1.
    d : int
        Dimension, at least 1.
    margin : float, default 0.1
        The smallest allowed :math:`|\langle w_\star, x_i\rangle|`, at least 0. A point is kept with
        probability :math:`P(|g|\ge\mu)`, where :math:`g\sim\mathcal N(0, 1)` and :math:`\mu` is
        ``margin``; where that probability is below :data:`MIN_ACCEPTANCE` (``margin`` above about
        3.3) the component along :math:`w_\star` is drawn from its conditional law, a normal tail,
        instead of by rejection, so any margin returns at once.
    seed : int or numpy.random.Generator, default 0
        A non-negative integer seed or a generator.

    Returns
    -------
    ClassificationData
        The points ``X``, the labels ``y`` and the direction ``w_star``.

    Raises
    ------
    InputError
        If ``n`` or ``d`` is not a positive integer, ``margin`` is negative or not finite, or
        ``seed`` is neither a non-negative integer nor a generator.

    Examples
    --------
    >>> import ibcore as ib
    >>> data = ib.data.separable(20, 3, margin=0.2, seed=0)
    >>> margins = data.y * (data.X @ data.w_star)
    >>> print(bool(margins.min() >= 0.2), round(float(margins.min()), 3))
    True 0.231
    """
    n = positive_int(n, "n")
    d = positive_int(d, "d")
    margin = positive(margin, "margin", allow_zero=True)
    rng = rng_from(seed)
    w_star = rng.standard_normal(d)
    w_star /= np.linalg.norm(w_star)
    if 2 * float(special.ndtr(-margin)) < MIN_ACCEPTANCE:
        from scipy.stats import truncnorm  # loaded only here: scipy.stats costs 0.3 s to import

        # rejection would wait ~1/P(|z| >= margin) draws per point: draw the component along w_star from its
        # conditional law (a two-sided normal tail) instead, and the orthogonal part as it is
        X = rng.standard_normal((n, d))
        along = truncnorm.rvs(margin, np.inf, size=n, random_state=rng) * rng.choice([-1.0, 1.0], size=n)
        X += np.outer(along - X @ w_star, w_star)
        return ClassificationData(X=X, y=np.sign(X @ w_star), w_star=w_star)
    X = np.empty((n, d))
    filled = 0
    while filled < n:
        cand = rng.standard_normal((2 * n, d))
        keep = cand[np.abs(cand @ w_star) >= margin]
        take = min(n - filled, len(keep))
        X[filled:filled + take] = keep[:take]
        filled += take
    y = np.sign(X @ w_star)
    return ClassificationData(X=X, y=y, w_star=w_star)


@dataclass(frozen=True)
class MatrixSensingData:
    r"""Symmetric matrix sensing :math:`y_i = \langle A_i, M_\star\rangle`, :math:`i = 1..m`.

    Returned by :func:`matrix_sensing`; the properties ``dim`` and ``m`` give the matrix size
    and the number of measurements.

    Parameters
    ----------
    A : ndarray of shape (m, dim, dim)
        The symmetric sensing matrices.
    y : ndarray of shape (m,)
        The measurements.
    M_star : ndarray of shape (dim, dim)
        The positive semi-definite ground truth of the given rank, nuclear norm 1.
    basis : ndarray of shape (dim, dim) or None
        The orthogonal common eigenbasis of the ``A_i`` when they commute, else ``None``.

    Examples
    --------
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(4, 10, 2, seed=0)
    >>> print(data.dim, data.m, data.A.shape, data.basis)
    4 10 (10, 4, 4) None
    """

    A: FloatArray
    y: FloatArray
    M_star: FloatArray
    basis: FloatArray | None

    @property
    def dim(self) -> int:
        r"""The size ``dim`` of the square matrices :math:`A_i` and :math:`M_\star`.

        Returns
        -------
        int
            The number of rows (and of columns) of each sensing matrix.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.data.matrix_sensing(4, 10, 2, seed=0).dim)
        4
        """
        return int(self.A.shape[1])

    @property
    def m(self) -> int:
        r"""The number :math:`m` of measurements :math:`y_i = \langle A_i, M_\star\rangle`.

        Returns
        -------
        int
            The number of sensing matrices, which is the length of ``y``.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.data.matrix_sensing(4, 10, 2, seed=0).m)
        10
        """
        return int(self.A.shape[0])


def matrix_sensing(
    dim: int,
    n_measurements: int,
    rank: int,
    *,
    commuting: bool = False,
    seed: int | np.random.Generator = 0,
) -> MatrixSensingData:
    r"""A symmetric matrix-sensing problem (Jacobs, Zhou & Burkholz 2025, App. C; Wu & Rebeschini 2021).

    - Gaussian (default): :math:`A_i = (B_i + B_i^\top)/2` with :math:`B_i` i.i.d.
      :math:`\mathcal N(0,1)` entries; :math:`M_\star = U_\star U_\star^\top/\|U_\star U_\star^\top\|_*`
      with :math:`U_\star\in\mathbb R^{\mathrm{dim}\times\mathrm{rank}}` Gaussian.
    - ``commuting=True``: one random orthogonal :math:`Q`, :math:`A_i = Q\,\mathrm{diag}(a_i)\,Q^\top`
      with :math:`a_i` Gaussian (so the :math:`A_i` commute, Corollary C.3), and
      :math:`M_\star = Q\,\mathrm{diag}(\lambda_\star)Q^\top` with ``rank`` positive eigenvalues
      summing to 1.

    In both cases :math:`y_i = \langle A_i, M_\star\rangle = \mathrm{tr}(A_i M_\star)`.

    Parameters
    ----------
    dim : int
        Size of the matrices, at least 1.
    n_measurements : int
        Number :math:`m` of measurements, at least 1.
    rank : int
        Rank of :math:`M_\star`, between 1 and ``dim``.
    commuting : bool, default False
        Draw commuting sensing matrices with a common eigenbasis (returned as ``basis``).
    seed : int or numpy.random.Generator, default 0
        A non-negative integer seed or a generator.

    Returns
    -------
    MatrixSensingData
        The matrices ``A``, the measurements ``y``, the ground truth ``M_star`` and ``basis``
        (``None`` unless ``commuting``).

    Raises
    ------
    InputError
        If ``dim``, ``n_measurements`` or ``rank`` is not a positive integer, ``rank > dim``, or
        ``seed`` is neither a non-negative integer nor a generator.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(4, 10, 2, commuting=True, seed=0)
    >>> eigenvalues = np.linalg.eigvalsh(data.M_star)
    >>> print(int(np.sum(eigenvalues > 1e-12)), round(float(eigenvalues.sum()), 12))
    2 1.0
    >>> bool(np.allclose(data.A[0] @ data.A[1], data.A[1] @ data.A[0]))
    True
    """
    dim = positive_int(dim, "dim")
    m = positive_int(n_measurements, "n_measurements")
    rank = positive_int(rank, "rank")
    if rank > dim:
        raise InputError(f"rank must be at most dim = {dim}; got {rank}")
    rng = rng_from(seed)
    if commuting:
        Q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
        spectra = rng.standard_normal((m, dim))
        A = np.einsum("ij,kj,lj->kil", Q, spectra, Q)
        lam = np.zeros(dim)
        lam[rng.choice(dim, size=rank, replace=False)] = np.abs(rng.standard_normal(rank)) + 0.1
        lam /= lam.sum()
        M_star = (Q * lam) @ Q.T
        basis = Q
    else:
        B = rng.standard_normal((m, dim, dim))
        A = (B + np.transpose(B, (0, 2, 1))) / 2
        U = rng.standard_normal((dim, rank))
        M_star = U @ U.T
        M_star /= np.trace(M_star)  # the nuclear norm of a PSD matrix is its trace
        basis = None
    M_star = (M_star + M_star.T) / 2
    y = np.einsum("kij,ij->k", A, M_star)
    return MatrixSensingData(A=A, y=y, M_star=M_star, basis=basis)


def spectral_design(data: MatrixSensingData, *, tol: float = 1e-10) -> FloatArray:
    r"""The design :math:`S_{ij} = (Q^\top A_iQ)_{jj}` in the common eigenbasis :math:`Q` of commuting :math:`A_i`.

    Checks that the :math:`A_i` commute and are diagonal in ``data.basis`` (to ``tol``
    relative); raises :class:`~ibcore.errors.InputError` otherwise — Corollary C.3 of Jacobs, Zhou &
    Burkholz (2025) needs it. It lives here, with the data, so that the references of
    :mod:`ibcore.programs` need no module of the dynamics; :mod:`ibcore.sensing` re-exports it.

    The check: every off-diagonal entry of every :math:`Q^\top A_iQ` is at most ``tol`` times the
    largest entry of all the :math:`A_i` in absolute value. Then, for every :math:`\lambda`,

    .. math:: \langle A_i, Q\operatorname{diag}(\lambda)Q^\top\rangle = (S\lambda)_i ,

    so the measurements of a matrix with eigenbasis :math:`Q` depend on its eigenvalues through :math:`S`.

    Parameters
    ----------
    data : MatrixSensingData
        A problem drawn with ``commuting=True``.
    tol : float, default 1e-10
        The relative tolerance of the check.

    Returns
    -------
    ndarray of shape (m, dim)
        The spectral design :math:`S`.

    Raises
    ------
    InputError
        If ``data.basis`` is ``None``, or an :math:`A_i` is not diagonal in it.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> data = ib.data.matrix_sensing(3, 8, 1, commuting=True, seed=0)
    >>> S = ib.data.spectral_design(data)
    >>> eigenvalues, _ = ib.sensing.in_basis(data, data.M_star)
    >>> print(S.shape, bool(np.allclose(S @ eigenvalues, data.y)))
    (8, 3) True
    """
    if data.basis is None:
        raise InputError("these sensing matrices have no common eigenbasis (generated with commuting=False)")
    Q = data.basis
    D = np.einsum("ji,kjl,lm->kim", Q, data.A, Q)
    off = D - np.einsum("kii->ki", D)[:, :, None] * np.eye(data.dim)
    scale = np.abs(data.A).max()
    if np.abs(off).max() > tol * scale:
        raise InputError(f"the A_i are not diagonal in the given basis (off-diagonal {np.abs(off).max():.2e})")
    return np.einsum("kii->ki", D)
