"""The run summary as a workbook (summary.xlsx): one row per form checked, then every finding.

Sheet 汇总 has one row per entry of the report (a workbook holding two forms gives two rows): path,
department, year, status, declared and recomputed total, declared and computed grade, the counts of
errors, warnings and notes, a link to the annotated copy, and the edition, 项目名称 and 项目资金 row
of a project form. Sheet 问题清单 lists every finding.
Both have a frozen header, a filter and column widths fitted to their content.

Every text is written as inert data: a department name or message that begins with = + - or @
stays text, never a formula. The workbook carries a marker in its properties so that a later run
recognizes it as its own output and never takes it for a form to check.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from evaluator.outputs.inert import FORMULA_START, xlsx_text
from evaluator.outputs.reporters.common import SEVERITY_LABELS, fact_lines, href, relative_path, status_label

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题清单"
MARKER = "evaluator-run-summary"
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _number(text: str | None) -> float | str | None:
    """A decimal string as a number Excel can sort and sum; anything else as it is."""
    if text is None:
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return text


def _summary_rows(data: dict[str, Any], base: Path | None) -> list[dict[str, Any]]:
    rows = []
    for row in data["files"]:
        rows.append({
            "文件": row["path"],
            "工作表": row.get("sheet"),
            "部门": row.get("department"),
            "年度": row.get("year"),
            "状态": status_label(row),
            "申报总分": _number((row["total"] or {}).get("declared")),
            "复核总分": _number((row["total"] or {}).get("recomputed")),
            "申报等级": (row["grade"] or {}).get("declared"),
            "应得等级": (row["grade"] or {}).get("computed"),
            "错误": row["counts"]["error"],
            "警告": row["counts"]["warning"],
            "提示": row["counts"]["info"],
            "批注副本": relative_path(row.get("annotated"), base),
            "版本": row.get("edition"),
            "项目名称": (row.get("facts") or {}).get("project_name"),
            "项目资金": "；".join(f"{label} {value}" for label, value in fact_lines(row.get("facts"))
                              if label.startswith("项目资金")) or None,
        })
    return rows


def _finding_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in data["files"]:
        for finding in row["findings"]:
            rows.append({
                "文件": row["path"],
                "单元格": f"{finding['sheet']}!{finding['cell']}" if finding.get("cell") else None,
                "严重程度": SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
                "规则": finding["rule"],
                "指标": finding.get("indicator"),
                "申报值": finding.get("actual"),
                "应为": finding.get("expected"),
                "说明": finding["message"],
            })
    return rows


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return len(text) + len(_WIDE.findall(text))


def _make_inert(ws) -> None:
    """Every text cell holds text: nothing this run writes may become a formula or a control code."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                clean = xlsx_text(cell.value)
                if clean != cell.value:
                    cell.value = clean
                if clean.startswith(FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _fit(ws, limit: int = 60) -> None:
    for index, column in enumerate(ws.iter_cols(), start=1):
        width = max((_display_width(cell.value) for cell in column), default=8)
        ws.column_dimensions[get_column_letter(index)].width = max(8, min(limit, width + 2))


def _finish(ws) -> None:
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    for cell in ws[1]:
        cell.font = Font(bold=True)
    _make_inert(ws)
    _fit(ws)


def render(data: dict[str, Any], stream: IO[bytes], base: Path | None = None) -> None:
    import pandas as pd  # only a run that writes its summary pays for importing pandas

    summary = pd.DataFrame(_summary_rows(data, base), dtype=object,
                           columns=["文件", "工作表", "部门", "年度", "状态", "申报总分", "复核总分",
                                    "申报等级", "应得等级", "错误", "警告", "提示", "批注副本",
                                    "版本", "项目名称", "项目资金"])
    findings = pd.DataFrame(_finding_rows(data), dtype=object,
                            columns=["文件", "单元格", "严重程度", "规则", "指标", "申报值", "应为", "说明"])
    with pd.ExcelWriter(stream, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name=SUMMARY_SHEET, index=False)
        findings.to_excel(writer, sheet_name=FINDINGS_SHEET, index=False)
        book = writer.book
        book.properties.title = "绩效自评表校验汇总"
        book.properties.creator = "evaluator"
        book.properties.keywords = MARKER
        sheet = writer.sheets[SUMMARY_SHEET]
        link_column = list(summary.columns).index("批注副本") + 1
        for offset, row in enumerate(data["files"], start=2):
            target = href(row.get("annotated"), base)
            if target:
                cell = sheet.cell(row=offset, column=link_column)
                cell.hyperlink = target
                cell.font = Font(color="0563C1", underline="single")
        for name in (SUMMARY_SHEET, FINDINGS_SHEET):
            _finish(writer.sheets[name])


def is_own_summary(path: Path) -> bool:
    """Whether ``path`` is a summary this tool wrote (its properties carry the marker)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return MARKER in core
