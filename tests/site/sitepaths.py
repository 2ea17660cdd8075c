"""Paths and executables shared by the site checks (imported by conftest and the tests)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
MATHJAX = Path(os.environ.get("IB_MATHJAX_DIR", ROOT / ".cache" / "node_modules" / "mathjax"))
CHROMIUM = os.environ.get("IB_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
