r"""The result records of ``ibcore``: read-only, and one naming scheme for all of them.

Every method returns a frozen dataclass derived from :class:`Record`, whose arrays are
read-only copies (a record cannot be changed after the fact, by its owner or by accident).
Records of a run use the same names for the same things:

==================  ==========================================================================
``times``           the recorded times (flows) or step counts (discrete methods), shape ``(k,)``
``iterates``        the recorded states of what the method updates (parameters :math:`w`, or
                    :math:`\theta` when it is trained directly), shape ``(k, p)``
``predictors``      the recorded predictors :math:`\theta = g(w)` where they differ from the
                    iterates, shape ``(k, d)`` (``None`` otherwise)
``losses``          the training loss at each recorded time, shape ``(k,)``
``final``           the last iterate; ``final_predictor`` the last predictor
``converged``       whether the run stopped on its certificate
``error_bound``     a certified bound on the distance of the final predictor to its limit, or ``None``
==================  ==========================================================================

Records of a reference (a convex program, an exact limit) call their point ``theta``.

Examples
--------
>>> import numpy as np
>>> import ibcore as ib
>>> loss = ib.losses.square_loss(np.eye(2), [1.0, 2.0])
>>> run = ib.algorithms.gradient_descent(loss, np.zeros(2), step=1.0)
>>> run.final, run.final_predictor, run.final.flags.writeable
(array([1., 2.]), array([1., 2.]), False)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ._validate import frozen


@dataclass(frozen=True)
class Record:
    r"""Base class of the result records: every array field is stored as a read-only float64 copy.

    A subclass is a frozen dataclass. After construction each field that is a numpy array is
    replaced by a read-only copy: a float array becomes float64, an array of another kind (indices,
    masks) keeps its dtype. Fields that are not arrays are left as they are.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> import numpy as np
    >>> import ibcore as ib
    >>> @dataclass(frozen=True)
    ... class Run(ib.records.Record):
    ...     losses: np.ndarray
    ...     support: np.ndarray
    >>> run = Run(losses=np.array([1.0, 0.5], dtype=np.float32), support=np.array([0, 2]))
    >>> print(run.losses.dtype, run.losses.flags.writeable, run.support.dtype == np.array([0]).dtype)
    float64 False True
    """

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, np.ndarray):
                continue
            if value.dtype.kind == "f" and (value.flags.writeable or value.dtype != np.float64):
                object.__setattr__(self, f.name, frozen(value))
            elif value.dtype.kind != "f" and value.flags.writeable:  # indices, masks: keep their dtype
                object.__setattr__(self, f.name, _readonly(value))


def _readonly(value: np.ndarray) -> np.ndarray:
    out = value.copy()
    out.setflags(write=False)
    return out
