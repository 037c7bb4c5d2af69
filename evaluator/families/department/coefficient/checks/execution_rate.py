"""The 执行率 of a coefficient form's funds block is not 全年执行数 / 全年(调整)预算数.

The printed rate is compared at the precision it is printed to (76% against 91.2 / 120 = 76%;
76.23 under 执行率(%) is 76.23 %), rounded half-up.

Why it matters: the rate is scored (执行率 × 执行率权重): a wrong rate is a wrong score.

Passing: ``120 | 91.2 | 76%``. Failing: ``120 | 91.2 | 80%``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.coefficient.checks._common import funds_rate, percent, rounded
from evaluator.families.department.coefficient.model import CoefficientForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="execution-rate",
    severity=Severity.ERROR,
    title="执行率计算有误",
    message="执行率 {actual} 不等于 全年执行数 ÷ 全年预算数 = {expected}（{arithmetic}）",
    passing="全年(调整)预算数 120 | 全年执行数 91.2 | 执行率 76%",
    failing="全年(调整)预算数 120 | 全年执行数 91.2 | 执行率 80%",
    catches="部门预算执行情况一栏的执行率不等于全年执行数除以全年(调整)预算数。",
    why="执行率要乘以权重计分：执行率错了，得分和总分都错。",
)


def _places(value: Decimal) -> int:
    return max(-value.normalize().as_tuple().exponent, 0)


def check(form: CoefficientForm) -> Iterator[Finding]:
    funds = form.funds
    rate = funds_rate(form)
    if funds is None or rate is None:
        return
    budget, spent = funds.budget.number, funds.spent.number
    if not budget or spent is None:
        return
    exact = spent / budget
    places = max(_places(rate * 100), 0) + 2      # as many decimals as printed, in percent
    expected = rounded(exact, places)
    if rounded(rate, places) == expected:
        return
    yield RULE.emit(funds.rate.ref, indicator="执行率", expected=percent(expected), actual=percent(rate),
                    expected_of="rate",
                    arithmetic=f"{fmt(spent)} ÷ {fmt(budget)} = {percent(rounded(exact, 6))} → {percent(expected)}",
                    related=[funds.budget.ref, funds.spent.ref])
