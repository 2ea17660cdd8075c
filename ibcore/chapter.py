"""What every chapter does first: the book's figure style, warnings as errors, its claim book.

A chapter opens with ``claims = ib.chapter.start("least_squares")`` and ends with
``claims.finish()`` (which saves the record of its claims and returns its run time), so the
set-up is written once, here, rather than copied into six notebooks. A chapter also names its
key figure with :func:`save_key_figure`, which the book's landing page shows next to the
chapter's summary.
"""

from __future__ import annotations

import warnings
from pathlib import Path

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
