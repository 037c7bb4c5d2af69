"""The run summary as a workbook (summary.xlsx): one row per form checked, every finding, statistics.

* 汇总: one row per entry of the report (a workbook holding two forms gives two rows): path, sheet,
  family (类别), edition (版本), department, a project's 项目名称 and 实施单位, year, status (coloured),
  the total as declared, recomputed and corrected (更正后), the grades likewise, the counts, a project
  form's funds row (only when the run holds a project form), and a link to the annotated copy.
* 问题清单: every finding, its rule's Chinese title with the slug beside it, declared and expected
  values as numbers, and a link to the flagged cell in the annotated copy (file#'sheet'!cell).
* 统计: built with pandas: findings by rule and severity, by department, the spread of totals and
  of grades, side by side under one frozen header row, with native Excel charts.
* 未读取 (only when there are any): the paths a folder walk found and did not read (a link out of
  the folder, a named pipe, a device), each with the reason; they are not forms and not in 汇总.

Every table has a frozen header and a filter; numbers are stored as numbers; every sheet prints
landscape, one page wide. Every text is written as inert data: a department name or message that
begins with = + - or @ stays text, never a formula. The workbook carries a marker in its properties
so that a later run recognizes it as its own output and never takes it for a form to check.
"""

from __future__ import annotations

import math
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from evaluator.runner.rounds import identity
from evaluator.outputs.reporters.common import (
    DASH, FUNDS_FACTS, MONEY_FUNDS, SEVERITIES, SEVERITY_COLOURS, SEVERITY_LABELS, STATUS_COLOURS, cell_name,
    coverage_text,
    cell_value, department_of, display_width, expected_label, family_label, fill, header_row, href, landscape,
    link_cell, alternatives_text, range_text, relative_path, rule_title, sheet_location, status_key, status_label,
    write_cell)
from evaluator.outputs.marker import stamp

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题清单"
STATS_SHEET = "统计"
SKIPPED_SHEET = "未读取"
MARKER = "evaluator-run-summary"

SUMMARY_COLUMNS = ["文件", "工作表", "类别", "版本", "部门", "年度", "状态",
                   "申报总分", "复核总分", "更正后总分", "申报等级", "应得等级", "更正后等级",
                   "读取情况", "错误", "警告", "提示"]
#: A project form's facts, only when the run holds one.
PROJECT_COLUMNS = ["项目名称", "实施单位"]
FUNDS_COLUMNS = ["金额单位"] + [label if key not in ("weight", "score") else f"资金{label}" for key, label in FUNDS_FACTS]
LINK_COLUMN = "批注副本"
FINDING_COLUMNS = ["文件", "单元格", "严重程度", "规则", "规则代号", "部门", "指标", "申报值", "应为", "应为何值",
                   "相关单元格", "说明", "算式", "其他可接受值", "本轮变化", "核实意见", "表标识"]
#: 本轮已更正: the findings of the last round that are gone (evaluator/runner/rounds.py).
FIXED_SHEET = "本轮已更正"
FIXED_COLUMNS = ["文件", "上轮文件", "单元格", "规则", "规则代号", "指标", "原申报值", "说明"]
SKIPPED_COLUMNS = ["路径", "原因"]
#: Columns whose text wraps, and their width.
WRAPPED = {"说明": 60, "算式": 36, "其他可接受值": 28, "文件": 40, "路径": 60, "原因": 60}
#: Score bands of the spread of totals (the department form's grade bands, finer below 80).
TOTAL_BANDS = [(Decimal(0), Decimal(60), "60 以下"), (Decimal(60), Decimal(70), "60–70"),
               (Decimal(70), Decimal(80), "70–80"), (Decimal(80), Decimal(90), "80–90"),
               (Decimal(90), Decimal("1E9"), "90 及以上")]


def _has_project(data: dict[str, Any]) -> bool:
    return any("project_name" in (row.get("facts") or {}) or (row.get("facts") or {}).get("funds")
               for row in data["files"])


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
            "版本": row.get("edition"),
            "部门": department_of(row),
            "项目名称": facts.get("project_name"),
            "实施单位": facts.get("unit"),
            "年度": row.get("year"),
            "状态": status_label(row),
            # A form that prints no total or grade, or a figure that cannot be told: —.
            "申报总分": _or_dash(cell_value(total.get("declared"), "total"), form),
            "复核总分": _or_dash(cell_value(total.get("recomputed"), "total"), form),
            "更正后总分": _or_dash(cell_value(total.get("corrected"), "total"), form),
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
                entry[column] = cell_value(funds.get(key), kind)
        entry[LINK_COLUMN] = relative_path(row.get("annotated"), base)
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
            })
    return rows


def _fixed_sheet(ws, data: dict[str, Any]) -> None:
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
    _finish(ws, FIXED_COLUMNS, len(rows))


def _write_table(ws, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A header and rows; a (value, number format) pair is a number with its format."""
    header_row(ws, 1, columns)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = row.get(column)
            number_format = None
            if isinstance(value, tuple):
                value, number_format = value
            write_cell(ws, r, c, value, number_format)


def _finish(ws, columns: list[str], rows: int) -> None:
    """Frozen header, a filter over the whole table, widths fitted to the content (wrapped columns
    at a fixed width, their rows tall enough), landscape print one page wide."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    widths = {}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column in WRAPPED:
            widths[index] = WRAPPED[column]
        else:
            content = max((display_width(cell.value) for cell in ws[letter][1:]), default=0)
            widths[index] = max(8, min(40, max(content, display_width(column) + 3) + 2))
        ws.column_dimensions[letter].width = widths[index]
    for r in range(2, rows + 2):
        lines = 1
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=index)
            if column in WRAPPED and isinstance(cell.value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, sum(math.ceil(max(1, display_width(part)) / (widths[index] - 1))
                                       for part in cell.value.split("\n")))
            elif cell.alignment.vertical != "top":
                cell.alignment = Alignment(vertical="top")
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 2
    landscape(ws, "1:1")


def _summary_sheet(ws, data: dict[str, Any], base: Path | None) -> None:
    rows = _summary_rows(data, base)
    columns = list(SUMMARY_COLUMNS)
    if _has_project(data):
        where = columns.index("部门") + 1
        columns[where:where] = PROJECT_COLUMNS
        columns += FUNDS_COLUMNS
    columns.append(LINK_COLUMN)
    _write_table(ws, rows, columns)
    status_col, link_col = columns.index("状态") + 1, columns.index(LINK_COLUMN) + 1
    for r, row in enumerate(data["files"], start=2):
        ws.cell(row=r, column=status_col).fill = fill(STATUS_COLOURS[status_key(row)])
        for severity in SEVERITIES:
            if row["counts"][severity]:
                ws.cell(row=r, column=columns.index(SEVERITY_LABELS[severity]) + 1).fill = fill(SEVERITY_COLOURS[severity])
        target = href(row.get("annotated"), base)
        if target:
            link_cell(ws.cell(row=r, column=link_col), target=target, tooltip="打开批注副本")
    _finish(ws, columns, len(rows))


def _findings_sheet(ws, data: dict[str, Any], base: Path | None) -> None:
    rows = _finding_rows(data)
    _write_table(ws, rows, FINDING_COLUMNS)
    severity_col, cell_col = FINDING_COLUMNS.index("严重程度") + 1, FINDING_COLUMNS.index("单元格") + 1
    r = 2
    for row in data["files"]:
        target = href(row.get("annotated"), base)
        for finding in row["findings"]:
            ws.cell(row=r, column=severity_col).fill = fill(SEVERITY_COLOURS[finding["severity"]])
            if target and finding.get("sheet") and finding.get("cell"):
                link_cell(ws.cell(row=r, column=cell_col), target=target,
                          location=sheet_location(finding["sheet"], finding["cell"]), tooltip="在批注副本中打开此单元格")
            r += 1
    _finish(ws, FINDING_COLUMNS, len(rows))
    from openpyxl.comments import Comment

    ws.cell(row=1, column=FINDING_COLUMNS.index("核实意见") + 1).comment = Comment(
        "审计人员可在此列填写核实意见（如“已核实：原因见附件”）并保存；下次运行读取，"
        "该问题标为已核实、不计入 --fail-on，意见转存到同一文件夹的 reviewed.csv。单元格的值改变后核实失效；"
        "错误须有意见才能核实。", "evaluator")


def _skipped_sheet(ws, skipped: list[dict[str, Any]]) -> None:
    """未读取: one row per path found and not read, with the reason; a table like the others."""
    rows = [{"路径": item["path"], "原因": item["reason"]} for item in skipped]
    _write_table(ws, rows, SKIPPED_COLUMNS)
    _finish(ws, SKIPPED_COLUMNS, len(rows))


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
        by_rule = by_rule.sort_values(["错误", "合计"], ascending=False).reset_index()

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

    def totals(key: str) -> "pd.Series":
        values = [(row.get("total") or {}).get(key) for row in data["files"]]
        return pd.Series([float(v) for v in values if v is not None], dtype=float)

    kinds = {"申报": "declared", "复核": "recomputed", "更正后": "corrected"}
    series = {label: totals(key) for label, key in kinds.items()}
    bands = []
    for low, high, name in TOTAL_BANDS:
        bands.append({"总分区间": name, **{label: int(((s >= float(low)) & (s < float(high))).sum())
                                          for label, s in series.items()}})
    spread = pd.DataFrame(bands, columns=["总分区间", *kinds])

    described = {"统计量": ["表数", "最低", "中位数", "平均", "最高"]}
    for label, s in series.items():
        described[label] = [len(s)] + ([round(s.min(), 2), round(s.median(), 2), round(s.mean(), 2), round(s.max(), 2)]
                                       if len(s) else [None] * 4)
    summary = pd.DataFrame(described)

    grade_keys = {"申报": "declared", "应得": "computed", "更正后": "corrected"}
    grades = pd.DataFrame([{label: (row.get("grade") or {}).get(key) for label, key in grade_keys.items()}
                           for row in data["files"]], columns=list(grade_keys))
    seen = {value for value in grades.to_numpy().ravel() if isinstance(value, str)}
    names = [name for name in ("优", "良", "中", "差")]
    names += sorted(seen - set(names))
    by_grade = pd.DataFrame({"评价等级": names, **{label: [int((grades[label] == name).sum()) for name in names]
                                                  for label in grade_keys}})
    return [("stats_rules", "问题按规则", by_rule), ("stats_departments", "按部门", by_department),
            ("stats_totals", "总分分布", spread), ("stats_total_summary", "总分概况", summary),
            ("stats_grades", "评价等级分布", by_grade)]


def _stats_sheet(writer, data: dict[str, Any]) -> None:
    """统计: the tables side by side, their headers on one frozen row, each an Excel table with its
    filter; bar charts of findings by rule, of the spread of totals and of grades below them."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    frames = _stats_frames(data)
    header = 3
    col = 1
    placed = {}
    ws = writer.book.create_sheet(STATS_SHEET)
    for name, title, frame in frames:
        # Written cell by cell through write_cell, not DataFrame.to_excel: a department's name is
        # workbook text and must stay inert (no formula, no character XML cannot hold).
        for r, values in enumerate(frame.itertuples(index=False), start=header + 1):
            for offset, value in enumerate(values):
                write_cell(ws, r, col + offset, None if _missing(value) else _plain(value))
        write_cell(ws, header - 1, col, title).font = Font(bold=True, size=12)
        header_row(ws, header, [str(c) for c in frame.columns], col=col)
        last_col = col + len(frame.columns) - 1
        ref = f"{get_column_letter(col)}{header}:{get_column_letter(last_col)}{header + max(1, len(frame))}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        table.autoFilter = AutoFilter(ref=table.ref)   # a filter button on every column
        ws.add_table(table)
        for offset, column in enumerate(frame.columns):
            letter = get_column_letter(col + offset)
            content = max([display_width(v) for v in frame[column].tolist()] + [display_width(column) + 3])
            ws.column_dimensions[letter].width = max(8, min(30, content + 2))
        placed[name] = (col, len(frame))
        col = last_col + 2
    write_cell(ws, 1, 1, f"统计 · 共 {len(data['files'])} 张表").font = Font(bold=True, size=14)
    ws.freeze_panes = f"A{header + 1}"

    below = header + 2 + max(len(frame) for _, _, frame in frames[2:])

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
    totals_chart = bar("总分分布（张）", "stats_totals", 1, 3)
    grades_chart = bar("评价等级分布（张）", "stats_grades", 1, 3)
    for chart in (totals_chart, grades_chart):
        for series, colour in zip(chart.series, ("A6A6A6", "4472C4", "70AD47")):
            series.graphicalProperties.solidFill = colour
    anchor = placed["stats_totals"][0]
    ws.add_chart(totals_chart, f"{get_column_letter(anchor)}{below}")
    ws.add_chart(grades_chart, f"{get_column_letter(anchor)}{below + 16}")
    ws.add_chart(rules_chart, f"{get_column_letter(placed['stats_grades'][0])}{below}")
    landscape(ws, f"{header}:{header}")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """A numpy number as the Python number openpyxl writes."""
    return value.item() if hasattr(value, "item") else value


def render(data: dict[str, Any], stream: IO[bytes], base: Path | None = None) -> None:
    import pandas as pd  # only a run that writes its summary pays for importing pandas

    with pd.ExcelWriter(stream, engine="openpyxl") as writer:
        book = writer.book
        _summary_sheet(book.create_sheet(SUMMARY_SHEET), data, base)
        _findings_sheet(book.create_sheet(FINDINGS_SHEET), data, base)
        _stats_sheet(writer, data)
        if any((row.get("since_last") or {}).get("fixed") for row in data["files"]):
            _fixed_sheet(book.create_sheet(FIXED_SHEET), data)
        if data.get("skipped"):
            _skipped_sheet(book.create_sheet(SKIPPED_SHEET), data["skipped"])
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
