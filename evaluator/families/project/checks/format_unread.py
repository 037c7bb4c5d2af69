"""A 指标值 or 实际完成值 in a percent number format the reader cannot read with certainty.

What a cell shows is its value: 0.953 formatted ``0.0%`` is 95.3 %. A percent format the reader
cannot read for certain (``0.0E+0%``, a percent sign before the digits) leaves what the person saw
unknown, so the row's outcome is not judged (target-score and the like say nothing) and this note
says why. Information, not an error.

Why it matters: a figure read otherwise than it is shown would judge a met target as missed.

Passing: ``实际完成值 0.953`` formatted ``0.0%`` (read as 95.3%).
Failing: ``实际完成值 0.953`` formatted ``0.0E+0%``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt, from_float

RULE = Rule(
    slug="format-unread",
    severity=Severity.INFO,
    title="数字格式无法确定",
    message="{indicator}：单元格 {cell} 的数字格式“{code}”显示的百分数无法确定（存储值 {actual}），此行未评判",
    passing="实际完成值 0.953，格式 0.0%（读作 95.3%）",
    failing="实际完成值 0.953，格式 0.0E+0%",
    catches="指标值或实际完成值的百分比数字格式无法确定显示的数值，该行不作评判（仅提示）",
    why="按与显示不同的数值评判，会把已完成的指标判为未完成",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    for row in form.indicators:
        for label, value in (("指标值", row.target), ("实际完成值", row.actual)):
            if value.unread_format is None or value.ref is None:
                continue
            raw = value.raw
            stored = fmt(from_float(raw)) if isinstance(raw, float) else str(raw)
            yield RULE.emit(value.ref, indicator=f"{row.label} {label}", code=value.unread_format, actual=stored,
                            arithmetic=f"存储值 {stored}，格式 {value.unread_format}")
