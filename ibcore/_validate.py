"""Input checks shared by every module (one place, one wording of each error)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InputError

FloatArray = NDArray[np.float64]


class DesignShape:
    """Mixin for results that carry a design matrix ``X`` (n, d): its ``n`` and ``d``."""

    X: FloatArray

    @property
    def n(self) -> int:
        """Number of samples (rows of ``X``)."""
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        """Number of features (columns of ``X``), the dimension of the parameter."""
        return int(self.X.shape[1])


def as_float_array(value: ArrayLike, name: str, *, ndim: int | None = None) -> FloatArray:
    """Return ``value`` as a float64 array, checking that it is real, finite and of dimension ``ndim``."""
    if np.iscomplexobj(value):
        raise InputError(f"{name} must be real; got a complex array (its imaginary part would be dropped)")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a real numeric array; got {type(value).__name__}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise InputError(f"{name} must be {ndim}-dimensional; got shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"{name} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise InputError(f"{name} has {bad} non-finite entr{'y' if bad == 1 else 'ies'} (NaN or inf)")
    return arr


def frozen(value: ArrayLike) -> FloatArray:
    """A read-only float64 copy, for the arrays of frozen result dataclasses."""
    arr = np.array(value, dtype=np.float64)
    arr.setflags(write=False)
    return arr


def design_and_labels(X: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Check a design matrix ``X`` (n, d) and labels ``y`` (n,) together."""
    X_arr = as_float_array(X, "X", ndim=2)
    y_arr = as_float_array(y, "y", ndim=1)
    if y_arr.shape[0] != X_arr.shape[0]:
        raise InputError(
            f"X has {X_arr.shape[0]} rows (samples) but y has {y_arr.shape[0]} entries"
        )
    return X_arr, y_arr


def vector_of_length(value: ArrayLike, d: int, name: str) -> FloatArray:
    """Check a vector of length ``d`` (a parameter, an initialisation, a centre)."""
    arr = as_float_array(value, name, ndim=1)
    if arr.shape[0] != d:
        raise InputError(f"{name} must have length {d} (the number of features); got {arr.shape[0]}")
    return arr


def positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Check a finite positive scalar (a step size, a scale, a tolerance)."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a real number; got {value!r}") from exc
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InputError(f"{name} must be finite and {bound}; got {value!r}")
    return v


def positive_int(value: Any, name: str) -> int:
    """Check a positive integer (an iteration count, a batch size, a dimension)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def rng_from(seed: int | np.random.Generator) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a seed or a generator (never global state)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a non-negative integer or a numpy Generator; got {seed!r}")
    return np.random.default_rng(int(seed))
