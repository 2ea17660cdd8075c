"""Checks for the exercises of the chapter time_dependent_legendre."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import data, limits, losses, parametrizations, regularized, schedules
from ._check import Check, attempt

__all__: list[str] = ["check_effective_scale"]

_EXERCISE = "Exercise: the effective scale of a schedule"


def check_effective_scale(effective_scale: Callable[[float, schedules.Schedule], float]) -> Check:
    r"""Check the reader's ``effective_scale(alpha, schedule)`` against simulated networks.

    The exercise asks for the scale :math:`\alpha_{\mathrm{eff}}` such that the balanced network
    :math:`\theta = u\odot u - v\odot v` from :math:`u_0 = v_0 = \alpha\mathbf 1`, trained by
    gradient flow on the square loss with weight decay on ``schedule`` (switched off eventually),
    converges to the minimiser of :math:`Q_{\alpha_{\mathrm{eff}}}` over the interpolators.

    The reference does not use any formula for :math:`\alpha_{\mathrm{eff}}`: on a problem of its
    own (:math:`n = 10`, :math:`d = 25`, seed 11), for three (scale, schedule) pairs, the check
    *simulates* the regularised flow until it is certified (:math:`\|\nabla R\|\le10^{-10}`) and
    compares its limit with :math:`\arg\min\{Q_{\alpha_{\mathrm{eff}}}: X\theta = y\}` at the
    reader's :math:`\alpha_{\mathrm{eff}}`; the allowance is the sum of both sides' certified
    errors.

    Parameters
    ----------
    effective_scale : callable
        The reader's function of ``(alpha, schedule)``, ``schedule`` an
        :class:`ibcore.schedules.Schedule`; it returns a positive float.

    Returns
    -------
    Check
        "correct" if every simulated limit is the predicted one, "wrong" (saying on which
        schedule, by how much) otherwise, "not attempted" for the stub.

    Raises
    ------
    NotConverged
        If the simulated flow or the computation of the predicted minimiser fails to converge.
    InputError
        If the reader's scale is so extreme (for example ``1e-300`` or ``1e300``) that the
        predicted minimiser cannot be computed in floating point.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.exercises.check_effective_scale(lambda alpha, schedule: None).status)
    not attempted
    >>> print(ib.exercises.check_effective_scale(lambda alpha, schedule: -1.0).message)
    alpha = 0.5, schedule linear decay from 1.5 to 0 at t = 2: your scale -1.0 is not a positive number
    >>> print(ib.exercises.check_effective_scale(lambda alpha, schedule: alpha).status)  # weight decay matters
    wrong
    """
    prob = data.regression(10, 25, sparsity=3, seed=11)
    loss = losses.square_loss(prob.X, prob.y)
    param = parametrizations.signed_square(prob.X.shape[1])
    cases = [
        (0.5, schedules.linear(1.5, 2.0), "linear decay from 1.5 to 0 at t = 2"),
        (1.0, schedules.cosine(1.0, 3.0), "cosine decay from 1 to 0 at t = 3"),
        (2.0, schedules.switched_off(0.5, 4.0), "0.5 switched off at t = 4"),
    ]
    worst = 0.0
    for alpha, schedule, name in cases:
        value, verdict = attempt(_EXERCISE, effective_scale, alpha, schedule)
        if verdict is not None:
            return verdict
        try:
            a_eff = float(value)
        except (TypeError, ValueError):
            return Check(_EXERCISE, "wrong", f"your function returned {type(value).__name__}, not a number")
        if not np.isfinite(a_eff) or a_eff <= 0:
            return Check(_EXERCISE, "wrong", f"alpha = {alpha:g}, schedule {name}: your scale {a_eff!r} "
                         "is not a positive number")
        run = regularized.regularized_flow(loss, param, param.init(alpha), schedule,
                                           [0.0, schedule.until, 1e8], tol=1e-10)
        if not 1e-12 <= a_eff <= 1e4:  # outside the range the exact reference is certified on
            return Check(_EXERCISE, "wrong", f"alpha = {alpha:g}, schedule {name}: your scale {a_eff:.3g} is far "
                         f"from the effective scale of this run (the initial scale is {alpha:g})")
        predicted = limits.q_alpha_solution(prob.X, prob.y, a_eff)
        gap = float(np.linalg.norm(run.final_predictor - predicted.theta))
        allowance = float(run.error_bound + predicted.error_bound)
        if gap > allowance:
            return Check(_EXERCISE, "wrong",
                         f"alpha = {alpha:g}, schedule {name}: the simulated network's limit is "
                         f"{gap:.2e} away from the Q program at your scale {a_eff:.4g} "
                         f"(allowed {allowance:.1e}).")
        worst = max(worst, gap / allowance if allowance > 0 else 0.0)
    return Check(_EXERCISE, "correct",
                 f"on three schedules the simulated limits match the Q program at your scales "
                 f"({100 * worst:.2g} % of the allowance used at worst).")
