"""Write the annotated copy of a workbook: the original with a comment and a fill on every flagged
cell, and a new sheet 校验结果 listing every finding with a link to its cell.

The input is never modified: the copy is written to a temporary file beside its destination and
renamed into place, so an interrupted run leaves no half-written workbook.

Nothing from the input becomes live in the copy: every value written is inert data (a text that
starts with "=" stays text, characters that XML cannot hold are dropped; see :mod:`evaluator.inert`),
and only the formulas that were already formulas in the original stay formulas.

The original is loaded only after :mod:`evaluator.safety` has passed it; sheets too large to read
are left out of the copy (each keeps a note saying so), and a workbook too large for a full model
is rebuilt from its values.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import warnings
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from evaluator.outputs.atomic import as_created
from evaluator.runner.engine import FileResult
from evaluator.findings import Finding, Severity
from evaluator.outputs.inert import xlsx_text
from evaluator.values.numbers import fmt
from evaluator.intake.workbook import SheetGrid
from evaluator.outputs.xlsx_load import load_for_annotation
from evaluator.outputs.reporters.common import fact_lines

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
    if isinstance(value, str):
        value = xlsx_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


NAME_MAX = 255   # bytes in one file name, on every common file system


def fit_name(stem: str, suffix: str) -> str:
    """``stem + suffix``, the stem cut on a character boundary so that the name fits NAME_MAX bytes
    (a 254-byte input name is legal; its copy, 8 bytes longer, would not be)."""
    room = NAME_MAX - len(suffix.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) <= room:
        return stem + suffix
    return encoded[:room].decode("utf-8", "ignore") + suffix


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
        for column, width in grid.widths.items():
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


def _anchor(ws: Worksheet, address: str) -> Any:
    """The cell that can carry a comment for ``address``: itself, or the top-left cell of the merged
    range it lies in (the reader's merged ranges and the workbook's may differ when ranges overlap)."""
    cell = ws[address]
    if not isinstance(cell, MergedCell):
        return cell
    for merged in sorted((r for r in ws.merged_cells.ranges if address in r), key=lambda r: (r.min_row, r.min_col)):
        top_left = ws.cell(row=merged.min_row, column=merged.min_col)
        if not isinstance(top_left, MergedCell):   # overlapping ranges: a corner inside another range
            return top_left
    return None


def _mark_cells(workbook: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, address), group in by_cell.items():
        cell = _anchor(workbook[sheet], address)
        if cell is None:
            continue
        worst = max(group, key=lambda f: f.severity.rank).severity
        text = xlsx_text(_comment_text(group))
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
    if result.rebuild:
        put(ws, 3, 1, "注：此副本按读到的值重建，未保留原文件的格式和公式")
    row = 4
    for form in result.forms:
        facts = [
            ("工作表", form.sheet or "—"),
            ("部门", form.department or "—"),
            ("年度", str(form.year) if form.year else "—"),
            *fact_lines(form.facts),
            ("申报总分", fmt(form.total.declared) if form.total and form.total.declared is not None else "—"),
            ("复核总分", fmt(form.total.recomputed) if form.total and form.total.recomputed is not None else "—"),
            *([] if form.grade is None and form.family == "project" else [   # a grade only where printed
                ("申报等级", (form.grade.declared if form.grade else None) or "—"),
                ("应得等级", (form.grade.computed if form.grade else None) or "—")]),
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
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


STUB_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def load_original(result: FileResult) -> Workbook:
    """The original .xlsx as an openpyxl workbook, with every sheet too large to read replaced by an
    empty one holding a note (a full model of a huge sheet would take minutes and gigabytes)."""
    inspection = result.inspection
    skipped = {inspection.parts[name]: name for name in inspection.skipped if name in inspection.parts} \
        if inspection is not None else {}
    with result.path.open("rb") as handle:   # a file object: the name's suffix does not matter
        if not skipped:
            return _load(handle)
        package = io.BytesIO()
        with zipfile.ZipFile(handle) as source, zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename in skipped:
                    target.writestr(info.filename, STUB_SHEET)
                    continue
                with source.open(info) as part, target.open(info.filename, "w") as copy:
                    shutil.copyfileobj(part, copy, 1 << 20)
    workbook = _load(package)
    for name in skipped.values():
        if name in workbook.sheetnames:
            put(workbook[name], 1, 1, f"此工作表{inspection.skipped[name]}，未读取，批注副本中未保留其内容；请查看原文件")
    return workbook


def _load(source: Any) -> Workbook:
    # openpyxl warns on stderr about parts it drops (data validation extensions, slicers); the copy
    # does not need them and the user does not need the warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_for_annotation(source)


def annotated_workbook(result: FileResult) -> Workbook:
    """The annotated copy as an openpyxl workbook (not yet saved)."""
    rebuild = result.rebuild or (result.inspection is None and result.path.suffix.lower() not in (".xlsx", ".xlsm"))
    if not rebuild:
        workbook = load_original(result)
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
