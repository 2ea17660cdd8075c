import numpy as np
import pytest
from scipy.integrate import quad

import ibcore as ib
from ibcore import schedules as S


@pytest.mark.parametrize("sched", [S.constant(0.3), S.switched_off(0.7, 2.0), S.linear(1.2, 3.0),
                                   S.cosine(0.9, 1.5)], ids=["constant", "switched-off", "linear", "cosine"])
def test_integral_is_the_integral_of_the_rate(sched):
    for t in [0.0, 0.4, 1.5, 2.0, 3.0, 7.0]:
        numeric, _ = quad(lambda s: float(sched.rate(s)), 0.0, t, limit=200, points=[min(sched.until, t)]
                          if np.isfinite(sched.until) and sched.until < t else None)
        assert float(sched.integral(t)) == pytest.approx(numeric, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("kind", ["switched_off", "linear", "cosine"])
def test_with_total_gives_the_requested_total_and_switches_off(kind):
    sched = S.with_total(kind, 1.7, 4.0)
    assert sched.total == pytest.approx(1.7, rel=1e-14)
    assert float(sched.rate(4.0)) == 0.0 and float(sched.rate(10.0)) == 0.0
    assert sched.is_off(4.0) and not sched.is_off(3.9)
    assert np.all(sched.rate(np.linspace(0, 10, 101)) >= 0)


def test_constant_schedule_total():
    assert S.constant(0.5).total == np.inf
    assert S.constant(0.0).total == 0.0
    assert S.constant(0.0).is_off(0.0)


@pytest.mark.parametrize("bad", [-0.1, np.nan, np.inf, "a"])
def test_bad_strength_is_refused(bad):
    with pytest.raises(ib.InputError):
        S.switched_off(bad, 1.0)
    with pytest.raises(ib.InputError):
        S.constant(bad)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_bad_switch_off_time_is_refused(bad):
    with pytest.raises(ib.InputError):
        S.cosine(1.0, bad)


def test_bad_kinds_and_times():
    with pytest.raises(ib.InputError):
        S.Schedule("step", 1.0, 1.0)
    with pytest.raises(ib.InputError):
        S.Schedule("constant", 1.0, 2.0)
    with pytest.raises(ib.InputError):
        S.with_total("constant", 1.0, 1.0)
    with pytest.raises(ib.InputError):
        S.with_total("linear", -1.0, 1.0)
    with pytest.raises(ib.InputError):
        S.linear(1.0, 1.0).rate(-0.5)
    with pytest.raises(ib.InputError):
        S.linear(1.0, 1.0).integral([0.0, np.nan])
