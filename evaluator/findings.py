"""Findings are data: which rule, how bad, where, about what, expected versus declared.

The message is rendered from these fields by the rule that produced the finding; reporters only
format findings, they never compute them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import Enum
from typing import Iterable

from evaluator.values.numbers import fmt


class Severity(str, Enum):
    """How much a finding matters. Ordered: info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    @property
    def label(self) -> str:
        return {"info": "提示", "warning": "警告", "error": "错误"}[self.value]


@dataclass(frozen=True)
class CellRef:
    """Where a value sits: a sheet and a 1-based row and column."""

    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        from evaluator.intake.workbook import a1

        return a1(self.row, self.col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


#: What ``expected`` is the expected value of, so that a comment can say "扣分应为 0.2".
EXPECTED_OF = ("score", "deduction", "weight", "rate", "total", "grade", "amount", "text")


@dataclass(frozen=True)
class Finding:
    """One disagreement between the workbook and what can be derived from it.

    ``cell`` is the cell the author must change; ``related`` are the other cells involved, as
    ``(sheet, cell)`` pairs. ``expected`` is a decimal string (None for a missing text) and
    ``expected_of`` says what it is the expected value of. Where the sources of a form accept
    several methods, ``expected`` is the edition's first method's and ``alternatives`` hold the
    others as ``(method, expected)``; a band gives ``expected_range`` as ``(min, max)``.
    ``consequence_of`` is ``(rule, sheet, cell)`` of the finding this one follows from: a figure
    that becomes wrong once that finding's cell is corrected (随之应为, see
    :mod:`evaluator.checks.consequences`); None for an error of its own.
    """

    rule: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    indicator: str | None = None
    expected: str | None = None
    actual: str | None = None
    arithmetic: str | None = None
    expected_of: str | None = None
    related: tuple[tuple[str, str], ...] = ()
    alternatives: tuple[tuple[str, str], ...] = ()
    expected_range: tuple[str, str] | None = None
    consequence_of: tuple[str, str, str] | None = None

    @classmethod
    def make(
        cls,
        rule: str,
        severity: Severity,
        message: str,
        ref: CellRef | None = None,
        indicator: str | None = None,
        expected: object = None,
        actual: object = None,
        arithmetic: str | None = None,
        expected_of: str | None = None,
        related: "Iterable[CellRef]" = (),
        alternatives: "Iterable[tuple[str, object]]" = (),
        expected_range: "tuple[object, object] | None" = None,
    ) -> "Finding":
        if expected_of is not None and expected_of not in EXPECTED_OF:
            raise ValueError(f"expected_of must be one of {EXPECTED_OF}, not {expected_of!r}")
        return cls(
            rule=rule,
            severity=severity,
            message=message,
            sheet=ref.sheet if ref else None,
            cell=ref.a1 if ref else None,
            indicator=indicator,
            expected=_text(expected),
            actual=_text(actual),
            arithmetic=arithmetic,
            expected_of=expected_of,
            related=tuple((other.sheet, other.a1) for other in related if other is not None),
            alternatives=tuple((method, _text(value)) for method, value in alternatives),
            expected_range=(_text(expected_range[0]), _text(expected_range[1])) if expected_range else None,
        )

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["related"] = [{"sheet": sheet, "cell": cell} for sheet, cell in self.related]
        data["alternatives"] = [{"method": method, "expected": value} for method, value in self.alternatives]
        data["expected_range"] = (
            {"min": self.expected_range[0], "max": self.expected_range[1]} if self.expected_range else None)
        data["consequence_of"] = (
            dict(zip(("rule", "sheet", "cell"), self.consequence_of)) if self.consequence_of else None)
        return data

    @property
    def sort_key(self) -> tuple:
        from evaluator.values.cells import coordinates

        row, col = coordinates(self.cell) if self.cell else (0, 0)
        return (self.sheet or "", row, col, -self.severity.rank, self.rule)
