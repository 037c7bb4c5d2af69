"""The declared 总分 (total) is not the sum of the 三级 得分.

Recomputed exactly: Σ 三级 得分, shown per 一级指标 (47.37 + 46.94 = 94.31). When a score is not a
number or is an unevaluated formula, the total is undecided and nothing is said here (those cells
have findings of their own).

Why it matters: the total decides the grade and is what gets published.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import recomputed_total, subtotals
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.values.numbers import fmt
from evaluator.checks.base import Rule, shown

RULE = Rule(
    slug="total-mismatch",
    severity=Severity.ERROR,
    title="总分与各项得分合计不符",
    message="总分：三级指标得分合计 {arithmetic}，申报 {actual}",
    passing="总分 | 100 | 94.31 (Σ 得分 = 94.31)",
    failing="总分 | 100 | 95.31 (Σ 得分 = 94.31)",
    catches=(
        "申报的总分不等于各三级指标得分之和（按一级指标分组列出计算过程）；"
        "有得分不是数字或无法计算时不作判断。"
    ),
    why="总分决定评价等级，也是对外公布的数字。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    total = recomputed_total(form)
    if total is None or form.total.undecided:
        return
    declared = form.total.number
    if declared == total:
        return
    parts = subtotals(form)
    arithmetic = " + ".join(f"{fmt(value)}（{name}）" if name else fmt(value) for name, value in parts)
    arithmetic += f" = {fmt(total)}"
    ref = form.total.ref
    yield RULE.emit(ref, indicator="总分", expected=total,
                    actual=declared if declared is not None else shown(form.total.raw),
                    arithmetic=arithmetic, expected_of="total")
