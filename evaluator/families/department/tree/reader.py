"""Read a scored tree from a sheet, as its edition describes it.

The header row is found by its 三级 column and the columns the edition requires; each other column
is told by its header synonyms, a level's points column by sitting right of the level's label
column, and (``points.score: last``) the score column by being the table's last. Rows are read
until the total or grade row; 一级/二级 labels may be merged, repeated or left blank below the
first. A table is the edition's only when a share of its rows use the edition's vocabulary.
"""

from __future__ import annotations

import re
from typing import Any

from evaluator.families.department.labels import labels
from evaluator.families.department.tree.edition import TreeEdition
from evaluator.families.department.tree.model import TreeForm, TreeGroup, TreeRow
from evaluator.families.department.reader import _right_of, _value   # one way to take a cell next to a label
from evaluator.findings import CellRef
from evaluator.intake.workbook import SheetGrid
from evaluator.values.cell import MISSING, Value
from evaluator.values.numbers import normalize_text
from evaluator.values.text import norm_label, split_points
from evaluator.values.patterns import lazy

_TITLE = lazy(r"(自评表|评分表|评价表|得分表|指标表|打分表)")
_LEVELS = ("level1", "level2", "level3")


def _columns(grid: SheetGrid, row: int, edition: TreeEdition) -> dict[str, int] | None:
    """The header row's columns by field, or None when it lacks a column the edition requires or
    holds one that belongs to another edition."""
    model = edition.model
    cells = [(c, norm_label(v)) for c, v in grid.row_values(row) if norm_label(v)]
    forbidden = {norm_label(label) for label in model.identify.not_columns}
    if any(key in forbidden for _, key in cells):
        return None
    cols: dict[str, int] = {}
    pointish: list[int] = []
    weight_keys = {norm_label(label) for label in model.columns.weight}
    score_keys = {norm_label(label) for label in model.columns.score}
    for c, key in cells:
        name = edition.synonyms.get(key)
        if key in weight_keys or (model.points.score == "last" and key in score_keys):
            pointish.append(c)
        elif name and name not in cols:
            cols[name] = c
    if model.points.score == "last" and pointish:
        cols["score"] = pointish[-1]
        pointish = pointish[:-1]
    levels = sorted((cols[name], name) for name in _LEVELS if name in cols)
    for c in pointish:
        owner = max((level for level in levels if level[0] < c), default=None)
        field = {"level1": "weight1", "level2": "weight2", "level3": "weight"}[owner[1]] if owner else "weight"
        cols.setdefault(field, c)
    need = set(model.identify.columns)
    if not need <= set(cols):
        return None
    return cols


def _is_label(value: Any, labels: list[str]) -> bool:
    key = norm_label(value)
    return bool(key) and any(key == norm_label(label) or key.startswith(norm_label(label)) for label in labels)


def _group_weight(grid: SheetGrid, row: int, label: Value, col: int | None, how: str) -> tuple[str, Value]:
    name, points = split_points(normalize_text(label.text).replace("\n", "")) if label.text else ("", None)
    name = "".join(name.split())
    from_label = Value(raw=points, ref=label.ref) if points is not None else MISSING
    if how == "bracket":
        return name, from_label
    if how == "none":
        return name, MISSING
    column = _value(grid, row, col) if col is not None else MISSING
    if how == "column":
        return name, column
    return name, column if not column.is_blank else from_label


def read_table(grid: SheetGrid, header: int, bottom: int, cols: dict[str, int], edition: TreeEdition,
               form: TreeForm) -> None:
    model = edition.model
    stop = [*model.labels.total, *model.labels.grade]
    level1: TreeGroup | None = None
    level2: TreeGroup | None = None
    for r in range(header + 1, bottom):
        first = next((v for _, v in grid.row_values(r) if norm_label(v)), None)
        if first is not None and _is_label(first, stop):
            where = next(c for c, v in grid.row_values(r) if norm_label(v))
            if _is_label(first, model.labels.total) and form.total.ref is None:
                form.total_weight = _value(grid, r, cols.get("weight"))
                form.total = _value(grid, r, cols.get("score"))
                if form.total.is_blank or (form.total.ref and (form.total.ref.row, form.total.ref.col) ==
                                           grid.anchor(r, where)):
                    figures, value = [], _right_of(grid, r, where)
                    while value.ref is not None and len(figures) < 4:
                        figures.append(value)
                        value = _right_of(grid, value.ref.row, value.ref.col)
                    numbers = [value for value in figures if value.number is not None]
                    form.total = numbers[-1] if numbers else MISSING
                    form.total_weight = numbers[-2] if len(numbers) > 1 else MISSING
                continue
            if _is_label(first, model.labels.grade):
                form.grade = _right_of(grid, r, where)
                continue
        label3 = _value(grid, r, cols["level3"])
        if label3.ref is None or label3.ref.row != r or label3.is_blank:
            if not (form.total.ref is None and label3.is_blank and (label3.ref is None or label3.ref.row == r)
                    and _nameless(grid, r, cols, form, stop)):
                continue
        if norm_label(label3.text) in {norm_label(label) for label in model.columns.level3}:
            continue   # a repeated header row
        if norm_label(label3.text) in {"小计", "合计"}:
            continue
        one = _value(grid, r, cols.get("level1"))
        two = _value(grid, r, cols.get("level2"))
        name1, weight1 = _group_weight(grid, r, one, cols.get("weight1"), model.points.level1)
        name2, weight2 = _group_weight(grid, r, two, cols.get("weight2"), model.points.level2)
        if level1 is None or (name1 and norm_label(name1) != norm_label(level1.name)):
            level1 = TreeGroup(level=1, name=name1, weight=weight1, label_ref=one.ref)
            form.groups.append(level1)
            level2 = None
        if level2 is None or (name2 and norm_label(name2) != norm_label(level2.name)):
            level2 = TreeGroup(level=2, name=name2, weight=weight2, label_ref=two.ref)
            level1.children.append(level2)
        raw_name = normalize_text(label3.text).replace("\n", "")
        name, points = split_points(raw_name)
        how = model.points.level3
        weight = _value(grid, r, cols.get("weight"))
        if how == "bracket" or (how == "column-or-bracket" and weight.is_blank):
            weight = Value(raw=points, ref=label3.ref) if points is not None else MISSING
        row = TreeRow(name="".join(name.split()), name_ref=label3.ref, weight=weight,
                      score=_value(grid, r, cols.get("score")),
                      criteria=_value(grid, r, cols.get("criteria")),
                      reason=_value(grid, r, cols.get("reason")),
                      explanation=_value(grid, r, cols.get("explanation")))
        row.known = edition.knows(row.name)
        level2.children.append(row)
        form.rows.append(row)


def _nameless(grid: SheetGrid, r: int, cols: dict[str, int], form: TreeForm, stop: list[str]) -> bool:
    """Whether a row without a 三级 name holds its own 分值 and 得分 figures inside the table (the
    next row with text is a named 三级 row or the total row): it is read (its points count in the
    sums and the total) and said in ``form.not_read``, since no rule that needs the indicator's
    name can judge it — never a silent gap. Figures below the table's last row (a table under it,
    a note) are not the table's."""
    following = next((rr for rr in range(r + 1, grid.max_row + 1)
                      if any(isinstance(v, str) and norm_label(v) for _, v in grid.row_values(rr))), None)
    if following is None:
        return False
    name = _value(grid, following, cols["level3"])
    named = name.ref is not None and name.ref.row == following and not name.is_blank
    if not named and not any(_is_label(v, stop) for _, v in grid.row_values(following)):
        return False
    weight, score = _value(grid, r, cols.get("weight")), _value(grid, r, cols.get("score"))
    own = [value for value in (weight, score) if value.ref is not None and value.ref.row == r and value.number is not None]
    if len(own) < 2 or any(norm_label(v)[:2] in ("小计", "合计", "总计") for _, v in grid.row_values(r)):
        return False   # a subtotal row sums others
    form.not_read.append({"where": f"{grid.name}!{CellRef(grid.name, r, cols['level3']).a1}",
                          "why": f"有分值 {weight.text} 和得分 {score.text}，但没有三级指标名称，无法按指标校验"})
    return True


def read_sheet(grid: SheetGrid, edition: TreeEdition) -> list[TreeForm]:
    model = edition.model
    level3 = {norm_label(label) for label in model.columns.level3}
    headers = []
    index = labels(grid)
    if not edition.may_hold(index):
        return []   # a column the edition requires is nowhere on the sheet
    for r in sorted({r for key in level3 for r, _ in index.get(key, ())}):
        cols = _columns(grid, r, edition)
        if cols is not None:
            headers.append((r, cols))
    forms = []
    for index, (header, cols) in enumerate(headers):
        top = headers[index - 1][0] + 1 if index else 1
        bottom = headers[index + 1][0] if index + 1 < len(headers) else grid.max_row + 1
        above = sorted((rc, v) for rc, v in grid.cells.items() if top <= rc[0] < header)
        titles = [norm_label(title) for title in model.identify.titles]
        title_at = next(((rc, v) for rc, v in above if isinstance(v, str) and len("".join(v.split())) <= 60
                         and (any(t in norm_label(v) for t in titles) or _TITLE.search("".join(v.split())))),
                        None)
        anchor = title_at[0] if title_at else (header, cols["level3"])
        form = TreeForm(sheet=grid.name, title="".join(str(title_at[1]).split()) if title_at else model.name,
                        anchor=CellRef(grid.name, *anchor), header_ref=CellRef(grid.name, header, cols["level3"]),
                        edition=edition, columns=cols)
        year = re.compile(model.labels.year)
        for _, v in above:
            if isinstance(v, str) and "年" in v:
                match = year.search(normalize_text(v))
                if match:
                    form.year = int(match.group(1))
                    break
        where = next((rc for rc, v in above if _is_label(v, model.labels.department)), None)
        if where:
            text = str(grid.cells[where])
            inline = re.split(r"[:：]", text, maxsplit=1)
            form.department = (inline[1].strip() if len(inline) > 1 and inline[1].strip()
                               else _right_of(grid, *where).text) or None
        read_table(grid, header, bottom, cols, edition, form)
        if not form.rows or sum(row.known for row in form.rows) < model.identify.share * len(form.rows):
            continue
        forms.append(form)
    return forms


def read_forms(grids: list[SheetGrid], edition: TreeEdition) -> list[TreeForm]:
    return [form for grid in grids for form in read_sheet(grid, edition)]
