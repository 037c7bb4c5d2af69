"""A 得分 (score) of the project form is below 0 or above its 分值 (weight).

Checked on every indicator row that has a 分值 (in its cell, or in its label: 群众满意度（10分）)
and on the 年度资金总额 row when ``rate-score`` cannot say what it should be (then that rule
gives the expected score instead). Where the edition prints no per-indicator 分值 and none can be
read from the labels (Hubei), indicator scores are not judged.

Why it matters: a score above its weight inflates the total and the grade; a negative score is
never possible on this form.

Passing: ``项目完成及时率 | 100% | 100% | 10 | 10``.
Failing: ``项目完成及时率 | 100% | 100% | 10 | 12``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.project.checks import rate_score
from evaluator.families.project.checks.score_not_number import funds_rows
from evaluator.families.project.derive import indicator_rows
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="score-out-of-range",
    severity=Severity.ERROR,
    title="得分超出分值范围",
    message="{indicator}：得分 {actual} 超出 0 至 {expected} 的范围（分值 {expected}）",
    passing="项目完成及时率 | 100% | 100% | 10 | 10",
    failing="项目完成及时率 | 100% | 100% | 10 | 12",
    catches="项目资金或某个指标的得分小于 0 或大于其分值",
    why="得分超过分值会抬高总分和等级；得分不可能为负",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    funds = [] if rate_score.expected_scores(form) is not None else funds_rows(form)
    yield from rows.score_out_of_range(RULE, funds + indicator_rows(form))
