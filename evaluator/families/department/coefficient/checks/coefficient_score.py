"""An indicator's 指标得分 on a coefficient form is not 得分系数 × 指标权重 (rounded half-up).

A plain number under 得分系数(%) is in percent points (80 is 80 %).

Why it matters: the indicator scores add up to the 自评总分.

Passing: ``80% | 5 | 4``. Failing: ``80% | 5 | 5``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.coefficient.checks._common import percent, rounded
from evaluator.families.department.coefficient.model import CoefficientForm, as_fraction
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="coefficient-score",
    severity=Severity.ERROR,
    title="按得分系数计算的得分有误",
    message="{indicator}：指标得分 {actual} 不等于 得分系数 × 指标权重 = {expected}（{arithmetic}）",
    passing="得分系数 80% | 指标权重 5 | 指标得分 4",
    failing="得分系数 80% | 指标权重 5 | 指标得分 5",
    catches="绩效指标的指标得分不等于得分系数乘以指标权重（四舍五入）。",
    why="指标得分相加就是自评总分的主要部分。",
)


def check(form: CoefficientForm) -> Iterator[Finding]:
    places = form.edition.model.score_places
    for row in form.rows:
        weight, score = row.weight.number, row.score.number
        if weight is None or score is None:
            continue
        near = score / weight if weight else None
        coefficient = as_fraction(row.coefficient, row.coefficient_in_points, near)
        if coefficient is None:
            continue
        expected = rounded(coefficient * weight, places)
        if score == expected:
            continue
        yield RULE.emit(row.score.ref, indicator=row.name, expected=expected, actual=score, expected_of="score",
                        arithmetic=f"{percent(coefficient)} × {fmt(weight)} = {fmt(coefficient * weight)} → {fmt(expected)}",
                        related=[row.coefficient.ref, row.weight.ref])
