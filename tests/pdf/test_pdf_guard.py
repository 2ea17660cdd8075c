"""``make pdf`` cannot publish a failing claim as passed.

A copy of the repository (the files git tracks) gets one more claim in the first chapter, just
before ``claims.finish()``: a value 10 % away from its reference with a 0.1 % tolerance, so
``ib.verify`` raises ``ClaimFailed``. ``make pdf`` in the copy (with this environment) must fail,
and its output must name the planted claim, so the failure is the claim's and not something else.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from checkout import copy_tracked_files

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "C9.99 planted"
CELL = f"""
```{{code-cell}} ipython3
claims.verify("{PLANTED}: a claim that fails", 1.1, 1.0, rtol=1e-3, why="planted by tests/pdf")
```
"""


def test_make_pdf_fails_on_a_planted_failing_claim(tmp_path):
    copy = copy_tracked_files(tmp_path / "book")
    chapter = copy / "chapters" / "least_squares.md"
    text = chapter.read_text()
    last = text.rindex("```{code-cell}", 0, text.index('glue("ls_runtime", claims.finish()'))
    chapter.write_text(text[:last] + CELL.lstrip("\n") + "\n" + text[last:])
    # this environment, as it is (-o: never reinstall it from the copy)
    venv = ROOT / ".venv"
    run = subprocess.run(["make", "-o", f"{venv}/.installed", "pdf", f"VENV={venv}"], cwd=copy,
                         capture_output=True, text=True, timeout=1800)
    # the build's log and the execution reports (where myst-nb keeps a failed chapter's traceback)
    reports = [p for p in (copy / "_build").rglob("*.log") if "reports" in p.parts]
    logs = [copy / "_build" / "pdf.log", *sorted(reports)]
    log = "\n".join(p.read_text(errors="replace") for p in logs if p.is_file())
    assert run.returncode != 0, "make pdf succeeded with a failing claim in the book"
    assert PLANTED in run.stdout + run.stderr + log and "ClaimFailed" in run.stdout + run.stderr + log, \
        f"make pdf failed, but not on the planted claim:\n{run.stdout[-3000:]}\n{run.stderr[-2000:]}"
