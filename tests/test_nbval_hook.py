"""The conftest hook lets `pytest --nbval` run MyST chapters; a failed claim fails the run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A test notebook

```{code-cell} ipython3
import ibcore as ib
```

```{code-cell} ipython3
"""


def _run(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "nb.md").write_text(HEADER + body + "\n```\n")
    (tmp_path / "plain.md").write_text("# Not a notebook\n\nJust text.\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
         ".", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )


def test_passing_notebook_passes(tmp_path):
    result = _run(tmp_path, 'ib.verify("C0.1 one is one", 1.0, 1.0, atol=1e-12)')
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout  # two code cells; plain.md is not collected


def test_failed_claim_fails_with_a_readable_message(tmp_path):
    result = _run(tmp_path, 'ib.verify("C0.2 one is two", 1.0, 2.0, atol=1e-12, against="arithmetic")')
    assert result.returncode != 0
    assert "ClaimFailed" in result.stdout and "C0.2 FAILED" in result.stdout and "arithmetic" in result.stdout
