"""pytest configuration shared by the unit tests and the notebook runs.

``pytest --nbval`` collects ``.ipynb`` files only; the chapters of this book are MyST
Markdown notebooks (jupytext) with no stored outputs. The hook below reads every ``.md``
file that carries a jupytext/kernelspec header into nbval's collector, so that

    pytest --nbval chapters/

re-executes each chapter cell by cell in a fresh kernel. A cell error — including a
failed claim (``ibcore.ClaimFailed``) — fails the corresponding test item. There are no
reference outputs to compare (outputs are never committed), so nbval only checks that
every cell runs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest


def _is_jupytext_notebook(path: Path) -> bool:
    if path.suffix != ".md":
        return False
    with path.open(encoding="utf-8") as fh:
        head = fh.read(2000)
    return head.startswith("---") and "jupytext:" in head and "kernelspec:" in head


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    opt = parent.config.option
    if not (getattr(opt, "nbval", False) or getattr(opt, "nbval_lax", False)):
        return None
    if not _is_jupytext_notebook(file_path):
        return None
    from nbval.plugin import IPyNbCell, IPyNbFile, find_comment_markers, find_metadata_tags

    class MystNotebook(IPyNbFile):
        """An nbval collector fed from a jupytext MyST Markdown file."""

        def collect(self):
            import jupytext

            self.nb = jupytext.read(str(self.path))
            code_cells = [c for c in self.nb.cells if c.cell_type == "code"]
            for number, cell in enumerate(code_cells):
                options = defaultdict(bool, find_metadata_tags(cell.metadata))
                options.update(dict(find_comment_markers(cell.source)))
                options["check"] = False  # no stored outputs: the claims in the cells are the checks
                yield IPyNbCell.from_parent(self, name=f"Cell {number}", cell_num=number,
                                            cell=cell, options=options)

    return MystNotebook.from_parent(parent, path=file_path)
