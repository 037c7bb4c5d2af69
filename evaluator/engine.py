"""Check one workbook file: read it, find its forms, run every check, collect the results.

Everything here is pure data in, data out, apart from reading the file. One bad file gives an
``unreadable`` result with a one-line reason; it never raises to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .catalog import Catalog
from .checks import FORM_NOT_FOUND, UNREADABLE, run_checks
from .derive import computed_grade, declared_grade, recomputed_total
from .findings import Finding, Severity
from .model import Form
from .reader import diagnose, read_forms
from .workbook import SheetGrid, load_grids

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class FormResult:
    """One form and what the checks found in it (``form`` is None when no form was found)."""

    form: Form | None
    findings: list[Finding]
    catalog: Catalog

    @property
    def total_declared(self) -> Decimal | None:
        return self.form.total.number if self.form else None

    @property
    def total_recomputed(self) -> Decimal | None:
        return recomputed_total(self.form) if self.form else None

    @property
    def grade_declared(self) -> str | None:
        return declared_grade(self.form) if self.form else None

    @property
    def grade_computed(self) -> str | None:
        band = computed_grade(self.form, self.catalog) if self.form else None
        return band.name if band else None

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)


@dataclass
class FileResult:
    """The outcome for one file: its forms, or why it could not be read."""

    path: Path
    display: str
    forms: list[FormResult] = field(default_factory=list)
    error: str | None = None
    annotated: str | None = None
    unchanged: bool = False
    grids: list[SheetGrid] | None = field(default=None, repr=False)

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


def describe_error(path: Path, exc: BaseException) -> str:
    """One line, in Chinese, saying why a file cannot be read and what to do."""
    name = path.name
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    kind = type(exc).__name__
    if "Password" in kind or "password" in text.lower() or "encrypt" in text.lower():
        return f"{name}：文件已加密（设有打开密码），请提供未加密的副本"
    if isinstance(exc, FileNotFoundError):
        return f"{name}：文件不存在"
    if isinstance(exc, PermissionError):
        return f"{name}：没有读取权限"
    if isinstance(exc, IsADirectoryError):
        return f"{name}：这是一个文件夹，不是工作簿"
    return f"{name}：无法作为 Excel 工作簿读取（{kind}: {text[:160]}），请用 Excel 或 WPS 另存为 .xlsx 后重试"


def check_grids(grids: list[SheetGrid], catalog: Catalog) -> list[FormResult]:
    """Find and check every form in a workbook's grids."""
    forms = read_forms(grids, catalog)
    if not forms:
        details = diagnose(grids, catalog).describe()
        return [FormResult(form=None, findings=[FORM_NOT_FOUND.emit(None, details=details)], catalog=catalog)]
    return [FormResult(form=form, findings=run_checks(form, catalog), catalog=catalog) for form in forms]


def check_file(path: Path, catalog: Catalog, display: str | None = None, keep_grids: bool = False) -> FileResult:
    """Read and check one file. Never raises for a bad file: the result says ``unreadable``."""
    result = FileResult(path=path, display=display or str(path))
    try:
        grids = load_grids(path).sheets
    except Exception as exc:  # noqa: BLE001 - any failure of a reader is this file's answer
        result.error = describe_error(path, exc)
        return result
    result.forms = check_grids(grids, catalog)
    if keep_grids:
        result.grids = grids
    return result
