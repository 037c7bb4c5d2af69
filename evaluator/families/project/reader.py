"""Read a project form from a sheet's grid into a :class:`~evaluator.families.project.model.ProjectForm`.

Everything is found by its labels, never by fixed addresses: the form may sit at any offset, after
a cover sheet or blank rows, with merged cells, with its columns in any order, with labels broken
over lines ("当年财政\\n拨款") or carrying brackets (全年预算数（A）, 得分(20分*执行率)). Values are
kept as written (``Value``): numbers as text (4.62分, 1,234.5), placeholders (—, -, /) and targets
such as ``≥50个`` are the rules' to read. Every value keeps the cell it came from (a merged range's
anchor).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Sequence

from evaluator.families.project.detector import MAX_LABEL, Title
from evaluator.families.project.edition import Edition, loose_label
from evaluator.families.project.model import FundsRow, GroupWeight, IndicatorRow, ProjectForm
from evaluator.findings import CellRef
from evaluator.intake.numformats import percent_places
from evaluator.intake.workbook import SheetGrid, a1
from evaluator.values.cell import MISSING, Value
from evaluator.values.numbers import fmt, from_float, normalize_text, round_half_up
from evaluator.values.text import norm_label, split_points
from evaluator.values.patterns import lazy

#: How far right of a label its value may sit, and how far below a header its text may sit.
_RIGHT = 14
_BELOW = 3
#: Points written in a label: 预算执行情况(10分), 得分(20分*执行率), 绩效指标(90分).
_POINTS = lazy(r"[(（]\s*(\d+(?:\.\d+)?)\s*分")
_PART_PREFIX = lazy(r"^其中[:：]?")
#: Labels that close the indicator table besides the 总分 labels.
_CLOSING = ("其他需要说明事项", "评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人",
            "偏差大或目标未完成原因分析", "改进措施及结果应用方案", "填表人", "备注")
_SUBTOTALS = frozenset({"小计"})

FUNDS_FIELDS = ("initial", "budget", "spent", "weight", "rate", "score", "reason")
INDICATOR_FIELDS = ("level1", "level2", "name", "target", "actual", "nature", "unit", "weight", "score", "review",
                    "reason")


def _value(grid: SheetGrid, row: int, col: int | None) -> Value:
    """The value shown at (row, col), with the reference of the cell that holds it."""
    if col is None:
        return MISSING
    r, c = grid.anchor(row, col)
    return Value(raw=grid.cells.get((r, c)), ref=CellRef(grid.name, r, c), formula=grid.formulas.get((r, c)))


def _own(grid: SheetGrid, row: int, col: int | None) -> Value:
    """The value at (row, col) if it belongs to that row (not a merge that starts above)."""
    if col is None:
        return MISSING
    r, c = grid.anchor(row, col)
    if r != row:
        return MISSING
    return _value(grid, row, col)


def _filled(grid: SheetGrid, row: int, col: int) -> bool:
    r, c = grid.anchor(row, col)
    value = grid.cells.get((r, c))
    return (r, c) in grid.formulas or (value is not None and str(value).strip() != "")


def _points(text: str) -> Decimal | None:
    match = _POINTS.search(normalize_text(text))
    return Decimal(match.group(1)) if match else None


def _keys(labels: Iterable[str]) -> frozenset[str]:
    return _keys_of(tuple(labels))


@lru_cache(maxsize=512)
def _keys_of(labels: tuple[str, ...]) -> frozenset[str]:
    # The same edition's lists of labels, asked for ~35 times a form.
    return frozenset(loose_label(label) for label in labels)


def _is_label(value: Any, keys: frozenset[str]) -> bool:
    return isinstance(value, str) and len(value) <= MAX_LABEL * 2 and loose_label(value) in keys


class _Reader:
    def __init__(self, grid: SheetGrid, edition: Edition, title: Title | None, review: bool = False) -> None:
        self.grid = grid
        self.review = review
        #: Header row → its last row, for a header whose second row names sub-columns.
        self.bottoms: dict[int, int] = {}
        #: Whether the indicators are printed on two rows each (年度指标值 above 实际完成值).
        self.stacked = False
        #: Whether the indicator table ran to the end of the sheet without a closing row.
        self.ran_off = False
        self.edition = edition
        self.title = title
        self.top = title.row if title else 1
        self._labels: list[tuple[int, int, str]] | None = None
        labels = edition.labels
        self.all_labels = _keys([*labels.project_name, *labels.department, *labels.unit, *labels.goal,
                                 *labels.achievement, *labels.total, *labels.grade, *labels.funds_block,
                                 *labels.indicators_block, "实施单位", "项目类别", "项目属性", "项目类型"])

    # -- helpers ---------------------------------------------------------------------------

    def labels(self) -> list[tuple[int, int, str]]:
        """(row, col, loose key) of every cell that may be a label (what :func:`_is_label` tests),
        worked out once: the header fields, the blocks and the closing rows each look for theirs."""
        if self._labels is None:
            self._labels = [(r, c, loose_label(v)) for (r, c), v in self.grid.cells.items()
                            if isinstance(v, str) and len(v) <= MAX_LABEL * 2]
        return self._labels

    def rows_with(self, keys: frozenset[str], top: int, bottom: int) -> list[tuple[int, int]]:
        return sorted((r, c) for r, c, key in self.labels() if top <= r < bottom and key in keys)

    def right_of(self, row: int, col: int) -> Value:
        """The first non-empty cell right of a label (past its merged range), unless that is
        itself a label (then the field is blank)."""
        _, _, _, c1 = self.grid.extent(row, col)
        for c in range(c1 + 1, c1 + 1 + _RIGHT):
            if _filled(self.grid, row, c):
                value = _value(self.grid, row, c)
                if isinstance(value.raw, str) and loose_label(value.raw) in self.all_labels:
                    return Value(raw=None, ref=CellRef(self.grid.name, row, c1 + 1))
                return value
        return Value(raw=None, ref=CellRef(self.grid.name, row, c1 + 1)) if c1 + 1 <= self.grid.max_col else MISSING

    def below(self, row: int, col: int, limit: int) -> Value:
        _, _, r1, _ = self.grid.extent(row, col)
        for r in range(r1 + 1, min(r1 + 1 + _BELOW, limit)):
            if _filled(self.grid, r, col):
                value = _value(self.grid, r, col)
                if isinstance(value.raw, str) and loose_label(value.raw) in self.all_labels:
                    return MISSING
                return value
        return MISSING

    # -- header ----------------------------------------------------------------------------

    def header_field(self, labels: Sequence[str], bottom: int) -> Value:
        hits = self.rows_with(_keys(labels), self.top, bottom)
        return self.right_of(*hits[0]) if hits else MISSING

    def year(self) -> int | None:
        pattern = re.compile(self.edition.labels.year)
        candidates = []
        if self.title:
            candidates.append(self.title.text)
        for (r, c), v in sorted(self.grid.cells.items()):
            if self.top <= r <= self.top + 3 and isinstance(v, str) and "年" in v:
                candidates.append(v)
        for text in candidates:
            # a date (填报日期:2022年8月10日) is when the form was filled in, not the year it reports on
            match = pattern.search(_DATE.sub("", normalize_text(text)))
            if match and 1990 <= int(match.group(1)) <= 2100:
                return int(match.group(1))
        return None

    # -- funds block -----------------------------------------------------------------------

    def funds_header(self, bottom: int) -> tuple[int, dict[str, int]] | None:
        """The row holding the funds block's column headers, and field → column."""
        columns = self.edition.funds.columns
        synonyms = {field: _keys(getattr(columns, field)) for field in (*FUNDS_FIELDS, "review")}
        rows = sorted({r for r, c, key in self.labels() if self.top <= r < bottom and key in synonyms["spent"]})
        for r in rows:
            mapped: dict[str, int] = {}
            for c, v in self.grid.row_values(r):
                if self.grid.anchor(r, c) != (r, c) or not isinstance(v, str):
                    continue
                key = loose_label(v)
                for field in (*FUNDS_FIELDS, "review"):
                    if key in synonyms[field] and field not in mapped:
                        mapped[field] = c
                        break
            if "spent" in mapped and ("budget" in mapped or "rate" in mapped):
                review = mapped.pop("review", None)
                if self.review and review is not None:
                    mapped["score"] = review     # the second score column, read as the score
                return r, mapped
        return None

    def funds(self, form: ProjectForm, bottom: int) -> int:
        """Read the funds block above ``bottom``; return the row after it (or the top)."""
        found = self.funds_header(bottom)
        if found is None:
            return self.top
        header, cols = found
        form.funds_ref = CellRef(self.grid.name, header, cols["spent"])
        first_col = min(cols.values())
        block_text = " ".join(str(v) for c, v in self.grid.row_values(header) if isinstance(v, str))
        block_label = next((v for c, v in self.grid.row_values(header) if c < first_col and isinstance(v, str)), "")
        # A block label merged down from above the header row (项目资金 over the header and rows).
        for c in range(1, first_col):
            r0, c0 = self.grid.anchor(header, c)
            if r0 < header and isinstance(self.grid.cells.get((r0, c0)), str):
                block_label = block_label or self.grid.cells[(r0, c0)]
        label_points = _points(block_label)
        score_points = _points(" ".join(str(v) for c, v in self.grid.row_values(header)
                                        if c == cols.get("score") and isinstance(v, str)))
        form.funds_weight_from_label = label_points or score_points
        unit_text = normalize_text(block_text + " " + str(block_label)).replace(" ", "").replace("\n", "")
        if "(万元)" in unit_text or "万元" in unit_text:
            form.money_unit = "万元"
        elif "(元)" in unit_text:
            form.money_unit = "元"
        total_keys = _keys(self.edition.funds.total_rows)
        part_keys = _keys(self.edition.funds.part_rows)
        _, _, header_bottom, _ = max((self.grid.extent(header, c) for c in cols.values()), key=lambda e: e[2])
        r = header_bottom + 1
        gap = 0
        while r < bottom:
            label = self._row_label(r, first_col)
            key = loose_label(label.text) if label.ref else ""
            bare = _PART_PREFIX.sub("", key)
            amounts = [_own(self.grid, r, cols.get(f)) for f in ("budget", "spent", "initial")]
            figures = any(value.ref is not None and not value.is_blank for value in amounts)
            numeric = any(value.number is not None or value.undecided for value in amounts)
            if key in total_keys:
                is_total = True
            elif key.startswith("其中") or bare in part_keys or key in part_keys or (
                    numeric and label.ref and 0 < len(key) <= 12 and key not in self.all_labels):
                is_total = False
            elif not label.ref and not figures:
                gap += 1
                if gap > 1:
                    break
                r += 1
                continue
            else:
                break
            gap = 0
            if is_total and form.funds_total is not None:
                break   # a second block (another form's) starts here
            row = FundsRow(label=label, is_total=is_total,
                           **{field: (_value(self.grid, r, cols.get(field)) if is_total and field == "weight"
                                      else _own(self.grid, r, cols.get(field))) for field in FUNDS_FIELDS})
            if is_total:
                row.weight_from_label = form.funds_weight_from_label
            form.funds.append(row)
            r += 1
        return r

    def _row_label(self, r: int, first_col: int) -> Value:
        """The rightmost label cell of row ``r`` left of the figures (its own, not merged from above)."""
        for c in range(first_col - 1, 0, -1):
            r0, c0 = self.grid.anchor(r, c)
            if r0 != r:
                continue
            value = self.grid.cells.get((r0, c0))
            if isinstance(value, str) and value.strip():
                return Value(raw=value, ref=CellRef(self.grid.name, r0, c0))
        return MISSING

    # -- goal texts ------------------------------------------------------------------------

    def goal_texts(self, form: ProjectForm, top: int, bottom: int) -> None:
        labels = self.edition.labels
        for attr, names in (("goal", labels.goal), ("achievement", labels.achievement)):
            hits = self.rows_with(_keys(names), top, bottom)
            if not hits:
                continue
            r, c = hits[0]
            value = self.below(r, c, bottom)
            if value.ref is None or value.is_blank:
                value = self.right_of(r, c)
                if value.ref is not None and value.ref.row >= bottom:
                    value = MISSING
            setattr(form, attr, value)

    # -- indicator block -------------------------------------------------------------------

    def indicator_header(self, top: int) -> tuple[int, dict[str, int], int | None] | None:
        """The indicator block's header row, field → column, and the goal-group column (Hubei)."""
        columns = self.edition.indicators.columns
        synonyms = {field: _keys(getattr(columns, field)) for field in INDICATOR_FIELDS}
        goal_keys = _keys(self.edition.indicators.goal_groups)
        rows = sorted({r for r, c, key in self.labels() if r >= top and key in synonyms["name"]})
        for r in rows:
            mapped: dict[str, int] = {}
            repeated: dict[str, list[int]] = {"weight": [], "score": []}
            goal_col = None
            for c, v in self._header_cells(r, synonyms):
                key = loose_label(v)
                # The goal-group column: its header, or the first goal's own label merged down
                # beside the header (年度绩效目标1(40分) | 一级指标 | 二级指标 …).
                if goal_col is None and (key in goal_keys or any(key.startswith(k) for k in goal_keys)):
                    goal_col = c
                    continue
                for field in INDICATOR_FIELDS:
                    if key in synonyms[field]:
                        if field in repeated:
                            repeated[field].append(c)
                        if field not in mapped:
                            mapped[field] = c
                        break
            if "name" in mapped:
                # A 分值 (or 得分) column left of the 三级指标 belongs to a group label (一级指标 | 分值 |
                # 二级指标 …): the indicator's own is the first one right of the name.
                for field, found in repeated.items():
                    right = [c for c in found if c > mapped["name"]]
                    if right:
                        mapped[field] = right[0]
            if "name" in mapped and "score" in mapped:
                self._sub_header(r, mapped, synonyms)
                return r, mapped, goal_col
        return None

    def _sub_header(self, r: int, mapped: dict[str, int], synonyms: dict[str, frozenset[str]]) -> None:
        """The row under a header whose cells are merged across several columns (年度指标值 over
        指标性质 | 指标值 | 度量单位): its own labels name those columns, and the table starts below it."""
        grid = self.grid
        found: dict[str, int] = {}
        for c, v in grid.row_values(r + 1):
            if grid.anchor(r + 1, c) != (r + 1, c) or not isinstance(v, str):
                continue
            r0, c0, r1, c1 = grid.extent(r, c)
            if r0 != r or r1 != r or c0 == c1:
                continue              # not under a cell of the header merged across columns
            key = loose_label(v)
            field = next((f for f in ("nature", "target", "unit", "actual", "weight", "score", "review")
                          if key in synonyms[f]), None)
            if field is not None:
                found[field] = c
        if found:
            for field, c in list(mapped.items()):
                if field not in found and any(grid.anchor(r, c) == grid.anchor(r, other) for other in found.values()):
                    del mapped[field]     # the merged label itself no longer names a column
            mapped.update(found)
            self.bottoms[r] = r + 1

    def _header_cells(self, r: int, synonyms: dict[str, frozenset[str]]) -> list[tuple[int, str]]:
        """The header labels of row ``r`` by column. A header that spans two rows (绩效指标 over
        一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位, with 实际完成值 | 分值 | 得分 … merged down
        from the row above, or written only there) takes the upper row's label for each column the
        lower row leaves without one."""
        grid = self.grid
        own = {c: v for c, v in grid.row_values(r) if grid.anchor(r, c) == (r, c) and isinstance(v, str)}
        if {loose_label(v) for v in own.values()} & synonyms["score"]:
            return sorted(own.items())     # one header row: the usual case
        known = frozenset().union(*(synonyms[field] for field in INDICATOR_FIELDS if field != "name"))
        cells = dict(own)
        last = max([grid.max_col] + [c1 for _, _, _, c1 in grid.merged])
        for c in range(1, last + 1):
            if c in cells or (r, c) in grid.cells and grid.anchor(r, c) == (r, c):
                continue
            r0, c0 = grid.anchor(r, c)
            if r0 == r and c0 != c:
                continue                  # inside a merge of this row
            if r0 < r:                    # merged down from above: its label stands for this column
                value = grid.cells.get((r0, c0))
                if c0 == c and isinstance(value, str) and loose_label(value) in known:
                    cells[c] = value
                continue
            above = grid.anchor(r - 1, c)
            value = grid.cells.get(above)
            if above == (r - 1, c) and isinstance(value, str) and loose_label(value) in known:
                cells[c] = value          # written in the upper row only (an unmerged export)
        return sorted(cells.items())

    def indicators(self, form: ProjectForm, header: int, cols: dict[str, int], goal_col: int | None,
                   carry: IndicatorRow | None = None) -> int:
        """Read the indicator rows under ``header``; ``carry`` is the last row read before (a table
        that goes on from another sheet), whose 一级/二级 labels the first rows continue."""
        grid = self.grid
        labels = self.edition.labels
        stop_keys = _keys([*labels.total, *labels.grade, *_CLOSING, *labels.reason_text])
        goal_keys = _keys(self.edition.indicators.goal_groups)
        header_keys = _keys(self.edition.indicators.columns.name)
        score_keys = _keys([*self.edition.indicators.columns.score, *self.edition.indicators.columns.review])
        if form.indicators_ref is None:
            form.indicators_ref = CellRef(grid.name, header, cols["name"])
        _, _, header_bottom, _ = max((grid.extent(header, c) for c in cols.values()), key=lambda e: e[2])
        header_bottom = max(header_bottom, self.bottoms.get(header, header))
        score_col = cols["score"]
        groups: dict[tuple[int, int, int], GroupWeight] = {}
        current_goal: tuple[str, Value] | None = None
        last_level1: Value | None = carry.level1 if carry is not None and carry.level1.ref is not None else None
        last_level2: Value | None = carry.level2 if carry is not None and carry.level2.ref is not None else None
        for above in (header - 1, header - 2):   # a goal heading printed just above the header
            hit = next(((c, v) for c, v in grid.row_values(above) if isinstance(v, str) and goal_keys
                        and any(loose_label(v).startswith(k) for k in goal_keys)), None)
            if hit is not None:
                ref = CellRef(grid.name, above, hit[0])
                current_goal = (hit[1], Value(raw=hit[1], ref=ref))
                self._group(form, groups, 0, ref, hit[1])
                break
        r = header_bottom + 1
        last = grid.max_row
        blank_run = 0
        stacked = self._stacked(cols, r) if "actual" not in cols and "target" in cols else None
        if stacked is not None:
            self.stacked = True
        below: set[int] = set()          # the 实际完成值 rows of indicators printed on two rows
        while r <= last:
            if r in below:
                r += 1
                continue
            row_cells = [(c, v) for c, v in grid.row_values(r) if grid.anchor(r, c) == (r, c)]
            if any(c < score_col and _is_label(v, stop_keys) for c, v in row_cells):
                break
            if any(_is_label(v, stop_keys) for c, v in row_cells) and not _filled(grid, r, cols["name"]):
                break
            # A goal-group row spanning the table (年度绩效目标1(40分) | 目标内容 …).
            heading = next((v for c, v in row_cells if isinstance(v, str)
                            and any(loose_label(v).startswith(k) for k in goal_keys)), None)
            name = _own(grid, r, cols["name"])
            # One cell spanning the name and the score columns is a heading or a text, not an indicator.
            spanning = name.ref is not None and grid.anchor(r, score_col) == (name.ref.row, name.ref.col)
            if heading is not None and (name.is_blank or spanning or loose_label(name.text).startswith(tuple(goal_keys))):
                ref = next(CellRef(grid.name, r, c) for c, v in row_cells if v is heading)
                current_goal = (heading, Value(raw=heading, ref=ref))
                self._group(form, groups, 0, ref, heading)
                r += 1
                continue
            if spanning or _is_label(name.raw, header_keys) or _is_label(grid.value(r, score_col), score_keys):
                r += 1   # a text across the table, or the header repeated (a new goal, a new page)
                continue
            values = {field: _own(grid, r, cols.get(field))
                      for field in ("name", "target", "actual", "nature", "unit", "weight", "score")}
            if stacked is not None and _is_label(grid.value(r, stacked[0]), stacked[1]) \
                    and _is_label(grid.value(r + 1, stacked[0]), stacked[2]):
                values["actual"] = _own(grid, r + 1, cols["target"])    # printed on the row below
                below.add(r + 1)
            values["target"], values["actual"] = _shown(grid, values["target"]), _shown(grid, values["actual"])
            if all(v.is_blank for v in values.values()):
                blank_run += 1
                if blank_run > 3:
                    break
                r += 1
                continue
            blank_run = 0
            if loose_label(values["name"].text) in _SUBTOTALS:
                r += 1
                continue
            if goal_col is not None:
                goal_value = _value(grid, r, goal_col)
                if goal_value.ref is not None and not goal_value.is_blank:
                    current_goal = (goal_value.text, goal_value)
                    self._group(form, groups, 0, goal_value.ref, goal_value.text)
            level1 = _value(grid, r, cols.get("level1"))
            level2 = _value(grid, r, cols.get("level2"))
            # A label written once above blank cells (not merged) covers the rows below it.
            if level1.is_blank and last_level1 is not None:
                level1 = last_level1
                if level2.is_blank and last_level2 is not None:
                    level2 = last_level2
            elif level2.is_blank and last_level2 is not None and last_level1 is not None \
                    and level1.ref == last_level1.ref:
                level2 = last_level2
            # A fiscal-system export writes a merged label's text into every row it covered:
            # consecutive identical labels are one group (the first cell stands for it).
            same_level1 = _repeats(level1, last_level1)
            if same_level1:
                level1 = last_level1
            if (same_level1 or level1.ref == (last_level1.ref if last_level1 else None)) and _repeats(level2, last_level2):
                level2 = last_level2
            last_level1 = level1 if not level1.is_blank else last_level1
            last_level2 = level2 if not level2.is_blank else last_level2
            reason = _value(grid, r, cols.get("reason"))
            row = IndicatorRow(
                level1=level1, level2=level2, name=values["name"], target=values["target"],
                actual=values["actual"], nature=values["nature"], unit=values["unit"],
                weight=values["weight"], score=values["score"], reason=reason,
                weight_from_label=_split(values["name"].text),
                group=_bare(current_goal[0]) if current_goal else "",
                index=len(form.indicators),
            )
            form.indicators.append(row)
            if current_goal is not None:
                self._group(form, groups, 0, current_goal[1].ref, current_goal[0]).rows.append(row)
            for level, value in ((1, level1), (2, level2)):
                if value.ref is not None and not value.is_blank and _split(value.text) is not None:
                    self._group(form, groups, level, value.ref, value.text).rows.append(row)
            r += 1
        else:
            self.ran_off = True   # the table runs to the end of the sheet: no closing row after it
        return r

    def _stacked(self, cols: dict[str, int], first: int) -> tuple[int, frozenset[str], frozenset[str]] | None:
        """Indicators printed on two rows each: a column (指标内容) that says 年度指标值 on an
        indicator's row and 实际完成值 on the row below it, both values in the 指标值 column. Returns
        that column and the two sets of labels, or None when the table is not printed so."""
        grid = self.grid
        columns = self.edition.indicators.columns
        aims, gots = _keys(columns.target), _keys(columns.actual)
        taken = set(cols.values())
        for (r, c), v in sorted(grid.cells.items()):
            if r >= first and c not in taken and _is_label(v, aims) and _is_label(grid.value(r + 1, c), gots):
                return c, aims, gots
        return None

    def _group(self, form: ProjectForm, groups: dict, level: int, ref: CellRef | None, text: str) -> GroupWeight:
        key = (level, ref.row if ref else 0, ref.col if ref else 0)
        if key not in groups:   # a group begun on an earlier part of the table goes on
            groups.update({key: group for group in form.groups
                           if group.level == level and group.label_ref == ref and ref is not None})
        if key not in groups:
            points = _split(text)
            weight = Value(raw=points, ref=ref) if points is not None else MISSING
            groups[key] = GroupWeight(level=level, name=_bare(text), weight=weight, label_ref=ref)
            form.groups.append(groups[key])
        return groups[key]

    # -- closing rows ----------------------------------------------------------------------

    def closing(self, form: ProjectForm, start: int, cols: dict[str, int] | None) -> None:
        grid = self.grid
        labels = self.edition.labels
        total_keys = _keys(labels.total)
        hits = self.rows_with(total_keys, start, grid.max_row + 1)
        if hits:
            r, c = hits[0]
            self._total(form, r, c, cols)
        if self.edition.grade_printed:
            grade_hits = self.rows_with(_keys(labels.grade), start, grid.max_row + 1)
            inline = self._inline_grade(start) if not grade_hits else None
            if grade_hits:
                form.grade = self.right_of(*grade_hits[0])
            elif inline is not None:
                form.grade = inline
            elif hits and form.total.ref is not None:
                r, c = form.total.ref.row, form.total.ref.col
                _, _, _, c1 = grid.extent(r, c)
                after = [cc for cc in range(c1 + 1, c1 + 4) if _filled(grid, r, cc)]
                form.grade = _value(grid, r, after[0]) if after else Value(None, CellRef(grid.name, r, c1 + 1))
        if form.grade.ref is not None and form.grade.is_empty_text and not form.grade.undecided:
            form.grade = Value(raw=None, ref=form.grade.ref)   # — or / where a grade would be: none given
        reason_hits = self.rows_with(_keys(labels.reason_text), start, grid.max_row + 1)
        if reason_hits:
            form.reason_text = self.right_of(*reason_hits[0])

    def _inline_grade(self, start: int) -> Value | None:
        """A grade written in its label's cell: ``评价等级：优`` (the value after the colon)."""
        labels = tuple(norm_label(label) for label in self.edition.labels.grade)
        for (r, c), v in sorted(self.grid.cells.items()):
            if r < start or not isinstance(v, str) or len(v) > MAX_LABEL:
                continue
            key = norm_label(v)
            for label in labels:
                if key.startswith(label) and key[len(label):len(label) + 1] in (":", "："):
                    value = key[len(label) + 1:]
                    if 0 < len(value) <= 6:
                        return Value(raw=value, ref=CellRef(self.grid.name, r, c))
        return None

    def _total(self, form: ProjectForm, r: int, c: int, cols: dict[str, int] | None) -> None:
        grid = self.grid
        label_extent = grid.extent(r, c)
        inside = lambda col: label_extent[1] <= col <= label_extent[3]  # noqa: E731
        if cols and "score" in cols and not inside(cols["score"]):
            form.total = _own(grid, r, cols["score"])
            if "weight" in cols and not inside(cols["weight"]):
                form.total_weight = _own(grid, r, cols["weight"])
            if not form.total.is_blank or not form.total_weight.is_blank:
                return   # a blank 得分 beside its 100 is a blank total (an unfilled template)
        figures: list[Value] = []
        value = self.right_of(r, c)
        while value.ref is not None and not value.is_blank and len(figures) < 4:
            if value.number is None and not value.undecided:
                break
            figures.append(value)
            value = self.right_of(value.ref.row, value.ref.col)
        if figures:
            form.total = figures[-1] if len(figures) < 2 or not self.edition.indicators.weights_printed else figures[1]
            if len(figures) >= 2 and self.edition.indicators.weights_printed:
                form.total_weight = figures[0]
            elif len(figures) == 1:
                form.total = figures[0]

    def half_read(self, form: ProjectForm, header: int, cols: dict[str, int]) -> None:
        """A header read without its 年度指标值 or 实际完成值 column: the rows' scores cannot be set
        against their outcome, so the table is only partly read (said, never a false finding)."""
        wanted = {"target": self.edition.indicators.columns.target[0], "actual": self.edition.indicators.columns.actual[0]}
        missing = [label for field, label in wanted.items() if field not in cols
                   and not (field == "actual" and self.stacked)]
        if (self.edition.indicators.weights_printed and "weight" not in cols
                and not any(row.weight_from_label is not None for row in form.indicators)):
            missing.append(self.edition.indicators.columns.weight[0])   # points per row: none read
        if not missing or not form.indicators:
            return
        grid = self.grid
        labels = [" ".join(str(v).split()) for c, v in grid.row_values(header)
                  if isinstance(v, str) and grid.anchor(header, c) == (header, c) and len(v) <= MAX_LABEL]
        form.not_read.append({
            "where": f"{grid.name}!{form.indicators_ref.a1 if form.indicators_ref else a1(header, 1)}",
            "why": f"指标表未识别出{'、'.join(missing)}列（该行为：{' | '.join(labels[:10])}），"
                   "指标得分未能按完成情况和分值校验"})

    def unread_table(self, form: ProjectForm, top: int) -> None:
        """No indicator header could be read: say where an indicator table was seen (its 绩效指标
        label, a 三级指标 cell) and which labels its header row holds."""
        grid = self.grid
        columns = self.edition.indicators.columns
        names, levels = _keys(columns.name), _keys([*columns.level1, *columns.level2])
        block = _keys(self.edition.labels.indicators_block)
        hits = next((found for keys in (names, levels, block) if (found := self.rows_with(keys, top, grid.max_row + 1))), [])
        if not hits:
            return
        r, c = hits[0]
        form.indicators_seen = CellRef(grid.name, r, c)
        labels = [" ".join(str(v).split()) for cc, v in grid.row_values(r)
                  if isinstance(v, str) and grid.anchor(r, cc) == (r, cc) and len(v) <= MAX_LABEL]
        score = "、".join(self.edition.indicators.columns.score[:2])
        form.not_read.append({
            "where": f"{grid.name}!{form.indicators_seen.a1}",
            "why": f"指标表的表头未能识别（该行为：{' | '.join(labels[:10])}；未找到{score}列），指标行未读取"})

    # -- the whole form --------------------------------------------------------------------

    def read(self) -> ProjectForm | None:
        grid = self.grid
        title = self.title
        anchor = CellRef(grid.name, title.row, title.col) if title else CellRef(grid.name, self.top, 1)
        form = ProjectForm(sheet=grid.name, title=title.text if title else self.edition.titles[0],
                           anchor=anchor, edition=self.edition, money_unit=self.edition.money_unit)
        form.year = self.year()
        found = self.indicator_header(self.top)
        header = found[0] if found else grid.max_row + 1
        labels = self.edition.labels
        form.project_name = self.header_field(labels.project_name, header)
        form.department = self.header_field(labels.department, header)
        form.unit = self.header_field(labels.unit, header)
        after_funds = self.funds(form, header)
        self.goal_texts(form, self.top, header)
        block = self.rows_with(_keys(labels.indicators_block), after_funds, header + 1)
        for r, c in block:
            value = grid.cells.get(grid.anchor(r, c))
            points = _points(str(value))
            if points is not None:
                form.indicators_weight_from_label = points
        cols = None
        end = header
        if found:
            header, cols, goal_col = found
            if "review" in cols:
                form.review_column = CellRef(grid.name, header, cols["review"])
                if self.review:   # the second score column, read as the score
                    cols = dict(cols, score=cols["review"])
            end = self.indicators(form, header, cols, goal_col)
            self.half_read(form, header, cols)
        else:
            self.unread_table(form, after_funds)
        if not form.funds and not form.indicators:
            if title is not None and form.indicators_seen is not None:
                return form     # titled, its table seen and not read: said, never passed
            return None
        self.closing(form, end, cols)
        form.cut_off = self.ran_off and form.total.ref is None and bool(form.indicators)
        return form


_DATE = lazy(r"\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日?)?")


def _shown(grid: SheetGrid, value: Value) -> Value:
    """A number as its cell shows it, where its format makes it a percentage: 1 formatted ``0%``
    is ``100%``, 0.953 formatted ``0.0%`` is ``95.3%`` (what a person reads is the value)."""
    raw = value.raw
    if (value.ref is None or grid.number_format is None or isinstance(raw, bool)
            or not isinstance(raw, (int, float, Decimal))):
        return value
    code = grid.number_format(value.ref.row, value.ref.col)
    places = percent_places(code)
    if places is None:
        return value
    if places < 0:   # a percentage shown in a way not read with certainty: the row is not judged
        return Value(raw=raw, ref=value.ref, formula=value.formula, unread_format=code)
    number = round_half_up((from_float(raw) if isinstance(raw, float) else Decimal(raw)) * 100, places)
    return Value(raw=f"{fmt(number)}%", ref=value.ref, formula=value.formula)


def _repeats(value: Value, last: Value | None) -> bool:
    """``value`` is a label cell of its own that repeats the text of the group label above it."""
    return (last is not None and value.ref is not None and last.ref is not None and value.ref != last.ref
            and not value.is_blank and "".join(value.text.split()) == "".join(last.text.split()))


def _split(text: str) -> Decimal | None:
    points = split_points("".join(text.split()))[1]
    return Decimal(points) if points is not None else None


def _bare(text: str) -> str:
    return "".join(split_points("".join(text.split()))[0].split())


def read_continuation(form: ProjectForm, grid: SheetGrid, *, review: bool = False) -> bool:
    """Read a sheet that continues ``form``'s indicator table (续表, or the header repeated with no
    title): its rows join the form's, and a 总分 found there is the form's. False when the sheet
    holds no indicator header the form's edition can read."""
    reader = _Reader(grid, form.edition, None, review)
    found = reader.indicator_header(1)
    if found is None:
        return False
    header, cols, goal_col = found
    if review and "review" in cols:
        cols = dict(cols, score=cols["review"])
    carry = form.indicators[-1] if form.indicators else None
    end = reader.indicators(form, header, cols, goal_col, carry=carry)
    if form.total.ref is None:
        reader.closing(form, end, cols)
    form.cut_off = reader.ran_off and form.total.ref is None
    return True


def read_form(grid: SheetGrid, edition: Edition, title: Title | None, *, review: bool = False) -> ProjectForm | None:
    """The project form on ``grid`` read with ``edition``; None when neither a funds block nor an
    indicator block is found. ``review``: read the second score column (复核分, 评价得分) as the
    indicators' 得分. A second score column with no number in it at all (printed empty: the form was
    published before its review) is not read: None, and the form is checked on its 自评分 alone."""
    form = _Reader(grid, edition, title, review).read()
    if review and form is not None and not _scored(form):
        return None
    return form


def _scored(form: ProjectForm) -> bool:
    """Whether any score of ``form`` (its funds rows', its indicators' or its 总分) is a number."""
    cells = [row.score for row in form.funds] + [row.score for row in form.indicators] + [form.total]
    return any(cell.number is not None for cell in cells)
