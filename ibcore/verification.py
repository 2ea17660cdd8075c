r"""Verified claims: compare a computed quantity with an independent reference, or fail.

``verify(claim, value, reference, rtol=..., atol=...)`` passes iff

.. math:: \|\mathrm{value} - \mathrm{reference}\|_2 \;\le\; \mathrm{atol} + \mathrm{rtol}\,\|\mathrm{reference}\|_2 .

It returns a :class:`Claim` on success and raises :class:`~ibcore.errors.ClaimFailed` with a
readable diagnosis otherwise, so an executed chapter — and ``pytest --nbval`` — stops at the
first claim that does not hold. :func:`verify_bound` does the same for one-sided claims
(``value <= upper``, ``value >= lower``).

A check that cannot fail is not a claim, so both refuse (with :class:`~ibcore.errors.InputError`)

- a tolerance at least as large as the reference itself (the value 0 would pass: state the
  claim as a bound instead), hence any ``rtol >= 1``;
- a band wider than the range the quantity can take (``within=(lo, hi)``), or a bound outside it;
- NaN, infinite or empty inputs, shapes that differ, and two sides that are the same object or
  bitwise identical non-integer arrays (an expression compared with itself).

Norms are taken after rescaling by the largest magnitude involved, so neither
``1e-200`` against ``2e-200`` nor ``1e200`` against ``-1e200`` can pass by underflow or
overflow.

:class:`ClaimBook` is the one object a chapter uses: it records, checks and saves the
chapter's claims and its errata (see its docstring).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from .errors import ClaimFailed, InputError

_LABEL = re.compile(r"^\s*(C\d+(?:\.\d+)*[a-z]?)(?:\s+|\s*:\s*)(.*)$", re.DOTALL)

#: Environment variable that redirects where :class:`ClaimBook` writes its records.
CLAIMS_DIR_ENV = "IBCORE_CLAIMS_DIR"


@dataclass(frozen=True)
class Claim:
    r"""One verified claim, as it appears in a chapter's verdicts and table.

    ``kind`` is ``"distance"`` for an agreement checked by :func:`verify` (``error`` is
    :math:`\lVert\mathrm{value}-\mathrm{reference}\rVert_2`, ``tolerance`` the allowed distance) or
    ``"bound"`` for :func:`verify_bound` (``error`` is the bounded value, ``tolerance`` the bound);
    ``relation`` is ``"≤"`` or ``"≥"``. ``statement`` may contain ``$...$`` math (it is rendered).
    ``why`` says where the allowance comes from; ``certificate`` how the reference's own accuracy
    was certified (may be empty). ``instances`` is the number of independent instances the claim
    was checked on (the row shows the worst case) and ``shares`` the share of its allowance that
    each instance used.

    A claim is built by :func:`verify` or :func:`verify_bound` (or recorded by
    :class:`ClaimBook`), never by hand; those raise instead of returning a failed claim, so
    ``passed`` is ``False`` only for a record read back from a file.

    Parameters
    ----------
    label : str
        The label read from the claim's description, e.g. ``"C1.2"`` (empty if there is none).
    statement : str
        What is claimed, the rest of the description.
    against : str
        A short name of the reference or of the bound.
    error : float
        The measured side: :math:`\lVert\mathrm{value}-\mathrm{reference}\rVert_2` for a distance,
        the bounded value for a bound.
    tolerance : float
        The allowed side: the largest allowed distance, or the bound.
    relation : str
        ``"≤"`` or ``"≥"``, how ``error`` compares with ``tolerance``.
    passed : bool
        Whether the claim holds.
    certificate : str, default ""
        How the reference's own accuracy was certified.
    instances : int, default 1
        The number of instances the claim was checked on.
    kind : str, default "distance"
        ``"distance"`` or ``"bound"``.
    why : str, default ""
        Where the allowance comes from.
    shares : tuple of float, default ()
        The share of the allowance each instance used (filled by :meth:`ClaimBook.worst`).

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> claim = ib.verify("C1.3 The square of sqrt(2) is 2", np.sqrt(2.0) ** 2, 2.0, rtol=1e-12,
    ...                   against="the exact value")
    >>> print(claim)
    C1.3 passed: The square of sqrt(2) is 2 [4.44e-16 ≤ 2.00e-12; vs the exact value]
    >>> print(claim.label, claim.kind, claim.relation, claim.instances)
    C1.3 distance ≤ 1
    """

    label: str
    statement: str
    against: str
    error: float
    tolerance: float
    relation: str
    passed: bool
    certificate: str = ""
    instances: int = 1
    kind: str = "distance"
    why: str = ""
    shares: tuple[float, ...] = ()

    @property
    def share(self) -> float | None:
        """Share of the allowance used, when the claim is "a quantity within an allowance of 0".

        It is ``max(error, 0) / tolerance`` for ``error <= tolerance`` with ``tolerance > 0`` (a
        distance, an excess), ``max(-error, 0) / -bound`` for ``error >= bound`` with ``bound < 0``
        (a quantity non-negative up to rounding); ``None`` for other bounds (then :meth:`usage`
        gives the margin).

        Returns
        -------
        float or None
            A number in ``[0, 1]`` for a passed claim of one of the two forms above, else ``None``.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0).share)
        0.5
        >>> print(ib.verify_bound("C2.2 Three is at least one", 3.0, lower=1.0).share)
        None
        """
        if self.relation == "≤" and self.tolerance > 0:
            return max(self.error, 0.0) / self.tolerance
        if self.relation == "≥" and self.tolerance < 0:
            return max(-self.error, 0.0) / -self.tolerance
        return None

    @property
    def slack(self) -> float:
        """How far the measured value is from the bound, on the side that holds (>= 0 for a passed claim).

        It is ``tolerance - error`` for the relation ``≤`` and ``error - tolerance`` for ``≥``.

        Returns
        -------
        float
            The margin to the bound, negative only for a failed claim.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.verify_bound("C2.2 Three is at least one", 3.0, lower=1.0).slack)
        2.0
        """
        return self.tolerance - self.error if self.relation == "≤" else self.error - self.tolerance

    def usage(self) -> str:
        """How close the claim came to failing, in words that cannot read as a failure when it passed.

        The text gives the share of the allowance used (see :attr:`share`; with the median share
        when the claim was checked on several instances), or, for a bound away from 0, the margin
        to it (see :attr:`slack`).

        Returns
        -------
        str
            Plain text with, for a margin, the number in ``$...$`` math.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0).usage())
        50 % of the allowance used
        >>> print(ib.verify_bound("C2.2 Three is at least one", 3.0, lower=1.0).usage())
        margin $2$ to the bound
        """
        if self.share is not None:
            text = f"{100 * self.share:.3g} % of the allowance used" if self.share > 0 else "none of the allowance used"
            if self.instances > 1 and self.shares:
                text += f" (median over the {self.instances} instances {100 * float(np.median(self.shares)):.2g} %)"
            return text
        if self.slack == 0:
            return "the bound is attained"
        return f"margin {_tex_num(self.slack)} to the bound"

    def measured(self) -> str:
        r"""The measured side, as Markdown with math: the distance of an agreement or the bounded value.

        Numbers in :math:`[10^{-3}, 10^4)` keep 5 significant digits; others are written with 3
        and a power of ten.

        Returns
        -------
        str
            ``$\lVert\text{value} - \text{reference}\rVert_2 = ...$`` for a distance, ``$...$`` for
            a bound.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> claim = ib.verify("C1.3 The square of sqrt(2) is 2", np.sqrt(2.0) ** 2, 2.0, rtol=1e-12)
        >>> print(claim.measured())
        $\lVert\text{value} - \text{reference}\rVert_2 = 4.44 \times 10^{-16}$
        """
        if self.kind == "distance":
            return rf"$\lVert\text{{value}} - \text{{reference}}\rVert_2 = {_tex(self.error)}$"
        return f"${_tex(self.error)}$"

    def comparison(self) -> str:
        r"""Measured against allowed in one formula, as Markdown.

        For example ``$3.1 \times 10^{-12}$ $\le 4.5 \times 10^{-11}$`` followed by what the
        measured number is (a distance, or the bounded value), as in the claims table.

        Returns
        -------
        str
            The measured number, the relation and the allowed number, then ``(distance)`` or
            ``(value)``.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0).comparison())
        $0.5$ $\le 1$ (value)
        """
        rel = r"\le" if self.relation == "≤" else r"\ge"
        what = "distance" if self.kind == "distance" else "value"
        return f"${_tex(self.error)}$ ${rel} {_tex(self.tolerance)}$ ({what})"  # two formulas: the cell may wrap

    def allowed(self) -> str:
        r"""The allowed side, as Markdown with math (``≤ tol`` or ``≥ bound``).

        Returns
        -------
        str
            ``$\le ...$`` or ``$\ge ...$`` with the tolerance or the bound.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.verify_bound("C2.2 Three is at least one", 3.0, lower=1.0).allowed())
        $\ge 1$
        """
        rel = r"\le" if self.relation == "≤" else r"\ge"
        return f"${rel} {_tex(self.tolerance)}$"

    def verdict(self) -> str:
        r"""One line of Markdown for the page, right after the experiment.

        It says what was compared with what, the measured difference, the allowed difference and
        why, and how much of the allowance was used (:meth:`usage`).

        Returns
        -------
        str
            A single line: a ✔ (or ✘) and the label in bold, the statement, :meth:`measured`,
            :meth:`allowed`, ``why`` in parentheses, the reference and :meth:`usage`.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> claim = ib.verify("C1.3 The square of sqrt(2) is 2", np.sqrt(2.0) ** 2, 2.0, rtol=1e-12,
        ...                   against="the exact value", why="two roundings")
        >>> print(claim.verdict())
        **✔ C1.3** The square of sqrt(2) is 2. $\lVert\text{value} - \text{reference}\rVert_2 =
        4.44 \times 10^{-16}$ $\le 2.00 \times 10^{-12}$ (two roundings), against the exact value;
        0.0222 % of the allowance used.
        """
        mark = "✔" if self.passed else "✘"
        many = f" On {self.instances} instances, the worst:" if self.instances > 1 else ""
        why = f" ({self.why})" if self.why else ""
        return (f"**{mark} {self.label or 'claim'}** {_end(self.statement)}{many} {self.measured()} "
                f"{self.allowed()}{why}, against {self.against}; {self.usage()}.")

    def _repr_markdown_(self) -> str:
        return self.verdict()

    def __str__(self) -> str:
        many = f" (worst of {self.instances})" if self.instances > 1 else ""
        return (f"{self.label} {'passed' if self.passed else 'FAILED'}: {self.statement}{many} "
                f"[{self.error:.2e} {self.relation} {self.tolerance:.2e}; vs {self.against}]")


def _tex(x: float) -> str:
    r"""A number for TeX: 5 significant digits in [1e-3, 1e4), else 3 and a power of ten ``\times 10^{k}``."""
    if x == 0 or (1e-3 <= abs(x) < 1e4):
        return f"{x:.5g}"
    mant, exp = f"{x:.2e}".split("e")
    return rf"{mant} \times 10^{{{int(exp)}}}"


def _tex_num(x: float) -> str:
    return f"${_tex(x)}$"


def _end(statement: str) -> str:
    s = statement.strip()
    return s if s.endswith((".", "?", "!")) else s + "."


def _split(claim: str) -> tuple[str, str]:
    if not isinstance(claim, str) or not claim.strip():
        raise InputError("a claim needs a non-empty description such as 'C1.2 GD reaches X^+ y'")
    m = _LABEL.match(claim)
    return (m.group(1), m.group(2).strip()) if m else ("", claim.strip())


def _finite_array(value: ArrayLike, name: str, label: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
        if np.iscomplexobj(arr):
            raise TypeError("complex")
        arr = arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{label}: {name} is not a real numeric array ({type(value).__name__})") from exc
    if arr.size == 0:
        raise InputError(f"{label}: {name} is empty (shape {arr.shape}) — nothing would be checked")
    if not np.all(np.isfinite(arr)):
        raise ClaimFailed(f"{label}: the {name} contains NaN or inf — a claim cannot hold on it")
    return arr


def _range(within: tuple[float, float] | None, tag: str) -> tuple[float, float] | None:
    if within is None:
        return None
    try:
        lo, hi = (float(v) for v in within)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{tag}: within must be a pair (lo, hi) of numbers") from exc
    if math.isnan(lo) or math.isnan(hi) or lo >= hi:
        raise InputError(f"{tag}: within = ({lo}, {hi}) must be an interval with lo < hi")
    return lo, hi


def _not_itself(value: object, reference: object, v: np.ndarray, ref: np.ndarray, tag: str, bitwise_ok: bool) -> None:
    if value is reference and isinstance(value, (np.ndarray, list)):
        raise InputError(f"{tag}: the value and the reference are the same object — a claim compares two "
                         "independent computations")
    if not bitwise_ok and np.array_equal(v, ref) and not np.all(v == np.round(v)):
        raise InputError(f"{tag}: the value and the reference are bitwise identical floating-point numbers — is "
                         "an expression being compared with itself? State it as a definition, not a claim")


def _number(value: object, name: str, tag: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{tag}: {name} must be a real number; got {value!r}") from exc


def verify(
    claim: str,
    value: ArrayLike,
    reference: ArrayLike,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    against: str = "reference",
    within: tuple[float, float] | None = None,
    certificate: str = "",
    bitwise_ok: bool = False,
    why: str = "",
) -> Claim:
    r"""Check that ``value`` agrees with the independent ``reference``.

    .. math:: \|\mathrm{value} - \mathrm{reference}\|_2 \;\le\;
              \mathrm{atol} + \mathrm{rtol}\,\|\mathrm{reference}\|_2 ,

    with both norms computed after dividing by the largest magnitude on either side, so that
    neither underflow nor overflow can decide the outcome.

    Parameters
    ----------
    claim : str
        ``"C1.2 <statement>"`` — the label is read from the leading ``C<k>.<m>``.
    value : array_like
        What the dynamics produced.
    reference : array_like
        What the independent method (convex program, closed form) produced; same shape.
    rtol, atol : float, optional
        The tolerance, ``atol + rtol * ||reference||_2``; at least one is required, it
        should follow from the accuracy of the two methods compared, and it must be smaller than
        ``||reference||_2`` (else the value 0 would pass).
    against : str, default "reference"
        A short name of the reference, for the table and the diagnosis.
    within : tuple of two floats, optional
        ``(lo, hi)``, the range a scalar quantity can take; a band
        ``reference +- tolerance`` at least that wide is refused.
    certificate : str, default ""
        How the reference's accuracy was certified, shown in the table.
    bitwise_ok : bool, default False
        Allow the two sides to agree to the last bit. Off by default, because two
        bitwise-identical floating-point arrays usually mean an expression compared with itself;
        set it only when two independent computations both end exactly (e.g. two solvers of a
        linear program whose answers are both polished to the same vertex).
    why : str, default ""
        Where the tolerance comes from (e.g. "the integrator's tolerance times the trajectory's
        size"), shown in the verdict.

    Returns
    -------
    Claim
        The passed claim, of kind ``"distance"``: ``error`` is the distance, ``tolerance`` the
        allowed distance.

    Raises
    ------
    ClaimFailed
        if the two sides disagree by more than the tolerance, or either side is not finite.
    InputError
        for a vacuous or malformed check (see the module docstring): an empty description; no
        tolerance, a negative or non-finite one, both zero, or ``rtol >= 1``; a side that is empty
        or not a real numeric array; shapes that differ; two sides that are the same array or
        bitwise identical non-integer values (unless ``bitwise_ok``); both sides zero; a tolerance
        not smaller than ``||reference||_2``; a ``within`` that is not an interval, is given for a
        non-scalar, or is covered by the band; magnitudes beyond the float64 range.

    Examples
    --------
    >>> import numpy as np
    >>> import ibcore as ib
    >>> claim = ib.verify("C1.3 The square of sqrt(2) is 2", np.sqrt(2.0) ** 2, 2.0, rtol=1e-12)
    >>> print(claim)
    C1.3 passed: The square of sqrt(2) is 2 [4.44e-16 ≤ 2.00e-12; vs reference]
    >>> ib.verify("C1.4 Half is one", 0.5, 1.0, rtol=1e-3)
    Traceback (most recent call last):
        ...
    ibcore.errors.ClaimFailed: C1.4 FAILED: Half is one
      compared with: reference
      ||value - reference||_2 = 5.000e-01 > tolerance 1.000e-03 (atol 0.0e+00 + rtol 1.0e-03 x
      ||reference||_2 1.000e+00); relative error 5.000e-01
    """
    label, statement = _split(claim)
    tag = label or statement[:40]
    if rtol is None and atol is None:
        raise InputError(f"{tag}: give rtol and/or atol — a claim without a tolerance cannot fail")
    r = 0.0 if rtol is None else _number(rtol, "rtol", tag)
    a = 0.0 if atol is None else _number(atol, "atol", tag)
    if not (math.isfinite(r) and math.isfinite(a)) or r < 0 or a < 0 or r + a == 0:
        raise InputError(f"{tag}: tolerances must be finite, non-negative and not both zero")
    if r >= 1:
        raise InputError(f"{tag}: rtol = {r:g} >= 1 accepts the value 0 — such a check cannot fail")
    v = _finite_array(value, "value", tag)
    ref = _finite_array(reference, "reference", tag)
    if v.shape != ref.shape:
        raise InputError(f"{tag}: the value has shape {v.shape} but the reference has shape {ref.shape}")
    _not_itself(value, reference, v, ref, tag, bitwise_ok)
    v, ref = v.ravel(), ref.ravel()
    scale = float(max(np.max(np.abs(v)), np.max(np.abs(ref))))
    if scale == 0.0:
        raise InputError(f"{tag}: both sides are exactly zero — state this as a bound on |value|")
    diff_s = float(np.linalg.norm(v / scale - ref / scale))
    ref_s = float(np.linalg.norm(ref / scale))
    tol_s = a / scale + r * ref_s
    if tol_s >= ref_s:
        raise InputError(
            f"{tag}: the tolerance {tol_s * scale:.3e} is not smaller than ||reference|| = {ref_s * scale:.3e}, so "
            "the value 0 would pass; state the claim as a bound on the distance instead")
    bounds = _range(within, tag)
    if bounds is not None:
        if v.size != 1:
            raise InputError(f"{tag}: within applies to a scalar quantity")
        if 2 * tol_s * scale >= bounds[1] - bounds[0]:
            raise InputError(f"{tag}: the band +-{tol_s * scale:.3g} covers the whole range {bounds} the quantity can "
                             "take — such a check cannot fail")
    error, ref_norm, tolerance = diff_s * scale, ref_s * scale, tol_s * scale
    if not diff_s <= tol_s:
        diff = v / scale - ref / scale
        worst = int(np.argmax(np.abs(diff)))
        where = (f"\n  largest gap at entry [{worst}]: value {v[worst]:.10g} vs reference {ref[worst]:.10g}"
                 if v.size > 1 else "")
        raise ClaimFailed(
            f"{tag} FAILED: {statement}\n"
            f"  compared with: {against}\n"
            f"  ||value - reference||_2 = {error:.3e} > tolerance {tolerance:.3e} "
            f"(atol {a:.1e} + rtol {r:.1e} x ||reference||_2 {ref_norm:.3e});"
            f" relative error {diff_s / ref_s:.3e}{where}"
        )
    if not (math.isfinite(error) and math.isfinite(tolerance)):
        raise InputError(f"{tag}: magnitudes beyond the float64 range ({scale:.1e}); rescale the quantities")
    return Claim(label, statement, against, error, tolerance, "≤", True, certificate, kind="distance", why=why)


def verify_bound(
    claim: str,
    value: float,
    *,
    upper: float | None = None,
    lower: float | None = None,
    against: str = "bound",
    within: tuple[float, float] | None = None,
    certificate: str = "",
    why: str = "",
) -> Claim:
    r"""Check a one-sided claim: ``value <= upper`` or ``value >= lower`` (exactly one of them).

    .. math:: \mathrm{value} \le \mathrm{upper} \qquad\text{or}\qquad \mathrm{value} \ge \mathrm{lower}.

    Parameters
    ----------
    claim : str
        ``"C1.2 <statement>"``.
    value : float
        A finite scalar.
    upper, lower : float, optional
        The bound (finite); give exactly one of them.
    against : str, default "bound"
        What the bound is, for the table.
    within : tuple of two floats, optional
        ``(lo, hi)``, the range the quantity can take; a bound that every value in
        it satisfies (``upper >= hi`` or ``lower <= lo``) is refused.
    certificate : str, default ""
        How the bound's accuracy was certified, shown in the table.
    why : str, default ""
        Where the bound comes from, shown in the verdict.

    Returns
    -------
    Claim
        The passed claim, of kind ``"bound"``: ``error`` is the value, ``tolerance`` the bound.

    Raises
    ------
    ClaimFailed
        if the bound does not hold or the value is not finite.
    InputError
        for a missing, infinite or vacuous bound, or a non-scalar value; also for an empty
        description, both bounds given, a value that is not a real number, or a ``within`` that
        is not an interval.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0, against="the bound 1"))
    C2.1 passed: Half is less than one [5.00e-01 ≤ 1.00e+00; vs the bound 1]
    >>> ib.verify_bound("C2.3 Two is less than one", 2.0, upper=1.0)
    Traceback (most recent call last):
        ...
    ibcore.errors.ClaimFailed: C2.3 FAILED: Two is less than one
      compared with: bound
      value 2.000000e+00 is not ≤ 1.000000e+00
    """
    label, statement = _split(claim)
    tag = label or statement[:40]
    if (upper is None) == (lower is None):
        raise InputError(f"{tag}: give exactly one of upper or lower")
    if np.ndim(value) != 0:
        raise InputError(f"{tag}: verify_bound takes a scalar value")
    v = float(_finite_array(value, "value", tag))
    bound = _number(upper if upper is not None else lower, "the bound", tag)
    if not math.isfinite(bound):
        raise InputError(f"{tag}: the bound {bound} is not finite — such a check cannot fail")
    bounds = _range(within, tag)
    outside = bounds is not None and (
        (upper is not None and bound >= bounds[1]) or (lower is not None and bound <= bounds[0]))
    if outside:
        raise InputError(f"{tag}: every value in {bounds} satisfies the bound {bound:g} — such a check cannot fail")
    holds = v <= bound if upper is not None else v >= bound
    relation = "≤" if upper is not None else "≥"
    if not holds:
        raise ClaimFailed(
            f"{tag} FAILED: {statement}\n  compared with: {against}\n"
            f"  value {v:.6e} is not {relation} {bound:.6e}"
        )
    return Claim(label, statement, against, v, bound, relation, True, certificate, kind="bound", why=why)


def _md_escape(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


@dataclass(frozen=True)
class Erratum:
    r"""A slip in a source, settled by a computation.

    ``printed`` is what the source's formula gives, ``corrected`` what the corrected formula
    gives and ``measured`` the quantity computed independently (a simulation, a closed form);
    ``printed_gap`` and ``corrected_gap`` are their relative distances to ``measured``.
    :meth:`ClaimBook.erratum` builds and records one; it only does so when the corrected formula
    agrees with the measurement and the printed one does not.

    Parameters
    ----------
    source : str
        The source of the slip (author, year).
    location : str
        Where in the source (an equation, a theorem).
    statement : str
        The correction, in words.
    printed_gap : float
        :math:`\|\mathrm{printed} - \mathrm{measured}\|_2/\|\mathrm{measured}\|_2`.
    corrected_gap : float
        :math:`\|\mathrm{corrected} - \mathrm{measured}\|_2/\|\mathrm{measured}\|_2`.
    tolerance : float
        The relative tolerance that separates the two.

    Examples
    --------
    >>> import ibcore as ib
    >>> slip = ib.Erratum("Smith (2020)", "eq. (3)", "The variance of U(0, 1) is 1/12, not 1/6",
    ...                   printed_gap=1.0, corrected_gap=2e-5, tolerance=1e-4)
    >>> print(slip.verdict())
    **✔ Slip in Smith (2020), eq. (3).** The variance of U(0, 1) is 1/12, not 1/6. As printed, the
    formula is off by $1$ (relative); corrected, by $2.00 \times 10^{-5}$ $\le 1.00 \times 10^{-4}$,
    against an independent computation.
    """

    source: str
    location: str
    statement: str
    printed_gap: float
    corrected_gap: float
    tolerance: float

    def verdict(self) -> str:
        r"""One line of Markdown for the page, under the cell that settles the slip.

        Returns
        -------
        str
            The source and location in bold, the correction, and both relative errors.

        Examples
        --------
        >>> import ibcore as ib
        >>> slip = ib.Erratum("Smith (2020)", "eq. (3)", "1/12, not 1/6", printed_gap=1.0,
        ...                   corrected_gap=2e-5, tolerance=1e-4)
        >>> print(slip.verdict())
        **✔ Slip in Smith (2020), eq. (3).** 1/12, not 1/6. As printed, the formula is off by $1$
        (relative); corrected, by $2.00 \times 10^{-5}$ $\le 1.00 \times 10^{-4}$, against an
        independent computation.
        """
        return (f"**✔ Slip in {self.source}, {self.location}.** {_end(self.statement)} As printed, the formula is "
                f"off by ${_tex(self.printed_gap)}$ (relative); corrected, by ${_tex(self.corrected_gap)}$ "
                f"$\\le {_tex(self.tolerance)}$, against an independent computation.")

    def _repr_markdown_(self) -> str:
        return self.verdict()


@dataclass(frozen=True)
class ClaimTable:
    r"""The table of a chapter's verified claims (renders as Markdown and HTML in a notebook).

    Build it with :meth:`of` or :meth:`ClaimBook.table`; one row per claim, in order.

    Parameters
    ----------
    claims : tuple of Claim
        The claims, in the order of the rows.

    Examples
    --------
    >>> import ibcore as ib
    >>> table = ib.ClaimTable.of([ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0,
    ...                                           against="the bound 1")])
    >>> print(table.all_passed, len(table.claims))
    True 1
    >>> print(table.to_markdown().splitlines()[2])
    | C2.1 | Half is less than one. *Against* the bound 1. | $0.5$ $\le 1$ (value) | ✔ 50 % of the allowance used |
    """

    claims: tuple[Claim, ...]

    @classmethod
    def of(cls, claims: Iterable[Claim]) -> ClaimTable:
        """Collect claims (in the order given).

        Parameters
        ----------
        claims : iterable of Claim
            Claims returned by :func:`verify` or :func:`verify_bound`.

        Returns
        -------
        ClaimTable
            The table of these claims.

        Raises
        ------
        InputError
            If an item is not a :class:`Claim`.

        Examples
        --------
        >>> import ibcore as ib
        >>> table = ib.ClaimTable.of(ib.verify_bound(f"C2.{k} Below one", x, upper=1.0)
        ...                          for k, x in enumerate([0.25, 0.5], start=1))
        >>> print([claim.label for claim in table.claims])
        ['C2.1', 'C2.2']
        """
        items = tuple(claims)
        if not all(isinstance(c, Claim) for c in items):
            raise InputError("ClaimTable takes Claim objects, as returned by verify()")
        return cls(items)

    @property
    def all_passed(self) -> bool:
        """Whether every claim holds (always true for claims built by ``verify``).

        Returns
        -------
        bool
            ``True`` if every claim of the table passed (also for an empty table).

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.ClaimTable.of([ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0)]).all_passed)
        True
        """
        return all(c.passed for c in self.claims)

    HEADER = ("claim", "statement, and the independent reference it was checked against", "measured vs allowed",
              "how close it came")

    def _cells(self, c: Claim) -> tuple[str, ...]:
        many = f" (worst of {c.instances})" if c.instances > 1 else ""
        cert = f"; {c.certificate}" if c.certificate else ""
        why = f"; allowance: {c.why}" if c.why else ""
        mark = "✔" if c.passed else "✘ FAILED"
        return (c.label, f"{_end(c.statement)}{many} *Against* {c.against}{cert}{why}.", c.comparison(),
                f"{mark} {c.usage()}")

    def to_markdown(self) -> str:
        r"""A Markdown table (math as ``$...$``), one row per claim: the worst case of a swept claim.

        The columns are those of ``HEADER``: the label; the statement with the reference, its
        certificate and the allowance; :meth:`Claim.comparison`; a mark and :meth:`Claim.usage`.
        A ``|`` in a cell is escaped and a line break becomes a space.

        Returns
        -------
        str
            The header row, the separator row and one row per claim, joined by newlines.

        Examples
        --------
        >>> import ibcore as ib
        >>> table = ib.ClaimTable.of([ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0)])
        >>> print(table.to_markdown())
        | claim | statement, and the independent reference it was checked against | measured vs allowed |
        how close it came |
        |---|---|---|---|
        | C2.1 | Half is less than one. *Against* bound. | $0.5$ $\le 1$ (value) | ✔ 50 % of the allowance used |
        """
        rows = ["| " + " | ".join(self.HEADER) + " |", "|" + "---|" * len(self.HEADER)]
        rows += ["| " + " | ".join(_md_escape(x) for x in self._cells(c)) + " |" for c in self.claims]
        return "\n".join(rows)

    def save(self, path: str | Path, *, chapter: str, errata: Iterable[Erratum] = ()) -> Path:
        """Write the claims (and errata) as JSON, atomically; the book's index of claims reads them.

        The file holds ``{"chapter": ..., "claims": [...], "errata": [...]}``; it is written to a
        temporary file next to ``path`` and then renamed, so a reader never sees half a record.
        Missing parent folders are created.

        Parameters
        ----------
        path : str or pathlib.Path
            The file to write.
        chapter : str
            The chapter the claims belong to.
        errata : iterable of Erratum, default ()
            The chapter's errata.

        Returns
        -------
        pathlib.Path
            ``path``.

        Examples
        --------
        >>> import pathlib
        >>> import tempfile
        >>> import ibcore as ib
        >>> table = ib.ClaimTable.of([ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0)])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = table.save(pathlib.Path(folder) / "demo.json", chapter="demo")
        ...     chapter, again = ib.ClaimTable.load(path)
        >>> print(path.name, chapter, again == table)
        demo.json demo True
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = {"chapter": chapter, "claims": [asdict(c) for c in self.claims],
                   "errata": [asdict(e) for e in errata]}
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=1))
        os.replace(tmp, target)
        return target

    @classmethod
    def load(cls, path: str | Path) -> tuple[str, ClaimTable]:
        """Read a file written by :meth:`save`: ``(chapter, table)``.

        Parameters
        ----------
        path : str or pathlib.Path
            A file written by :meth:`save`.

        Returns
        -------
        tuple of (str, ClaimTable)
            The chapter's name and its table of claims (the errata are not read back).

        Examples
        --------
        >>> import pathlib
        >>> import tempfile
        >>> import ibcore as ib
        >>> table = ib.ClaimTable.of([ib.verify_bound("C2.1 Half is less than one", 0.5, upper=1.0)])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     chapter, again = ib.ClaimTable.load(table.save(pathlib.Path(folder) / "x.json", chapter="demo"))
        >>> print(chapter, again.claims[0].label, again.claims[0].error)
        demo C2.1 0.5
        """
        data = json.loads(Path(path).read_text())
        return data["chapter"], cls(tuple(Claim(**{**c, "shares": tuple(c.get("shares", ()))})
                                          for c in data["claims"]))

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def check_chapter_name(name: object) -> str:
    """``name`` if it is a chapter identifier (a file stem of letters, digits and ``_``), else :class:`InputError`.

    Parameters
    ----------
    name : object
        The candidate name, e.g. ``"least_squares"``.

    Returns
    -------
    str
        ``name`` itself.

    Raises
    ------
    InputError
        If ``name`` is not a non-empty string of ASCII letters, digits and underscores.

    Examples
    --------
    >>> import ibcore as ib
    >>> print(ib.verification.check_chapter_name("least_squares"))
    least_squares
    >>> ib.verification.check_chapter_name("../escape")
    Traceback (most recent call last):
        ...
    ibcore.errors.InputError: chapter must be a file-name-like identifier; got '../escape'
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise InputError(f"chapter must be a file-name-like identifier; got {name!r}")
    return name


def _display(claim: Claim | Erratum) -> None:
    """Show a claim's (or an erratum's) verdict as the output of the running notebook cell (nothing outside
    IPython)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # IPython is optional for the package
        return
    if get_ipython() is not None:
        display({"text/markdown": claim.verdict(), "text/plain": str(claim)}, raw=True)


def book_root(start: str | Path | None = None) -> Path | None:
    r"""The directory holding ``_toc.yml`` at or above ``start`` (the current directory), or ``None``.

    Parameters
    ----------
    start : str or pathlib.Path, optional
        Where the search starts; ``None`` (the default) means the current directory.

    Returns
    -------
    pathlib.Path or None
        The first of ``start`` and its parents that contains a file ``_toc.yml``; ``None`` if
        there is none.

    Examples
    --------
    >>> import pathlib
    >>> import tempfile
    >>> import ibcore as ib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     root = pathlib.Path(folder)
    ...     (root / "_toc.yml").write_text("root: intro\n")
    ...     (root / "chapters").mkdir()
    ...     print(ib.verification.book_root(root / "chapters") == root.resolve())
    12
    True
    """
    here = Path.cwd() if start is None else Path(start)
    for folder in (here, *here.resolve().parents):
        if (folder / "_toc.yml").is_file():
            return folder
    return None


@dataclass
class ClaimBook:
    r"""The claims of one chapter: record, check, render and save them.

    ``book = ClaimBook("least_squares")`` deletes any record the chapter left before, so a run
    that stops at a failing claim leaves no record a later build could publish.
    :meth:`verify` and :meth:`bound` check one claim each (raising
    :class:`~ibcore.errors.ClaimFailed` at once if it fails) and record it; :meth:`worst`
    records a claim checked on many instances as one row, its worst case; :meth:`erratum`
    records a slip in a source together with the computation that settles it. :meth:`save`
    writes the record at the end of the chapter, to ``_build/claims/<chapter>.json`` under the
    book's root (the folder with ``_toc.yml``) or to the folder named by the environment
    variable ``IBCORE_CLAIMS_DIR``, resolved to an absolute path when the book is created (a
    later change of the working directory does not move it); outside a book (e.g. a notebook
    downloaded on its own) no record is written.

    Parameters
    ----------
    chapter : str
        The chapter's identifier, its file name without ``.md`` (letters, digits and ``_``).
    directory : str or pathlib.Path, optional
        Where the record goes; ``None`` (the default) means ``IBCORE_CLAIMS_DIR`` if it is set,
        else ``_build/claims`` under the book's root, else nowhere.
    claims : list of Claim, optional
        The claims recorded so far (empty at the start).
    errata : list of Erratum, optional
        The errata recorded so far (empty at the start).
    show : bool, default True
        Show each verdict as the output of the running notebook cell (only under IPython).
    started : float, optional
        The ``time.perf_counter()`` reading at the start, for :attr:`runtime`.

    Raises
    ------
    InputError
        If ``chapter`` is not a chapter identifier.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import ibcore as ib
    >>> folder = tempfile.TemporaryDirectory()
    >>> book = ib.ClaimBook("demo", directory=folder.name, show=False)
    >>> claim = book.verify("C1.1 The square of sqrt(2) is 2", np.sqrt(2.0) ** 2, 2.0, rtol=1e-12)
    >>> claim = book.bound("C1.2 Half is less than one", 0.5, upper=1.0)
    >>> seconds = book.finish()
    >>> chapter, table = ib.ClaimTable.load(book.path)
    >>> print(chapter, [c.label for c in table.claims], seconds > 0)
    demo ['C1.1', 'C1.2'] True
    >>> folder.cleanup()
    """

    chapter: str
    directory: Path | None = None
    claims: list[Claim] = field(default_factory=list)
    errata: list[Erratum] = field(default_factory=list)
    show: bool = True
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        check_chapter_name(self.chapter)
        if self.directory is None:
            env = os.environ.get(CLAIMS_DIR_ENV)
            root = book_root()
            self.directory = Path(env) if env else (root / "_build" / "claims" if root is not None else None)
        if self.directory is not None:  # fixed now: a later change of the working directory must not move it
            self.directory = Path(self.directory).resolve()
        stale = self.path
        if stale is not None and stale.exists():
            stale.unlink()

    @property
    def path(self) -> Path | None:
        """Where :meth:`save` writes the record (``None`` outside a book).

        Returns
        -------
        pathlib.Path or None
            ``<directory>/<chapter>.json``, or ``None`` when there is no directory.

        Examples
        --------
        >>> import ibcore as ib
        >>> path = ib.ClaimBook("demo", directory="records", show=False).path
        >>> print(path.name, path.parent.name, path.is_absolute())   # resolved against the working directory
        demo.json records True
        """
        return None if self.directory is None else Path(self.directory) / f"{self.chapter}.json"

    def _add(self, claim: Claim) -> Claim:
        labels = [c.label for c in self.claims]
        if claim.label and claim.label in labels:
            raise InputError(f"{claim.label} is recorded twice; give each claim of a chapter its own label "
                             "(use ClaimBook.worst for a claim checked on many instances)")
        self.claims.append(claim)
        if self.show:
            _display(claim)
        return claim

    def verify(self, claim: str, value: ArrayLike, reference: ArrayLike, **kwargs: object) -> Claim:
        r""":func:`verify`, recorded.

        Checks :math:`\|\mathrm{value} - \mathrm{reference}\|_2 \le \mathrm{atol} +
        \mathrm{rtol}\,\|\mathrm{reference}\|_2`, appends the claim to ``claims`` and, with ``show``,
        displays its verdict in the running notebook.

        Parameters
        ----------
        claim : str
            ``"C1.2 <statement>"``; the label must not be recorded already.
        value, reference : array_like
            The two sides, as for :func:`verify`.
        **kwargs
            ``rtol``, ``atol``, ``against``, ``within``, ``certificate``, ``bitwise_ok``, ``why``,
            as for :func:`verify`.

        Returns
        -------
        Claim
            The recorded claim.

        Raises
        ------
        ClaimFailed
            If the claim does not hold (see :func:`verify`); nothing is recorded.
        InputError
            If the check is vacuous or malformed (see :func:`verify`), or its label is recorded already.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> book = ib.ClaimBook("demo", directory="unused", show=False)
        >>> print(book.verify("C1.1 The square of sqrt(2) is 2", np.sqrt(2.0) ** 2, 2.0, rtol=1e-12))
        C1.1 passed: The square of sqrt(2) is 2 [4.44e-16 ≤ 2.00e-12; vs reference]
        >>> print(len(book.claims))
        1
        """
        return self._add(verify(claim, value, reference, **kwargs))  # type: ignore[arg-type]

    def bound(self, claim: str, value: float, **kwargs: object) -> Claim:
        """:func:`verify_bound`, recorded.

        Checks ``value <= upper`` or ``value >= lower``, appends the claim to ``claims`` and, with
        ``show``, displays its verdict in the running notebook.

        Parameters
        ----------
        claim : str
            ``"C1.2 <statement>"``; the label must not be recorded already.
        value : float
            A finite scalar.
        **kwargs
            ``upper`` or ``lower``, and ``against``, ``within``, ``certificate``, ``why``, as for
            :func:`verify_bound`.

        Returns
        -------
        Claim
            The recorded claim.

        Raises
        ------
        ClaimFailed
            If the bound does not hold (see :func:`verify_bound`); nothing is recorded.
        InputError
            If the check is vacuous or malformed (see :func:`verify_bound`), or its label is
            recorded already.

        Examples
        --------
        >>> import ibcore as ib
        >>> book = ib.ClaimBook("demo", directory="unused", show=False)
        >>> print(book.bound("C1.2 Half is less than one", 0.5, upper=1.0).usage())
        50 % of the allowance used
        >>> book.bound("C1.2 Half is less than two", 0.5, upper=2.0)
        Traceback (most recent call last):
            ...
        ibcore.errors.InputError: C1.2 is recorded twice; give each claim of a chapter its own label (use
        ClaimBook.worst for a claim checked on many instances)
        """
        return self._add(verify_bound(claim, value, **kwargs))  # type: ignore[arg-type]

    def worst(self, claims: Iterable[Claim]) -> Claim:
        r"""Record claims checked on many instances (each already verified) as one row: the tightest.

        All must share a label; the row keeps the instance closest to failing (the largest share
        of its allowance used, or the smallest relative margin to its bound), and counts the
        instances.

        The relative margin of a claim without a share is
        :math:`\mathrm{slack}/(|\mathrm{tolerance}| + |\mathrm{error}|)`. The recorded row keeps
        the shares of every instance, so that :meth:`Claim.usage` can quote their median.

        Parameters
        ----------
        claims : iterable of Claim
            The instances, each returned by :func:`verify` or :func:`verify_bound` (not recorded).

        Returns
        -------
        Claim
            The recorded row: the tightest instance, with ``instances`` the total count.

        Raises
        ------
        InputError
            If ``claims`` is empty or holds something other than a :class:`Claim`, if the claims
            differ in label or relation, or if their label is recorded already.

        Examples
        --------
        >>> import ibcore as ib
        >>> book = ib.ClaimBook("demo", directory="unused", show=False)
        >>> row = book.worst(ib.verify_bound("C1.3 Below one", x, upper=1.0) for x in (0.2, 0.7, 0.5))
        >>> print(row)
        C1.3 passed: Below one (worst of 3) [7.00e-01 ≤ 1.00e+00; vs bound]
        >>> print(row.usage())
        70 % of the allowance used (median over the 3 instances 50 %)
        """
        items = list(claims)
        if not items or not all(isinstance(c, Claim) for c in items):
            raise InputError("worst takes a non-empty list of Claim objects")
        if len({c.label for c in items}) != 1 or len({c.relation for c in items}) != 1:
            raise InputError("worst aggregates instances of one claim: same label and relation")

        def tightness(c: Claim) -> float:  # larger is closer to failing
            if c.share is not None:
                return c.share
            return -c.slack / (abs(c.tolerance) + abs(c.error) + 1e-300)

        pick = max(items, key=tightness)
        shares = tuple(s for c in items for s in (c.shares or ((c.share,) if c.share is not None else ())))
        return self._add(replace(pick, instances=sum(c.instances for c in items), shares=shares))

    def erratum(self, source: str, location: str, statement: str, *, printed: ArrayLike, corrected: ArrayLike,
                measured: ArrayLike, rtol: float) -> Erratum:
        r"""Record a slip in a source, settled by computing both versions against an independent ``measured``.

        Passes iff the corrected formula matches ``measured`` to ``rtol`` (relative) and the printed
        one does not; raises :class:`~ibcore.errors.ClaimFailed` otherwise (then the erratum itself
        would be wrong). That is,

        .. math:: \frac{\|c - m\|_2}{\|m\|_2} \le \mathrm{rtol} < \frac{\|p - m\|_2}{\|m\|_2}

        for the printed value :math:`p`, the corrected value :math:`c` and the measured value :math:`m`.

        Parameters
        ----------
        source : str
            The source of the slip (author, year).
        location : str
            Where in the source (an equation, a theorem).
        statement : str
            The correction, in words.
        printed : array_like
            What the formula as printed gives.
        corrected : array_like
            What the corrected formula gives; same shape.
        measured : array_like
            The quantity computed independently; same shape, not zero.
        rtol : float
            The relative tolerance, in ``(0, 1)``.

        Returns
        -------
        Erratum
            The recorded erratum.

        Raises
        ------
        ClaimFailed
            If the corrected formula is off by more than ``rtol``, the printed one is not, or a side
            contains NaN or inf.
        InputError
            If a side is empty or not a real numeric array, the shapes differ, ``rtol`` is not in
            ``(0, 1)``, or ``measured`` is zero.

        Examples
        --------
        >>> import numpy as np
        >>> import ibcore as ib
        >>> book = ib.ClaimBook("demo", directory="unused", show=False)
        >>> grid = np.linspace(0.0, 1.0, 100001)  # the variance of a fine grid on [0, 1]
        >>> slip = book.erratum("Smith (2020)", "eq. (3)", "The variance of U(0, 1) is 1/12, not 1/6",
        ...                     printed=1 / 6, corrected=1 / 12, measured=np.var(grid), rtol=1e-4)
        >>> print(f"{slip.printed_gap:.3f} {slip.corrected_gap:.2e}")
        1.000 2.00e-05
        """
        tag = f"erratum {source} {location}"
        p = _finite_array(printed, "printed value", tag).ravel()
        c = _finite_array(corrected, "corrected value", tag).ravel()
        m = _finite_array(measured, "measured value", tag).ravel()
        if not (p.shape == c.shape == m.shape):
            raise InputError(f"{tag}: printed, corrected and measured must have the same shape")
        r = _number(rtol, "rtol", tag)
        if not (math.isfinite(r) and 0 < r < 1):
            raise InputError(f"{tag}: rtol must be in (0, 1)")
        scale = float(np.linalg.norm(m))
        if scale == 0.0:
            raise InputError(f"{tag}: the measured quantity is zero; compare a non-zero quantity")
        gap_p = float(np.linalg.norm(p - m)) / scale
        gap_c = float(np.linalg.norm(c - m)) / scale
        if not gap_c <= r:
            raise ClaimFailed(f"{tag}: the corrected formula is off by {gap_c:.3e} (relative) > {r:.1e}: {statement}")
        if not gap_p > r:
            raise ClaimFailed(f"{tag}: the printed formula agrees to {gap_p:.3e} — it is not a slip: {statement}")
        erratum = Erratum(source, location, statement, gap_p, gap_c, r)
        self.errata.append(erratum)
        if self.show:
            _display(erratum)
        return erratum

    def table(self) -> ClaimTable:
        """The chapter's claims as a :class:`ClaimTable`.

        Returns
        -------
        ClaimTable
            The recorded claims, in the order they were recorded.

        Examples
        --------
        >>> import ibcore as ib
        >>> book = ib.ClaimBook("demo", directory="unused", show=False)
        >>> claim = book.bound("C1.2 Half is less than one", 0.5, upper=1.0)
        >>> print(book.table().claims == (claim,))
        True
        """
        return ClaimTable.of(self.claims)

    def errata_table(self) -> str:
        r"""The chapter's errata as a Markdown table (printed formula vs corrected one vs computation).

        Returns
        -------
        str
            A header row, a separator row and one row per erratum: the source, the location, the
            correction and the relative errors of the printed and of the corrected formula.

        Examples
        --------
        >>> import ibcore as ib
        >>> book = ib.ClaimBook("demo", directory="unused", show=False)
        >>> slip = book.erratum("Smith (2020)", "eq. (3)", "1/4, not 1/2", printed=0.5, corrected=0.25,
        ...                     measured=0.25 + 1e-9, rtol=1e-6)
        >>> print(book.errata_table().splitlines()[2])
        | Smith (2020) | eq. (3) | 1/4, not 1/2 | $1$ | $4.00 \times 10^{-9}$ $\le 1.00 \times 10^{-6}$ |
        """
        rows = ["| source | where | the correction | printed formula: relative error | corrected: relative error |",
                "|---|---|---|---|---|"]
        rows += [f"| {_md_escape(e.source)} | {_md_escape(e.location)} | {_md_escape(e.statement)} | "
                 f"${_tex(e.printed_gap)}$ | ${_tex(e.corrected_gap)}$ $\\le {_tex(e.tolerance)}$ |"
                 for e in self.errata]
        return "\n".join(rows)

    @property
    def runtime(self) -> float:
        """Seconds since the book was opened (the chapter's execution time so far).

        Returns
        -------
        float
            Seconds of ``time.perf_counter()`` since ``started``.

        Examples
        --------
        >>> import ibcore as ib
        >>> print(ib.ClaimBook("demo", directory="unused", show=False).runtime >= 0)
        True
        """
        return time.perf_counter() - self.started

    def finish(self) -> float:
        """End the chapter: save the record (see :meth:`save`) and return its run time in seconds.

        Returns
        -------
        float
            :attr:`runtime`, read after the record is saved.

        Raises
        ------
        InputError
            If no claim was recorded.

        Examples
        --------
        >>> import tempfile
        >>> import ibcore as ib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     book = ib.ClaimBook("demo", directory=folder, show=False)
        ...     claim = book.bound("C1.2 Half is less than one", 0.5, upper=1.0)
        ...     print(book.finish() > 0, book.path.exists())
        True True
        """
        self.save()
        return self.runtime

    def save(self) -> Path | None:
        """Write the record (atomically) at the end of the chapter; ``None`` outside a book.

        The record is the chapter's claims and errata, written by :meth:`ClaimTable.save`.

        Returns
        -------
        pathlib.Path or None
            The file written (:attr:`path`), or ``None`` when there is no directory.

        Raises
        ------
        InputError
            If no claim was recorded.

        Examples
        --------
        >>> import tempfile
        >>> import ibcore as ib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     book = ib.ClaimBook("demo", directory=folder, show=False)
        ...     claim = book.bound("C1.2 Half is less than one", 0.5, upper=1.0)
        ...     print(book.save().name)
        demo.json
        >>> ib.ClaimBook("empty", directory="unused", show=False).save()
        Traceback (most recent call last):
            ...
        ibcore.errors.InputError: empty: no claim was recorded
        """
        if not self.claims:
            raise InputError(f"{self.chapter}: no claim was recorded")
        if self.path is None:
            return None
        return self.table().save(self.path, chapter=self.chapter, errata=self.errata)
