"""Shared fixtures for the ibcore tests."""

from __future__ import annotations

import numpy as np
import pytest

import ibcore as ib


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
