"""Fail the book build if an executed chapter contains an error output or an empty figure.

Run by ``make book`` after ``jupyter-book build``. Some failures — an exception raised
while matplotlib renders a figure in IPython's post-execute hook — are recorded as
``error`` outputs although the cell's execution status is "ok", so the book builder does
not stop on them. This script reads the executed notebooks under
``_build/jupyter_execute`` and exits non-zero, naming chapter and cell, if any output is
an error, or if a glued figure carries no image.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def problems(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    found = []
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{path.name} code cell {number}: {out.ename}: {out.evalue[:200]}")
            data = out.get("data", {})
            if "glue(" in cell.source and "fig" in cell.source and out.output_type == "display_data":
                scrap = out.get("metadata", {}).get("scrapbook", {})
                if scrap.get("name", "").startswith("fig_") and "image/png" not in data:
                    found.append(f"{path.name} code cell {number}: glued figure {scrap['name']} has no image")
    return found


def main() -> int:
    executed = sorted((ROOT / "_build" / "jupyter_execute").rglob("*.ipynb"))
    if not executed:
        print("check_executed_notebooks: no executed notebooks under _build/jupyter_execute", file=sys.stderr)
        return 1
    issues = [p for path in executed for p in problems(path)]
    for issue in issues:
        print(f"check_executed_notebooks: {issue}", file=sys.stderr)
    print(f"check_executed_notebooks: {len(executed)} executed notebooks, {len(issues)} problems")
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
