"""The 部门整体支出绩效评价基础数据表 beside a 指标表: the figures its 指标说明 rest on.

Read wherever it sits in the workbook (above the 指标表 or on a sheet of its own): the staff block
(编制数 | 实际在职人数 | 控制率, labels over their values) and the money block (a header row of
上年决算数 / 本年预算数 / 本年决算数 columns, then 三公经费 with its numbered parts 1、公务用车购置和维护经费
(其中 公车购置, 公车运行维护), 2、出国经费, 3、公务接待, and the rows after it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evaluator.findings import CellRef
from evaluator.intake.workbook import SheetGrid
from evaluator.values.cell import MISSING, Value
from evaluator.values.text import norm_label

_PART = re.compile(r"^(\d)[、.．]")


@dataclass
class MoneyRow:
    label: str
    values: list[Value]


@dataclass
class BasicData:
    sheet: str
    staff: Value = MISSING          # 编制数
    serving: Value = MISSING        # 实际在职人数
    rate: Value = MISSING           # 控制率
    columns: list[str] = field(default_factory=list)
    rows: list[MoneyRow] = field(default_factory=list)


def _value(grid: SheetGrid, row: int, col: int) -> Value:
    r, c = grid.anchor(row, col)
    return Value(raw=grid.cells.get((r, c)), ref=CellRef(grid.name, r, c), formula=grid.formulas.get((r, c)))


def _below(grid: SheetGrid, row: int, col: int) -> Value:
    for r in range(row + 1, row + 4):
        value = _value(grid, r, col)
        if not value.is_blank and value.ref.row == r:
            return value
    return MISSING


def read_basic(grids: list[SheetGrid]) -> BasicData | None:
    for grid in grids:
        cells = sorted(grid.cells.items())
        staff = next((rc for rc, v in cells if norm_label(v) == "编制数"), None)
        if staff is None:
            continue
        data = BasicData(sheet=grid.name, staff=_below(grid, *staff))
        for c, v in grid.row_values(staff[0]):
            key = norm_label(v)
            if "在职人数" in key:
                data.serving = _below(grid, staff[0], c)
            elif key.endswith("控制率"):
                data.rate = _below(grid, staff[0], c)
        header = next((r for r in sorted({r for (r, _), _ in cells}) if r > staff[0] and
                       sum(1 for _, v in grid.row_values(r) if re.search(r"(决算数|预算数)$", norm_label(v))) >= 2),
                      None)
        if header is not None:
            columns = [(c, norm_label(v)) for c, v in grid.row_values(header)
                       if re.search(r"(决算数|预算数)$", norm_label(v))]
            data.columns = [name for _, name in columns]
            for r in range(header + 1, grid.max_row + 1):
                row = grid.row_values(r)
                if not row:
                    continue
                label = norm_label(row[0][1])
                if not label or any(word in label for word in ("楼堂馆所", "厉行节约", "说明", "一级指标")):
                    break
                data.rows.append(MoneyRow(label, [_value(grid, r, c) for c, _ in columns]))
        return data
    return None
