"""A 三级 row of a scored tree lost points (得分 below 分值) and its 扣分原因 cell is empty, on an
edition that has that column.

Why it matters: the column is there to say why points were lost; an auditor cannot accept a
deduction nobody explains.

Passing: ``预算完成率 | 10 | 9.5 | 预算完成率 94%``. Failing: the same with the reason blank.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.tree.checks._rows import scored_rows
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="missing-explanation",
    severity=Severity.WARNING,
    title="扣分未说明原因",
    message="{indicator}：{why}，但{missing}为空",
    passing="预算完成率 | 10 | 9.5 | 预算完成率 94%",
    failing="预算完成率 | 10 | 9.5 | （空）",
    catches="得分低于分值，但扣分原因一栏为空。",
    why="扣分原因一栏就是用来说明失分的；没有说明的扣分无法复核。",
)


def check(form: TreeForm) -> Iterator[Finding]:
    yield from rows.missing_explanation(RULE, scored_rows(form))
