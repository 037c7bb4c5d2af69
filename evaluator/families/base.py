"""What a form family provides, and what a checked form of any family looks like to the outputs.

A family (``families/<name>/family.py``) claims the sheets that hold its form, reads them, runs its
own rules and states the facts its outputs show. The runner offers every workbook to every family
and never checks a form against another family's definitions; the outputs read only
:class:`CheckedForm`, never a family's own model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from evaluator.findings import Finding, Severity

if TYPE_CHECKING:
    from evaluator.families import Definitions
    from evaluator.intake.workbook import SheetGrid


@dataclass
class Totals:
    """总分: as declared on the form, recomputed from its scores, and with every finding's expected
    score put in place (None when some finding has no single expected score)."""

    declared: Decimal | None = None
    recomputed: Decimal | None = None
    corrected: Decimal | None = None


@dataclass
class Grades:
    """评价等级: as ticked or written, as the recomputed total earns, and as the corrected total earns."""

    declared: str | None = None
    computed: str | None = None
    corrected: str | None = None


@dataclass
class Coverage:
    """How much of a form's indicator table was read and judged.

    ``indicators_read``: indicator rows read; ``indicators_judged``: those whose 分值 and 得分 are
    numbers and whose outcome (完成值 against 指标值) could be told, so the rules judged them;
    ``points_read``: Σ 分值 of the rows read plus the funds block's (None when no figure was read); ``points_total``: the form's declared total (the printed 总分
    分值, else the edition's 100); ``not_read``: the rows or regions seen but not read, each
    ``{"where": "Sheet!A12" or a description, "why": …}``. The outputs say it in one line
    (:func:`evaluator.outputs.reporters.common.coverage_text`): ``读取 12 项指标，计 90/100 分``.
    """

    indicators_read: int = 0
    indicators_judged: int = 0
    points_read: Decimal | None = None
    points_total: Decimal | None = None
    not_read: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from evaluator.values.numbers import fmt

        return {"indicators_read": self.indicators_read, "indicators_judged": self.indicators_judged,
                "points_read": fmt(self.points_read) if self.points_read is not None else None,
                "points_total": fmt(self.points_total) if self.points_total is not None else None,
                "not_read": [dict(item) for item in self.not_read]}


@dataclass
class CheckedForm:
    """One form found on one sheet and what its family's rules found in it.

    ``total`` and ``grade`` are None where the form prints none; ``facts`` are what the family
    shows of the form (JSON-ready: strings, decimal strings, numbers), keyed in English;
    ``coverage`` says how much of its indicator table was read (:class:`Coverage`).
    """

    family: str | None
    edition: str | None
    title: str | None
    sheet: str | None
    findings: list[Finding]
    department: str | None = None
    year: int | None = None
    total: Totals | None = None
    grade: Grades | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    #: How much of the indicator table was read (None: the family does not say).
    coverage: Coverage | None = None
    model: Any = field(default=None, repr=False)   # the family's own parsed form, for tests

    def __post_init__(self) -> None:
        if self.coverage is None and self.family is not None:
            self.coverage = rows_coverage(self.model)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)


def rows_coverage(model: Any) -> Coverage | None:
    """Coverage of a form whose family does not state its own, from what its reader already
    knows: its indicator ``rows`` (each with a ``weight`` and a ``score`` cell) and its printed
    ``total_weight`` (else 100). None for a model without rows."""
    rows = getattr(model, "rows", None)
    if not isinstance(rows, list):
        return None

    def number(value: Any) -> Decimal | None:
        if value is None or getattr(value, "undecided", False):
            return None
        found = getattr(value, "number", None)
        return found if isinstance(found, Decimal) else None

    weights = [w for w in (number(getattr(row, "weight", None)) for row in rows) if w is not None]
    judged = [row for row in rows if number(getattr(row, "weight", None)) is not None
              and number(getattr(row, "score", None)) is not None]
    total = number(getattr(model, "total_weight", None))
    return Coverage(indicators_read=len(rows), indicators_judged=len(judged),
                    points_read=sum(weights, Decimal(0)) if weights else None,
                    points_total=total if total is not None and total > 0 else Decimal(100))


class Family(Protocol):
    """A form family: its id (``department``, ``project``), its printed title, and two calls."""

    id: str
    title: str

    def check(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[CheckedForm]:
        """Every form of this family in the workbook, checked; [] when no sheet holds one."""

    def seen(self, grids: "list[SheetGrid]", definitions: "Definitions") -> str:
        """For form-not-found: the labels this family looked for and those it saw, where."""
