"""The API reference: every public name of a documented module has a complete numpy-style docstring.

For each module in ``DOCUMENTED``, every public function and class defined there (names imported
from elsewhere are skipped: their ``__module__`` differs), and every public method and property a
class defines itself, must have a docstring with

- a ``Parameters`` section, when it takes parameters (other than ``self`` or ``cls``);
- a ``Returns`` section, when it returns something (a function or method not annotated ``-> None``,
  or a property; classes are exempt);
- an ``Examples`` section with a doctest (``>>>``); a method or property may rely on the example of
  its class instead.

A method or property that overrides one documented on a base class defined in ``ibcore`` (the
protocols :class:`ibcore.losses.Loss`, :class:`ibcore.potentials.Potential`,
:class:`ibcore.parametrizations.Parametrization`) is documented once, on the base: the override
has no docstring of its own (Sphinx shows the base's), or only a short statement of its own formula
with a pointer "See :meth:`Base.method`" to the base. Either way the base's docstring is the one
checked, with the examples of both classes.

The examples themselves run under ``pytest --doctest-modules ibcore`` (see the Makefile).
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass

import pytest

# The modules whose docstrings are complete. The list grows to every module of ibcore as each one is
# documented; add a module here in the same change that completes its docstrings.
DOCUMENTED = [
    "ibcore.data",
    "ibcore.recovery",
    "ibcore.schedules",
    "ibcore.verification",
    "ibcore.chapter",
    "ibcore.plotting",
    "ibcore.classification",
    "ibcore.lazy",
    "ibcore.sensing",
    "ibcore.noise",
    "ibcore.losses",
    "ibcore.parametrizations",
    "ibcore.potentials",
    "ibcore.algorithms",
    "ibcore.programs",
    "ibcore.limits",
    "ibcore.regularized",
    "ibcore.records",
    "ibcore.errors",
    "ibcore.exercises",
    "ibcore.exercises._check",
    "ibcore.exercises.diagonal_networks",
    "ibcore.exercises.kernel_rich_regimes",
    "ibcore.exercises.least_squares",
    "ibcore.exercises.max_margin",
    "ibcore.exercises.noise",
    "ibcore.exercises.sparse_recovery",
    "ibcore.exercises.time_dependent_legendre",
]


@dataclass(frozen=True)
class Documented:
    """One public name: its dotted name, its docstring, what it must document, its class's docstring."""

    name: str
    doc: str
    has_parameters: bool
    returns_something: bool
    class_doc: str = ""
    inherits: str = ""  # the documented base member an override defers to, if any


def _has_parameters(func: object, *, bound: bool) -> bool:
    try:
        params = list(inspect.signature(func).parameters.values())  # type: ignore[arg-type]
    except (TypeError, ValueError):  # a builtin without a signature
        return False
    if bound and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return bool(params)


def _returns_something(func: object) -> bool:
    annotation = inspect.signature(func).return_annotation  # type: ignore[arg-type]
    return annotation not in (None, "None")


def _function(raw: object) -> object:
    """The function behind a class attribute (a property's getter, a static or class method's function)."""
    if isinstance(raw, property):
        return raw.fget
    return raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw


def _own_doc(raw: object) -> str:
    """The docstring written on this very attribute (``inspect.getdoc`` would also look in the bases)."""
    doc = getattr(_function(raw), "__doc__", None)
    return inspect.cleandoc(doc) if doc else ""


def _base_doc(cls: type, attr: str) -> tuple[str, str, str]:
    """``(docstring, class docstring, dotted name)`` of the nearest documented member ``attr`` of an ibcore base."""
    for base in cls.__mro__[1:]:
        if not base.__module__.startswith("ibcore") or attr not in vars(base):
            continue
        raw = vars(base)[attr]
        if not (isinstance(raw, property) or inspect.isfunction(_function(raw))):
            continue  # a class constant of the base, not a method
        doc = _own_doc(raw)
        if doc:
            return doc, inspect.getdoc(base) or "", f"{base.__module__}.{base.__qualname__}.{attr}"
    return "", "", ""


def _is_pointer(doc: str) -> bool:
    """A short docstring of an override: no numpy section, a reference ``See :meth:`...``` to the base."""
    return "\n---" not in doc and re.search(r"See\s+:(meth|attr):`", doc) is not None


def _member(cls: type, module: str, attr: str, raw: object, has_parameters: bool, returns_something: bool,
            class_doc: str) -> Documented:
    name = f"{module}.{cls.__name__}.{attr}"
    own = _own_doc(raw)
    base_doc, base_class_doc, base_name = _base_doc(cls, attr)
    if base_doc and (not own or _is_pointer(own)):  # an override documented once, on its base
        return Documented(name, base_doc, has_parameters, returns_something, f"{base_class_doc}\n{class_doc}",
                          base_name)
    return Documented(name, own, has_parameters, returns_something, class_doc)


def _members(cls: type, module: str) -> list[Documented]:
    out = []
    class_doc = inspect.getdoc(cls) or ""
    for attr, raw in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(raw, property):
            out.append(_member(cls, module, attr, raw, False, True, class_doc))
            continue
        bound = not isinstance(raw, staticmethod)
        func = _function(raw)
        if not inspect.isfunction(func):
            continue  # a field default or a class constant, not a method
        out.append(_member(cls, module, attr, raw, _has_parameters(func, bound=bound), _returns_something(func),
                           class_doc))
    return out


def _public_names() -> list[Documented]:
    found = []
    for module_name in DOCUMENTED:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
                continue
            if inspect.isclass(obj):
                found.append(Documented(f"{module_name}.{name}", inspect.getdoc(obj) or "",
                                        _has_parameters(obj, bound=False), False))
                found += _members(obj, module_name)
            elif inspect.isfunction(obj):
                found.append(Documented(f"{module_name}.{name}", inspect.getdoc(obj) or "",
                                        _has_parameters(obj, bound=False), _returns_something(obj)))
    return found


PUBLIC = _public_names()


def _has_example(doc: str) -> bool:
    return "Examples" in doc and ">>>" in doc


def test_every_documented_module_is_found_and_has_public_names():
    names = {item.name.rsplit(".", 1)[0] for item in PUBLIC}
    for module_name in DOCUMENTED:
        assert importlib.import_module(module_name).__doc__, f"{module_name} has no module docstring"
    assert "ibcore.data" in names and "ibcore.exercises._check" in names
    assert len(PUBLIC) > 100


@pytest.mark.parametrize("item", PUBLIC, ids=[item.name for item in PUBLIC])
def test_public_name_has_a_numpy_style_docstring(item):
    assert item.doc.strip(), f"{item.name} has no docstring (nor does an ibcore base class document it)"
    summary = item.doc.strip().splitlines()[0]
    assert summary.strip(), f"{item.name}: the docstring must open with a one-line summary"
    if item.has_parameters:
        assert "Parameters\n----------" in item.doc, f"{item.name} takes parameters but has no Parameters section"
    if item.returns_something:
        assert "Returns\n-------" in item.doc, f"{item.name} returns a value but has no Returns section"
    where = f" (the docstring of {item.inherits}, which it overrides)" if item.inherits else ""
    assert _has_example(item.doc) or _has_example(item.class_doc), \
        f"{item.name} has no Examples section with a doctest (nor has its class){where}"


def test_no_docstring_prints_a_numpy_scalar_repr():
    """``np.float64(...)`` reads as an internal repr on the rendered API page (the site check refuses it)."""
    import pathlib

    package = pathlib.Path(importlib.import_module("ibcore").__file__).parent
    offenders = [str(p) for p in package.rglob("*.py") if "np.float64(" in p.read_text()]
    assert not offenders, offenders
