"""The printed total 得分 of a scored tree (合计/总分) is not the sum of its 三级 scores.

Why it matters: the total decides the grade and is what gets published.

Passing: ``合计 | 100 | 95.5`` over scores that add to 95.5. Failing: ``合计 | 100 | 96``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="total-mismatch",
    severity=Severity.ERROR,
    title="总分不等于各项得分之和",
    message="总分 {actual} 不等于各项得分之和 {expected}",
    passing="合计 95.5 = 各三级得分之和",
    failing="合计 96，各三级得分之和 95.5",
    catches="评分表合计（总分）一行的得分不等于三级指标得分之和。",
    why="总分决定评价等级，也是公开的数字。",
)


def recomputed(form: TreeForm) -> Decimal | None:
    scores = [row.score.number for row in form.rows]
    if not scores or any(score is None for score in scores):
        return None
    return sum(scores, Decimal(0))


def check(form: TreeForm) -> Iterator[Finding]:
    declared, total = form.total.number, recomputed(form)
    if declared is None or total is None or declared == total:
        return
    scores = [row.score.number for row in form.rows]
    arithmetic = " + ".join(fmt(score) for score in scores) + f" = {fmt(total)}"
    yield RULE.emit(form.total.ref, indicator="合计", expected=total, actual=declared, arithmetic=arithmetic,
                    expected_of="total", related=[row.score.ref for row in form.rows])
