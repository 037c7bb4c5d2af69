"""Findings are data: which rule, how bad, where, about what, expected versus declared.

The message is rendered from these fields by the rule that produced the finding; reporters only
format findings, they never compute them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import Enum

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


@dataclass(frozen=True)
class Finding:
    """One disagreement between the workbook and what can be derived from it."""

    rule: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    indicator: str | None = None
    expected: str | None = None
    actual: str | None = None
    arithmetic: str | None = None

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
    ) -> "Finding":
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
        )

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @property
    def sort_key(self) -> tuple:
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

        row, col = 0, 0
        if self.cell:
            letters, row = coordinate_from_string(self.cell)
            col = column_index_from_string(letters)
        return (self.sheet or "", row, col, -self.severity.rank, self.rule)
