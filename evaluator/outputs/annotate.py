"""Write the annotated copy of a workbook: the original with a comment and a fill on every flagged
cell, and a new sheet 校验结果 listing every finding with a link to its cell.

The flag sits on ``finding.cell``, the cell the author must change. Its comment names the rule in
Chinese with the slug beside it, gives the message, what the value should be ("扣分应为：0.20";
"需填写" for a missing text), the other accepted methods and the band, and the other cells
involved (``related``). 校验结果 opens with a verdict line and the totals (申报 / 复核 / 更正后),
then the findings as a table (numbers stored as numbers, header frozen, filter on, each cell a
link to its place in the workbook), then the forms side by side with each family's facts.

The input is never modified: the copy is written to a temporary file beside its destination and
renamed into place, so an interrupted run leaves no half-written workbook.

Nothing from the input becomes live in the copy: every value written is inert data (a text that
starts with "=" stays text, characters that XML cannot hold are dropped; see :mod:`evaluator.outputs.inert`),
and only the formulas that were already formulas in the original stay formulas.

The original is loaded only after :mod:`evaluator.intake.safety` has passed it; sheets too large to read
are left out of the copy (each keeps a note saying so), and a workbook too large for a full model
is rebuilt from its values.
"""

from __future__ import annotations

import io
import logging
import math
import os
import shutil
import tempfile
import warnings
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaluator.findings import Finding, Severity
from evaluator.outputs.marker import stamp
from evaluator.intake.workbook import SheetGrid
from evaluator.outputs.atomic import as_created
from evaluator.outputs.inert import printable, xlsx_text
from evaluator.outputs.reporters.common import (
    DASH, FUNDS_FACTS, MONEY_FUNDS, SEVERITIES, SEVERITY_LABELS, SEVERITY_COLOURS, STATUS_COLOURS, alternatives_text, cell_name, cell_value,
    coverage_text,
    department_of, display_width, edition_label, expected_label, family_label, fill, finding_details, funds_facts, show_fund, grades_line, header_row,
    link_cell, print_a4_landscape, range_text, rule_label, rule_title, sheet_location, status_key, totals_line, verdict,
    worst_severity, write_cell)
from evaluator.outputs.reporters.json import form_entry
from evaluator.outputs.xlsx_load import load_for_annotation
from evaluator.intake.safety import Kind
from evaluator.outputs.package import CannotPatch
from evaluator.runner.engine import FileResult

log = logging.getLogger("evaluator")

RESULT_SHEET = "校验结果"
AUTHOR = "evaluator"
FILLS = {
    Severity.ERROR: PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
    Severity.WARNING: PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
    Severity.INFO: PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7"),
}
#: The looks of 校验结果, built once: a cell keeps a copy of what it is given, and the package
#: writer serialises each shared object once (evaluator/outputs/sheetxml.py).
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
BOLD_FONT = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")
TOP = Alignment(vertical="top")


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
    """What the accountant reads on the cell: per finding its severity and rule (Chinese title, slug
    beside it), the message, what the value should be ("扣分应为 0.2"), other accepted methods or a
    band, and the other cells involved."""
    blocks = []
    for finding in findings:
        data = finding.to_dict()
        lines = [f"【{finding.severity.label}】{rule_label(finding.rule)}", finding.message]
        lines.extend(finding_details(data))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


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
    """A comment and a fill on each finding's cell, the cell to change (related cells are named in
    the comment, not filled: the fill says where to act)."""
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
        width = min(480, max(300, 7 * max(display_width(line) for line in text.split("\n"))))
        lines = sum(1 + display_width(line) * 7 // width for line in text.split("\n"))
        if cell.comment is not None:
            text = xlsx_text(f"{cell.comment.text}\n\n{text}")
            lines += 2 + cell.comment.text.count("\n")
        cell.comment = Comment(text, AUTHOR, width=width, height=min(40 + 19 * lines, 640))
        cell.fill = FILLS[worst]


#: The findings table of 校验结果: (title, width).
#: The findings' columns and their widths: about 170 in all, which print one page wide on A4
#: landscape at about 80 % (text wraps, rows are as tall as it takes). The first column also holds
#: the labels of 各表概况; 单元格 is wide enough for a sheet name (a link's text is not wrapped by
#: every program).
FINDING_COLUMNS = [("严重程度", 11), ("规则", 15), ("规则代号", 12), ("单元格", 23), ("指标", 14),
                   ("申报值", 9), ("应为", 9), ("应为何值", 9), ("相关单元格", 11), ("说明", 28),
                   ("算式", 19), ("其他可接受值", 12)]
#: Shown after the others when the output folder holds an earlier round of the form.
ROUND_COLUMN = ("本轮变化", 14)
#: The columns of a finding's row that hold numbers (not wrapped).
NUMBER_COLUMNS = (6, 7)
#: Points of one line of text at the default size (11 pt), and each font size's.
LINE_HEIGHT = 15
#: Excel's width of a column none was given.
DEFAULT_WIDTH = 8.43
FORMS_TABLE = "evaluator_forms"


def _form_facts(entry: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    """(label, value, number format) of a form, as the 各表概况 table shows them."""
    total, grade = entry.get("total") or {}, entry.get("grade") or {}
    facts = entry.get("facts") or {}
    rows: list[tuple[str, Any, str | None]] = [
        ("工作表", entry.get("sheet"), None), ("表名", entry.get("form"), None),
        ("类别", family_label(entry), None), ("版本", edition_label(entry), None),
        ("部门", department_of(entry), None), ("年度", entry.get("year"), None)]
    if facts:   # a form with facts of its own (a project form's name, unit, funds)
        rows += [("项目名称", facts.get("project_name"), None), ("实施单位", facts.get("unit"), None),
                 ("金额单位", facts.get("money_unit"), None)]
        for key, label, value in funds_facts(entry) or [(key, label, None) for key, label in FUNDS_FACTS]:
            kind = "amount" if key in MONEY_FUNDS else "rate" if key == "rate" else "score"
            rows.append((f"资金{label}" if key in ("weight", "score") else label, *cell_value(value, kind)))
    rows += [("申报总分", *cell_value(total.get("declared"), "total")),
             ("复核总分", *cell_value(total.get("recomputed"), "total")),
             ("更正后总分", *cell_value(total.get("corrected"), "total")),
             ("申报等级", grade.get("declared"), None), ("应得等级", grade.get("computed"), None),
             ("更正后等级", grade.get("corrected"), None)]
    rows.append(("读取情况", coverage_text(entry), None))
    rows += [(SEVERITY_LABELS[severity], entry["counts"][severity], None) for severity in SEVERITIES]
    return rows


def _forms_table(ws: Worksheet, top: int, entries: list[dict[str, Any]], table_names: set[str]) -> int:
    """The forms of the workbook side by side, one column each (a fact per row: sheet, family,
    edition, department, a project's facts and funds, the totals and grades, the counts), as an
    Excel table with its filter. Returns the row of its header."""
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    put(ws, top, 1, "各表概况").font = HEADING_FONT
    header = top + 1
    sheets = [entry.get("sheet") or f"表 {index}" for index, entry in enumerate(entries, start=1)]
    titles, seen = ["项目"], {"项目"}
    for name in sheets:   # a table's headers must differ, letter case aside
        title, counter = name, 2
        while title.casefold() in seen:
            title, counter = f"{name} ({counter})", counter + 1
        seen.add(title.casefold())
        titles.append(title)
    header_row(ws, header, titles)
    widths = [_width(ws, col) for col in range(1, len(titles) + 1)]
    _fit_height(ws, header, {col: (title, widths[col - 1]) for col, title in enumerate(titles, start=1)})
    # Forms of different families show different facts: one row per fact any of them has, in the
    # order a project form lists them, — where a form has no such fact.
    columns = [{label: (value, number_format) for label, value, number_format in _form_facts(entry)}
               for entry in entries]
    order = [label for label, _, _ in _form_facts({"facts": {"project_name": None}, "counts": entries[0]["counts"]})]
    labels = [label for label in order if any(label in facts for facts in columns)]
    wrap, bold, top = WRAP_TOP_LEFT, BOLD_FONT, TOP
    for offset, label in enumerate(labels):
        row = header + 1 + offset
        label_cell = put(ws, row, 1, label)
        label_cell.font, label_cell.alignment = bold, top
        for col, facts in enumerate(columns, start=2):
            value, number_format = facts.get(label, (None, None))
            cell = write_cell(ws, row, col, DASH if value is None else value, number_format)
            if isinstance(cell.value, str):
                cell.alignment = wrap
            if label in SEVERITY_LABELS.values() and value:
                cell.fill = fill(SEVERITY_COLOURS[{v: k for k, v in SEVERITY_LABELS.items()}[label]])
        _fit_height(ws, row, {col: (ws.cell(row=row, column=col).value, widths[col - 1])
                              for col in range(1, len(columns) + 2)})
    for col, entry in enumerate(entries, start=2):
        ws.cell(row=header, column=col).fill = fill(STATUS_COLOURS[status_key(entry)])
    last = header + len(labels)
    name, counter = FORMS_TABLE, 2
    while name.lower() in table_names:
        name, counter = f"{FORMS_TABLE}{counter}", counter + 1
    table = Table(displayName=name, ref=f"A{header}:{get_column_letter(len(entries) + 1)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    table.autoFilter = AutoFilter(ref=table.ref)   # a filter button on every column
    ws.add_table(table)
    return header


def _facts_line(entry: dict[str, Any]) -> str:
    """One line that says which form this is: 部门整体支出 · 部门整体支出绩效自评表（guangzhou-department-2022）
    · 广州市… · 2022 年度 (an edition id only beside its Chinese name, as summary.xlsx shows it)."""
    parts = [family_label(entry), edition_label(entry)]
    facts = entry.get("facts") or {}
    if facts.get("project_name"):
        parts.append(f"项目名称：{facts['project_name']}")
        if department_of(entry):
            parts.append(f"主管部门：{department_of(entry)}")
        if facts.get("unit"):
            parts.append(f"实施单位：{facts['unit']}")
    elif department_of(entry):
        parts.append(department_of(entry))
    if entry.get("year"):
        parts.append(f"{entry['year']} 年度")

    funds = [f"{label} {show_fund(key, value)}" for key, label, value in funds_facts(entry)
             if key in ("budget", "spent", "rate") and value not in (None, "")]
    if funds:
        parts.append("，".join(funds) + (f"（{facts['money_unit']}）" if facts.get("money_unit") else ""))
    return " · ".join(part for part in parts if part)


def _widen(ws: Worksheet, columns: list[tuple[str, int]]) -> None:
    for col, (_, width) in enumerate(columns, start=1):
        letter = get_column_letter(col)
        current = ws.column_dimensions[letter].width if letter in ws.column_dimensions else None
        ws.column_dimensions[letter].width = max(width, current or 0)


def _findings_table(ws: Worksheet, top: int, findings: list[Finding], sheetnames: list[str],
                    marks: dict[tuple[str, str, str], str] | None = None) -> tuple[int, int]:
    """Every finding, one row each, linked to its cell, and with ``marks`` (there is an earlier
    round) its 本轮变化. Returns (header row, last row)."""
    header = top
    columns = FINDING_COLUMNS + [ROUND_COLUMN] if marks is not None else FINDING_COLUMNS
    header_row(ws, header, [title for title, _ in columns])
    _fit_height(ws, header, {col: (title, width) for col, (title, width) in enumerate(columns, start=1)})
    row = header + 1
    wrap, top_aligned = WRAP_TOP, TOP
    if not findings:
        put(ws, row, 1, "未发现问题")
        row += 1
    for finding in findings:
        data = finding.to_dict()
        kind = finding.expected_of
        put(ws, row, 1, finding.severity.label).fill = FILLS[finding.severity]
        put(ws, row, 2, rule_title(finding.rule))
        put(ws, row, 3, finding.rule)
        if finding.sheet and finding.cell:
            link = put(ws, row, 4, f"{finding.sheet}!{finding.cell}")
            if finding.sheet in sheetnames:
                link_cell(link, location=sheet_location(finding.sheet, finding.cell), tooltip="转到此单元格")
        put(ws, row, 5, finding.indicator or "")
        write_cell(ws, row, 6, *cell_value(finding.actual, kind))
        write_cell(ws, row, 7, *cell_value(finding.expected, kind))
        put(ws, row, 8, expected_label(data) if (finding.expected is not None or kind == "text") else "")
        put(ws, row, 9, "、".join(cell_name(sheet, cell, finding.sheet) for sheet, cell in finding.related))
        put(ws, row, 10, finding.message).alignment = wrap
        put(ws, row, 11, finding.arithmetic or "").alignment = wrap
        put(ws, row, 12, "\n".join(line for line in (alternatives_text(data), range_text(data)) if line)).alignment = wrap
        if marks is not None:
            put(ws, row, 13, marks.get((finding.rule, finding.sheet or "", finding.cell or ""), "")).alignment = wrap
        for col in range(1, 10):
            ws.cell(row=row, column=col).alignment = top_aligned if col in NUMBER_COLUMNS or col == 1 else wrap
        _fit_height(ws, row, {col: (ws.cell(row=row, column=col).value, width)
                              for col, (_, width) in enumerate(columns, start=1) if col not in NUMBER_COLUMNS})
        row += 1
    _widen(ws, columns)
    return header, row - 1


def _lines(value: Any, width: float, size: float = 11) -> int:
    """Lines a text takes wrapped in a column ``width`` wide, at font ``size``."""
    usable = max(1.0, (width - 1) * 11 / size)
    text = str(value or "")
    if 2 * len(text) <= usable and "\n" not in text:
        return 1        # no character is wider than two: it fits (most cells, without measuring)
    return sum(math.ceil(max(1, display_width(part)) / usable) for part in text.split("\n"))


def _fit_height(ws: Worksheet, row: int, cells: dict[int, tuple[Any, float]], size: float = 11) -> None:
    """Make ``row`` tall enough for its wrapped text (column → (value, width)): a row height is not
    fitted when the file opens, and a text taller than its row runs over the next one in print."""
    lines = max((_lines(value, width, size) for value, width in cells.values() if isinstance(value, str)),
                default=1)
    if lines > 1:
        ws.row_dimensions[row].height = round(LINE_HEIGHT * size / 11 * lines + 2, 1)


def _width(ws: Worksheet, col: int) -> float:
    """The width of a column of 校验结果 (Excel's default where none was set)."""
    letter = get_column_letter(col)
    return (ws.column_dimensions[letter].width if letter in ws.column_dimensions else None) or DEFAULT_WIDTH


def _spread(ws: Worksheet, row: int, width: int, size: float = 11) -> None:
    """The text of ``row``'s first cell across the table's ``width`` columns: merged, wrapped, and
    the row as tall as its lines (a long line printed past the table's last column is cut off)."""
    cell = ws.cell(row=row, column=1)
    cell.alignment = WRAP_TOP_LEFT
    ws.merge_cells(f"A{row}:{get_column_letter(width)}{row}")
    _fit_height(ws, row, {1: (cell.value, sum(_width(ws, col) for col in range(1, width + 1)))}, size)


#: The most characters of a file name in the footer (Excel holds 255 for the whole footer).
FOOTER_NAME_MAX = 100


def _footer_name(name: str) -> str:
    """A file name as footer text: inert and on one line as every text the tool writes
    (:func:`~evaluator.outputs.inert.printable`), not too long, and ``&`` doubled (it starts a
    footer code; ``&&`` is the sign itself)."""
    shown = printable(name)
    if len(shown) > FOOTER_NAME_MAX:
        shown = shown[:FOOTER_NAME_MAX - 1] + "…"
    return xlsx_text(shown).replace("&", "&&")


def result_sheet_name(sheetnames: list[str]) -> str:
    """校验结果, or 校验结果2, … when the workbook already has a sheet of that name."""
    name = RESULT_SHEET
    counter = 2
    while name in sheetnames:
        name = f"{RESULT_SHEET}{counter}"
        counter += 1
    return name


def _result_sheet(workbook: Workbook, result: FileResult) -> None:
    """校验结果: a verdict line (with the totals: 申报 / 复核 / 更正后) and the form it is about, every
    finding with a link to its cell (header frozen, filter on), then the forms side by side. An earlier
    run's 校验结果 in an annotated copy sent back is replaced, not kept beside the new one."""
    for stale in result.ignored_sheets:
        if stale in workbook.sheetnames:
            workbook.remove(workbook[stale])
    name = result_sheet_name(workbook.sheetnames)
    sheetnames = list(workbook.sheetnames)
    table_names = {table.lower() for sheet in workbook.worksheets for table in sheet.tables}
    fill_result_sheet(workbook.create_sheet(name), result, sheetnames, table_names)


def fill_result_sheet(ws: Worksheet, result: FileResult, sheetnames: list[str], table_names: set[str]) -> None:
    """Write 校验结果 into ``ws`` (the one function both writers use: the openpyxl copy writes it in
    place, the package writer transplants it). ``sheetnames`` are the sheets links may go to,
    ``table_names`` the table names already taken in the workbook."""
    name = ws.title
    entries = [form_entry(result, form) for form in result.forms]
    findings = sorted(result.findings, key=lambda f: f.sort_key)
    counts = {severity.value: sum(1 for f in findings if f.severity == severity) for severity in Severity}

    put(ws, 1, 1, f"绩效自评表校验结果 · {result.path.name}").font = TITLE_FONT
    line = verdict(counts)
    if len(entries) == 1:
        line += f"。总分 {totals_line(entries[0])}"
        if entries[0].get("grade"):
            line += f"；评价等级 {grades_line(entries[0])}"
    verdict_cell = put(ws, 2, 1, line)
    verdict_cell.font = HEADING_FONT
    verdict_cell.fill = fill(STATUS_COLOURS[worst_severity(counts) or "ok"])
    lines = {1: TITLE_FONT.sz, 2: HEADING_FONT.sz}     # the rows of text above the table: font size
    row = 3
    if result.rebuild:
        from evaluator.outputs.xls_copy import rebuilt_note

        put(ws, row, 1, rebuilt_note(result.inspection.kind if result.inspection is not None else None))
        lines[row] = 11
        row += 1
    facts_row = row
    if len(entries) == 1:
        put(ws, row, 1, _facts_line(entries[0]))
        lines[row] = 11
    elif entries:
        families = Counter(family_label(entry) or "其他" for entry in entries)
        put(ws, row, 1, f"共 {len(entries)} 张表（" + "，".join(f"{label} {n} 张" for label, n in families.items())
            + "），各表的总分和概况见问题清单下方")
        lines[row] = 11
    put(ws, row + 1, 1, "批注和底色标在须修改的单元格上；单击“单元格”一列转到该单元格。")
    lines[row + 1] = 11
    if result.round_lines:   # against the last round of the same form (evaluator/runner/rounds.py)
        put(ws, row + 2, 1, "；".join(result.round_lines))
        lines[row + 2] = 11
    marks = result.round_marks or None     # only when the output folder holds an earlier round
    width = len(FINDING_COLUMNS) + (1 if marks is not None else 0)
    header, last = _findings_table(ws, row + 3, findings, sheetnames, marks)
    for line_row, size in lines.items():    # the lines above the table, now that its widths are set
        _spread(ws, line_row, width, size)
    # Also over the one row that says 未发现问题: every table has its filter.
    ws.auto_filter.ref = f"A{header}:{get_column_letter(width)}{last}"
    if entries:
        forms_header = _forms_table(ws, last + 2, entries, table_names)
        if len(entries) > 1:
            link_cell(ws.cell(row=facts_row, column=1), location=sheet_location(name, f"A{forms_header}"))
    ws.freeze_panes = f"A{header + 1}"
    print_a4_landscape(ws, f"{header}:{header}", sum(_width(ws, col) for col in range(1, width + 1)),
                       _footer_name(result.path.name), fit_width=True)


STUB_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def load_original(result: FileResult) -> Workbook:
    """The original .xlsx as an openpyxl workbook, with every sheet too large to read replaced by an
    empty one holding a note (a full model of a huge sheet would take minutes and gigabytes)."""
    inspection = result.inspection
    skipped = {inspection.parts[name]: name for name in inspection.skipped if name in inspection.parts} \
        if inspection is not None else {}
    # The bytes that were inspected and checked, not the file opened again by name (it may have
    # been swapped for a link since); a file object: the name's suffix does not matter.
    with (inspection.open() if inspection is not None and inspection.data else result.path.open("rb")) as handle:
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
        if result.inspection is not None and result.inspection.kind in (Kind.XLS, Kind.ODS):
            from evaluator.outputs.xls_copy import apply_look

            with result.inspection.open() if result.inspection.data else result.path.open("rb") as source:
                apply_look(result.inspection.kind, workbook, source.read())
    _mark_cells(workbook, result.findings)
    _result_sheet(workbook, result)
    stamp(workbook, result.values_digest)  # its own output: a later run over a folder holding it skips it
    return workbook


def write_annotated(result: FileResult, destination: Path) -> Path:
    """Write the annotated copy of a checked file to ``destination`` (atomically): an .xlsx or
    .xlsm by patching its package (:mod:`evaluator.outputs.patch`), anything else, or a package
    that writer does not handle, through openpyxl."""
    if patchable(result):
        try:
            return _write_patched(result, destination)
        except CannotPatch as exc:
            log.debug("%s: written through openpyxl (%s)", result.path, exc)
    atomic_save(annotated_workbook(result), destination)
    return destination


def patchable(result: FileResult) -> bool:
    """Whether the copy is written by patching the package: an .xlsx/.xlsm read whole."""
    inspection = result.inspection
    return (not result.rebuild and inspection is not None and inspection.kind is Kind.XLSX
            and not inspection.skipped)


def comment_size(text: str, earlier: str | None) -> tuple[int, int]:
    """(width, height) of a comment box holding ``text`` (after ``earlier``, a comment the cell had)."""
    width = min(480, max(300, 7 * max(display_width(line) for line in text.split("\n"))))
    lines = sum(1 + display_width(line) * 7 // width for line in text.split("\n"))
    if earlier:
        lines += 2 + earlier.count("\n")
    return width, min(40 + 19 * lines, 640)


def recorded_result_sheet(result: FileResult, name: str, sheetnames: list[str], table_names: set[str]):
    """校验结果 recorded by :func:`fill_result_sheet`, to be written as sheet XML."""
    from evaluator.outputs.sheetxml import RecordingSheet

    sheet = RecordingSheet(name)
    fill_result_sheet(sheet, result, sheetnames, table_names)
    return sheet


def _write_patched(result: FileResult, destination: Path) -> Path:
    from evaluator.outputs.patch import patch_annotated

    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".~tmp-", suffix=destination.suffix, dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as target, \
                (result.inspection.open() if result.inspection.data else result.path.open("rb")) as source:
            patch_annotated(result, source, target, _comment_text, comment_size,
                            lambda name, sheetnames, tables: recorded_result_sheet(result, name, sheetnames, tables))
        as_created(temporary)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination
