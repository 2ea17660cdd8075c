import warnings

import numpy as np
import pytest
from scipy.special import logsumexp

import ibcore as ib
from ibcore import classification as cl


@pytest.fixture
def sep():
    return ib.data.separable(30, 3, margin=0.2, seed=4)


def test_separable_data_are_separated_by_w_star(sep):
    assert np.all(sep.y * (sep.X @ sep.w_star) >= 0.2)
    assert np.isclose(np.linalg.norm(sep.w_star), 1.0)


@pytest.mark.parametrize("kind", ["exponential", "logistic"])
def test_gradient_matches_finite_differences(sep, kind):
    loss = cl.classification_loss(sep.X, sep.y, kind)
    w = np.array([0.3, -0.2, 0.5])
    h = 1e-6
    fd = np.array([(loss.value(w + h * e) - loss.value(w - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(loss.grad(w), fd, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(loss.grad(w, log_scale=3.0), np.exp(3.0) * loss.grad(w), rtol=1e-12)


@pytest.mark.parametrize("kind", ["exponential", "logistic"])
def test_log_value_stays_finite_at_huge_margins(sep, kind):
    loss = cl.classification_loss(sep.X, sep.y, kind)
    w = 1e6 * sep.w_star
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lv = loss.log_value(w)
        g = loss.grad(w, log_scale=float(loss.margins(w).min()))
    assert np.isfinite(lv) and lv < -1e5
    assert lv == pytest.approx(logsumexp(-loss.margins(w)) - np.log(loss.n), rel=1e-12)
    assert np.all(np.isfinite(g)) and np.linalg.norm(g) > 0


def test_margin_sandwich(sep):
    loss = cl.classification_loss(sep.X, sep.y, "exponential")
    for scale in (1.0, 10.0, 100.0):
        w = scale * sep.w_star
        gm, sm = cl.normalized_margin(loss, w), cl.smooth_margin(loss, w)
        assert gm - np.log(loss.n) / np.linalg.norm(w) <= sm + 1e-12 <= gm + 2e-12


def test_max_margin_direction_and_dual(sep):
    direction, w_hat, alpha = ib.programs.max_margin(sep.X, sep.y, return_dual=True)
    margins = sep.y * (sep.X @ w_hat)
    assert margins.min() == pytest.approx(1.0, abs=1e-7)
    np.testing.assert_allclose(w_hat, (alpha * sep.y) @ sep.X, atol=1e-6)  # w = sum alpha_i y_i x_i
    assert np.all(alpha >= -1e-9) and np.linalg.norm(direction) == pytest.approx(1.0)
    l1 = ib.programs.max_margin(sep.X, sep.y, p=1)
    assert np.abs(l1).sum() == pytest.approx(1.0)


def test_log_time_flow_reaches_huge_times_without_underflow(sep):
    loss = cl.classification_loss(sep.X, sep.y, "logistic")
    run = cl.log_time_flow(loss, np.zeros(3), np.geomspace(1, 1e20, 21))
    assert np.all(np.isfinite(run.iterates)) and np.all(np.isfinite(run.log_losses))
    assert run.log_losses[-1] < -40  # L itself ~ 1e-20 here; at larger t it underflows, its log does not
    assert np.all(np.diff(run.log_losses) < 0)


def test_non_separable_data_are_rejected_by_the_svm():
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0]])
    y = np.array([1.0, 1.0, -1.0])
    with pytest.raises(ib.SolverError, match="infeasible"):
        ib.programs.max_margin(X, y)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: cl.classification_loss(d.X, d.y * 2),
        lambda d: cl.classification_loss(d.X, d.y, "hinge"),
        lambda d: ib.programs.max_margin(d.X, d.y, p=3),
        lambda d: ib.programs.max_margin(d.X, d.y, p=1, return_dual=True),
        lambda d: cl.log_time_flow(cl.classification_loss(d.X, d.y), np.zeros(3), [0.5, 2.0]),
        lambda d: cl.normalized_margin(cl.classification_loss(d.X, d.y), np.zeros(4)),
        lambda d: ib.data.separable(0, 3),
    ],
    ids=["labels-not-plus-or-minus-one", "unknown-loss-hinge", "max-margin-p-3", "max-margin-dual-for-p-1",
         "log-time-before-1", "margin-w-wrong-length", "separable-n-zero"],
)
def test_bad_input(sep, call):
    with pytest.raises(ib.InputError):
        call(sep)


def test_log_time_flow_on_a_parameterised_model(sep):
    loss = cl.classification_loss(sep.X, sep.y, "exponential")
    param = ib.parametrizations.signed_square(3)
    run = cl.log_time_flow(loss, param.init(0.5), [1.0, 1e6], param=param)
    assert run.iterates.shape == (2, 6)
    assert run.log_losses[-1] == pytest.approx(loss.log_value(param.theta(run.iterates[-1])))
    with pytest.raises(ib.InputError):
        cl.log_time_flow(loss, np.ones(4), [1.0, 2.0], param=ib.parametrizations.signed_square(2))
