"""The run summary as a workbook (summary.xlsx): one row per form checked, every finding, statistics.

* 汇总: one row per entry of the report (a workbook holding two forms gives two rows): path, sheet,
  family (类别), edition (版本, its Chinese title with the id), department, a project's 项目名称 and
  实施单位, year, status (coloured), the total as declared (申报), recomputed (复核) and corrected
  (更正后), the difference ``差额（更正后 − 申报）`` (and ``差额（申报 − 复核）`` when a run holds a form
  where the two differ), the grades likewise, the counts, a project form's funds row (only when the
  run holds a project form), and a link to the annotated copy. The columns are listed once, in
  :data:`SUMMARY_COLUMNS` (each with its style and width): add a column there.
* 问题清单: every finding, its rule's Chinese title with the slug beside it, declared and expected
  values as numbers, and a link to the flagged cell in the annotated copy (file#'sheet'!cell); one
  row saying 未发现问题 when there is none. Its 核实意见 column is where an auditor types a note; a
  hidden column 核实意见（写出时） keeps each row's note as written, so that the next run takes in
  only the notes a person changed (evaluator/runner/reviews.py).
* 统计: built with pandas: findings by rule (ordered by count) and severity, by department, totals
  per family (按类别合计: never one average over two families), the spread of totals and of
  grades, side by side under one frozen header row, with native Excel charts.
* 未读取 (only when there are any): the paths a folder walk found and did not read (a link out of
  the folder, a named pipe, a device) and the files that are not spreadsheets (不是表格文件: a PDF,
  a Word document, a CSV), each with the reason; they are not forms and not in 汇总.
* 说明: what 申报, 复核, 更正后 and 差额 mean, the status colours, and the run's date.

Every table has a frozen header and a filter; numbers are stored as numbers. Every sheet prints
legibly on A4 landscape: at a scale of at least 60 % (a table wider than a page continues on the
next page, its first column and header row repeated), long text wrapped, page numbers and the run's
date in the footer. Styles are the workbook's named styles (one per kind of column), set on each
cell by name, not built cell by cell. Every text is written as inert data: a department name or
message that begins with = + - or @ stays text, never a formula. The workbook carries a marker in
its properties so that a later run recognizes it as its own output and never takes it for a form
to check.
"""

from __future__ import annotations

import math
import weakref
import zipfile
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from evaluator.runner.reviews import WRITTEN_COLUMN
from evaluator.runner.rounds import identity
from evaluator.outputs.reporters.common import (
    DASH, FUNDS_FACTS, HEADER_COLOUR, LINK_COLOUR, MIN_PRINT_SCALE, MONEY_FUNDS, PAGE_WIDTH_UNITS, SEVERITIES,
    SEVERITY_COLOURS, SEVERITY_LABELS, STATUS_COLOURS, alternatives_text, cell_name, cell_value, counts_sentence,
    coverage_text, department_of, display_width, distinct, edition_label, expected_label, family_label, href, number,
    print_a4_landscape, range_text, relative_path, rule_title, sheet_location, status_key, status_label)
from evaluator.outputs.marker import stamp

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题清单"
STATS_SHEET = "统计"
SKIPPED_SHEET = "未读取"
LEGEND_SHEET = "说明"
MARKER = "evaluator-run-summary"

@dataclass(frozen=True)
class Column:
    """A column of a table: its title, the named style of its cells (:data:`STYLES`) and, for a
    column of long text, its fixed width (the text wraps); other columns fit their content."""

    title: str
    style: str = "text"
    width: int | None = None
    hidden: bool = False      # kept for the tool (not printed, not shown unless a person unhides it)


#: 汇总's columns, in order. A column shown only for some runs is added by :func:`_summary_columns`.
SUMMARY_COLUMNS = [
    Column("文件", "wrap", 40), Column("工作表"), Column("类别"), Column("版本", "wrap", 30), Column("部门", "wrap", 24),
    Column("年度", "count"), Column("状态"),
    Column("申报总分", "score"), Column("复核总分", "score"), Column("更正后总分", "score"),
    Column("差额（更正后 − 申报）", "diff"),
    Column("申报等级"), Column("应得等级"), Column("更正后等级"), Column("读取情况", "wrap", 30),
    Column("错误", "count"), Column("警告", "count"), Column("提示", "count"),
]
#: Shown when a form's 申报 − 复核 is not the opposite of its 更正后 − 申报 (复核 ≠ 更正后).
DECLARED_DIFF = Column("差额（申报 − 复核）", "diff")
#: A project form's facts, only when the run holds one.
PROJECT_COLUMNS = [Column("项目名称", "wrap", 28), Column("实施单位", "wrap", 20)]
FUNDS_COLUMNS = [Column("金额单位")] + [
    Column(label if key not in ("weight", "score") else f"资金{label}",
           "money" if key in MONEY_FUNDS else "rate" if key == "rate" else "score")
    for key, label in FUNDS_FACTS]
LINK_COLUMN = Column("批注副本", "link")
#: Where an auditor writes that a finding was looked at and accepted (read back by runner/reviews.py).
REVIEW_COLUMN = "核实意见"
FINDING_COLUMNS = [
    Column("文件", "wrap", 40), Column("单元格", "link"), Column("严重程度"), Column("规则", "wrap", 24),
    Column("规则代号"), Column("部门", "wrap", 20), Column("指标", "wrap", 20), Column("申报值", "number"),
    Column("应为", "number"), Column("应为何值"), Column("相关单元格", "wrap", 16), Column("说明", "wrap", 60),
    Column("算式", "wrap", 36), Column("其他可接受值", "wrap", 28), Column("本轮变化"),
    Column(REVIEW_COLUMN, "wrap", 30), Column("表标识", "wrap", 30), Column(WRITTEN_COLUMN, hidden=True)]
#: 本轮已更正: the findings of the last round that are gone (evaluator/runner/rounds.py).
FIXED_SHEET = "本轮已更正"
FIXED_COLUMNS = [Column("文件", "wrap", 40), Column("上轮文件", "wrap", 40), Column("单元格"),
                 Column("规则", "wrap", 24), Column("规则代号"), Column("指标", "wrap", 20),
                 Column("原申报值", "number"), Column("说明", "wrap", 60)]
SKIPPED_COLUMNS = [Column("路径", "wrap", 60), Column("原因", "wrap", 60)]
NOTHING_FOUND = "未发现问题"
#: Score bands of the spread of totals (the department form's grade bands, finer below 80).
TOTAL_BANDS = [(Decimal(0), Decimal(60), "60 以下"), (Decimal(60), Decimal(70), "60–70"),
               (Decimal(70), Decimal(80), "70–80"), (Decimal(80), Decimal(90), "80–90"),
               (Decimal(90), Decimal("1E9"), "90 及以上")]
DIFF_FORMAT = "+0.00;-0.00;0.00"


def _titles(columns: list[Column]) -> list[str]:
    return [column.title for column in columns]


def _family_label(family: str) -> str:
    from evaluator.families import family_label

    return family_label(family) or family


def _has_project(data: dict[str, Any]) -> bool:
    return any("project_name" in (row.get("facts") or {}) or (row.get("facts") or {}).get("funds")
               for row in data["files"])


def _difference(minuend: Any, subtrahend: Any, form: bool) -> Any:
    """A difference of two totals (Decimal, exact); — when either is missing; empty without a form."""
    if not form:
        return None
    a, b = number(minuend), number(subtrahend)
    return DASH if a is None or b is None else (a - b, DIFF_FORMAT)


def _or_dash(value: Any, form: bool) -> Any:
    """A form's missing figure shows —; a file without a form (unreadable) leaves the cell empty."""
    if not form:
        return None
    return DASH if value is None or value == (None, None) else value


def _summary_rows(data: dict[str, Any], base: Path | None) -> list[dict[str, Any]]:
    with_funds = _has_project(data)
    rows = []
    for row in data["files"]:
        total, grade, facts = row.get("total") or {}, row.get("grade") or {}, row.get("facts") or {}
        form = bool(row.get("family") or row.get("form"))
        entry = {
            "文件": row["path"],
            "工作表": row.get("sheet"),
            "类别": family_label(row),
            "版本": edition_label(row),
            "部门": department_of(row),
            "项目名称": facts.get("project_name"),
            "实施单位": facts.get("unit"),
            "年度": row.get("year"),
            "状态": status_label(row),
            # A form that prints no total or grade, or a figure that cannot be told: —.
            "申报总分": _or_dash(cell_value(total.get("declared"), "total"), form),
            "复核总分": _or_dash(cell_value(total.get("recomputed"), "total"), form),
            "更正后总分": _or_dash(cell_value(total.get("corrected"), "total"), form),
            "差额（更正后 − 申报）": _difference(total.get("corrected"), total.get("declared"), form),
            "差额（申报 − 复核）": _difference(total.get("declared"), total.get("recomputed"), form),
            "申报等级": _or_dash(grade.get("declared"), form),
            "应得等级": _or_dash(grade.get("computed"), form),
            "更正后等级": _or_dash(grade.get("corrected"), form),
            "读取情况": coverage_text(row) if form else None,
            "错误": row["counts"]["error"],
            "警告": row["counts"]["warning"],
            "提示": row["counts"]["info"],
        }
        if with_funds:
            funds = facts.get("funds") or {}
            entry["金额单位"] = facts.get("money_unit")
            for (key, _), column in zip(FUNDS_FACTS, FUNDS_COLUMNS[1:]):
                kind = "amount" if key in MONEY_FUNDS else "rate" if key == "rate" else "score"
                entry[column.title] = cell_value(funds.get(key), kind)
        entry[LINK_COLUMN.title] = relative_path(row.get("annotated"), base)
        rows.append(entry)
    return rows


def _finding_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in data["files"]:
        for finding in row["findings"]:
            kind = finding.get("expected_of")
            rows.append({
                "文件": row["path"],
                "单元格": f"{finding['sheet']}!{finding['cell']}" if finding.get("cell") else None,
                "严重程度": SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
                "规则": rule_title(finding["rule"]),
                "规则代号": finding["rule"],
                "部门": department_of(row),
                "指标": finding.get("indicator"),
                "申报值": cell_value(finding.get("actual"), kind),
                "应为": cell_value(finding.get("expected"), kind),
                "应为何值": expected_label(finding) if finding.get("expected") is not None or kind == "text" else None,
                "相关单元格": "、".join(cell_name(item["sheet"], item["cell"], finding.get("sheet"))
                                    for item in finding.get("related") or []) or None,
                "说明": finding["message"],
                "算式": finding.get("arithmetic"),
                "其他可接受值": "\n".join(line for line in (alternatives_text(finding), range_text(finding)) if line) or None,
                # Rounds and reviews (evaluator/runner/rounds.py, reviews.py): an auditor writes a
                # note in 核实意见; the next run reads it back by 表标识, 规则代号, 单元格 and 申报值.
                "本轮变化": {"new": "新出现", "still": "仍在"}.get(finding.get("since_last") or ""),
                "核实意见": (finding.get("reviewed") or {}).get("note"),
                "表标识": identity(row),
                # The note as written, hidden: a 核实意见 that differs from it was typed by a person
                # and is taken in; one that does not never overrides reviewed.csv (reviews.py).
                WRITTEN_COLUMN: (finding.get("reviewed") or {}).get("note"),
            })
    return rows


def _fixed_sheet(ws, data: dict[str, Any], run_date: str) -> None:
    """本轮已更正: every finding of the last round of a form that this round no longer has (a sheet
    only when there is one)."""
    rows = []
    for row in data["files"]:
        for finding in (row.get("since_last") or {}).get("fixed") or []:
            rows.append({"文件": row["path"], "上轮文件": (row.get("since_last") or {}).get("path"),
                         "单元格": f"{finding.get('sheet')}!{finding.get('cell')}" if finding.get("cell") else None,
                         "规则": rule_title(finding.get("rule") or ""), "规则代号": finding.get("rule"),
                         "指标": finding.get("indicator"),
                         "原申报值": cell_value(finding.get("actual"), finding.get("expected_of")),
                         "说明": finding.get("message")})
    _write_table(ws, rows, FIXED_COLUMNS)
    _finish(ws, FIXED_COLUMNS, len(rows), run_date)


#: The named styles of the workbook, by the key a :class:`Column` gives: (number format, bold, wrap,
#: fill colour, link font). Registered once per workbook; a cell takes one by name.
STYLES = {
    "text": ("General", False, False, None, False),
    "wrap": ("General", False, True, None, False),
    "count": ("0", False, False, None, False),
    "number": ("General", False, False, None, False),
    "score": ("0.00", False, False, None, False),
    "diff": (DIFF_FORMAT, False, False, None, False),
    "rate": ("0.00%", False, False, None, False),
    "money": ("#,##0.00", False, False, None, False),
    "link": ("General", False, False, None, True),
    "header": ("General", True, True, HEADER_COLOUR, False),
    "title": ("General", True, False, None, False),
    **{f"fill-{key}": ("General", False, False, colour, False) for key, colour in STATUS_COLOURS.items()},
    **{f"count-{key}": ("0", False, False, colour, False) for key, colour in SEVERITY_COLOURS.items()},
}
#: A number format a value brings (cell_value) and the style that carries it.
FORMAT_STYLES = {"0.00": "score", "0.00%": "rate", "#,##0.00": "money", DIFF_FORMAT: "diff"}


def _register_styles(book) -> None:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    for key, (number_format, bold, wrap, colour, link) in STYLES.items():
        style = NamedStyle(name=f"evaluator-{key}")
        style.number_format = number_format
        style.alignment = Alignment(vertical="center" if key == "header" else "top", wrap_text=wrap)
        if bold:
            style.font = Font(bold=True, size=12 if key == "title" else 11)
        if link:
            style.font = Font(color=LINK_COLOUR, underline="single")
        if colour:
            style.fill = PatternFill("solid", start_color=colour, end_color=colour)
        if key == "header":
            style.border = Border(bottom=Side(style="thin", color="8EA9DB"))
        book.add_named_style(style)


_STYLE_ARRAYS: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()
_LAST_BOOK: list[Any] = [None]   # (a weak reference to the last workbook, its arrays)


def _style(cell, style: str) -> None:
    """Give ``cell`` the named style ``evaluator-<style>``. openpyxl looks a named style up by name
    each time (a third of the time of writing the summary); the first cell of each style takes it by
    name, the others copy its style array (what openpyxl itself keeps per cell)."""
    book = cell.parent.parent
    last = _LAST_BOOK[0]
    if last is not None and last[0]() is book:   # the workbook being written, not looked up per cell
        arrays = last[1]
    else:
        arrays = _STYLE_ARRAYS.setdefault(book, {})
        _LAST_BOOK[0] = (weakref.ref(book), arrays)
    array = arrays.get(style)
    if array is None:
        cell.style = f"evaluator-{style}"
        arrays[style] = copy(cell._style)
    else:
        cell._style = copy(array)


def _put(ws, row: int, col: int, value: Any, style: str):
    """A cell with a named style, its value written as inert data (a text never becomes a formula)."""
    from evaluator.outputs.inert import FORMULA_START, xlsx_text

    cell = ws.cell(row=row, column=col)
    _style(cell, style)
    if isinstance(value, tuple):   # (number, its format): the style that carries the format
        value, number_format = value
        if isinstance(value, str) or value is None:
            style_for = None
        else:
            style_for = FORMAT_STYLES.get(number_format or "")
        if style_for and style in ("text", "number", "score", "rate", "money", "diff"):
            _style(cell, style_for)
    if isinstance(value, str):
        value = xlsx_text(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _write_table(ws, rows: list[dict[str, Any]], columns: list[Column]) -> None:
    """A header and rows; a (value, number format) pair is a number with its format."""
    for c, column in enumerate(columns, start=1):
        _put(ws, 1, c, column.title, "header")
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            _put(ws, r, c, row.get(column.title), column.style)


def _finish(ws, columns: list[Column], rows: int, run_date: str) -> None:
    """Frozen header, a filter over the whole table, widths fitted to the content (wrapped columns
    at a fixed width, their rows tall enough), printed on A4 landscape (see :func:`_print_setup`)."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    widths = {}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.width:
            widths[index] = column.width
        else:
            content = max((display_width(cell.value) for cell in ws[letter][1:]), default=0)
            # A long title wraps in the header (two lines) rather than widening a column of numbers.
            widths[index] = max(8, min(40, max(content, min(display_width(column.title), 12) + 3) + 2))
        ws.column_dimensions[letter].width = widths[index]
        if column.hidden:
            ws.column_dimensions[letter].hidden = True
            del widths[index]        # not printed
    if any(display_width(column.title) + 2 > widths[index] for index, column in enumerate(columns, start=1)
           if index in widths):
        ws.row_dimensions[1].height = 32
    wrapped = [(index, column) for index, column in enumerate(columns, start=1) if column.width]
    for r in range(2, rows + 2):
        lines = 1
        for index, column in wrapped:
            value = ws.cell(row=r, column=index).value
            if isinstance(value, str):
                lines = max(lines, sum(math.ceil(max(1, display_width(part)) / (widths[index] - 1))
                                       for part in value.split("\n")))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 2
    _print_setup(ws, "1:1", sum(widths.values()), run_date, repeat_first_column=True)


def _print_setup(ws, title_rows: str | None, width: float, run_date: str, repeat_first_column: bool = False) -> None:
    """A4 landscape (:func:`~evaluator.outputs.reporters.common.print_a4_landscape`), the run's date
    at the right of the footer."""
    print_a4_landscape(ws, title_rows, width, f"运行日期 {run_date}", repeat_first_column)


def _summary_columns(data: dict[str, Any]) -> list[Column]:
    """汇总's columns for this run: a project form's facts and funds only when it holds one; 申报 − 复核
    only when it is not simply the opposite of 更正后 − 申报 somewhere."""
    columns = list(SUMMARY_COLUMNS)
    if any(_differs(row) for row in data["files"]):
        where = _titles(columns).index("差额（更正后 − 申报）") + 1
        columns.insert(where, DECLARED_DIFF)
    if _has_project(data):
        where = _titles(columns).index("部门") + 1
        columns[where:where] = PROJECT_COLUMNS
        columns += FUNDS_COLUMNS
    columns.append(LINK_COLUMN)
    return columns


def _differs(row: dict[str, Any]) -> bool:
    total = row.get("total") or {}
    recomputed, corrected = number(total.get("recomputed")), number(total.get("corrected"))
    return recomputed is not None and corrected is not None and recomputed != corrected


def _summary_sheet(ws, data: dict[str, Any], base: Path | None, run_date: str) -> None:
    rows = _summary_rows(data, base)
    columns = _summary_columns(data)
    _write_table(ws, rows, columns)
    titles = _titles(columns)
    status_col, link_col = titles.index("状态") + 1, titles.index(LINK_COLUMN.title) + 1
    for r, row in enumerate(data["files"], start=2):
        _style(ws.cell(row=r, column=status_col), f"fill-{status_key(row)}")
        for severity in SEVERITIES:
            if row["counts"][severity]:
                _style(ws.cell(row=r, column=titles.index(SEVERITY_LABELS[severity]) + 1), f"count-{severity}")
        target = href(row.get("annotated"), base)
        if target:
            _link(ws.cell(row=r, column=link_col), target=target, tooltip="打开批注副本")
    _finish(ws, columns, len(rows), run_date)


def _link(cell, *, location: str | None = None, target: str | None = None, tooltip: str | None = None) -> None:
    """A hyperlink on a cell already styled as a link (no per-cell font)."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, target=target, tooltip=tooltip)


def _findings_sheet(ws, data: dict[str, Any], base: Path | None, run_date: str) -> None:
    rows = _finding_rows(data)
    if not rows:   # said, not left blank
        _write_table(ws, [{"文件": NOTHING_FOUND, "说明": f"本次检查的 {data['summary'].get('forms', 0)} 份表中未发现问题"}],
                     FINDING_COLUMNS)
        _finish(ws, FINDING_COLUMNS, 1, run_date)
        return
    _write_table(ws, rows, FINDING_COLUMNS)
    titles = _titles(FINDING_COLUMNS)
    severity_col, cell_col = titles.index("严重程度") + 1, titles.index("单元格") + 1
    r = 2
    for row in data["files"]:
        target = href(row.get("annotated"), base)
        for finding in row["findings"]:
            _style(ws.cell(row=r, column=severity_col), f"fill-{finding['severity']}")
            if target and finding.get("sheet") and finding.get("cell"):
                _link(ws.cell(row=r, column=cell_col), target=target,
                      location=sheet_location(finding["sheet"], finding["cell"]), tooltip="在批注副本中打开此单元格")
            else:
                _style(ws.cell(row=r, column=cell_col), "text")
            r += 1
    _finish(ws, FINDING_COLUMNS, len(rows), run_date)
    from openpyxl.comments import Comment

    review = next(i for i, column in enumerate(FINDING_COLUMNS, start=1) if column.title == REVIEW_COLUMN)
    ws.cell(row=1, column=review).comment = Comment(
        "审计人员可在此列填写核实意见（如“已核实：原因见附件”）并保存；下次运行读取，"
        "该问题标为已核实、不计入 --fail-on，意见转存到同一文件夹的 reviewed.csv。单元格的值改变后核实失效；"
        "错误须有意见才能核实。", "evaluator")
    written = next(i for i, column in enumerate(FINDING_COLUMNS, start=1) if column.title == WRITTEN_COLUMN)
    ws.cell(row=1, column=written).comment = Comment(
        "本列隐藏，请勿改动：记着本工具写出时每行的核实意见。下次运行只采用“核实意见”列中与本列不同的（经人改过的），"
        "因此在 reviewed.csv 中改过、删去的核实意见不会被本表中的旧意见覆盖。", "evaluator")


def _skipped_sheet(ws, skipped: list[dict[str, Any]], run_date: str) -> None:
    """未读取: one row per path found and not read, with the reason; a table like the others."""
    rows = [{"路径": item["path"], "原因": item["reason"]} for item in skipped]
    _write_table(ws, rows, SKIPPED_COLUMNS)
    _finish(ws, SKIPPED_COLUMNS, len(rows), run_date)


#: 说明: what the words of the summary mean (the status legend).
LEGEND = [
    ("申报", "表上填写的数：单位报送的总分、评价等级。"),
    ("复核", "按表上各项填写的得分重新相加、重新定级得到的总分和等级（应得等级）：表上的分数本身不动。"),
    ("更正后", "把每条问题的“应为”值放回表中后重新计算的总分和等级：按批注全部更正后，表上应有的总分。"),
    ("差额（更正后 − 申报）", "更正后总分减申报总分：正数表示更正后分数升高，负数表示降低，0 表示不变；— 表示缺少其中一个数。"),
    ("差额（申报 − 复核）", "申报总分减复核总分：不为 0 说明总分没有按各项得分加总（只在有这种表时列出）。"),
    ("通过", "整张指标表已读取并判断，未发现问题。"),
    ("有错误", "至少有一处错误：须按批注更正后再报送。"),
    ("有警告", "没有错误，至少有一处警告：请核对。"),
    ("仅有提示", "没有错误或警告，只有提示（例如无法计算的公式）。"),
    ("无法读取", "文件无法读取（损坏、加密、格式不对等），原因见问题清单。"),
    ("未变化", "文件自上次检查后没有变化，沿用上次的结果。"),
]


def _legend_sheet(ws, data: dict[str, Any], run_date: str) -> None:
    """说明: the status legend and what 申报 / 复核 / 更正后 mean, with the status colours."""
    from openpyxl.utils import get_column_letter

    _put(ws, 1, 1, "说明", "title")
    _put(ws, 2, 1, f"运行日期 {run_date}；{counts_sentence(data['summary'])}", "text")
    _put(ws, 4, 1, "用语", "header")
    _put(ws, 4, 2, "含义", "header")
    colours = {"通过": "ok", "有错误": "error", "有警告": "warning", "仅有提示": "info", "无法读取": "unreadable"}
    for r, (term, meaning) in enumerate(LEGEND, start=5):
        _put(ws, r, 1, term, f"fill-{colours[term]}" if term in colours else "text")
        _put(ws, r, 2, meaning, "wrap")
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(display_width(meaning) / 88)) + 2
    ws.column_dimensions[get_column_letter(1)].width = 24
    ws.column_dimensions[get_column_letter(2)].width = 90
    _print_setup(ws, "4:4", 114, run_date)


# ------------------------------------------------------------------------------------------ 统计

def _stats_frames(data: dict[str, Any]):
    """The tables of 统计 as pandas frames: (name, title, frame)."""
    import pandas as pd

    findings = pd.DataFrame(
        [{"规则": rule_title(f["rule"]), "规则代号": f["rule"], "severity": f["severity"],
          "部门": department_of(row) or "（未读出）"}
         for row in data["files"] for f in row["findings"]],
        columns=["规则", "规则代号", "severity", "部门"])
    labels = [SEVERITY_LABELS[s] for s in SEVERITIES]
    if findings.empty:
        by_rule = pd.DataFrame([["（无）", "", 0, 0, 0, 0]], columns=["规则", "规则代号", *labels, "合计"])
    else:
        by_rule = pd.crosstab([findings["规则"], findings["规则代号"]], findings["severity"])
        by_rule = by_rule.reindex(columns=list(SEVERITIES), fill_value=0)
        by_rule.columns = labels
        by_rule["合计"] = by_rule.sum(axis=1)
        by_rule = by_rule.sort_values(["合计", "错误"], ascending=False, kind="stable").reset_index()

    forms = pd.DataFrame(
        [{"部门": department_of(row) or "（未读出）", "error": row["counts"]["error"],
          "warning": row["counts"]["warning"], "info": row["counts"]["info"],
          "has_error": int(status_key(row) in ("error", "unreadable"))}
         for row in data["files"]],
        columns=["部门", "error", "warning", "info", "has_error"])
    by_department = forms.groupby("部门", sort=False).agg(
        表数=("error", "size"), 有错误的表=("has_error", "sum"),
        错误=("error", "sum"), 警告=("warning", "sum"), 提示=("info", "sum")).reset_index()
    by_department = by_department.sort_values(["错误", "表数"], ascending=False)

    kinds = {"申报": "declared", "复核": "recomputed", "更正后": "corrected"}
    # The spread in whole-point bins (1, 2, 5 or 10 points wide), as report.html draws it.
    from evaluator.outputs.reporters.html import histogram_bins

    exact = {label: _decimals(data["files"], key) for label, key in kinds.items()}
    first, width, count = histogram_bins([value for values in exact.values() for value in values])
    bands = []
    for index in range(count):
        low = first + index * width
        name = str(low) if width == 1 else f"{low}–{low + width}"
        bands.append({"总分区间": name, **{label: sum(1 for v in values if low <= v // 1 < low + width)
                                          for label, values in exact.items()}})
    spread = pd.DataFrame(bands, columns=["总分区间", *kinds])

    # 总分概况 per family: one average over department and project forms would mean nothing.
    summary_rows = []
    for family in distinct(row.get("family") for row in data["files"]) or [None]:
        members = [row for row in data["files"] if row.get("family") == family]
        label = _family_label(family) if family else "（无）"
        columns = {name: _decimals(members, key) for name, key in kinds.items()}
        for statistic in ("表数", "最低", "中位数", "平均", "最高"):
            summary_rows.append({"类别": label, "统计量": statistic,
                                 **{name: _statistic(values, statistic) for name, values in columns.items()}})
    summary = pd.DataFrame(summary_rows, columns=["类别", "统计量", *kinds])

    family_rows = []
    for family in distinct(row.get("family") for row in data["files"]):
        members = [row for row in data["files"] if row.get("family") == family]
        family_rows.append({
            "类别": _family_label(family), "表数": len(members),
            "有错误的表": sum(1 for row in members if row["counts"]["error"]),
            "错误": sum(row["counts"]["error"] for row in members),
            "警告": sum(row["counts"]["warning"] for row in members),
            "提示": sum(row["counts"]["info"] for row in members),
            **{f"平均{name}总分": _statistic(_decimals(members, key), "平均") for name, key in kinds.items()}})
    by_family = pd.DataFrame(family_rows, columns=["类别", "表数", "有错误的表", "错误", "警告", "提示",
                                                   *(f"平均{name}总分" for name in kinds)])

    grade_keys = {"申报": "declared", "应得": "computed", "更正后": "corrected"}
    grades = pd.DataFrame([{label: (row.get("grade") or {}).get(key) for label, key in grade_keys.items()}
                           for row in data["files"]], columns=list(grade_keys))
    seen = {value for value in grades.to_numpy().ravel() if isinstance(value, str)}
    names = [name for name in ("优", "良", "中", "差")]
    names += sorted(seen - set(names))
    by_grade = pd.DataFrame({"评价等级": names, **{label: [int((grades[label] == name).sum()) for name in names]
                                                  for label in grade_keys}})
    return [("stats_rules", "问题按规则（按条数）", by_rule), ("stats_departments", "按部门", by_department),
            ("stats_families", "按类别合计", by_family),
            ("stats_totals", "总分分布", spread), ("stats_total_summary", "总分概况（按类别）", summary),
            ("stats_grades", "评价等级分布", by_grade)]


def _decimals(rows: list[dict[str, Any]], key: str) -> list[Decimal]:
    values = [number((row.get("total") or {}).get(key)) for row in rows]
    return [value for value in values if value is not None]


def _statistic(values: list[Decimal], name: str) -> Any:
    """表数, 最低, 中位数, 平均 or 最高 of exact totals, to 0.01 rounded half up (None when empty)."""
    if name == "表数":
        return len(values)
    if not values:
        return None
    ordered = sorted(values)
    if name == "最低":
        result = ordered[0]
    elif name == "最高":
        result = ordered[-1]
    elif name == "平均":
        result = sum(ordered) / len(ordered)
    else:
        middle = len(ordered) // 2
        result = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return float(result.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _stats_sheet(writer, data: dict[str, Any], run_date: str) -> None:
    """统计: the tables side by side, their headers on one frozen row, each an Excel table with its
    filter; bar charts of findings by rule, of the spread of totals and of grades below them."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    frames = _stats_frames(data)
    header = 3
    col = 1
    placed = {}
    widths: list[tuple[int, float]] = []
    ws = writer.book.create_sheet(STATS_SHEET)
    for name, title, frame in frames:
        # Written cell by cell through write_cell, not DataFrame.to_excel: a department's name is
        # workbook text and must stay inert (no formula, no character XML cannot hold).
        for r, values in enumerate(frame.itertuples(index=False), start=header + 1):
            for offset, value in enumerate(values):
                plain = None if _missing(value) else _plain(value)
                _put(ws, r, col + offset, plain, "text" if isinstance(plain, str) or plain is None else "number")
        _put(ws, header - 1, col, title, "title")
        for offset, column in enumerate(frame.columns):
            _put(ws, header, col + offset, str(column), "header")
        last_col = col + len(frame.columns) - 1
        ref = f"{get_column_letter(col)}{header}:{get_column_letter(last_col)}{header + max(1, len(frame))}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        table.autoFilter = AutoFilter(ref=table.ref)   # a filter button on every column
        ws.add_table(table)
        table_width = 0
        for offset, column in enumerate(frame.columns):
            letter = get_column_letter(col + offset)
            content = max([display_width(v) for v in frame[column].tolist()] + [display_width(column) + 3])
            ws.column_dimensions[letter].width = max(8, min(30, content + 2))
            table_width += ws.column_dimensions[letter].width
        widths.append((col, table_width + 8.43))   # the table and the empty column after it
        placed[name] = (col, len(frame))
        col = last_col + 2
    _put(ws, 1, 1, f"统计 · 共 {counts_sentence(data['summary'])}", "title")
    ws.freeze_panes = f"A{header + 1}"
    # Printed at 60 %, a page holds PAGE_WIDTH_UNITS / 0.6 columns' width: a page break before a table
    # that would not fit on the page it starts on, so that no table is cut in two across pages.
    page = PAGE_WIDTH_UNITS * 100 / MIN_PRINT_SCALE
    used = 0.0
    for start, table_width in widths:
        if used and used + table_width > page:
            ws.col_breaks.append(Break(id=start - 1))
            used = 0.0
        used += table_width


    def bar(title: str, name: str, first: int, count: int, stacked: bool = False) -> BarChart:
        """Bars of ``count`` columns from offset ``first`` of a table, by its first column."""
        start, rows = placed[name]
        chart = BarChart()
        chart.type = "bar" if stacked else "col"
        chart.title = title
        chart.style = 10
        if stacked:
            chart.grouping, chart.overlap = "stacked", 100
        data_ref = Reference(ws, min_col=start + first, max_col=start + first + count - 1,
                             min_row=header, max_row=header + max(1, rows))
        categories = Reference(ws, min_col=start, min_row=header + 1, max_row=header + max(1, rows))
        chart.add_data(data_ref, titles_from_data=True)
        chart.set_categories(categories)
        chart.y_axis.majorGridlines = None
        chart.height, chart.width = 7.5, 16
        return chart

    rules_chart = bar("问题按规则（条）", "stats_rules", 2, 3, stacked=True)
    rules_chart.y_axis.title = None
    for series, colour in zip(rules_chart.series, ("C00000", "E0A000", "4472C4")):
        series.graphicalProperties.solidFill = colour
    rules_chart.height = max(7.5, 0.6 * placed["stats_rules"][1] + 3)
    rules_chart.x_axis.scaling.orientation = "maxMin"   # the rule with the most findings on top
    totals_chart = bar("总分分布（张，每格为整分）", "stats_totals", 1, 3)
    grades_chart = bar("评价等级分布（张）", "stats_grades", 1, 3)
    for chart in (totals_chart, grades_chart):
        for series, colour in zip(chart.series, ("A6A6A6", "4472C4", "70AD47")):
            series.graphicalProperties.solidFill = colour
    # Whole-number steps on the count axes (never 0.5 of a finding or of a form).
    frames_by_name = {name: frame for name, _, frame in frames}
    for chart, name in ((rules_chart, "stats_rules"), (totals_chart, "stats_totals"), (grades_chart, "stats_grades")):
        numbers = frames_by_name[name].select_dtypes("number")
        largest = int(numbers.to_numpy().max()) if numbers.size else 1
        chart.y_axis.majorUnit = max(1, math.ceil(largest / 8))
        chart.y_axis.scaling.min = 0
    # The charts one below the other under the first tables: on the first printed pages, never cut
    # by a page break between tables.
    below = header + 2 + max(len(frame) for _, _, frame in frames)
    rows_tall = math.ceil(rules_chart.height / 0.5) + 2   # a row is about 0.5 cm
    ws.add_chart(rules_chart, f"A{below}")
    ws.add_chart(totals_chart, f"A{below + rows_tall}")
    ws.add_chart(grades_chart, f"A{below + rows_tall + 17}")
    _print_setup(ws, f"{header}:{header}", PAGE_WIDTH_UNITS * 100 / MIN_PRINT_SCALE, run_date)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """A numpy number as the Python number openpyxl writes."""
    return value.item() if hasattr(value, "item") else value


def render(data: dict[str, Any], stream: IO[bytes], base: Path | None = None) -> None:
    import pandas as pd  # only a run that writes its summary pays for importing pandas

    run_date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    with pd.ExcelWriter(stream, engine="openpyxl") as writer:
        book = writer.book
        _register_styles(book)
        _summary_sheet(book.create_sheet(SUMMARY_SHEET), data, base, run_date)
        _findings_sheet(book.create_sheet(FINDINGS_SHEET), data, base, run_date)
        _stats_sheet(writer, data, run_date)
        if any((row.get("since_last") or {}).get("fixed") for row in data["files"]):
            _fixed_sheet(book.create_sheet(FIXED_SHEET), data, run_date)
        not_read = list(data.get("skipped") or []) + list(data.get("others") or [])
        if not_read:
            _skipped_sheet(book.create_sheet(SKIPPED_SHEET), not_read, run_date)
        _legend_sheet(book.create_sheet(LEGEND_SHEET), data, run_date)
        book.properties.title = "绩效自评表校验汇总"
        book.properties.creator = "evaluator"
        book.properties.keywords = MARKER
        stamp(book)


def is_own_summary(path: Path) -> bool:
    """Whether ``path`` is a summary this tool wrote (its properties carry the marker)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return MARKER in core
