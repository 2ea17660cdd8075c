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
    assert f'claims = ib.chapter.start("{chapter.stem}")' in code, "one ClaimBook per chapter, named after it"
    assert "claims.table()" in code, "the chapter shows its claims table"
    last_code = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert "claims.finish()" in last_code.source, "the last code cell saves the claims (after every claim ran)"
    assert "## Verified claims" in text
    for heading in ["## Setting", "## Going further", "## Exercises"]:
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
    long_names = {"Theorem": "Thm", "Proposition": "Prop"}
    chapters = _numbered_chapters()
    counts = []
    for f in chapters:
        text = (ROOT / f"{f}.md").read_text()
        counts.append({k: len(re.findall(r"```\{prf:" + v + r"\}", text)) for k, v in kinds.items()})
    for f in chapters:
        nb = jupytext.read(ROOT / f"{f}.md")
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")  # claims live in code cells
        code = re.sub(r"#[^\n\"]*$", "", code, flags=re.M)  # comments may point to other chapters
        # a source's own numbering ("Theorem 3.5 of Jacobs et al.", "Ma's Thm 9.18") is not a citation
        pattern = r"(?<!'s )\b(Thm|Prop|Lemma|Theorem|Proposition) (\d+)\.(\d+)\b(?!,? (?:of|eq)\b)"
        for kind, chap, num in re.findall(pattern, code):
            kind = long_names.get(kind, kind)
            exists = 1 <= int(chap) <= len(chapters) and 1 <= int(num) <= counts[int(chap) - 1][kind]
            assert exists, f"{f}: a claim cites {kind} {chap}.{num}, which does not exist"


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


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figures_keep_text_legible_and_code_fits_the_column(chapter):
    """No font below the style's smallest size (the site test measures the rendered size from it), and
    no code line wider than the column shows (78 characters of 14-px monospace in 684 px)."""
    from ibcore.plotting import MIN_FONT_PT

    nb = jupytext.read(chapter)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    small = [float(v) for v in re.findall(r"fontsize\s*=\s*([0-9.]+)", code) if float(v) < MIN_FONT_PT]
    assert not small, f"{chapter.name}: fontsize {small} < {MIN_FONT_PT} pt"
    wide = [line for line in code.splitlines() if len(line) > 78]
    assert not wide, f"{chapter.name}: {len(wide)} code lines wider than the column, e.g. {wide[0]!r}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_coding_exercises_have_a_stub_a_check_and_a_gated_solution(chapter):
    text = chapter.read_text()
    for label in re.findall(r"````\{exercise\} Coding:.*?\n:label: (\S+)", text):
        start = text.index(f":label: {label}")
        stub_to_solution = text[start:text.index(f"```{{solution-start}} {label}", start)]
        assert "raise NotImplementedError" in stub_to_solution, f"{label}: the reader's cell is not a stub"
        assert "ib.exercises.check_" in stub_to_solution, f"{label}: the reader has no check to run"
        solution = text[text.index(f"```{{solution-start}} {label}"):]
        solution = solution[:solution.index("```{solution-end}")]
        assert ".assert_correct()" in solution, f"{label}: the book's solution is not checked"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_equations_are_numbered_and_referenced(chapter):
    text = chapter.read_text()
    labels = re.findall(r"^\$\$ \((eq-[a-z0-9-]+)\)", text, flags=re.M)
    assert len(labels) >= 3, f"{chapter.name}: number the displays the text refers back to"
    unreferenced = [lab for lab in labels if f"{{eq}}`{lab}`" not in text]
    assert not unreferenced, f"{chapter.name}: numbered but never referenced: {unreferenced}"
