"""Fixes to what Jupyter Book 1 puts in the pages (found by tests/site), and one macro list.

1. sphinx-thebe's inline configuration script is registered twice, so every page raised
   ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared`` in the reader's
   console. Keep the first copy of each inline script.
2. pydata-sphinx-theme logs ``Got invalid theme mode`` on a reader's first visit because
   sphinx-book-theme leaves the page's default mode empty; make it ``auto`` (follow the
   reader's system setting).
3. docutils renders the bibliography as ``role="list"`` whose entries carry the deprecated
   ``role="doc-biblioentry"``, which assistive technology (and axe-core, as a critical
   violation) does not accept as list items; give the entries ``role="listitem"``.
4. The chapters are executed by Jupyter Book in kernels started from this process: it sets
   ``IBCORE_BOOK_BUILD=1`` so that ``ibcore.chapter.glue`` leaves glued figures to their
   ``{glue:figure}`` directives (a notebook opened elsewhere shows them as cell outputs).
5. Each chapter as a stand-alone ``.ipynb`` (:mod:`ib_notebooks`), written to ``notebooks/`` in
   the site, with a *Colab* entry in the page's launch menu and the *.ipynb* download pointing
   at it (the theme's own would offer the executed notebook, which needs myst-nb).
6. The book's TeX macros are declared once, for MathJax (``mathjax3_config`` in
   ``_config.yml``); the PDF gets the same macros in its LaTeX preamble from that list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _dedupe_inline_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[str] = set()
    kept = []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body") if hasattr(script, "attributes") else None
        if body:
            if body in seen:
                continue
            seen.add(body)
        kept.append(script)
    context["script_files"] = kept


def _default_mode(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def _bibliography_roles(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _latex_macros(app: Any, config: Any) -> None:
    macros = ((config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    lines = []
    for name, body in macros.items():
        definition, nargs = (body[0], int(body[1])) if isinstance(body, list) else (body, 0)
        args = f"[{nargs}]" if nargs else ""
        # robust, so that macros also work in moving arguments (captions, titles)
        lines.append(f"\\DeclareRobustCommand{{\\{name}}}{args}{{{definition}}}")
    elements = dict(config.latex_elements or {})
    # a citation or cross-reference inside a figure caption breaks hyperref (the caption is
    # a moving argument): in captions, print their text without the link
    lines += ["\\makeatletter", "\\def\\ib@plainref[#1]#2{#2}", "\\let\\ib@caption\\caption",
              "\\renewcommand{\\caption}{\\let\\hyperref\\ib@plainref\\let\\hyperlink\\@secondoftwo"
              "\\let\\DUrole\\@secondoftwo\\ib@caption}", "\\makeatother"]
    elements["preamble"] = elements.get("preamble", "") + "\n" + "\n".join(lines) + "\n"
    config.latex_elements = elements


def _chapters(app: Any) -> dict[str, str]:
    return {doc.split("/", 1)[1]: app.env.titles[doc].astext() for doc in app.env.found_docs
            if doc.startswith("chapters/")}


def _write_notebooks(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    from ib_notebooks import write_chapter_notebooks

    options = app.config.html_theme_options
    macros = ((app.config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    write_chapter_notebooks(Path(app.srcdir), Path(app.outdir), _chapters(app),
                            repository_url=options["repository_url"], branch=options.get("repository_branch", "main"),
                            macros=macros)


def _notebook_buttons(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if not pagename.startswith("chapters/") or app.builder.name != "html":
        return
    from ib_notebooks import NOTEBOOK_DIR, colab_url

    chapter = pagename.split("/", 1)[1]
    download = context["pathto"](f"{NOTEBOOK_DIR}/{chapter}.ipynb", 1)
    colab = {"type": "link", "text": "Colab", "tooltip": "Open this chapter's notebook in Colab",
             "icon": "_static/images/logo_colab.png",
             "url": colab_url(app.config.html_theme_options["repository_url"], chapter)}
    notebook = {"type": "link", "text": ".ipynb", "tooltip": "Download this chapter as a notebook",
                "icon": "fas fa-code", "url": download}
    groups = [b for b in context.get("header_buttons", []) if b.get("type") == "group"]
    launch = [g for g in groups if any(b.get("text") == "Binder" for b in g.get("buttons", []))]
    files = [g for g in groups if any(b.get("text") in (".md", ".ipynb", ".pdf") for b in g.get("buttons", []))]
    if len(launch) != 1 or len(files) != 1:
        raise RuntimeError(f"{pagename}: the theme's launch and download menus were not found")
    launch[0]["buttons"] = [b for b in launch[0]["buttons"] if b.get("text") != "Colab"] + [colab]
    files[0]["buttons"] = [b for b in files[0]["buttons"] if b.get("text") != ".ipynb"] + [notebook]


def setup(app: Any) -> dict[str, Any]:
    os.environ["IBCORE_BOOK_BUILD"] = "1"  # inherited by the kernels that execute the chapters
    app.connect("config-inited", _latex_macros)
    app.connect("html-page-context", _dedupe_inline_scripts)
    app.connect("html-page-context", _default_mode, priority=900)  # after the theme has filled the context
    app.connect("html-page-context", _bibliography_roles)
    app.connect("html-page-context", _notebook_buttons, priority=950)  # after the theme's own buttons
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
