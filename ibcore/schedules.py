r"""Regularisation schedules :math:`t\mapsto\lambda_t\ge 0` and their accumulated amount :math:`\Lambda_t`.

A schedule says how strong the explicit regulariser is at time :math:`t` of a flow (or at
time :math:`k\eta` of a discrete run). What the time-dependent Legendre function of Jacobs,
Zhou & Burkholz (2025, Theorem 3.2) depends on is only the *accumulated* amount

.. math:: \Lambda_t = \int_0^t \lambda_s\,ds \;(= -a_t \text{ in the paper's notation}),

so every schedule carries its integral in closed form. The four shapes (rate
:math:`\lambda_t` for :math:`0\le t<T`, zero afterwards; total :math:`\Lambda_\infty`):

- ``constant``: :math:`\lambda` for all :math:`t`, never switched off; :math:`\Lambda_\infty = \infty`.
- ``switched_off``: :math:`\lambda`; :math:`\Lambda_\infty = \lambda T`.
- ``linear``: :math:`\lambda(1 - t/T)`; :math:`\Lambda_\infty = \lambda T/2`.
- ``cosine``: :math:`\frac\lambda2(1 + \cos(\pi t/T))`; :math:`\Lambda_\infty = \lambda T/2`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray, as_float_array, positive
from .errors import InputError

KINDS = ("constant", "switched_off", "linear", "cosine")


@dataclass(frozen=True)
class Schedule:
    r"""A regularisation schedule (see the module table); build one with the functions below.

    ``strength`` is the peak rate :math:`\lambda\ge 0`; ``until`` the switch-off time
    :math:`T` (``inf`` for ``constant``).
    """

    kind: str
    strength: float
    until: float

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"unknown schedule kind {self.kind!r}; expected one of {KINDS}")
        lam = positive(self.strength, "strength", allow_zero=True)
        if self.kind == "constant":
            if self.until != np.inf:
                raise InputError("a constant schedule is never switched off (until = inf)")
            until = np.inf
        else:
            until = positive(self.until, "until (the switch-off time)")
        object.__setattr__(self, "strength", lam)
        object.__setattr__(self, "until", until)

    def _t(self, t: ArrayLike) -> FloatArray:
        arr = as_float_array(t, "t")
        if np.any(arr < 0):
            raise InputError("schedule times must be >= 0")
        return arr

    def rate(self, t: ArrayLike) -> FloatArray:
        r"""The rate :math:`\lambda_t` (elementwise in ``t``)."""
        s = self._t(t)
        lam, T = self.strength, self.until
        if self.kind == "constant":
            return np.full_like(s, lam)
        on = s < T
        frac = np.where(on, s / T, 1.0)
        if self.kind == "switched_off":
            shape = np.ones_like(s)
        elif self.kind == "linear":
            shape = 1 - frac
        else:
            shape = (1 + np.cos(np.pi * frac)) / 2
        return np.where(on, lam * shape, 0.0)

    def integral(self, t: ArrayLike) -> FloatArray:
        r"""The accumulated amount :math:`\Lambda_t = \int_0^t\lambda_s\,ds` (elementwise, closed form)."""
        s = self._t(t)
        lam, T = self.strength, self.until
        if self.kind == "constant":
            return lam * s
        c = np.minimum(s, T)
        if self.kind == "switched_off":
            return lam * c
        if self.kind == "linear":
            return lam * (c - c * c / (2 * T))
        return lam / 2 * (c + T / np.pi * np.sin(np.pi * c / T))

    @property
    def total(self) -> float:
        r""":math:`\Lambda_\infty` (``inf`` for a constant, non-zero schedule)."""
        if self.kind == "constant":
            return np.inf if self.strength > 0 else 0.0
        return float(self.integral(self.until))

    def is_off(self, t: float) -> bool:
        """Whether the regulariser is switched off for good from time ``t`` on."""
        return self.strength == 0 or t >= self.until


def constant(strength: float) -> Schedule:
    r""":math:`\lambda_t = \lambda` for all :math:`t` (the regulariser is never switched off)."""
    return Schedule("constant", strength, np.inf)


def switched_off(strength: float, until: float) -> Schedule:
    r""":math:`\lambda_t = \lambda` for :math:`t < T`, then 0: :math:`\Lambda_\infty = \lambda T`."""
    return Schedule("switched_off", strength, until)


def linear(strength: float, until: float) -> Schedule:
    r""":math:`\lambda_t = \lambda(1 - t/T)_+`: :math:`\Lambda_\infty = \lambda T/2`."""
    return Schedule("linear", strength, until)


def cosine(strength: float, until: float) -> Schedule:
    r""":math:`\lambda_t = \frac\lambda2(1 + \cos(\pi t/T))` for :math:`t<T`, then 0.

    :math:`\Lambda_\infty = \lambda T/2`, the same total as :func:`linear` at the same peak.
    """
    return Schedule("cosine", strength, until)


def with_total(kind: str, total: float, until: float) -> Schedule:
    r"""The schedule of shape ``kind`` on :math:`[0, T]` whose accumulated amount is ``total``.

    ``switched_off`` gets :math:`\lambda = \Lambda/T`, ``linear`` and ``cosine``
    :math:`\lambda = 2\Lambda/T`; use it to compare shapes at equal :math:`\Lambda_\infty`.
    """
    total = float(total)
    if not np.isfinite(total) or total < 0:
        raise InputError(f"the total amount must be finite and >= 0; got {total!r}")
    until = positive(until, "until")
    if kind == "switched_off":
        return switched_off(total / until, until)
    if kind in ("linear", "cosine"):
        return Schedule(kind, 2 * total / until, until)
    raise InputError(f"with_total needs a schedule that is switched off; got {kind!r}")
