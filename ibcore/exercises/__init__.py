"""Checks a reader can run on their own answers to the book's computational exercises.

Each chapter's exercises have their own module; every check is called on a function the reader
writes, e.g. ``ib.exercises.check_closest_interpolator(my_function)``, and returns a
:class:`Check` ("correct", "wrong" with what differed, or "not attempted" while the answer is
still the stub). The reference each check compares with is computed independently of the
formula the exercise asks for.
"""

from ._check import Check, attempt
from .diagonal_networks import *  # noqa: F403
from .kernel_rich_regimes import *  # noqa: F403
from .least_squares import *  # noqa: F403
from .max_margin import *  # noqa: F403
from .noise import *  # noqa: F403
from .sparse_recovery import *  # noqa: F403
from .time_dependent_legendre import *  # noqa: F403
from .two_layer_networks import *  # noqa: F403

__all__ = ["Check", "attempt"]
