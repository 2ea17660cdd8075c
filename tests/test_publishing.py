"""How the book is installed, run and published: one repository address, one lock, one macro list.

- The repository address is set once, as ``repository.url`` in ``_config.yml``; the citation
  file, the how-to-cite page and the README agree with it, and the Binder, Colab and Pages
  addresses are derived from it (``_ext/ib_notebooks.py``).
- ``requirements.lock`` pins every package the extras ask for, and Binder (``environment.yml``
  + ``postBuild``), ``make`` and CI install through it.
- Each chapter's first cell holds the book's TeX macros for jupyterlab-myst, written from
  ``_config.yml`` by ``tools/notebook_macros.py``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
import ib_notebooks  # noqa: E402
import notebook_macros  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
URL = CONFIG["repository"]["url"]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_repository_address_is_a_github_repository():
    owner, name = ib_notebooks.github_parts(URL)
    assert ib_notebooks.pages_url(URL) == f"https://{owner.lower()}.github.io/{name}/"
    assert ib_notebooks.colab_url(URL, "least_squares").startswith(f"https://colab.research.google.com/github/{owner}/")


@pytest.mark.parametrize("path", ["CITATION.cff", "about.md", "README.md"], ids=["citation", "about", "readme"])
def test_files_that_name_the_repository_agree_with_config(path):
    owner, _ = ib_notebooks.github_parts(URL)
    text = (ROOT / path).read_text()
    named = set(re.findall(rf"https://github\.com/{re.escape(owner)}/[A-Za-z0-9_.-]+", text))
    if path == "CITATION.cff":
        assert yaml.safe_load(text)["repository-code"] == URL
        assert yaml.safe_load(text)["url"] == ib_notebooks.pages_url(URL)
    if path == "about.md":
        assert URL in text, "the how-to-cite page does not give the repository"
    assert named <= {URL}, f"{path} names {named - {URL}}, but repository.url in _config.yml is {URL}"
    pages = set(re.findall(r"https://[A-Za-z0-9-]+\.github\.io/[A-Za-z0-9_.-]+/", text))
    assert pages <= {ib_notebooks.pages_url(URL)}, f"{path} names the Pages site {pages}"
    binder = set(re.findall(r"mybinder\.org/v2/gh/([^/\s]+/[^/\s]+)/", text))
    assert binder <= {"/".join(ib_notebooks.github_parts(URL))}, f"{path} names Binder repositories {binder}"


@pytest.mark.parametrize("url", ["http://github.com/a/b", "https://gitlab.com/a/b", "https://github.com/a"],
                         ids=["http", "not-github", "no-name"])
def test_a_repository_address_that_is_not_github_is_refused(url):
    with pytest.raises(ValueError, match=r"repository\.url"):
        ib_notebooks.github_parts(url)


def test_lock_pins_every_dependency_of_every_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for extra in project["optional-dependencies"].values() for r in extra}
    pinned = {_name(line) for line in (ROOT / "requirements.lock").read_text().splitlines()
              if line and not line.startswith((" ", "#")) and "==" in line}
    assert wanted - pinned == set(), f"not pinned in requirements.lock (run `make lock`): {wanted - pinned}"


def test_binder_installs_through_the_lock_with_the_lab_extra():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["dependencies"] == ["python=3.11", "pip"], "environment.yml should give Python and pip only"
    post = (ROOT / "postBuild").read_text()
    assert re.search(r"pip install .*-c requirements\.lock .*-e '\.\[book,lab\]'", post), post
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable for repo2docker"
    make = (ROOT / "Makefile").read_text()
    assert "LOCK   ?= -c requirements.lock" in make and "$(LOCK) -e" in make


def test_build_requirement_supports_the_licence_field():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert "setuptools>=77" in build  # a plain SPDX string in project.license needs setuptools 77


def test_jupyterlab_opens_markdown_as_a_notebook_and_renders_every_cell():
    import json

    overrides = json.loads((ROOT / ".jupyter" / "labconfig" / "default_setting_overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_opens_with_the_book_macros_for_jupyterlab(chapter):
    text = chapter.read_text()
    assert notebook_macros.with_macro_cell(text) == text, \
        f"{chapter.name}: its macro cell differs from _config.yml; run `python tools/notebook_macros.py`"
    assert notebook_macros.macro_cell() in text


def test_macro_cell_follows_config_and_is_removed_from_the_book():
    import jupytext

    nb = jupytext.read(ROOT / "chapters" / "least_squares.md")
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.metadata.get("tags") == ["remove-cell"]
    front = yaml.safe_load(first.source.split("---")[1])
    assert front["math"] == notebook_macros.book_macros()
    assert front["math"]["\\norm"] == "\\lVert #1 \\rVert"


def test_generated_notebook_has_the_install_cell_and_no_macro_front_matter():
    macros = CONFIG["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    nb = ib_notebooks.chapter_notebook(ROOT / "chapters" / "least_squares.md", title="Least squares",
                                       repository_url=URL, revision="0" * 40, macros=macros)
    assert nb.cells[1].cell_type == "code"
    assert ib_notebooks.install_source(URL, "0" * 40) in nb.cells[1].source
    assert "\\newcommand{\\norm}[1]{\\lVert #1 \\rVert}" in nb.cells[2].source
    assert not any("remove-cell" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("folder", [".venv", ".venv-3.13", ".cache", "_build"],
                         ids=["venv", "venv-3.13", "cache", "build"])
def test_the_book_never_reads_a_virtual_environment_or_a_cache(folder):
    """make test on another Python creates .venv-3.13 in the repository; Sphinx must not read its files as pages."""
    from fnmatch import fnmatch

    patterns = yaml.safe_load((ROOT / "_config.yml").read_text())["exclude_patterns"]
    assert any(fnmatch(folder, p) for p in patterns), f"{folder} is not in _config.yml's exclude_patterns"
