"""Locate filled forms in workbook grids and read them into :class:`~evaluator.model.Form`.

The form is found by its labels, never by fixed addresses: on any sheet, at any offset, with merged
or repeated 一级/二级 labels, with the table's columns in any order and named by any of the
catalog's header synonyms. Every value keeps the sheet and cell it came from.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Iterable

from evaluator.families.department.catalog import Catalog, Indicator
from evaluator.findings import CellRef
from evaluator.families.department.model import MISSING, Form, GradeMark, GroupCell, IndicatorRow, Value
from evaluator.values.numbers import normalize_text
from evaluator.values.text import norm_label, split_points
from evaluator.intake.workbook import SheetGrid
from evaluator.values.patterns import lazy

TABLE_FIELDS = ("level1", "level2", "level3", "weight", "score", "reason", "remedy", "explanation")
TICKED = "☑☒✓✔√■▣●◉✅"
UNTICKED = "□☐○◯"
# How far below a budget label its value may sit, and how far right of a label its value may sit.
_BELOW = 4
_RIGHT = 12
# Rows inside the table that sum others rather than score an indicator.
_SUBTOTALS = frozenset({"小计", "合计"})


@dataclass
class NotFound:
    """Why no form was found in a workbook: the labels looked for, those seen (with cells), and
    for each label the spellings accepted for it."""

    looked_for: list[str]
    seen: dict[str, str] = field(default_factory=dict)
    spellings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [label for label in self.looked_for if label not in self.seen]

    def describe(self) -> str:
        seen = "，".join(f"“{label}”在 {where}" for label, where in self.seen.items()) or "一个也没有"
        wanted = "、".join(f"“{label}”" for label in self.looked_for)
        text = f"查找的标签：{wanted}；找到的：{seen}"
        if self.missing:
            missing = []
            for label in self.missing:
                others = [other for other in self.spellings.get(label, []) if other != label]
                missing.append(f"“{label}”（也可写作：{'、'.join(others)}）" if others else f"“{label}”")
            text += f"；没有找到：{'，'.join(missing)}"
        return text


@dataclass
class _Columns:
    header_row: int
    cols: dict[str, int]
    level1_weight: int | None = None
    level2_weight: int | None = None


def _synonyms(catalog: Catalog) -> dict[str, str]:
    headers = catalog.form.headers
    table: dict[str, str] = {}
    for name in TABLE_FIELDS:
        for label in getattr(headers, name):
            table.setdefault(norm_label(label), name)
    return table


def _find_headers(grid: SheetGrid, catalog: Catalog) -> list[_Columns]:
    """Every row that holds a 三级指标 header and a 得分 header, with its columns mapped."""
    synonyms = _synonyms(catalog)
    level3 = {norm_label(label) for label in catalog.form.headers.level3}
    rows = sorted({r for (r, c), v in grid.cells.items() if norm_label(v) in level3})
    found = []
    for r in rows:
        cols: dict[str, int] = {}
        weights: list[int] = []
        for c, value in grid.row_values(r):
            name = synonyms.get(norm_label(value))
            if name == "weight":
                weights.append(c)
            elif name and name not in cols:
                cols[name] = c
        if "score" not in cols or "level3" not in cols:
            continue
        table = _Columns(header_row=r, cols=cols)
        # Each 分值 column belongs to the nearest level label on its left (一级, 二级 or 三级).
        levels = sorted((cols[k], k) for k in ("level1", "level2", "level3") if k in cols)
        for c in weights:
            owner = max((lc for lc in levels if lc[0] < c), default=None)
            level = owner[1] if owner else "level3"
            if level == "level1" and table.level1_weight is None:
                table.level1_weight = c
            elif level == "level2" and table.level2_weight is None:
                table.level2_weight = c
            elif level == "level3" and "weight" not in table.cols:
                table.cols["weight"] = c
        if "weight" in table.cols:
            found.append(table)
    return found


@lru_cache(maxsize=256)
def _label_keys(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(norm_label(label) for label in labels)


def _matches(value: Any, labels: Iterable[str]) -> bool:
    key = norm_label(value)
    return bool(key) and key in _label_keys(tuple(labels))


def _value(grid: SheetGrid, row: int, col: int | None) -> Value:
    """The value at (row, col) with the reference of the cell that holds it (a merge's anchor)."""
    if col is None:
        return MISSING
    r, c = grid.anchor(row, col)
    return Value(raw=grid.cells.get((r, c)), ref=CellRef(grid.name, r, c), formula=grid.formulas.get((r, c)))


def _right_of(grid: SheetGrid, row: int, col: int) -> Value:
    """The first non-empty cell to the right of a label (past the label's own merged range)."""
    _, _, _, c1 = grid.extent(row, col)
    for c in range(c1 + 1, c1 + 1 + _RIGHT):
        r0, c0 = grid.anchor(row, c)
        if (r0, c0) in grid.cells or (r0, c0) in grid.formulas:
            return _value(grid, row, c)
    return MISSING


def _below(grid: SheetGrid, row: int, col: int, limit: int) -> Value:
    """The first non-empty cell below a header label (past the label's own merged range)."""
    _, _, r1, _ = grid.extent(row, col)
    for r in range(r1 + 1, min(r1 + 1 + _BELOW, limit)):
        r0, c0 = grid.anchor(r, col)
        if (r0, c0) in grid.cells or (r0, c0) in grid.formulas:
            return _value(grid, r, col)
    return MISSING


def _cells_in(grid: SheetGrid, top: int, bottom: int) -> list[tuple[tuple[int, int], Any]]:
    return sorted((rc, v) for rc, v in grid.cells.items() if top <= rc[0] < bottom)


def _find_label(cells, labels: Iterable[str]) -> tuple[int, int] | None:
    labels = list(labels)
    return next((rc for rc, v in cells if _matches(v, labels)), None)


def _split_weight(grid: SheetGrid, row: int, label_col: int | None, weight_col: int | None) -> tuple[str, Value, CellRef | None]:
    """A 一级/二级 label, its 分值 cell (or the points written inside the label) and the label cell."""
    if label_col is None:
        return "", MISSING, None
    label = _value(grid, row, label_col)
    name, points = split_points(label.text)
    if weight_col is not None:
        weight = _value(grid, row, weight_col)
        if weight.is_blank and points is not None:
            weight = Value(raw=points, ref=label.ref)
    elif points is not None:
        weight = Value(raw=points, ref=label.ref)
    else:
        weight = MISSING
    return name, weight, label.ref


def _read_grade(grid: SheetGrid, row: int, col: int, catalog: Catalog, bottom: int) -> list[GradeMark]:
    """The 评价等级 options right of (and just below) the label, and which boxes are ticked."""
    names = [band.name for band in catalog.grades]
    pattern = re.compile(
        "(?P<box>[" + TICKED + UNTICKED + r"]|\[\s*[√xX✓]?\s*\])?\s*(?P<name>" + "|".join(map(re.escape, names)) + ")"
    )
    marks: list[GradeMark] = []
    _, _, r1, _ = grid.extent(row, col)
    for r in range(row, min(r1 + 3, bottom)):
        pending_box: tuple[str, CellRef] | None = None
        for c, value in grid.row_values(r):
            if (r, c) == (row, col) or grid.anchor(r, c) != (r, c):
                continue
            ref = CellRef(grid.name, r, c)
            text = normalize_text(str(value)).strip() if not isinstance(value, str) else value.strip()
            if text and all(ch in TICKED + UNTICKED + " " for ch in text):
                pending_box = (text.strip()[-1], ref)  # a box alone in its cell, the name follows
                continue
            for match in pattern.finditer(text):
                box = match.group("box")
                box_ref = ref
                if not box and pending_box:
                    box, box_ref = pending_box
                pending_box = None
                if not box:
                    continue
                ticked = box[0] in TICKED or (box.startswith("[") and box.strip("[] ") != "")
                marks.append(GradeMark(name=match.group("name"), ticked=ticked, ref=box_ref))
        if marks:
            break
    if not marks:
        # A plain answer (评价等级 | 优) instead of boxes.
        answer = _right_of(grid, row, col)
        if answer.text in names:
            marks = [GradeMark(name=answer.text, ticked=True, ref=answer.ref)]
    return marks


def _read_total(grid: SheetGrid, where: tuple[int, int], table: _Columns) -> tuple[Value, Value]:
    """The 分值 and 得分 of the 总分 row: in the table's 分值 and 得分 columns, or else the figures
    written right of the label (the last one is the total)."""
    row, col = where
    label = grid.anchor(row, col)
    score = _value(grid, row, table.cols["score"])
    weight = _value(grid, row, table.cols["weight"])
    if not score.is_blank and score.ref is not None and (score.ref.row, score.ref.col) != label:
        return weight, score
    figures: list[Value] = []
    value = _right_of(grid, row, col)
    while value.ref is not None and len(figures) < 3:
        figures.append(value)
        value = _right_of(grid, value.ref.row, value.ref.col)
    if not figures:
        return MISSING, score
    return (figures[-2] if len(figures) > 1 else MISSING), figures[-1]


def _match_rows(rows: list[IndicatorRow], catalog: Catalog) -> None:
    """Give each row its catalog indicator. Names can repeat (采购意向公开合规性 0.5 and 1.5), so a
    repeated name is told apart by its 二级 group, then its weight, then its order."""
    used: set[str] = set()

    def pick(candidates: list[Indicator], row: IndicatorRow) -> Indicator | None:
        free = [ind for ind in candidates if ind.id not in used]
        if not free:
            return None
        same_group = [ind for ind in free if norm_label(ind.level2) == norm_label(row.level2)]
        free = same_group or free
        weight = row.weight.number
        by_weight = [ind for ind in free if weight is not None and ind.weight == weight]
        return (by_weight or free)[0]

    by_key: dict[str, list[Indicator]] = {}
    for ind in catalog.indicators:
        by_key.setdefault(ind.key, []).append(ind)
    pending = []
    for row in rows:
        found = pick(by_key.get(norm_label(split_points(row.name.text)[0]), []), row)
        if found:
            row.indicator = found
            used.add(found.id)
        else:
            pending.append(row)
    # Second pass: a name written longer or shorter (资产数据质量 for 数据质量), when unambiguous.
    for row in pending:
        key = norm_label(split_points(row.name.text)[0])
        if not key:
            continue
        near = [ind for ind in catalog.indicators if ind.id not in used and (ind.key in key or key in ind.key)]
        if len(near) == 1:
            row.indicator = near[0]
            used.add(near[0].id)


def _read_table(grid: SheetGrid, table: _Columns, bottom: int, catalog: Catalog, form: Form) -> int:
    """Read indicator rows below the header until 总分; return the row after the table."""
    cols = table.cols
    stop_labels = (*catalog.form.labels.total, *catalog.form.labels.grade)
    level1: GroupCell | None = None
    level2: GroupCell | None = None
    r = table.header_row + 1
    # A second header row (e.g. merged two-row headers) holds no data: skip rows of header labels.
    while r < bottom:
        row_cells = grid.row_values(r)
        if any(_matches(v, stop_labels) for _, v in row_cells):
            break
        name = _value(grid, r, cols["level3"])
        weight = _value(grid, r, cols.get("weight"))
        score = _value(grid, r, cols.get("score"))
        if name.ref and name.ref.row != r:
            name = Value(raw=None, ref=CellRef(grid.name, r, cols["level3"]))
        own = lambda v: v.ref is not None and v.ref.row == r and not v.is_blank  # noqa: E731
        if not (own(name) or own(weight) or own(score)) or norm_label(name.text) in _SUBTOTALS:
            r += 1
            continue
        name1, weight1, ref1 = _split_weight(grid, r, cols.get("level1"), table.level1_weight)
        name2, weight2, ref2 = _split_weight(grid, r, cols.get("level2"), table.level2_weight)
        if name1 or level1 is None:
            if level1 is None or norm_label(name1) != norm_label(level1.name):
                level1 = GroupCell(level=1, name=name1, weight=weight1, label_ref=ref1)
                form.groups.append(level1)
                level2 = None
        if name2 or level2 is None:
            if level2 is None or norm_label(name2) != norm_label(level2.name):
                level2 = GroupCell(level=2, name=name2, weight=weight2, label_ref=ref2)
                level1.children.append(level2)
        row = IndicatorRow(
            name=name,
            weight=weight,
            score=score,
            reason=_value(grid, r, cols.get("reason")),
            remedy=_value(grid, r, cols.get("remedy")),
            explanation=_value(grid, r, cols.get("explanation")),
            level1=level1.name,
            level2=level2.name,
        )
        level2.children.append(row)
        form.rows.append(row)
        r += 1
    _match_rows(form.rows, catalog)
    return r


def _own_labels(above, catalog: Catalog) -> bool:
    """Whether the rows above a table hold a label only this form prints (部门名称, 单位数, 总预算,
    年度整体绩效目标 …): without its title, that is what makes a table this form's."""
    labels = catalog.form.labels
    own = [*labels.department, *labels.units, *catalog.form.texts.goal, *catalog.form.texts.achievement,
           *(label for item in catalog.budget.items for label in item.labels)]
    return _find_label(above, own) is not None


_FORM_TITLE = lazy("(自评表|评分表|评价表|打分表)")


def _other_title(above) -> bool:
    """Whether the rows above a table carry another form's title (…评分表, 项目支出绩效自评表)."""
    return any(isinstance(v, str) and len("".join(v.split())) <= 40 and _FORM_TITLE.search("".join(v.split()))
               for _, v in above)


def read_sheet(grid: SheetGrid, catalog: Catalog) -> list[Form]:
    """Every form on one sheet (usually one)."""
    labels = catalog.form.labels
    forms = []
    tables = _find_headers(grid, catalog)
    title_key = norm_label(catalog.form.title)
    for index, table in enumerate(tables):
        top = tables[index - 1].header_row + 1 if index else 1
        bottom = tables[index + 1].header_row if index + 1 < len(tables) else grid.max_row + 1
        above = _cells_in(grid, top, table.header_row)
        title_at = next(((rc, v) for rc, v in reversed(above) if title_key in norm_label(v)), None)
        if title_at:
            top = title_at[0][0]
            above = _cells_in(grid, top, table.header_row)
        if not title_at and (not _own_labels(above, catalog) or _other_title(above)):
            continue   # another form (a project form, a 评分表) has 三级指标/分值/得分 too
        anchor = title_at[0] if title_at else (table.header_row, table.cols["level3"])
        form = Form(
            sheet=grid.name,
            title=str(title_at[1]).strip() if title_at else catalog.form.title,
            anchor=CellRef(grid.name, *anchor),
            header_ref=CellRef(grid.name, table.header_row, table.cols["level3"]),
        )
        year_pattern = re.compile(labels.year)
        for _, v in above:
            if isinstance(v, str) and "年" in v:
                match = year_pattern.search(normalize_text(v))
                if match:
                    form.year = int(match.group(1))
                    break
        where = _find_label(above, labels.department)
        if where:
            form.department = _right_of(grid, *where).text or None
        where = _find_label(above, labels.units)
        if where:
            form.units = _right_of(grid, *where)
        for item in catalog.budget.items:
            where = _find_label(above, item.labels)
            if where:
                value = _below(grid, *where, limit=table.header_row)
                if value.is_blank:
                    value = _right_of(grid, *where)
                form.budget[item.key] = value
        for key in ("goal", "achievement", "unmet_reason"):
            where = _find_label(above, getattr(catalog.form.texts, key))
            if where:
                form.texts[key] = _right_of(grid, *where)
        end = _read_table(grid, table, bottom, catalog, form)
        if not claims(form, catalog):
            continue   # the title or a label alone does not make a table this form's
        after = _cells_in(grid, end, bottom)
        where = _find_label(after, labels.total)
        if where:
            form.total_weight, form.total = _read_total(grid, where, table)
        where = _find_label(after, labels.grade)
        if where:
            form.grade_marks = _read_grade(grid, *where, catalog=catalog, bottom=bottom)
        forms.append(form)
    return forms


def claims(form: Form, catalog: Catalog) -> bool:
    """Whether the rows read are this edition's: a share (``form.claim_share``) of its own 三级
    indicators is there. Its title, its columns or a 部门名称 label are shared by other provinces'
    forms (a national-style body, a Hunan 评分表 under a web page's head) and never enough."""
    matched = sum(1 for row in form.rows if row.indicator is not None)
    return matched >= catalog.form.claim_share * len(catalog.indicators)


def looked_for(catalog: Catalog) -> list[str]:
    headers = catalog.form.headers
    return [catalog.form.title, headers.level3[0], headers.score[0], headers.weight[0],
            catalog.form.labels.total[0], catalog.form.labels.grade[0]]


def diagnose(grids: list[SheetGrid], catalog: Catalog) -> NotFound:
    """Which of the labels that locate the form appear anywhere, and where."""
    headers = catalog.form.headers
    probes = {
        catalog.form.title: [catalog.form.title],
        headers.level3[0]: headers.level3,
        headers.score[0]: headers.score,
        headers.weight[0]: headers.weight,
        catalog.form.labels.total[0]: catalog.form.labels.total,
        catalog.form.labels.grade[0]: catalog.form.labels.grade,
    }
    result = NotFound(looked_for=list(probes), spellings={name: list(labels) for name, labels in probes.items()})
    title_key = norm_label(catalog.form.title)
    for grid in grids:
        for (r, c), v in sorted(grid.cells.items()):
            key = norm_label(v)
            for name, labels in probes.items():
                if name in result.seen:
                    continue
                hit = title_key in key if name == catalog.form.title else _matches(v, labels)
                if hit:
                    result.seen[name] = f"{grid.name}!{CellRef(grid.name, r, c).a1}"
    return result


def read_forms(grids: list[SheetGrid], catalog: Catalog) -> list[Form]:
    forms: list[Form] = []
    for grid in grids:
        forms.extend(read_sheet(grid, catalog))
    return forms
