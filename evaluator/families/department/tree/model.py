"""A scored tree as read from a sheet: groups, rows and the total, every value with its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evaluator.findings import CellRef
from evaluator.values.cell import MISSING, Value


@dataclass
class TreeRow:
    """A 三级 indicator: its name, 分值, 得分, the printed 评分标准 and the 扣分原因 beside it."""

    name: str
    name_ref: CellRef | None
    weight: Value
    score: Value
    criteria: Value = MISSING
    reason: Value = MISSING
    explanation: Value = MISSING
    known: bool = False   # its name is in the edition's vocabulary


@dataclass
class TreeGroup:
    """A 一级 or 二级 node with its points (from its column or its label) and its children."""

    level: int
    name: str
    weight: Value
    label_ref: CellRef | None
    children: list[Any] = field(default_factory=list)   # TreeGroup (level 1) or TreeRow (level 2)


@dataclass
class TreeForm:
    sheet: str
    title: str
    anchor: CellRef
    header_ref: CellRef
    edition: Any
    year: int | None = None
    department: str | None = None
    groups: list[TreeGroup] = field(default_factory=list)
    rows: list[TreeRow] = field(default_factory=list)
    total: Value = MISSING
    total_weight: Value = MISSING
    grade: Value = MISSING
    columns: dict[str, int] = field(default_factory=dict)
    basic: Any = None   # the 基础数据表 beside a 指标表, where the edition judges it
    #: Rows seen in the table and not read, ``{"where", "why"}`` (for coverage and form-partly-read).
    not_read: list[dict[str, str]] = field(default_factory=list)
