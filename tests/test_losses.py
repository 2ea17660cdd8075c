import numpy as np
import pytest

import ibcore as ib


def test_value_and_gradient_match_definition_and_finite_differences(under, theta0):
    loss = ib.losses.square_loss(under.X, under.y)
    r = under.X @ theta0 - under.y
    assert np.isclose(loss.value(theta0), r @ r / (2 * under.n))
    h = 1e-6
    fd = np.array([(loss.value(theta0 + h * e) - loss.value(theta0 - h * e)) / (2 * h) for e in np.eye(under.d)])
    np.testing.assert_allclose(loss.grad(theta0), fd, rtol=1e-6, atol=1e-8)


def test_full_batch_gradient_equals_gradient(under, theta0):
    loss = ib.losses.square_loss(under.X, under.y)
    np.testing.assert_allclose(loss.batch_grad(theta0, np.arange(under.n)), loss.grad(theta0))


def test_smoothness_is_top_eigenvalue_of_covariance(under):
    loss = ib.losses.square_loss(under.X, under.y)
    assert np.isclose(loss.smoothness, np.linalg.eigvalsh(under.X.T @ under.X / under.n).max())


@pytest.mark.parametrize(
    ("X", "y"),
    [
        pytest.param(np.ones(3), np.ones(3), id="X-not-2d"),
        pytest.param(np.ones((3, 2)), np.ones(4), id="length-mismatch"),
        pytest.param(np.ones((3, 2)), np.ones((3, 1)), id="y-not-1d"),
        pytest.param(np.array([[1.0, np.nan]]), np.ones(1), id="nan-in-X"),
        pytest.param(np.array([[1.0, 2.0]]), np.array([np.inf]), id="inf-in-y"),
        pytest.param(np.ones((0, 2)), np.ones(0), id="empty"),
        pytest.param([["a", "b"]], [1.0], id="X-not-numeric"),
    ],
)
def test_bad_data_raises(X, y):
    with pytest.raises(ib.InputError):
        ib.losses.square_loss(X, y)


def test_bad_theta_raises(under):
    loss = ib.losses.square_loss(under.X, under.y)
    with pytest.raises(ib.InputError, match="length"):
        loss.check_theta(np.zeros(under.d + 1))
