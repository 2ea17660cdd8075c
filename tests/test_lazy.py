import numpy as np
import pytest

import ibcore as ib


@pytest.fixture
def small():
    return ib.data.regression(6, 8, seed=9)


@pytest.mark.parametrize("make", [lambda X: ib.lazy.diagonal_model(X), lambda X: ib.lazy.two_layer_network(X, 12),
                                  lambda X: ib.lazy.two_layer_network(X, 9, doubling=False)],
                         ids=["diagonal-model", "two-layer-width-12-doubled", "two-layer-width-9-not-doubled"])
def test_models_start_at_zero_and_have_correct_jacobians(small, make):
    model = make(small.X)
    w0 = model.init()
    assert np.abs(model.predict(w0)).max() < 1e-14
    w = w0 + 0.1 * np.random.default_rng(0).standard_normal(w0.size)
    e = np.random.default_rng(1).standard_normal(w0.size)
    h = 1e-6
    fd = (model.predict(w + h * e) - model.predict(w - h * e)) / (2 * h)
    np.testing.assert_allclose(model.jacobian(w) @ e, fd, atol=1e-8)


def test_diagonal_ntk_features(small):
    J0 = ib.lazy.diagonal_model(small.X).jacobian(np.ones(2 * small.d))
    np.testing.assert_allclose(J0, 2 * np.hstack([small.X, -small.X]))


def test_lazy_rates(small):
    model = ib.lazy.two_layer_network(small.X, 16, seed=2)
    alphas = np.array([20.0, 200.0])
    runs = [ib.lazy.lazy_training(model, small.y, a, np.linspace(0, 5, 51)) for a in alphas]
    disp = [r.sup_displacement for r in runs]
    gap = [r.sup_parameter_gap for r in runs]
    assert np.log(disp[0] / disp[1]) / np.log(10) == pytest.approx(1.0, abs=0.02)
    assert np.log(gap[0] / gap[1]) / np.log(10) == pytest.approx(2.0, abs=0.05)


def test_bad_input(small):
    with pytest.raises(ib.InputError):
        ib.lazy.two_layer_network(small.X, 7)
    with pytest.raises(ib.InputError):
        ib.lazy.lazy_training(ib.lazy.diagonal_model(small.X), small.y, -1.0, [0.0, 1.0])
    with pytest.raises(ib.InputError):
        ib.lazy.lazy_training(ib.lazy.diagonal_model(small.X), small.y, 1.0, [0.5, 1.0])


def test_centred_network_starts_at_zero_and_accepts_odd_width(small):
    model = ib.lazy.two_layer_network(small.X, 7, seed=3, doubling=False)
    assert np.abs(model.predict(model.init())).max() < 1e-14
    w = model.init() + 0.05
    h = 1e-6
    e = np.ones_like(w)
    np.testing.assert_allclose(model.jacobian(w) @ e, (model.predict(w + h * e) - model.predict(w - h * e)) / (2 * h),
                               atol=1e-8)
