"""The book's TeX macros for the notebook view of each chapter.

The macros are declared once, for the website's MathJax (``mathjax3_config`` in ``_config.yml``).
JupyterLab renders a chapter's Markdown with jupyterlab-myst, which reads macros only from a
front-matter block (``math:``) at the top of the notebook's first Markdown cell. Each chapter
therefore opens with such a cell, tagged ``remove-cell`` so that the book skips it. This module
writes that cell from ``_config.yml``; ``tests/test_book.py`` fails when a chapter's copy differs.

    python tools/notebook_macros.py          # rewrite the cell in every chapter
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = '+++ {"tags": ["remove-cell"]}'
# the cell sits between the jupytext header and the chapter's first Markdown cell
_OLD_CELL = re.escape(MARKER) + r"\n\n---\nmath:\n.*?\n---\n\n\+\+\+\n\n"
_CELL = re.compile(r"\A(---\n.*?\n---\n)\n(?:" + _OLD_CELL + ")?", re.DOTALL)


def book_macros(root: Path = ROOT) -> dict[str, str]:
    """``{"\\\\norm": "\\\\lVert #1 \\\\rVert", ...}`` from ``_config.yml`` (arguments are the ``#k``)."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    return {f"\\{name}": (body[0] if isinstance(body, list) else body) for name, body in macros.items()}


def macro_cell(root: Path = ROOT) -> str:
    """The front-matter cell, as it appears in a chapter's MyST Markdown source."""
    lines = [MARKER, "", "---", "math:"]
    for name, body in book_macros(root).items():
        lines.append(f"  '{name}': '{body}'")
    return "\n".join([*lines, "---", "", "+++", "", ""])


def with_macro_cell(source: str, root: Path = ROOT) -> str:
    """``source`` (a chapter) with its macro cell written afresh after the jupytext header."""
    match = _CELL.match(source)
    if match is None:
        raise ValueError("the chapter does not start with a jupytext header (--- ... ---)")
    return match.group(1) + "\n" + macro_cell(root) + source[match.end():]


def main() -> int:
    for chapter in sorted((ROOT / "chapters").glob("*.md")):
        text = chapter.read_text()
        new = with_macro_cell(text)
        if new != text:
            chapter.write_text(new)
            print(f"rewrote the macro cell of {chapter.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
