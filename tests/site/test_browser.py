"""The built book as a reader meets it: every page in headless Chromium (Playwright).

For each page: MathJax typesets every equation without an error node; every image loads
and has alt text; no console error, page error or failed request; axe-core reports no
serious or critical accessibility violation; a full-page screenshot goes to
``_build/screenshots``. Chapter pages also need theorem/proof, exercise and solution
blocks, and a solution dropdown must open on click. Links and Binder buttons are checked
in :mod:`test_links`.

And what a reader sees (:func:`_reader_view`): no internal words; no equation, code line or
output wider than the column at 1280 px (with every folded cell opened); every figure's
smallest text at least ``ib.plotting.MIN_TEXT_PX`` pixels high; on a chapter, at most
``VISIBLE_CODE_BUDGET`` lines of unfolded code, and every claim the chapter recorded shown as
a verdict in the lecture, i.e. as the output of the cell that ran its experiment, before the
chapter's closing sections.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image
from sitepaths import MATHJAX, ROOT, SHOTS, SITE

from ibcore import plotting


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.html" for f in files]


PAGES = _toc_pages()
VISIBLE_CODE_BUDGET = 200  # lines of unfolded code per chapter
#: words of the project's own process, which a reader of the book has no use for
INTERNAL = re.compile(r"(?-i:\bDESIGN\b)|\bissues?\b|earlier version|np\.float64\(", re.IGNORECASE)
#: ... and, in a lecture, talk of the package's own tests (the reproducibility page reports them)
INTERNAL_LECTURE = re.compile(r"unit tests?|the tests? (?:contain|check)", re.IGNORECASE)
SERIOUS = ("serious", "critical")
# resolves once every finite CSS animation and transition on the page has ended (fades, hovers)
SETTLE = """Promise.all(document.getAnimations()
  .filter(a => a.effect && Number.isFinite(a.effect.getComputedTiming().endTime))
  .map(a => a.finished.catch(() => null)))"""


def _route_mathjax(route) -> None:  # type: ignore[no-untyped-def]
    local = MATHJAX / "es5" / route.request.url.split("/es5/", 1)[1].split("?")[0]
    if local.exists():
        route.fulfill(path=str(local))
    else:
        route.abort()


def test_every_page_of_the_toc_was_built(site):
    missing = [p for p in PAGES if not (site / p).exists()]
    assert not missing, f"pages of _toc.yml missing from the site: {missing}"


@pytest.mark.parametrize("page_name", PAGES)
def test_page_in_a_real_browser(page_name, server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.route("**/mathjax@3/es5/**", _route_mathjax)
    page.goto(f"{server}/{page_name}", wait_until="load")

    # 1. equations: every math node typeset, none in error
    n_math = page.evaluate("document.querySelectorAll('span.math, div.math').length")
    if n_math:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("MathJax.startup.promise")
        untypeset = page.evaluate(
            "[...document.querySelectorAll('span.math, div.math')]"
            ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80))"
        )
        assert not untypeset, f"{page_name}: {len(untypeset)} equations not typeset, e.g. {untypeset[:3]}"
        errors = page.evaluate(
            "[...document.querySelectorAll('mjx-merror, [data-mjx-error]')]"
            ".map(e => e.getAttribute('data-mjx-error') || e.textContent)"
        )
        assert not errors, f"{page_name}: MathJax errors {errors[:5]}"

    # 2. images load and carry alt text
    images = page.evaluate(
        "[...document.images].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0,"
        " alt: (i.getAttribute('alt') || '').trim()}))"
    )
    broken = [i["src"] for i in images if not i["ok"]]
    no_alt = [i["src"] for i in images if not i["alt"]]
    assert not broken, f"{page_name}: images that did not load: {broken}"
    assert not no_alt, f"{page_name}: images without alt text: {no_alt}"

    # 3. the blocks of a chapter render, and a solution opens on click
    if page_name.startswith("chapters/"):
        for selector in ("div.proof.theorem, div.proof.proposition, div.proof.lemma", "div.exercise",
                         "div.solution"):
            assert page.locator(selector).count() > 0, f"{page_name}: no {selector}"
        solution = page.locator("div.solution.dropdown").first
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert not body.is_visible(), f"{page_name}: the first solution is not folded"
        solution.locator("button.toggle-button").first.click()
        body.wait_for(state="visible", timeout=5_000)
        # the body fades in (sphinx-togglebutton, 0.3 s): a reader reads it once the fade is over,
        # and axe-core measures contrast on the opacity of the moment, so wait for the fade to end
        page.evaluate(SETTLE)
        opacity = float(body.evaluate("el => getComputedStyle(el).opacity"))
        assert opacity == 1.0, f"{page_name}: the opened solution is still {opacity:.2f} opaque after its fade-in"
        solution.locator("button.toggle-button").first.click()  # fold it again, as a reader finds the page
        body.wait_for(state="hidden", timeout=5_000)

    # 4. nothing went wrong while a reader looked at the page (checked before axe-core runs:
    #    axe fetches stylesheets itself to analyse them, which is not what a reader's browser does)
    assert not problems, f"{page_name}: {problems}"

    # 5. accessibility: no serious or critical axe-core violation, on the page at rest
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(SETTLE)

    violations = [v for v in Axe().run(page).response["violations"] if v.get("impact") in SERIOUS]
    summary = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in violations]
    assert not violations, f"{page_name}: axe-core violations {json.dumps(summary)}"

    # 6. screenshots for a person to look at
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = page_name.replace("/", "__").removesuffix(".html")
    page.screenshot(path=str(SHOTS / f"{stem}.png"), full_page=True)
    if page_name.startswith("chapters/"):  # and the dark theme, where figures keep their white background
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        figure = page.locator("figure img")
        if figure.count():
            figure.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{stem}__dark.png"), full_page=False)
        page.evaluate("document.documentElement.dataset.theme = 'light'")

    # 7. what the reader sees: words, widths, figure text, code budget, verdicts
    _reader_view(page, page_name)
    page.close()


VISIBLE_CODE = """() => [...document.querySelectorAll('div.cell_input')].filter(e => e.checkVisibility())
  .map(e => (e.querySelector('pre') || e).textContent.replace(/\\n$/, '').split('\\n').length)
  .reduce((a, b) => a + b, 0)"""
# every element a reader would need to scroll sideways (any scroll container of the article, and
# the article itself), once each folded cell and dropdown is open
OVERFLOW = """() => {
  document.querySelectorAll('.bd-article details').forEach(d => d.open = true);
  const wide = [];
  const article = document.querySelector('.bd-article');
  for (const e of [article, ...article.querySelectorAll('*')]) {
    if (e.offsetParent === null && e !== article) continue;
    const style = getComputedStyle(e);
    const scrolls = e === article || /auto|scroll/.test(style.overflowX);
    if (scrolls && e.scrollWidth > e.clientWidth + 2)
      wide.push(e.tagName + '.' + (e.className || '') + ': ' + e.textContent.trim().slice(0, 60));
  }
  return wide;
}"""
FIGURES = """() => [...document.querySelectorAll('.bd-article img')].filter(i => i.offsetParent !== null)
  .map(i => ({src: i.getAttribute('src'), shown: i.getBoundingClientRect().width, natural: i.naturalWidth}))"""
VERDICTS = """() => {
  const end = [...document.querySelectorAll('h2')].find(h => /Going further/.test(h.textContent));
  const endY = end ? end.getBoundingClientRect().top : Infinity;
  return [...document.querySelectorAll('div.cell_output strong')]
    .filter(s => /^✔ C\\d/.test(s.textContent))
    .map(s => ({label: s.textContent.slice(2).trim(), before_end: s.getBoundingClientRect().top < endY,
                in_cell: !!s.closest('div.cell')}));
}"""


def _reader_view(page, page_name: str) -> None:  # type: ignore[no-untyped-def]
    text = page.locator(".bd-article").inner_text()
    patterns = (INTERNAL, INTERNAL_LECTURE) if page_name.startswith("chapters/") else (INTERNAL,)
    internal = sorted({m.group(0) for p in patterns for m in p.finditer(text)})
    assert not internal, f"{page_name}: internal words reach the reader: {internal}"

    if page_name.startswith("chapters/"):
        lines = page.evaluate(VISIBLE_CODE)
        assert lines <= VISIBLE_CODE_BUDGET, f"{page_name}: {lines} lines of unfolded code > {VISIBLE_CODE_BUDGET}"
        record = ROOT / "_build" / "claims" / f"{Path(page_name).stem}.json"
        labels = [c["label"] for c in json.loads(record.read_text())["claims"]]
        shown = {v["label"].split()[0]: v for v in page.evaluate(VERDICTS)}
        missing = [lab for lab in labels if lab not in shown]
        assert not missing, f"{page_name}: claims without a verdict on the page: {missing}"
        astray = [lab for lab in labels if not (shown[lab]["before_end"] and shown[lab]["in_cell"])]
        assert not astray, f"{page_name}: verdicts not next to their experiment: {astray}"

    for fig in page.evaluate(FIGURES):
        if not fig["src"].endswith(".png") or not fig["natural"]:
            continue
        with Image.open(SITE / Path(page_name).parent / fig["src"]) as png:
            dpi = png.info.get("dpi", (72, 72))[0]
        text_px = plotting.MIN_FONT_PT / 72 * dpi * fig["shown"] / fig["natural"]
        assert text_px >= plotting.MIN_TEXT_PX - 0.05, (
            f"{page_name}: figure {fig['src']} shows its {plotting.MIN_FONT_PT:g}-pt text at {text_px:.1f} px "
            f"(< {plotting.MIN_TEXT_PX:g}); make it narrower than {plotting.MAX_WIDTH_IN:.1f} in")

    wide = page.evaluate(OVERFLOW)  # last: it opens every folded cell
    assert not wide, f"{page_name}: wider than the column at 1280 px: {wide[:5]}"
