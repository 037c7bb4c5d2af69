"""A 三级 row's 得分 of a scored tree is below 0 or above the 分值 printed beside it (0 ≤ 得分 ≤ 分值).

Why it matters: a score above its points inflates the total and the grade.

Passing: ``预算完成率 | 10 | 9.5``. Failing: ``预算完成率 | 10 | 10.5``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.tree.checks._rows import scored_rows
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="score-out-of-range",
    severity=Severity.ERROR,
    title="得分超出分值范围",
    message="{indicator}：得分 {actual} 超出 0 至 {weight} 的范围（分值 {weight}）",
    passing="预算完成率 | 10 | 9.5",
    failing="预算完成率 | 10 | 10.5",
    catches="得分小于 0，或大于该指标的分值。",
    why="超过分值的得分会虚增总分，甚至抬高评价等级。",
)


def check(form: TreeForm) -> Iterator[Finding]:
    yield from rows.score_out_of_range(RULE, scored_rows(form), expect="range")
