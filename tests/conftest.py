"""Shared fixtures for the ibcore tests."""

from __future__ import annotations

import numpy as np
import pytest

import ibcore as ib


def _unnamed_parameters(item: pytest.Item) -> list[str]:
    """The parts of ``item``'s id that pytest made up because it could not name a parameter.

    pytest names a lambda ``<lambda>`` and any other value it cannot print (a dict, an array, an
    object) ``<argname><index>``, e.g. ``kwargs3``. The second check is exact: the segment must equal
    that argument's name followed by that item's index for it, so explicit ids such as
    ``min-norm-ignores-theta0`` or ``p2`` pass unless they happen to spell exactly what pytest would.
    """
    bad = ["<lambda>"] if "<lambda>" in item.name else []
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return bad
    segments = set(callspec.id.split("-"))
    for argname, index in callspec.indices.items():
        auto = f"{argname}{index}"
        value = callspec.params.get(argname)
        if auto in segments and not (isinstance(value, str) and value == auto):  # a str value is its own id
            bad.append(auto)
    return bad


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run tests whose ids pytest generated (``[<lambda>3]``, ``[kwargs0]``, ``[X0-y0]``).

    Such ids say nothing about the case, change when cases are reordered and make ``-k`` selection and
    failure reports useless; give each case an explicit ``ids=[...]`` or ``pytest.param(..., id="...")``.
    """
    offending = [f"{item.nodeid}  ({', '.join(bad)})" for item in items if (bad := _unnamed_parameters(item))]
    if offending:
        raise pytest.UsageError(
            "these tests have auto-generated parametrize ids; give them readable ones with ids=[...] or "
            "pytest.param(..., id=...):\n  " + "\n  ".join(offending)
        )


@pytest.fixture
def under():
    """A small over-parameterised problem (n < d)."""
    return ib.data.regression(8, 20, seed=5)


@pytest.fixture
def over():
    """A small over-determined noisy problem (n > d)."""
    return ib.data.regression(30, 6, noise=0.3, seed=6)


@pytest.fixture
def theta0():
    return np.random.default_rng(7).standard_normal(20)
