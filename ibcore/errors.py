"""The exceptions ``ibcore`` raises.

Every failure mode has its own class so that a chapter, a test or a homework script can
catch exactly what it expects; all of them derive from :class:`~ibcore.errors.IbcoreError`.
"""

from __future__ import annotations


class IbcoreError(Exception):
    """Base class of every error raised by ``ibcore``."""


class InputError(IbcoreError, ValueError):
    """Bad input: a wrong shape, a non-finite entry, a parameter out of its range."""


class SolverError(IbcoreError, RuntimeError):
    """A convex program was infeasible, unbounded, or not solved to the requested accuracy.

    The message names the solver and the status it returned.
    """

    def __init__(self, message: str, *, solver: str | None = None, status: str | None = None):
        super().__init__(message)
        self.solver = solver
        self.status = status


class DivergenceError(IbcoreError, ArithmeticError):
    """An iterative method left every bounded region (for example a step size above ``2/L``).

    Raised before any overflow can happen, so no NaN or ``inf`` ever reaches the caller.
    """


class NotConverged(IbcoreError, RuntimeError):
    """An iterative method did not reach its convergence certificate within its budget."""


class ClaimFailed(IbcoreError, AssertionError):
    """A verified claim did not hold: the message says by how much, and where."""
