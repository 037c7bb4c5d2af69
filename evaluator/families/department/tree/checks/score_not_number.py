"""A 三级 row's 得分 of a scored tree is blank or not a number.

Why it matters: a row without a score cannot be added to the total; the form is not fully judged.

Passing: ``预算完成率 | 10 | 9.5``. Failing: ``预算完成率 | 10 | 待定``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.tree.checks._rows import scored_rows
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="score-not-number",
    severity=Severity.ERROR,
    title="得分不是数字",
    message="{indicator}：得分“{actual}”不是数字（分值 {weight}）",
    passing="预算完成率 | 10 | 9.5",
    failing="预算完成率 | 10 | 待定",
    catches="评分表的三级指标得分为空或不是数字。",
    why="没有得分的行无法计入总分，这张表就没有完整校验。",
)


def check(form: TreeForm) -> Iterator[Finding]:
    yield from rows.score_not_number(RULE, scored_rows(form), expect="range",
                                     message_without_weight="{indicator}：得分“{actual}”不是数字")
