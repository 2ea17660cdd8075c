import numpy as np
import pytest

import ibcore as ib
from ibcore import parametrizations as par

KINDS = [par.identity(4), par.square(4), par.product(4), par.signed_square(4), par.power(4, 3), par.log_ratio(4)]


@pytest.mark.parametrize("param", KINDS, ids=lambda p: p.kind)
def test_jacobian_products_match_finite_differences(param):
    rng = np.random.default_rng(0)
    w, dw, g = rng.uniform(0.3, 1.2, param.p), rng.standard_normal(param.p), rng.standard_normal(param.d)
    h = 1e-6
    fd = (param.theta(w + h * dw) - param.theta(w - h * dw)) / (2 * h)
    np.testing.assert_allclose(param.jvp(w, dw), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(param.jacobian(w) @ dw, param.jvp(w, dw), atol=1e-12)
    np.testing.assert_allclose(param.vjp(w, g), param.jacobian(w).T @ g, atol=1e-12)


@pytest.mark.parametrize("param", KINDS, ids=lambda p: p.kind)
def test_hessian_matches_finite_differences(param):
    data = ib.data.regression(3, 4, seed=1)
    F = par.reparametrized(ib.losses.square_loss(data.X, data.y), param)
    w = np.random.default_rng(2).uniform(0.3, 1.2, param.p)
    h = 1e-5
    fd = np.array([(F.grad(w + h * e) - F.grad(w - h * e)) / (2 * h) for e in np.eye(param.p)])
    np.testing.assert_allclose(F.hessian(w), fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("alpha", [1e-12, 1e-6, 0.5, 1e3])
def test_signed_square_init_hits_theta0_and_the_scale(alpha):
    p = par.signed_square(5)
    theta0 = np.array([0.0, -0.7, 2.0, 1e-30, -3.0])
    w0 = p.init(alpha, theta0)
    u, v = p.split(w0)
    np.testing.assert_allclose(p.theta(w0), theta0, atol=1e-15 + 1e-12 * np.abs(theta0).max() * (alpha > 100))
    np.testing.assert_allclose(u * v, alpha**2, rtol=1e-12)
    pot = p.mirror_potential(w0)
    np.testing.assert_allclose(pot.gamma, 2 * alpha**2, rtol=1e-12)


def test_product_init_and_potential():
    p = par.product(3)
    w0 = p.init(0.5, np.array([0.1, -0.2, 0.0]))
    u, v = p.split(w0)
    np.testing.assert_allclose(u * u - v * v, 2 * 0.25)
    np.testing.assert_allclose(p.theta(w0), [0.1, -0.2, 0.0], atol=1e-15)
    np.testing.assert_allclose(p.mirror_potential(w0).gamma, 0.25)
    np.testing.assert_allclose(p.init(1.0), np.concatenate([np.full(3, np.sqrt(2)), np.zeros(3)]))


def test_conserved_quantities_on_whole_trajectories():
    p = par.signed_square(2)
    traj = np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 1.0, 1.5, 2.0]])
    np.testing.assert_allclose(p.conserved(traj), [[3.0, 8.0], [0.75, 2.0]])
    np.testing.assert_allclose(par.product(2).conserved(traj), [[-8.0, -12.0], [-2.0, -3.0]])


@pytest.mark.parametrize(
    "call",
    [
        lambda: par.power(3, 1),
        lambda: par.signed_square(0),
        lambda: par.signed_square(3).theta(np.ones(5)),
        lambda: par.signed_square(3).init(0.0),
        lambda: par.signed_square(3).init(-1.0),
        lambda: par.square(3).init(1.0, np.ones(3)),
        lambda: par.signed_square(3).mirror_potential(np.concatenate([np.ones(3), [1.0, 0.0, 1.0]])),
        lambda: par.product(3).mirror_potential(np.ones(6)),
        lambda: par.power(3, 3).mirror_potential(-np.ones(6)),
        lambda: par.power(3, 2).mirror_potential(np.ones(6)),
        lambda: par.log_ratio(3).theta(np.zeros(6)),
        lambda: par.log_ratio(3).vjp(-np.ones(6), np.ones(3)),
        lambda: par.identity(3).conserved(np.ones(3)),
        lambda: par.reparametrized(ib.losses.square_loss(np.ones((2, 4)), np.ones(2)), par.signed_square(3)),
    ],
    ids=["power-k-1", "signed-square-d-zero", "theta-of-wrong-length-w", "init-alpha-zero", "init-alpha-negative",
         "square-init-with-theta0", "signed-square-potential-v0-zero", "product-potential-balanced-start",
         "power-potential-negative-start", "power-k-2-potential", "log-ratio-theta-at-zero",
         "log-ratio-vjp-negative-w", "identity-has-no-conserved-quantity", "reparametrized-dimension-mismatch"],
)
def test_bad_input(call):
    with pytest.raises(ib.InputError):
        call()


@pytest.mark.parametrize("param", KINDS, ids=lambda p: p.kind)
def test_metric_is_the_diagonal_of_dg_dg_transpose(param):
    w = np.abs(np.random.default_rng(3).standard_normal(param.p)) + 0.2
    J = param.jacobian(w)
    np.testing.assert_allclose(param.metric(w), np.diag(J @ J.T), rtol=1e-13)


@pytest.mark.parametrize("param", [k for k in KINDS if k.sign_preserving], ids=lambda p: p.kind)
def test_theta_displaced_is_theta_of_the_displaced_parameters(param):
    rng = np.random.default_rng(4)
    w0 = np.abs(rng.standard_normal(param.p)) + 0.3
    s = 0.5 * rng.standard_normal(param.p)
    np.testing.assert_allclose(param.theta_displaced(w0, s), param.theta(w0 * np.exp(s)), rtol=1e-12, atol=1e-14)


def test_theta_displaced_keeps_digits_at_a_large_initialisation():
    S = par.signed_square(1)
    w0 = S.init(100.0)  # theta = u^2 - v^2 is a difference of two numbers of size 1e4
    s = np.array([1e-12, -1e-12])
    exact = 1e4 * (np.expm1(2e-12) - np.expm1(-2e-12))  # 4e-8, to full precision
    assert S.theta_displaced(w0, s)[0] == pytest.approx(exact, rel=1e-12)


def test_theta_displaced_refuses_sign_changing_parameterisations():
    with pytest.raises(ib.InputError, match="does not preserve"):
        par.product(4).theta_displaced(np.ones(8), np.zeros(8))
