"""``--fix``: a proposed corrected copy, ``<stem>.更正稿.xlsx``, beside the annotated copy.

Every unambiguous expected value of an error is written into its cell; each changed cell is filled
green and carries a comment with its old value, and a sheet 更正说明 lists every change (cell,
old value, new value, rule, reason) and every error not applied, with why. The original is never
touched; the copy is written to a temporary file and renamed into place.

What is applied (:func:`plan`):

- a number (得分, 分值, 总分, 金额, 执行率) written where a number is: the expected value, as a
  number, keeping the cell's format (a rate in a cell formatted as % is written as a fraction);
- a 评价等级: the expected grade ticked and the others unticked (☑优 □良 …), or the grade written
  where the form writes a grade word;
- a figure inside a text (a wrong result of ``92.31%*5=4.65``): only that figure is replaced, and
  only where it is written exactly once; the words around it are kept as written. No text is
  composed: a missing explanation is listed, not written.

What is not: a finding with several accepted methods (``alternatives``) or only a band, one that
cannot tell which of several cells is wrong (a budget identity: ``alternatives`` and no expected), one with
no expected value, a consequence of such a finding, a cell holding a formula (it follows the cells
it refers to), and two findings that ask different values of one cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from evaluator.checks.consequences import applicable, figure_in_text, replace_figure
from evaluator.findings import Finding
from evaluator.values.numbers import parse_number

SUFFIX = ".更正稿.xlsx"
NOTES_SHEET = "更正说明"
TICKED = "☑☒✓✔√■▣●◉✅"
UNTICKED = "□☐○◯"
GREEN = "C6EFCE"
#: Why a formula cell is not written: it follows the cells it refers to once they are corrected.
FORMULA = "单元格是公式，所引用的单元格更正后随之更新，不需改动"


@dataclass(frozen=True)
class Change:
    """A value to write: the finding it comes from, the cell's old value and its new one."""

    finding: Finding
    old: Any
    new: Any


@dataclass(frozen=True)
class Manual:
    """An error left to the author, and why it was not applied."""

    finding: Finding
    reason: str


def _decimal(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _grade_text(text: str, expected: str) -> str | None:
    """A grade cell with boxes (□优 90分≤得分≤100分；☑良 …) with only ``expected`` ticked."""
    names = ("优", "良", "中", "差")
    if expected not in names:
        return None
    pattern = re.compile(f"([{TICKED}{UNTICKED}])(\\s*)({'|'.join(names)})")
    found = pattern.findall(text)
    if not found or expected not in {name for _, _, name in found}:
        return None
    ticked = next((box for box, _, _ in found if box in TICKED), "☑")
    unticked = next((box for box, _, _ in found if box in UNTICKED), "□")
    return pattern.sub(lambda m: (ticked if m.group(3) == expected else unticked) + m.group(2) + m.group(3), text)


def new_value(finding: Finding, old: Any, number_format: str = "General") -> tuple[Any, str | None]:
    """What the cell holding ``old`` must hold, or None and the reason it cannot be said."""
    expected = finding.expected
    if isinstance(old, str) and old.startswith("="):
        return None, FORMULA
    if finding.expected_of == "grade":
        if isinstance(old, str) and any(box in old for box in TICKED + UNTICKED):
            text = _grade_text(old, expected or "")
            return (text, None) if text is not None else (None, "无法确定应勾选的方框，请手工勾选")
        return expected, None
    if finding.expected_of == "rate":
        written = _decimal((expected or "").rstrip("%％"))
        if written is None:
            return None, "应为的执行率不是数字"
        if isinstance(old, (int, float, Decimal)) and not isinstance(old, bool):
            percent = (expected or "").endswith(("%", "％")) or "%" in number_format
            return _number(written / 100 if percent else written), None
        return expected, None
    number = _decimal(expected)
    if number is None:
        return None, "应为的值不是数字"
    if old is None or (isinstance(old, (int, float, Decimal)) and not isinstance(old, bool)):
        return _number(number), None
    if isinstance(old, str) and parse_number(old, percent_as_fraction=False) is not None:
        return expected, None           # a number stored as text stays text
    if isinstance(old, str) and finding.actual is not None:
        if not figure_in_text(finding):
            return None, "文字中的数字与得分不符，哪个数字有误须由填表人判断，请手工修改文字"
        text = replace_figure(old, finding.actual, expected or "")
        if text is not None:
            return text, None
        return None, f"文字中“{finding.actual}”不止一处或没有找到，请手工修改"
    return None, "单元格内容不是数字"


def plan(findings: list[Finding], value_at, everything: bool = False) -> tuple[list[Change], list[Manual]]:
    """The changes to make and the errors left to the author. ``value_at(sheet, cell)`` gives a
    cell's current value and number format (``(value, format)``). ``everything`` also applies the
    first of several accepted methods (what "every error's expected value" means in the round-trip
    test; ``--fix`` leaves those to the author)."""
    by_where = {(f.rule, f.sheet or "", f.cell or ""): f for f in findings}
    changes: dict[tuple[str, str], Change] = {}
    manual: list[Manual] = []
    # A score left to the author leaves the total and the grade open: they add it.
    open_score = any(f.severity.value == "error" and f.expected_of == "score" and (
        not applicable(f) or (f.alternatives and not everything)) for f in findings)
    for finding in findings:
        if finding.severity.value != "error":
            continue
        reason = None
        root = by_where.get(finding.consequence_of) if finding.consequence_of else None
        if open_score and finding.expected_of in ("total", "grade"):
            reason = "总分取决于需人工判断的得分，请先更正得分"
        elif not applicable(finding) and finding.expected is None and finding.alternatives:
            reason = "无法判断哪一处有误，请核对后更正其一：" + "；".join(
                f"{method} 应为 {value}" for method, value in finding.alternatives)
        elif not applicable(finding):
            reason = "需人工判断（没有唯一的应为值）" if finding.expected_of != "text" else "需填写文字，不代为撰写"
        elif not everything and (finding.alternatives or finding.expected_range is not None):
            reason = "有多种可接受的计算方法，请选择其一"
        elif root is not None and (not applicable(root) or (root.alternatives and not everything)):
            reason = "所依据的问题需人工判断"
        if reason is not None:
            manual.append(Manual(finding, reason))
            continue
        key = (finding.sheet or "", finding.cell or "")
        old, number_format = value_at(*key)
        new, reason = new_value(finding, old, number_format)
        if reason is not None:
            manual.append(Manual(finding, reason))
            continue
        if key in changes:
            if changes[key].new != new:
                manual.append(Manual(finding, "同一单元格有两个不同的应为值，请人工判断"))
            continue
        changes[key] = Change(finding, old, new)
    return list(changes.values()), manual


def _anchor(ws, address: str):
    from openpyxl.cell.cell import MergedCell

    cell = ws[address]
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if address in merged:
                return ws.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _shown(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def correct_workbook(workbook, findings: list[Finding], everything: bool = False) -> tuple[list[Change], list[Manual]]:
    """Write every unambiguous expected value into ``workbook`` (an openpyxl workbook); mark each
    changed cell and add the 更正说明 sheet. Returns what was changed and what was not."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    def value_at(sheet: str, cell: str) -> tuple[Any, str]:
        if sheet not in workbook.sheetnames:
            return None, "General"
        target = _anchor(workbook[sheet], cell)
        return target.value, target.number_format or "General"

    changes, manual = plan(findings, value_at, everything)
    fill = PatternFill("solid", start_color=GREEN, end_color=GREEN)
    for change in changes:
        finding = change.finding
        if finding.sheet not in workbook.sheetnames:
            continue
        cell = _anchor(workbook[finding.sheet], finding.cell)
        cell.value = change.new
        if isinstance(change.new, str):
            cell.data_type = "s"
        cell.fill = fill
        cell.comment = Comment(f"已更正：原为 {_shown(change.old)}（{finding.rule}）\n{finding.message}", "evaluator")
    _notes(workbook, changes, manual)
    return changes, manual


def _notes(workbook, changes: list[Change], manual: list[Manual]) -> None:
    from openpyxl.styles import Font

    from evaluator.outputs.inert import xlsx_text

    if NOTES_SHEET in workbook.sheetnames:
        del workbook[NOTES_SHEET]
    ws = workbook.create_sheet(NOTES_SHEET)
    ws.append(["本更正稿由检查结果自动生成：绿色单元格已按“应为”值更正，请逐项核对后再报送；原文件未改动。"])
    formulas = sum(1 for item in manual if item.reason == FORMULA)
    ws.append([f"已更正 {len(changes)} 处；需人工处理 {len(manual) - formulas} 处"
               + (f"；公式随之更新 {formulas} 处" if formulas else "") + "（见下表）。"])
    ws.append([])
    header = ["处理", "工作表", "单元格", "指标", "原值", "更正为", "规则", "原因", "随之更正（依据）"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)

    def cause(finding: Finding) -> str:
        return f"{finding.consequence_of[2]}（{finding.consequence_of[0]}）" if finding.consequence_of else ""

    for change in changes:
        f = change.finding
        ws.append([xlsx_text(str(v)) if isinstance(v, str) else v for v in
                   ["已更正", f.sheet, f.cell, f.indicator or "", _shown(change.old), _shown(change.new), f.rule,
                    f.message, cause(f)]])
    for item in manual:
        f = item.finding
        ws.append([xlsx_text(str(v)) for v in
                   [("不需改动：" if item.reason == FORMULA else "未更正：") + item.reason, f.sheet or "", f.cell or "", f.indicator or "", f.actual or "",
                    f.expected or "", f.rule, f.message, cause(f)]])
    from openpyxl.styles import Alignment

    from evaluator.outputs.reporters.common import landscape

    for letter, width in zip("ABCDEFGHI", (24, 16, 8, 18, 12, 12, 18, 60, 16)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A5"
    landscape(ws, "4:4")


def fixed_name(annotated: Path, stem: str) -> Path:
    """``<stem>.更正稿.xlsx`` in the folder of the annotated copy."""
    from evaluator.outputs.annotate import fit_name

    return annotated.parent / fit_name(stem, SUFFIX)


def write_fixed(result, destination: Path) -> tuple[list[Change], list[Manual]]:
    """Write the proposed corrected copy of a checked file (atomically); the original is untouched."""
    from evaluator.outputs.annotate import load_original, workbook_from_grids   # the annotated copy's loader
    from evaluator.outputs.atomic import replacing

    rebuild = result.rebuild or (result.inspection is None and result.path.suffix.lower() not in (".xlsx", ".xlsm"))
    workbook = workbook_from_grids(result.grids) if rebuild else load_original(result)
    for name in result.ignored_sheets:      # an earlier run's 校验结果 in a copy of ours
        if name in workbook.sheetnames:
            del workbook[name]
    outcome = correct_workbook(workbook, result.findings)
    with replacing(destination, binary=True) as stream:
        workbook.save(stream)
    return outcome
