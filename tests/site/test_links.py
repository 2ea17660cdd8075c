"""Links of the built site, read from the HTML (no browser needed).

Every internal link resolves to an existing file and anchor; every citation points into
the bibliography page at an entry that exists; every chapter's Binder button opens that
chapter's ``.md`` source, which exists in the repository.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from sitepaths import ROOT


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, class)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"] or "")
        if tag == "a" and a.get("href"):
            self.links.append((a["href"] or "", a.get("class") or ""))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(site: Path) -> dict[Path, _Page]:
    return {p: _parse(p) for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_")}


def test_every_internal_link_resolves(site):
    pages = _pages(site)
    bad = []
    for path, page in pages.items():
        for href, _ in page.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if not target.exists():
                bad.append(f"{path.relative_to(site)} -> {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    bad.append(f"{path.relative_to(site)} -> {href} (no such anchor)")
    assert not bad, f"{len(bad)} broken internal links:\n" + "\n".join(bad[:30])


def test_citations_link_into_the_bibliography(site):
    bib = _parse(site / "bibliography.html")
    chapters = sorted((site / "chapters").glob("*.html"))
    assert chapters
    for path in chapters:
        cites = [h for h, _ in _parse(path).links if "bibliography.html#" in h]
        assert cites, f"{path.name} cites nothing"
        missing = [h for h in cites if h.split("#", 1)[1] not in bib.ids]
        assert not missing, f"{path.name}: citations to missing entries {missing}"


def test_binder_buttons_open_the_chapter_sources(site):
    for path in sorted((site / "chapters").glob("*.html")):
        links = [h for h, _ in _parse(path).links if "mybinder.org" in h]
        assert links, f"{path.name} has no Binder button"
        for href in links:
            urlpath = parse_qs(urlsplit(href).query)["urlpath"][0]
            m = re.fullmatch(r"lab/tree/(.+)", urlpath)
            assert m, f"{path.name}: unexpected Binder urlpath {urlpath}"
            assert m.group(1) == f"chapters/{path.stem}.md", f"{path.name}: Binder opens {m.group(1)}"
            assert (ROOT / m.group(1)).exists()


def test_figures_are_opaque_for_dark_mode(site):
    """Figures carry their own white background (ibcore.plotting), so the dark theme cannot hide axes or labels."""
    from PIL import Image

    figures = sorted((site / "_images").glob("*.png"))
    assert figures, "no figures in the site"
    for path in figures:
        with Image.open(path) as im:
            if "A" in im.getbands():
                assert im.getchannel("A").getextrema()[0] == 255, f"{path.name} has transparent pixels"
