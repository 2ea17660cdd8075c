"""The verdict a reader gets when checking an answer to an exercise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ClaimFailed


@dataclass(frozen=True)
class Check:
    """The outcome of checking a reader's answer.

    ``status`` is ``"correct"``, ``"wrong"`` or ``"not attempted"`` (the answer is still the
    stub); ``message`` says what was compared. In a notebook it renders as one line of Markdown
    with a mark (✔, ✘ or ○).

    Parameters
    ----------
    exercise : str
        The exercise's title, e.g. ``"Exercise 4.2 (a restricted isometry constant by hand)"``.
    status : str
        ``"correct"``, ``"wrong"`` or ``"not attempted"``.
    message : str
        What was compared, and for a wrong answer what differed.

    Examples
    --------
    >>> import ibcore as ib
    >>> check = ib.exercises.Check("Exercise 1.1", "wrong", "Off by 2.")
    >>> print(check, check.correct)
    Exercise 1.1: wrong. Off by 2. False
    """

    exercise: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        """Whether the answer is right.

        Returns
        -------
        bool
            ``True`` if and only if ``status`` is ``"correct"``.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.exercises.Check("Exercise 1.1", "not attempted", "").correct)
        False
        """
        return self.status == "correct"

    def assert_correct(self) -> Check:
        """Raise :class:`~ibcore.errors.ClaimFailed` unless the answer is right (used on the book's own solutions).

        Returns
        -------
        Check
            The check itself, when the answer is right.

        Raises
        ------
        ClaimFailed
            If ``status`` is ``"wrong"`` or ``"not attempted"``; the message gives the status and
            ``message``.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.exercises.Check("Exercise 1.1", "correct", "It matches.").assert_correct())
        Exercise 1.1: correct. It matches.
        >>> ib.exercises.Check("Exercise 1.1", "wrong", "Off by 2.").assert_correct()
        Traceback (most recent call last):
            ...
        ibcore.errors.ClaimFailed: Exercise 1.1: the answer is wrong: Off by 2.
        """
        if not self.correct:
            raise ClaimFailed(f"{self.exercise}: the answer is {self.status}: {self.message}")
        return self

    def _repr_markdown_(self) -> str:
        mark = {"correct": "✔", "wrong": "✘", "not attempted": "○"}[self.status]
        return f"**{mark} {self.exercise}: {self.status}.** {self.message}"

    def __str__(self) -> str:
        return f"{self.exercise}: {self.status}. {self.message}"


def attempt(exercise: str, answer: Callable[..., Any], *args: Any) -> tuple[Any, Check | None]:
    """Call the reader's ``answer(*args)``, turning a stub or a failure into a :class:`Check`.

    A stub (returning ``None`` or raising ``NotImplementedError``) gives a "not attempted"
    :class:`Check` instead of a value, any other exception a "wrong" one, so no ``Exception``
    raised by the reader's code reaches the caller.

    Parameters
    ----------
    exercise : str
        The exercise's title, for the :class:`Check`.
    answer : callable
        The reader's function.
    *args
        The arguments to call it with.

    Returns
    -------
    tuple of (object, Check or None)
        ``(value, None)`` when ``answer`` returned a value other than ``None``; otherwise
        ``(None, check)`` with a "not attempted" or "wrong" check.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.exercises.attempt("Exercise 1.1", lambda x: 2 * x, 3))
    (6, None)
    >>> value, check = ib.exercises.attempt("Exercise 1.1", lambda x: 1 / x, 0)
    >>> print(value, check.status, check.message)
    None wrong your function raised ZeroDivisionError: division by zero
    >>> print(ib.exercises.attempt("Exercise 1.1", lambda x: None, 3)[1].status)
    not attempted
    """
    try:
        value = answer(*args)
    except NotImplementedError:
        return None, Check(exercise, "not attempted", "Replace the body of the function with your answer.")
    except Exception as exc:  # the reader's code failed: report it instead of a traceback
        return None, Check(exercise, "wrong", f"your function raised {type(exc).__name__}: {exc}")
    if value is None:
        return None, Check(exercise, "not attempted", "Your function returns None; return your answer.")
    return value, None


def as_numbers(value: Any, shape: tuple[int, ...], what: str) -> tuple[np.ndarray | None, str]:
    """The reader's ``value`` as a finite float array of ``shape``, or ``None`` and the reason it is not one.

    Parameters
    ----------
    value : object
        What the reader's function returned.
    shape : tuple of int
        The shape the exercise expects.
    what : str
        How to name the value in the reason (e.g. ``"your limit"``).

    Returns
    -------
    tuple of (ndarray or None, str)
        ``(array, "")`` for a usable answer, ``(None, reason)`` otherwise: not numbers (a string,
        a ragged list), the wrong shape, or non-finite entries.

    Examples
    --------
    >>> import ibcore as ib
    >>> ib.exercises._check.as_numbers([1, 2], (2,), "your vector")
    (array([1., 2.]), '')
    >>> ib.exercises._check.as_numbers("abc", (2,), "your vector")[1]
    'your vector is a str, not an array of numbers'
    >>> ib.exercises._check.as_numbers([[1, 2], [3]], (2,), "your vector")[1]
    'your vector is a list, not an array of numbers'
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{what} is a {type(value).__name__}, not an array of numbers"
    if arr.shape != tuple(shape):
        return None, f"{what} has shape {arr.shape}, expected {tuple(shape)}"
    if not np.all(np.isfinite(arr)):
        return None, f"{what} has non-finite entries"
    return arr, ""
