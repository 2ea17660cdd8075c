"""A copy of the repository as a fresh clone has it: the files git tracks (and new, unignored ones)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_tracked_files(target: Path) -> Path:
    """Copy the repository's files into ``target`` (nothing built, installed or ignored); returns ``target``."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        raise RuntimeError("git and the repository's .git are needed to copy the repository as a clone has it")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target
