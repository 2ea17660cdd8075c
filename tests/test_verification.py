import json

import numpy as np
import pytest

import ibcore as ib
from ibcore.verification import CLAIMS_DIR_ENV


def test_passing_claim_is_recorded():
    c = ib.verify("C9.1 two equal vectors", [1.0, 2.0], [1.0, 2.0 + 1e-12], rtol=1e-9, against="closed form")
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


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_nan_never_passes(bad):
    with pytest.raises(ib.ClaimFailed, match="NaN or inf"):
        ib.verify("C9.3", [bad], [1.0], atol=0.1)
    with pytest.raises(ib.ClaimFailed, match="NaN or inf"):
        ib.verify("C9.3", [1.0], [bad], atol=0.1)


@pytest.mark.parametrize(
    "kwargs", [{}, {"rtol": 0.0, "atol": 0.0}, {"rtol": -1.0}, {"atol": float("nan")}],
    ids=["none", "both-zero", "negative", "nan"],
)
def test_a_claim_needs_a_tolerance(kwargs):
    with pytest.raises(ib.InputError):
        ib.verify("C9.4", 1.0, 1.0 + 1e-9, **kwargs)


def test_tiny_numbers_do_not_pass_by_underflow():
    with pytest.raises(ib.ClaimFailed):
        ib.verify("C0.1", [1e-200], [2e-200], rtol=1e-6)
    assert ib.verify("C0.1", [1e-200], [1e-200 * (1 + 1e-9)], rtol=1e-6).passed


def test_huge_numbers_do_not_pass_by_overflow():
    with pytest.raises(ib.ClaimFailed):
        ib.verify("C0.2", [1e200], [-1e200], rtol=1e-6)
    with pytest.raises(ib.ClaimFailed):
        ib.verify("C0.2", [1e308, 1e308], [-1e308, 1e308], rtol=1e-6)


@pytest.mark.parametrize(
    ("value", "reference", "match"),
    [([], [], "empty"), ([1.0, 2.0], [1.0], "shape"), ([[1.0, 2.0]], [1.0, 2.0], "shape"),
     ([1 + 1j], [1.0], "real")],
    ids=["empty", "length", "orientation", "complex"],
)
def test_malformed_inputs_are_refused(value, reference, match):
    with pytest.raises(ib.InputError, match=match):
        ib.verify("C0.3", value, reference, atol=1e-9)


@pytest.mark.parametrize(
    "kwargs", [{"rtol": 1.0}, {"rtol": 2.0}, {"atol": 5.0}, {"atol": 3.0, "rtol": 0.5}],
    ids=["rtol-1", "rtol-2", "atol-above-scale", "sum-above-scale"],
)
def test_vacuous_tolerances_are_refused(kwargs):
    with pytest.raises(ib.InputError, match=r"cannot fail|would pass"):
        ib.verify("C0.4", [1.0, 1.0], [3.0, 4.0], **kwargs)


def test_zero_reference_must_be_a_bound():
    with pytest.raises(ib.InputError, match="bound"):
        ib.verify("C0.5", [1e-14], [0.0], atol=1e-12)
    assert ib.verify_bound("C0.5 drift", 1e-14, upper=1e-12).passed


def test_band_wider_than_the_range_is_refused():
    with pytest.raises(ib.InputError, match="whole range"):
        ib.verify("C0.6 transition at", 127.0, 126.5, atol=40.8, within=(106.0, 145.0))
    assert ib.verify("C0.6 transition at", 127.0, 126.5, atol=2.0, within=(106.0, 145.0)).passed


def test_vacuous_and_infinite_bounds_are_refused():
    with pytest.raises(ib.InputError, match="not finite"):
        ib.verify_bound("C0.7", 1.0, upper=np.inf)
    with pytest.raises(ib.InputError, match="cannot fail"):
        ib.verify_bound("C0.7 a fraction", 0.5, upper=1.0, within=(0.0, 1.0))
    with pytest.raises(ib.InputError, match="cannot fail"):
        ib.verify_bound("C0.7 a fraction", 0.5, lower=0.0, within=(0.0, 1.0))
    assert ib.verify_bound("C0.7 a fraction", 1.0, lower=1.0, within=(0.0, 1.0)).passed


def test_an_expression_compared_with_itself_is_refused():
    v = np.array([0.1, 0.2])
    with pytest.raises(ib.InputError, match="same object"):
        ib.verify("C0.8", v, v, rtol=1e-9)
    with pytest.raises(ib.InputError, match="bitwise identical"):
        ib.verify("C0.8", np.exp(v), np.exp(v.copy()), rtol=1e-9)
    assert ib.verify("C0.8 integers", [-1.0, 1.0], [-1.0, 1.0], atol=1e-12).passed


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
    claims = [ib.verify("C9.12 a | b", 1.0, 1.0 + 1e-12, atol=1e-9), ib.verify_bound("C9.13 c", 0.0, upper=1.0)]
    table = ib.ClaimTable.of(claims)
    md = table._repr_markdown_()
    assert md.count("\n") == 3 and r"a \| b" in md and "✔" in md
    assert "| measured vs allowed |" in md and r"$0$ $\le 1$ (value)" in md and "*Against* bound." in md
    assert table.all_passed
    with pytest.raises(ib.InputError):
        ib.ClaimTable.of(["not a claim"])


def test_verdict_says_what_was_compared_measured_and_allowed():
    c = ib.verify("C9.14 GD reaches $X^+y$", [1.0, 2.0], [1.0, 2.0 + 3e-12], atol=1e-10, against="cvxpy",
                  why="certified gradient bound")
    v = c.verdict()
    assert v.startswith("**✔ C9.14** GD reaches $X^+y$.")
    assert r"\rVert_2 = 3.00 \times 10^{-12}$" in v and r"$\le 1.00 \times 10^{-10}$" in v
    assert "(certified gradient bound)" in v and "against cvxpy" in v and "3 % of the allowance used" in v


@pytest.mark.parametrize(
    ("claim", "usage"),
    [(ib.verify_bound("C9.15 attained", 0.21561, upper=0.21566), "100 % of the allowance used"),
     (ib.verify_bound("C9.16 lower", 1.2, lower=1.0), r"margin $0.2$ to the bound"),
     (ib.verify_bound("C9.17 signed", -2.0, upper=-1.0), r"margin $1$ to the bound"),
     (ib.verify_bound("C9.20 far", 1.9e3, lower=1e-4), r"margin $1900$ to the bound"),
     (ib.verify_bound("C9.21 excess", -3e-14, upper=1e-9), "none of the allowance used"),
     (ib.verify_bound("C9.22 non-negative", -5e-11, lower=-1e-7), "0.05 % of the allowance used"),
     (ib.verify_bound("C9.23 equal", 1.0, lower=1.0), "the bound is attained")],
    ids=["attained-upper-bound", "lower-bound", "negative-upper-bound", "lower-bound-near-zero",
         "negative-excess", "non-negative-up-to-rounding", "attained-lower-bound"],
)
def test_usage_of_a_passed_claim_never_reads_as_a_failure(claim, usage):
    assert usage in claim.usage() and "fail" not in claim.verdict().lower() and claim.slack >= 0


def test_worst_picks_the_instance_closest_to_failing_for_negative_bounds(tmp_path):
    book = ib.ClaimBook("chapter_n", directory=tmp_path, show=False)
    row = book.worst([ib.verify_bound("C9.24 slope", v, upper=-0.95) for v in (-2.0, -0.988, -1.5)])
    assert row.error == -0.988 and row.instances == 3


def test_worst_keeps_every_instance_share(tmp_path):
    book = ib.ClaimBook("chapter_w", directory=tmp_path, show=False)
    row = book.worst([ib.verify_bound("C9.18 s", v, upper=1.0) for v in (0.1, 0.2, 0.9)])
    assert row.shares == (0.1, 0.2, 0.9) and "median over the 3 instances 20 %" in row.usage()
    _, table = ib.ClaimTable.load(book.save())
    assert table.claims[0] == row


def test_claim_book_shows_each_verdict_in_a_notebook(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    book = ib.ClaimBook("chapter_v", directory=tmp_path)
    book.bound("C9.19 shown", 0.5, upper=1.0)
    assert shown and shown[0]["text/markdown"].startswith("**✔ C9.19**")
    assert book.runtime > 0


@pytest.mark.parametrize(
    ("text", "label", "statement"),
    [("C1.1a flow = closed form", "C1.1a", "flow = closed form"), ("C2.3: mirror", "C2.3", "mirror"),
     ("C10.12b x", "C10.12b", "x"), ("no label here", "", "no label here")],
    ids=["letter", "colon", "two-digits", "no-label"],
)
def test_labels(text, label, statement):
    c = ib.verify(text, 1.0, 1.0 + 1e-12, atol=1e-6)
    assert (c.label, c.statement) == (label, statement)


def test_claim_book_records_checks_and_saves(tmp_path):
    book = ib.ClaimBook("chapter_x", directory=tmp_path)
    book.verify("C1.1 a", [1.0, 2.0], [1.0, 2.0 + 1e-12], rtol=1e-9, certificate="exact")
    book.bound("C1.2 b", 0.5, upper=1.0)
    with pytest.raises(ib.InputError, match="twice"):
        book.bound("C1.2 b again", 0.5, upper=1.0)
    instances = [ib.verify_bound("C1.3 c", v, upper=1.0) for v in (0.2, 0.9, 0.5)]
    row = book.worst(instances)
    assert row.error == 0.9 and row.instances == 3
    path = book.save()
    data = json.loads(path.read_text())
    assert [c["label"] for c in data["claims"]] == ["C1.1", "C1.2", "C1.3"]
    assert data["claims"][0]["certificate"] == "exact" and data["claims"][2]["instances"] == 3
    assert not list(tmp_path.glob("*.tmp"))


def test_a_failing_chapter_leaves_no_record(tmp_path, monkeypatch):
    monkeypatch.setenv(CLAIMS_DIR_ENV, str(tmp_path))
    first = ib.ClaimBook("chapter_y")
    first.bound("C1.1 ok", 0.5, upper=1.0)
    assert first.save() == tmp_path / "chapter_y.json"
    second = ib.ClaimBook("chapter_y")  # a new run starts: the old record is gone
    assert not (tmp_path / "chapter_y.json").exists()
    with pytest.raises(ib.ClaimFailed):
        second.bound("C1.1 fails", 2.0, upper=1.0)
    assert not (tmp_path / "chapter_y.json").exists()


def test_claim_book_outside_a_book_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(CLAIMS_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    book = ib.ClaimBook("loose_notebook")
    book.bound("C1.1 ok", 0.5, upper=1.0)
    assert book.path is None and book.save() is None


def test_claim_book_refuses_bad_names_and_empty_saves(tmp_path):
    with pytest.raises(ib.InputError):
        ib.ClaimBook("../escape", directory=tmp_path)
    with pytest.raises(ib.InputError, match="no claim"):
        ib.ClaimBook("empty", directory=tmp_path).save()


def test_errata_need_the_printed_formula_to_be_wrong_and_the_correction_right(tmp_path):
    book = ib.ClaimBook("chapter_z", directory=tmp_path)
    e = book.erratum("ENS notes", "eq. (3.19)", "factor 2", printed=[1.0], corrected=[2.0], measured=[2.0 + 1e-12],
                     rtol=1e-9)
    assert e.printed_gap == pytest.approx(0.5) and e.corrected_gap < 1e-9
    with pytest.raises(ib.ClaimFailed, match="not a slip"):
        book.erratum("s", "eq", "x", printed=[2.0], corrected=[2.0], measured=[2.0], rtol=1e-9)
    with pytest.raises(ib.ClaimFailed, match="corrected formula is off"):
        book.erratum("s", "eq", "x", printed=[1.0], corrected=[3.0], measured=[2.0], rtol=1e-9)
    assert "eq. (3.19)" in book.errata_table() and "| the correction |" in book.errata_table()
    assert e.verdict().startswith("**✔ Slip in ENS notes, eq. (3.19).** factor 2.") and "off by $0.5$" in e.verdict()
