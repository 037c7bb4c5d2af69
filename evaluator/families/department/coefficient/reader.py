"""Read a coefficient form: the title, 主管部门 and 自评总分 at the top, the funds block (the row of
figures under its header), and the indicator block (the rows under the header holding 得分系数 and
指标权重, until a row without an indicator name)."""

from __future__ import annotations

import re

from evaluator.families.department.coefficient.edition import CoefficientEdition
from evaluator.families.department.coefficient.model import CoefficientForm, CoefficientRow, Funds
from evaluator.families.department.labels import labels
from evaluator.families.department.reader import _right_of, _value   # one way to take a cell next to a label
from evaluator.findings import CellRef
from evaluator.intake.workbook import SheetGrid
from evaluator.values.numbers import normalize_text
from evaluator.values.text import norm_label
from evaluator.values.patterns import lazy

_PERCENT = lazy(r"[(（]\s*%\s*[)）]|％")


def _map(grid: SheetGrid, row: int, keys: dict[str, str]) -> tuple[dict[str, int], set[str]]:
    """The columns of a header row by field (``keys``: header → field), and the fields whose
    header is marked (%)."""
    cols: dict[str, int] = {}
    percent: set[str] = set()
    for c, value in grid.row_values(row):
        key = norm_label(value)
        name = keys.get(key)
        if name and name not in cols:
            cols[name] = c
            if isinstance(value, str) and _PERCENT.search(value):
                percent.add(name)
    return cols, percent


def read_sheet(grid: SheetGrid, edition: CoefficientEdition) -> list[CoefficientForm]:
    model = edition.model
    index = labels(grid)
    if not edition.may_hold(index):
        return []
    coefficient = {key for key, name in edition.keys("indicators").items() if name == "coefficient"}
    rows = sorted({r for key in coefficient for r, _ in index.get(key, ())})
    if not rows:
        return []
    cells = sorted(grid.cells.items())
    title_at = next(((rc, v) for rc, v in cells if isinstance(v, str) and len("".join(v.split())) <= 40
                     and any(key == norm_label(v) or key in norm_label(v) for key in edition.title_keys)), None)
    if title_at is None:
        return []
    funds_header = indicator_header = None
    for r in sorted({r for (r, _), _ in cells}):
        cols, percent = _map(grid, r, edition.keys("indicators"))
        if indicator_header is None and {"name", "coefficient", "weight", "score"} <= set(cols):
            indicator_header = (r, cols, percent)
        cols, percent = _map(grid, r, edition.keys("funds"))
        if funds_header is None and {"budget", "spent", "weight", "score"} <= set(cols):
            funds_header = (r, cols, percent)
    if indicator_header is None:
        return []
    header_row, cols, percent = indicator_header
    form = CoefficientForm(sheet=grid.name, title="".join(str(title_at[1]).split()),
                           anchor=CellRef(grid.name, *title_at[0]),
                           header_ref=CellRef(grid.name, header_row, cols["name"]), edition=edition)
    year = re.compile(model.labels.year)
    for (r, c), v in cells:
        if r >= header_row:
            break
        if isinstance(v, str) and "年" in v and form.year is None:
            match = year.search(normalize_text(v))
            if match:
                form.year = int(match.group(1))
        key = norm_label(v)
        if key in {norm_label(label) for label in model.labels.department} and form.department is None:
            form.department = _right_of(grid, r, c).text or None
    for (r, c), v in cells:
        if norm_label(v) in {norm_label(label) for label in model.labels.total}:
            form.total = _right_of(grid, r, c)
            break
    if funds_header is not None:
        fr, fcols, fpercent = funds_header
        figures = [fcols[name] for name in ("spent", "rate", "weight", "score") if name in fcols]
        below = next((r for r in range(fr + 1, fr + 4)
                      if any(not _value(grid, r, c).is_blank and _value(grid, r, c).ref.row == r for c in figures)),
                     None)
        if below is not None:
            form.funds = Funds(**{name: _value(grid, below, col) for name, col in fcols.items()},
                               rate_in_points="rate" in fpercent)
    for r in range(header_row + 1, grid.max_row + 1):
        name = _value(grid, r, cols["name"])
        if name.ref is None or name.ref.row != r or name.is_blank:
            if any(norm_label(v) for _, v in grid.row_values(r)) and _value(grid, r, cols["weight"]).is_blank:
                break
            continue
        row = CoefficientRow(name="".join(name.text.split()), name_ref=name.ref,
                             coefficient_in_points="coefficient" in percent,
                             **{field: _value(grid, r, cols.get(field))
                                for field in ("nature", "target", "adjusted", "actual", "coefficient", "weight", "score")})
        form.rows.append(row)
    return [form] if form.rows else []


def read_forms(grids: list[SheetGrid], edition: CoefficientEdition) -> list[CoefficientForm]:
    return [form for grid in grids for form in read_sheet(grid, edition)]
