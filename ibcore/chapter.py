"""What every chapter does first: the book's figure style, warnings as errors, its claim book.

A chapter opens with ``claims = ib.chapter.start("least_squares")`` and ends with
``claims.finish()`` (which saves the record of its claims and returns its run time), so the
set-up is written once, here, rather than copied into six notebooks. A chapter also names its
key figure with :func:`save_key_figure`, which the book's landing page shows next to the
chapter's summary, and quotes computed numbers and figures in its prose with :func:`glue`.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from . import plotting
from .errors import InputError
from .verification import ClaimBook, book_root, check_chapter_name


def start(name: str) -> ClaimBook:
    """Set up the chapter ``name`` (its file name without ``.md``) and return its :class:`ClaimBook`.

    A ``RuntimeWarning`` (overflow, division by zero, an invalid value) becomes an error, so no
    NaN reaches a figure or a claim silently; figures take the book's style.
    """
    warnings.simplefilter("error", RuntimeWarning)
    plotting.use_style()
    return ClaimBook(name)


#: Set (to "1") by the book's Sphinx extension while Jupyter Book executes the chapters.
BOOK_BUILD_ENV = "IBCORE_BOOK_BUILD"


def glue(name: str, value: Any, display: bool = True) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue:text}`` roles and ``{glue:figure}``
    directives (myst-nb's ``glue``), and make sure a reader of the notebook still sees figures.

    In the book, a figure glued with ``display=False`` appears where its ``{glue:figure}``
    directive is. A notebook opened in JupyterLab, Colab or a plain Jupyter has no such
    directive, so outside the book's build (no ``IBCORE_BOOK_BUILD`` in the environment) such a
    figure is shown as the cell's output instead; numbers glued with ``display=False`` stay
    hidden. Without myst-nb installed (e.g. on Colab) nothing is stored.
    """
    if not name or not isinstance(name, str):
        raise InputError(f"glue needs a non-empty name; got {name!r}")
    try:
        from myst_nb import glue as nb_glue
    except ImportError:
        nb_glue = None
    if nb_glue is not None:
        nb_glue(name, value, display=display)
    in_book = os.environ.get(BOOK_BUILD_ENV) == "1"
    if (nb_glue is None and display) or (not in_book and not display and isinstance(value, Figure)):
        from IPython.display import display as show

        show(value)


def save_key_figure(name: str, fig: Figure) -> Path | None:
    """Save the chapter ``name``'s key figure for the landing page, as ``_build/figures/<name>.png``
    under the book's root; ``None`` outside a book (a notebook downloaded on its own)."""
    if not isinstance(fig, Figure):
        raise InputError(f"save_key_figure takes a matplotlib Figure; got {type(fig).__name__}")
    check_chapter_name(name)
    root = book_root()
    if root is None:
        return None
    target = root / "_build" / "figures" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=fig.dpi, bbox_inches="tight")  # as the notebook shows it
    return target
