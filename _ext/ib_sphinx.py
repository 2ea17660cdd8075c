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
4. The book's TeX macros are declared once, for MathJax (``mathjax3_config`` in
   ``_config.yml``); the PDF gets the same macros in its LaTeX preamble from that list.
"""

from __future__ import annotations

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


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _latex_macros)
    app.connect("html-page-context", _dedupe_inline_scripts)
    app.connect("html-page-context", _default_mode, priority=900)  # after the theme has filled the context
    app.connect("html-page-context", _bibliography_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
