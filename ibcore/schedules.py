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

    Parameters
    ----------
    kind : str
        One of ``KINDS``: ``"constant"``, ``"switched_off"``, ``"linear"`` or ``"cosine"``.
    strength : float
        The peak rate :math:`\lambda`, finite and :math:`\ge 0`.
    until : float
        The switch-off time :math:`T`, finite and :math:`> 0`; exactly ``inf`` for ``"constant"``.

    Raises
    ------
    InputError
        If ``kind`` is not one of ``KINDS``, ``strength`` is negative or not finite, a constant
        schedule has a finite ``until``, or another schedule has ``until`` not finite and positive.

    Examples
    --------
    >>> import ibcore as ib
    >>> schedule = ib.schedules.Schedule("linear", 2.0, 4.0)  # the same as ib.schedules.linear(2.0, 4.0)
    >>> print(schedule.rate([0.0, 1.0, 4.0]), schedule.integral([2.0, 8.0]), schedule.total)
    [2.  1.5 0. ] [3. 4.] 4.0
    >>> print(schedule.is_off(3.9), schedule.is_off(4.0))
    False True
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
        r"""The rate :math:`\lambda_t` (elementwise in ``t``).

        .. math:: \lambda_t = \lambda\,h(t/T)\ \text{for}\ t < T, \qquad \lambda_t = 0\ \text{for}\ t\ge T,

        with :math:`h(u) = 1` (``switched_off``), :math:`1 - u` (``linear``) or
        :math:`\frac12(1 + \cos\pi u)` (``cosine``); a ``constant`` schedule has :math:`\lambda_t = \lambda`.

        Parameters
        ----------
        t : array_like
            Times :math:`t\ge 0`, of any shape (a scalar gives a 0-d array).

        Returns
        -------
        ndarray
            :math:`\lambda_t`, of the shape of ``t``.

        Raises
        ------
        InputError
            If ``t`` is empty, not finite or has a negative entry.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.schedules.cosine(2.0, 4.0).rate([0.0, 2.0, 4.0]))
        [2. 1. 0.]
        """
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
        r"""The accumulated amount :math:`\Lambda_t = \int_0^t\lambda_s\,ds` (elementwise, closed form).

        With :math:`c = \min(t, T)`, :math:`\Lambda_t` is

        - :math:`\lambda c` for ``switched_off``;
        - :math:`\lambda\big(c - c^2/(2T)\big)` for ``linear``;
        - :math:`\frac\lambda2\big(c + \frac T\pi\sin(\pi c/T)\big)` for ``cosine``;
        - :math:`\lambda t` for ``constant``.

        Parameters
        ----------
        t : array_like
            Times :math:`t\ge 0`, of any shape (a scalar gives a 0-d array).

        Returns
        -------
        ndarray
            :math:`\Lambda_t`, of the shape of ``t``.

        Raises
        ------
        InputError
            If ``t`` is empty, not finite or has a negative entry.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.schedules.linear(2.0, 4.0).integral([0.0, 2.0, 4.0, 8.0]))
        [0. 3. 4. 4.]
        """
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
        r""":math:`\Lambda_\infty` (``inf`` for a constant, non-zero schedule).

        It is :math:`\Lambda_T`: :math:`\lambda T` for ``switched_off``, :math:`\lambda T/2` for
        ``linear`` and ``cosine``.

        Returns
        -------
        float
            The total amount of regularisation; 0 for a constant schedule of strength 0.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.schedules.switched_off(0.5, 3.0).total, ib.schedules.constant(0.5).total)
        1.5 inf
        """
        if self.kind == "constant":
            return np.inf if self.strength > 0 else 0.0
        return float(self.integral(self.until))

    def is_off(self, t: float) -> bool:
        r"""Whether the regulariser is switched off for good from time ``t`` on.

        That is, whether :math:`\lambda_s = 0` for every :math:`s\ge t`: the strength is 0 or
        :math:`t\ge T`. A constant schedule of positive strength is never off.

        Parameters
        ----------
        t : float
            A time; it is not checked.

        Returns
        -------
        bool
            ``True`` from the switch-off time on, or at any time if ``strength`` is 0.

        Examples
        --------
        >>> import ibcore as ib
        >>> schedule = ib.schedules.linear(1.0, 2.0)
        >>> print(schedule.is_off(1.5), schedule.is_off(2.0), ib.schedules.constant(1.0).is_off(1e9))
        False True False
        """
        t = float(self._t(t))
        return self.strength == 0 or t >= self.until


def constant(strength: float) -> Schedule:
    r""":math:`\lambda_t = \lambda` for all :math:`t` (the regulariser is never switched off).

    So :math:`\Lambda_t = \lambda t` and :math:`\Lambda_\infty = \infty` unless :math:`\lambda = 0`.

    Parameters
    ----------
    strength : float
        The rate :math:`\lambda`, finite and :math:`\ge 0`.

    Returns
    -------
    Schedule
        A schedule of kind ``"constant"`` with ``until = inf``.

    Raises
    ------
    InputError
        If ``strength`` is negative or not finite.

    Examples
    --------
    >>> import ibcore as ib
    >>> schedule = ib.schedules.constant(0.5)
    >>> print(schedule.rate([0.0, 10.0]), schedule.integral(10.0), schedule.total)
    [0.5 0.5] 5.0 inf
    """
    return Schedule("constant", strength, np.inf)


def switched_off(strength: float, until: float) -> Schedule:
    r""":math:`\lambda_t = \lambda` for :math:`t < T`, then 0: :math:`\Lambda_\infty = \lambda T`.

    Parameters
    ----------
    strength : float
        The rate :math:`\lambda`, finite and :math:`\ge 0`.
    until : float
        The switch-off time :math:`T`, finite and :math:`> 0`.

    Returns
    -------
    Schedule
        A schedule of kind ``"switched_off"``.

    Raises
    ------
    InputError
        If ``strength`` is negative or not finite, or ``until`` is not finite and positive.

    Examples
    --------
    >>> import ibcore as ib
    >>> schedule = ib.schedules.switched_off(0.5, 3.0)
    >>> print(schedule.rate([0.0, 2.9, 3.0]), schedule.total)
    [0.5 0.5 0. ] 1.5
    """
    return Schedule("switched_off", strength, until)


def linear(strength: float, until: float) -> Schedule:
    r""":math:`\lambda_t = \lambda(1 - t/T)_+`: :math:`\Lambda_\infty = \lambda T/2`.

    Parameters
    ----------
    strength : float
        The initial rate :math:`\lambda`, finite and :math:`\ge 0`.
    until : float
        The time :math:`T` at which the rate reaches 0, finite and :math:`> 0`.

    Returns
    -------
    Schedule
        A schedule of kind ``"linear"``.

    Raises
    ------
    InputError
        If ``strength`` is negative or not finite, or ``until`` is not finite and positive.

    Examples
    --------
    >>> import ibcore as ib
    >>> schedule = ib.schedules.linear(2.0, 4.0)
    >>> print(schedule.rate([0.0, 1.0, 2.0, 5.0]), schedule.total)
    [2.  1.5 1.  0. ] 4.0
    """
    return Schedule("linear", strength, until)


def cosine(strength: float, until: float) -> Schedule:
    r""":math:`\lambda_t = \frac\lambda2(1 + \cos(\pi t/T))` for :math:`t<T`, then 0.

    :math:`\Lambda_\infty = \lambda T/2`, the same total as :func:`linear` at the same peak.

    Parameters
    ----------
    strength : float
        The initial (peak) rate :math:`\lambda`, finite and :math:`\ge 0`.
    until : float
        The time :math:`T` at which the rate reaches 0, finite and :math:`> 0`.

    Returns
    -------
    Schedule
        A schedule of kind ``"cosine"``.

    Raises
    ------
    InputError
        If ``strength`` is negative or not finite, or ``until`` is not finite and positive.

    Examples
    --------
    >>> import ibcore as ib
    >>> schedule = ib.schedules.cosine(2.0, 4.0)
    >>> print(schedule.rate([0.0, 2.0, 4.0]), schedule.total == ib.schedules.linear(2.0, 4.0).total)
    [2. 1. 0.] True
    """
    return Schedule("cosine", strength, until)


def with_total(kind: str, total: float, until: float) -> Schedule:
    r"""The schedule of shape ``kind`` on :math:`[0, T]` whose accumulated amount is ``total``.

    ``switched_off`` gets :math:`\lambda = \Lambda/T`, ``linear`` and ``cosine``
    :math:`\lambda = 2\Lambda/T`; use it to compare shapes at equal :math:`\Lambda_\infty`.

    Parameters
    ----------
    kind : str
        ``"switched_off"``, ``"linear"`` or ``"cosine"`` (a constant schedule has no finite total).
    total : float
        The accumulated amount :math:`\Lambda_\infty = \Lambda`, finite and :math:`\ge 0`.
    until : float
        The switch-off time :math:`T`, finite and :math:`> 0`.

    Returns
    -------
    Schedule
        The schedule of shape ``kind`` with ``total`` equal to ``total``.

    Raises
    ------
    InputError
        If ``total`` is negative or not finite, ``until`` is not finite and positive, or ``kind``
        is not one of the three shapes above.

    Examples
    --------
    >>> import ibcore as ib
    >>> schedule = ib.schedules.with_total("cosine", 1.0, 4.0)
    >>> print(schedule.strength, schedule.total)
    0.5 1.0
    """
    total = positive(total, "total", allow_zero=True)
    if not np.isfinite(total) or total < 0:
        raise InputError(f"the total amount must be finite and >= 0; got {total!r}")
    until = positive(until, "until")
    if kind == "switched_off":
        return switched_off(total / until, until)
    if kind in ("linear", "cosine"):
        return Schedule(kind, 2 * total / until, until)
    raise InputError(f"with_total needs a schedule that is switched off; got {kind!r}")
