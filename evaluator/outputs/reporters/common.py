"""What the reporters share: status labels in Chinese, a form's facts as lines, links to annotated copies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from evaluator.outputs.reporters.json import effective_status
from evaluator.values.numbers import fmt

STATUS_LABELS = {
    "ok": "通过",
    "findings": "有问题",
    "unreadable": "无法读取",
    "unchanged": "未变化",
}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def _percent(fraction: str | None) -> str | None:
    if fraction is None:
        return None
    try:
        value = Decimal(fraction) * 100
    except (InvalidOperation, ValueError):
        return fraction
    return f"{fmt(value)}%"


def fact_lines(facts: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A form's facts as (label, text) pairs in Chinese, for the reports that show them: a project
    form's 项目名称, 实施单位 and its 年度资金总额 row; [] for a form whose family states none."""
    facts = facts or {}
    lines: list[tuple[str, str]] = []
    if facts.get("project_name"):
        lines.append(("项目名称", str(facts["project_name"])))
    if facts.get("unit"):
        lines.append(("实施单位", str(facts["unit"])))
    funds = facts.get("funds")
    if funds:
        parts = [("年初", funds.get("initial")), ("全年", funds.get("budget")), ("执行", funds.get("spent")),
                 ("执行率", _percent(funds.get("rate"))), ("分值", funds.get("weight")), ("得分", funds.get("score"))]
        text = " / ".join(f"{label} {value}" for label, value in parts if value is not None)
        if text:
            lines.append((f"项目资金（{facts.get('money_unit') or '万元'}）", text))
    return lines


def status_label(row: dict[str, Any]) -> str:
    """通过, 有问题, 无法读取; a reused entry says so: 有问题（未变化）."""
    label = STATUS_LABELS.get(effective_status(row), effective_status(row))
    if row["status"] == "unchanged":
        return f"{label}（未变化）"
    return label


def relative_path(target: str | None, base: Path | None) -> str | None:
    """``target`` as seen from the folder ``base`` (POSIX separators), or as given when base is None."""
    if not target:
        return None
    if base is None:
        return Path(target).as_posix()
    try:
        return Path(os.path.relpath(Path(target).resolve(), Path(base).resolve())).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return Path(target).resolve().as_uri()


def href(target: str | None, base: Path | None) -> str | None:
    """A relative URL to ``target`` that works when the report is opened straight from disk."""
    path = relative_path(target, base)
    if path is None or path.startswith("file:"):
        return path
    return quote(path, safe="/")
