"""Random national project forms rendered directly with openpyxl in the layouts published forms use
(issue 15: a header on two rows with 指标性质 | 指标值 | 度量单位, percentages stored as fractions
with a percent format, a 指标方向 column of words, rows not applicable or left unscored, two score
columns, merged labels repeated in every row): a consistent form gives no finding and is read
whole; one planted fault is found at its row; nothing is left unread.

The renderer here is independent of tests/projectbuilder.py: it writes each layout cell by cell,
as the exports do. A fixed seed keeps it repeatable.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from evaluator.runner.engine import check_file
from findingsets import independent, stray_consequences

D = Decimal
SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
LAYOUTS = ("two-row-header", "percent-formats", "direction-words", "not-applicable", "two-scores",
           "repeated-labels", "plain", "shuffled", "tall-rows", "points-in-labels", "two-row-unmerged",
           "two-row-upper-names", "synonyms", "stacked")
FORMS_PER_LAYOUT = 4
OPS = {"up": "≥", "down": "≤", "equal": "＝", "words": "定性"}
#: Header labels other forms print for the same columns.
SYNONYMS = {"三级指标": "三级指标名称", "年度指标值": "年初指标值(A)", "实际完成值": "全年实际完成值(B)",
            "分值": "指标分值", "得分": "自评得分", "偏差原因分析及改进措施": "未完成原因分析"}
DIRECTION_WORDS = {"up": ("大于等于", "正向"), "down": ("小于等于", "反向"), "equal": ("等于",), "words": ("定性",)}


def _r(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    level1: str
    level2: str
    name: str
    kind: str                 # up, down, equal, pct, words
    target: Decimal | str
    actual: Decimal | str
    unit: str
    weight: Decimal
    score: Decimal | str | None
    reason: str | None = None
    review: Decimal | str | None = None


@dataclass
class Form:
    budget: Decimal
    spent: Decimal
    funds_score: Decimal
    rows: list[Row] = field(default_factory=list)

    def total(self, review: bool = False) -> Decimal:
        scores = [row.review if review else row.score for row in self.rows]
        return self.funds_score + sum((s for s in scores if isinstance(s, Decimal)), D(0))


GROUPS = [("产出指标", "数量指标", 2), ("产出指标", "质量指标", 1), ("产出指标", "时效指标", 1), ("产出指标", "成本指标", 1),
          ("效益指标", "社会效益指标", 2), ("效益指标", "可持续影响指标", 1), ("满意度指标", "服务对象满意度指标", 1)]
WEIGHTS = {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)}


def random_form(rng: random.Random, layout: str) -> Form:
    budget = D(rng.randint(1000, 99999)) / 100
    spent = _r(budget * rng.randint(60, 100) / 100)
    form = Form(budget, spent, _r(spent / budget * 10))
    counts = {level1: sum(n for l1, _, n in GROUPS if l1 == level1) for level1 in WEIGHTS}
    number = 0
    for level1, level2, n in GROUPS:
        for _ in range(n):
            number += 1
            weight = WEIGHTS[level1] / counts[level1]
            if level2 == "成本指标":
                kind = "down"
            elif level2 == "服务对象满意度指标" or level2 == "质量指标":
                kind = "pct"
            elif level2 == "时效指标":
                kind = "equal"
            else:
                kind = rng.choice(["up", "up", "words"])
            form.rows.append(_row(rng, level1, level2, f"指标{number}", kind, weight))
    if layout == "not-applicable":
        # One row that does not apply: "/" for its values, no score; its points stay in the 分值 sum.
        row = next(r for r in form.rows if r.kind == "up")
        row.target, row.actual, row.score, row.reason = "/", "/", None, None
    if layout == "two-scores":
        for row in form.rows:
            row.review = row.score
        # The reviewer takes a point off one row that missed nothing, giving the reason.
        row = next(r for r in form.rows if r.kind == "words" or r.kind == "up")
    return form


def _row(rng: random.Random, level1: str, level2: str, name: str, kind: str, weight: Decimal) -> Row:
    if kind == "up":
        unit = rng.choice(["个", "人", "人次", "平方米"])
        a, b = D(rng.randint(10, 5000)), D(rng.randint(10, 6000))
        score = weight if b >= a else _r(b / a * weight)
        return Row(level1, level2, name, kind, a, b, unit, weight, score, "部分未完成，下年补足。" if b < a else None)
    if kind == "down":
        a, b = D(rng.randint(50, 500)), D(rng.randint(40, 480))
        score = weight if b <= a else _r(a / b * weight)
        return Row(level1, level2, name, kind, a, b, "万元", weight, score, "超支。" if b > a else None)
    if kind == "equal":
        a = D(rng.randint(1, 12))
        return Row(level1, level2, name, kind, a, a, "个月", weight, weight)
    if kind == "pct":
        a = D(rng.choice([90, 95, 100]))
        b = D(rng.randint(int(a) - 6, 100))
        score = weight if b >= a else _r(b / a * weight)
        return Row(level1, level2, name, kind, a, b, "%", weight, score, "个别未达标，已整改。" if b < a else None)
    grade = rng.choice(["达成预期指标", "效果明显"])
    return Row(level1, level2, name, "words", "效果明显", grade, "", weight, weight)


# ------------------------------------------------------------------------------------------------
# Rendering


def render(form: Form, layout: str, path: Path) -> dict[str, Any]:
    """Write ``form`` in ``layout``; returns where each indicator row and its score cell are."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A1:L1")
    ws["A2"] = "（2023年度）"
    ws["A3"], ws["C3"] = "项目名称", "随机项目"
    ws["A4"], ws["C4"], ws["F4"], ws["G4"] = "主管部门", "某局", "实施单位", "某中心"
    two = layout == "two-scores"
    heads = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率"] + (["自评分", "复核分"] if two else ["得分"])
    ws["A5"] = "项目资金（万元）"
    for i, head in enumerate(heads):
        ws.cell(5, 4 + i, head)
    ws["C6"] = "年度资金总额"
    funds = [form.budget, form.budget, form.spent, D(10), form.spent / form.budget, form.funds_score]
    for i, value in enumerate(funds + ([form.funds_score] if two else [])):
        cell = ws.cell(6, 4 + i, float(value))
        if i == 4:
            cell.number_format = "0.00%"
    ws["A7"], ws["C7"], ws["F7"] = "年度总体目标", "预期目标", "实际完成情况"
    ws["C8"], ws["F8"] = "完成年度任务。", "基本完成年度任务。"
    split = layout in ("two-row-header", "percent-formats", "two-row-unmerged", "two-row-upper-names")
    upper = layout == "two-row-upper-names"   # 一级 | 二级 | 三级 merged down, 年度指标值 over its three parts
    merge = (lambda **where: None) if layout == "two-row-unmerged" else ws.merge_cells   # an export keeps no merges
    words = layout == "direction-words"
    top = 9
    if split:
        columns = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分",
                   "偏差原因分析及改进措施"]
        if upper:
            for c, head in enumerate(columns[:3], start=1):
                ws.cell(top, c, head)
                merge(start_row=top, start_column=c, end_row=top + 1, end_column=c)
        else:
            ws.cell(top, 1, "绩效指标")
            merge(start_row=top, start_column=1, end_row=top, end_column=3)
        ws.cell(top, 4, "年度指标值")
        merge(start_row=top, start_column=4, end_row=top, end_column=6)
        for col, head in ((7, "实际完成值"), (8, "分值"), (9, "得分"), (10, "偏差原因分析及改进措施")):
            ws.cell(top, col, head)
            merge(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        for col, head in enumerate(columns[:6], start=1):
            if not upper or col > 3:
                ws.cell(top + 1, col, head)
        first = top + 2
    else:
        if words:
            columns = ["一级指标", "二级指标", "三级指标", "指标方向", "年度指标值", "实际完成值", "分值", "得分",
                       "偏差原因分析及改进措施"]
        elif two:
            columns = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评分", "复核分",
                       "偏差原因分析及改进措施"]
        elif layout == "stacked":   # each indicator on two rows: 年度指标值 above 实际完成值 in one column
            columns = ["一级指标", "二级指标", "三级指标", "指标内容", "指标值", "分值", "得分", "偏差原因分析及改进措施"]
        else:
            columns = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                       "偏差原因分析及改进措施"]
        if layout == "points-in-labels":   # no 分值 column: 指标名称（10分）
            columns.remove("分值")
        if layout == "shuffled":   # the value columns in another order, found by their labels
            rest = columns[3:]
            random.Random(len(form.rows) + int(form.budget)).shuffle(rest)
            columns = columns[:3] + rest
        for col, head in enumerate(columns, start=1):
            ws.cell(top, col, SYNONYMS.get(head, head) if layout == "synonyms" else head)
        first = top + 1
    col = {head: index for index, head in enumerate(columns, start=1)}
    where: dict[str, Any] = {"rows": [], "scores": [], "reviews": [], "reasons": []}
    r = first
    previous: tuple[str, str] | None = None
    merges: dict[int, list[int]] = {1: [], 2: []}
    for row in form.rows:
        label1 = f"{row.level1}({WEIGHTS[row.level1]:.0f}分)"
        for level, text in ((1, label1), (2, row.level2)):
            starts = previous is None or (level == 1 and previous[0] != row.level1) or (
                level == 2 and previous != (row.level1, row.level2))
            if layout == "repeated-labels" or starts:
                ws.cell(r, level, text)
            if starts:
                merges[level].append(r)
        previous = (row.level1, row.level2)
        ws.cell(r, 3, f"{row.name}（{row.weight:g}分）" if layout == "points-in-labels" else row.name)
        _values(ws, r, row, col, layout)
        if layout in ("tall-rows", "stacked"):   # each indicator printed on two rows, its cells merged down
            for c in range(3, len(columns) + 1):
                if columns[c - 1] not in ("指标内容", "指标值"):
                    ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
        where["rows"].append(r)
        score_col = col.get("得分", col.get("自评分"))
        where["scores"].append(f"{openpyxl.utils.get_column_letter(score_col)}{r}")
        if two:
            where["reviews"].append(f"{openpyxl.utils.get_column_letter(col['复核分'])}{r}")
        where["reasons"].append(f"{openpyxl.utils.get_column_letter(col['偏差原因分析及改进措施'])}{r}")
        r += 2 if layout in ("tall-rows", "stacked") else 1
    last = r - 1
    if layout not in ("repeated-labels", "two-row-unmerged"):
        for level, starts in merges.items():
            bounds = starts + [last + 1]
            for start, end in zip(bounds, bounds[1:]):
                if end - 1 > start:
                    ws.merge_cells(start_row=start, start_column=level, end_row=end - 1, end_column=level)
    ws.cell(r, 1, "总分")
    if "分值" in col:
        ws.cell(r, col["分值"], 100)
    ws.cell(r, col.get("得分", col.get("自评分")), float(form.total()))
    if two:
        ws.cell(r, col["复核分"], float(form.total(review=True)))
    where["total"] = r
    wb.save(path)
    return where


def _values(ws, r: int, row: Row, col: dict[str, int], layout: str) -> None:
    score_col = col.get("得分", col.get("自评分"))
    if row.score is not None:
        ws.cell(r, score_col, float(row.score) if isinstance(row.score, Decimal) else row.score)
    if row.review is not None:
        ws.cell(r, col["复核分"], float(row.review) if isinstance(row.review, Decimal) else row.review)
    if "分值" in col:
        ws.cell(r, col["分值"], float(row.weight))
    if row.reason:
        ws.cell(r, col["偏差原因分析及改进措施"], row.reason)
    if row.target == "/" or row.actual in ("/", None, ""):
        if row.target == "/":
            ws.cell(r, col.get("指标值", col.get("年度指标值")), "/")
        if row.actual == "/":
            ws.cell(r, col["实际完成值"], "/")
        return
    op = OPS["up" if row.kind == "pct" else row.kind]
    if "指标性质" in col:      # 指标性质 | 指标值 | 度量单位: the bare number and its unit apart
        ws.cell(r, col["指标性质"], op)
        ws.cell(r, col["指标值"], float(row.target) if isinstance(row.target, Decimal) else row.target)
        if row.unit:
            ws.cell(r, col["度量单位"], row.unit)
        if row.kind == "pct" and layout == "percent-formats":
            cell = ws.cell(r, col["实际完成值"], float(row.actual / 100))   # 100% stored as 1
            cell.number_format = "0%" if row.actual == row.actual.to_integral() else "0.00%"
        else:
            ws.cell(r, col["实际完成值"], float(row.actual) if isinstance(row.actual, Decimal) else row.actual)
        return
    if "指标内容" in col:       # the target on the indicator's row, the result on the row below
        ws.cell(r, col["指标内容"], "年度指标值")
        ws.cell(r + 1, col["指标内容"], "实际完成值")
        target = row.target if row.kind == "words" else f"{op}{row.target}{row.unit}"
        ws.cell(r, col["指标值"], target)
        ws.cell(r + 1, col["指标值"], row.actual if row.kind == "words" else f"{row.actual}{row.unit}")
        return
    if "指标方向" in col:       # direction words; the target a bare value with its unit
        ws.cell(r, col["指标方向"], random.Random(r).choice(DIRECTION_WORDS["up" if row.kind == "pct" else row.kind]))
        ws.cell(r, col["年度指标值"], f"{row.target}{row.unit}")
        ws.cell(r, col["实际完成值"], f"{row.actual}{row.unit}")
        return
    target = row.target if row.kind == "words" else f"{op}{row.target}{row.unit}"
    ws.cell(r, col["年度指标值"], target)
    ws.cell(r, col["实际完成值"], row.actual if row.kind == "words" else f"{row.actual}{row.unit}")


# ------------------------------------------------------------------------------------------------
# The properties


def _forms():
    rng = random.Random(15)
    return [(layout, index, random_form(rng, layout)) for layout in LAYOUTS for index in range(FORMS_PER_LAYOUT)]


CASES = _forms()


def _check(path: Path, definitions):
    result = check_file(path, definitions)
    assert [form.family for form in result.forms] == ["project"], result.error
    return result, result.forms[0]


@pytest.mark.parametrize(("layout", "index", "form"), CASES, ids=[f"{layout}-{index}" for layout, index, _ in CASES])
def test_a_consistent_form_gives_nothing_and_is_read_whole(layout, index, form, tmp_path, definitions):
    path = tmp_path / f"{layout}.xlsx"
    render(form, layout, path)
    result, checked = _check(path, definitions)
    assert [(f.rule, f.cell, f.message) for f in result.findings] == []
    coverage = checked.coverage
    assert coverage.indicators_read == len(form.rows) and not coverage.not_read
    assert coverage.points_read == coverage.points_total == 100
    assert checked.total.recomputed == checked.total.declared


def _met(form: Form) -> int:
    return next(i for i, row in enumerate(form.rows) if row.kind in ("up", "equal", "pct") and row.score == row.weight
                and row.target != "/")


@pytest.mark.parametrize(("layout", "index", "form"), CASES, ids=[f"{layout}-{index}" for layout, index, _ in CASES])
def test_a_met_target_scored_lower_is_found_at_its_row(layout, index, form, tmp_path, definitions):
    form = copy.deepcopy(form)
    i = _met(form)
    row = form.rows[i]
    row.score = row.weight - 1
    if row.review is not None:
        row.review = row.weight - 1
    path = tmp_path / f"{layout}.xlsx"
    where = render(form, layout, path)
    result, _ = _check(path, definitions)
    found = {(f.rule, f.cell) for f in independent(result.findings) if f.severity.rank > 0}
    assert stray_consequences(result.findings, independent(result.findings)) == []
    assert ("target-score", where["scores"][i]) in found
    assert ("missing-explanation", where["reasons"][i]) in found
    assert {cell for _, cell in found} <= {where["scores"][i], where["reasons"][i]} | set(where["reviews"][i:i + 1])


@pytest.mark.parametrize(("layout", "index", "form"), CASES, ids=[f"{layout}-{index}" for layout, index, _ in CASES])
def test_an_unscored_row_is_found_at_its_score_cell(layout, index, form, tmp_path, definitions):
    form = copy.deepcopy(form)
    i = _met(form)
    row = form.rows[i]
    row.actual, row.score, row.review = "", None, None
    path = tmp_path / f"{layout}.xlsx"
    where = render(form, layout, path)
    result, _ = _check(path, definitions)
    errors = {(f.rule, f.cell) for f in result.findings if f.severity.rank > 0}
    assert ("score-not-number", where["scores"][i]) in errors
    assert all(cell in (where["scores"][i], *where["reviews"][i:i + 1]) for _, cell in errors)


def test_two_score_columns_are_each_checked(tmp_path, definitions):
    form = copy.deepcopy(next(form for layout, _, form in CASES if layout == "two-scores"))
    i = _met(form)
    form.rows[i].review = form.rows[i].weight - 2      # the reviewer's score alone is wrong
    path = tmp_path / "two.xlsx"
    where = render(form, "two-scores", path)
    result, _ = _check(path, definitions)
    found = {(f.rule, f.cell) for f in result.findings if f.severity.rank > 0}
    assert ("target-score", where["reviews"][i]) in found
    assert not any(cell == where["scores"][i] for _, cell in found)


def test_a_header_the_reader_cannot_read_is_never_a_pass(tmp_path, definitions):
    form = CASES[0][2]
    path = tmp_path / "odd.xlsx"
    render(form, "plain", path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for cell in ws[9]:
        if cell.value == "得分":
            cell.value = "评分结果"      # a score column under a name no edition knows
    wb.save(path)
    result, checked = _check(path, definitions)
    rules = [(f.rule, f.severity.value) for f in result.findings]
    assert ("form-partly-read", "warning") in rules
    assert checked.coverage.indicators_read == 0 and checked.coverage.not_read
    assert "评分结果" in checked.coverage.not_read[0]["why"]


# ------------------------------------------------------------------------------------------------
# Tables that go on: a 续表 sheet, the header repeated after a page break


def _go_on(path: Path, where: dict[str, Any], at: int, *, sheet: str | None,
           header_rows: int = 1) -> dict[int, tuple[str, int]]:
    """Move the indicator rows from the ``at``-th on (and the 总分 row) to a sheet ``sheet`` titled
    续表 under the header repeated, or (``sheet`` None) repeat the header above that row on the
    same sheet, as a page break prints it. Returns old row → (sheet, new row)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = where["rows"][0] - 1
    first = where["rows"][at]
    moved = {}
    for rng in list(ws.merged_cells.ranges):   # a label merged over the break is printed once above it
        if rng.max_row >= first:
            ws.unmerge_cells(str(rng))
    if sheet is None:
        ws.insert_rows(first, header_rows)
        for offset in range(header_rows):
            for col in range(1, ws.max_column + 1):
                ws.cell(first + offset, col, ws.cell(header - header_rows + 1 + offset, col).value)
        for r in range(first, where["total"] + 1):
            moved[r] = (ws.title, r + header_rows)
        wb.save(path)
        return moved
    other = wb.create_sheet(sheet)
    other["A1"] = "续表"
    for offset in range(header_rows):
        for col in range(1, ws.max_column + 1):
            other.cell(2 + offset, col, ws.cell(header - header_rows + 1 + offset, col).value)
    for r in range(first, where["total"] + 1):
        for col in range(1, ws.max_column + 1):
            other.cell(r - first + 2 + header_rows, col, ws.cell(r, col).value)
            ws.cell(r, col).value = None
        moved[r] = (sheet, r - first + 2 + header_rows)
    wb.save(path)
    return moved


@pytest.mark.parametrize("layout", ["plain", "repeated-labels", "two-scores", "two-row-header"])
@pytest.mark.parametrize("sheet", ["续表", None])
def test_a_table_that_goes_on_is_one_form(layout, sheet, tmp_path, definitions):
    form = copy.deepcopy(next(form for name, _, form in CASES if name == layout))
    path = tmp_path / "on.xlsx"
    where = render(form, layout, path)
    _go_on(path, where, 4, sheet=sheet, header_rows=2 if layout == "two-row-header" else 1)
    result, checked = _check(path, definitions)
    assert [(f.rule, f.sheet, f.cell) for f in result.findings] == []
    assert checked.coverage.indicators_read == len(form.rows) and checked.coverage.points_read == 100
    assert checked.total.declared == checked.total.recomputed == form.total()


@pytest.mark.parametrize("sheet", ["续表", None])
def test_a_fault_on_the_part_that_goes_on_is_found_there(sheet, tmp_path, definitions):
    form = copy.deepcopy(next(form for name, _, form in CASES if name == "plain"))
    i = next(i for i, row in enumerate(form.rows) if i >= 5 and row.kind in ("up", "equal", "pct")
             and row.score == row.weight)
    form.rows[i].score = form.rows[i].weight - 1
    path = tmp_path / "on.xlsx"
    where = render(form, "plain", path)
    moved = _go_on(path, where, 4, sheet=sheet)
    result, _ = _check(path, definitions)
    at = moved[where["rows"][i]]
    column = where["scores"][i].rstrip("0123456789")
    assert ("target-score", at[0], f"{column}{at[1]}") in {(f.rule, f.sheet, f.cell) for f in result.findings}


# ------------------------------------------------------------------------------------------------
# Layouts the reader does not know: said per form, never 通过


def _unknown(path: Path, title: str, header: list[str], rows: list[list[Any]], funds: bool) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = title
    r = 3
    if funds:
        for col, head in enumerate(["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], 1):
            ws.cell(r, col, head or None)
        for col, value in enumerate(["年度资金总额", "", 100, 100, 95, 10, 0.95, 9.5], 1):
            ws.cell(r + 1, col, value or None)
        r += 3
    ws.cell(r, 1, "绩效指标")
    for col, head in enumerate(header, 2):
        ws.cell(r, col, head)
    for offset, values in enumerate(rows, 1):
        for col, value in enumerate(values, 2):
            ws.cell(r + offset, col, value)
    wb.save(path)


@pytest.mark.parametrize("funds", [True, False])
def test_a_region_form_without_scores_is_partly_read_naming_what_was_seen(funds, tmp_path, definitions):
    # A 转移支付 区域 form: indicators with targets and results and no 得分 column.
    path = tmp_path / "region.xlsx"
    _unknown(path, "项目支出绩效自评表（转移支付区域）", ["一级指标", "二级指标", "三级指标", "指标值", "全年完成值", "备注"],
             [["产出指标", "数量指标", "改造户数", "≥100户", "102户", None]], funds)
    result = check_file(path, definitions)
    (form,) = result.forms
    finding = next(f for f in result.findings if f.rule == "form-partly-read")
    assert finding.severity.value == "warning" and finding.cell == "D" + str(6 if funds else 3)
    assert "三级指标" in finding.message and "全年完成值" in finding.message
    assert form.coverage.indicators_read == 0


def test_an_unknown_form_title_is_unsupported_never_passed(tmp_path, definitions):
    path = tmp_path / "ningxia.xlsx"
    _unknown(path, "自治区专项资金绩效自评表", ["绩效目标", "指标内容", "完成情况"], [["产出", "建设里程", "已完成"]], False)
    result = check_file(path, definitions)
    assert not result.forms or all(f.family is None for f in result.forms)
    assert [f.rule for f in result.findings] == ["form-unsupported"]


def test_a_half_recognised_header_is_partly_read_without_false_findings(tmp_path, definitions):
    form = copy.deepcopy(CASES[0][2])
    path = tmp_path / "half.xlsx"
    where = render(form, "plain", path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = where["rows"][0] - 1
    for cell in ws[header]:
        cell.value = {"年度指标值": "预期值", "实际完成值": "实现值"}.get(cell.value, cell.value)
    form.rows[0].score = form.rows[0].weight - 1     # target-score cannot judge it; the lost point needs a reason
    ws[where["scores"][0]] = float(form.rows[0].score)
    ws.cell(where["total"], 7, float(form.total()))
    wb.save(path)
    result, checked = _check(path, definitions)
    assert sorted((f.rule, f.cell) for f in result.findings if f.severity.rank > 0) == [
        ("form-partly-read", "C" + str(header)), ("missing-explanation", where["reasons"][0])]
    assert "年度指标值、实际完成值" in checked.coverage.not_read[0]["why"]
    assert checked.coverage.indicators_read == len(form.rows)


def test_the_funds_review_score_is_checked_in_its_own_column(tmp_path, definitions):
    form = copy.deepcopy(next(form for layout, _, form in CASES if layout == "two-scores"))
    path = tmp_path / "two.xlsx"
    render(form, "two-scores", path)
    wb = openpyxl.load_workbook(path)
    wb.active["J6"] = float(form.funds_score - 1)        # the reviewer's funds score alone is wrong
    wb.save(path)
    result, _ = _check(path, definitions)
    assert [(f.rule, f.cell) for f in result.findings if f.severity.rank > 0] == [("rate-score", "J6")]


def test_a_titled_form_after_a_project_form_is_not_taken_for_its_continuation(definitions):
    """Only an untitled sheet (or one titled 续表) continues a form: a department form on the
    next sheet is its own form, of its own family."""
    from evaluator.families.project.family import FAMILY
    from evaluator.intake.workbook import load_grids

    project = load_grids(SAMPLES / "project-national.xlsx").sheets
    department = load_grids(SAMPLES / "correct-form.xlsx").sheets
    forms = FAMILY.read(project + department, definitions)
    assert len(forms) == 1 and len(forms[0].indicators) == 9 and not forms[0].not_read


@pytest.mark.parametrize(("layout", "index", "form"), CASES, ids=[f"{layout}-{index}" for layout, index, _ in CASES])
def test_a_missed_target_scored_wrong_is_found_at_its_row(layout, index, form, tmp_path, definitions):
    form = copy.deepcopy(form)
    i = next(i for i, row in enumerate(form.rows) if row.kind in ("up", "pct") and row.target != "/")
    row = form.rows[i]
    row.actual = (row.target * D("0.8")).to_integral()      # clearly missed: B / A × 分值 is due
    due = _r(row.actual / row.target * row.weight)
    row.score, row.reason = due - D("0.5"), "未完成，原因已说明。"
    if row.review is not None:
        row.review = row.score
    path = tmp_path / f"{layout}.xlsx"
    where = render(form, layout, path)
    result, _ = _check(path, definitions)
    found = [(f.rule, f.cell, D(f.expected) if f.expected else None) for f in independent(result.findings)
             if f.severity.rank > 0]
    assert stray_consequences(result.findings, independent(result.findings)) == []
    assert ("target-score", where["scores"][i], due) in found
    assert {cell for _, cell, _ in found} <= {where["scores"][i], *where["reviews"][i:i + 1]}
