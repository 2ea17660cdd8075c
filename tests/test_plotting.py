"""The figure style keeps text legible in the book's column."""

import matplotlib.pyplot as plt
import pytest

import ibcore as ib


def test_the_widest_figure_keeps_text_legible_in_the_column():
    p = ib.plotting
    assert p.MIN_FONT_PT / 72 * p.COLUMN_PX / p.MAX_WIDTH_IN == pytest.approx(p.MIN_TEXT_PX)
    fig, _ = p.subplots(ncols=2, width=p.MAX_WIDTH_IN, height=3.5)
    plt.close(fig)


@pytest.mark.parametrize("width", [13.0, 0.0, -1.0], ids=["three-panels-at-13in", "zero", "negative"])
def test_subplots_refuses_figures_that_would_shrink_text(width):
    with pytest.raises(ib.InputError, match="column"):
        ib.plotting.subplots(ncols=3, width=width, height=4.0)
