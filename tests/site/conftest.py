"""Fixtures for the checks of the built site (``make site-test``, after ``make book``).

They need the built HTML in ``_build/html``, Debian's Chromium and a local MathJax (the
site loads MathJax from a CDN, which the test machines cannot reach; the same file is
served from ``node_modules`` instead). Where one is missing the tests are skipped with the
reason — except under CI (``CI=true``), where a missing prerequisite is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from sitepaths import CHROMIUM, MATHJAX, SITE


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        _missing("the book is not built: run `make book` first")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest's output readable
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site on a loopback port, for the browser."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"no Chromium at {CHROMIUM}: install Debian's `chromium` package")
    if not (MATHJAX / "es5" / "tex-mml-chtml.js").exists():
        _missing(f"no MathJax at {MATHJAX}: run `npm install --prefix .cache mathjax@3`")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (extra 'site')")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()
