"""Write the annotated copy of a workbook: the original with a comment and a fill on every flagged
cell, and a new sheet 校验结果 listing every finding with a link to its cell.

The input is never modified: the copy is written to a temporary file beside its destination and
renamed into place, so an interrupted run leaves no half-written workbook.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import as_created
from .engine import FileResult
from .findings import Finding, Severity
from .numbers import fmt
from .workbook import SheetGrid
from .xlsx_load import load_for_annotation

RESULT_SHEET = "校验结果"
AUTHOR = "evaluator"
FILLS = {
    Severity.ERROR: PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
    Severity.WARNING: PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
    Severity.INFO: PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7"),
}
COLUMNS = [("规则", 22), ("严重程度", 9), ("单元格", 22), ("指标", 26), ("申报值", 12), ("应为", 12),
           ("说明", 80), ("算式", 40)]


def put(ws: Worksheet, row: int, col: int, value: Any) -> Any:
    """Write a value as inert data: a text that starts with "=" stays text, never a formula."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def atomic_save(workbook: Workbook, destination: Path) -> None:
    """Save to a temporary file in the destination's folder, then rename it into place."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".~tmp-", suffix=destination.suffix, dir=destination.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        as_created(temporary)  # a copy colleagues on a shared folder can open, not 0600
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def workbook_from_grids(grids: list[SheetGrid]) -> Workbook:
    """A new .xlsx workbook holding the values and merged ranges of grids (for legacy .xls input)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for grid in grids:
        ws = workbook.create_sheet(grid.name[:31] or "Sheet")
        for (r, c), value in grid.cells.items():
            put(ws, r, c, value)
        for r0, c0, r1, c1 in grid.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        for column, width in getattr(grid, "widths", {}).items():
            ws.column_dimensions[get_column_letter(column)].width = width
    return workbook


def _comment_text(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        line = f"【{finding.severity.label}】{finding.message}"
        if finding.expected is not None:
            line += f"\n应为：{finding.expected}"
        lines.append(line + f"\n（{finding.rule}）")
    return "\n\n".join(lines)


def _mark_cells(workbook: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, address), group in by_cell.items():
        cell = workbook[sheet][address]
        worst = max(group, key=lambda f: f.severity.rank).severity
        text = _comment_text(group)
        comment = Comment(text, AUTHOR)
        comment.width = 360
        comment.height = min(60 + 18 * text.count("\n") + len(text) // 2, 600)
        if cell.comment is not None:
            comment = Comment(f"{cell.comment.text}\n\n{text}", AUTHOR, width=comment.width, height=comment.height)
        cell.comment = comment
        cell.fill = FILLS[worst]


def _result_sheet(workbook: Workbook, result: FileResult) -> None:
    name = RESULT_SHEET
    counter = 2
    while name in workbook.sheetnames:
        name = f"{RESULT_SHEET}{counter}"
        counter += 1
    ws = workbook.create_sheet(name)
    bold = Font(bold=True)
    put(ws, 1, 1, "绩效自评表校验结果").font = Font(bold=True, size=14)
    put(ws, 2, 1, "文件")
    put(ws, 2, 2, result.path.name)
    row = 4
    for form in result.forms:
        facts = [
            ("工作表", form.form.sheet if form.form else "—"),
            ("部门", (form.form.department if form.form else None) or "—"),
            ("年度", str(form.form.year) if form.form and form.form.year else "—"),
            ("申报总分", fmt(form.total_declared) if form.total_declared is not None else "—"),
            ("复核总分", fmt(form.total_recomputed) if form.total_recomputed is not None else "—"),
            ("申报等级", form.grade_declared or "—"),
            ("应得等级", form.grade_computed or "—"),
            ("错误 / 警告 / 提示", f"{form.count(Severity.ERROR)} / {form.count(Severity.WARNING)} / {form.count(Severity.INFO)}"),
        ]
        for label, value in facts:
            put(ws, row, 1, label).font = bold
            put(ws, row, 2, value)
            row += 1
        row += 1
        for col, (title, width) in enumerate(COLUMNS, start=1):
            put(ws, row, col, title).font = bold
            ws.column_dimensions[get_column_letter(col)].width = width
        row += 1
        if not form.findings:
            put(ws, row, 1, "未发现问题")
            row += 1
        for finding in form.findings:
            put(ws, row, 1, finding.rule)
            put(ws, row, 2, finding.severity.label).fill = FILLS[finding.severity]
            if finding.sheet and finding.cell:
                link = put(ws, row, 3, f"{finding.sheet}!{finding.cell}")
                if finding.sheet in workbook.sheetnames:
                    link.hyperlink = f"#{quote_sheetname(finding.sheet)}!{finding.cell}"
                    link.font = Font(color="0563C1", underline="single")
            put(ws, row, 4, finding.indicator or "")
            put(ws, row, 5, finding.actual or "")
            put(ws, row, 6, finding.expected or "")
            put(ws, row, 7, finding.message).alignment = Alignment(wrap_text=True, vertical="top")
            put(ws, row, 8, finding.arithmetic or "")
            row += 1
        row += 1
    ws.freeze_panes = "A4"


def annotated_workbook(result: FileResult) -> Workbook:
    """The annotated copy as an openpyxl workbook (not yet saved)."""
    suffix = result.path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        workbook = load_for_annotation(result.path)
    else:
        if result.grids is None:
            raise ValueError("grids are needed to rebuild a non-xlsx workbook")
        workbook = workbook_from_grids(result.grids)
    _mark_cells(workbook, result.findings)
    _result_sheet(workbook, result)
    return workbook


def write_annotated(result: FileResult, destination: Path) -> Path:
    """Write the annotated copy of a checked file to ``destination`` (atomically)."""
    atomic_save(annotated_workbook(result), destination)
    return destination
