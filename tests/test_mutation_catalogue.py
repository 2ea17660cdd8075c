"""The mutation catalogue stays applicable: every planted mistake names a line that exists exactly once."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("catalogue", ROOT / "tests" / "mutation" / "catalogue.py")
catalogue = importlib.util.module_from_spec(_spec)
sys.modules["catalogue"] = catalogue  # dataclasses look their module up there
_spec.loader.exec_module(catalogue)


@pytest.mark.parametrize("mutant", catalogue.MUTANTS, ids=[m.id for m in catalogue.MUTANTS])
def test_each_mutant_finds_its_line_exactly_once(mutant):
    text = (ROOT / mutant.path).read_text()
    assert text.count(mutant.find) == 1, f"{mutant.id}: {mutant.find!r} occurs {text.count(mutant.find)} times"
    assert mutant.replace != mutant.find and mutant.chapters
