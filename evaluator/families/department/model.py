"""The parsed form: every value the reader found, with the cell it came from.

Checks read these objects and nothing else. Nothing here knows about files or openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evaluator.families.department.catalog import Indicator
from evaluator.findings import CellRef
from evaluator.values.cell import MISSING, Value  # noqa: F401  (shared by every family)


@dataclass
class IndicatorRow:
    """One row of the indicator table: a 三级指标 with its 分值 (weight) and 得分 (score)."""

    name: Value
    weight: Value
    score: Value
    reason: Value = MISSING
    remedy: Value = MISSING
    explanation: Value = MISSING
    level1: str = ""
    level2: str = ""
    indicator: Indicator | None = None

    @property
    def label(self) -> str:
        return self.indicator.name if self.indicator else self.name.text

    @property
    def texts(self) -> list[Value]:
        """The free-text cells of the row that may carry arithmetic or a stated deduction."""
        seen: list[Value] = []
        for value in (self.reason, self.remedy):
            if value.ref is not None and value not in seen and not value.is_blank:
                seen.append(value)
        return seen


@dataclass
class GroupCell:
    """A 一级 or 二级 label with its 分值 cell and the rows under it."""

    level: int
    name: str
    weight: Value
    label_ref: CellRef | None
    children: list[Any] = field(default_factory=list)  # GroupCell (level 1) or IndicatorRow (level 2)


@dataclass
class GradeMark:
    """One 评价等级 option and whether its box is ticked."""

    name: str
    ticked: bool
    ref: CellRef


@dataclass
class Form:
    """One filled form found on one sheet."""

    sheet: str
    title: str
    anchor: CellRef
    year: int | None = None
    department: str | None = None
    units: Value = MISSING
    budget: dict[str, Value] = field(default_factory=dict)
    texts: dict[str, Value] = field(default_factory=dict)
    header_ref: CellRef | None = None
    rows: list[IndicatorRow] = field(default_factory=list)
    groups: list[GroupCell] = field(default_factory=list)
    total: Value = MISSING
    total_weight: Value = MISSING
    grade_marks: list[GradeMark] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
