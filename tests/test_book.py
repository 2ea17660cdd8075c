"""The book's structure: every page in the TOC exists, every citation resolves, every
chapter is a jupytext notebook that ends with its table of verified claims."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_toc_pages_exist_and_every_chapter_is_in_the_toc():
    files = _toc_files()
    for f in files:
        assert (ROOT / f"{f}.md").exists(), f"{f}.md is in _toc.yml but does not exist"
    for chapter in CHAPTERS:
        assert f"chapters/{chapter.stem}" in files, f"{chapter.name} is not in _toc.yml"


def test_required_top_level_files_exist():
    for name in ["_config.yml", "_toc.yml", "environment.yml", "README.md", "pyproject.toml", "Makefile",
                 "references.bib", "intro.md", "notation.md", ".ci/run"]:
        assert (ROOT / name).exists(), name


def test_no_notebooks_or_outputs_are_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert not [f for f in tracked.splitlines() if f.endswith(".ipynb")]


def _bib_keys() -> set[str]:
    return set(re.findall(r"@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text()))


def test_every_citation_is_in_the_bibliography():
    keys = _bib_keys()
    pages = [*CHAPTERS, ROOT / "intro.md", ROOT / "notation.md"]
    for page in pages:
        for group in re.findall(r"\{cite[pt]?\}`([^`]+)`", page.read_text()):
            for key in group.split(","):
                assert key.strip() in keys, f"{page.name} cites unknown key {key!r}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_is_a_jupytext_notebook_with_claims(chapter):
    nb = jupytext.read(chapter)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "import ibcore as ib" in code
    assert "ib.verify(" in code or "claims.verify(" in code, "a chapter must verify at least one claim"
    assert f'claims = ib.ClaimBook("{chapter.stem}")' in code, "one ClaimBook per chapter, named after it"
    assert "claims.table()" in code, "the chapter shows its claims table"
    last_code = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert "claims.save()" in last_code.source, "the last code cell saves the claims (after every claim ran)"
    assert "## Verified claims" in text
    for heading in ["## Setting", "## Results", "## Experiments", "## Going further", "## Exercises"]:
        assert heading in text, f"{chapter.name} lacks the section {heading!r}"
    # every glued number quoted in the text is glued by a code cell
    quoted = set(re.findall(r"\{glue:text\}`([a-z0-9_]+)", text)) | set(re.findall(r"```\{glue:figure\} (\w+)", text))
    glued = set(re.findall(r"glue\(\"([a-z0-9_]+)\"", code))
    prefixes = set(re.findall(r"glue\(f\"([a-z0-9_]+)\{", code))  # keys built in a loop: glue(f"name_{...}")
    missing = {key for key in quoted - glued if not any(key.startswith(p) for p in prefixes)}
    assert not missing, f"quoted but never glued: {sorted(missing)}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figures_have_names_and_alt_text(chapter):
    text = chapter.read_text()
    for block in re.findall(r"```\{glue:figure\}.*?```", text, flags=re.S):
        assert ":name:" in block and ":alt:" in block, block[:80]
    assert "set_title(" not in text, "titles belong in captions, not inside plots"


def _numbered_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [c["file"] for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]


def test_claims_cite_results_that_exist():
    """A claim's '(Thm k.m)' must name the m-th theorem of chapter k (sphinx-proof numbers per type)."""
    kinds = {"Thm": "theorem", "Prop": "proposition", "Lemma": "lemma"}
    chapters = _numbered_chapters()
    counts = []
    for f in chapters:
        text = (ROOT / f"{f}.md").read_text()
        counts.append({k: len(re.findall(r"```\{prf:" + v + r"\}", text)) for k, v in kinds.items()})
    for k, f in enumerate(chapters, start=1):
        nb = jupytext.read(ROOT / f"{f}.md")
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")  # claims live in code cells
        for kind, chap, num in re.findall(r"\((Thm|Prop|Lemma) (\d+)\.(\d+)\)", code):
            assert int(chap) == k, f"{f}: claim cites {kind} {chap}.{num} of another chapter"
            assert 1 <= int(num) <= counts[k - 1][kind], f"{f}: claim cites {kind} {chap}.{num}, which does not exist"


def test_every_reference_has_a_doi_or_url_and_no_raw_tex_math():
    text = (ROOT / "references.bib").read_text()
    entries = re.findall(r"^@\w+\{([^,]+),(.*?)^\}", text, flags=re.M | re.S)
    assert entries
    for key, body in entries:
        assert re.search(r"^\s*(doi|url)\s*=", body, flags=re.M), f"{key} has neither a DOI nor a URL"
        assert "$" not in body, f"{key} has raw TeX math, which the bibliography prints as is"
    labels = [(re.search(r"author\s*=\s*\{([^,]+)", b).group(1), re.search(r"year\s*=\s*\{(\w+)\}", b).group(1))
              for _, b in entries]
    assert len(labels) == len(set(labels)), "two works by the same first author and year need distinct years (2025a)"
