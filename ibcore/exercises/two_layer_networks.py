"""Checks for the exercises of the chapter two_layer_networks."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.integrate import quad

from ._check import Check, as_numbers, attempt

__all__ = ["check_ntk"]

_NTK = "Coding: the infinite-width kernel"
#: Allowed relative distance: the quadratures are accurate to about 1e-13, but an angle taken as the
#: arccos of a cosine within rounding of 1 is off by up to sqrt(2 eps) = 2e-8 (the check has parallel pairs).
_NTK_RTOL = 1e-7


def _gaussian_expectations(x: np.ndarray, xp: np.ndarray) -> float:
    r"""The tangent kernel as the two expectations over a standard Gaussian neuron, by quadrature.

    Only the projection :math:`g = \rho(\cos\phi, \sin\phi)` of the neuron on the plane of ``x`` and ``xp``
    matters (:math:`\mathbb E\rho^2 = 2`, :math:`\phi` uniform): with ``x`` :math:`= |x|(1, 0)` and
    ``xp`` :math:`= |x'|(\cos t, \sin t)`, the output layer gives
    :math:`\frac{|x||x'|}{\pi}\int\mathrm{relu}(\cos\phi)\,\mathrm{relu}(\cos(\phi - t))\,d\phi` and the input layer
    :math:`\frac{\langle x, x'\rangle}{2\pi}\int\mathbf 1\{\cos\phi > 0, \cos(\phi - t) > 0\}\,d\phi`.
    """
    nx, nxp = float(np.linalg.norm(x)), float(np.linalg.norm(xp))
    if nx == 0 or nxp == 0:
        return 0.0
    u, v = x / nx, xp / nxp
    t = float(2 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))  # Kahan: accurate near 0 and pi
    # where cos(phi) or cos(phi - t) changes sign, wrapped into (-pi, pi)
    kinks = sorted({float(np.angle(np.exp(1j * (c + s * np.pi / 2)))) for c in (0.0, t) for s in (-1, 1)})
    output = quad(lambda p: max(np.cos(p), 0.0) * max(np.cos(p - t), 0.0), -np.pi, np.pi,
                  points=kinks, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
    both = quad(lambda p: float(np.cos(p) > 0 and np.cos(p - t) > 0), -np.pi, np.pi,
                points=kinks, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
    return nx * nxp * output / np.pi + float(x @ xp) * both / (2 * np.pi)


@lru_cache(maxsize=1)
def _ntk_reference() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X1, X2, K)``: the check's inputs (a zero row, parallel and opposite pairs) and the kernel by quadrature."""
    rng = np.random.default_rng(31)
    X1 = rng.standard_normal((4, 3))
    X1[3] = 0.0
    X2 = np.vstack([rng.standard_normal((2, 3)), 2 * X1[0], -X1[1]])
    K = np.array([[_gaussian_expectations(a, b) for b in X2] for a in X1])
    return X1, X2, K


def check_ntk(answer: Callable[[np.ndarray, np.ndarray], Any]) -> Check:
    r"""Check a function computing the infinite-width tangent kernel of a two-layer ReLU network.

    Parameters
    ----------
    answer : callable
        The reader's function ``ntk(X1, X2)`` returning the ``(n1, n2)`` kernel
        :math:`K(x, x') = |x||x'|(\sin t + (\pi - t)\cos t)/(2\pi) + \langle x, x'\rangle(\pi - t)/(2\pi)`.

    Returns
    -------
    Check
        "correct" if the answer is within ``1e-7`` (relative, Frobenius) of the two Gaussian
        expectations computed by quadrature on the check's own inputs (four rows against four, in
        dimension 3, with a zero row and parallel and opposite pairs); "wrong" otherwise; "not
        attempted" for the stub.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.exercises.check_ntk(ib.networks.relu_ntk).status)
    correct
    >>> print(ib.exercises.check_ntk(lambda X1, X2: None).status)
    not attempted
    """
    X1, X2, reference = _ntk_reference()
    value, failed = attempt(_NTK, answer, X1.copy(), X2.copy())
    if failed is not None:
        return failed
    where = "On the check's inputs (4 by 4 rows in dimension 3, with a zero row and parallel and opposite pairs)"
    K, reason = as_numbers(value, reference.shape, "your kernel")
    if K is None:
        return Check(_NTK, "wrong", f"{reason}; {where[0].lower() + where[1:]}")
    gap = float(np.linalg.norm(K - reference) / np.linalg.norm(reference))
    if gap <= _NTK_RTOL:
        return Check(_NTK, "correct", f"{where}, your kernel is within {gap:.1e} (relative) of the Gaussian "
                                      f"expectations computed by quadrature (allowed {_NTK_RTOL:.0e}).")
    return Check(_NTK, "wrong", f"{where}, your kernel is {gap:.3g} (relative) away from the Gaussian "
                                f"expectations computed by quadrature (allowed {_NTK_RTOL:.0e}).")
