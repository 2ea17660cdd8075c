"""The built book as a reader meets it: every page in headless Chromium (Playwright).

For each page: MathJax typesets every equation without an error node; every image loads
and has alt text; no console error, page error or failed request; axe-core reports no
serious or critical accessibility violation; a full-page screenshot goes to
``_build/screenshots``. Chapter pages also need theorem/proof, exercise and solution
blocks, and a solution dropdown must open on click. Links and Binder buttons are checked
in :mod:`test_links`.
"""

from __future__ import annotations

import json

import pytest
import yaml
from sitepaths import MATHJAX, ROOT, SHOTS


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.html" for f in files]


PAGES = _toc_pages()
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
    page.close()
