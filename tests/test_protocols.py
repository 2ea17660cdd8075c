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


def _records():
    reg = ib.data.regression(6, 4, seed=0)
    loss = ib.losses.square_loss(reg.X, reg.y)
    S = par.signed_square(4)
    sensing = ib.data.matrix_sensing(4, 6, 1, seed=0)
    cls = ib.data.separable(8, 3, seed=0)
    return {
        "trajectory": alg.gradient_descent(loss, np.zeros(4), step=0.1, tol=None, max_iter=5),
        "parameter-flow": alg.parameter_flow(par.reparametrized(loss, S), S.init(1.0), [0.0, 1.0]),
        "regularized-run": ib.regularized.regularized_flow(loss, S, S.init(1.0), ib.schedules.constant(0.1),
                                                           [0.0, 1.0]),
        "sensing-run": ib.sensing.factored_gd(sensing, 0.1 * np.eye(4), ib.schedules.constant(0.0), step=0.05,
                                              n_steps=5),
        "lazy-run": ib.lazy.lazy_training(ib.lazy.diagonal_model(reg.X), reg.y, 10.0, [0.0, 1.0]),
        "log-time-run": ib.classification.log_time_flow(ib.classification.classification_loss(cls.X, cls.y),
                                                        np.zeros(3), [1.0, 10.0]),
        "mirror-limit": ib.limits.q_alpha_solution(reg.X, reg.y, 1.0),
        "spectrum": ib.limits.spectrum(reg.X, reg.y),
        "solution": ib.programs.min_norm_program(reg.X, reg.y, p=1),
        "order-test": ib.regularized.order_test(S, S.init(1.0), np.ones(4), 0.1),
    }


RECORDS = ["trajectory", "parameter-flow", "regularized-run", "sensing-run", "lazy-run", "log-time-run",
           "mirror-limit", "spectrum", "solution", "order-test"]


@pytest.mark.parametrize("name", RECORDS, ids=RECORDS)
def test_result_records_are_read_only(name):
    record = _records()[name]
    assert isinstance(record, ib.records.Record)
    arrays = {k: v for k, v in vars(record).items() if isinstance(v, np.ndarray)}
    assert arrays, f"{name} holds no array"
    for field, value in arrays.items():
        assert not value.flags.writeable, f"{name}.{field} is writeable"
        with pytest.raises(ValueError, match="read-only"):
            value[...] = 0.0


def test_run_records_share_the_naming_scheme():
    records = _records()
    for name in ("trajectory", "parameter-flow", "regularized-run", "lazy-run", "log-time-run"):
        assert hasattr(records[name], "times") and hasattr(records[name], "iterates"), name
    for name in ("trajectory", "parameter-flow", "regularized-run", "sensing-run"):
        assert hasattr(records[name], "final") and hasattr(records[name], "final_predictor"), name
        assert hasattr(records[name], "losses") and hasattr(records[name], "converged"), name
    np.testing.assert_array_equal(records["parameter-flow"].final_predictor, records["parameter-flow"].predictors[-1])
    np.testing.assert_array_equal(records["regularized-run"].final, records["regularized-run"].iterates[-1])
