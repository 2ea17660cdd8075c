"""Each chapter as a stand-alone ``.ipynb``, for Colab and for download.

The chapters are MyST Markdown notebooks; Colab and a plain Jupyter open only ``.ipynb``. The
generated notebook is the chapter's source (no outputs) with three cells in front:

1. what the notebook is and where the rendered chapter is (theorem and exercise blocks are MyST
   directives, which only the book and JupyterLab with jupyterlab-myst render);
2. a code cell that installs ``ibcore`` from the repository, at the commit the book was built
   from, when it is missing (Colab has numpy, scipy and matplotlib, not ``ibcore``);
3. the book's TeX macros as ``\\newcommand`` for the notebook's MathJax.

The chapter's own front-matter cell (the macros for jupyterlab-myst, tagged ``remove-cell``) is
left out. The repository address comes from ``repository.url`` in ``_config.yml``, the one place
it is set; the Colab link opens the notebook from the ``gh-pages`` branch, where the book's
workflow publishes the site.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

NOTEBOOK_DIR = "notebooks"  # under the site's root
PAGES_BRANCH = "gh-pages"  # where .github/workflows/book.yml publishes the site
COLAB = "https://colab.research.google.com/github"


def github_parts(repository_url: str) -> tuple[str, str]:
    """``("owner", "name")`` of ``https://github.com/owner/name``; ``ValueError`` for anything else."""
    m = re.fullmatch(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?", repository_url)
    if m is None:
        raise ValueError(f"repository.url must be https://github.com/<owner>/<name>; got {repository_url!r}")
    return m.group(1), m.group(2)


def pages_url(repository_url: str) -> str:
    """Where GitHub Pages serves the book: ``https://<owner>.github.io/<name>/``."""
    owner, name = github_parts(repository_url)
    return f"https://{owner.lower()}.github.io/{name}/"


def colab_url(repository_url: str, chapter: str) -> str:
    owner, name = github_parts(repository_url)
    return f"{COLAB}/{owner}/{name}/blob/{PAGES_BRANCH}/{NOTEBOOK_DIR}/{chapter}.ipynb"


def built_revision(root: Path, branch: str) -> str:
    """The commit the book is built from (``git rev-parse HEAD``), or ``branch`` outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return branch
    sha = out.stdout.strip()
    return sha if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", sha) else branch


def install_source(repository_url: str, revision: str) -> str:
    return f"ibcore @ git+{repository_url.rstrip('/')}@{revision}"


def _install_cell(repository_url: str, revision: str) -> str:
    return "\n".join([
        "# Installs the book's package ibcore when it is missing (e.g. on Colab), at the commit",
        "# this notebook was built from. Elsewhere it does nothing.",
        "import importlib.util",
        "import subprocess",
        "import sys",
        "",
        'if importlib.util.find_spec("ibcore") is None:',
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\",",
        f"                    {install_source(repository_url, revision)!r}], check=True)",
    ])


def _macro_cell(macros: dict[str, Any]) -> str:
    lines = []
    for name, body in macros.items():
        definition, nargs = (body[0], int(body[1])) if isinstance(body, list) else (body, 0)
        lines.append(f"\\newcommand{{\\{name}}}" + (f"[{nargs}]" if nargs else "") + f"{{{definition}}}")
    return "The book's notation (TeX macros, for this notebook's math):\n$$\n" + "\n".join(lines) + "\n$$"


def chapter_notebook(source: Path, *, title: str, repository_url: str, revision: str,
                     macros: dict[str, Any]) -> Any:
    """The stand-alone notebook (an ``nbformat`` node) of the chapter at ``source``."""
    import jupytext
    import nbformat

    nb = jupytext.read(source)
    cells = [c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])]
    chapter = source.stem
    about = (
        f"**{title}**: a chapter of the executable lecture notes *Implicit bias of gradient methods*, "
        f"as a notebook. The rendered chapter, with its theorem, proof and exercise blocks, is at "
        f"<{pages_url(repository_url)}chapters/{chapter}.html>; its source is `chapters/{chapter}.md` in "
        f"<{repository_url}>. Run the next cell first."
    )
    install = nbformat.v4.new_code_cell(_install_cell(repository_url, revision))
    notation = nbformat.v4.new_markdown_cell(_macro_cell(macros))
    nb.cells = [nbformat.v4.new_markdown_cell(about), install, notation, *cells]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.validate(nb)
    return nb


def write_chapter_notebooks(root: Path, outdir: Path, chapters: dict[str, str], *, repository_url: str,
                            branch: str, macros: dict[str, Any]) -> list[Path]:
    """Write ``<outdir>/notebooks/<chapter>.ipynb`` for each ``{chapter: title}``; returns the paths."""
    import nbformat

    revision = built_revision(root, branch)
    target = outdir / NOTEBOOK_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter, title in sorted(chapters.items()):
        nb = chapter_notebook(root / "chapters" / f"{chapter}.md", title=title, repository_url=repository_url,
                              revision=revision, macros=macros)
        path = target / f"{chapter}.ipynb"
        nbformat.write(nb, path)
        written.append(path)
    return written
