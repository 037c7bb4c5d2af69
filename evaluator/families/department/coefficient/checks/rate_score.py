"""The 执行率得分 of a coefficient form is not 执行率 × 执行率权重 (rounded half-up to the edition's
decimals).

The printed 执行率 is used (a wrong rate is ``execution-rate``'s); a rate above 100% scores the full
weight or the plain product, either is accepted.

Why it matters: the funds score is part of the 自评总分.

Passing: ``76% | 10 | 7.6``. Failing: ``76% | 10 | 8``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.coefficient.checks._common import funds_rate, percent, rounded
from evaluator.families.department.coefficient.model import CoefficientForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="rate-score",
    severity=Severity.ERROR,
    title="按执行率计算的得分有误",
    message="执行率得分 {actual} 不等于 执行率 × 执行率权重 = {expected}（{arithmetic}）",
    passing="执行率 76% | 执行率权重 10 | 执行率得分 7.6",
    failing="执行率 76% | 执行率权重 10 | 执行率得分 8",
    catches="执行率得分不等于执行率乘以执行率权重（四舍五入）。",
    why="执行率得分计入自评总分。",
)


def check(form: CoefficientForm) -> Iterator[Finding]:
    funds = form.funds
    rate = funds_rate(form)
    if funds is None or rate is None or funds.weight.number is None or funds.score.number is None:
        return
    weight, score = funds.weight.number, funds.score.number
    places = form.edition.model.score_places
    expected = rounded(rate * weight, places)
    capped = rounded(min(rate, 1) * weight, places)
    if score in (expected, capped):
        return
    yield RULE.emit(funds.score.ref, indicator="执行率得分", expected=capped, actual=score, expected_of="score",
                    arithmetic=f"{percent(rate)} × {fmt(weight)} = {fmt(rate * weight)} → {fmt(expected)}",
                    related=[funds.rate.ref, funds.weight.ref])
