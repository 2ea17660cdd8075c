"""What every chapter does first: the book's figure style, warnings as errors, its claim book.

A chapter opens with ``claims = ib.chapter.start("least_squares")`` and ends with
``claims.finish()`` (which saves the record of its claims and returns its run time), so the
set-up is written once, here, rather than copied into every notebook. A chapter also names its
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

    Both effects last for the rest of the Python session (they are what a chapter wants): the
    warning filter is installed with ``warnings.simplefilter`` and the style with
    :func:`ibcore.plotting.use_style`. The :class:`ClaimBook` deletes any record the chapter left
    before.

    Parameters
    ----------
    name : str
        The chapter's identifier: its file name without ``.md`` (letters, digits and ``_``).

    Returns
    -------
    ClaimBook
        The chapter's claim book, which records into ``_build/claims`` under the book's root (or
        the folder named by ``IBCORE_CLAIMS_DIR``), and nowhere outside a book.

    Raises
    ------
    InputError
        If ``name`` is not a chapter identifier.

    Examples
    --------
    >>> import contextlib
    >>> import tempfile
    >>> import warnings
    >>> import numpy as np
    >>> import ibcore as ib
    >>> with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder), warnings.catch_warnings():
    ...     claims = ib.chapter.start("demo")
    ...     try:
    ...         np.divide(1.0, 0.0)
    ...     except RuntimeWarning as warning:
    ...         print(claims.chapter, type(warning).__name__)
    demo RuntimeWarning
    """
    warnings.simplefilter("error", RuntimeWarning)
    plotting.use_style()
    return ClaimBook(name)


#: Set (to "1") by the book's Sphinx extension while Jupyter Book executes the chapters.
BOOK_BUILD_ENV = "IBCORE_BOOK_BUILD"


def glue(name: str, value: Any, display: bool = True) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue:text}`` roles and ``{glue:figure}`` directives.

    It calls myst-nb's ``glue`` and makes sure that a reader of the notebook still sees figures.
    In the book, a figure glued with ``display=False`` appears where its ``{glue:figure}``
    directive is. A notebook opened in JupyterLab, Colab or a plain Jupyter has no such
    directive, so outside the book's build (no ``IBCORE_BOOK_BUILD`` in the environment) such a
    figure is shown as the cell's output instead; numbers glued with ``display=False`` stay
    hidden. Without myst-nb installed (e.g. on Colab) nothing is stored.

    Parameters
    ----------
    name : str
        The key the book's ``{glue:text}`` roles and ``{glue:figure}`` directives refer to; not empty.
    value : object
        What to store: a number, a string, a matplotlib figure.
    display : bool, default True
        Also show ``value`` as the cell's output.

    Raises
    ------
    InputError
        If ``name`` is empty or not a string.

    Examples
    --------
    In a chapter, ``ib.chapter.glue("n_steps", 120, display=False)`` stores the number that the
    prose then quotes with a ``{glue:text}`` role naming ``n_steps``. Outside a running notebook
    myst-nb's ``glue`` starts an IPython shell, so the example shows only the check of the name:

    >>> import ibcore as ib
    >>> ib.chapter.glue("", 1.0)
    Traceback (most recent call last):
        ...
    ibcore.errors.InputError: glue needs a non-empty name; got ''
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
    r"""Save the chapter ``name``'s key figure for the landing page, as ``_build/figures/<name>.png``.

    The folder is ``_build/figures`` under the book's root (the folder with ``_toc.yml`` at or
    above the current directory); outside a book (a notebook downloaded on its own) nothing is
    saved. The figure is saved at its own resolution, cropped to its content, as the notebook
    shows it.

    Parameters
    ----------
    name : str
        The chapter's identifier: its file name without ``.md``.
    fig : matplotlib.figure.Figure
        The key figure.

    Returns
    -------
    pathlib.Path or None
        The PNG file written, or ``None`` outside a book.

    Raises
    ------
    InputError
        If ``fig`` is not a matplotlib figure or ``name`` is not a chapter identifier.

    Examples
    --------
    >>> import contextlib
    >>> import pathlib
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> import ibcore as ib
    >>> fig = Figure(figsize=(2, 2))
    >>> lines = fig.add_subplot().plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
    ...     print(ib.chapter.save_key_figure("demo", fig))  # not in a book
    ...     size = pathlib.Path("_toc.yml").write_text("root: intro\n")
    ...     print(ib.chapter.save_key_figure("demo", fig).relative_to(pathlib.Path.cwd()).as_posix())
    None
    _build/figures/demo.png
    """
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
