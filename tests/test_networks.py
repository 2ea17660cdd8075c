"""ibcore.networks: the infinite-width kernel, the ReLU network, its loss, the 1-D helpers."""

import numpy as np
import pytest

import ibcore as ib
from ibcore.errors import InputError

nw = ib.networks


def _points(k, d=3, seed=0):
    return np.random.default_rng(seed).standard_normal((k, d))


def test_ntk_diagonal_is_squared_norm_and_orthogonal_pairs_are_one_over_two_pi():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]])
    K = nw.relu_ntk(X, X)
    assert np.allclose(np.diag(K), [1.0, 4.0, 9.0], rtol=1e-14)
    assert K[0, 1] == pytest.approx(2.0 / (2 * np.pi), rel=1e-14)  # t = pi/2: |x||x'| / (2 pi)
    assert K[0, 2] == pytest.approx(0.0, abs=1e-15)                 # t = pi: both terms vanish


def test_ntk_is_symmetric_positive_semidefinite_and_homogeneous():
    X = _points(7)
    K = nw.relu_ntk(X, X)
    assert np.allclose(K, K.T, atol=1e-15)
    assert np.linalg.eigvalsh(K)[0] > -1e-12
    assert np.allclose(nw.relu_ntk(3 * X, X), 3 * K, rtol=1e-13)


def test_ntk_zero_rows_give_zero_not_nan():
    X = np.vstack([_points(2), np.zeros(3)])
    K = nw.relu_ntk(X, X)
    assert np.all(np.isfinite(K)) and np.all(K[2] == 0) and np.all(K[:, 2] == 0)


def test_ntk_parallel_pairs_are_accurate():
    """Kahan's angle keeps K(x, 2x) = 2|x|^2 to rounding, where arccos would lose 8 digits."""
    x = _points(1)
    assert nw.relu_ntk(x, 2 * x)[0, 0] == pytest.approx(2 * float(x[0] @ x[0]), rel=1e-14)


@pytest.mark.parametrize("X1, X2, match", [
    (np.ones((2, 3)), np.ones((2, 2)), "same number of columns"),
    (np.ones(3), np.ones((2, 3)), "X1"),
    (np.array([[np.nan, 1.0]]), np.ones((1, 2)), "X1"),
], ids=["columns", "one-d", "nan"])
def test_ntk_rejects_bad_inputs(X1, X2, match):
    with pytest.raises(InputError, match=match):
        nw.relu_ntk(X1, X2)


def test_network_starts_at_zero_exactly_with_its_kernel_near_the_limit():
    X = _points(5)
    net = nw.relu_network(X, 20_000, seed=3)
    w0 = net.init()
    assert np.all(net.predict(w0) == 0.0) and np.all(net.predict(w0, _points(4, seed=1)) == 0.0)
    K = net.tangent_kernel(w0)
    assert np.linalg.norm(K - nw.relu_ntk(X, X)) / np.linalg.norm(nw.relu_ntk(X, X)) < 0.05


def test_jacobian_matches_central_differences():
    X = _points(4)
    net = nw.relu_network(X, 6, seed=1)
    w = net.init() + 0.1 * np.random.default_rng(2).standard_normal(net.p)
    h = 1e-6
    fd = np.column_stack([(net.predict(w + h * e) - net.predict(w - h * e)) / (2 * h) for e in np.eye(net.p)])
    assert np.allclose(net.jacobian(w), fd, atol=1e-8)


@pytest.mark.parametrize("alpha", [1.0, 7.0], ids=["plain", "scaled"])
def test_loss_gradient_and_hessian_match_finite_differences(alpha):
    X, y = _points(5), np.random.default_rng(4).standard_normal(5)
    net = nw.relu_network(X, 6, seed=1, scaling="mean_field")
    loss = nw.network_loss(net, y, alpha=alpha)
    w = net.init() + 0.1 * np.random.default_rng(5).standard_normal(net.p)
    h = 1e-6
    E = np.eye(net.p)
    fd_g = np.array([(loss.value(w + h * e) - loss.value(w - h * e)) / (2 * h) for e in E])
    fd_H = np.array([(loss.grad(w + h * e) - loss.grad(w - h * e)) / (2 * h) for e in E])
    assert np.allclose(loss.grad(w), fd_g, atol=1e-9)
    assert np.allclose(loss.hessian(w), fd_H, atol=1e-8)
    assert np.allclose(loss.grad(w), net.jacobian(w).T @ loss.residual(w) / (5 * alpha), atol=1e-15)
    assert np.allclose(loss.batch_grad(w, np.arange(5)), loss.grad(w), atol=1e-15)


def test_mean_field_is_ntk_scaled_by_sqrt_width():
    X = _points(3)
    ntk, mf = nw.relu_network(X, 8, seed=2), nw.relu_network(X, 8, seed=2, scaling="mean_field")
    w = ntk.init() + 0.2
    assert np.allclose(ntk.predict(w), np.sqrt(8) * mf.predict(w), rtol=1e-14)


@pytest.mark.parametrize("kwargs, match", [
    ({"width": 3}, "even"),
    ({"width": 0}, "width"),
    ({"width": 4, "scaling": "wide"}, "scaling"),
    ({"width": 4, "scale": 0.0}, "scale"),
    ({"width": 4, "seed": -1}, "seed"),
], ids=["odd", "zero", "scaling", "scale", "seed"])
def test_network_rejects_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        nw.relu_network(_points(3), **kwargs)


def test_network_rejects_parameters_and_inputs_of_the_wrong_shape():
    net = nw.relu_network(_points(3), 4)
    with pytest.raises(InputError, match="shape"):
        net.predict(np.zeros(5))
    with pytest.raises(InputError, match="columns"):
        net.predict(net.init(), np.ones((2, 2)))
    with pytest.raises(InputError, match="ReluNetwork"):
        nw.network_loss(ib.lazy.diagonal_model(np.eye(2)), [1.0, 2.0])
    with pytest.raises(InputError, match="rows"):
        nw.network_loss(net, [1.0])


def test_kernel_interpolant_interpolates_and_rejects_singular_kernels():
    X, y = _points(6), np.arange(6.0)
    K = nw.relu_ntk(X, X)
    assert np.allclose(nw.kernel_interpolant(K, K, y), y, atol=1e-10)
    with pytest.raises(InputError, match="positive definite"):
        nw.kernel_interpolant(np.ones((2, 2)), np.ones((1, 2)), [1.0, 2.0])
    with pytest.raises(InputError, match="K_train"):
        nw.kernel_interpolant(K, np.ones((1, 5)), y)


def test_slope_variation_of_a_known_network():
    X = np.column_stack([np.linspace(-1, 1, 3), np.ones(3)])
    net = nw.relu_network(X, 4, seed=0)
    # sqrt(4) f = relu(x) - 2 relu(x - 1/2) + 0 + 0: slope jumps +1 at 0, -2 at 1/2
    w = np.array([1.0, -2.0, 0.0, 0.0, 1.0, 0.0, 1.0, -0.5, 1.0, 5.0, 1.0, 5.0])
    assert nw.slope_variation(net, w, -1.0, 1.0) * 2 == pytest.approx(3.0, rel=1e-14)
    assert nw.slope_variation(net, w, 0.25, 1.0, factor=2.0) * 2 == pytest.approx(4.0, rel=1e-14)
    with pytest.raises(InputError, match="lo < hi"):
        nw.slope_variation(net, w, 1.0, 0.0)
    with pytest.raises(InputError, match="two columns"):
        nw.slope_variation(nw.relu_network(_points(3), 4), np.zeros(16), 0.0, 1.0)


def test_slope_variation_program_finds_the_piecewise_linear_interpolant():
    x = np.array([-1.0, -0.3, 0.2, 0.9])
    y = np.array([0.5, -0.5, 0.4, -0.2])
    sol = ib.programs.min_slope_variation_program(x, y, np.union1d(np.linspace(-0.95, 0.85, 19), x[1:-1]))
    secants = np.diff(y) / np.diff(x)
    assert sol.variation == pytest.approx(np.sum(np.abs(np.diff(secants))), rel=1e-9)
    grid = np.linspace(-1, 0.9, 50)
    assert np.allclose(sol(grid), np.interp(grid, x, y), atol=1e-9)


@pytest.mark.parametrize("x, y, knots, match", [
    ([0.0, 1.0], [0.0, 1.0], [0.5], "at least 3"),
    ([0.0, 2.0, 1.0], [0.0, 1.0, 0.0], [0.5], "increasing"),
    ([0.0, 1.0, 2.0], [0.0, 1.0, 0.0], [2.5], "inside"),
    ([0.0, 1.0, 2.0], [0.0, 1.0], [1.0], "y"),
], ids=["too-few", "unsorted", "knot-outside", "labels"])
def test_slope_variation_program_rejects_bad_inputs(x, y, knots, match):
    with pytest.raises(InputError, match=match):
        ib.programs.min_slope_variation_program(x, y, knots)
