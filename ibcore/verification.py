r"""Verified claims: compare a computed quantity with an independent reference, or fail.

``verify(claim, value, reference, rtol=..., atol=...)`` passes iff

.. math:: \|\mathrm{value} - \mathrm{reference}\|_2 \;\le\; \mathrm{atol} + \mathrm{rtol}\,\|\mathrm{reference}\|_2

(arrays are flattened; scalars are 1-vectors). It returns a :class:`Claim` on success and
raises :class:`~ibcore.errors.ClaimFailed` with a readable diagnosis otherwise, so an
executed chapter — and ``pytest --nbval`` — stops at the first claim that does not hold.
:func:`verify_bound` does the same for one-sided claims (``value <= upper``,
``value >= lower``). :class:`ClaimTable` renders a chapter's claims as a table.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from .errors import ClaimFailed, InputError

_LABEL = re.compile(r"^\s*(C\d+(?:\.\d+)*[a-z]?)(?:\s+|\s*:\s*)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Claim:
    """One verified claim, as it appears in a chapter's table."""

    label: str
    statement: str
    against: str
    error: float
    tolerance: float
    relation: str  # "≤" for agreement/upper bounds, "≥" for lower bounds
    passed: bool

    def __str__(self) -> str:
        return (f"{self.label} {'passed' if self.passed else 'FAILED'}: {self.statement} "
                f"[{self.error:.2e} {self.relation} {self.tolerance:.2e}; vs {self.against}]")


def _split(claim: str) -> tuple[str, str]:
    if not isinstance(claim, str) or not claim.strip():
        raise InputError("a claim needs a non-empty description such as 'C1.2 GD reaches X^+ y'")
    m = _LABEL.match(claim)
    return (m.group(1), m.group(2).strip()) if m else ("", claim.strip())


def _finite_array(value: ArrayLike, name: str, label: str) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(f"{label}: {name} is not numeric ({type(value).__name__})") from exc
    if not np.all(np.isfinite(arr)):
        raise ClaimFailed(f"{label}: the {name} contains NaN or inf — a claim cannot hold on it")
    return arr


def verify(
    claim: str,
    value: ArrayLike,
    reference: ArrayLike,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    against: str = "reference",
) -> Claim:
    """Check that ``value`` agrees with the independent ``reference``.

    Parameters
    ----------
    claim : ``"C1.2 <statement>"`` — the label is read from the leading ``C<k>.<m>``.
    value : what the dynamics produced.
    reference : what the independent method (convex program, closed form) produced.
    rtol, atol : the tolerance, ``atol + rtol * ||reference||_2``; at least one is required
        and it should follow from the accuracy of the two methods compared.
    against : a short name of the reference, for the table and the diagnosis.
    """
    label, statement = _split(claim)
    tag = label or statement[:40]
    if rtol is None and atol is None:
        raise InputError(f"{tag}: give rtol and/or atol — a claim without a tolerance cannot fail")
    r = 0.0 if rtol is None else float(rtol)
    a = 0.0 if atol is None else float(atol)
    if not (math.isfinite(r) and math.isfinite(a)) or r < 0 or a < 0 or r + a == 0:
        raise InputError(f"{tag}: tolerances must be finite, non-negative and not both zero")
    v = _finite_array(value, "value", tag)
    ref = _finite_array(reference, "reference", tag)
    if v.shape != ref.shape:
        raise InputError(f"{tag}: value has {v.size} entries but the reference has {ref.size}")
    diff = v - ref
    error = float(np.linalg.norm(diff))
    ref_norm = float(np.linalg.norm(ref))
    tolerance = a + r * ref_norm
    if not error <= tolerance:
        worst = int(np.argmax(np.abs(diff)))
        where = (f"\n  largest gap at entry [{worst}]: value {v[worst]:.10g} vs reference {ref[worst]:.10g}"
                 if v.size > 1 else "")
        raise ClaimFailed(
            f"{tag} FAILED: {statement}\n"
            f"  compared with: {against}\n"
            f"  ||value - reference||_2 = {error:.3e} > tolerance {tolerance:.3e} "
            f"(atol {a:.1e} + rtol {r:.1e} x ||reference||_2 {ref_norm:.3e});"
            f" relative error {error / ref_norm if ref_norm else float('inf'):.3e}{where}"
        )
    return Claim(label, statement, against, error, tolerance, "≤", True)


def verify_bound(
    claim: str,
    value: float,
    *,
    upper: float | None = None,
    lower: float | None = None,
    against: str = "bound",
) -> Claim:
    """Check a one-sided claim: ``value <= upper`` or ``value >= lower`` (exactly one of them)."""
    label, statement = _split(claim)
    tag = label or statement[:40]
    if (upper is None) == (lower is None):
        raise InputError(f"{tag}: give exactly one of upper or lower")
    v = float(_finite_array(value, "value", tag)[0]) if np.ndim(value) == 0 else None
    if v is None:
        raise InputError(f"{tag}: verify_bound takes a scalar value")
    bound = float(upper if upper is not None else lower)  # type: ignore[arg-type]
    holds = v <= bound if upper is not None else v >= bound
    relation = "≤" if upper is not None else "≥"
    if not holds:
        raise ClaimFailed(
            f"{tag} FAILED: {statement}\n  compared with: {against}\n"
            f"  value {v:.6e} is not {relation} {bound:.6e}"
        )
    return Claim(label, statement, against, v, bound, relation, True)


def _md_escape(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


@dataclass(frozen=True)
class ClaimTable:
    """The table of a chapter's verified claims (renders as Markdown in a notebook)."""

    claims: tuple[Claim, ...]

    @classmethod
    def of(cls, claims: Iterable[Claim]) -> ClaimTable:
        """Collect claims (in the order given)."""
        items = tuple(claims)
        if not all(isinstance(c, Claim) for c in items):
            raise InputError("ClaimTable takes Claim objects, as returned by verify()")
        return cls(items)

    @property
    def all_passed(self) -> bool:
        """Whether every claim holds (always true for claims built by ``verify``)."""
        return all(c.passed for c in self.claims)

    def to_markdown(self) -> str:
        """A Markdown table: claim, statement, independent reference, measured vs tolerance."""
        rows = ["| claim | statement | independent reference | measured | tolerance | status |",
                "|---|---|---|---|---|---|"]
        for c in self.claims:
            rows.append(
                f"| {c.label} | {_md_escape(c.statement)} | {_md_escape(c.against)} | "
                f"{c.error:.3e} | {c.relation} {c.tolerance:.3e} | {'✔ passed' if c.passed else '✘ failed'} |"
            )
        return "\n".join(rows)

    def to_html(self) -> str:
        """An HTML table (escaped), which is what the rendered book shows."""
        head = "".join(f"<th>{h}</th>" for h in
                       ("claim", "statement", "independent reference", "measured", "tolerance", "status"))
        body = []
        for c in self.claims:
            status = "✔ passed" if c.passed else "✘ failed"
            cells = (c.label, c.statement, c.against, f"{c.error:.3e}", f"{c.relation} {c.tolerance:.3e}", status)
            body.append("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in cells) + "</tr>")
        return (f'<table class="ib-claims table"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>')

    def save(self, path: str | Path, *, chapter: str) -> Path:
        """Write the claims as JSON (with the chapter's name) — the book's index of claims reads them."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"chapter": chapter, "claims": [asdict(c) for c in self.claims]}, indent=1))
        return target

    @classmethod
    def load(cls, path: str | Path) -> tuple[str, ClaimTable]:
        """Read a file written by :meth:`save`: ``(chapter, table)``."""
        data = json.loads(Path(path).read_text())
        return data["chapter"], cls(tuple(Claim(**c) for c in data["claims"]))

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        return self.to_html()
