"""The exceptions ``ibcore`` raises.

Every failure mode has its own class so that a chapter, a test or a homework script can
catch exactly what it expects; all of them derive from :class:`~ibcore.errors.IbcoreError`.
"""

from __future__ import annotations


class IbcoreError(Exception):
    r"""Base class of every error raised by ``ibcore``.

    Catch it to handle any failure of the package at once; catch a subclass to handle one failure mode.

    Examples
    --------
    >>> import ibcore as ib
    >>> all(issubclass(error, ib.IbcoreError) for error in
    ...     (ib.InputError, ib.SolverError, ib.DivergenceError, ib.NotConverged, ib.ClaimFailed))
    True
    """


class InputError(IbcoreError, ValueError):
    r"""Bad input: a wrong shape, a non-finite entry, a parameter out of its range.

    Also a ``ValueError``, so code that catches ``ValueError`` keeps working. Every function checks its
    input before it computes anything, and the message names the argument and what it should be.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.losses.square_loss([[1.0, 0.0]], [1.0, 2.0])
    Traceback (most recent call last):
        ...
    ibcore.errors.InputError: X has 1 rows (samples) but y has 2 entries
    >>> issubclass(ib.InputError, ValueError)
    True
    """


class SolverError(IbcoreError, RuntimeError):
    r"""A convex program was infeasible, unbounded, or not solved to the requested accuracy.

    The message names the solver and the status it returned. Also a ``RuntimeError``.

    Parameters
    ----------
    message : str
        What went wrong; for :mod:`ibcore.programs`, every solver tried and its status.
    solver : str, optional
        The name of the last solver tried (``"CLARABEL"``, ``"ECOS"``), or ``None``.
    status : str, optional
        Its status (``"infeasible"``, ``"unbounded"``, ``"certificate 1.0e-03"``, ...), or ``None``.

    Attributes
    ----------
    solver : str or None
        The ``solver`` given.
    status : str or None
        The ``status`` given.

    Examples
    --------
    >>> import ibcore as ib
    >>> try:
    ...     ib.programs.min_norm_interpolator([[1.0, 0.0], [1.0, 0.0]], [1.0, 2.0])  # X theta = y has no solution
    ... except ib.SolverError as error:
    ...     print(error.solver, error.status)
    CLARABEL infeasible
    """

    def __init__(self, message: str, *, solver: str | None = None, status: str | None = None):
        super().__init__(message)
        self.solver = solver
        self.status = status


class DivergenceError(IbcoreError, ArithmeticError):
    r"""An iterative method left every bounded region (for example a step size above ``2/L``).

    Raised before any overflow can happen, so no NaN or ``inf`` ever reaches the caller. Also an
    ``ArithmeticError``.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])  # L = 1/2: stable for steps below 4
    >>> try:
    ...     ib.algorithms.gradient_descent(loss, np.zeros(2), step=5.0)
    ... except ib.DivergenceError:
    ...     print("diverged")
    diverged
    """


class NotConverged(IbcoreError, RuntimeError):
    r"""An iterative method did not reach its convergence certificate within its budget.

    Also a ``RuntimeError``. The message gives the certificate reached; raising the budget
    (``max_iter``, ``max_sweeps``, a horizon) or loosening the tolerance usually helps.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
    >>> try:
    ...     ib.algorithms.gradient_descent(loss, np.zeros(2), step=0.1, max_iter=5)
    ... except ib.NotConverged:
    ...     print("no certificate after 5 steps")
    no certificate after 5 steps
    """


class ClaimFailed(IbcoreError, AssertionError):
    r"""A verified claim did not hold: the message says by how much, and where.

    Raised by :func:`ibcore.verification.verify` and its relatives; also an ``AssertionError``, so a
    failed claim fails a test or a notebook cell like a failed ``assert``.

    Examples
    --------
    >>> import ibcore as ib
    >>> try:
    ...     ib.verify("C0.1 two numbers agree", 1.0, 1.1, rtol=1e-3)
    ... except ib.ClaimFailed:
    ...     print("the claim failed")
    the claim failed
    """
