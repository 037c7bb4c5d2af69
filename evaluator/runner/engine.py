"""Check one workbook file: read it, find its forms, run every check, collect the results.

Everything here is pure data in, data out, apart from reading the file. The file goes through
the intake's one door (:func:`evaluator.intake.open`): inspected before any parser touches it,
then read by its real format (whatever its name says). One bad file gives an ``unreadable``
result with a one-line reason in Chinese that names the file and says what to do; it never raises
to the caller.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from evaluator.families import FAMILIES, Definitions, known_titles
from evaluator.families.base import CheckedForm
from evaluator.checks import FORM_NOT_FOUND, FORM_UNSUPPORTED, SHEET_SKIPPED, UNREADABLE, WRONG_EXTENSION, form_unsupported
from evaluator.findings import CellRef, Finding, Severity
from evaluator.outputs.inert import printable
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.intake import door
from evaluator.intake.inspection import Inspection, Kind
from evaluator.intake.refusals import Refused
from evaluator.intake.workbook import SheetGrid
from evaluator.values.numbers import parse_number
from evaluator.values.text import norm_label
from evaluator.values.patterns import lazy

log = logging.getLogger("evaluator")

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class FileResult:
    """The outcome for one file: its forms, or why it could not be read."""

    path: Path
    display: str
    forms: list[CheckedForm] = field(default_factory=list)
    error: str | None = None
    annotated: str | None = None
    corrected_copy: str | None = None   # --fix: the proposed corrected copy (<stem>.更正稿.xlsx)
    round_lines: list[str] = field(default_factory=list)   # against the last round, for 校验结果
    round_marks: dict[tuple[str, str, str], str] = field(default_factory=dict)  # per finding, for 校验结果
    reviews_shown: str | None = None   # digest of the reviews 校验结果 shows (rounds.Shown)
    unchanged: bool = False
    grids: list[SheetGrid] | None = field(default=None, repr=False)
    inspection: Inspection | None = field(default=None, repr=False)
    rebuild: bool = False   # the annotated copy is rebuilt from the grids, not from the original
    ignored_sheets: list[str] = field(default_factory=list)  # an earlier run's 校验结果, replaced in the copy
    values_digest: str | None = None  # of the form's values, for the annotated copy's mark

    @property
    def status(self) -> str:
        if self.error is not None:
            return "unreadable"
        if self.unchanged:
            return "unchanged"
        return "findings" if any(form.findings for form in self.forms) else "ok"

    @property
    def findings(self) -> list[Finding]:
        if self.error is not None:
            return [UNREADABLE.emit(None, reason=self.error)]
        return [finding for form in self.forms for finding in form.findings]

    def worst(self) -> Severity | None:
        ranks = [finding.severity for finding in self.findings]
        return max(ranks, key=lambda severity: severity.rank) if ranks else None


_PASSWORD = lazy(r"password|encrypt", re.IGNORECASE)


def describe_error(path: Path, exc: BaseException) -> str:
    """One line, in Chinese, naming the file, saying why it cannot be read and what to do."""
    name = printable(path.name)
    if isinstance(exc, Refused):
        return f"{name}：{printable(str(exc))}"
    if isinstance(exc, FileNotFoundError):
        return f"{name}：文件不存在（可能已被移走或删除）；请确认路径后重试"
    if isinstance(exc, PermissionError):
        return f"{name}：没有读取权限；请检查文件权限，或复制一份可读的副本"
    if isinstance(exc, IsADirectoryError):
        return f"{name}：这是一个文件夹，不是工作簿；请指定其中的文件"
    if isinstance(exc, MemoryError):
        return f"{name}：读取时内存不足；请降低 --max-cells / --max-rows，或把工作簿拆小"
    if isinstance(exc, OSError):
        return f"{name}：读取失败（{printable(exc.strerror or str(exc))}）；请检查磁盘或网络位置后重试"
    text = printable(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
    kind = type(exc).__name__
    if _PASSWORD.search(kind) or _PASSWORD.search(text):
        return f"{name}：文件已加密（设有打开密码），无法读取；请提供未加密的副本"
    detail = f"{kind}: {text[:120]}" if text else kind
    return f"{name}：无法作为工作簿读取，文件可能已损坏（{detail}）；请用 Excel 或 WPS 打开后另存为 .xlsx 再试"


def describe_failure(path: Path, exc: BaseException) -> str:
    """One line for a file the tool read but then failed on: the tool's fault, not the file's."""
    text = printable(str(exc).strip().splitlines()[0])[:120] if str(exc).strip() else ""
    return (f"{printable(path.name)}：检查时出现内部错误（{type(exc).__name__}{': ' + text if text else ''}）；"
            f"请把此文件交给维护人员")


def check_grids(grids: list[SheetGrid], definitions: Definitions) -> list[CheckedForm]:
    """Offer the workbook to every family and check every form found; a workbook in which no
    family finds a form gets one ``form-not-found`` naming what each family looked for."""
    forms = [form for family in FAMILIES for form in family.check(grids, definitions)]
    if forms:
        return forms
    unsupported = []
    known_titles = _known_titles(definitions)
    known = "、".join(family.title for family in FAMILIES)
    for grid in grids:
        table = form_unsupported.find_table(grid)
        if table is not None:
            row, col, text = table.row, table.col, table.title
            seen = table.describe()
        else:
            title = form_unsupported.find_title(grid)
            if title is None or any(known_title in norm_label(title[2]) for known_title in known_titles):
                continue
            row, col, text = title
            seen = f"标题“{text}”"
        finding = FORM_UNSUPPORTED.emit(CellRef(grid.name, row, col), sheet=grid.name, seen=seen, known=known)
        unsupported.append(CheckedForm(family=None, edition=None, title=text, sheet=grid.name, findings=[finding]))
    if unsupported:
        return unsupported
    details = "；".join(f"{family.title}：{family.seen(grids, definitions)}" for family in FAMILIES)
    details += f"；各工作表所见：{_labels_seen(grids)}"
    return [CheckedForm(family=None, edition=None, title=None, sheet=None,
                       findings=[FORM_NOT_FOUND.emit(None, details=details)])]


def _known_titles(definitions: Definitions) -> list[str]:
    """Titles of the forms the families know: such a sheet is a known form that was not found."""
    titles = [norm_label(title) for title in known_titles(definitions)]
    return [title for title in titles if title]


def _labels_seen(grids: list[SheetGrid], per_sheet: int = 6) -> str:
    """For form-not-found: the first short labels of each sheet, so the reader sees what it holds."""
    parts = []
    for grid in grids:
        labels: list[str] = []
        for (_, _), value in sorted(grid.cells.items()):
            if isinstance(value, str):
                text = "".join(value.split())
                if 0 < len(text) <= 16 and text not in labels and parse_number(text) is None:
                    labels.append(text)
            if len(labels) >= per_sheet:
                break
        parts.append(f"“{grid.name}”（{'、'.join(labels) + ('…' if len(labels) >= per_sheet else '') if labels else '空'}）")
    return "，".join(parts) or "没有工作表"


def file_notes(path: Path, inspection: Inspection) -> list[Finding]:
    """What the reader of the results should know about the file itself: a wrong extension, and
    every sheet too large to read."""
    notes: list[Finding] = []
    suffix = inspection.wrong_extension(path)
    if suffix is not None:
        rebuilt = "（网页和文本表格没有公式和格式，批注副本按读到的值重建）" if inspection.kind in (Kind.HTML, Kind.CSV) else ""
        notes.append(WRONG_EXTENSION.emit(None, suffix=suffix, kind=inspection.kind.label, consequence=rebuilt))
    for sheet, why in inspection.skipped.items():
        notes.append(replace(SHEET_SKIPPED.emit(None, sheet=printable(sheet), why=why), sheet=sheet))
    return notes


def check_file(path: Path, definitions: Definitions, display: str | None = None, keep_grids: bool = False,
               limits: Limits = DEFAULT_LIMITS, ignore_sheet: Callable[[str], bool] | None = None) -> FileResult:
    """Read and check one file. Never raises for a bad file: the result says ``unreadable``, with
    a one-line reason in Chinese. The file is inspected before any parser touches it. Sheets for
    which ``ignore_sheet`` is true (the 校验结果 sheet of an annotated copy sent back) are not read."""
    result = FileResult(path=path, display=display or str(path))
    try:
        read = door.open(path, limits)
        inspection, grids = read.inspection, read.grids
        if ignore_sheet is not None:
            result.ignored_sheets = [grid.name for grid in grids if ignore_sheet(grid.name)]
            grids = [grid for grid in grids if not ignore_sheet(grid.name)]
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a reader's failure, even a Rust panic, is this file's answer
        log.debug("%s: unreadable", path, exc_info=True)
        result.error = describe_error(path, exc)
        return result
    try:
        forms = check_grids(grids, definitions)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a bug of ours must not end the batch either
        # The traceback is for a maintainer who turns debug logging on; the user gets one line.
        log.debug("%s: internal error", path, exc_info=True)
        result.error = describe_failure(path, exc)
        return result
    notes = file_notes(path, inspection)
    for form in forms:
        form.findings[:0] = notes
    result.forms = forms
    result.inspection = inspection
    result.rebuild = inspection.kind is not Kind.XLSX or inspection.cells_to_copy() > limits.max_cells
    if keep_grids or result.rebuild:
        result.grids = grids
    return result
