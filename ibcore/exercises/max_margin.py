"""Checks for the exercises of the chapter max_margin."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from .. import classification as cl
from ..data import separable
from ._check import Check, as_numbers, attempt

__all__ = ["check_offset"]

_OFFSET = "Coding: the offset vector"
#: The check's own problem: 30 points in the plane, separable with margin 0.3 (seed 12). Its two
#: support vectors are independent and span the plane, so the offset is fully determined, and its
#: non-support vectors sit far enough (rho - 1 = 0.14) for the remainder to be ~1e-14 at t = 1e100.
_OFFSET_PROBLEM = {"n": 30, "d": 2, "margin": 0.3, "seed": 12}
#: Allowed distance to the reference: the flow's remainder (~1e-14) and the integrator's relative
#: tolerance 1e-10 times the size of w(t) (~1e3) are far below; the rest leaves room for an SVM
#: solved to a solver's usual accuracy (dual variables to ~1e-8 relative) without polishing.
_OFFSET_ATOL = 1e-6


@lru_cache(maxsize=1)
def _offset_reference() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X, y, w_tilde)`` with the offset read off a long gradient flow, not from the SVM's dual.

    The flow in logarithmic time is recorded at ``t1 = 1e100`` and ``t2 = t1**2``; since
    ``w(t) = w_hat log t + w_tilde + r(t)``, the combination ``2 w(t1) - w(t2)`` eliminates
    ``w_hat`` and leaves ``w_tilde`` up to ``2 r(t1) - r(t2)``.
    """
    data = separable(_OFFSET_PROBLEM["n"], _OFFSET_PROBLEM["d"], margin=_OFFSET_PROBLEM["margin"],
                     seed=_OFFSET_PROBLEM["seed"])
    loss = cl.classification_loss(data.X, data.y, "exponential")
    run = cl.log_time_flow(loss, np.zeros(data.X.shape[1]), [1.0, 1e100, 1e200])
    w_tilde = 2 * run.iterates[1] - run.iterates[2]
    return data.X, data.y, w_tilde


def check_offset(answer: Callable[[np.ndarray, np.ndarray], Any]) -> Check:
    r"""Check a function computing Soudry et al.'s offset vector :math:`\tilde w`.

    The exercise asks for :math:`\tilde w` in :math:`w(t) = \hat w\log t + \tilde w + r(t)`, the
    gradient flow of the exponential loss from :math:`w_0 = 0` on separable data whose support
    vectors span the space, from the hard-margin SVM and its dual variables.

    Parameters
    ----------
    answer : callable
        The reader's function ``offset(X, y)``: ``X`` an ``(n, d)`` array of inputs, ``y`` the
        ``n`` labels in ``{-1, +1}``; it returns :math:`\tilde w` as an array of shape ``(d,)``.

    Returns
    -------
    Check
        "correct" if the answer is within ``1e-6`` of :math:`\tilde w` read off a gradient flow run to
        :math:`t = 10^{200}` on a problem of the check's own (30 points in the plane, seed 12);
        "wrong" with the distance otherwise; "not attempted" for the stub.

    Raises
    ------
    NotConverged
        Only if the reference flow in logarithmic time fails.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(ib.exercises.check_offset(lambda X, y: None).status)
    not attempted
    >>> print(ib.exercises.check_offset(lambda X, y: np.zeros(3)).message)
    your offset (return it alone) has shape (3,), expected (2,); on the check's problem (30 points in the plane,
    seed 12)
    >>> print(ib.exercises.check_offset(lambda X, y: np.zeros(2)).status)
    wrong
    """
    X, y, reference = _offset_reference()
    value, failed = attempt(_OFFSET, answer, X.copy(), y.copy())
    if failed is not None:
        return failed
    where = "On the check's problem (30 points in the plane, seed 12)"
    w, reason = as_numbers(value, reference.shape, "your offset (return it alone)")
    if w is None:
        return Check(_OFFSET, "wrong", f"{reason}; {where[0].lower() + where[1:]}")
    gap = float(np.linalg.norm(w - reference))
    ref_text = np.array2string(reference, precision=6)
    if gap <= _OFFSET_ATOL:
        return Check(_OFFSET, "correct", f"{where}, your offset is within {gap:.1e} of the flow's "
                                         f"w(t) − ŵ log t = {ref_text} (allowed {_OFFSET_ATOL:.0e}).")
    return Check(_OFFSET, "wrong", f"{where}, your offset {np.array2string(w, precision=6)} is {gap:.3g} away from "
                                   f"the flow's w(t) − ŵ log t = {ref_text} (allowed {_OFFSET_ATOL:.0e}).")
