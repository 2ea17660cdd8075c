"""The stand-alone notebooks of the site (Colab, download) run where only a wheel of ibcore exists.

``make book`` writes ``notebooks/<chapter>.ipynb`` into the site and links each from its chapter's
page (download, and Colab through the ``gh-pages`` branch). Here a wheel is built from the
repository, installed into a fresh virtual environment together with ipykernel (the versions the
lock pins, nothing else: no myst-nb, no Jupyter Book, no editable checkout), and every
generated notebook is executed in a kernel of that environment, from an empty folder, as Colab
would run it after its install cell: no cell may fail or write to stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from checkout import copy_tracked_files
from sitepaths import ROOT
from test_links import _parse

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.md"))
sys.path.insert(0, str(ROOT / "_ext"))
from ib_notebooks import colab_url, install_source  # noqa: E402


def _repository() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]


@pytest.fixture(scope="module")
def wheel_kernel(tmp_path_factory):
    """A kernel named ``wheel-only`` in a fresh venv with ibcore installed from a wheel."""
    tmp = tmp_path_factory.mktemp("wheel-only")
    run = {"check": True, "capture_output": True, "text": True}
    # built from a fresh copy, so that nothing stale (setuptools' build/ folder) gets into the wheel
    source = copy_tracked_files(tmp / "source")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"), str(source)],
                   **run)
    (wheel,) = (tmp / "dist").glob("ibcore-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], **run)
    python = tmp / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "requirements.lock"),
                    str(wheel), "ipykernel"], **run)
    where = subprocess.run([str(python), "-c", "import ibcore, importlib.util as u; "
                            "print(ibcore.__file__); print(u.find_spec('myst_nb') is None)"],
                           cwd=tmp, **run).stdout.split()
    assert where[0].startswith(str(tmp / "venv")), f"ibcore imported from {where[0]}, not from the wheel"
    assert where[1] == "True", "myst-nb is installed in the fresh environment"
    spec = tmp / "jupyter" / "kernels" / "wheel-only"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ibcore from a wheel", "language": "python"}))
    (tmp / "run").mkdir()
    return tmp


def test_chapter_pages_link_their_notebook_for_download_and_colab(site):
    url = _repository()["url"]
    for chapter in CHAPTERS:
        page = site / "chapters" / f"{chapter}.html"
        links = [href for href, _ in _parse(page).links]
        downloads = [h for h in links if h.endswith(f"notebooks/{chapter}.ipynb") and not urlsplit(h).scheme]
        assert downloads, f"{chapter}: no download link to its notebook"
        assert (page.parent / unquote(downloads[0])).resolve().is_file()
        assert colab_url(url, chapter) in links, f"{chapter}: no Colab link to {colab_url(url, chapter)}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_generated_notebook_runs_with_ibcore_from_a_wheel(site, wheel_kernel, monkeypatch, chapter):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(site / "notebooks" / f"{chapter}.ipynb", as_version=4)
    install = nb.cells[1].source
    assert nb.cells[1].cell_type == "code" and install_source(_repository()["url"], "") in install
    monkeypatch.setenv("JUPYTER_PATH", str(wheel_kernel / "jupyter"))
    monkeypatch.delenv("IBCORE_BOOK_BUILD", raising=False)
    NotebookClient(nb, kernel_name="wheel-only", timeout=300,
                   resources={"metadata": {"path": str(wheel_kernel / "run")}}).execute()
    assert not nb.cells[1].outputs, f"{chapter}: the install cell ran pip although ibcore was installed"
    stderr = [o.get("text", "")[:300] for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"{chapter}: stderr output: {stderr[:3]}"
    assert not list((wheel_kernel / "run").iterdir()), f"{chapter}: the notebook wrote files outside a book"
