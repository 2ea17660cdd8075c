"""``make mutants``: plant each mistake of the catalogue in a copy of ``ibcore``, run the chapters it can
affect, and require a chapter claim to fail.

For every mutant the runner copies the repository's ``ibcore`` and ``chapters`` into a scratch
folder, applies the one edit (which must match exactly once), and executes the listed chapters
cell by cell in a fresh Python process whose ``PYTHONPATH`` puts the mutated package first. It
stops at the first :class:`ibcore.ClaimFailed` — the mutant is *killed*, and the claim's label is
recorded — and otherwise tries the next chapter. Before any mutant, every chapter involved is run
once unmutated (the control): it must pass, or a "kill" would only mean a broken chapter. A mutant
that makes a chapter crash in another way (an integrator or solver failure) is not counted as
killed by a claim. The kill matrix is
written to ``_build/mutants.json``; the exit status is 1 unless every mutant was killed.

Usage: ``python tests/mutation/run.py [--jobs 2] [--only ID ...] [--output _build/mutants.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "mutation"))

from catalogue import MUTANTS, Mutant  # noqa: E402

# Runs one chapter in the current process, cell by cell, and prints one JSON line describing how it ended.
DRIVER = r"""
import json, sys, jupytext, matplotlib
matplotlib.use("Agg")
from IPython.core.interactiveshell import InteractiveShell
nb = jupytext.read(sys.argv[1])
shell = InteractiveShell.instance()
for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
    result = shell.run_cell(cell.source, silent=True)
    error = result.error_in_exec or result.error_before_exec
    if error is not None:
        print(json.dumps({"status": type(error).__name__, "cell": number, "message": str(error)[:400]}))
        sys.exit(0)
print(json.dumps({"status": "passed"}))
"""


def _label(message: str) -> str:
    head = message.split(" ", 1)[0].rstrip(":")
    return head if head.startswith("C") else message.split(":", 1)[0]


def _copy(work: Path) -> dict[str, str]:
    """Copy ``ibcore`` and ``chapters`` into ``work``; return the environment that imports that copy."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(ROOT / "ibcore", work / "ibcore")
    shutil.copytree(ROOT / "chapters", work / "chapters")
    return dict(os.environ, PYTHONPATH=str(work), MPLBACKEND="Agg", IBCORE_CLAIMS_DIR=str(work / "claims"),
                OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONWARNINGS="ignore")


def run_chapter(work: Path, env: dict[str, str], chapter: str, timeout: float) -> dict[str, object]:
    """Execute one chapter of the copy in ``work`` in a fresh process; return how it ended."""
    try:
        done = subprocess.run([sys.executable, "-c", DRIVER, str(work / "chapters" / f"{chapter}.md")],
                              cwd=work / "chapters", env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        outcome = json.loads(lines[-1]) if lines else {"status": "crashed", "message": done.stderr[-400:]}
    except subprocess.TimeoutExpired:
        outcome = {"status": "timeout"}
    outcome["chapter"] = chapter
    return outcome


def control(chapter: str, scratch: Path, timeout: float) -> dict[str, object]:
    """Run ``chapter`` on an unmutated copy: it must pass, or every 'kill' would mean nothing."""
    work = scratch / f"control-{chapter}"
    start = time.perf_counter()
    outcome = run_chapter(work, _copy(work), chapter, timeout)
    outcome["seconds"] = round(time.perf_counter() - start, 1)
    shutil.rmtree(work, ignore_errors=True)
    return outcome


def run_mutant(mutant: Mutant, scratch: Path, timeout: float) -> dict[str, object]:
    """Plant ``mutant`` in a fresh copy under ``scratch`` and run its chapters; return the kill record."""
    start = time.perf_counter()
    work = scratch / mutant.id
    env = _copy(work)
    target = work / mutant.path
    source = target.read_text()
    if source.count(mutant.find) != 1:
        raise SystemExit(f"mutant {mutant.id}: the text to replace occurs {source.count(mutant.find)} times "
                         f"in {mutant.path}; the catalogue is out of date")
    target.write_text(source.replace(mutant.find, mutant.replace))
    outcomes = []
    record: dict[str, object] = {"id": mutant.id, "module": mutant.path, "what": mutant.what,
                                 "killed_by": None, "chapter": None}
    for chapter in mutant.chapters:
        outcome = run_chapter(work, env, chapter, timeout)
        outcomes.append(outcome)
        if outcome["status"] == "ClaimFailed":
            record["killed_by"] = _label(str(outcome["message"]))
            record["chapter"] = chapter
            break
    record["outcomes"] = outcomes
    record["seconds"] = round(time.perf_counter() - start, 1)
    shutil.rmtree(work, ignore_errors=True)
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants run in parallel (default 2: the 2 cores)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these mutant ids")
    parser.add_argument("--output", default=str(ROOT / "_build" / "mutants.json"))
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds allowed per chapter run")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if args.only is None or m.id in args.only]
    if args.only and len(chosen) != len(args.only):
        unknown = set(args.only) - {m.id for m in chosen}
        raise SystemExit(f"unknown mutant ids: {sorted(unknown)}")
    start = time.perf_counter()
    chapters = sorted({c for m in chosen for c in m.chapters})
    with tempfile.TemporaryDirectory(prefix="ibcore-mutants-") as tmp, ThreadPoolExecutor(args.jobs) as pool:
        controls = list(pool.map(lambda c: control(c, Path(tmp), args.timeout), chapters))
        broken = [c for c in controls if c["status"] != "passed"]
        if broken:
            for c in broken:
                print(f"control run of {c['chapter']} without any mutant: {c['status']} {c.get('message', '')}")
            print("the chapters must pass unmutated before a mutant can be said to be killed")
            return 2
        records = list(pool.map(lambda m: run_mutant(m, Path(tmp), args.timeout), chosen))
    killed = [r for r in records if r["killed_by"]]
    for r in records:
        verdict = f"killed by {r['killed_by']} ({r['chapter']})" if r["killed_by"] else "SURVIVED"
        print(f"{r['id']:28s} {verdict:45s} {r['seconds']:6.1f} s")
    summary = {"mutants": len(records), "killed": len(killed), "seconds": round(time.perf_counter() - start, 1),
               "date": time.strftime("%Y-%m-%d"), "jobs": args.jobs,
               "control_seconds": {c["chapter"]: c["seconds"] for c in controls}}
    print(f"{summary['killed']} of {summary['mutants']} mutants killed by chapter claims in {summary['seconds']} s")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "mutants": records}, indent=1))
    return 0 if len(killed) == len(records) else 1


if __name__ == "__main__":
    sys.exit(main())
