"""The verdict a reader gets when checking an answer to an exercise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ClaimFailed


@dataclass(frozen=True)
class Check:
    """The outcome of checking a reader's answer: ``status`` is ``"correct"``, ``"wrong"`` or
    ``"not attempted"`` (the answer is still the stub); ``message`` says what was compared."""

    exercise: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        """Whether the answer is right."""
        return self.status == "correct"

    def assert_correct(self) -> Check:
        """Raise :class:`~ibcore.errors.ClaimFailed` unless the answer is right (used on the book's own solutions)."""
        if not self.correct:
            raise ClaimFailed(f"{self.exercise}: the answer is {self.status}: {self.message}")
        return self

    def _repr_markdown_(self) -> str:
        mark = {"correct": "✔", "wrong": "✘", "not attempted": "○"}[self.status]
        return f"**{mark} {self.exercise}: {self.status}.** {self.message}"

    def __str__(self) -> str:
        return f"{self.exercise}: {self.status}. {self.message}"


def attempt(exercise: str, answer: Callable[..., Any], *args: Any) -> tuple[Any, Check | None]:
    """Call the reader's ``answer(*args)``; a stub (returning ``None`` or raising ``NotImplementedError``)
    gives a "not attempted" :class:`Check` instead of a value, any other exception a "wrong" one."""
    try:
        value = answer(*args)
    except NotImplementedError:
        return None, Check(exercise, "not attempted", "Replace the body of the function with your answer.")
    except Exception as exc:  # the reader's code failed: report it instead of a traceback
        return None, Check(exercise, "wrong", f"your function raised {type(exc).__name__}: {exc}")
    if value is None:
        return None, Check(exercise, "not attempted", "Your function returns None; return your answer.")
    return value, None
