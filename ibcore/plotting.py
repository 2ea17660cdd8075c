"""The book's one figure style, and small helpers for recurring plots.

Colours are the Okabe–Ito palette (distinguishable under the common forms of colour
blindness); figures have a white face colour so that they stay legible when the book is
read in dark mode; titles go in captions, never inside the plot.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .errors import InputError

#: Okabe & Ito (2008) colour-blind-safe palette, black first.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: The order in which series take colours (yellow last, as it has low contrast on white).
CYCLE: tuple[str, ...] = tuple(
    PALETTE[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black", "yellow")
)

STYLE: dict[str, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "figure.figsize": (6.4, 4.0),
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
}


#: Width in CSS pixels of the book's text column at a 1280-px window (figures are scaled to it).
COLUMN_PX: int = 672
#: Smallest font size of the style, in points (tick and legend labels); chapters use no smaller.
MIN_FONT_PT: float = min(STYLE[k] for k in ("axes.labelsize", "legend.fontsize", "xtick.labelsize",
                                             "ytick.labelsize"))
#: Smallest on-screen text height, in CSS pixels, that a figure may show.
MIN_TEXT_PX: float = 9.0
#: Widest figure, in inches, whose smallest text stays >= MIN_TEXT_PX once scaled to the column:
#: text of p points in a figure w inches wide shown c pixels wide is p / 72 * c / w pixels.
MAX_WIDTH_IN: float = COLUMN_PX * MIN_FONT_PT / (72 * MIN_TEXT_PX)


def use_style() -> None:
    """Apply the book's style to matplotlib (idempotent).

    It updates ``matplotlib.rcParams`` with ``STYLE``: the Okabe–Ito colour cycle, white
    backgrounds, a light grid, no top or right spine, and font sizes of at least
    :data:`MIN_FONT_PT` points. The change lasts for the session (use it inside
    ``matplotlib.rc_context()`` to undo it).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> import ibcore as ib
    >>> with mpl.rc_context():
    ...     ib.plotting.use_style()
    ...     print(mpl.rcParams["figure.dpi"], mpl.rcParams["axes.spines.top"], mpl.rcParams["figure.facecolor"])
    110.0 False white
    """
    mpl.rcParams.update(STYLE)


def subplots(ncols: int = 1, nrows: int = 1, *, width: float = 6.4, height: float = 4.0,
             **kwargs: Any) -> tuple[Figure, Any]:
    r"""``plt.subplots`` in the book's style, sized ``width`` x ``height`` inches per panel row.

    Raises :class:`~ibcore.errors.InputError` for a figure wider than :data:`MAX_WIDTH_IN`: scaled
    into the book's column its text would be smaller than :data:`MIN_TEXT_PX` pixels (split it
    into separate figures, or give it fewer panels).

    Text of :math:`p` points in a figure :math:`w` inches wide, shown :math:`c` pixels wide, is
    :math:`\frac{p}{72}\cdot\frac{c}{w}` pixels high, so the widest figure is
    :math:`w_{\max} = c\,p_{\min}/(72\,h_{\min})` with :math:`c` = :data:`COLUMN_PX`,
    :math:`p_{\min}` = :data:`MIN_FONT_PT` and :math:`h_{\min}` = :data:`MIN_TEXT_PX`.

    Parameters
    ----------
    ncols : int, default 1
        Number of panel columns.
    nrows : int, default 1
        Number of panel rows.
    width : float, default 6.4
        Width of the whole figure in inches, in :math:`(0, w_{\max}]`.
    height : float, default 4.0
        Height of the whole figure in inches, in :math:`(0, 2w_{\max}]`.
    **kwargs
        Passed on to ``matplotlib.pyplot.subplots`` (e.g. ``sharey=True``).

    Returns
    -------
    tuple of (matplotlib.figure.Figure, Axes or array of Axes)
        What ``matplotlib.pyplot.subplots`` returns.

    Raises
    ------
    InputError
        If ``width`` is not in :math:`(0, w_{\max}]` or ``height`` not in :math:`(0, 2w_{\max}]`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # no window is needed
    >>> import matplotlib.pyplot as plt
    >>> import ibcore as ib
    >>> fig, axes = ib.plotting.subplots(ncols=2, width=8.0, height=3.0)
    >>> print(axes.shape, fig.get_size_inches().tolist(), round(ib.plotting.MAX_WIDTH_IN, 2))
    (2,) [8.0, 3.0] 9.33
    >>> plt.close(fig)
    """
    if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
               for v in (width, height)):
        raise InputError(f"width and height are sizes in inches (numbers); got {width!r} and {height!r}")
    if not (0 < width <= MAX_WIDTH_IN and 0 < height <= 2 * MAX_WIDTH_IN):
        raise InputError(f"a {width} x {height} in figure: the width must be in (0, {MAX_WIDTH_IN:.2f}] in, or its "
                         f"{MIN_FONT_PT:g}-pt text renders below {MIN_TEXT_PX:g} px in the {COLUMN_PX}-px column")
    use_style()
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def mark_reference(ax: Axes, x: Any, y: Any, *, label: str | None, color: str = PALETTE["black"],
                   marker: str = "*", size: float = 220) -> None:
    """Mark a reference point (a convex program's solution) with a large open star (``label=None``: no legend entry).

    The marker is drawn above the curves (``zorder=5``) with an open face, so the iterates
    that converge to it stay visible.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The panel to draw on.
    x, y : float or array_like
        The coordinates of the point (or of several points).
    label : str or None
        The legend entry; ``None`` for none.
    color : str, default ``PALETTE["black"]``
        The edge colour of the marker.
    marker : str, default "*"
        A matplotlib marker.
    size : float, default 220
        The marker area in points squared.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import ibcore as ib
    >>> ax = Figure().add_subplot()
    >>> ib.plotting.mark_reference(ax, 1.0, 2.0, label="minimum-norm interpolator")
    >>> ib.plotting.mark_reference(ax, [0, 1], [1, 0], label=None, color=ib.plotting.PALETTE["vermillion"])
    >>> print(len(ax.collections), ax.get_legend_handles_labels()[1])
    2 ['minimum-norm interpolator']
    """
    ax.scatter(np.atleast_1d(x), np.atleast_1d(y), s=size, marker=marker, facecolors="none",
               edgecolors=color, linewidths=1.6, label=label, zorder=5)
