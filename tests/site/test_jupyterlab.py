"""Binder's way of running a chapter: real JupyterLab, started as Binder starts it, in Chromium.

Binder copies the repository into the home directory and starts JupyterLab there, so the
repository's ``.jupyter`` folder is the user's Jupyter configuration. The module does the same:
the files git tracks are copied into a fresh folder, which becomes ``HOME`` (no ``JUPYTER_*``
variable is inherited), and ``jupyter lab`` runs from this environment, whose versions are the
ones ``requirements.lock`` pins for Binder too. For every chapter the test follows the chapter
page's own Binder link (its ``urlpath``) and checks, in what the reader sees:

- the chapter opens as a notebook (the *Jupytext Notebook* viewer), not as a text file;
- jupyterlab-myst renders its theorem/proof and exercise/solution blocks (as many as the source
  has) and no directive is left as raw text; the only directive it cannot render is myst-nb's
  ``{glue:figure}``, whose figure the notebook shows as the output of the cell above it;
- KaTeX typesets the math with the book's macros and reports no error (the check is shown to
  see an undefined macro on a control notebook without the macro cell);
- *Run > Run All Cells*, clicked in the menu, executes every code cell with no error and
  nothing written to stderr.

Screenshots go to ``_build/screenshots/lab_<chapter>.png``.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from checkout import copy_tracked_files
from sitepaths import ROOT, SHOTS

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.md"))
RUN_TIMEOUT_S = 300  # per chapter, through the UI; the chapters take 6-17 s under nbval
#: what a KaTeX or MyST math error prints where the formula should be
MATH_ERROR = re.compile(r"Undefined control sequence|KaTeX parse error|ParseError")
#: directives the notebook view cannot render, each with the reason it is acceptable
UNRENDERED_OK = {"glue:figure": "myst-nb's figure glue; ibcore.chapter.glue shows the figure as a cell output"}
#: the blocks jupyterlab-myst must render: (its CSS class, the title it gives them, the directives in the source)
BLOCKS = {
    "theorems and proofs": ("myst-proof", r".*", re.compile(r"^(?:`{3,}|:{3,})\{prf:[a-z]+\}", re.MULTILINE)),
    "exercises and solutions": ("myst-exercise", r"^(Exercise\s\d+|(Start\sof\s)?Solution\sto\sExercise\s\d+)",
                                re.compile(r"^(?:`{3,}|:{3,})\{(?:exercise|solution|solution-start)\}", re.MULTILINE)),
}
#: counts the rendered blocks of a CSS class whose title matches a pattern
COUNT_BLOCKS = """([css, title]) => [...document.querySelectorAll('.jp-Notebook .' + css)].filter(
  e => new RegExp(title).test(((e.querySelector('.' + css + '-title') || {}).innerText || '').trim())).length"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_tracked_files(home: Path) -> None:
    """The repository as Binder clones it (the files git tracks), and a control notebook."""
    copy_tracked_files(home)
    # a control notebook: the book's math without the macro cell must show KaTeX errors
    (home / "control").mkdir()
    header = (ROOT / "chapters" / "least_squares.md").read_text().split("\n---\n", 1)[0] + "\n---\n"
    (home / "control" / "no_macros.md").write_text(header + "\nThe norm $\\norm{x}$ needs a macro.\n")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (extra 'lab')")
    home = tmp_path_factory.mktemp("binder-home")
    _copy_tracked_files(home)
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(HOME=str(home), IBCORE_BOOK_BUILD="0")
    import requests

    log = home.parent / "jupyterlab.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out, subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--allow-root"],
        cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT,
    ) as proc:
        try:
            for _ in range(200):
                try:
                    if requests.get(f"{base}/api/status", params={"token": token}, timeout=2).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.3)
            else:
                pytest.fail(f"JupyterLab did not start: {log.read_text()[-2000:]}")
            yield base, token
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


def _binder_urlpath(site: Path, chapter: str) -> str:
    """The ``urlpath`` of the Binder link on the chapter's page of the built book."""
    html = (site / "chapters" / f"{chapter}.html").read_text()
    links = re.findall(r'href="(https://mybinder\.org/v2/[^"]+)"', html)
    assert links, f"{chapter}: the page has no Binder link"
    urlpath = parse_qs(urlparse(links[0].replace("&amp;", "&")).query)["urlpath"][0]
    assert urlpath == f"lab/tree/chapters/{chapter}.md", f"{chapter}: the Binder link opens {urlpath}"
    return urlpath


def _open(page, base: str, token: str, urlpath: str) -> None:
    page.goto(f"{base}/{urlpath}?reset&token={token}")  # reset: a fresh workspace, only this document open
    page.wait_for_selector("#jp-main-dock-panel .jp-NotebookPanel, #jp-main-dock-panel .jp-FileEditor",
                           timeout=90_000)
    assert page.locator("#jp-main-dock-panel .jp-FileEditor").count() == 0, \
        f"{urlpath} opened as a text file, not as a notebook (is jupytext's JupyterLab extension loaded?)"
    assert page.locator("#jp-main-dock-panel .jp-NotebookPanel").count() == 1, f"{urlpath}: other documents open"


def _math_errors(page) -> list[str]:
    """Display math shows its error in the text; inline math in a tooltip (``title``) on a warning icon."""
    text = page.locator("#jp-main-dock-panel .jp-Notebook").inner_text()
    errors = [line[:160] for line in text.splitlines() if MATH_ERROR.search(line)]
    titles = page.evaluate("() => [...document.querySelectorAll('.jp-Notebook [title]')].map(e => e.title)")
    errors += [t[:160] for t in titles if MATH_ERROR.search(t)]
    return errors + [f"{n} KaTeX error node(s)" for n in [page.locator(".jp-Notebook .katex-error").count()] if n]


def test_the_math_check_sees_an_undefined_macro(lab, browser):
    base, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _open(page, base, token, "lab/tree/control/no_macros.md")
        page.wait_for_function("() => document.body.innerText.includes('needs a macro')", timeout=60_000)
        assert _math_errors(page), "an undefined \\norm was not detected: the math check cannot fail"
    finally:
        page.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_binder_opens_renders_and_runs_the_chapter(lab, browser, site, chapter):
    base, token = lab
    source = (ROOT / "chapters" / f"{chapter}.md").read_text()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _open(page, base, token, _binder_urlpath(site, chapter))
        notebook = page.locator("#jp-main-dock-panel .jp-Notebook")
        # every block the source has, rendered by jupyterlab-myst
        for what, (css, title, directive) in BLOCKS.items():
            expected = len(directive.findall(source))
            page.wait_for_function(f"args => ({COUNT_BLOCKS})(args) >= {expected}", arg=[css, title],
                                   timeout=90_000)
            rendered = page.evaluate(COUNT_BLOCKS, [css, title])
            assert rendered == expected, f"{chapter}: {rendered} {what} rendered, {expected} in the source"
        text = notebook.inner_text()
        raw = [line for line in text.splitlines() if re.match(r"^(?:```|:::)\{", line.strip())]
        assert not raw, f"{chapter}: directives shown as raw text: {raw[:5]}"
        unknown = set(re.findall(r"^(\S+) - Unknown Directive", text, re.MULTILINE))
        assert unknown <= set(UNRENDERED_OK), f"{chapter}: directives JupyterLab cannot render: {unknown}"
        assert page.locator(".jp-Notebook .katex").count() > 10, f"{chapter}: the math was not typeset"
        assert not _math_errors(page), f"{chapter}: math errors: {_math_errors(page)[:5]}"
        # Run > Run All Cells, through the menu
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
        n_code = prompts.count()
        assert n_code >= 5, f"{chapter}: only {n_code} code cells"
        page.wait_for_function(
            """() => { const p = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                       return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }""",
            timeout=RUN_TIMEOUT_S * 1000)
        errors = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        shown = [errors.nth(k).inner_text()[:400] for k in range(min(errors.count(), 3))]
        assert not shown, f"{chapter}: error or stderr output after Run All: {shown}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"lab_{chapter}.png"))
    finally:
        page.close()
