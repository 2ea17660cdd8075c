"""Property-based tests: the public API on random shapes, dtypes and magnitudes gives a finite answer of the
right shape or a named ibcore error — never NaN, inf, a raw numpy/scipy/cvxpy exception or a hang."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ibcore as ib

MAGNITUDES = st.sampled_from([0.0, 1e-300, 1e-160, 1e-8, 1.0, 1e8, 1e150, 1e300])
# derandomize: the same examples in every run, so CI never fails on a draw a local run did not see
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    elements = st.floats(-1.0, 1.0, allow_nan=False, width=32) if dtype != np.int64 else st.integers(-3, 3)
    X = draw(arrays(dtype, (n, d), elements=elements))
    magnitude = draw(MAGNITUDES)
    if magnitude != 1.0:  # scaled in float64 (a float32 array cannot hold 1e300); other dtypes at magnitude 1
        X = X.astype(np.float64) * magnitude
    y = draw(arrays(np.float64, (n,), elements=st.floats(-1.0, 1.0))) * draw(MAGNITUDES)
    return X, y


def _finite_or_named(call):
    """Run ``call``: it returns finite arrays or raises an IbcoreError; anything else fails the property."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (overflow, invalid) is a silent failure too
        try:
            out = call()
        except ib.IbcoreError as exc:
            assert str(exc), "a named error must say what went wrong"
            return None
    for value in out if isinstance(out, tuple) else (out,):
        assert np.all(np.isfinite(np.asarray(value, dtype=np.float64))), f"non-finite output {value!r}"
    return out


@SETTINGS
@given(problems())
def test_square_loss_value_and_gradient(problem):
    X, y = problem

    def call():
        loss = ib.losses.square_loss(X, y)
        theta = np.ones(loss.d)
        return loss.value(theta), loss.grad(theta), loss.smoothness

    _finite_or_named(call)


@SETTINGS
@given(problems(), st.floats(1e-3, 3.0))
def test_gradient_descent_a_few_steps(problem, relative_step):
    X, y = problem

    def call():
        loss = ib.losses.square_loss(X, y)
        step = relative_step / loss.smoothness if loss.smoothness > 0 else relative_step
        return ib.algorithms.gradient_descent(loss, np.zeros(loss.d), step=step, tol=None, max_iter=50).final

    _finite_or_named(call)


@SETTINGS
@given(problems())
def test_least_squares_limit_solves_the_normal_equations(problem):
    X, y = problem
    theta = _finite_or_named(lambda: ib.limits.least_squares_limit(X, y))
    Xf = np.asarray(X, dtype=np.float64)
    if theta is not None and 1e-100 < np.abs(Xf).max() < 1e100 and np.abs(y).max() < 1e100:
        scale = np.abs(Xf).sum() * (np.abs(Xf).sum() * np.abs(theta).max() + np.abs(y).max())
        assert np.abs(Xf.T @ (Xf @ theta - y)).max() <= 1e-6 * scale


@SETTINGS
@given(st.integers(1, 5), st.sampled_from(["identity", "square", "product", "signed_square", "log_ratio"]),
       MAGNITUDES, st.booleans())
def test_parameterisation_init_and_map(d, kind, alpha, with_theta0):
    param = getattr(ib.parametrizations, kind)(d)
    theta0 = np.linspace(-1, 1, d) if with_theta0 and kind not in ("square",) else None

    def call():
        w0 = param.init(alpha, theta0)
        return w0, param.theta(w0), param.metric(w0)

    out = _finite_or_named(call)
    if out is not None and theta0 is not None and kind in ("identity", "signed_square", "product"):
        np.testing.assert_allclose(out[1], theta0, atol=1e-12 * (1 + min(alpha, 1e100) ** 2))


@SETTINGS
@given(arrays(np.float64, st.integers(1, 5), elements=st.floats(-1.0, 1.0)), MAGNITUDES,
       st.sampled_from([1e-12, 1e-3, 1.0, 1e4]))
def test_hyperbolic_entropy_round_trip(theta, magnitude, gamma):
    psi = ib.potentials.HyperbolicEntropy(gamma=gamma, weight=0.25)
    t = theta * magnitude
    out = _finite_or_named(lambda: (psi.grad(t), psi.value(t), psi.hess_inv(t)))
    if out is not None:
        back = _finite_or_named(lambda: psi.grad_inv(out[0]))
        if back is not None:
            np.testing.assert_allclose(back, t, rtol=1e-9, atol=1e-300)


@SETTINGS
@given(st.integers(1, 30), st.integers(1, 6), st.floats(0.0, 20.0))
def test_separable_always_returns_separable_data(n, d, margin):
    sample = _finite_or_named(lambda: ib.data.separable(n, d, margin=margin, seed=0).X)
    if sample is not None:
        assert sample.shape == (n, d)


@pytest.mark.parametrize("shape", [(3,), (3, 1), (1, 3), (2, 2, 2)], ids=["vector", "column", "row", "cube"])
def test_shapes_are_checked_before_broadcasting(shape):
    loss = ib.losses.square_loss(np.eye(3), np.ones(3))
    if shape == (3,):
        assert loss.grad(np.zeros(shape)).shape == (3,)
    else:
        with pytest.raises(ib.InputError, match="vector of length"):
            loss.grad(np.zeros(shape))
