"""The Loss, Potential and Parametrization protocols: every algorithm on every kind of loss."""

import numpy as np
import pytest

import ibcore as ib
from ibcore import algorithms as alg
from ibcore import parametrizations as par


def _losses():
    reg = ib.data.regression(12, 6, seed=3)
    cls = ib.data.separable(12, 6, margin=0.2, seed=3)
    square = ib.losses.square_loss(reg.X, reg.y)
    logistic = ib.classification.classification_loss(cls.X, cls.y, "logistic")
    exponential = ib.classification.classification_loss(cls.X, cls.y, "exponential")
    return {
        "square": square,
        "signed-square-model-of-square": par.reparametrized(square, par.signed_square(6)),
        "log-ratio-model-of-square": par.reparametrized(square, par.log_ratio(6)),
        "logistic": logistic,
        "exponential": exponential,
        "product-model-of-logistic": par.reparametrized(logistic, par.product(6)),
    }


LOSSES = _losses()


def _start(loss):
    if isinstance(loss, par.ReparametrizedLoss):
        return loss.param.init(0.5)
    return np.zeros(loss.d)


def _step(loss, w0):
    curvature = float(np.linalg.eigvalsh(loss.hessian(w0))[-1])
    return 0.2 / max(curvature, 1e-3)


def _potential(loss):
    return ib.potentials.HyperbolicEntropy(gamma=1.0, weight=0.5)


METHODS = {
    "gradient-descent": lambda F, w0, s: alg.gradient_descent(F, w0, step=s, tol=None, max_iter=10),
    "preconditioned-gd": lambda F, w0, s: alg.preconditioned_gd(F, w0, step=s, preconditioner=np.full(F.d, 0.5),
                                                                tol=None, max_iter=10),
    "sgd": lambda F, w0, s: alg.sgd(F, w0, step=s, batch_size=4, tol=None, max_iter=10, seed=1),
    "heavy-ball": lambda F, w0, s: alg.heavy_ball(F, w0, step=s, momentum=0.5, tol=None, max_iter=10),
    "nesterov": lambda F, w0, s: alg.nesterov(F, w0, step=s, momentum=0.5, tol=None, max_iter=10),
    "adagrad": lambda F, w0, s: alg.adagrad(F, w0, step=0.05, tol=None, max_iter=10),
    "proximal-gradient": lambda F, w0, s: alg.proximal_gradient(F, w0, step=s, l1=1e-3, tol=None, max_iter=10),
    "gradient-flow": lambda F, w0, s: alg.gradient_flow(F, w0, [0.0, 10 * s], rtol=1e-8),
    "mirror-descent": lambda F, w0, s: alg.mirror_descent(F, _potential(F), w0, step=s, tol=None, max_iter=10),
    "mirror-flow": lambda F, w0, s: alg.mirror_flow(F, _potential(F), w0, [0.0, 10 * s], rtol=1e-8),
}


@pytest.mark.parametrize("loss_name", list(LOSSES), ids=list(LOSSES))
@pytest.mark.parametrize("method", list(METHODS), ids=list(METHODS))
def test_every_algorithm_runs_on_every_loss(method, loss_name):
    F = LOSSES[loss_name]
    w0 = _start(F)
    run = METHODS[method](F, w0, _step(F, w0))
    assert isinstance(run, ib.Trajectory)
    assert run.final.shape == (F.d,)
    assert np.all(np.isfinite(run.iterates)) and np.all(np.isfinite(run.losses))
    assert not run.final.flags.writeable
    # a small step of a descent method on a smooth loss decreases it
    assert F.value(run.final) < F.value(w0)


@pytest.mark.parametrize("loss_name", list(LOSSES), ids=list(LOSSES))
def test_first_gd_step_uses_the_loss_gradient(loss_name):
    F = LOSSES[loss_name]
    w0 = _start(F)
    run = alg.gradient_descent(F, w0, step=0.01, tol=None, max_iter=1)
    np.testing.assert_allclose(run.final, w0 - 0.01 * F.grad(w0), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("loss_name", list(LOSSES), ids=list(LOSSES))
def test_hessian_and_batch_gradient_match_finite_differences(loss_name):
    F = LOSSES[loss_name]
    w = _start(F) + 0.1 * np.random.default_rng(0).standard_normal(F.d)
    if isinstance(F, par.ReparametrizedLoss) and F.param.kind == "log_ratio":
        w = np.abs(w) + 0.1
    h = 1e-6
    fd = np.array([(F.grad(w + h * e) - F.grad(w - h * e)) / (2 * h) for e in np.eye(F.d)])
    np.testing.assert_allclose(F.hessian(w), fd, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(F.batch_grad(w, np.arange(F.n)), F.grad(w), rtol=1e-12, atol=1e-15)


def test_parameter_flow_is_the_one_method_that_needs_a_square_loss_model():
    with pytest.raises(ib.InputError, match="square loss"):
        alg.parameter_flow(LOSSES["logistic"], np.zeros(6), [0.0, 1.0])
    run = alg.parameter_flow(LOSSES["signed-square-model-of-square"], par.signed_square(6).init(0.5), [0.0, 1.0])
    assert np.all(np.isfinite(run.predictors))


@pytest.mark.parametrize("bad", [np.eye(3), "loss", None], ids=["an-array", "a-string", "none"])
def test_algorithms_name_a_non_loss(bad):
    with pytest.raises(ib.InputError, match=r"takes an ibcore\.losses\.Loss"):
        alg.gradient_descent(bad, np.zeros(3), step=0.1)


def test_every_loss_and_potential_is_an_instance_of_its_protocol():
    assert all(isinstance(F, ib.losses.Loss) for F in LOSSES.values())
    potentials = [ib.potentials.Euclidean(1.0), ib.potentials.NegativeEntropy(0.25),
                  ib.potentials.HyperbolicEntropy(1.0), ib.potentials.LogCosh(1.0, 2.0),
                  ib.potentials.DeepDiagonal(3, 1.0, 1.0)]
    assert all(isinstance(p, ib.potentials.Potential) for p in potentials)
    with pytest.raises(ib.InputError, match="inverse mirror map only"):
        ib.potentials.DeepDiagonal(3, 1.0, 1.0).value(np.zeros(2))


@pytest.mark.parametrize(
    "param", [par.identity(3), par.square(3), par.product(3), par.signed_square(3), par.power(3, 3),
              par.log_ratio(3)], ids=["identity", "square", "product", "signed-square", "power-3", "log-ratio"])
def test_each_parameterisation_is_its_own_class(param):
    assert isinstance(param, par.Parametrization) and type(param) is not par.Parametrization
    assert type(param).kind == param.kind
    w0 = param.init(0.7)
    assert param.theta(w0).shape == (3,) and param.p == (3 if param.kind in ("identity", "square") else 6)
