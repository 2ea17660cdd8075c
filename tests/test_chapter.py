"""What every chapter does first and last: ibcore.chapter."""

import warnings

import matplotlib.pyplot as plt
import pytest

import ibcore as ib


def test_start_sets_the_style_turns_runtime_warnings_into_errors_and_opens_the_claim_book(tmp_path, monkeypatch):
    monkeypatch.setenv(ib.verification.CLAIMS_DIR_ENV, str(tmp_path))
    with warnings.catch_warnings():
        claims = ib.chapter.start("chapter_s")
        assert isinstance(claims, ib.ClaimBook) and claims.chapter == "chapter_s"
        assert plt.rcParams["figure.dpi"] == ib.plotting.STYLE["figure.dpi"]
        with pytest.raises(RuntimeWarning):
            warnings.warn("overflow", RuntimeWarning, stacklevel=1)
    claims.bound("C1.1 b", 0.5, upper=1.0)
    assert claims.finish() > 0 and (tmp_path / "chapter_s.json").exists()


def test_key_figure_is_saved_under_the_book_root(tmp_path, monkeypatch):
    (tmp_path / "_toc.yml").write_text("root: intro\n")
    monkeypatch.chdir(tmp_path)
    fig, ax = ib.plotting.subplots()
    ax.plot([0, 1], [0, 1])
    path = ib.chapter.save_key_figure("chapter_k", fig)
    plt.close(fig)
    assert path == tmp_path / "_build" / "figures" / "chapter_k.png" and path.stat().st_size > 0


@pytest.mark.parametrize(("name", "fig"), [("../escape", None), ("ok", "not a figure")],
                         ids=["path-like-name", "not-a-figure"])
def test_key_figure_refuses_bad_input(name, fig):
    if fig is None:
        fig = plt.figure()
    with pytest.raises(ib.InputError):
        ib.chapter.save_key_figure(name, fig)
    plt.close("all")


class _Shown(list):
    def __call__(self, value, *args, **kwargs):
        self.append(value)


@pytest.mark.parametrize(("in_book", "shown"), [(False, 1), (True, 0)], ids=["notebook-shows-figure", "book-leaves-it"])
def test_glue_shows_a_hidden_figure_only_outside_the_book(monkeypatch, in_book, shown):
    import IPython.display

    stored = _Shown()
    monkeypatch.setattr(IPython.display, "display", stored)
    if in_book:
        monkeypatch.setenv(ib.chapter.BOOK_BUILD_ENV, "1")
    else:
        monkeypatch.delenv(ib.chapter.BOOK_BUILD_ENV, raising=False)
    fig = plt.figure()
    ib.chapter.glue("fig_test", fig, display=False)
    ib.chapter.glue("number_test", 3.5, display=False)  # numbers are never shown on their own
    plt.close(fig)
    assert [v for v in stored if v is fig] == [fig] * shown
    assert 3.5 not in stored


def test_glue_refuses_an_empty_name():
    with pytest.raises(ib.InputError, match="non-empty name"):
        ib.chapter.glue("", 1.0)
