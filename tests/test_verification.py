import numpy as np
import pytest

import ibcore as ib


def test_passing_claim_is_recorded():
    c = ib.verify("C9.1 two equal vectors", [1.0, 2.0], [1.0, 2.0 + 1e-12], rtol=1e-9, against="itself")
    assert c.passed and c.label == "C9.1" and c.statement == "two equal vectors"
    assert c.error == pytest.approx(1e-12, rel=1e-3)
    assert c.tolerance == pytest.approx(1e-9 * np.sqrt(5))


def test_failing_claim_explains_itself():
    with pytest.raises(ib.ClaimFailed) as info:
        ib.verify("C9.2 a wrong claim", [1.0, 2.0, 3.0], [1.0, 2.5, 3.0], atol=1e-6, against="closed form")
    msg = str(info.value)
    assert "C9.2 FAILED" in msg and "closed form" in msg and "entry [1]" in msg and "5.000e-01" in msg


def test_claim_failed_is_an_assertion_error():
    assert issubclass(ib.ClaimFailed, AssertionError)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_never_passes(bad):
    with pytest.raises(ib.ClaimFailed, match="NaN or inf"):
        ib.verify("C9.3", [bad], [0.0], atol=1.0)
    with pytest.raises(ib.ClaimFailed, match="NaN or inf"):
        ib.verify("C9.3", [0.0], [bad], atol=1.0)


@pytest.mark.parametrize(
    "kwargs", [{}, {"rtol": 0.0, "atol": 0.0}, {"rtol": -1.0}, {"atol": float("nan")}]
)
def test_a_claim_needs_a_tolerance(kwargs):
    with pytest.raises(ib.InputError):
        ib.verify("C9.4", 1.0, 1.0, **kwargs)


def test_shape_mismatch_and_empty_description():
    with pytest.raises(ib.InputError, match="entries"):
        ib.verify("C9.5", [1.0, 2.0], [1.0], atol=1.0)
    with pytest.raises(ib.InputError):
        ib.verify("  ", 1.0, 1.0, atol=1.0)


def test_bounds():
    assert ib.verify_bound("C9.6 small", 0.5, upper=1.0).passed
    assert ib.verify_bound("C9.7 large", 5.0, lower=1.0).relation == "≥"
    with pytest.raises(ib.ClaimFailed, match="not ≤"):
        ib.verify_bound("C9.8", 2.0, upper=1.0)
    with pytest.raises(ib.ClaimFailed, match="not ≥"):
        ib.verify_bound("C9.9", 0.5, lower=1.0)
    with pytest.raises(ib.InputError):
        ib.verify_bound("C9.10", 0.5, upper=1.0, lower=0.0)
    with pytest.raises(ib.InputError):
        ib.verify_bound("C9.11", [0.5, 1.0], upper=1.0)


def test_table_renders_markdown():
    claims = [ib.verify("C9.12 a | b", 1.0, 1.0, atol=1e-9), ib.verify_bound("C9.13 c", 0.0, upper=1.0)]
    table = ib.ClaimTable.of(claims)
    md = table._repr_markdown_()
    assert md.count("\n") == 3 and r"a \| b" in md and "passed" in md
    assert table.all_passed
    html = table._repr_html_()
    assert html.count("<tr>") == 3 and "a | b" in html and "&lt;" not in html
    with pytest.raises(ib.InputError):
        ib.ClaimTable.of(["not a claim"])


@pytest.mark.parametrize(
    ("text", "label", "statement"),
    [("C1.1a flow = closed form", "C1.1a", "flow = closed form"), ("C2.3: mirror", "C2.3", "mirror"),
     ("C10.12b x", "C10.12b", "x"), ("no label here", "", "no label here")],
)
def test_labels(text, label, statement):
    c = ib.verify(text, 0.0, 0.0, atol=1.0)
    assert (c.label, c.statement) == (label, statement)
