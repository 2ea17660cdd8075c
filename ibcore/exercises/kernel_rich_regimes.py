"""Checks for the exercises of the chapter kernel_rich_regimes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import data, programs
from ._check import Check, as_numbers, attempt

__all__: list[str] = ["check_alpha_sweep"]

#: The initialisation scales at which a sweep is checked: both ends of the chapter's range and four between.
SWEEP_ALPHAS = (1e-10, 1e-6, 1e-3, 1e-1, 1.0, 1e3)
#: What the reader's own solver may add to the reference's certified error (a stopped iterative method).
READER_ALLOWANCE = 1e-8


def check_alpha_sweep(sweep: Callable[..., object]) -> Check:
    r"""Check an answer to the exercise "The sweep" of the chapter on kernel and rich regimes.

    The exercise asks for the limit :math:`\theta_\infty(\alpha)` of the diagonal network
    :math:`\theta = u\odot u - v\odot v` trained by gradient flow from :math:`u_0 = v_0 = \alpha\mathbf 1`,
    for many values of :math:`\alpha` at once.

    Parameters
    ----------
    sweep : callable
        The reader's function ``sweep(X, y, alphas)``; ``X`` is ``(n, d)`` with ``n < d``, ``y`` is
        ``(n,)``, ``alphas`` a 1-d array of positive scales; it returns an array of shape
        ``(len(alphas), d)``, one limit per row.

    Returns
    -------
    Check
        "correct" if every row is within the reference's certified error plus ``READER_ALLOWANCE``
        of the reference, on a problem of the check's own (``n = 12``, ``d = 30``, 3-sparse target,
        seed 5) at the scales ``SWEEP_ALPHAS``. The reference is computed without the formula
        asked for: cvxpy's exponential-cone program for :math:`\min\{Q_\alpha(\theta): X\theta = y\}`
        (:func:`ibcore.programs.q_alpha_program`, with its certificate) for :math:`\alpha\le1`, and
        the minimum-:math:`\ell_2` interpolator (cvxpy) for :math:`\alpha = 10^3`, which is within
        :math:`\lVert(\theta^{\ell_2})^3\rVert/(24\alpha^4)` of the limit, allowed on top.
        "wrong" says at which scale and by how much; "not attempted" is the verdict on the stub.

    Raises
    ------
    SolverError
        Only if cvxpy fails to solve or certify a reference program.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(ib.exercises.check_alpha_sweep(lambda X, y, alphas: None).status)
    not attempted
    >>> print(ib.exercises.check_alpha_sweep(lambda X, y, alphas: np.zeros(3)).message)
    your array of limits (one row per alpha) has shape (3,), expected (6, 30)
    """
    name = "The sweep"
    prob = data.regression(12, 30, sparsity=3, seed=5)
    alphas = np.array(SWEEP_ALPHAS)
    value, failed = attempt(name, sweep, prob.X.copy(), prob.y.copy(), alphas.copy())
    if failed is not None:
        return failed
    thetas, reason = as_numbers(value, (len(alphas), prob.X.shape[1]), "your array of limits (one row per alpha)")
    if thetas is None:
        return Check(name, "wrong", reason)
    worst = 0.0
    for a, theta in zip(alphas, thetas, strict=True):
        if a <= 1:
            ref = programs.q_alpha_program(prob.X, prob.y, a)
            allowed = ref.certificate.error_bound + READER_ALLOWANCE
            against = "cvxpy's Q_alpha program"
        else:
            ref = programs.min_norm_program(prob.X, prob.y, p=2)
            allowed = (ref.certificate.error_bound + float(np.linalg.norm(ref.theta**3)) / (24 * a**4)
                       + READER_ALLOWANCE)
            against = "the minimum-l2 interpolator (cvxpy)"
        gap = float(np.linalg.norm(theta - ref.theta))
        if not gap <= allowed:
            return Check(name, "wrong", f"At alpha = {a:.0e}, on the check's problem (n = 12, d = 30, 3-sparse "
                                        f"target, seed 5), your limit is {gap:.2e} away from {against} "
                                        f"(allowed {allowed:.1e}; its l1 norm is {np.abs(theta).sum():.6f}, "
                                        f"the reference's {np.abs(ref.theta).sum():.6f}).")
        worst = max(worst, gap / allowed)
    return Check(name, "correct", f"At the {len(alphas)} scales alpha = 1e-10 ... 1e3 your limits agree with "
                                  f"cvxpy (the Q_alpha program, and min-l2 at alpha = 1e3); "
                                  f"{100 * worst:.0f} % of the allowance used at worst.")
