"""Checks for the exercises of the chapter diagonal_networks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import algorithms, data, losses, parametrizations
from ._check import Check, as_numbers, attempt

__all__: list[str] = ["check_hyperbolic_mirror_descent"]

_EXERCISE = "Exercise 2.4 (mirror descent for the hyperbolic entropy)"
#: Relative accuracy asked of the reader's limit: their iteration stops at ||grad R|| <= 1e-10,
#: which puts it within about 1e-9 of the limit on the test problems; 1e-6 leaves room for any
#: reasonable stopping rule and is still far below the gap to a wrong potential (>= 1e-3).
_RTOL = 1e-6


def check_hyperbolic_mirror_descent(answer: Callable[..., object]) -> Check:
    r"""Check an implementation of mirror descent for the hyperbolic entropy (Exercise 2.4).

    The exercise asks for ``answer(X, y, alpha, eta)``: mirror descent
    :math:`\operatorname{arcsinh}(\theta_{k+1}/\gamma) = \operatorname{arcsinh}(\theta_k/\gamma)
    - 4\eta\nabla R(\theta_k)` with :math:`\gamma = 2\alpha^2`, from :math:`\theta_0 = 0`, run until
    :math:`\lVert\nabla R(\theta_k)\rVert\le 10^{-10}`; it returns the final :math:`\theta`.

    The reference does not use the mirror map: it trains the diagonal network
    :math:`\theta = u\odot u - v\odot v` itself, by gradient flow on its parameters from
    :math:`u_0 = v_0 = \alpha\mathbf 1` (:func:`ibcore.algorithms.parameter_flow`, certified
    error bound), on a problem of its own (``n = 6``, ``d = 15``, seed 11) at
    :math:`\alpha\in\{0.05, 0.5\}` with step :math:`\eta = 0.5/L`. By the chapter's Theorems 2.1
    and 2.2 both reach the same interpolator.

    Parameters
    ----------
    answer : callable
        The reader's function ``answer(X, y, alpha, eta) -> theta``.

    Returns
    -------
    Check
        "correct" when, on both values of :math:`\alpha`, the answer is within the
        reference's certified error plus ``1e-6`` times its norm; "wrong" (with the distance and
        the problem) otherwise; "not attempted" for the stub.

    Raises
    ------
    NotConverged
        Only if the reference flow itself fails to reach its certificate.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> print(ib.exercises.check_hyperbolic_mirror_descent(lambda X, y, alpha, eta: None).status)
    not attempted
    >>> print(ib.exercises.check_hyperbolic_mirror_descent(lambda X, y, alpha, eta: np.zeros(3)).message)
    at alpha = 0.05 your limit has shape (3,), expected (15,).
    >>> print(ib.exercises.check_hyperbolic_mirror_descent(lambda X, y, alpha, eta: np.zeros(15)).status)
    wrong
    """
    problem = data.regression(6, 15, sparsity=2, seed=11)
    loss = losses.square_loss(problem.X, problem.y)
    model = parametrizations.signed_square(15)
    network = parametrizations.reparametrized(loss, model)
    eta = 0.5 / loss.smoothness
    worst = 0.0
    for alpha in (0.05, 0.5):
        value, failed = attempt(_EXERCISE, answer, problem.X.copy(), problem.y.copy(), alpha, eta)
        if failed is not None:
            return failed
        theta, reason = as_numbers(value, (15,), f"at alpha = {alpha} your limit")
        if theta is None:
            return Check(_EXERCISE, "wrong", f"{reason}.")
        run = algorithms.parameter_flow(network, model.init(alpha), [0.0, 1e18], tol=1e-10, rtol=1e-6)
        reference = run.predictors[-1]
        gap = float(np.linalg.norm(theta - reference))
        allowed = run.error_bound + _RTOL * float(np.linalg.norm(reference))
        if gap > allowed:
            return Check(_EXERCISE, "wrong",
                         f"on the test problem (n = 6, d = 15, seed 11) at alpha = {alpha}, step eta = {eta:.3g}, "
                         f"your limit is at distance {gap:.2e} from the trained network's limit "
                         f"(allowed {allowed:.1e}).")
        worst = max(worst, gap / allowed)
    return Check(_EXERCISE, "correct",
                 "at alpha = 0.05 and 0.5 your limit agrees with the limit of the trained network "
                 f"theta = u*u - v*v (gradient flow on (u, v)); {100 * worst:.2g} % of the allowance used.")
